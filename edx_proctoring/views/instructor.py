"""The vendor's instructor dashboard: a redirect to the backend's own dashboard for a course or an exam."""

from __future__ import annotations

from django.shortcuts import redirect
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from rest_framework import status
from rest_framework.response import Response

from edx_proctoring.http import inputs
from edx_proctoring.http.base import AuthenticatedAPIView
from edx_proctoring.http.errors import proctoring_error_response
from edx_proctoring.http.permissions import require_course_or_global_staff
from edx_proctoring.instructor_dashboard import DashboardUnavailable, Unavailable, instructor_dashboard_url


def _not_found(message: str) -> Response:
    response = Response(status=status.HTTP_404_NOT_FOUND, data=message)
    response["X-Frame-Options"] = "sameorigin"
    return response


def _unavailable_response(
    *, exc: DashboardUnavailable, course_id: str, exam_id: int | None, attempt_id: str | None
) -> Response:
    if exc.reason == Unavailable.MULTIPLE_BACKENDS:
        first, second = exc.backends
        return Response(
            status=status.HTTP_400_BAD_REQUEST, data=f"Multiple backends for course {course_id} {first} != {second}"
        )
    if exc.reason == Unavailable.NO_SUCH_ATTEMPT:
        message = _("Exam {exam_id} has no attempt {attempt_id}.").format(exam_id=exam_id, attempt_id=attempt_id)
        return Response(status=status.HTTP_400_BAD_REQUEST, data={"detail": message})
    if exc.reason == Unavailable.EXAM_NOT_IN_COURSE:
        return _not_found(_("No exam {exam_id} in course {course_id}.").format(exam_id=exam_id, course_id=course_id))
    if exc.reason == Unavailable.NO_EXAMS:
        return _not_found(_("No exams in course {course_id}.").format(course_id=course_id))
    if exc.reason == Unavailable.NO_DASHBOARD:
        return _not_found(_("No instructor dashboard for {name}").format(name=exc.vendor_name))
    return _not_found(_("No proctored exams in course {course_id}").format(course_id=course_id))


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
        attempt_id, show_configuration_dashboard = None, False
        if exam_id is not None:
            attempt_id = request.query_params.get("attempt")
            show_configuration_dashboard = (request.query_params.get("config") or "").lower() == "true"
        try:
            url = instructor_dashboard_url(
                user=request.user,
                course_id=course_id,
                exam_id=exam_id,
                attempt_external_id=attempt_id,
                show_configuration_dashboard=show_configuration_dashboard,
            )
        except DashboardUnavailable as exc:
            return _unavailable_response(exc=exc, course_id=course_id, exam_id=exam_id, attempt_id=attempt_id)
        return redirect(url)
