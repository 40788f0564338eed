"""Allowances (extra time, review-policy exceptions) as course staff manage them."""

from __future__ import annotations

from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from rest_framework import status
from rest_framework.response import Response

from edx_proctoring.audit_trail import audit_context
from edx_proctoring.exceptions import AllowanceValueNotAllowedException, AllowanceValueOverLimitException
from edx_proctoring.http import inputs
from edx_proctoring.http.base import ProctoredAPIView
from edx_proctoring.http.errors import BadRequest
from edx_proctoring.http.permissions import require_course_or_global_staff
from edx_proctoring.models import ProctoredExam
from edx_proctoring.selectors import allowance_list, staff_lists


def _allowances():
    # Imported when used: the allowances domain module may load after the URL configuration.
    from edx_proctoring import allowances

    return allowances


def _user_info(data):
    """A learner given as username, email or numeric id (JSON number)."""
    value = data.get("user_info")
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    return inputs.string(data, "user_info", required=True)


class ExamAllowanceView(ProctoredAPIView):
    """GET …/<course>/allowance: the course's allowances. PUT/DELETE …/allowance: set or remove one.

    The GET answers every allowance as a list; with ``?page=`` or ``?page_size=`` it answers one page of them
    (ordered by learner) as ``{count, num_pages, current_page, page_size, results}``.
    """

    @method_decorator(require_course_or_global_staff)
    def get(self, request, course_id):
        inputs.course_id(course_id)
        params = request.query_params
        if "page" not in params and "page_size" not in params:
            return Response(allowance_list.course_allowances(course_id=course_id))
        page_size = allowance_list.DEFAULT_PAGE_SIZE
        if params.get("page_size"):
            page_size = inputs.parse_int(params["page_size"], name="page_size", minimum=1)
            if page_size > allowance_list.MAX_PAGE_SIZE:
                raise BadRequest(f"The field 'page_size' must be at most {allowance_list.MAX_PAGE_SIZE}.")
        return Response(
            allowance_list.course_allowances_page(course_id=course_id, page=params.get("page"), page_size=page_size)
        )

    @method_decorator(require_course_or_global_staff)
    def put(self, request):
        data = inputs.body(request)
        exam_id = inputs.integer(data, "exam_id", required=True, minimum=1)
        user_info = _user_info(data)
        key = inputs.string(data, "key", required=True)
        value = inputs.string(data, "value", required=True)
        with audit_context(actor=request.user, reason="staff: allowance"):
            _allowances().add_allowance_for_user(exam_id, user_info, key, value)
        return Response()

    @method_decorator(require_course_or_global_staff)
    def delete(self, request):
        data = inputs.body(request)
        exam_id = inputs.integer(data, "exam_id", required=True, minimum=1)
        user_id = inputs.integer(data, "user_id", required=True, minimum=1)
        key = inputs.string(data, "key", required=True)
        with audit_context(actor=request.user, reason="staff: allowance"):
            _allowances().remove_allowance_for_user(exam_id, user_id, key)
        return Response()


class ExamBulkAllowanceView(ProctoredAPIView):
    """PUT …[/<course>]/bulk_allowance: one allowance for many learners on many exams of one course.

    200 (empty) when every pair succeeded, 207 with every pair when some failed, 400 when none did. The
    course is the body's, else the URL's, else (global staff on the route without a course) the one the
    existing exams share. Exam ids that do not exist are failed pairs; exams of another course are a 400.
    """

    @method_decorator(require_course_or_global_staff)
    def put(self, request, course_id=None):
        data = inputs.body(request)
        exam_ids = [
            inputs.parse_int(item, name="exam_ids", minimum=1)
            for item in inputs.comma_list(data.get("exam_ids"), name="exam_ids")
        ]
        user_ids = inputs.comma_list(data.get("user_ids"), name="user_ids")
        allowance_type = inputs.string(data, "allowance_type", required=True)
        value = inputs.string(data, "value", required=True)
        named_course = data.get("course_id") or course_id
        exam_courses = dict(ProctoredExam.objects.filter(id__in=exam_ids).values_list("id", "course_id"))
        if named_course is None:
            _check_exams_share_a_course(exam_courses=exam_courses)
        else:
            _check_exams_in_course(exam_courses=exam_courses, course_id=inputs.course_id(named_course))
        try:
            with audit_context(actor=request.user, reason="staff: bulk allowance"):
                outcomes = _allowances().grant_bulk_allowances(
                    exam_ids=exam_ids, user_ids=user_ids, allowance_type=allowance_type, value=value
                )
        except AllowanceValueOverLimitException as exc:
            # A new limit, not a malformed number: say which limit so staff can correct the value.
            return Response(status=status.HTTP_400_BAD_REQUEST, data={"detail": str(exc), "field": "allowance_value"})
        except AllowanceValueNotAllowedException:
            return Response(
                status=status.HTTP_400_BAD_REQUEST,
                data={"detail": _("Enter a valid positive value number"), "field": "allowance_value"},
            )
        if not any(outcome.succeeded for outcome in outcomes):
            return Response(
                status=status.HTTP_400_BAD_REQUEST,
                data={"detail": _("Enter a valid username or email"), "field": "user_info"},
            )
        if not all(outcome.succeeded for outcome in outcomes):
            # 6.1.x's pairs, plus each pair's outcome (clients that only read exam_id/user_id ignore it).
            return Response(status=status.HTTP_207_MULTI_STATUS, data=[_pair(outcome) for outcome in outcomes])
        return Response()


def _check_exams_share_a_course(*, exam_courses: dict[int, str]) -> None:
    """Without a course named, the existing exams' course is the course: exams of two courses are a 400."""
    courses = sorted(set(exam_courses.values()))
    if len(courses) > 1:
        raise BadRequest(
            f"These exams belong to different courses ({', '.join(courses)}); a bulk allowance is for one course.",
            extra={"field": "exam_ids"},
        )


def _check_exams_in_course(*, exam_courses: dict[int, str], course_id: str) -> None:
    outside = sorted(exam_id for exam_id, exam_course in exam_courses.items() if exam_course != course_id)
    if outside:
        raise BadRequest(
            f"These exams are not exams of course {course_id}: {', '.join(map(str, outside))}.",
            extra={"field": "exam_ids"},
        )


def _pair(outcome) -> dict:
    return {
        "exam_id": outcome.exam_id,
        "user_id": outcome.user_id,
        "status": "success" if outcome.succeeded else "failure",
        "detail": outcome.detail,
    }


class GroupedExamAllowancesByStudent(ProctoredAPIView):
    """GET …/<course>/grouped/allowance: ``{username: [allowance, …]}``."""

    @method_decorator(require_course_or_global_staff)
    def get(self, request, course_id):
        inputs.course_id(course_id)
        return Response(staff_lists.course_allowances_by_username(course_id))
