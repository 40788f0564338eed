"""Proctored (non-practice) exams: prerequisites, the proctoring steps, review outcomes and onboarding errors."""

from datetime import timedelta

import pytest
import requests
import rules
import time_machine
from django.test import override_settings
from django.urls import reverse

from edx_proctoring.models import ProctoredExamStudentAttempt
from edx_proctoring.statuses import ProctoredExamStudentAttemptStatus as Status
from edx_proctoring.tests.factories import (
    COURSE_ID,
    AttemptFactory,
    PracticeExamFactory,
    ProctoredExamFactory,
    ReviewPolicyFactory,
    UserFactory,
)
from edx_proctoring.tests.student_view.helpers import NOW, PERMISSION, host_context, marker, render_view

pytestmark = pytest.mark.django_db

PAST = NOW - timedelta(days=1)
FUTURE = NOW + timedelta(days=7)


@pytest.fixture(autouse=True)
def frozen_clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def learner():
    return UserFactory()


@pytest.fixture
def exam():
    return ProctoredExamFactory(time_limit_mins=90, due_date=FUTURE)


@pytest.fixture
def deny_proctored_exams():
    rules.set_perm(PERMISSION, rules.always_deny)
    yield
    rules.set_perm(PERMISSION, rules.is_authenticated)


def _attempt(user, exam, status, **fields):
    return AttemptFactory(user=user, proctored_exam=exam, status=status, **fields)


def _requirement(name, status, order, namespace="proctored_exam"):
    return {
        "namespace": namespace,
        "name": name,
        "display_name": f"Requirement {name}",
        "order": order,
        "status": status,
    }


def _credit_context(exam, *requirements):
    statuses = [*requirements, _requirement(exam.content_id, None, 10)]
    return host_context(exam, credit_state={"credit_requirement_status": statuses})


# --- who gets an interstitial ------------------------------------------------------------------------


def test_given_the_host_refuses_proctored_exams_when_rendered_then_content(learner, exam, deny_proctored_exams):
    assert render_view(learner, exam).shows_content


def test_given_a_declined_attempt_when_rendered_then_content_even_for_an_inactive_account(exam):
    learner = UserFactory(is_active=False)
    _attempt(learner, exam, Status.declined)

    assert render_view(learner, exam).shows_content


@pytest.mark.parametrize("status", [None, Status.created])
def test_given_an_inactive_account_when_rendered_then_activation_page(exam, status):
    learner = UserFactory(is_active=False)
    if status:
        _attempt(learner, exam, status)

    view = render_view(learner, exam)

    assert view.page == "proctored_exam/inactive_account.html"
    assert marker("proctored_exam/inactive_account") in view.html


def test_given_the_course_ended_when_rendered_then_content(learner, exam):
    context = host_context(exam, credit_state={"course_end_date": PAST})

    assert render_view(learner, exam, context=context).shows_content


# --- no attempt yet -----------------------------------------------------------------------------------------


def test_given_no_attempt_when_rendered_then_entrance_and_option_presented_event(learner, exam, tracked_events):
    view = render_view(learner, exam)

    assert view.page == "proctored_exam/entrance.html"
    assert marker("proctored_exam/entrance") in view.html
    assert view.context["total_time"] == "1 hour and 30 minutes"
    assert view.context["prerequisite_status"]["are_prerequisites_satisifed"] is True
    assert 'data-attempt-proctored="true"' in view.html
    assert "edx.special_exam.proctored.option-presented" in tracked_events.names()


@pytest.mark.parametrize("allowed", [True, False])
def test_opt_out_is_offered_only_when_the_course_allows_it(learner, exam, allowed):
    view = render_view(learner, exam, context=host_context(exam, allow_proctoring_opt_out=allowed))

    assert ('data-action="show-decline"' in view.html) is allowed
    assert ('data-action="decline"' in view.html) is allowed


def test_given_no_attempt_past_due_when_rendered_then_expired(learner):
    exam = ProctoredExamFactory(due_date=PAST)

    assert render_view(learner, exam).page == "proctored_exam/expired.html"


def test_given_a_declined_prerequisite_when_rendered_then_the_exam_is_declined_and_content_shown(learner, exam):
    context = _credit_context(exam, _requirement("reverification", "declined", 1))

    view = render_view(learner, exam, context=context)

    assert view.shows_content
    attempt = ProctoredExamStudentAttempt.objects.get(user=learner, proctored_exam=exam)
    assert attempt.status == Status.declined
    assert attempt.taking_as_proctored is False


