"""Removing attempts, at the vendor first and then locally."""

from __future__ import annotations

import logging
from collections.abc import Iterable

from django.db import transaction

from edx_proctoring.attempts.actions import Actor, AttemptState, decide
from edx_proctoring.attempts.serialization import serialize_attempt
from edx_proctoring.audit_trail import audit_context, current_audit, real_user, record_audit
from edx_proctoring.backends import get_backend_provider
from edx_proctoring.events import emit_event
from edx_proctoring.exams import serialize_exam
from edx_proctoring.exceptions import (
    BackendProviderCannotRemoveAttempt,
    BackendProviderRemovalNotConfirmed,
    StudentExamAttemptDoesNotExistsException,
)
from edx_proctoring.models import ProctoredExamStudentAttempt
from edx_proctoring.models.lookups import as_id
from edx_proctoring.runtime import get_runtime_service
from edx_proctoring.statuses import ProctoredExamStudentAttemptStatus as Status

log = logging.getLogger(__name__)


def remove_attempt_from_backend(attempt) -> None:
    """Delete a proctored attempt at its vendor; raises when the vendor cannot confirm it is gone."""
    exam = attempt.proctored_exam
    if not exam.is_proctored or not attempt.external_id:
        return
    try:
        backend = get_backend_provider(name=exam.backend)
        removed = backend.remove_exam_attempt(exam.external_id, attempt.external_id)
    except Exception as exc:  # any vendor failure means "not removed"
        log.warning("Vendor %s could not remove attempt %s: %s", exam.backend, attempt.id, exc)
        raise BackendProviderCannotRemoveAttempt() from exc
    if not removed:
        raise BackendProviderRemovalNotConfirmed()


def remove_attempts_from_backends(*, attempts: Iterable, failed_backends=frozenset()) -> set:
    """Best-effort vendor removal of many attempts; stops calling a vendor once it is unreachable.

    Returns the names of the backends that failed.
    """
    failed = set(failed_backends)
    for attempt in attempts:
        backend_name = attempt.proctored_exam.backend
        if backend_name in failed:
            continue
        try:
            remove_attempt_from_backend(attempt)
        except BackendProviderRemovalNotConfirmed:
            log.warning("Vendor %s did not confirm removing attempt %s", backend_name, attempt.id)
        except BackendProviderCannotRemoveAttempt:
            failed.add(backend_name)
    return failed


def clear_onboarding_errors(*, user_id: int, exclude_attempt_id: int | None = None) -> None:
    """Delete the learner's attempts that vendors refused for missing onboarding, telling the vendors first.

    Best effort at the vendors (6.1.x swallows their errors too): the local rows go in any case.
    """
    refused = list(ProctoredExamStudentAttempt.objects.onboarding_errors(user_id, exclude_attempt_id))
    if refused:
        remove_attempts_from_backends(attempts=refused)
        ProctoredExamStudentAttempt.objects.filter(id__in=[attempt.id for attempt in refused]).delete()


def remove_exam_attempt(attempt_id, requesting_user, require_backend_removal=True):
    """The host's removal of an attempt (see `remove_attempt`)."""
    remove_attempt(
        attempt_id=attempt_id,
        requesting_user=requesting_user,
        require_backend_removal=require_backend_removal,
        actor=Actor.host,
    )


def remove_attempt(*, attempt_id, requesting_user, require_backend_removal: bool = True, actor: Actor) -> None:
    """Delete an attempt (the vendor's copy first) and undo what it did to credit and grades.

    `actor` must have the ``remove`` action in the actions table.
    """
    attempt = (
        ProctoredExamStudentAttempt.objects.select_related("proctored_exam", "user")
        .filter(id=as_id(attempt_id))
        .first()
    )
    if attempt is None:
        raise StudentExamAttemptDoesNotExistsException(f"Attempt {attempt_id} does not exist.")
    decide(action="remove", actor=actor, state=_state_of(attempt))
    if require_backend_removal:
        remove_attempt_from_backend(attempt)
    else:
        remove_attempts_from_backends(attempts=[attempt])
    username = attempt.user.username
    user_id = attempt.user_id
    exam = attempt.proctored_exam
    course_id, content_id, removed_status = exam.course_id, exam.content_id, attempt.status
    attempt_data = serialize_attempt(attempt)
    actor = real_user(requesting_user)
    if actor is not None:
        attempt._history_user = actor  # the '-' history row names who removed the attempt
    with (
        audit_context(reason=current_audit().reason or "attempt removed", **({"actor": actor} if actor else {})),
        transaction.atomic(),
    ):
        record_audit(
            "attempt.removed",
            attempt_id=attempt.id,
            exam_id=exam.id,
            target_user_id=user_id,
            details={"status_before": removed_status, "attempt_code": attempt.attempt_code, "course_id": course_id},
        )
        attempt.delete_exam_attempt()
        instructor_service = get_runtime_service("instructor")
        if instructor_service is not None:
            instructor_service.delete_student_attempt(username, course_id, content_id, requesting_user=requesting_user)
        grades_service = get_runtime_service("grades")
        if grades_service is not None:
            grades_service.undo_override_subsection_grade(
                user_id=user_id, course_key_or_id=course_id, usage_key_or_id=content_id
            )
        credit_service = get_runtime_service("credit")
        if credit_service is not None and Status.needs_credit_status_update(removed_status):
            credit_service.remove_credit_requirement_status(
                user_id=user_id, course_key_or_id=course_id, req_namespace="proctored_exam", req_name=content_id
            )
    emit_event(serialize_exam(exam), "deleted", attempt=attempt_data)
    log.info("Removed attempt %s of user %s on exam %s", attempt_id, user_id, exam.id)


def _state_of(attempt) -> AttemptState:
    return AttemptState(status=attempt.status, attempt_id=attempt.id)


# Historic names.
_remove_exam_attempt_from_backend = remove_attempt_from_backend


def _remove_exam_attempts_from_backend(attempts, failed_backends=frozenset()):
    return remove_attempts_from_backends(attempts=attempts, failed_backends=failed_backends)
