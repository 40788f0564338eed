"""The outline badge of a learner on a special exam."""

from datetime import UTC, datetime, timedelta

import pytest
import rules
import time_machine
from django.utils import translation

from edx_proctoring import runtime
from edx_proctoring.statuses import ProctoredExamStudentAttemptStatus as Status
from edx_proctoring.summaries import (
    PRACTICE_STATUS_SUMMARY_MAP,
    STATUS_SUMMARY_MAP,
    TIMED_EXAM_STATUS_SUMMARY_MAP,
    get_attempt_status_summary,
)
from edx_proctoring.tests.factories import (
    COURSE_ID,
    AttemptFactory,
    PracticeExamFactory,
    ProctoredExamFactory,
    TimedExamFactory,
    UserFactory,
)
from edx_proctoring.tests.test_services import MockCreditService, MockCreditServiceWithCourseEndDate

PERMISSION = "edx_proctoring.can_take_proctored_exam"


@pytest.fixture
def deny_proctored_exams():
    """The host refuses proctored exams to everyone (e.g. an audit-track learner)."""
    rules.set_perm(PERMISSION, rules.always_deny)
    yield
    rules.set_perm(PERMISSION, rules.is_authenticated)


def _summary(user, exam):
    return get_attempt_status_summary(user.id, exam.course_id, exam.content_id)


# --- maps ------------------------------------------------------------------------------------------


def test_maps_have_a_default_entry_with_lazy_descriptions():
    for summary_map in (STATUS_SUMMARY_MAP, PRACTICE_STATUS_SUMMARY_MAP, TIMED_EXAM_STATUS_SUMMARY_MAP):
        default = summary_map["_default"]
        assert set(default) == {"short_description", "suggested_icon", "in_completed_state"}
        assert not isinstance(default["short_description"], str)  # translated when rendered


# --- missing and timed exams ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_given_no_exam_when_summarised_then_none():
    assert get_attempt_status_summary(UserFactory().id, COURSE_ID, "block-v1:nothing") is None


@pytest.mark.django_db
def test_given_timed_exam_when_summarised_then_timed_badge_without_status(host_services):
    exam = TimedExamFactory()
    user = UserFactory()
    AttemptFactory(user=user, proctored_exam=exam, status=Status.submitted)

    assert _summary(user, exam) == {
        "short_description": "Timed Exam",
        "suggested_icon": "fa-clock-o",
        "in_completed_state": False,
    }


# --- proctored exams -------------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("status", "description", "icon", "completed"),
    [
        (Status.created, "Taking As Proctored Exam", "fa-pencil-square-o", False),
        (Status.started, "Taking As Proctored Exam", "fa-pencil-square-o", False),
        (Status.ready_to_submit, "Taking As Proctored Exam", "fa-pencil-square-o", False),
        (Status.onboarding_missing, "Taking As Proctored Exam", "fa-pencil-square-o", False),
        (Status.eligible, "Proctored Option Available", "fa-pencil-square-o", False),
        (Status.declined, "Taking As Open Exam", "fa-pencil-square-o", False),
        (Status.submitted, "Pending Session Review", "fa-spinner fa-spin", True),
        (Status.second_review_required, "Pending Session Review", "fa-spinner fa-spin", True),
        (Status.verified, "Passed Proctoring", "fa-check", True),
        (Status.rejected, "Failed Proctoring", "fa-exclamation-triangle", True),
        (Status.error, "Failed Proctoring", "fa-exclamation-triangle", True),
        (Status.expired, "Proctored Option No Longer Available", "fa-times-circle", False),
        ("some_future_status", "Taking As Proctored Exam", "fa-pencil-square-o", False),
    ],
)
def test_given_proctored_attempt_status_when_summarised_then_mapped_badge(
    host_services, status, description, icon, completed
):
    exam = ProctoredExamFactory()
    user = UserFactory()
    AttemptFactory(user=user, proctored_exam=exam, status=status)

    assert _summary(user, exam) == {
        "status": status,
        "short_description": description,
        "suggested_icon": icon,
        "in_completed_state": completed,
    }


@pytest.mark.django_db
def test_given_several_attempts_when_summarised_then_the_newest_counts(host_services):
    exam = ProctoredExamFactory()
    user = UserFactory()
    with time_machine.travel(datetime(2026, 1, 1, tzinfo=UTC), tick=False):
        AttemptFactory(user=user, proctored_exam=exam, status=Status.error, is_resumable=True)
    with time_machine.travel(datetime(2026, 1, 2, tzinfo=UTC), tick=False):
        AttemptFactory(user=user, proctored_exam=exam, status=Status.verified)

    assert _summary(user, exam)["status"] == Status.verified