def test_given_a_failed_prerequisite_when_rendered_then_failed_page_with_links(learner, exam):
    context = _credit_context(exam, _requirement("earlier_exam", "failed", 1), _requirement("other", None, 2))

    view = render_view(learner, exam, context=context)

    assert view.page == "proctored_exam/failed-prerequisites.html"
    failed = view.context["prerequisite_status"]["failed_prerequisites"]
    assert [requirement["name"] for requirement in failed] == ["earlier_exam"]
    link = reverse("jump_to", args=[COURSE_ID, "earlier_exam"])
    assert failed[0]["jumpto_url"] == link
    assert f'href="{link}"' in view.html
    assert not ProctoredExamStudentAttempt.objects.filter(user=learner).exists()


def test_given_a_pending_prerequisite_when_rendered_then_pending_page(learner, exam):
    context = _credit_context(
        exam,
        _requirement("done", "satisfied", 1),
        _requirement("identity", None, 2, namespace="reverification"),
        _requirement("final", None, 20, namespace="grade"),
    )

    view = render_view(learner, exam, context=context)

    assert view.page == "proctored_exam/pending-prerequisites.html"
    pending = view.context["prerequisite_status"]["pending_prerequisites"]
    assert [requirement["name"] for requirement in pending] == ["identity"]
    assert pending[0]["jumpto_url"] is None
    assert "Requirement identity" in view.html


# --- the proctoring steps ------------------------------------------------------------------------------------


@pytest.mark.parametrize("status", [Status.created, Status.download_software_clicked])
def test_given_a_created_attempt_when_rendered_then_instructions_with_the_vendor_details(
    learner, exam, test_backend, monkeypatch, status
):
    attempt = _attempt(learner, exam, status)
    monkeypatch.setattr(
        test_backend, "get_attempt", lambda attempt: {"instructions": ["Close other applications", "Show your ID"]}
    )

    view = render_view(learner, exam)

    assert view.page == "proctored_exam/instructions.html"
    assert view.context["exam_code"] == attempt.attempt_code
    assert view.context["backend_instructions"] == ["Close other applications", "Show your ID"]
    assert view.context["software_download_url"] == "http://example.com"
    assert attempt.attempt_code in view.html
    assert "Show your ID" in view.html
    url = reverse("edx_proctoring:proctored_exam.attempt", args=[attempt.id])
    assert view.context["exam_started_poll_url"] == url
    assert view.context["change_state_url"] == url


def test_given_the_vendor_is_unreachable_when_rendering_instructions_then_the_page_still_renders(
    learner, exam, test_backend, monkeypatch
):
    _attempt(learner, exam, Status.created)

    def _unreachable(attempt):
        raise requests.ConnectionError("vendor down")

    monkeypatch.setattr(test_backend, "get_attempt", _unreachable)

    view = render_view(learner, exam)

    assert view.page == "proctored_exam/instructions.html"
    assert view.context["backend_instructions"] is None


def test_given_ready_to_start_when_rendered_then_start_page(learner, exam):
    _attempt(learner, exam, Status.ready_to_start)

    view = render_view(learner, exam)

    assert view.page == "proctored_exam/ready_to_start.html"
    assert "backend_instructions" not in view.context


def test_given_a_started_attempt_when_rendered_then_content(learner, exam):
    _attempt(learner, exam, Status.started, started_at=NOW - timedelta(minutes=5), allowed_time_limit_mins=90)

    assert render_view(learner, exam).shows_content


def test_given_a_started_attempt_in_a_blocked_browser_when_rendered_then_wrong_browser(
    learner, exam, test_backend, monkeypatch
):
    _attempt(learner, exam, Status.started, started_at=NOW - timedelta(minutes=5), allowed_time_limit_mins=90)
    monkeypatch.setattr(test_backend, "should_block_access_to_exam_material", lambda: True)

    view = render_view(learner, exam)

    assert view.page == "proctored_exam/error_wrong_browser.html"
    assert view.context["able_to_reenter_exam"] is False


def test_given_a_started_attempt_past_due_when_rendered_then_expired(learner):
    exam = ProctoredExamFactory(due_date=NOW - timedelta(seconds=1))
    _attempt(learner, exam, Status.started, started_at=NOW - timedelta(minutes=5), allowed_time_limit_mins=90)

    assert render_view(learner, exam).page == "proctored_exam/expired.html"


