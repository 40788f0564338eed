"""A learner retakes a practice or onboarding exam: the finished attempt is set aside and a new one created.

The host's API calls it a reset (`reset_practice_exam`); the actions table calls it ``retake_practice``;
it is not the staff's removal of attempts (`attempts.removal`), which undoes what an attempt did.
"""

from __future__ import annotations

from django.db import transaction

from edx_proctoring.attempts.actions import Actor
from edx_proctoring.attempts.creation import create_attempt
from edx_proctoring.attempts.lifecycle import perform_action
from edx_proctoring.attempts.removal import remove_attempt
from edx_proctoring.attempts.serialization import serialize_attempt
from edx_proctoring.events import emit_event
from edx_proctoring.exams import get_exam_by_id
from edx_proctoring.exceptions import ProctoredExamIllegalStatusTransition, StudentExamAttemptDoesNotExistsException
from edx_proctoring.models import ProctoredExamStudentAttempt
from edx_proctoring.statuses import ProctoredExamStudentAttemptStatus as Status


def reset_practice_exam(exam_id, user_id, requesting_user):
    """The host's retake of a practice attempt (see `retake_practice_attempt`); returns the new attempt's id."""
    return retake_practice_attempt(exam_id=exam_id, user_id=user_id, requesting_user=requesting_user, actor=Actor.host)


def retake_practice_attempt(*, exam_id, user_id, requesting_user, actor: Actor) -> int:
    """Let a learner retake a practice or onboarding exam: the old attempt is set aside, a new one created."""
    attempt = ProctoredExamStudentAttempt.objects.get_current_exam_attempt(exam_id, user_id)
    if attempt is None:
        raise StudentExamAttemptDoesNotExistsException(f"User {user_id} has no attempt on exam {exam_id}.")
    exam = get_exam_by_id(exam_id)
    if not exam["is_practice_exam"]:
        raise ProctoredExamIllegalStatusTransition(f"Exam {exam_id} is not a practice exam; it cannot be reset.")
    if Status.is_incomplete_status(attempt.status) or attempt.status == Status.verified:
        raise ProctoredExamIllegalStatusTransition(
            f"An attempt in status {attempt.status} cannot be reset; finish it first."
        )
    taking_as_proctored = attempt.taking_as_proctored
    with transaction.atomic():
        if attempt.status == Status.submitted:
            # 6.1.x deletes a submitted practice attempt rather than setting it aside.
            remove_attempt(
                attempt_id=attempt.id,
                requesting_user=requesting_user,
                require_backend_removal=False,
                actor=Actor.system,
            )
        else:
            # Set aside without side effects: a retake is not an outcome of the exam.
            perform_action(action="retake_practice", actor=actor, attempt_id=attempt.id)
        emit_event(exam, "reset_practice_exam", attempt=serialize_attempt(attempt))
        return create_attempt(exam_id=exam_id, user_id=user_id, taking_as_proctored=taking_as_proctored, actor=actor)
