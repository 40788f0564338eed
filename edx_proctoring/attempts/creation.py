"""Creating attempts (with vendor registration) and the learner- and staff-initiated moves built on the lifecycle."""

from __future__ import annotations

import logging
import uuid

from django.contrib.auth import get_user_model
from django.db import transaction

from edx_proctoring import config
from edx_proctoring.attempts.actions import Actor
from edx_proctoring.attempts.lifecycle import initial_status, perform_action, set_resume_flag
from edx_proctoring.attempts.removal import remove_attempt
from edx_proctoring.attempts.running import other_running_attempt
from edx_proctoring.attempts.selectors import is_attempt_in_resume_process
from edx_proctoring.attempts.serialization import serialize_attempt
from edx_proctoring.audit import audited_attempt_action, current_audit
from edx_proctoring.backends import get_backend_provider
from edx_proctoring.events import emit_event
from edx_proctoring.exams import get_exam_by_id
from edx_proctoring.exceptions import (
    BackendProviderOnboardingException,
    ProctoredExamIllegalStatusTransition,
    ProctoredExamPermissionDenied,
    StudentExamAttemptAlreadyExistsException,
    StudentExamAttemptDoesNotExistsException,
    StudentExamAttemptOnPastDueProctoredExam,
    UserNotFoundException,
)
from edx_proctoring.identity import obscured_user_id
from edx_proctoring.models import (
    ProctoredExamReviewPolicy,
    ProctoredExamStudentAllowance,
    ProctoredExamStudentAttempt,
)
from edx_proctoring.models.lookups import as_id
from edx_proctoring.runtime import get_runtime_service
from edx_proctoring.signals import exam_attempt_status_signal
from edx_proctoring.statuses import ProctoredExamStudentAttemptStatus as Status
from edx_proctoring.timing import calculate_allowed_mins, is_exam_passed_due

log = logging.getLogger(__name__)

UPDATABLE_ATTEMPT_FIELDS = frozenset({"is_status_acknowledged", "time_remaining_seconds"})


def _get_verified_name(user):
    service = get_runtime_service("name_affirmation")
    if service is None:
        return None
    verified = service.get_verified_name(user, is_verified=False, statuses_to_exclude=["denied"])
    return verified.verified_name if verified else None


def _register_proctored_exam_attempt(user_id, exam_id, exam, attempt_code, review_policy, verified_name):
    """Register the attempt with the exam's vendor; returns (external_id, forced status or None)."""
    profile_name, email = "", None
    credit_service = get_runtime_service("credit")
    credit_state = credit_service.get_credit_state(user_id, exam["course_id"]) if credit_service else None
    if isinstance(credit_state, dict):
        profile_name = credit_state.get("profile_fullname") or ""
        email = credit_state.get("student_email")
    context = {
        "lms_host": config.lms_root(),
        "time_limit_mins": calculate_allowed_mins(exam, user_id),
        "attempt_code": attempt_code,
        "is_sample_attempt": exam["is_practice_exam"],
        "user_id": obscured_user_id(user_id, exam["backend"]),
        "full_name": verified_name or profile_name,
        "email": email,
    }
    if review_policy is not None:
        context["review_policy"] = review_policy.review_policy
    review_policy_exception = ProctoredExamStudentAllowance.get_review_policy_exception(exam_id, user_id)
    if review_policy_exception is not None:
        context["review_policy_exception"] = review_policy_exception
    backend = get_backend_provider(exam)
    try:
        return backend.register_exam_attempt(exam, context=context), None, profile_name
    except BackendProviderOnboardingException as exc:
        log.info("Vendor refused attempt of user %s on exam %s: %s", user_id, exam_id, exc.status)
        return None, exc.status, profile_name


def create_exam_attempt(exam_id, user_id, taking_as_proctored=False):
    """The host's creation of an attempt (see `create_attempt`); returns its id."""
    return create_attempt(exam_id=exam_id, user_id=user_id, taking_as_proctored=taking_as_proctored, actor=Actor.host)