def test_given_ready_to_submit_when_rendered_then_confirmation_with_reentry(learner, exam):
    _attempt(learner, exam, Status.ready_to_submit, started_at=NOW - timedelta(minutes=5), allowed_time_limit_mins=90)

    view = render_view(learner, exam)

    assert view.page == "proctored_exam/ready_to_submit.html"
    assert view.context["able_to_reenter_exam"] is True
    assert view.context["total_time"] == "1 hour and 30 minutes"


def test_given_an_error_when_rendered_then_error_page(learner, exam):
    _attempt(learner, exam, Status.error, started_at=NOW - timedelta(minutes=5), allowed_time_limit_mins=90)

    view = render_view(learner, exam)

    assert view.page == "proctored_exam/error.html"
    assert 'role="alert"' in view.html


def test_given_an_error_marked_ready_to_resume_when_rendered_then_resume_page_with_the_saved_time(learner, exam):
    _attempt(
        learner,
        exam,
        Status.error,
        started_at=NOW - timedelta(minutes=50),
        allowed_time_limit_mins=90,
        ready_to_resume=True,
        time_remaining_seconds=40 * 60,
    )

    view = render_view(learner, exam)

    assert view.page == "proctored_exam/ready_to_resume.html"
    assert view.context["total_time"] == "40 minutes"
    assert 'data-action="resume"' in view.html


# --- review outcomes -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "page"),
    [
        (Status.submitted, "proctored_exam/submitted.html"),
        (Status.second_review_required, "proctored_exam/submitted.html"),
        (Status.timed_out, "proctored_exam/submitted.html"),
        (Status.verified, "proctored_exam/verified.html"),
        (Status.rejected, "proctored_exam/rejected.html"),
    ],
)
def test_given_a_finished_attempt_when_rendered_then_its_outcome_page(learner, exam, status, page):
    _attempt(learner, exam, status, started_at=NOW - timedelta(hours=2), completed_at=NOW - timedelta(hours=1))

    view = render_view(learner, exam)

    assert view.page == page
    assert marker(page.removesuffix(".html")) in view.html


@pytest.mark.parametrize("status", [Status.submitted, Status.second_review_required, Status.verified, Status.rejected])
@pytest.mark.parametrize(
    ("viewable", "acknowledged", "past_due", "content"),
    [
        (True, True, True, True),
        (True, False, True, False),
        (True, True, False, False),
        (False, True, True, False),
    ],
)
def test_finished_attempts_show_content_only_when_acknowledged_past_due_and_the_platform_allows_it(
    learner, status, viewable, acknowledged, past_due, content
):
    exam = ProctoredExamFactory(due_date=PAST if past_due else FUTURE)
    _attempt(learner, exam, status, is_status_acknowledged=acknowledged, started_at=PAST - timedelta(hours=2))

    with override_settings(PROCTORED_EXAM_VIEWABLE_PAST_DUE=viewable):
        view = render_view(learner, exam)

    assert view.shows_content is content
    if not content:
        assert view.context["can_view_content_past_due"] is viewable


def test_given_unacknowledged_past_due_and_viewable_when_rendered_then_acknowledge_button(learner):
    exam = ProctoredExamFactory(due_date=PAST)
    attempt = _attempt(learner, exam, Status.verified, started_at=PAST - timedelta(hours=2))

    with override_settings(PROCTORED_EXAM_VIEWABLE_PAST_DUE=True):
        view = render_view(learner, exam)

    url = reverse("edx_proctoring:proctored_exam.attempt.review_status", args=[attempt.id])
    assert view.context["update_is_status_acknowledge_url"] == url
    assert 'data-action="acknowledge"' in view.html
    assert f'data-ajax-url="{url}"' in view.html


def test_given_verified_within_the_grace_period_when_rendered_then_verified_page_with_the_deadline(learner):
    due = NOW - timedelta(minutes=10)
    exam = ProctoredExamFactory(due_date=due)
    _attempt(learner, exam, Status.verified, is_status_acknowledged=True, started_at=due - timedelta(hours=2))
    context = host_context(exam, grace_period=timedelta(hours=1))

    with override_settings(PROCTORED_EXAM_VIEWABLE_PAST_DUE=True):
        view = render_view(learner, exam, context=context)

    assert view.page == "proctored_exam/verified.html"
    assert view.context["wait_deadline"] == (due + timedelta(hours=1)).isoformat()
    assert "common/waiting_banner.html" in view.templates


# --- onboarding errors and leftovers ---------------------------------------------------------------------------


