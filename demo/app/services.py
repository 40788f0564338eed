"""The host services edx_proctoring calls (interface §10), implemented on the demo's own tables."""

from __future__ import annotations

import logging
from types import SimpleNamespace

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils import timezone
from opaque_keys.edx.keys import CourseKey, UsageKey

from demo.app import models

log = logging.getLogger(__name__)

# Enrollment modes that may take proctored exams (edx-platform's is_track_ok_for_exam).
PROCTORED_MODES = ("verified", "masters", "professional", "executive-education")
# The requirement namespace of proctored exams (edx_proctoring records its outcomes there).
CREDIT_NAMESPACE = "proctored_exam"


def _user(user_or_id):
    if hasattr(user_or_id, "pk"):
        return user_or_id
    return get_user_model().objects.filter(pk=user_or_id).first()


def _user_by_identifier(identifier):
    users = get_user_model().objects
    return users.filter(Q(username=identifier) | Q(email=identifier)).first()


def _credit_sections(course_id: str):
    """The sections that are credit requirements: proctored exams that are not practice (as in edx-platform,
    where publishing a course makes a requirement of each proctored exam and of nothing else)."""
    return models.Section.objects.filter(course__course_id=course_id, kind=models.Section.PROCTORED).order_by(
        "position"
    )


class CreditService:
    """Credit eligibility: the enrollment mode and the learner's status on each credit requirement."""

    def get_credit_state(self, user_id, course_key_or_id, return_course_info=False):
        course_id = str(course_key_or_id)
        user = _user(user_id)
        enrollment = models.Enrollment.objects.filter(user=user, course_id=course_id, is_active=True).first()
        if user is None or enrollment is None:
            return None
        recorded = {
            row.name: row
            for row in models.CreditRequirementStatus.objects.filter(
                user=user, course_id=course_id, namespace=CREDIT_NAMESPACE
            )
        }
        # Every requirement is listed, with no status until the learner has one (edx-platform does the same).
        requirements = []
        for section in _credit_sections(course_id):
            row = recorded.get(section.content_id)
            requirements.append(
                {
                    "namespace": CREDIT_NAMESPACE,
                    "name": section.content_id,
                    "display_name": section.display_name,
                    "order": section.position,
                    "status": row.status if row else None,
                    "status_date": row.modified if row else None,
                    "reason": (row.reason or {}) if row else {},
                    "course_id": course_id,
                    "criteria": {},
                }
            )
        state = {
            "enrollment_mode": enrollment.mode,
            "profile_fullname": user.get_full_name() or user.username,
            "student_email": user.email,
            "credit_requirement_status": requirements,
        }
        if return_course_info:
            course = models.Course.objects.filter(course_id=course_id).first()
            state["course_name"] = course.display_name if course else course_id
            state["course_end_date"] = course.end_date if course else None
        return state

    def set_credit_requirement_status(
        self, user_id, course_key_or_id, req_namespace, req_name, status="satisfied", reason=None
    ):
        course_id = str(course_key_or_id)
        section = _credit_sections(course_id).filter(content_id=req_name).first()
        if req_namespace != CREDIT_NAMESPACE or section is None:
            # edx-platform ignores a status for something that is not one of the course's requirements.
            return
        models.CreditRequirementStatus.objects.update_or_create(
            user_id=user_id,
            course_id=course_id,
            namespace=req_namespace,
            name=req_name,
            defaults={
                "status": status,
                "reason": reason,
                "display_name": section.display_name,
                "order": section.position,
            },
        )

    def remove_credit_requirement_status(self, user_id, course_key_or_id, req_namespace, req_name):
        models.CreditRequirementStatus.objects.filter(
            user_id=user_id, course_id=str(course_key_or_id), namespace=req_namespace, name=req_name
        ).delete()


