"""Timing an overdue attempt out: the one step the getters, the timer poll, the pages and the sweep share.

An attempt's time runs out strictly after its deadline (`timing.deadline_of`), never while its clock is
stopped (a pause, a break with budget left). The interface says an overdue attempt is submitted as soon
as anything reads it, as of its deadline rather than of the read: the public getters (`attempts.getters`)
call :func:`expire_if_overdue` on the attempt they return, and the timer and the pages read attempts
through them. The periodic sweep (`tasks.expire_overdue_attempts`) finds the attempts no one reads with
:func:`running_attempt_batches` and :func:`overdue_deadline`, and expires them as batches with
:func:`expire_attempts_if_overdue`, which asks :func:`overdue_deadline` again under each row's lock.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import fields as dataclass_fields
from datetime import datetime

from edx_proctoring.attempts.actions import IN_PROGRESS, Actor
from edx_proctoring.attempts.batch import perform_batch_action
from edx_proctoring.attempts.lifecycle import perform_action
from edx_proctoring.attempts.serialization import attempt_rows, serialize_attempt
from edx_proctoring.models import ProctoredExamStudentAttempt
from edx_proctoring.models.lookups import row_batches
from edx_proctoring.timing import (
    NO_CLOCK,
    Clock,
    attempt_deadline,
    deadline_of,
    has_attempt_timed_out,
    is_past_deadline,
)

# The reason on the history row of each attempt the sweep expires.
SWEEP_REASON = "system: sweep (time ran out)"
# Attempts whose clock is running; every other status is either not started or already finished.
OVERDUE_STATUSES = IN_PROGRESS


def overdue_deadline(
    *, started_at: datetime | None, allowed_minutes: int | None, clock: Clock, as_of: datetime
) -> datetime | None:
    """The deadline of an attempt whose time ran out by `as_of`; None while time remains or before it started."""
    if started_at is None:
        return None
    deadline = deadline_of(started_at=started_at, allowed_minutes=allowed_minutes, clock=clock, at=as_of)
    return deadline if is_past_deadline(deadline=deadline, clock=clock, at=as_of) else None


def expire_if_overdue(attempt: dict | None) -> dict | None:
    """Submit an attempt (a dict) whose time ran out, as of its deadline, and return it re-read; else as given."""
    if attempt is None or not has_attempt_timed_out(attempt):
        return attempt
    perform_action(
        action="time_out", actor=Actor.system, attempt_id=attempt["id"], timeout_timestamp=attempt_deadline(attempt)
    )
    return serialize_attempt(attempt_rows().get(id=attempt["id"]))


# -- the sweep: attempts nobody reads -------------------------------------------------------------------

# The clock's fields are the time state row's columns of the same names.
_CLOCK_COLUMNS = tuple(field.name for field in dataclass_fields(Clock))


def _clock_from(values) -> Clock:
    """The clock from the time state columns read with the attempt (all None: no adjustments)."""
    if values[0] is None:
        return NO_CLOCK
    return Clock(**dict(zip(_CLOCK_COLUMNS, values, strict=True)))


def running_attempt_batches(*, batch_size: int) -> Iterator[list[tuple[int, datetime, int | None, Clock]]]:
    """(id, started_at, allowed minutes, clock) of running attempts, `batch_size` at a time, by a keyset on id."""
    running = ProctoredExamStudentAttempt.objects.filter(status__in=OVERDUE_STATUSES, started_at__isnull=False)
    columns = ("started_at", "allowed_time_limit_mins", *(f"time_state__{c}" for c in _CLOCK_COLUMNS))
    return (
        [(row[0], row[1], row[2], _clock_from(row[3:])) for row in batch]
        for batch in row_batches(queryset=running, columns=columns, batch_size=batch_size)
    )


def _overdue_row(attempt: ProctoredExamStudentAttempt, *, as_of: datetime) -> datetime | None:
    """`overdue_deadline` of an attempt row read under its lock (with its clock as committed)."""
    return overdue_deadline(
        started_at=attempt.started_at,
        allowed_minutes=attempt.allowed_time_limit_mins,
        clock=Clock.of(getattr(attempt, "time_state", None)),
        as_of=as_of,
    )


def expire_attempts_if_overdue(*, attempt_ids: list[int], as_of: datetime) -> list[int]:
    """Submit, as of its deadline, each of the attempts still running and past it; the ids this call expired.

    One batch of the lifecycle's `sweep` action (`attempts.batch.perform_batch_action`). The rows are locked
    first; a row another transaction holds (another sweep, a learner submitting, staff extending) is skipped
    and left for the next sweep, and a row already moved on is left alone, so sweeps running at once expire
    each attempt exactly once. The clock is read under that lock: an extension or a pause committed first
    moves the deadline, one waiting for the lock finds the attempt submitted and is refused.
    """
    return perform_batch_action(
        action="sweep",
        actor=Actor.system,
        attempt_ids=attempt_ids,
        reason=SWEEP_REASON,
        timeout_timestamp_of=lambda attempt: _overdue_row(attempt, as_of=as_of),
    )


def expire_attempt_if_overdue(*, attempt_id: int, as_of: datetime) -> bool:
    """`expire_attempts_if_overdue` for one attempt: True when this call expired it."""
    return bool(expire_attempts_if_overdue(attempt_ids=[attempt_id], as_of=as_of))