@pytest.mark.parametrize("status", Status.onboarding_errors)
def test_given_an_onboarding_error_when_rendered_then_onboarding_page_with_the_link(learner, exam, status):
    onboarding = PracticeExamFactory(course_id=exam.course_id)
    PracticeExamFactory(course_id=exam.course_id)  # a later one: the first one is linked
    _attempt(learner, exam, status)

    view = render_view(learner, exam)

    assert view.page == "proctored_exam/onboarding_error.html"
    assert view.context["onboarding_status"] == status
    assert view.context["support_email_subject"] == "Onboarding status question"
    link = reverse("jump_to", args=[exam.course_id, onboarding.content_id])
    assert view.context["onboarding_link"] == link
    assert f'data-onboarding-status="{status}"' in view.html


def test_given_an_onboarding_error_without_onboarding_exam_when_rendered_then_no_link(learner, exam):
    _attempt(learner, exam, Status.onboarding_missing)

    assert render_view(learner, exam).context["onboarding_link"] == ""


@pytest.mark.parametrize(
    ("status", "page"),
    [(Status.expired, "proctored_exam/expired.html"), (Status.onboarding_reset, "proctored_exam/error.html")],
)
def test_given_a_status_without_a_page_when_rendered_then_a_page_not_the_content(learner, exam, status, page):
    _attempt(learner, exam, status)

    assert render_view(learner, exam).page == page


# --- the context ------------------------------------------------------------------------------------------------


def test_proctored_context_has_every_historic_key(learner, exam, host_services):
    ReviewPolicyFactory(proctored_exam=exam, review_policy="Notes allowed")
    attempt = _attempt(learner, exam, Status.created)

    context = render_view(learner, exam).context

    expected = {
        "platform_name",
        "total_time",
        "exam_id",
        "progress_page_url",
        "is_sample_attempt",
        "has_due_date",
        "has_due_date_passed",
        "able_to_reenter_exam",
        "enter_exam_endpoint",
        "exam_started_poll_url",
        "change_state_url",
        "update_is_status_acknowledge_url",
        "link_urls",
        "tech_support_email",
        "proctoring_escalation_email",
        "exam_review_policy",
        "backend_js_bundle",
        "provider_tech_support_email",
        "provider_tech_support_phone",
        "provider_name",
        "learner_notification_from_email",
        "integration_specific_email",
        "exam_display_name",
        "reset_link",
        "ping_interval",
        "can_view_content_past_due",
        "exam_code",
        "backend_instructions",
        "software_download_url",
    }
    assert expected <= set(context)
    assert context["platform_name"] == "Open edX"
    assert context["exam_display_name"] == exam.exam_name
    assert context["is_sample_attempt"] is False
    assert context["has_due_date"] is True
    assert context["has_due_date_passed"] is False
    assert context["exam_review_policy"] == "Notes allowed"
    assert context["provider_name"] == "test"
    assert context["exam_code"] == attempt.attempt_code
    assert context["link_urls"]["faq"] == "http://localhost:8000/faq"
    assert context["tech_support_email"] == "support@example.org"
    assert context["can_view_content_past_due"] is False


def test_entrance_total_time_is_cut_at_the_due_date(learner):
    exam = ProctoredExamFactory(time_limit_mins=90, due_date=NOW + timedelta(minutes=30))

    view = render_view(learner, exam)

    assert view.context["total_time"] == "30 minutes"
    assert view.context["has_due_date"] is True


def test_given_ready_to_resume_past_due_when_rendered_then_expired_not_a_resume_button(learner):
    exam = ProctoredExamFactory(due_date=PAST)
    _attempt(learner, exam, Status.error, ready_to_resume=True, time_remaining_seconds=600)

    assert render_view(learner, exam).page == "proctored_exam/expired.html"


def test_ready_pages_carry_what_the_vendor_worker_hand_off_needs(host_services):
    """The start and end buttons pass the attempt to the vendor's browser worker; the page says where it is."""
    from edx_proctoring.api import get_student_view
    from edx_proctoring.tests.factories import AttemptFactory

    attempt = AttemptFactory(status="ready_to_start", external_id="vendor-attempt-9")
    exam = attempt.proctored_exam
    html = get_student_view(
        attempt.user_id,
        exam.course_id,
        exam.content_id,
        {"display_name": exam.exam_name, "default_time_limit_mins": 60, "is_proctored": True, "credit_state": {}},
    )
    assert 'data-page="proctored_exam/ready_to_start"' in html
    assert 'data-external-id="vendor-attempt-9"' in html
    assert 'data-ping-interval="60"' in html
