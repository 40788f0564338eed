"""What course staff ask of a learner's attempts beyond one move of the actions table."""

from __future__ import annotations

from edx_proctoring.attempts.actions import Actor
from edx_proctoring.attempts.removal import remove_attempt
from edx_proctoring.audit_trail import audit_context
from edx_proctoring.exams import get_exam_by_id
from edx_proctoring.models import ProctoredExamStudentAttempt
from edx_proctoring.models.lookups import as_id


def remove_learner_attempts(*, exam_id, user_id, requesting_user) -> int:
    """Remove every attempt of the learner on the exam, newest first, on `requesting_user`'s behalf.

    Returns how many were removed (0: the learner has none there). An unknown exam raises the exam getter's
    not-found exception before anything is looked at.
    """
    get_exam_by_id(exam_id)
    attempt_ids = list(
        ProctoredExamStudentAttempt.objects.filter(proctored_exam_id=as_id(exam_id), user_id=as_id(user_id))
        .order_by("-created", "-id")
        .values_list("id", flat=True)
    )
    with audit_context(actor=requesting_user, reason="staff: reset attempts"):
        for attempt_id in attempt_ids:
            remove_attempt(attempt_id=attempt_id, requesting_user=requesting_user, actor=Actor.staff)
    return len(attempt_ids)
