"""The vendor's instructor dashboard: a redirect to the backend's own dashboard for a course or an exam."""

from __future__ import annotations

from django.shortcuts import redirect
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from rest_framework import status
from rest_framework.response import Response
from waffle import switch_is_active

from edx_proctoring.backends import get_backend_provider
from edx_proctoring.constants import REDS_API_REDIRECT
from edx_proctoring.exams import get_all_exams_for_course, get_exam_by_id
from edx_proctoring.http import inputs
from edx_proctoring.http.base import AuthenticatedAPIView
from edx_proctoring.http.errors import proctoring_error_response
from edx_proctoring.http.permissions import require_course_or_global_staff
from edx_proctoring.identity import obscured_user_id
from edx_proctoring.models import ProctoredExamSoftwareSecureReview, ProctoredExamStudentAttempt


def _not_found(message):
    response = Response(status=status.HTTP_404_NOT_FOUND, data=message)
    response["X-Frame-Options"] = "sameorigin"
    return response


def _attempt_code_on_exam(*, external_id: str, exam_id: int) -> str | None:
    """The code of the attempt with this vendor id on this exam (live, else its archived version), or None.

    Staff are authorized on the course and exam of the URL only, so an attempt of any other exam, whose review
    video they could otherwise have the vendor open, must read as not found.
    """
    attempt_code = (
        ProctoredExamStudentAttempt.objects.filter(external_id=external_id, proctored_exam_id=exam_id)
        .values_list("attempt_code", flat=True)
        .first()
    )
    if attempt_code is None:
        attempt_code = (
            ProctoredExamStudentAttempt.history.filter(external_id=external_id, proctored_exam_id=exam_id)
            .order_by("-history_date", "-history_id")
            .values_list("attempt_code", flat=True)
            .first()
        )
    return attempt_code


class InstructorDashboard(AuthenticatedAPIView):
    """GET …/instructor/<course>[/<exam_id>][?attempt=&config=true]: 302 to the vendor's dashboard.

    Course staff of the URL's course (and of the exam's course) only. ``?attempt`` must be the vendor id of an
    attempt on the URL's exam, else 400 and nothing is handed to the vendor.
    """

    def handle_exception(self, exc):
        # Bad input answers a 4xx here too (the original let an unknown exam become a 500).
        response = proctoring_error_response(exc)
        return response if response is not None else super().handle_exception(exc)

    @method_decorator(require_course_or_global_staff)
    def get(self, request, course_id, exam_id=None):
        inputs.course_id(course_id)
        exam = None
        attempt_id = None
        show_configuration_dashboard = False
        if exam_id is not None:
            exam = get_exam_by_id(exam_id)
            if exam["course_id"] != course_id:
                return _not_found(
                    _("No exam {exam_id} in course {course_id}.").format(exam_id=exam_id, course_id=course_id)
                )
            backend = get_backend_provider(exam)
            if backend is None:
                return _not_found(_("No proctored exams in course {course_id}").format(course_id=course_id))
            attempt_id = request.query_params.get("attempt")
            show_configuration_dashboard = (request.query_params.get("config") or "").lower() == "true"
        else:
            exams = get_all_exams_for_course(course_id, active_only=True)
            if not exams:
                return _not_found(_("No exams in course {course_id}.").format(course_id=course_id))
            backend = None
            backend_name = None
            for candidate in exams:
                if not candidate["is_proctored"]:
                    continue
                if backend_name is not None and candidate["backend"] != backend_name:
                    return Response(
                        status=status.HTTP_400_BAD_REQUEST,
                        data=f"Multiple backends for course {course_id} {backend_name} != {candidate['backend']}",
                    )
                backend_name = candidate["backend"]
                backend = get_backend_provider(name=backend_name)
                exam = candidate
            if backend is None:
                return _not_found(_("No proctored exams in course {course_id}").format(course_id=course_id))
        encrypted_video_review_url = None
        if attempt_id:
            attempt_code = _attempt_code_on_exam(external_id=attempt_id, exam_id=exam["id"])
            if attempt_code is None:
                return Response(
                    status=status.HTTP_400_BAD_REQUEST,
                    data={
                        "detail": _("Exam {exam_id} has no attempt {attempt_id}.").format(
                            exam_id=exam_id, attempt_id=attempt_id
                        )
                    },
                )
            if switch_is_active(REDS_API_REDIRECT):
                review = ProctoredExamSoftwareSecureReview.get_review_by_attempt_code(attempt_code)
                if review is not None:
                    encrypted_video_review_url = review.encrypted_video_url
        user = {
            "id": obscured_user_id(request.user.id, exam["backend"]),
            "full_name": getattr(getattr(request.user, "profile", None), "name", "") or "",
            "email": request.user.email,
        }
        url = backend.get_instructor_url(
            exam["course_id"],
            user,
            exam_id=exam["external_id"] if exam_id is not None else None,
            attempt_id=attempt_id,
            show_configuration_dashboard=show_configuration_dashboard,
            encrypted_video_review_url=encrypted_video_review_url,
        )
        if not url:
            return _not_found(_("No instructor dashboard for {name}").format(name=backend.verbose_name))
        return redirect(url)
