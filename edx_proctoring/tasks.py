"""Celery tasks. The app only defines them; the host (edx-platform) owns the Celery app, its broker and beat.

* :func:`expire_overdue_attempts` is the periodic sweep: it submits, server-side, every started attempt
  whose time has run out, even when no browser is polling. Operators schedule it with beat (README). It
  expires them as batches (`attempts.batch`) and hands each batch's host, vendor and email calls to
  :func:`run_deferred_status_effects`, which hands any call that fails to a retried task of its own
  (:func:`apply_host_status_effects`, :func:`notify_backend_of_status`, :func:`send_status_email`).
* :func:`notify_backend_of_status` and :func:`send_status_email` carry the vendor notifications and the
  learner email of a status change when ``PROCTORING_SETTINGS['ASYNC_NOTIFICATIONS']`` is on: they are
  queued once the status change has committed and retried with exponential backoff while the vendor or
  the mail server fails, so a failure never undoes (or loses) the change itself.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import fields as dataclass_fields
from datetime import datetime

from celery import shared_task

from edx_proctoring.attempts import effects
from edx_proctoring.attempts.actions import IN_PROGRESS, Actor
from edx_proctoring.attempts.batch import ExamsSeen as _Exams
from edx_proctoring.attempts.batch import perform_batch_action
from edx_proctoring.attempts.context import TransitionContext
from edx_proctoring.attempts.effects import BACKEND_CALL_FOR_STATUS
from edx_proctoring.attempts.lifecycle import adjust_attempt_time
from edx_proctoring.models import ProctoredExamStudentAttempt
from edx_proctoring.timing import NO_CLOCK, Clock, deadline_of, is_past_deadline, now

log = logging.getLogger(__name__)

SWEEP_BATCH_SIZE = 500
# The reason on the history row of each attempt the sweep expires.
SWEEP_REASON = "system: sweep (time ran out)"
# Attempts whose clock is running; every other status is either not started or already finished.
OVERDUE_STATUSES = IN_PROGRESS

# Retries of the notification tasks: 1 s, 2 s, 4 s ... capped at 10 minutes, with jitter, for about a day.
NOTIFICATION_RETRY_OPTIONS = {
    "autoretry_for": (Exception,),
    "retry_backoff": True,
    "retry_backoff_max": 600,
    "retry_jitter": True,
    "max_retries": 150,
}


# The clock's fields are the time state row's columns of the same names.
_CLOCK_COLUMNS = tuple(field.name for field in dataclass_fields(Clock))


def _clock_from(values) -> Clock:
    """The clock from the time state columns read with the attempt (all None: no adjustments)."""
    if values[0] is None:
        return NO_CLOCK
    return Clock(**dict(zip(_CLOCK_COLUMNS, values, strict=True)))


def _running_attempt_batches(*, batch_size: int) -> Iterator[list[tuple[int, datetime, int | None, Clock]]]:
    """(id, started_at, allowed minutes, clock) of running attempts, `batch_size` at a time, by a keyset on id."""
    last_id = 0
    while True:
        batch = list(
            ProctoredExamStudentAttempt.objects.filter(
                id__gt=last_id, status__in=OVERDUE_STATUSES, started_at__isnull=False
            )
            .order_by("id")
            .values_list("id", "started_at", "allowed_time_limit_mins", *(f"time_state__{c}" for c in _CLOCK_COLUMNS))[
                :batch_size
            ]
        )
        if not batch:
            return
        yield [(row[0], row[1], row[2], _clock_from(row[3:])) for row in batch]
        last_id = batch[-1][0]


def _overdue_deadline(attempt: ProctoredExamStudentAttempt, *, as_of: datetime) -> datetime | None:
    """The attempt's deadline when its time ran out by `as_of` (read under its row lock), else None."""
    if attempt.started_at is None:
        return None
    clock = Clock.of(getattr(attempt, "time_state", None))
    deadline = deadline_of(
        started_at=attempt.started_at, allowed_minutes=attempt.allowed_time_limit_mins, clock=clock, at=as_of
    )
    return deadline if is_past_deadline(deadline=deadline, clock=clock, at=as_of) else None


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
        timeout_timestamp_of=lambda attempt: _overdue_deadline(attempt, as_of=as_of),
    )


def expire_attempt_if_overdue(*, attempt_id: int, as_of: datetime) -> bool:
    """`expire_attempts_if_overdue` for one attempt: True when this call expired it."""
    return bool(expire_attempts_if_overdue(attempt_ids=[attempt_id], as_of=as_of))