def create_attempt(*, exam_id, user_id, taking_as_proctored: bool = False, actor: Actor) -> int:
    """Create the learner's attempt (registering it with the vendor when proctored); returns its id.

    A second attempt at a non-practice exam exists only as the continuation of an attempt staff marked
    ready to resume, and it inherits the time that attempt had left.
    """
    exam = get_exam_by_id(exam_id)
    with transaction.atomic():
        # Locking the learner's row serialises concurrent creations, so a double click cannot make two attempts.
        user = get_user_model().objects.select_for_update().filter(id=as_id(user_id)).first()
        if user is None:
            raise UserNotFoundException(f"User {user_id} does not exist.")
        user_id = user.id
        existing = ProctoredExamStudentAttempt.objects.get_current_exam_attempt(exam_id, user_id)
        time_remaining_seconds = None
        if existing is not None and is_attempt_in_resume_process(existing):
            time_remaining_seconds = existing.time_remaining_seconds
            mark_exam_attempt_as_resumed(existing.id, actor=Actor.system)
        elif existing is not None and not existing.is_sample_attempt:
            raise StudentExamAttemptAlreadyExistsException(
                f"User {user_id} already has attempt {existing.id} on exam {exam_id}."
            )
        if taking_as_proctored and is_exam_passed_due(exam, user=user_id):
            raise StudentExamAttemptOnPastDueProctoredExam(f"Exam {exam_id} is past due for user {user_id}.")
        attempt_code = str(uuid.uuid4()).upper()
        review_policy = ProctoredExamReviewPolicy.get_review_policy_for_exam(exam_id)
        external_id, forced_status, profile_name, full_name = None, None, "", ""
        if taking_as_proctored:
            verified_name = _get_verified_name(user)
            external_id, forced_status, profile_name = _register_proctored_exam_attempt(
                user_id, exam_id, exam, attempt_code, review_policy, verified_name
            )
            full_name = verified_name or profile_name
        attempt = ProctoredExamStudentAttempt.create_exam_attempt(
            exam_id,
            user_id,
            attempt_code,
            taking_as_proctored,
            exam["is_practice_exam"],
            external_id,
            review_policy_id=review_policy.id if review_policy else None,
            status=initial_status(actor=actor, vendor_status=forced_status),
            time_remaining_seconds=time_remaining_seconds,
        )
        backend = get_backend_provider(exam)
        exam_attempt_status_signal.send(
            sender="edx_proctoring",
            attempt_id=attempt.id,
            user_id=user_id,
            status=attempt.status,
            full_name=full_name,
            profile_name=profile_name,
            is_practice_exam=exam["is_practice_exam"],
            is_proctored=taking_as_proctored,
            backend_supports_onboarding=backend.supports_onboarding if backend else None,
        )
        emit_event(exam, attempt.status, attempt=serialize_attempt(attempt))
        if taking_as_proctored and forced_status is None and getattr(backend, "marks_ready_on_registration", False):
            perform_action(action="ready", actor=Actor.vendor, attempt_id=attempt.id)
    log.info("Created attempt %s for user %s on exam %s", attempt.id, user_id, exam_id)
    return attempt.id


def _current_attempt_or_raise(exam_id, user_id):
    attempt = ProctoredExamStudentAttempt.objects.get_current_exam_attempt(exam_id, user_id)
    if attempt is None:
        raise StudentExamAttemptDoesNotExistsException(f"User {user_id} has no attempt on exam {exam_id}.")
    return attempt


def start_exam_attempt(exam_id, user_id):
    """The host's start of the learner's current attempt (see `start_attempt`)."""
    return start_attempt(exam_id=exam_id, user_id=user_id, actor=Actor.host)


def start_attempt(*, exam_id, user_id, actor: Actor) -> int:
    """Start (or return to) the learner's current attempt; the clock starts only the first time.

    A learner's own start is refused while another exam of the course runs (see `attempts.running`).
    """
    attempt = _current_attempt_or_raise(exam_id, user_id)
    if actor is not Actor.learner:
        return perform_action(action="start", actor=actor, attempt_id=attempt.id)
    with transaction.atomic():
        # The learner's row lock serialises two starts racing on different exams of the course.
        get_user_model().objects.select_for_update().filter(id=attempt.user_id).first()
        exam = get_exam_by_id(exam_id)
        running = other_running_attempt(user_id=attempt.user_id, course_id=exam["course_id"], exam_id=exam["id"])
        other_exam = running["proctored_exam"]["exam_name"] if running is not None else None
        return perform_action(
            action="start", actor=actor, attempt_id=attempt.id, facts={"other_running_exam": other_exam}
        )


