"""Proctored practice exams: a plain practice exam, or the onboarding exam when the backend onboards learners."""

from datetime import timedelta

import pytest
import rules
import time_machine
from django.apps import apps

from edx_proctoring.statuses import ProctoredExamStudentAttemptStatus as Status
from edx_proctoring.tests.factories import AttemptFactory, PracticeExamFactory, UserFactory
from edx_proctoring.tests.student_view.helpers import NOW, PERMISSION, host_context, marker, render_view

pytestmark = pytest.mark.django_db

PAST = NOW - timedelta(days=1)


@pytest.fixture(autouse=True)
def frozen_clock():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def learner():
    return UserFactory()


@pytest.fixture
def practice_exam():
    """A practice exam on a backend without onboarding."""
    return PracticeExamFactory(backend="mock_proctoring_without_rules", time_limit_mins=30)


@pytest.fixture
def onboarding_exam():
    """A practice exam on the `test` backend, which onboards learners."""
    return PracticeExamFactory(backend="test", time_limit_mins=30)


def _attempt(user, exam, status, **fields):
    return AttemptFactory(user=user, proctored_exam=exam, status=status, **fields)


# --- practice ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "page"),
    [
        (None, "practice_exam/entrance.html"),
        (Status.created, "proctored_exam/instructions.html"),
        (Status.download_software_clicked, "proctored_exam/instructions.html"),
        (Status.ready_to_start, "proctored_exam/ready_to_start.html"),
        (Status.ready_to_submit, "proctored_exam/ready_to_submit.html"),
        (Status.error, "practice_exam/error.html"),
        (Status.submitted, "practice_exam/submitted.html"),
        (Status.verified, "practice_exam/submitted.html"),
        (Status.rejected, "practice_exam/submitted.html"),
        (Status.timed_out, "practice_exam/submitted.html"),
    ],
)
def test_practice_exam_pages(learner, practice_exam, status, page):
    if status:
        _attempt(learner, practice_exam, status, started_at=NOW - timedelta(minutes=5), allowed_time_limit_mins=30)

    view = render_view(learner, practice_exam)

    assert view.page == page
    assert marker(page.removesuffix(".html")) in view.html
    assert view.context["is_sample_attempt"] is True


def test_practice_entrance_shows_the_time_and_the_start_button(learner, practice_exam):
    view = render_view(learner, practice_exam)

    assert view.context["total_time"] == "30 minutes"
    assert "30 minutes" in view.html
    assert 'data-attempt-proctored="true"' in view.html


def test_practice_retry_buttons_point_at_the_attempt(learner, practice_exam):
    attempt = _attempt(learner, practice_exam, Status.submitted)

    view = render_view(learner, practice_exam)

    assert 'data-action="reset_attempt"' in view.html
    assert view.context["reset_link"].endswith(f"/attempt/{attempt.id}")


def test_practice_exam_past_due_is_still_open(learner):
    exam = PracticeExamFactory(backend="mock_proctoring_without_rules", due_date=PAST)

    assert render_view(learner, exam).page == "practice_exam/entrance.html"


@pytest.mark.parametrize("status", [Status.started, Status.declined])
def test_practice_started_or_declined_shows_content(learner, practice_exam, status):
    _attempt(learner, practice_exam, status, started_at=NOW - timedelta(minutes=5), allowed_time_limit_mins=30)

    assert render_view(learner, practice_exam).shows_content


def test_practice_started_in_a_blocked_browser_shows_wrong_browser(learner, monkeypatch):
    exam = PracticeExamFactory(backend="mock_proctoring_without_rules")
    _attempt(learner, exam, Status.started, started_at=NOW - timedelta(minutes=5), allowed_time_limit_mins=30)
    backend = apps.get_app_config("edx_proctoring").get_backend("mock_proctoring_without_rules")
    monkeypatch.setattr(backend, "should_block_access_to_exam_material", lambda: True)

    assert render_view(learner, exam).page == "proctored_exam/error_wrong_browser.html"


