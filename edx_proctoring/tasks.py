"""Celery tasks. The app only defines them; the host (edx-platform) owns the Celery app, its broker and beat.

* :func:`expire_overdue_attempts` is the periodic sweep: it submits, server-side, every started attempt
  whose time has run out, even when no browser is polling. Operators schedule it with beat (README). It
  finds and expires them as batches (`attempts.expiry`), whose host, vendor and email calls follow in
  `attempts.deferred_calls.run_deferred_status_effects`.
* The tasks a status change queues (the vendor notice and the learner email when
  ``PROCTORING_SETTINGS['ASYNC_NOTIFICATIONS']`` is on, a batch's deferred calls) live beside the effects
  that queue them, in `attempts.notification_tasks` and `attempts.deferred_calls`, so queuing one never
  imports the lifecycle. They are imported here so that a worker loading this module (Celery's
  autodiscovery) registers them under their historic ``edx_proctoring.tasks.*`` names.
* Operations: the overdue-review chase and its digest, and the retention purge.
"""

from __future__ import annotations

import logging

from celery import shared_task

from edx_proctoring import overdue_reviews, retention
from edx_proctoring.attempts.actions import Actor
from edx_proctoring.attempts.deferred_calls import (  # noqa: F401 - registered with the worker from here
    apply_host_status_effects,
    run_deferred_status_effects,
)
from edx_proctoring.attempts.expiry import (
    expire_attempt_if_overdue,
    expire_attempts_if_overdue,
    overdue_deadline,
    running_attempt_batches,
)
from edx_proctoring.attempts.lifecycle import adjust_attempt_time
from edx_proctoring.attempts.notification_tasks import (  # noqa: F401 - registered with the worker from here
    notify_backend_of_status,
    send_status_email,
)
from edx_proctoring.timing import now

log = logging.getLogger(__name__)

SWEEP_BATCH_SIZE = 500


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
    for batch in running_attempt_batches(batch_size=batch_size):
        as_of = now()
        overdue = []
        for attempt_id, started_at, allowed_mins, clock in batch:
            try:
                if clock.has_spent_break(at=as_of):
                    adjust_attempt_time(action="break_end", actor=Actor.system, attempt_id=attempt_id)
                if overdue_deadline(started_at=started_at, allowed_minutes=allowed_mins, clock=clock, as_of=as_of):
                    overdue.append(attempt_id)
            except Exception:  # one attempt's failure must not stop the sweep
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
                except Exception:
                    failed += 1
                    log.exception("Could not expire overdue attempt %s; the next sweep retries it", attempt_id)
    if failed:
        log.warning("Expired %d overdue attempts (%d failed, left for the next sweep)", expired, failed)
    elif expired:
        log.info("Expired %d overdue attempts (0 failed)", expired)
    return expired


# -- operations (README, "Operating it"): overdue reviews, their digest, the retention purge ------------------


@shared_task(name="edx_proctoring.tasks.chase_overdue_reviews", ignore_result=False)
def chase_overdue_reviews() -> dict:
    """Ask the vendors about reviews overdue past their backend's limit; apply verdicts, record the rest."""
    return overdue_reviews.chase_overdue_reviews().as_dict()


@shared_task(name="edx_proctoring.tasks.send_overdue_review_digests", ignore_result=False)
def send_overdue_review_digests() -> int:
    """E-mail the day's digest of newly overdue reviews to each course's escalation address; e-mails sent."""
    return overdue_reviews.send_overdue_review_digests()


@shared_task(name="edx_proctoring.tasks.purge_expired_data", ignore_result=False)
def purge_expired_data() -> dict:
    """Erase the personal data of finished attempts past its retention, and old vendor call log rows."""
    return retention.purge_expired_data().as_dict()
