"""A learner beginning an exam (create, then decline or start) and reporting that the proctoring software failed."""

from datetime import timedelta

import pytest
from django.utils.timezone import now
from waffle.testutils import override_switch

from edx_proctoring.attempts.learner_requests import ExamPastDue, begin_exam, report_proctoring_error
from edx_proctoring.attempts.serialization import serialize_attempt
from edx_proctoring.constants import PING_FAILURE_PASSTHROUGH_TEMPLATE
from edx_proctoring.models import ProctoredExamStudentAttempt
from edx_proctoring.statuses import ProctoredExamStudentAttemptStatus as Status
from edx_proctoring.tests.factories import (
    AttemptFactory,
    PracticeExamFactory,
    ProctoredExamFactory,
    TimedExamFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def _status(attempt_id) -> str:
    return ProctoredExamStudentAttempt.objects.get(id=attempt_id).status


def test_given_a_proctored_exam_taken_without_proctoring_when_begun_then_the_attempt_is_declined(host_services):
    exam = ProctoredExamFactory()

    attempt_id = begin_exam(exam_id=exam.id, user=UserFactory(), taking_as_proctored=False, start_clock=True)

    assert _status(attempt_id) == Status.declined


def test_given_a_timed_exam_when_begun_with_the_clock_then_it_is_started(host_services):
    exam = TimedExamFactory()

    attempt_id = begin_exam(exam_id=exam.id, user=UserFactory(), taking_as_proctored=False, start_clock=True)

    assert _status(attempt_id) == Status.started


def test_given_a_timed_exam_when_begun_without_the_clock_then_it_waits_created(host_services):
    exam = TimedExamFactory()

    attempt_id = begin_exam(exam_id=exam.id, user=UserFactory(), taking_as_proctored=False, start_clock=False)

    assert _status(attempt_id) == Status.created


def test_given_an_exam_past_its_due_date_when_begun_then_it_is_refused_and_nothing_is_created(host_services):
    exam = TimedExamFactory(due_date=now() - timedelta(days=1))

    with pytest.raises(ExamPastDue) as raised:
        begin_exam(exam_id=exam.id, user=UserFactory(), taking_as_proctored=False, start_clock=True)

    assert raised.value.http_status == 403
    assert str(raised.value) == "The exam is past its due date; it can no longer be started."
    assert not ProctoredExamStudentAttempt.objects.exists()


def test_given_a_practice_exam_past_its_due_date_when_begun_then_the_due_date_does_not_refuse_it(host_services):
    exam = PracticeExamFactory(due_date=now() - timedelta(days=1))

    attempt_id = begin_exam(exam_id=exam.id, user=UserFactory(), taking_as_proctored=False, start_clock=False)

    assert _status(attempt_id) == Status.declined


def _running_attempt():
    return AttemptFactory(
        proctored_exam=ProctoredExamFactory(),
        status=Status.started,
        started_at=now() - timedelta(minutes=10),
        allowed_time_limit_mins=60,
    )


def test_given_a_running_attempt_when_the_software_fails_then_it_errs_keeping_the_time_left(host_services):
    attempt = _running_attempt()

    report_proctoring_error(attempt=serialize_attempt(attempt))

    attempt.refresh_from_db()
    assert attempt.status == Status.error
    assert 49 * 60 <= attempt.time_remaining_seconds <= 50 * 60


def test_given_a_submitted_attempt_when_the_software_fails_then_nothing_changes(host_services):
    attempt = AttemptFactory(proctored_exam=ProctoredExamFactory(), status=Status.submitted)

    assert report_proctoring_error(attempt=serialize_attempt(attempt)) is False
    assert _status(attempt.id) == Status.submitted


def test_given_the_vendors_passthrough_switch_when_the_software_fails_then_the_vendor_decides(host_services):
    attempt = _running_attempt()

    with override_switch(PING_FAILURE_PASSTHROUGH_TEMPLATE.format("test"), active=True):
        assert report_proctoring_error(attempt=serialize_attempt(attempt)) is False

    assert _status(attempt.id) == Status.started