@shared_task(name="edx_proctoring.tasks.expire_overdue_attempts", ignore_result=False)
def expire_overdue_attempts(*, batch_size: int = SWEEP_BATCH_SIZE) -> int:
    """Submit every running attempt whose deadline has passed, with ``completed_at`` = its deadline.

    A paused attempt, or one on a break, is never expired; a break whose budget is spent is recorded as
    ended (the clock already runs again). Reads ``batch_size`` attempts at a time (bounded memory however
    many there are) and expires each batch's overdue ones in one transaction; the calls to the host, the
    vendor and the mail server follow in retried Celery tasks. Whatever fails for one attempt (a row whose
    values cannot be used, an effect raising in the batch) is logged, counted and left for the next sweep,
    and never holds back the others: a batch that fails is retried attempt by attempt. Returns how many
    attempts this run expired.
    """
    expired = 0
    failed = 0
    for batch in _running_attempt_batches(batch_size=batch_size):
        as_of = now()
        overdue = []
        for attempt_id, started_at, allowed_mins, clock in batch:
            try:
                if clock.has_spent_break(at=as_of):
                    adjust_attempt_time(action="break_end", actor=Actor.system, attempt_id=attempt_id)
                deadline = deadline_of(started_at=started_at, allowed_minutes=allowed_mins, clock=clock, at=as_of)
                if is_past_deadline(deadline=deadline, clock=clock, at=as_of):
                    overdue.append(attempt_id)
            except Exception:  # noqa: BLE001 - one attempt's failure must not stop the sweep
                failed += 1
                log.exception("Could not expire overdue attempt %s; the next sweep retries it", attempt_id)
        if not overdue:
            continue
        try:
            expired += len(expire_attempts_if_overdue(attempt_ids=overdue, as_of=as_of))
        except Exception:  # noqa: BLE001 - the batch rolled back: find the attempt that failed it
            log.warning("A sweep batch of %d attempts failed; expiring them one by one", len(overdue))
            for attempt_id in overdue:
                try:
                    expired += expire_attempt_if_overdue(attempt_id=attempt_id, as_of=as_of)
                except Exception:  # noqa: BLE001
                    failed += 1
                    log.exception("Could not expire overdue attempt %s; the next sweep retries it", attempt_id)
    if failed:
        log.warning("Expired %d overdue attempts (%d failed, left for the next sweep)", expired, failed)
    elif expired:
        log.info("Expired %d overdue attempts (0 failed)", expired)
    return expired


# -- the calls a status change makes outside this database, as retried tasks ------------------------------


def _load(attempt_ids) -> dict[int, ProctoredExamStudentAttempt]:
    rows = ProctoredExamStudentAttempt.objects.select_related("proctored_exam", "user").filter(id__in=attempt_ids)
    return {attempt.id: attempt for attempt in rows}


def _tell_vendor(*, attempt: ProctoredExamStudentAttempt, exams: _Exams, status: str) -> bool:
    method_name = BACKEND_CALL_FOR_STATUS.get(status)
    if method_name is None:
        raise ValueError(f"Vendors are not notified of {status!r}.")
    exam, backend = exams.of(attempt)
    if backend is None:
        return False
    getattr(backend, method_name)(exam["external_id"], attempt.external_id)
    return True


def _email_learner(*, attempt: ProctoredExamStudentAttempt, status: str | None) -> bool:
    from edx_proctoring import notifications  # noqa: PLC0415 - keeps the task module light to import

    # The email describes the change that queued it, even if the attempt has moved on since.
    return notifications.send_attempt_status_email(
        attempt=attempt, course_id=attempt.proctored_exam.course_id, status=status
    )


def _call_host(
    *, attempt: ProctoredExamStudentAttempt, exams: _Exams, status: str, calls: list[str], first_completion: bool
) -> bool:
    """The host calls of a change to `status`: instructor completion, credit status. Safe to repeat."""
    exam, backend = exams.of(attempt)
    context = TransitionContext(
        attempt=attempt,
        exam=exam,
        backend=backend,
        from_status=status,
        to_status=status,
        first_completion=first_completion,
    )
    if effects.DEFERRED_INSTRUCTOR in calls:
        effects.tell_instructor_attempt_completed(context)
    # A credit status describes the attempt as it is: once it moved on, its later change recorded its own.
    if effects.DEFERRED_CREDIT in calls and attempt.status == status:
        effects.record_credit_status(context)
    return True


def _one(attempt_id: int, what: str) -> ProctoredExamStudentAttempt | None:
    attempt = _load([attempt_id]).get(attempt_id)
    if attempt is None:
        log.warning("Attempt %s is gone; no %s", attempt_id, what)
    return attempt


@shared_task(name="edx_proctoring.tasks.apply_host_status_effects", bind=True, **NOTIFICATION_RETRY_OPTIONS)
def apply_host_status_effects(self, *, attempt_id: int, status: str, calls: list[str], first_completion: bool) -> bool:
    """Tell the host (instructor service, credit service) of a status change; retried while it fails.

    Returns False when the attempt was deleted meanwhile.
    """
    attempt = _one(attempt_id, f"host call for its move to {status}")
    if attempt is None:
        return False
    return _call_host(attempt=attempt, exams=_Exams(), status=status, calls=calls, first_completion=first_completion)


