"""Exams: creating, updating and reading them, and what depends only on the exam (backend, URLs, type)."""

from __future__ import annotations

import logging

from django.core.exceptions import ObjectDoesNotExist
from django.db import IntegrityError, transaction
from django.urls import NoReverseMatch, reverse
from opaque_keys import InvalidKeyError
from opaque_keys.edx.keys import CourseKey, UsageKey

from edx_proctoring import config, constants
from edx_proctoring.backends import get_backend_provider
from edx_proctoring.events import emit_event
from edx_proctoring.exam_kinds import mfe_exam_type
from edx_proctoring.exceptions import (
    BackendProviderNotConfigured,
    ProctoredExamAlreadyExists,
    ProctoredExamNotFoundException,
)
from edx_proctoring.models import ProctoredExam, ProctoredExamReviewPolicy
from edx_proctoring.models.lookups import as_id
from edx_proctoring.records import exam_record, json_safe_exam_record
from edx_proctoring.runtime import get_runtime_service
from edx_proctoring.timing import calculate_allowed_mins, humanized_time

log = logging.getLogger(__name__)


def serialize_exam(exam: ProctoredExam) -> dict:
    return exam_record(exam=exam)


def create_exam(
    course_id,
    content_id,
    exam_name,
    time_limit_mins,
    due_date=None,
    is_proctored=True,
    is_practice_exam=False,
    external_id=None,
    is_active=True,
    hide_after_due=False,
    backend=None,
):
    """Create an exam and return its id; the vendor is told about proctored exams in the same transaction."""
    if ProctoredExam.get_exam_by_content_id(course_id, content_id) is not None:
        raise ProctoredExamAlreadyExists(f"An exam already exists for {content_id} in course {course_id}.")
    try:
        with transaction.atomic():
            exam = ProctoredExam.objects.create(
                course_id=course_id,
                content_id=content_id,
                exam_name=exam_name,
                time_limit_mins=time_limit_mins,
                due_date=due_date,
                is_proctored=is_proctored,
                is_practice_exam=is_practice_exam,
                external_id=external_id,
                is_active=is_active,
                hide_after_due=hide_after_due,
                backend=backend or config.default_backend_name(),
            )
            sync_exam_with_backend(exam=exam)
    except IntegrityError:
        raise ProctoredExamAlreadyExists(f"An exam already exists for {content_id} in course {course_id}.") from None
    log.info("Created exam %s (%s) in %s", exam.id, content_id, course_id)
    emit_event(serialize_exam(exam), "created")
    return exam.id


def update_exam(
    exam_id,
    exam_name=None,
    time_limit_mins=None,
    due_date=constants.MINIMUM_TIME,
    is_proctored=None,
    is_practice_exam=None,
    external_id=None,
    is_active=None,
    hide_after_due=None,
    backend=None,
):
    """Change the given fields of an exam (None leaves a field as it is; due_date=None clears the date)."""
    with transaction.atomic():
        exam = ProctoredExam.objects.select_for_update().filter(id=as_id(exam_id)).first()
        if exam is None:
            raise ProctoredExamNotFoundException(f"Exam {exam_id} does not exist.")
        was_proctored = exam.is_proctored
        changes = {
            "exam_name": exam_name,
            "time_limit_mins": time_limit_mins,
            "is_proctored": is_proctored,
            "is_practice_exam": is_practice_exam,
            "external_id": external_id,
            "is_active": is_active,
            "hide_after_due": hide_after_due,
            "backend": backend,
        }
        for field, value in changes.items():
            if value is not None:
                setattr(exam, field, value)
        if due_date is not constants.MINIMUM_TIME:
            exam.due_date = due_date
        exam.save()
        sync_exam_with_backend(exam=exam, was_proctored=was_proctored)
    emit_event(serialize_exam(exam), "updated")
    return exam.id


def sync_exam_with_backend(*, exam: ProctoredExam, was_proctored: bool | None = None) -> None:
    """Send a proctored exam's configuration to its vendor and keep the vendor's exam id.

    An exam that stops being proctored is sent once more, inactive, so the vendor closes it.
    An unknown backend raises NotImplementedError, which rolls back the caller's transaction.
    """
    if was_proctored and not exam.is_proctored:
        payload = dict(json_safe_exam_record(exam=exam), is_active=False)
        try:
            get_backend_provider(name=payload["backend"]).on_exam_saved(payload)
        except NotImplementedError as exc:
            log.warning("Could not tell the vendor that exam %s is no longer proctored: %s", exam.id, exc)
        return
    if not exam.is_proctored:
        return
    payload = json_safe_exam_record(exam=exam)
    policy = ProctoredExamReviewPolicy.get_review_policy_for_exam(exam.id)
    if policy is not None:
        payload["rule_summary"] = policy.review_policy
    external_id = get_backend_provider(payload).on_exam_saved(payload)
    if external_id and external_id != exam.external_id:
        exam.external_id = external_id
        exam.save(update_fields=["external_id", "modified"])


