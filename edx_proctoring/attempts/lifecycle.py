"""The attempt lifecycle: which status changes are legal, and what each one does.

Everything a status change does is listed in `SIDE_EFFECTS`, in order, per target status, and run by
`update_attempt_status` inside one transaction with the attempt row locked. If any effect that must
succeed fails (a host service, the vendor), the whole change is rolled back; effects that may fail
without undoing the change (the learner email) handle their own errors.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime

from django.db import transaction

from edx_proctoring import config
from edx_proctoring.attempts import effects
from edx_proctoring.attempts.context import TransitionContext
from edx_proctoring.audit import audit_context
from edx_proctoring.backends import get_backend_provider
from edx_proctoring.exams import serialize_exam
from edx_proctoring.exceptions import ProctoredExamIllegalStatusTransition, StudentExamAttemptDoesNotExistsException
from edx_proctoring.models import ProctoredExamStudentAttempt
from edx_proctoring.models.lookups import as_id
from edx_proctoring.statuses import ProctoredExamStudentAttemptStatus as Status
from edx_proctoring.timing import calculate_allowed_mins, now

log = logging.getLogger(__name__)

Effect = Callable[[TransitionContext], None]

# What happens after the new status is saved, in order. Effects that depend on the learner's other
# attempts at the exam (credit, cascade, grades, email) check the credit/grade/email gate themselves.
_TAIL = (effects.emit_status_event, effects.send_status_signal)
_COMPLETED_TAIL = (effects.clear_onboarding_errors, *_TAIL)

SIDE_EFFECTS: dict[str, tuple[Effect, ...]] = {
    Status.created: _TAIL,
    Status.download_software_clicked: _TAIL,
    Status.ready_to_start: _TAIL,
    Status.started: (effects.notify_backend_of_first_start, *_TAIL),
    Status.ready_to_submit: _TAIL,
    Status.submitted: (
        effects.tell_instructor_attempt_completed,
        effects.record_credit_status,
        effects.clear_onboarding_errors,
        effects.notify_backend_of_submission,
        effects.email_learner,
        *_TAIL,
    ),
    Status.timed_out: _COMPLETED_TAIL,
    Status.second_review_required: _COMPLETED_TAIL,
    Status.verified: (
        effects.record_credit_status,
        effects.undo_grade_override,
        effects.clear_onboarding_errors,
        effects.email_learner,
        *_TAIL,
    ),
    Status.rejected: (
        effects.record_credit_status,
        effects.override_grade_and_invalidate_certificate,
        effects.clear_onboarding_errors,
        effects.email_learner,
        *_TAIL,
    ),
    Status.declined: (
        effects.record_credit_status,
        effects.decline_other_proctored_exams,
        effects.clear_onboarding_errors,
        *_TAIL,
    ),
    Status.error: (
        effects.record_credit_status,
        effects.clear_onboarding_errors,
        effects.notify_backend_of_error,
        *_TAIL,
    ),
}


# Statuses an attempt can be moved to; summary-only statuses (eligible, expired) and unknown strings cannot.
SETTABLE_STATUSES = frozenset(SIDE_EFFECTS) | frozenset(Status.onboarding_errors)


def side_effects_for(status: str) -> tuple[Effect, ...]:
    """The effects of moving to `status`; statuses outside the table (onboarding_*, resets) only notify."""
    if status in SIDE_EFFECTS:
        return SIDE_EFFECTS[status]
    return _COMPLETED_TAIL if Status.is_completed_status(status) else _TAIL


def is_state_transition_legal(from_status, to_status):
    """An attempt never goes back from a completed status to an incomplete one; every other move is legal."""
    return not (Status.is_completed_status(from_status) and Status.is_incomplete_status(to_status))


def is_reattempting_exam(from_status, to_status):
    """Leaving an in-progress attempt for a pre-start status: treated as a submission."""
    return Status.is_in_progress_status(from_status) and Status.is_pre_started_status(to_status)


def resolve_target_status(from_status: str, to_status: str) -> tuple[str, bool]:
    """The status actually stored for a request, and whether it is a timeout recorded as a submission."""
    if to_status == Status.timed_out and not config.proctoring_setting("ALLOW_TIMED_OUT_STATE"):
        return Status.submitted, True
    if is_reattempting_exam(from_status, to_status):
        return Status.submitted, False
    return to_status, False


def update_attempt_status(
    attempt_id,
    to_status,
    raise_if_not_found=True,
    cascade_effects=True,
    timeout_timestamp=None,
    update_attributable_to=None,
):
    """Move an attempt to `to_status` and run the change's effects; returns the attempt id."""
    return transition_attempt(
        attempt_id=attempt_id,
        to_status=to_status,
        raise_if_not_found=raise_if_not_found,
        cascade_effects=cascade_effects,
        timeout_timestamp=timeout_timestamp,
        update_attributable_to=update_attributable_to,
    )