@pytest.mark.django_db
def test_given_no_attempt_and_credit_service_when_summarised_then_eligible(host_services):
    exam = ProctoredExamFactory()

    summary = _summary(UserFactory(), exam)

    assert summary["status"] == Status.eligible
    assert summary["short_description"] == "Proctored Option Available"


@pytest.mark.django_db
def test_given_no_attempt_and_course_ended_when_summarised_then_expired():
    runtime.set_runtime_service("credit", MockCreditServiceWithCourseEndDate())
    exam = ProctoredExamFactory()

    summary = _summary(UserFactory(), exam)

    assert summary["status"] == Status.expired
    assert summary["short_description"] == "Proctored Option No Longer Available"


@pytest.mark.django_db
def test_given_course_end_in_future_or_now_when_summarised_then_eligible_until_end_passes():
    credit = MockCreditService()
    runtime.set_runtime_service("credit", credit)
    exam = ProctoredExamFactory()
    user = UserFactory()
    end = datetime(2026, 6, 1, 12, tzinfo=UTC)
    credit.status["course_end_date"] = end

    with time_machine.travel(end - timedelta(seconds=1), tick=False):
        assert _summary(user, exam)["status"] == Status.eligible
    with time_machine.travel(end, tick=False):
        assert _summary(user, exam)["status"] == Status.expired


@pytest.mark.django_db
def test_given_course_ended_but_attempt_exists_when_summarised_then_attempt_status_wins():
    runtime.set_runtime_service("credit", MockCreditServiceWithCourseEndDate())
    exam = ProctoredExamFactory()
    user = UserFactory()
    AttemptFactory(user=user, proctored_exam=exam, status=Status.verified)

    assert _summary(user, exam)["status"] == Status.verified


@pytest.mark.django_db
def test_given_no_credit_service_when_summarised_then_credit_checks_are_skipped(deny_proctored_exams):
    exam = ProctoredExamFactory()

    summary = _summary(UserFactory(), exam)

    assert summary["status"] == Status.eligible


@pytest.mark.django_db
def test_given_credit_service_and_learner_without_permission_when_summarised_then_none(
    host_services, deny_proctored_exams
):
    exam = ProctoredExamFactory()

    assert _summary(UserFactory(), exam) is None


@pytest.mark.django_db
def test_given_credit_service_and_unknown_user_when_summarised_then_none(host_services):
    exam = ProctoredExamFactory()

    assert get_attempt_status_summary(987654, exam.course_id, exam.content_id) is None


# --- practice exams ----------------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("status", "description", "icon", "completed"),
    [
        (None, "Ungraded Practice Exam", "", False),
        (Status.started, "Ungraded Practice Exam", "", False),
        (Status.verified, "Ungraded Practice Exam", "", False),
        (Status.submitted, "Practice Exam Completed", "fa-check", True),
        (Status.error, "Practice Exam Failed", "fa-exclamation-triangle", True),
    ],
)
def test_given_practice_attempt_status_when_summarised_then_practice_badge(
    host_services, status, description, icon, completed
):
    exam = PracticeExamFactory()
    user = UserFactory()
    if status is not None:
        AttemptFactory(user=user, proctored_exam=exam, status=status)

    assert _summary(user, exam) == {
        "status": status or Status.eligible,
        "short_description": description,
        "suggested_icon": icon,
        "in_completed_state": completed,
    }


@pytest.mark.django_db
def test_given_practice_exam_when_summarised_then_permission_and_course_end_are_not_checked(deny_proctored_exams):
    runtime.set_runtime_service("credit", MockCreditServiceWithCourseEndDate())
    exam = PracticeExamFactory()

    summary = _summary(UserFactory(), exam)

    assert summary["status"] == Status.eligible


# --- translation and cost ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_given_active_language_when_summarised_then_description_is_a_plain_string(host_services):
    exam = ProctoredExamFactory()
    user = UserFactory()

    with translation.override("fr"):
        summary = _summary(user, exam)

    assert type(summary["short_description"]) is str


@pytest.mark.django_db
def test_given_proctored_exam_with_credit_service_when_summarised_then_four_queries(
    host_services, django_assert_num_queries
):
    exam = ProctoredExamFactory()
    user = UserFactory()
    AttemptFactory(user=user, proctored_exam=exam, status=Status.verified)

    # exam, credit state (the mock reads the user), user for the permission check, current attempt
    with django_assert_num_queries(4):
        _summary(user, exam)


@pytest.mark.django_db
def test_given_practice_exam_when_summarised_then_two_queries(host_services, django_assert_num_queries):
    exam = PracticeExamFactory()
    user = UserFactory()

    with django_assert_num_queries(2):
        _summary(user, exam)


@pytest.mark.django_db
def test_given_timed_exam_when_summarised_then_one_query(django_assert_num_queries):
    exam = TimedExamFactory()
    user = UserFactory()

    with django_assert_num_queries(1):
        _summary(user, exam)
