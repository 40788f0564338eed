"""The vendor notice and the learner email of a status change, as Celery tasks retried while they fail.

Queued by the effects (`attempts.effects`) when ``PROCTORING_SETTINGS['ASYNC_NOTIFICATIONS']`` is on, once
the change has committed, and by a batch's deferred calls (`attempts.deferred_calls`) when one fails. This
module imports nothing that changes an attempt, so the effects can queue these tasks without reaching back
up into the lifecycle. The registered names keep the ``edx_proctoring.tasks.`` prefix: queued messages
carry them.
"""

from __future__ import annotations

import logging

from celery import shared_task

from edx_proctoring import notifications
from edx_proctoring.attempts.context import ExamsSeen
from edx_proctoring.models import ProctoredExamStudentAttempt
from edx_proctoring.statuses import ProctoredExamStudentAttemptStatus as Status

log = logging.getLogger(__name__)

# Retries of the notification tasks: 1 s, 2 s, 4 s ... capped at 10 minutes, with jitter, for about a day.
NOTIFICATION_RETRY_OPTIONS = {
    "autoretry_for": (Exception,),
    "retry_backoff": True,
    "retry_backoff_max": 600,
    "retry_jitter": True,
    "max_retries": 150,
}

# The backend method that tells the vendor about each status it hears of.
BACKEND_CALL_FOR_STATUS = {
    Status.started: "start_exam_attempt",
    Status.submitted: "stop_exam_attempt",
    Status.error: "mark_erroneous_exam_attempt",
}


def load_attempts(*, attempt_ids) -> dict[int, ProctoredExamStudentAttempt]:
    """The attempts with their exam and learner, by id (deleted ones are missing)."""
    rows = ProctoredExamStudentAttempt.objects.select_related("proctored_exam", "user").filter(id__in=attempt_ids)
    return {attempt.id: attempt for attempt in rows}


def load_attempt(*, attempt_id: int, what: str) -> ProctoredExamStudentAttempt | None:
    """The attempt, or None (logged, naming the call `what` that is not made) when it was deleted meanwhile."""
    attempt = load_attempts(attempt_ids=[attempt_id]).get(attempt_id)
    if attempt is None:
        log.warning("Attempt %s is gone; no %s", attempt_id, what)
    return attempt


def tell_vendor(*, attempt: ProctoredExamStudentAttempt, exams: ExamsSeen, status: str) -> bool:
    """Call the vendor's method for `status`; False when the exam has no vendor."""
    method_name = BACKEND_CALL_FOR_STATUS.get(status)
    if method_name is None:
        raise ValueError(f"Vendors are not notified of {status!r}.")
    exam, backend = exams.of(attempt)
    if backend is None:
        return False
    getattr(backend, method_name)(exam["external_id"], attempt.external_id)
    return True


def email_learner(*, attempt: ProctoredExamStudentAttempt, status: str | None) -> bool:
    """Send the status email; whether one was due and sent."""
    # The email describes the change that queued it, even if the attempt has moved on since.
    return notifications.send_attempt_status_email(
        attempt=attempt, course_id=attempt.proctored_exam.course_id, status=status
    )


@shared_task(name="edx_proctoring.tasks.notify_backend_of_status", bind=True, **NOTIFICATION_RETRY_OPTIONS)
def notify_backend_of_status(self, *, attempt_id: int, status: str) -> bool:
    """Tell the attempt's vendor it started, stopped or failed; retried with backoff while the vendor fails.

    Returns False when there is nothing to tell (the attempt was deleted, or its exam has no vendor).
    """
    if status not in BACKEND_CALL_FOR_STATUS:
        raise ValueError(f"Vendors are not notified of {status!r}.")
    attempt = load_attempt(attempt_id=attempt_id, what=f"vendor call for its move to {status}")
    return False if attempt is None else tell_vendor(attempt=attempt, exams=ExamsSeen(), status=status)


@shared_task(name="edx_proctoring.tasks.send_status_email", bind=True, **NOTIFICATION_RETRY_OPTIONS)
def send_status_email(self, *, attempt_id: int, status: str | None = None) -> bool:
    """Send the learner the email of the attempt's status change (`status`, or its current status).

    Retried with backoff while the mail server fails. Returns whether an email was due and sent.
    """
    attempt = load_attempt(attempt_id=attempt_id, what="status email")
    return False if attempt is None else email_learner(attempt=attempt, status=status)
