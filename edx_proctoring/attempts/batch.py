"""The lifecycle's batch form: one action made by one actor on many attempts, in one transaction.

Same table, same effects as `lifecycle.perform_action`, at a fraction of the cost per attempt: the rows
are locked, read and written with a handful of set-based statements per batch (history rows included),
the credit/grade/email gate is evaluated for the whole batch in one query, and the calls that leave this
database (the host's instructor and credit services, the vendor, the email) are named on each change and
handed, once the batch commits, to one Celery task (`deferred_calls.run_deferred_status_effects`), which
falls back to a retried task per learner and call when one of them fails. The effects that stay here are
the ones of this database and process: the history row, the tracking event, the status signal.

Rows another transaction holds are skipped where the database can (SKIP LOCKED) and left for the next
batch; a row whose state no longer allows the move is left alone, exactly as `perform_action` ignores it.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable, Iterable
from datetime import datetime

from django.db import connection, transaction
from django.db.models import Case, Value, When

from edx_proctoring.attempts import actions
from edx_proctoring.attempts.actions import Actor
from edx_proctoring.attempts.context import ExamsSeen, TransitionContext, can_update_credit_grades_and_email
from edx_proctoring.attempts.deferred_calls import run_deferred_status_effects
from edx_proctoring.attempts.lifecycle import (
    attempt_state,
    is_state_transition_legal,
    resolve_target_status,
    set_new_status,
    side_effects_for,
)
from edx_proctoring.attempts.serialization import serialize_attempts
from edx_proctoring.audit_trail import audit_context, current_audit
from edx_proctoring.models import ProctoredExamStudentAttempt
from edx_proctoring.timing import now

log = logging.getLogger(__name__)

# What a batch writes on each attempt it moves (`set_new_status` touches no other column besides `modified`).
_WRITTEN_FIELDS = ("status", "started_at", "allowed_time_limit_mins", "completed_at", "is_resumable")

TimeoutOf = Callable[[ProctoredExamStudentAttempt], datetime | None]


def _lock(attempt_ids: Iterable[int]) -> list[int]:
    """Lock the attempts' own rows (not their exam's or learner's: other batches share those), skipping held ones."""
    skip = connection.features.has_select_for_update_skip_locked
    return list(
        ProctoredExamStudentAttempt.objects.select_for_update(skip_locked=skip)
        .filter(id__in=list(attempt_ids))
        .order_by("id")
        .values_list("id", flat=True)
    )


def _gates(contexts: list[TransitionContext]) -> None:
    """The credit/grade/email gate of every change in one query over the learners' attempts at those exams."""
    pairs = {(c.attempt.user_id, c.attempt.proctored_exam_id) for c in contexts}
    statuses: dict[tuple[int, int], list[dict]] = defaultdict(list)
    rows = ProctoredExamStudentAttempt.objects.filter(
        user_id__in={user for user, _ in pairs}, proctored_exam_id__in={exam for _, exam in pairs}
    ).values_list("user_id", "proctored_exam_id", "status")
    for user_id, exam_id, status in rows.iterator(chunk_size=2000):
        if (user_id, exam_id) in pairs:
            statuses[(user_id, exam_id)].append({"status": status})
    for context in contexts:
        attempts = statuses[(context.attempt.user_id, context.attempt.proctored_exam_id)]
        # Seeded where `TransitionContext` would otherwise query it once per attempt.
        context.__dict__["may_update_credit_grades_and_email"] = can_update_credit_grades_and_email(
            attempts, context.to_status, context.exam
        )


