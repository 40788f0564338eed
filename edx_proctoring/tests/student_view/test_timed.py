"""Timed exams: the learner sees the content only while the clock runs, or after a finished exam is due."""

from datetime import timedelta

import pytest
import time_machine
from django.test import override_settings
from django.urls import reverse
from opaque_keys.edx.keys import CourseKey

from edx_proctoring.models import ProctoredExam, ProctoredExamStudentAttempt
from edx_proctoring.statuses import ProctoredExamStudentAttemptStatus as Status
from edx_proctoring.tests.factories import (
    COURSE_ID,
    AllowanceFactory,
    AttemptFactory,
    TimedExamFactory,
    UserFactory,
)
from edx_proctoring.tests.student_view.helpers import NOW, host_context, marker, render_view
from edx_proctoring.tests.test_timing import set_dates_for_course

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen_clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def learner():
    return UserFactory()


def _attempt(user, exam, status, **fields):
    return AttemptFactory(user=user, proctored_exam=exam, status=status, **fields)


def _started(user, exam, *, minutes_ago, allowed=60, status=Status.started, **fields):
    return _attempt(
        user, exam, status, started_at=NOW - timedelta(minutes=minutes_ago), allowed_time_limit_mins=allowed, **fields
    )


# --- before the clock starts -------------------------------------------------------------------------


def test_given_no_attempt_when_rendered_then_entrance_with_the_time_the_learner_gets(learner):
    exam = TimedExamFactory(time_limit_mins=90)

    view = render_view(learner, exam)

    assert view.page == "timed_exam/entrance.html"
    assert marker("timed_exam/entrance") in view.html
    assert "1 hour and 30 minutes" in view.html
    assert view.context["total_time"] == "1 hour and 30 minutes"
    assert view.context["exam_id"] == exam.id
    assert view.context["exam_name"] == exam.exam_name
    assert view.context["course_id"] == COURSE_ID
    assert view.context["enter_exam_endpoint"] == reverse("edx_proctoring:proctored_exam.attempt.collection")
    assert view.context["change_state_url"] == ""
    assert view.context["progress_page_url"] == reverse("progress", args=[COURSE_ID])
    assert view.context["does_time_remain"] is False
    assert view.context["has_time_expired"] is False
    assert 'data-action="start"' in view.html
    assert 'data-start-clock="true"' in view.html
    assert 'data-attempt-proctored="false"' in view.html


def test_given_an_allowance_when_rendered_then_total_time_includes_it(learner):
    exam = TimedExamFactory(time_limit_mins=60)
    AllowanceFactory(user=learner, proctored_exam=exam, value="30")

    assert render_view(learner, exam).context["total_time"] == "1 hour and 30 minutes"


def test_given_a_near_due_date_when_rendered_then_total_time_ends_at_the_due_date(learner):
    exam = TimedExamFactory(time_limit_mins=60, due_date=NOW + timedelta(minutes=20))

    assert render_view(learner, exam).context["total_time"] == "20 minutes"


@pytest.mark.parametrize("status", [Status.created, Status.download_software_clicked, Status.ready_to_start])
def test_given_an_attempt_whose_clock_has_not_started_when_rendered_then_entrance_not_content(learner, status):
    exam = TimedExamFactory()
    attempt = _attempt(learner, exam, status)

    view = render_view(learner, exam)

    assert view.page == "timed_exam/entrance.html"
    assert view.context["change_state_url"] == reverse("edx_proctoring:proctored_exam.attempt", args=[attempt.id])
    assert f'data-attempt-id="{attempt.id}"' in view.html


@pytest.mark.parametrize("status", [None, Status.created])
def test_given_past_due_and_not_started_when_rendered_then_expired(learner, status):
    exam = TimedExamFactory(due_date=NOW - timedelta(minutes=1))
    if status:
        _attempt(learner, exam, status)

    view = render_view(learner, exam)

    assert view.page == "timed_exam/expired.html"
    assert marker("timed_exam/expired") in view.html


def test_given_the_due_date_is_only_stored_not_in_the_context_when_rendered_then_not_past_due(learner):
    exam = TimedExamFactory(due_date=NOW - timedelta(days=1))

    view = render_view(learner, exam, context=host_context(exam, due_date=None))

    assert view.page == "timed_exam/entrance.html"
    assert ProctoredExam.objects.get(id=exam.id).due_date == NOW - timedelta(days=1)


def test_given_no_due_date_and_the_course_ended_when_rendered_then_expired(learner):
    exam = TimedExamFactory(due_date=None)
    course_key = CourseKey.from_string(exam.course_id)
    set_dates_for_course(
        course_key, [(course_key.make_usage_key("course", "course"), {"end": NOW - timedelta(days=1)})]
    )

    assert render_view(learner, exam).page == "timed_exam/expired.html"