def test_practice_ready_to_resume(learner, practice_exam):
    _attempt(learner, practice_exam, Status.error, ready_to_resume=True, time_remaining_seconds=600)

    view = render_view(learner, practice_exam)

    assert view.page == "proctored_exam/ready_to_resume.html"
    assert view.context["total_time"] == "10 minutes"


def test_practice_inactive_account(practice_exam):
    assert render_view(UserFactory(is_active=False), practice_exam).page == "proctored_exam/inactive_account.html"


def test_practice_without_permission_shows_content(learner, practice_exam):
    rules.set_perm(PERMISSION, rules.always_deny)
    try:
        assert render_view(learner, practice_exam).shows_content
    finally:
        rules.set_perm(PERMISSION, rules.is_authenticated)


def test_practice_after_the_course_ended_shows_content(learner, practice_exam):
    context = host_context(practice_exam, credit_state={"course_end_date": PAST})

    assert render_view(learner, practice_exam, context=context).shows_content


def test_unproctored_practice_exam_shows_content(learner):
    exam = PracticeExamFactory(is_proctored=False)

    assert render_view(learner, exam).shows_content


# --- onboarding -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "page"),
    [
        (None, "onboarding_exam/entrance.html"),
        (Status.created, "proctored_exam/instructions.html"),
        (Status.ready_to_start, "proctored_exam/ready_to_start.html"),
        (Status.ready_to_submit, "onboarding_exam/ready_to_submit.html"),
        (Status.error, "onboarding_exam/error.html"),
        (Status.submitted, "onboarding_exam/submitted.html"),
        (Status.second_review_required, "onboarding_exam/submitted.html"),
        (Status.timed_out, "onboarding_exam/submitted.html"),
        (Status.verified, "onboarding_exam/verified.html"),
        (Status.rejected, "onboarding_exam/rejected.html"),
    ],
)
def test_onboarding_exam_pages(learner, onboarding_exam, status, page):
    if status:
        _attempt(learner, onboarding_exam, status, started_at=NOW - timedelta(minutes=5), allowed_time_limit_mins=30)

    view = render_view(learner, onboarding_exam)

    assert view.page == page
    assert marker(page.removesuffix(".html")) in view.html


def test_onboarding_entrance_names_the_vendor(learner, onboarding_exam):
    view = render_view(learner, onboarding_exam)

    assert view.context["provider_name"] == "test"
    assert "test needs to check your identity" in view.html


def test_onboarding_past_due_without_attempt_is_expired(learner):
    exam = PracticeExamFactory(backend="test", due_date=PAST)

    assert render_view(learner, exam).page == "proctored_exam/expired.html"


def test_onboarding_started_shows_content(learner, onboarding_exam):
    _attempt(
        learner, onboarding_exam, Status.started, started_at=NOW - timedelta(minutes=5), allowed_time_limit_mins=30
    )

    assert render_view(learner, onboarding_exam).shows_content


def test_onboarding_started_in_a_blocked_browser_shows_wrong_browser(
    learner, onboarding_exam, test_backend, monkeypatch
):
    _attempt(
        learner, onboarding_exam, Status.started, started_at=NOW - timedelta(minutes=5), allowed_time_limit_mins=30
    )
    monkeypatch.setattr(test_backend, "should_block_access_to_exam_material", lambda: True)

    assert render_view(learner, onboarding_exam).page == "proctored_exam/error_wrong_browser.html"


def test_onboarding_ready_to_resume(learner, onboarding_exam):
    _attempt(learner, onboarding_exam, Status.error, ready_to_resume=True, time_remaining_seconds=300)

    assert render_view(learner, onboarding_exam).page == "proctored_exam/ready_to_resume.html"


def test_onboarding_inactive_account(onboarding_exam):
    assert render_view(UserFactory(is_active=False), onboarding_exam).page == "proctored_exam/inactive_account.html"


def test_onboarding_after_the_course_ended_shows_content(learner, onboarding_exam):
    context = host_context(onboarding_exam, credit_state={"course_end_date": PAST})

    assert render_view(learner, onboarding_exam, context=context).shows_content
