"""A batch's calls outside this database (host services, vendor, email), made by Celery tasks after it commits.

A batch of the lifecycle (`attempts.batch`) names these calls on each change instead of making them inline,
and queues :func:`run_deferred_status_effects` once it commits. A call that fails there is handed to a
retried task of its own: :func:`apply_host_status_effects` for the host, or the vendor and email tasks of
`attempts.notification_tasks`. The registered names keep the ``edx_proctoring.tasks.`` prefix: queued
messages carry them.
"""

from __future__ import annotations

import logging

from celery import shared_task

from edx_proctoring.attempts import effects
from edx_proctoring.attempts.context import ExamsSeen, TransitionContext
from edx_proctoring.attempts.notification_tasks import (
    NOTIFICATION_RETRY_OPTIONS,
    email_learner,
    load_attempt,
    load_attempts,
    notify_backend_of_status,
    send_status_email,
    tell_vendor,
)
from edx_proctoring.models import ProctoredExamStudentAttempt

log = logging.getLogger(__name__)


def _call_host(
    *, attempt: ProctoredExamStudentAttempt, exams: ExamsSeen, status: str, calls: list[str], first_completion: bool
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
    # The batch named the credit call only once its gate let it through (as it does the email, which is
    # not gated again either): asking it again here would cost a query per learner.
    context.__dict__["may_update_credit_grades_and_email"] = True
    if effects.DEFERRED_INSTRUCTOR in calls:
        effects.tell_instructor_attempt_completed(context)
    # A credit status describes the attempt as it is: once it moved on, its later change recorded its own.
    if effects.DEFERRED_CREDIT in calls and attempt.status == status:
        effects.record_credit_status(context)
    return True


@shared_task(name="edx_proctoring.tasks.apply_host_status_effects", bind=True, **NOTIFICATION_RETRY_OPTIONS)
def apply_host_status_effects(self, *, attempt_id: int, status: str, calls: list[str], first_completion: bool) -> bool:
    """Tell the host (instructor service, credit service) of a status change; retried while it fails.

    Returns False when the attempt was deleted meanwhile.
    """
    attempt = load_attempt(attempt_id=attempt_id, what=f"host call for its move to {status}")
    if attempt is None:
        return False
    return _call_host(attempt=attempt, exams=ExamsSeen(), status=status, calls=calls, first_completion=first_completion)


def _run_deferred_call(*, call: str, item: dict, attempt: ProctoredExamStudentAttempt, exams: ExamsSeen) -> None:
    if call in effects.HOST_CALLS:
        _call_host(
            attempt=attempt, exams=exams, status=item["status"], calls=[call], first_completion=item["first_completion"]
        )
    elif call == effects.DEFERRED_VENDOR:
        tell_vendor(attempt=attempt, exams=exams, status=item["status"])
    elif call == effects.DEFERRED_EMAIL:
        email_learner(attempt=attempt, status=item["status"])
    else:
        raise ValueError(f"Unknown deferred call {call!r}.")


def _retry_alone(*, call: str, item: dict) -> None:
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
    attempts = load_attempts(attempt_ids=[item["attempt_id"] for item in items])
    exams = ExamsSeen()
    for item in items:
        attempt = attempts.get(item["attempt_id"])
        if attempt is None:
            log.warning("Attempt %s is gone; its %s calls are not made", item["attempt_id"], item["calls"])
            continue
        for call in item["calls"]:
            try:
                _run_deferred_call(call=call, item=item, attempt=attempt, exams=exams)
            except Exception as exc:  # noqa: BLE001 - retried alone; the other learners go on
                handed_on += 1
                log.warning("The %s call for attempt %s failed (%s); retrying it alone", call, item["attempt_id"], exc)
                _retry_alone(call=call, item=item)
    return handed_on