class InstructorService:
    """Course staff, the learner's state in a section, and support notifications."""

    def is_course_staff(self, user, course_id):
        if getattr(user, "is_staff", False):
            return True
        return models.CourseStaff.objects.filter(user_id=getattr(user, "pk", None), course_id=str(course_id)).exists()

    def delete_student_attempt(self, student_identifier, course_id, content_id, requesting_user):
        """Reset the learner's state in the section: saved answers and completion."""
        user = _user_by_identifier(student_identifier)
        if user is None:
            return False
        models.Answer.objects.filter(user=user, content_id=str(content_id)).delete()
        models.Completion.objects.filter(user=user, content_id=str(content_id)).delete()
        log.info("Reset %s's state in %s (requested by %s)", user.username, content_id, requesting_user)
        return True

    def complete_student_attempt(self, user_identifier, content_id):
        user = _user_by_identifier(user_identifier)
        if user is not None:
            models.Completion.objects.get_or_create(user=user, content_id=str(content_id))

    def send_support_notification(self, course_id, exam_name, student_username, review_status, review_url=None):
        models.SupportNotification.objects.create(
            course_id=str(course_id),
            exam_name=exam_name,
            student_username=student_username,
            review_status=review_status,
            review_url=review_url or "",
        )

    def get_proctoring_escalation_email(self, course_id):
        CourseKey.from_string(str(course_id))  # an invalid key raises InvalidKeyError, as edx-platform's does
        course = models.Course.objects.get(course_id=str(course_id))  # ObjectDoesNotExist when unknown
        return course.proctoring_escalation_email or None


class GradesService:
    """Subsection grade overrides."""

    def should_override_grade_on_rejected_exam(self, course_key_or_id):
        course = models.Course.objects.filter(course_id=str(course_key_or_id)).first()
        return bool(course and course.override_grade_on_rejected_exam)

    def get_subsection_grade_override(self, user_id, course_key_or_id, usage_key_or_id):
        return models.GradeOverride.objects.filter(
            user_id=user_id, course_id=str(course_key_or_id), usage_key=str(usage_key_or_id)
        ).first()

    def override_subsection_grade(
        self,
        user_id,
        course_key_or_id,
        usage_key_or_id,
        earned_all=None,
        earned_graded=None,
        overrider=None,
        comment=None,
    ):
        models.GradeOverride.objects.update_or_create(
            user_id=user_id,
            course_id=str(course_key_or_id),
            usage_key=str(usage_key_or_id),
            defaults={
                "earned_all_override": earned_all,
                "earned_graded_override": earned_graded,
                "overrider": overrider if getattr(overrider, "pk", None) else None,
                "comment": comment or "",
            },
        )

    def undo_override_subsection_grade(self, user_id, course_key_or_id, usage_key_or_id):
        models.GradeOverride.objects.filter(
            user_id=user_id, course_id=str(course_key_or_id), usage_key=str(usage_key_or_id)
        ).delete()


class CertificateService:
    def invalidate_certificate(self, user_id, course_key_or_id):
        updated = models.Certificate.objects.filter(user_id=user_id, course_id=str(course_key_or_id)).update(
            status="unavailable", invalidated_at=timezone.now()
        )
        return bool(updated)


class EnrollmentsService:
    def get_enrollments_can_take_proctored_exams(self, course_id, text_search=None):
        enrollments = models.Enrollment.objects.select_related("user").filter(
            course_id=str(course_id), is_active=True, mode__in=PROCTORED_MODES
        )
        if text_search:
            enrollments = enrollments.filter(
                Q(user__username__icontains=text_search) | Q(user__email__icontains=text_search)
            )
        return enrollments.order_by("user__username")


class LearningSequencesService:
    """The learner's course outline: every exam section of a course they are enrolled in, with its due date."""

    def get_user_course_outline_details(self, course_key, user, at_time):
        course_id = str(course_key)
        course = models.Course.objects.filter(course_id=course_id).first()
        enrolled = models.Enrollment.objects.filter(user=user, course_id=course_id, is_active=True).exists()
        sections = list(course.sections.all()) if course else []
        accessible = {UsageKey.from_string(s.content_id) for s in sections} if enrolled else set()
        schedule = {
            UsageKey.from_string(s.content_id): SimpleNamespace(effective_start=None, start=None, due=s.due_date)
            for s in sections
        }
        return SimpleNamespace(
            outline=SimpleNamespace(accessible_sequences=accessible),
            schedule=SimpleNamespace(sequences=schedule, course_end=course.end_date if course else None),
        )


def build_services():
    return {
        "credit": CreditService(),
        "instructor": InstructorService(),
        "grades": GradesService(),
        "certificates": CertificateService(),
        "enrollments": EnrollmentsService(),
        "learning_sequences": LearningSequencesService(),
    }
