"""Host calls of `update_attempt_status` accept every status of 6.1.x's vocabulary (interface §3.1, §3.2),
the legacy summary statuses `eligible` and `expired` included; learners and staff gain nothing."""

import pytest

from edx_proctoring.api import get_attempt_status_summary, update_attempt_status
from edx_proctoring.attempts.actions import Actor, AttemptState, decide
from edx_proctoring.attempts.lifecycle import perform_action
from edx_proctoring.exceptions import ProctoredExamIllegalStatusTransition
from edx_proctoring.models import ProctoredExamStudentAttempt
from edx_proctoring.statuses import ProctoredExamStudentAttemptStatus as Status
from edx_proctoring.tests.factories import AttemptFactory

pytestmark = pytest.mark.django_db

VOCABULARY_6_1 = [
    Status.eligible,
    Status.created,
    Status.download_software_clicked,
    Status.ready_to_start,
    Status.started,
    Status.ready_to_submit,
    Status.declined,
    Status.timed_out,
    Status.submitted,
    Status.second_review_required,
    Status.verified,
    Status.rejected,
    Status.error,
    Status.expired,
    Status.onboarding_reset,
    *Status.onboarding_errors,
]


def _stored(attempt):
    return ProctoredExamStudentAttempt.objects.get(id=attempt.id).status


@pytest.mark.parametrize("to_status", [Status.eligible, Status.expired])
def test_given_a_created_attempt_when_the_host_sets_a_legacy_summary_status_then_it_is_stored_and_signalled(
    to_status, test_backend, status_signals
):
    attempt = AttemptFactory(status=Status.created)

    assert update_attempt_status(attempt.id, to_status) == attempt.id

    assert _stored(attempt) == to_status
    assert [signal["status"] for signal in status_signals] == [to_status]


def test_given_a_stored_eligible_status_then_the_summary_reads_it(test_backend, host_services):
    attempt = AttemptFactory(status=Status.created, proctored_exam__is_practice_exam=False)
    update_attempt_status(attempt.id, Status.eligible)

    summary = get_attempt_status_summary(
        attempt.user_id, attempt.proctored_exam.course_id, attempt.proctored_exam.content_id
    )

    assert summary["status"] == Status.eligible
    assert summary["short_description"] == "Proctored Option Available"


@pytest.mark.parametrize("to_status", VOCABULARY_6_1)
def test_every_status_of_the_6_1_vocabulary_is_a_target_of_the_host_row(to_status):
    decision = decide(
        action="update_status", actor=Actor.host, state=AttemptState(status=Status.created), requested=to_status
    )
    assert decision.target == to_status


def test_given_a_completed_attempt_when_the_host_sets_eligible_then_6_1s_rule_refuses_it(test_backend):
    attempt = AttemptFactory(status=Status.verified)

    with pytest.raises(ProctoredExamIllegalStatusTransition, match="cannot move from verified to eligible"):
        update_attempt_status(attempt.id, Status.eligible)

    assert _stored(attempt) == Status.verified


def test_given_a_completed_attempt_when_the_host_sets_expired_then_it_is_stored_as_6_1_allowed(test_backend):
    attempt = AttemptFactory(status=Status.submitted)

    update_attempt_status(attempt.id, Status.expired)

    assert _stored(attempt) == Status.expired


def test_a_string_outside_the_vocabulary_is_still_refused_with_nothing_written(test_backend):
    attempt = AttemptFactory(status=Status.created)

    with pytest.raises(ProctoredExamIllegalStatusTransition, match="not a status"):
        update_attempt_status(attempt.id, "nonsense")

    assert _stored(attempt) == Status.created


@pytest.mark.parametrize("actor", [Actor.staff, Actor.operator])
@pytest.mark.parametrize("to_status", [Status.eligible, Status.expired, Status.onboarding_reset])
def test_staff_and_operators_do_not_gain_the_legacy_statuses(actor, to_status, test_backend):
    attempt = AttemptFactory(status=Status.submitted)

    with pytest.raises(ProctoredExamIllegalStatusTransition):
        perform_action(action="set_status", actor=actor, attempt_id=attempt.id, to_status=to_status)

    assert _stored(attempt) == Status.submitted


@pytest.mark.parametrize("to_status", [Status.eligible, Status.expired])
def test_the_learner_has_no_row_reaching_the_legacy_statuses(to_status, test_backend):
    attempt = AttemptFactory(status=Status.created)

    with pytest.raises(ProctoredExamIllegalStatusTransition):
        perform_action(action="update_status", actor=Actor.learner, attempt_id=attempt.id, to_status=to_status)

    assert _stored(attempt) == Status.created
