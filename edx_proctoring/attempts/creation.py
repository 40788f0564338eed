"""Creating an attempt: registering it with the exam's vendor, or continuing one staff marked ready to resume.

What happens to an attempt afterwards (start, stop, ready, resume) is in `attempts.moves`; a learner's retake
of a practice exam in `attempts.practice_retake`; deleting attempts in `attempts.removal`.
"""

from __future__ import annotations

import logging
import uuid

from django.contrib.auth import get_user_model
from django.db import transaction

from edx_proctoring import config
from edx_proctoring.attempts.actions import Actor
from edx_proctoring.attempts.getters import is_attempt_in_resume_process
from edx_proctoring.attempts.lifecycle import initial_status, perform_action
from edx_proctoring.attempts.moves import mark_exam_attempt_as_resumed
from edx_proctoring.attempts.serialization import serialize_attempt
from edx_proctoring.backends import get_backend_provider
from edx_proctoring.events import emit_event
from edx_proctoring.exams import get_exam_by_id
from edx_proctoring.exceptions import (
    BackendProviderOnboardingException,
    StudentExamAttemptAlreadyExistsException,
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
from edx_proctoring.timing import calculate_allowed_mins, is_exam_passed_due

log = logging.getLogger(__name__)


def _get_verified_name(user):
    service = get_runtime_service("name_affirmation")
    if service is None:
        return None
    verified = service.get_verified_name(user, is_verified=False, statuses_to_exclude=["denied"])
    return verified.verified_name if verified else None


def _register_proctored_exam_attempt(user_id, exam_id, exam, attempt_code, review_policy, verified_name):
    """Register the attempt with the exam's vendor; returns (external_id, forced status or None, profile name)."""
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
