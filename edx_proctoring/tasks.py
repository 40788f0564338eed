"""Celery tasks. The app only defines them; the host (edx-platform) owns the Celery app, its broker and beat.

* :func:`expire_overdue_attempts` is the periodic sweep: it submits, server-side, every started attempt
  whose time has run out, even when no browser is polling. Operators schedule it with beat (README).
* :func:`notify_backend_of_status` and :func:`send_status_email` carry the vendor notifications and the
  learner email of a status change when ``PROCTORING_SETTINGS['ASYNC_NOTIFICATIONS']`` is on: they are
  queued once the status change has committed and retried with exponential backoff while the vendor or
  the mail server fails, so a failure never undoes (or loses) the change itself.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import datetime

from celery import shared_task
from django.db import connection, transaction

from edx_proctoring.attempts.actions import Actor
from edx_proctoring.attempts.effects import BACKEND_CALL_FOR_STATUS
from edx_proctoring.attempts.lifecycle import adjust_attempt_time, perform_action
from edx_proctoring.backends import get_backend_provider
from edx_proctoring.exams import serialize_exam
from edx_proctoring.models import ProctoredExamAttemptTimeState, ProctoredExamStudentAttempt
from edx_proctoring.statuses import ProctoredExamStudentAttemptStatus as Status
from edx_proctoring.timing import NO_CLOCK, PAUSE_KIND_BREAK, Clock, deadline_of, is_past_deadline, now

log = logging.getLogger(__name__)

SWEEP_BATCH_SIZE = 500
# Attempts whose clock is running; every other status is either not started or already finished.
OVERDUE_STATUSES = (Status.started, Status.ready_to_submit)

# Retries of the notification tasks: 1 s, 2 s, 4 s ... capped at 10 minutes, with jitter, for about a day.
NOTIFICATION_RETRY_OPTIONS = {
    "autoretry_for": (Exception,),
    "retry_backoff": True,
    "retry_backoff_max": 600,
    "retry_jitter": True,
    "max_retries": 150,
}


_CLOCK_COLUMNS = (
    "extension_minutes",
    "paused_seconds",
    "paused_since",
    "paused_kind",
    "break_ends_by",
    "break_seconds_used",
    "due_cap",
)


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


def expire_attempt_if_overdue(*, attempt_id: int, as_of: datetime) -> bool:
    """Submit one attempt as of its deadline if it is still running and past it; True when this call did.

    The row is locked first; a row another sweeper holds is skipped (it is being expired there), and a row
    already moved on is left alone, so two sweeps running at once expire each attempt exactly once. Its
    clock is read under that lock: an extension or a pause committed first moves the deadline, one waiting
    for the lock finds the attempt submitted and is refused.
    """
    locked = ProctoredExamStudentAttempt.objects.select_for_update(
        skip_locked=connection.features.has_select_for_update_skip_locked
    )
    with transaction.atomic():
        row = (
            locked.filter(id=attempt_id, status__in=OVERDUE_STATUSES, started_at__isnull=False)
            .values_list("started_at", "allowed_time_limit_mins")
            .first()
        )
        if row is None:
            return False
        clock = _clock_from(
            ProctoredExamAttemptTimeState.objects.filter(attempt_id=attempt_id).values_list(*_CLOCK_COLUMNS).first()
            or (None,)
        )
        deadline = deadline_of(started_at=row[0], allowed_minutes=row[1], clock=clock, at=as_of)
        if not is_past_deadline(deadline=deadline, clock=clock, at=as_of):
            return False
        perform_action(action="sweep", actor=Actor.system, attempt_id=attempt_id, timeout_timestamp=deadline)
        return True


def _has_spent_break(clock: Clock, *, at: datetime) -> bool:
    return clock.paused_kind == PAUSE_KIND_BREAK and clock.break_ends_by is not None and clock.break_ends_by <= at


@shared_task(name="edx_proctoring.tasks.expire_overdue_attempts", ignore_result=False)
def expire_overdue_attempts(*, batch_size: int = SWEEP_BATCH_SIZE) -> int:
    """Submit every running attempt whose deadline has passed, with ``completed_at`` = its deadline.

    A paused attempt, or one on a break, is never expired; a break whose budget is spent is recorded as
    ended (the clock already runs again). Reads ``batch_size`` attempts at a time (constant memory however
    many there are) and commits each attempt on its own. Everything done for one attempt, reading its
    deadline included, is guarded: a failure on one (a vendor refusing the stop call, a row whose values
    cannot be used) is logged, counted and retried by the next sweep, and never holds back the attempts
    after it, in any course. Returns how many attempts this run expired.
    """
    expired = 0
    failed = 0
    for batch in _running_attempt_batches(batch_size=batch_size):
        as_of = now()
        for attempt_id, started_at, allowed_mins, clock in batch:
            try:
                if _has_spent_break(clock, at=as_of):
                    adjust_attempt_time(action="break_end", actor=Actor.system, attempt_id=attempt_id)
                deadline = deadline_of(started_at=started_at, allowed_minutes=allowed_mins, clock=clock, at=as_of)
                if not is_past_deadline(deadline=deadline, clock=clock, at=as_of):
                    continue
                expired += expire_attempt_if_overdue(attempt_id=attempt_id, as_of=as_of)
            except Exception:  # noqa: BLE001 - one attempt's failure must not stop the sweep
                failed += 1
                log.exception("Could not expire overdue attempt %s; the next sweep retries it", attempt_id)
    if failed:
        log.warning("Expired %d overdue attempts (%d failed, left for the next sweep)", expired, failed)
    elif expired:
        log.info("Expired %d overdue attempts (0 failed)", expired)
    return expired


@shared_task(name="edx_proctoring.tasks.notify_backend_of_status", bind=True, **NOTIFICATION_RETRY_OPTIONS)
def notify_backend_of_status(self, *, attempt_id: int, status: str) -> bool:
    """Tell the attempt's vendor it started, stopped or failed; retried with backoff while the vendor fails.

    Returns False when there is nothing to tell (the attempt was deleted, or its exam has no vendor).
    """
    method_name = BACKEND_CALL_FOR_STATUS.get(status)
    if method_name is None:
        raise ValueError(f"Vendors are not notified of {status!r}.")
    attempt = ProctoredExamStudentAttempt.objects.select_related("proctored_exam").filter(id=attempt_id).first()
    if attempt is None:
        log.warning("Attempt %s is gone; its vendor is not told it moved to %s", attempt_id, status)
        return False
    exam = serialize_exam(attempt.proctored_exam)
    backend = get_backend_provider(exam)
    if backend is None:
        return False
    getattr(backend, method_name)(exam["external_id"], attempt.external_id)
    return True


@shared_task(name="edx_proctoring.tasks.send_status_email", bind=True, **NOTIFICATION_RETRY_OPTIONS)
def send_status_email(self, *, attempt_id: int, status: str | None = None) -> bool:
    """Send the learner the email of the attempt's status change (`status`, or its current status).

    Retried with backoff while the mail server fails. Returns whether an email was due and sent.
    """
    from edx_proctoring import notifications  # noqa: PLC0415 - keeps the task module light to import

    attempt = ProctoredExamStudentAttempt.objects.select_related("proctored_exam", "user").filter(id=attempt_id).first()
    if attempt is None:
        log.warning("Attempt %s is gone; no status email is sent", attempt_id)
        return False
    # The email describes the change that queued it, even if the attempt has moved on since.
    return notifications.send_attempt_status_email(
        attempt=attempt, course_id=attempt.proctored_exam.course_id, status=status
    )


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