def start_exam_attempt_by_code(attempt_code, *, actor: Actor = Actor.host):
    attempt = ProctoredExamStudentAttempt.objects.get_exam_attempt_by_code(attempt_code)
    if attempt is None:
        raise StudentExamAttemptDoesNotExistsException(f"No attempt has the code {attempt_code}.")
    return perform_action(action="start", actor=actor, attempt_id=attempt.id)


def stop_exam_attempt(attempt_id):
    return perform_action(action="stop", actor=Actor.host, attempt_id=attempt_id)


def mark_exam_attempt_timeout(attempt_id, *, actor: Actor = Actor.host):
    return perform_action(action="time_out", actor=actor, attempt_id=attempt_id)


def mark_exam_attempt_as_ready(attempt_id, *, actor: Actor = Actor.host):
    return perform_action(action="ready", actor=actor, attempt_id=attempt_id)


def mark_exam_attempt_as_ready_to_resume(attempt_id, *, actor: Actor = Actor.host):
    """Staff let an attempt that ended in error continue in a new attempt with its remaining time.

    Recorded in the attempt's history and the audit log with the actor of the surrounding `audit_context`.
    """
    with audited_attempt_action(
        "staff.mark_ready_to_resume",
        attempt_id=as_id(attempt_id),
        reason=current_audit().reason or "staff: mark_ready_to_resume",
    ):
        return set_resume_flag(action="mark_ready_to_resume", actor=actor, attempt_id=attempt_id)


def mark_exam_attempt_as_resumed(attempt_id, *, actor: Actor = Actor.system):
    return set_resume_flag(action="mark_resumed", actor=actor, attempt_id=attempt_id)


def update_exam_attempt(attempt_id, **kwargs):
    """Set the acknowledgement flag or the saved remaining time, outside the status workflow."""
    unknown = set(kwargs) - UPDATABLE_ATTEMPT_FIELDS
    if unknown:
        raise ProctoredExamPermissionDenied(f"These attempt fields cannot be updated: {', '.join(sorted(unknown))}.")
    with transaction.atomic():
        attempt = ProctoredExamStudentAttempt.objects.select_for_update().filter(id=as_id(attempt_id)).first()
        if attempt is None:
            raise StudentExamAttemptDoesNotExistsException(f"Attempt {attempt_id} does not exist.")
        for field, value in kwargs.items():
            setattr(attempt, field, value)
        attempt.save()


def reset_practice_exam(exam_id, user_id, requesting_user):
    """The host's reset of a practice attempt (see `reset_practice_attempt`); returns the new attempt's id."""
    return reset_practice_attempt(exam_id=exam_id, user_id=user_id, requesting_user=requesting_user, actor=Actor.host)


def reset_practice_attempt(*, exam_id, user_id, requesting_user, actor: Actor) -> int:
    """Let a learner retake a practice or onboarding exam: the old attempt is set aside, a new one created."""
    attempt = ProctoredExamStudentAttempt.objects.get_current_exam_attempt(exam_id, user_id)
    if attempt is None:
        raise StudentExamAttemptDoesNotExistsException(f"User {user_id} has no attempt on exam {exam_id}.")
    exam = get_exam_by_id(exam_id)
    if not exam["is_practice_exam"]:
        raise ProctoredExamIllegalStatusTransition(f"Exam {exam_id} is not a practice exam; it cannot be reset.")
    if Status.is_incomplete_status(attempt.status) or attempt.status == Status.verified:
        raise ProctoredExamIllegalStatusTransition(
            f"An attempt in status {attempt.status} cannot be reset; finish it first."
        )
    taking_as_proctored = attempt.taking_as_proctored
    with transaction.atomic():
        if attempt.status == Status.submitted:
            # 6.1.x deletes a submitted practice attempt rather than setting it aside.
            remove_attempt(
                attempt_id=attempt.id,
                requesting_user=requesting_user,
                require_backend_removal=False,
                actor=Actor.system,
            )
        else:
            # Set aside without side effects: a reset is not an outcome of the exam.
            perform_action(action="reset_practice", actor=actor, attempt_id=attempt.id)
        emit_event(exam, "reset_practice_exam", attempt=serialize_attempt(attempt))
        return create_attempt(exam_id=exam_id, user_id=user_id, taking_as_proctored=taking_as_proctored, actor=actor)
