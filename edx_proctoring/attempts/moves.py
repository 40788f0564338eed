"""The named moves on an existing attempt: start, stop, time out, ready, mark ready to resume, resumed.

Each is one action of the actions table (`attempts.actions`: who may make which move) made through the
lifecycle (`attempts.lifecycle.perform_action`), plus the two flags outside the status workflow the host
may set (`update_exam_attempt`). Creating attempts is `attempts.creation`; what a status change does
(emails, credit, vendor calls) is `attempts.effects`.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import transaction

from edx_proctoring.attempts.actions import Actor
from edx_proctoring.attempts.lifecycle import perform_action, set_resume_flag
from edx_proctoring.attempts.running import other_running_attempt
from edx_proctoring.audit_trail import audited_attempt_action, current_audit
from edx_proctoring.exams import get_exam_by_id
from edx_proctoring.exceptions import ProctoredExamPermissionDenied, StudentExamAttemptDoesNotExistsException
from edx_proctoring.models import ProctoredExamStudentAttempt
from edx_proctoring.models.lookups import as_id

UPDATABLE_ATTEMPT_FIELDS = frozenset({"is_status_acknowledged", "time_remaining_seconds"})


def _current_attempt_or_raise(exam_id, user_id):
    attempt = ProctoredExamStudentAttempt.objects.get_current_exam_attempt(exam_id, user_id)
    if attempt is None:
        raise StudentExamAttemptDoesNotExistsException(f"User {user_id} has no attempt on exam {exam_id}.")
    return attempt


def start_exam_attempt(exam_id, user_id):
    """The host's start of the learner's current attempt (see `start_attempt`)."""
    return start_attempt(exam_id=exam_id, user_id=user_id, actor=Actor.host)


def start_attempt(*, exam_id, user_id, actor: Actor) -> int:
    """Start (or return to) the learner's current attempt; the clock starts only the first time.

    A learner's own start is refused while another exam of the course runs (see `attempts.running`).
    """
    attempt = _current_attempt_or_raise(exam_id, user_id)
    if actor is not Actor.learner:
        return perform_action(action="start", actor=actor, attempt_id=attempt.id)
    with transaction.atomic():
        # The learner's row lock serialises two starts racing on different exams of the course.
        get_user_model().objects.select_for_update().filter(id=attempt.user_id).first()
        exam = get_exam_by_id(exam_id)
        running = other_running_attempt(user_id=attempt.user_id, course_id=exam["course_id"], exam_id=exam["id"])
        other_exam = running["proctored_exam"]["exam_name"] if running is not None else None
        return perform_action(
            action="start", actor=actor, attempt_id=attempt.id, facts={"other_running_exam": other_exam}
        )


def start_exam_attempt_by_code(attempt_code, *, actor: Actor = Actor.host):
    attempt = ProctoredExamStudentAttempt.objects.get_exam_attempt_by_code(attempt_code)
    if attempt is None:
        raise StudentExamAttemptDoesNotExistsException(f"No attempt has the code {attempt_code}.")
    return perform_action(action="start", actor=actor, attempt_id=attempt.id)


def stop_exam_attempt(attempt_id):
    return perform_action(action="stop", actor=Actor.host, attempt_id=attempt_id)


def mark_exam_attempt_timeout(attempt_id, *, actor: Actor = Actor.host):
    return perform_action(action="time_out", actor=actor, attempt_id=attempt_id)


def mark_exam_attempt_as_ready(attempt_id, *, actor: Actor = Actor.host):
    return perform_action(action="ready", actor=actor, attempt_id=attempt_id)


def mark_exam_attempt_as_ready_to_resume(attempt_id, *, actor: Actor = Actor.host):
    """Staff let an attempt that ended in error continue in a new attempt with its remaining time.

    Recorded in the attempt's history and the audit log with the actor of the surrounding `audit_context`.
    """
    with audited_attempt_action(
        "staff.mark_ready_to_resume",
        attempt_id=as_id(attempt_id),
        reason=current_audit().reason or "staff: mark_ready_to_resume",
    ):
        return set_resume_flag(action="mark_ready_to_resume", actor=actor, attempt_id=attempt_id)


def mark_exam_attempt_as_resumed(attempt_id, *, actor: Actor = Actor.system):
    return set_resume_flag(action="mark_resumed", actor=actor, attempt_id=attempt_id)


def update_exam_attempt(attempt_id, **kwargs):
    """Set the acknowledgement flag or the saved remaining time, outside the status workflow."""
    unknown = set(kwargs) - UPDATABLE_ATTEMPT_FIELDS
    if unknown:
        raise ProctoredExamPermissionDenied(f"These attempt fields cannot be updated: {', '.join(sorted(unknown))}.")
    with transaction.atomic():
        attempt = ProctoredExamStudentAttempt.objects.select_for_update().filter(id=as_id(attempt_id)).first()
        if attempt is None:
            raise StudentExamAttemptDoesNotExistsException(f"Attempt {attempt_id} does not exist.")
        for field, value in kwargs.items():
            setattr(attempt, field, value)
        attempt.save()