def _run_deferred_call(call: str, item: dict, *, attempt: ProctoredExamStudentAttempt, exams: _Exams) -> None:
    if call in effects.HOST_CALLS:
        _call_host(
            attempt=attempt, exams=exams, status=item["status"], calls=[call], first_completion=item["first_completion"]
        )
    elif call == effects.DEFERRED_VENDOR:
        _tell_vendor(attempt=attempt, exams=exams, status=item["status"])
    elif call == effects.DEFERRED_EMAIL:
        _email_learner(attempt=attempt, status=item["status"])
    else:
        raise ValueError(f"Unknown deferred call {call!r}.")


def _retry_alone(call: str, item: dict) -> None:
    if call in effects.HOST_CALLS:
        apply_host_status_effects.delay(
            attempt_id=item["attempt_id"],
            status=item["status"],
            calls=[call],
            first_completion=item["first_completion"],
        )
    elif call == effects.DEFERRED_VENDOR:
        notify_backend_of_status.delay(attempt_id=item["attempt_id"], status=item["status"])
    else:
        send_status_email.delay(attempt_id=item["attempt_id"], status=item["status"])


@shared_task(name="edx_proctoring.tasks.run_deferred_status_effects", ignore_result=False)
def run_deferred_status_effects(*, items: list[dict]) -> int:
    """Make a batch's calls outside this database, learner by learner, in the order each change listed them.

    One message per batch instead of several per learner; a call that fails is handed to a retried task of
    its own (with backoff, for about a day), so it never holds back the other learners. Returns how many
    calls were handed on that way.
    """
    handed_on = 0
    attempts = _load([item["attempt_id"] for item in items])
    exams = _Exams()
    for item in items:
        attempt = attempts.get(item["attempt_id"])
        if attempt is None:
            log.warning("Attempt %s is gone; its %s calls are not made", item["attempt_id"], item["calls"])
            continue
        for call in item["calls"]:
            try:
                _run_deferred_call(call, item, attempt=attempt, exams=exams)
            except Exception as exc:  # noqa: BLE001 - retried alone; the other learners go on
                handed_on += 1
                log.warning("The %s call for attempt %s failed (%s); retrying it alone", call, item["attempt_id"], exc)
                _retry_alone(call, item)
    return handed_on


@shared_task(name="edx_proctoring.tasks.notify_backend_of_status", bind=True, **NOTIFICATION_RETRY_OPTIONS)
def notify_backend_of_status(self, *, attempt_id: int, status: str) -> bool:
    """Tell the attempt's vendor it started, stopped or failed; retried with backoff while the vendor fails.

    Returns False when there is nothing to tell (the attempt was deleted, or its exam has no vendor).
    """
    if status not in BACKEND_CALL_FOR_STATUS:
        raise ValueError(f"Vendors are not notified of {status!r}.")
    attempt = _one(attempt_id, f"vendor call for its move to {status}")
    return False if attempt is None else _tell_vendor(attempt=attempt, exams=_Exams(), status=status)


@shared_task(name="edx_proctoring.tasks.send_status_email", bind=True, **NOTIFICATION_RETRY_OPTIONS)
def send_status_email(self, *, attempt_id: int, status: str | None = None) -> bool:
    """Send the learner the email of the attempt's status change (`status`, or its current status).

    Retried with backoff while the mail server fails. Returns whether an email was due and sent.
    """
    attempt = _one(attempt_id, "status email")
    return False if attempt is None else _email_learner(attempt=attempt, status=status)


# -- operations (README, "Operating it"): overdue reviews, their digest, the retention purge ------------------


@shared_task(name="edx_proctoring.tasks.chase_overdue_reviews", ignore_result=False)
def chase_overdue_reviews() -> dict:
    """Ask the vendors about reviews overdue past their backend's limit; apply verdicts, record the rest."""
    from edx_proctoring import overdue_reviews  # noqa: PLC0415 - reviews pull in the whole lifecycle

    return overdue_reviews.chase_overdue_reviews().as_dict()


@shared_task(name="edx_proctoring.tasks.send_overdue_review_digests", ignore_result=False)
def send_overdue_review_digests() -> int:
    """E-mail the day's digest of newly overdue reviews to each course's escalation address; e-mails sent."""
    from edx_proctoring import overdue_reviews  # noqa: PLC0415

    return overdue_reviews.send_overdue_review_digests()


@shared_task(name="edx_proctoring.tasks.purge_expired_data", ignore_result=False)
def purge_expired_data() -> dict:
    """Erase the personal data of finished attempts past its retention, and old vendor call log rows."""
    from edx_proctoring import retention  # noqa: PLC0415

    return retention.purge_expired_data().as_dict()