def _locked_attempt(attempt_id) -> ProctoredExamStudentAttempt | None:
    """The attempt with its exam and learner, its row locked until the surrounding transaction ends."""
    return (
        ProctoredExamStudentAttempt.objects.select_for_update()
        .select_related("proctored_exam", "user")
        .filter(id=as_id(attempt_id))
        .first()
    )


def transition_attempt(
    *,
    attempt_id: int,
    to_status: str,
    raise_if_not_found: bool = True,
    cascade_effects: bool = True,
    timeout_timestamp: datetime | None = None,
    update_attributable_to=None,
    guard: Callable[[ProctoredExamStudentAttempt], None] | None = None,
    actor=None,
    reason: str | None = None,
) -> int | None:
    """Apply one status change under a row lock. `guard` may refuse it (by raising) after the lock is held.

    `actor` and `reason` (see `edx_proctoring.audit`) are recorded on the attempt's history row; when not
    given, those of the surrounding `audit_context` are used.
    """
    audit = audit_context(reason=reason) if actor is None else audit_context(actor=actor, reason=reason)
    with audit, transaction.atomic():
        attempt = _locked_attempt(attempt_id)
        if attempt is None:
            if raise_if_not_found:
                raise StudentExamAttemptDoesNotExistsException(f"Attempt {attempt_id} does not exist.")
            return None
        if to_status not in SETTABLE_STATUSES:
            raise ProctoredExamIllegalStatusTransition(f"{to_status!r} is not a status an attempt can be moved to.")
        if guard is not None:
            guard(attempt)
        from_status = attempt.status
        target, timed_out = resolve_target_status(from_status, to_status)
        exam = serialize_exam(attempt.proctored_exam)
        backend = get_backend_provider(exam)
        if not is_state_transition_legal(from_status, target):
            raise ProctoredExamIllegalStatusTransition(
                f"Attempt {attempt_id} cannot move from {from_status} to {target}."
            )
        if target == from_status:
            # Replays (a second submit, a repeated vendor callback) change nothing and repeat nothing.
            return attempt.id
        context = TransitionContext(
            attempt=attempt,
            exam=exam,
            backend=backend,
            from_status=from_status,
            to_status=target,
            cascade_effects=cascade_effects,
            update_attributable_to=update_attributable_to,
        )
        _store_new_status(context, timed_out=timed_out, timeout_timestamp=timeout_timestamp)
        for effect in side_effects_for(target):
            effect(context)
        log.info("Attempt %s moved from %s to %s", attempt.id, from_status, target)
        return attempt.id


def _store_new_status(context: TransitionContext, *, timed_out: bool, timeout_timestamp: datetime | None) -> None:
    attempt = context.attempt
    attempt.status = context.to_status
    if context.to_status == Status.started and attempt.started_at is None:
        attempt.started_at = now()
        attempt.allowed_time_limit_mins = calculate_allowed_mins(context.exam, attempt.user_id)
        context.first_start = True
    elif context.to_status == Status.submitted:
        context.first_completion = attempt.completed_at is None
        attempt.completed_at = (timeout_timestamp or now()) if timed_out else now()
    if context.to_status == Status.submitted or attempt.ready_to_resume or attempt.resumed:
        attempt.is_resumable = False
    elif context.to_status == Status.error:
        attempt.is_resumable = True
    if context.update_attributable_to is not None:
        attempt._history_user = context.update_attributable_to
    attempt.save()


# Effects that sync host state (credit, grades) to the attempt's status; safe to run again on demand.
REAPPLIABLE_EFFECTS = frozenset({effects.record_credit_status, effects.override_grade_and_invalidate_certificate})


def reapply_attempt_status(*, attempt_id: int) -> bool:
    """Re-run the host-state effects of the attempt's current status (for repairs); no email, no vendor call.

    Returns False when the attempt no longer exists.
    """
    with transaction.atomic():
        attempt = _locked_attempt(attempt_id)
        if attempt is None:
            return False
        exam = serialize_exam(attempt.proctored_exam)
        context = TransitionContext(
            attempt=attempt,
            exam=exam,
            backend=get_backend_provider(exam),
            from_status=attempt.status,
            to_status=attempt.status,
        )
        for effect in side_effects_for(attempt.status):
            if effect in REAPPLIABLE_EFFECTS:
                effect(context)
        return True