def test_given_the_credit_course_end_passed_when_rendered_then_timed_exam_still_guarded(learner):
    exam = TimedExamFactory()
    context = host_context(exam, credit_state={"course_end_date": NOW - timedelta(days=1)})

    assert render_view(learner, exam, context=context).page == "timed_exam/entrance.html"


# --- while the clock runs ------------------------------------------------------------------------------


def test_given_a_started_attempt_with_time_left_when_rendered_then_content(learner):
    exam = TimedExamFactory()
    _started(learner, exam, minutes_ago=10)

    assert render_view(learner, exam).shows_content


def test_given_a_started_attempt_past_due_when_rendered_then_expired(learner):
    exam = TimedExamFactory(due_date=NOW - timedelta(seconds=1))
    _started(learner, exam, minutes_ago=10)

    assert render_view(learner, exam).page == "timed_exam/expired.html"


def test_given_ready_to_submit_when_rendered_then_confirmation_page(learner):
    exam = TimedExamFactory()
    attempt = _started(learner, exam, minutes_ago=10, status=Status.ready_to_submit)

    view = render_view(learner, exam)

    assert view.page == "timed_exam/ready_to_submit.html"
    assert view.context["does_time_remain"] is True
    assert view.context["change_state_url"] == reverse("edx_proctoring:proctored_exam.attempt", args=[attempt.id])
    assert 'data-action="submit"' in view.html


def test_given_ready_to_submit_past_due_when_rendered_then_expired(learner):
    exam = TimedExamFactory(due_date=NOW - timedelta(minutes=1))
    _started(learner, exam, minutes_ago=10, status=Status.ready_to_submit)

    assert render_view(learner, exam).page == "timed_exam/expired.html"


# --- after the clock -----------------------------------------------------------------------------------


def test_given_time_ran_out_half_a_minute_ago_when_rendered_then_submitted_with_the_expiry_message(
    learner, host_services, frozen_clock
):
    exam = TimedExamFactory()
    attempt = _attempt(
        learner, exam, Status.started, started_at=NOW - timedelta(minutes=60, seconds=30), allowed_time_limit_mins=60
    )

    view = render_view(learner, exam)

    assert ProctoredExamStudentAttempt.objects.get(id=attempt.id).status == Status.submitted
    assert view.page == "timed_exam/submitted.html"
    assert view.context["has_time_expired"] is True
    assert "Your time ran out" in view.html

    frozen_clock.move_to(NOW + timedelta(seconds=31))
    later = render_view(learner, exam)
    assert later.page == "timed_exam/submitted.html"
    assert later.context["has_time_expired"] is False
    assert "Your time ran out" not in later.html


def test_given_submitted_before_the_due_date_when_rendered_then_submitted(learner):
    exam = TimedExamFactory(due_date=NOW + timedelta(days=1))
    _started(learner, exam, minutes_ago=30, status=Status.submitted, completed_at=NOW - timedelta(minutes=5))

    view = render_view(learner, exam)

    assert view.page == "timed_exam/submitted.html"
    assert view.context["will_be_revealed"] is True
    assert view.context["has_time_expired"] is False
    assert "wait_deadline" not in view.context


def test_given_submitted_and_past_due_when_rendered_then_content_is_revealed(learner):
    exam = TimedExamFactory(due_date=NOW - timedelta(minutes=1))
    _started(learner, exam, minutes_ago=30, status=Status.submitted, completed_at=NOW - timedelta(minutes=5))

    assert render_view(learner, exam).shows_content


def test_given_submitted_past_due_but_hidden_after_due_when_rendered_then_submitted(learner):
    exam = TimedExamFactory(due_date=NOW - timedelta(minutes=1), hide_after_due=True)
    _started(learner, exam, minutes_ago=30, status=Status.submitted, completed_at=NOW - timedelta(minutes=5))

    view = render_view(learner, exam)

    assert view.page == "timed_exam/submitted.html"
    assert view.context["will_be_revealed"] is False


def test_given_submitted_past_due_within_the_grace_period_when_rendered_then_waiting_banner(learner):
    due = NOW - timedelta(minutes=1)
    exam = TimedExamFactory(due_date=due)
    _started(learner, exam, minutes_ago=30, status=Status.submitted, completed_at=NOW - timedelta(minutes=5))
    context = host_context(exam, grace_period=timedelta(hours=1))

    view = render_view(learner, exam, context=context)

    assert view.page == "timed_exam/submitted.html"
    assert view.context["wait_deadline"] == (due + timedelta(hours=1)).isoformat()
    assert "common/waiting_banner.html" in view.templates
    assert 'class="exam-waiting-banner"' in view.html


