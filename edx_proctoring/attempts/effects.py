"""The individual effects of an attempt status change. `lifecycle.SIDE_EFFECTS` says which run when.

Each takes the `TransitionContext` of the change. Effects that touch credit, grades or email first
check the gate (`may_update_credit_grades_and_email`); effects needing a host service skip quietly
when the host has not registered it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.core.exceptions import ImproperlyConfigured
from django.db import transaction

from edx_proctoring import config, notifications
from edx_proctoring.attempts.context import TransitionContext
from edx_proctoring.attempts.notification_tasks import (
    BACKEND_CALL_FOR_STATUS,
    notify_backend_of_status,
    send_status_email,
)
from edx_proctoring.attempts.removal import clear_onboarding_errors as remove_onboarding_errors
from edx_proctoring.events import emit_event
from edx_proctoring.exam_kinds import ExamKind, kind_of
from edx_proctoring.exceptions import BackendProviderNotificationFailed, ProctoredBaseException
from edx_proctoring.runtime import get_runtime_service
from edx_proctoring.signals import exam_attempt_status_signal
from edx_proctoring.statuses import ProctoredExamStudentAttemptStatus as Status

log = logging.getLogger(__name__)

CREDIT_NAMESPACE = "proctored_exam"
REJECTED_GRADE_OVERRIDE_EARNED = 0.0

_CREDIT_STATUS_FOR = {
    Status.verified: "satisfied",
    Status.submitted: "submitted",
    Status.declined: "declined",
    Status.rejected: "failed",
    Status.error: "failed",
}


def notifications_are_async() -> bool:
    """PROCTORING_SETTINGS['ASYNC_NOTIFICATIONS']: vendor calls and emails go through retried Celery tasks."""
    return config.async_notifications()


# The calls a batch (`attempts.batch`) defers to retried Celery tasks instead of making them inline.
DEFERRED_INSTRUCTOR = "instructor"
DEFERRED_CREDIT = "credit"
DEFERRED_VENDOR = "vendor"
DEFERRED_EMAIL = "email"
HOST_CALLS = (DEFERRED_INSTRUCTOR, DEFERRED_CREDIT)


def _deferred(context: TransitionContext, name: str) -> bool:
    """Name the call for the batch's tasks when the change is part of a batch; True when it was deferred."""
    if context.deferred is None:
        return False
    context.deferred.append(name)
    return True


def _queue_after_commit(task, **kwargs) -> None:
    """Queue `task` once the status change commits: never for a change rolled back, never before it is visible.

    A broker failure at that point is logged and does not reach the caller: the change itself is committed.
    """
    transaction.on_commit(lambda: task.delay(**kwargs), robust=True)


def _notify_backend(context: TransitionContext, *, status: str) -> None:
    method_name = BACKEND_CALL_FOR_STATUS[status]
    if context.backend is None:
        return
    if _deferred(context, DEFERRED_VENDOR):
        return
    if notifications_are_async():
        _queue_after_commit(notify_backend_of_status, attempt_id=context.attempt.id, status=status)
        return
    try:
        getattr(context.backend, method_name)(context.exam["external_id"], context.attempt.external_id)
    except ProctoredBaseException:
        raise
    except Exception as exc:  # any vendor failure (timeout, HTTP error) undoes the whole change
        log.warning(
            "Vendor %s failed on %s for attempt %s: %s", context.exam["backend"], method_name, context.attempt.id, exc
        )
        raise BackendProviderNotificationFailed() from exc


def notify_backend_of_first_start(context: TransitionContext) -> None:
    if context.first_start:
        _notify_backend(context, status=Status.started)


def notify_backend_of_submission(context: TransitionContext) -> None:
    _notify_backend(context, status=Status.submitted)


def notify_backend_of_error(context: TransitionContext) -> None:
    _notify_backend(context, status=Status.error)


def tell_instructor_attempt_completed(context: TransitionContext) -> None:
    """The host marks the sequence complete the first time the attempt is completed."""
    instructor_service = get_runtime_service("instructor")
    if instructor_service is None or not context.first_completion or _deferred(context, DEFERRED_INSTRUCTOR):
        return
    instructor_service.complete_student_attempt(context.attempt.user.username, context.exam["content_id"])


def record_credit_status(context: TransitionContext) -> None:
    credit_service = get_runtime_service("credit")
    if credit_service is None or not context.may_update_credit_grades_and_email:
        return
    if _deferred(context, DEFERRED_CREDIT):
        return
    credit_service.set_credit_requirement_status(
        user_id=context.attempt.user_id,
        course_key_or_id=context.exam["course_id"],
        req_namespace=CREDIT_NAMESPACE,
        req_name=context.exam["content_id"],
        status=_CREDIT_STATUS_FOR[context.to_status],
    )


