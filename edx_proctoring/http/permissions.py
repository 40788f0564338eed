"""Who may call what: global staff, course staff (through the host's `instructor` service), vendor reviewers.

The decorators wrap view functions taking ``(request, *args, **kwargs)``; apply them to API view methods
with ``django.utils.decorators.method_decorator``, as the historic views do.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping

from django.utils.translation import gettext as _
from rest_framework import status
from rest_framework.response import Response

from edx_proctoring.models import ProctoredExam, ProctoredExamStudentAttempt
from edx_proctoring.models.lookups import as_id
from edx_proctoring.runtime import get_runtime_service

STAFF_ONLY_MESSAGE = "Must be a Staff User to Perform this request."


def staff_only_response() -> Response:
    return Response(status=status.HTTP_403_FORBIDDEN, data={"detail": _(STAFF_ONLY_MESSAGE)})


def is_user_course_or_global_staff(user, course_id) -> bool:
    """Global staff, or staff of the course according to the host's instructor service."""
    if getattr(user, "is_staff", False):
        return True
    if not course_id:
        return False
    instructor_service = get_runtime_service("instructor")
    if instructor_service is None:
        return False
    return bool(instructor_service.is_course_staff(user, str(course_id)))


def require_staff(func: Callable) -> Callable:
    """403 ``{"detail": "Must be a Staff User to Perform this request."}`` unless the caller is global staff."""

    @functools.wraps(func)
    def wrapped(request, *args, **kwargs):
        if request.user.is_staff:
            return func(request, *args, **kwargs)
        return staff_only_response()

    return wrapped


def _data(request) -> Mapping:
    data = getattr(request, "data", None)
    return data if isinstance(data, Mapping) else {}


def courses_to_check(request, kwargs) -> tuple[set[str], bool]:
    """The course ids a staff check must cover, and whether a named exam or attempt does not exist.

    Unlike the original, a course id given in the body does not replace the course of the exam or attempt
    the request acts on: both are checked, so staff of one course cannot reach another course's exam by
    naming their own course.
    """
    data = _data(request)
    courses: set[str] = set()
    missing = False
    for course_id in (data.get("course_id"), kwargs.get("course_id")):
        if isinstance(course_id, str) and course_id:
            courses.add(course_id)
    exam_ref = data.get("exam_id") or kwargs.get("exam_id")
    if exam_ref is not None:
        exam_id = as_id(exam_ref)
        exam_course = (
            ProctoredExam.objects.filter(id=exam_id).values_list("course_id", flat=True).first()
            if exam_id is not None
            else None
        )
        if exam_course is None:
            missing = True
        else:
            courses.add(exam_course)
    attempt_ref = kwargs.get("attempt_id")
    if attempt_ref is not None:
        attempt_id = as_id(attempt_ref)
        attempt_course = (
            ProctoredExamStudentAttempt.objects.filter(id=attempt_id)
            .values_list("proctored_exam__course_id", flat=True)
            .first()
            if attempt_id is not None
            else None
        )
        if attempt_course is None:
            missing = True
        else:
            courses.add(attempt_course)
    return courses, missing


def require_course_or_global_staff(func: Callable) -> Callable:
    """Global staff pass; others must be staff of every course the request names or acts on.

    No course at all -> 403 ``{"detail": "could not determine the course_id"}``. A named exam or attempt
    that does not exist is left to the view (which answers 400), where the original raised a 500.
    """

    @functools.wraps(func)
    def wrapped(request, *args, **kwargs):
        if request.user.is_staff:
            return func(request, *args, **kwargs)
        courses, missing = courses_to_check(request, kwargs)
        if not courses:
            if missing:
                return func(request, *args, **kwargs)
            return Response(status=status.HTTP_403_FORBIDDEN, data={"detail": _("could not determine the course_id")})
        if all(is_user_course_or_global_staff(request.user, course_id) for course_id in courses):
            return func(request, *args, **kwargs)
        return staff_only_response()

    return wrapped