def test_given_submitted_past_due_after_the_grace_period_when_rendered_then_content(learner):
    exam = TimedExamFactory(due_date=NOW - timedelta(hours=2))
    _started(learner, exam, minutes_ago=300, status=Status.submitted, completed_at=NOW - timedelta(hours=3))

    assert render_view(learner, exam, context=host_context(exam, grace_period=timedelta(hours=1))).shows_content


@override_settings(PROCTORING_SETTINGS={"ALLOW_TIMED_OUT_STATE": True})
def test_given_timed_out_state_kept_when_rendered_then_submitted_page_not_an_error(learner, host_services):
    exam = TimedExamFactory()
    _attempt(
        learner, exam, Status.started, started_at=NOW - timedelta(minutes=60, seconds=10), allowed_time_limit_mins=60
    )

    view = render_view(learner, exam)

    assert ProctoredExamStudentAttempt.objects.get(user=learner).status == Status.timed_out
    assert view.page == "timed_exam/submitted.html"
    assert view.context["has_time_expired"] is True


def test_given_timed_out_and_past_due_when_rendered_then_content_like_submitted(learner):
    exam = TimedExamFactory(due_date=NOW - timedelta(minutes=1))
    _started(learner, exam, minutes_ago=90, status=Status.timed_out, completed_at=NOW - timedelta(minutes=30))

    assert render_view(learner, exam).shows_content


def test_given_an_errored_attempt_when_rendered_then_error_page_not_content(learner):
    exam = TimedExamFactory()
    _started(learner, exam, minutes_ago=10, status=Status.error)

    view = render_view(learner, exam)

    assert view.page == "timed_exam/error.html"
    assert 'role="alert"' in view.html


@pytest.mark.parametrize("status", [Status.declined, Status.verified, Status.rejected, Status.second_review_required])
def test_given_a_status_a_timed_exam_never_reaches_when_rendered_then_submitted_page(learner, status):
    exam = TimedExamFactory(due_date=NOW - timedelta(minutes=1))
    _started(learner, exam, minutes_ago=30, status=status, completed_at=NOW - timedelta(minutes=5))

    assert render_view(learner, exam).page == "timed_exam/submitted.html"


# --- footer, exam lookup and roles ----------------------------------------------------------------------


@pytest.mark.parametrize(("limit", "hidden"), [(1200, False), (1201, True)])
def test_extra_time_footer_hidden_for_exams_longer_than_twenty_hours(learner, limit, hidden):
    view = render_view(learner, TimedExamFactory(time_limit_mins=limit))

    assert view.context["hide_extra_time_footer"] is hidden
    assert ("timed-exam-footer" in view.html) is not hidden


def test_given_no_exam_when_rendered_then_it_is_created_from_the_context(learner):
    content_id = "block-v1:edX+Proctoring+2026+type@sequential+block@new_timed"
    context = {"display_name": "Midterm", "default_time_limit_mins": 45, "is_practice_exam": False}

    view = render_view(learner, context=context, course_id=COURSE_ID, content_id=content_id)

    exam = ProctoredExam.objects.get(course_id=COURSE_ID, content_id=content_id)
    assert (exam.exam_name, exam.time_limit_mins, exam.is_proctored, exam.is_active) == ("Midterm", 45, False, True)
    assert view.page == "timed_exam/entrance.html"
    assert view.context["total_time"] == "45 minutes"


def test_given_an_inactive_exam_when_rendered_then_content(learner):
    assert render_view(learner, TimedExamFactory(is_active=False)).shows_content


@pytest.mark.parametrize("role", ["staff", "instructor"])
def test_given_a_non_student_role_when_rendered_then_content(learner, role):
    assert render_view(learner, TimedExamFactory(), user_role=role).shows_content


def test_host_context_keys_reach_the_template(learner):
    exam = TimedExamFactory()

    view = render_view(learner, exam, context=host_context(exam, verification_status="approved"))

    assert view.context["display_name"] == exam.exam_name
    assert view.context["verification_status"] == "approved"


def test_given_an_error_marked_ready_to_resume_when_rendered_then_entrance_to_continue_with_the_saved_time(learner):
    exam = TimedExamFactory(time_limit_mins=60)
    _started(learner, exam, minutes_ago=20, status=Status.error, ready_to_resume=True, time_remaining_seconds=25 * 60)

    view = render_view(learner, exam)

    assert view.page == "timed_exam/entrance.html"
    assert view.context["ready_to_resume"] is True
    assert view.context["total_time"] == "25 minutes"
    assert 'data-action="resume"' in view.html
    assert 'data-action="start"' not in view.html


def test_given_ready_to_resume_past_due_when_rendered_then_expired(learner):
    exam = TimedExamFactory(due_date=NOW - timedelta(minutes=1))
    _started(learner, exam, minutes_ago=20, status=Status.error, ready_to_resume=True, time_remaining_seconds=600)

    assert render_view(learner, exam).page == "timed_exam/expired.html"