def perform_batch_action(
    *,
    action: str,
    actor: Actor,
    attempt_ids: Iterable[int],
    reason: str,
    timeout_timestamp_of: TimeoutOf | None = None,
) -> list[int]:
    """Make `action` as `actor` on each of the attempts, as `perform_action` would, in one transaction.

    `timeout_timestamp_of(attempt)`, asked under the row lock for each attempt the table lets move, gives
    the moment a timeout is recorded at, or None to leave that attempt alone (the sweep: "still overdue?").
    Only single-target rows whose refusals are ignored can be batched: a batch never raises for one
    attempt's state. Returns the ids of the attempts this call moved; their Celery work is queued when
    the transaction commits.
    """
    move = actions.move_for(action=action, actor=actor)
    if move.on_refusal is not actions.OnRefusal.ignore or len(move.targets) != 1:
        raise ValueError(f"Action {action!r} by a {actor} cannot be made as a batch.")
    moved: list[TransitionContext] = []
    with audit_context(reason=reason), transaction.atomic():
        locked = _lock(attempt_ids)
        if not locked:
            return []
        attempts = (
            ProctoredExamStudentAttempt.objects.select_related("proctored_exam", "user", "time_state")
            .filter(id__in=locked)
            .order_by("id")
        )
        exams = ExamsSeen()
        for attempt in attempts:
            exam, backend = exams.of(attempt)
            context = _decide(move=move, attempt=attempt, exam=exam, backend=backend, timeout_of=timeout_timestamp_of)
            if context is not None:
                moved.append(context)
        if not moved:
            return []
        _save(moved)
        _gates(moved)
        for context, attempt_dict in zip(moved, serialize_attempts([c.attempt for c in moved]), strict=True):
            # Seeded where `TransitionContext` would serialize each attempt on its own (the tracking event's data).
            context.__dict__["attempt_dict"] = attempt_dict
        if move.side_effects:
            for context in moved:
                for effect in side_effects_for(context.to_status):
                    effect(context)
        _queue_deferred(moved)
        log.info("%s by %s moved %d attempts as a batch", action, actor, len(moved))
    return [c.attempt.id for c in moved]


def _save(moved: list[TransitionContext]) -> None:
    """One UPDATE for the batch and one INSERT of its history rows (with the audit context's actor and reason).

    A column every attempt gets the same value in is set plainly; one that differs (the sweep's
    `completed_at`, each attempt's own deadline) is a CASE over the distinct values, so the statement
    stays small when many attempts share a deadline.
    """
    stamp = now()
    attempts = [c.attempt for c in moved]
    values = {}
    for name in _WRITTEN_FIELDS:
        by_value: dict = defaultdict(list)
        for attempt in attempts:
            by_value[getattr(attempt, name)].append(attempt.id)
        if len(by_value) == 1:
            (values[name],) = by_value
        else:
            field = ProctoredExamStudentAttempt._meta.get_field(name)
            values[name] = Case(
                *(When(id__in=ids, then=Value(value, output_field=field)) for value, ids in by_value.items()),
                output_field=field,
            )
    for attempt in attempts:
        attempt.modified = stamp
    ProctoredExamStudentAttempt.objects.filter(id__in=[a.id for a in attempts]).update(modified=stamp, **values)
    audit = current_audit()
    ProctoredExamStudentAttempt.history.bulk_history_create(
        attempts, update=True, default_user=audit.actor, default_change_reason=audit.reason, default_date=stamp
    )


def _decide(*, move, attempt, exam, backend, timeout_of: TimeoutOf | None) -> TransitionContext | None:
    """The change `perform_action` would make to this locked attempt, applied in memory; None to leave it."""
    decision = actions.decide(
        action=move.action, actor=move.actor, state=attempt_state(attempt=attempt, backend=backend)
    )
    if not decision.changes:
        return None
    from_status = attempt.status
    target, timed_out = resolve_target_status(from_status, decision.target)
    if target == from_status or not is_state_transition_legal(from_status, target):
        return None
    timeout_timestamp = None
    if timeout_of is not None:
        timeout_timestamp = timeout_of(attempt)
        if timeout_timestamp is None:
            return None
    context = TransitionContext(
        attempt=attempt, exam=exam, backend=backend, from_status=from_status, to_status=target, deferred=[]
    )
    set_new_status(context, timed_out=timed_out, timeout_timestamp=timeout_timestamp)
    return context


def _queue_deferred(moved: list[TransitionContext]) -> None:
    """One task for the whole batch's outside calls, queued when (and only if) the batch commits."""
    items = [
        {
            "attempt_id": c.attempt.id,
            "status": c.to_status,
            "first_completion": c.first_completion,
            "calls": c.deferred,
        }
        for c in moved
        if c.deferred
    ]
    if not items:
        return
    transaction.on_commit(lambda: run_deferred_status_effects.delay(items=items), robust=True)