def get_exam_by_id(exam_id):
    exam = ProctoredExam.get_exam_by_id(exam_id)
    if exam is None:
        raise ProctoredExamNotFoundException(f"Exam {exam_id} does not exist.")
    return serialize_exam(exam)


def get_exam_by_content_id(course_id, content_id):
    exam = ProctoredExam.get_exam_by_content_id(course_id, content_id)
    if exam is None:
        raise ProctoredExamNotFoundException(f"No exam for {content_id} in course {course_id}.")
    return serialize_exam(exam)


def get_all_exams_for_course(course_id, active_only=False):
    exams = ProctoredExam.get_all_exams_for_course(course_id, active_only=active_only)
    return [serialize_exam(exam) for exam in exams]


def get_integration_specific_email(provider):
    return getattr(provider, "integration_specific_email", None) or constants.DEFAULT_CONTACT_EMAIL


def get_proctoring_escalation_email(course_id):
    """The course's escalation address from the host's instructor service, or None."""
    instructor_service = get_runtime_service("instructor")
    if instructor_service is None:
        return None
    try:
        return instructor_service.get_proctoring_escalation_email(course_id)
    except (InvalidKeyError, ObjectDoesNotExist) as exc:
        log.info("No proctoring escalation email for course %s: %s", course_id, exc)
        return None


def get_proctoring_settings_by_exam_id(exam_id):
    """What a learner-facing page needs to know about the platform and the exam's vendor."""
    exam = get_exam_by_id(exam_id)
    proctoring_settings = {
        "platform_name": config.top_level_platform_name(),
        "contact_us": config.top_level_contact_email(),
        "link_urls": config.link_urls(),
        "exam_proctoring_backend": {},
    }
    if not exam["is_proctored"]:
        return proctoring_settings
    try:
        provider = get_backend_provider(exam)
    except NotImplementedError as exc:
        raise BackendProviderNotConfigured(str(exc)) from exc
    proctoring_settings.update(
        {
            "exam_proctoring_backend": provider.get_proctoring_config(),
            "provider_tech_support_email": provider.tech_support_email,
            "provider_tech_support_phone": provider.tech_support_phone,
            "provider_name": provider.verbose_name,
            "learner_notification_from_email": provider.learner_notification_from_email,
            "integration_specific_email": get_integration_specific_email(provider),
            "proctoring_escalation_email": get_proctoring_escalation_email(exam["course_id"]),
        }
    )
    return proctoring_settings


def is_backend_dashboard_available(course_id):
    for exam in ProctoredExam.get_all_exams_for_course(course_id, active_only=True):
        try:
            if get_backend_provider(name=exam.backend).has_dashboard:
                return True
        except NotImplementedError:
            log.warning("Exam %s names the unknown backend %r", exam.id, exam.backend)
    return False


def does_backend_support_onboarding(backend):
    try:
        return get_backend_provider(name=backend).supports_onboarding
    except NotImplementedError:
        log.warning("Unknown proctoring backend %r", backend)
        return False


def get_exam_configuration_dashboard_url(course_id, content_id):
    exam = ProctoredExam.get_exam_by_content_id(course_id, content_id)
    if exam is None or not is_backend_dashboard_available(course_id):
        return None
    url = reverse("edx_proctoring:instructor_dashboard_exam", args=[course_id, exam.id])
    return f"{url}?config=true"


def get_total_allowed_time_for_exam(exam, user_id):
    return humanized_time(calculate_allowed_mins(exam, user_id))


def get_exam_type(exam, provider):
    """The exam's kind as the MFE reads it: ``{"type", "humanized_type"}`` (see `exam_kinds`)."""
    return mfe_exam_type(exam, provider=provider)


def resolve_exam_url_for_learning_mfe(course_id, content_id):
    course_key = CourseKey.from_string(str(course_id))
    usage_key = UsageKey.from_string(str(content_id))
    return f"{config.learning_mfe_url()}/course/{course_key}/{usage_key}"


def get_course_home_url(course_id):
    course_key = CourseKey.from_string(str(course_id))
    return f"{config.learning_mfe_url()}/course/{course_key}/home"


def get_exam_url(course_id, content_id, is_learning_mfe):
    if is_learning_mfe:
        return resolve_exam_url_for_learning_mfe(course_id, content_id)
    try:
        return reverse("jump_to", args=[course_id, content_id])
    except NoReverseMatch:
        return ""