# Declining proctoring on one exam declines it on the course's other proctored exams. That step finds, expires
# and creates attempts and moves them through the lifecycle, which all sit above this module, so it is
# handed in (`attempts.decline_cascade`, imported when the app is ready) rather than imported here.
DeclineElsewhere = Callable[[TransitionContext], None]
_decline_elsewhere: list[DeclineElsewhere] = []


def set_decline_cascade(*, step: DeclineElsewhere) -> None:
    """Install the step that declines the learner's other proctored exams of the course (one, replacing any)."""
    _decline_elsewhere[:] = [step]


def decline_other_proctored_exams(context: TransitionContext) -> None:
    """Declining proctoring on one exam declines it on every other proctored exam of the course."""
    if not context.cascade_effects or not context.may_update_credit_grades_and_email:
        return
    if not _decline_elsewhere:
        raise ImproperlyConfigured("The decline cascade is not installed: is edx_proctoring in INSTALLED_APPS?")
    attempt = context.attempt
    attempt.taking_as_proctored = False
    attempt.external_id = None
    attempt.save(update_fields=["taking_as_proctored", "external_id", "modified"])
    context.__dict__.pop("attempt_dict", None)
    _decline_elsewhere[0](context)


def override_grade_and_invalidate_certificate(context: TransitionContext) -> None:
    grades_service = get_runtime_service("grades")
    if grades_service is None or not context.may_update_credit_grades_and_email:
        return
    course_id = context.exam["course_id"]
    if not grades_service.should_override_grade_on_rejected_exam(course_id):
        return
    verbose_name = getattr(context.backend, "verbose_name", None)
    comment = f"Failed {verbose_name} proctoring" if context.backend is not None else "Failed Proctoring"
    grades_service.override_subsection_grade(
        user_id=context.attempt.user_id,
        course_key_or_id=course_id,
        usage_key_or_id=context.exam["content_id"],
        earned_all=REJECTED_GRADE_OVERRIDE_EARNED,
        earned_graded=REJECTED_GRADE_OVERRIDE_EARNED,
        overrider=context.update_attributable_to,
        comment=comment,
    )
    certificates_service = get_runtime_service("certificates")
    if certificates_service is not None:
        certificates_service.invalidate_certificate(user_id=context.attempt.user_id, course_key_or_id=course_id)


def undo_grade_override(context: TransitionContext) -> None:
    """A rejection overturned by a later verification gives the learner their grade back."""
    grades_service = get_runtime_service("grades")
    if (
        grades_service is None
        or context.from_status != Status.rejected
        or not context.may_update_credit_grades_and_email
    ):
        return
    course_id = context.exam["course_id"]
    if grades_service.should_override_grade_on_rejected_exam(course_id):
        grades_service.undo_override_subsection_grade(
            user_id=context.attempt.user_id, course_key_or_id=course_id, usage_key_or_id=context.exam["content_id"]
        )


def clear_onboarding_errors(context: TransitionContext) -> None:
    """Finishing an onboarding exam clears the learner's attempts that vendors refused for missing onboarding."""
    if kind_of(context.exam, provider=context.backend) is not ExamKind.ONBOARDING:
        return
    remove_onboarding_errors(user_id=context.attempt.user_id, exclude_attempt_id=context.attempt.id)


def email_learner(context: TransitionContext) -> None:
    """Send the status email; a mail failure is logged and never undoes the status change."""
    if not context.may_update_credit_grades_and_email or _deferred(context, DEFERRED_EMAIL):
        return
    if notifications_are_async():
        _queue_after_commit(send_status_email, attempt_id=context.attempt.id, status=context.to_status)
        return
    try:
        notifications.send_attempt_status_email(attempt=context.attempt, course_id=context.exam["course_id"])
    except Exception:  # the mail server or a template failing must not fail the transition
        log.exception("Could not send the %s email for attempt %s", context.to_status, context.attempt.id)


def emit_status_event(context: TransitionContext) -> None:
    emit_event(context.exam, context.to_status, attempt=context.attempt_dict)


def send_status_signal(context: TransitionContext) -> None:
    exam_attempt_status_signal.send(
        sender="edx_proctoring",
        attempt_id=context.attempt.id,
        user_id=context.attempt.user_id,
        status=context.to_status,
        full_name=None,
        profile_name=None,
        is_practice_exam=context.exam["is_practice_exam"],
        is_proctored=context.attempt.taking_as_proctored,
        backend_supports_onboarding=bool(context.backend.supports_onboarding) if context.backend else False,
    )
