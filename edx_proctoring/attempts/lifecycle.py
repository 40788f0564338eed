"""The attempt lifecycle: the one place that writes an attempt's status, and what each change does.

Whether a move is allowed, and for whom, is the actions table's answer (`edx_proctoring.attempts.actions`);
`perform_action` asks it under the attempt's row lock and applies the decision. Everything a status
change does is listed in `SIDE_EFFECTS`, in order, per target status, and run inside the same transaction.
If any effect that must succeed fails (a host service, the vendor), the whole change is rolled back;
effects that may fail without undoing the change (the learner email) handle their own errors.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime

from django.db import transaction

from edx_proctoring import config
from edx_proctoring.attempts import actions, effects, time_adjustments
from edx_proctoring.attempts.actions import Actor
from edx_proctoring.attempts.context import TransitionContext
from edx_proctoring.audit_trail import audit_context
from edx_proctoring.backends import get_backend_provider
from edx_proctoring.exams import serialize_exam
from edx_proctoring.exceptions import ProctoredExamIllegalStatusTransition, StudentExamAttemptDoesNotExistsException
from edx_proctoring.lti.end_assessment import mark_end_assessment_due
from edx_proctoring.models import ProctoredExamStudentAttempt
from edx_proctoring.models.lookups import as_id
from edx_proctoring.statuses import ProctoredExamStudentAttemptStatus as Status
from edx_proctoring.timing import Clock, calculate_allowed_mins, deadline_of, get_exam_due_date, now

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
        mark_end_assessment_due,
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
        mark_end_assessment_due,
        *_TAIL,
    ),
}


# Statuses an attempt can be moved to; summary-only statuses (eligible, expired) and unknown strings cannot.
SETTABLE_STATUSES = actions.SETTABLE_STATUSES


def side_effects_for(status: str) -> tuple[Effect, ...]:
    """The effects of moving to `status`; statuses outside the table (onboarding_*, resets) only notify."""
    if status in SIDE_EFFECTS:
        return SIDE_EFFECTS[status]
    return _COMPLETED_TAIL if Status.is_completed_status(status) else _TAIL


is_state_transition_legal = actions.is_state_transition_legal


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
    """The host's (edx-platform's) status change, with 6.1.x semantics; returns the attempt id."""
    return transition_attempt(
        attempt_id=attempt_id,
        to_status=to_status,
        raise_if_not_found=raise_if_not_found,
        cascade_effects=cascade_effects,
        timeout_timestamp=timeout_timestamp,
        update_attributable_to=update_attributable_to,
    )


def transition_attempt(
    *,
    attempt_id: int,
    to_status: str,
    raise_if_not_found: bool = True,
    cascade_effects: bool = True,
    timeout_timestamp: datetime | None = None,
    update_attributable_to=None,
    actor=None,
    reason: str | None = None,
) -> int | None:
    """`update_attempt_status` with an explicit audit user (`actor`) and reason for the history row."""
    return perform_action(
        action="update_status",
        actor=Actor.host,
        attempt_id=attempt_id,
        to_status=to_status,
        raise_if_not_found=raise_if_not_found,
        cascade_effects=cascade_effects,
        timeout_timestamp=timeout_timestamp,
        update_attributable_to=update_attributable_to,
        audit_user=actor,
        reason=reason,
    )


def _locked_attempt(attempt_id) -> ProctoredExamStudentAttempt | None:
    """The attempt with its exam and learner, its row locked until the surrounding transaction ends."""
    return (
        ProctoredExamStudentAttempt.objects.select_for_update()
        .select_related("proctored_exam", "user")
        .filter(id=as_id(attempt_id))
        .first()
    )


def attempt_state(*, attempt: ProctoredExamStudentAttempt | None, backend=None) -> actions.AttemptState:
    """What the actions table looks at, read from the (locked) attempt row."""
    if attempt is None:
        return actions.AttemptState(status=actions.NO_ATTEMPT)
    return actions.AttemptState(
        status=attempt.status,
        attempt_id=attempt.id,
        taking_as_proctored=attempt.taking_as_proctored,
        is_practice_exam=attempt.proctored_exam.is_practice_exam,
        is_resumable=attempt.is_resumable,
        ready_to_resume=attempt.ready_to_resume,
        resumed=attempt.resumed,
        has_started=attempt.started_at is not None,
        vendor_reports_readiness=bool(getattr(backend, "vendor_reports_readiness", False)),
        review_updates_allowed=bool(config.proctoring_setting("ALLOW_REVIEW_UPDATES")),
    )


def _audit(audit_user, reason):
    return audit_context(reason=reason) if audit_user is None else audit_context(actor=audit_user, reason=reason)


def perform_action(
    *,
    action: str,
    actor: Actor,
    attempt_id: int,
    to_status: str | None = None,
    raise_if_not_found: bool = True,
    cascade_effects: bool = True,
    timeout_timestamp: datetime | None = None,
    update_attributable_to=None,
    audit_user=None,
    reason: str | None = None,
    facts: dict | None = None,
) -> int | None:
    """Make `action` as `actor` on the attempt, as the actions table allows, under the attempt's row lock.

    `facts` adds to what the table sees of the attempt what the caller found out about the learner's other
    attempts (`AttemptState.other_running_exam`), under the learner's lock.

    `to_status` names the target where the table lets the caller pick (review, admin, host, operator).
    The status change and its side effects happen in one transaction; a refusal raises (and writes
    nothing) or, for the moves the table says to ignore, leaves the attempt as it is. Returns the
    attempt id, or None when it does not exist and `raise_if_not_found` is False. `audit_user` and
    `reason` are recorded on the attempt's history row (default: those of the surrounding audit context).
    """
    settable = actions.HOST_SETTABLE_STATUSES if actor == Actor.host else SETTABLE_STATUSES
    if to_status is not None and to_status not in settable:
        raise ProctoredExamIllegalStatusTransition(f"{to_status!r} is not a status an attempt can be moved to.")
    with _audit(audit_user, reason), transaction.atomic():
        attempt = _locked_attempt(attempt_id)
        if attempt is None:
            if raise_if_not_found:
                raise StudentExamAttemptDoesNotExistsException(f"Attempt {attempt_id} does not exist.")
            return None
        exam = serialize_exam(attempt.proctored_exam)
        backend = get_backend_provider(exam)
        from_status = attempt.status
        state = attempt_state(attempt=attempt, backend=backend)
        if facts:
            state = replace(state, **facts)
        decision = actions.decide(action=action, actor=actor, state=state, requested=to_status)
        if not decision.changes:
            return attempt.id
        target, timed_out = resolve_target_status(from_status, decision.target)
        if decision.move.legality is not actions.Legality.forced and not is_state_transition_legal(from_status, target):
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
        if decision.move.side_effects:
            for effect in side_effects_for(target):
                effect(context)
        log.info("Attempt %s moved from %s to %s (%s by %s)", attempt.id, from_status, target, action, actor)
        return attempt.id


def authorize(*, action: str, actor: Actor, attempt: ProctoredExamStudentAttempt | None) -> actions.Decision:
    """Ask the table about a move that is not a status write (creation, removal); raises when refused."""
    backend = get_backend_provider(serialize_exam(attempt.proctored_exam)) if attempt is not None else None
    return actions.decide(action=action, actor=actor, state=attempt_state(attempt=attempt, backend=backend))


def initial_status(*, actor: Actor, vendor_status: str | None) -> str:
    """The status a new attempt is created in: `created`, or the onboarding error its vendor answered."""
    requested = vendor_status or Status.created
    decision = actions.decide(
        action="create", actor=actor, state=actions.AttemptState(status=actions.NO_ATTEMPT), requested=requested
    )
    return decision.target


_FLAGS = {
    actions.READY_TO_RESUME_FLAG: {"ready_to_resume": True, "is_resumable": False},
    actions.RESUMED_FLAG: {"resumed": True, "is_resumable": False},
}


def set_resume_flag(*, action: str, actor: Actor, attempt_id) -> int:
    """Mark an errored attempt ready to resume (staff), or resumed once its continuation exists (system)."""
    with transaction.atomic():
        attempt = _locked_attempt(attempt_id)
        if attempt is None:
            raise StudentExamAttemptDoesNotExistsException(f"Attempt {attempt_id} does not exist.")
        decision = authorize(action=action, actor=actor, attempt=attempt)
        if decision.changes:
            for field_name, value in _FLAGS[decision.target].items():
                setattr(attempt, field_name, value)
            attempt.save()
        return attempt.id


def adjust_attempt_time(
    *,
    action: str,
    actor: Actor,
    attempt_id: int,
    user=None,
    minutes: int = 0,
    reason: str = "",
    past_due_date: bool = False,
):
    """Extend (or revoke an extension of), pause, resume, or start or end a break of a running attempt.

    The actions table decides, under the attempt's row lock, with the attempt's clock as it is now; the
    status never changes. A break whose budget ran out is first recorded as ended by the system. Returns
    the `ProctoredExamTimeAdjustment` written, or None when the table ignores the move. Raises
    ProctoredExamIllegalStatusTransition (nothing written) when it refuses.
    """
    audit_reason = f"{actor}: {action}" + (f" {minutes:+d} min" if minutes else "") + (f": {reason}" if reason else "")
    with _audit(user, audit_reason), transaction.atomic():
        attempt = _locked_attempt(attempt_id)
        if attempt is None:
            raise StudentExamAttemptDoesNotExistsException(f"Attempt {attempt_id} does not exist.")
        at = now()
        state = time_adjustments.load_state(attempt=attempt)
        exam = serialize_exam(attempt.proctored_exam)
        break_minutes = time_adjustments.break_allowance_minutes(
            exam_id=attempt.proctored_exam_id, user_id=attempt.user_id
        )
        due_date = get_exam_due_date(exam, attempt.user_id)

        def decide_and_apply(*, action: str, actor: Actor, user, minutes: int, reason: str):
            clock = Clock.of(None if state._state.adding else state)
            remaining = 0.0
            if attempt.started_at is not None:
                deadline = deadline_of(
                    started_at=attempt.started_at, allowed_minutes=attempt.allowed_time_limit_mins, clock=clock, at=at
                )
                remaining = max((deadline - at).total_seconds(), 0)
            budget_left = time_adjustments.break_seconds_left(clock=clock, allowed_minutes=break_minutes)
            table_state = replace(
                attempt_state(attempt=attempt, backend=get_backend_provider(exam)),
                paused=clock.is_paused(),
                on_break=clock.is_on_break(at=at),
                extension_minutes=clock.extension_minutes,
                seconds_remaining=remaining,
                break_seconds_left=budget_left,
                requested_minutes=minutes,
            )
            decision = actions.decide(action=action, actor=actor, state=table_state)
            if not decision.changes:
                return None
            return time_adjustments.apply_adjustment(
                attempt=attempt,
                state=state,
                action=action,
                actor=actor,
                user=user,
                minutes=minutes,
                reason=reason,
                past_due_date=past_due_date,
                due_date=due_date,
                break_seconds=budget_left or 0,
                at=at,
            )

        spent_break = None
        if Clock.of(state).has_spent_break(at=at):
            with audit_context(actor=None, reason="system: break_end (budget spent)"):
                spent_break = decide_and_apply(
                    action="break_end", actor=Actor.system, user=None, minutes=0, reason="budget spent"
                )
        if action == "break_end" and actor is Actor.system:
            return spent_break
        return decide_and_apply(action=action, actor=actor, user=user, minutes=minutes, reason=reason)


def _store_new_status(context: TransitionContext, *, timed_out: bool, timeout_timestamp: datetime | None) -> None:
    set_new_status(context, timed_out=timed_out, timeout_timestamp=timeout_timestamp)
    context.attempt.save()


def set_new_status(context: TransitionContext, *, timed_out: bool, timeout_timestamp: datetime | None) -> None:
    """Set the new status and the fields that go with it on the (locked) attempt, without saving it.

    Shared with the batch form (`attempts.batch`), which saves a whole batch in one statement.
    """
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
