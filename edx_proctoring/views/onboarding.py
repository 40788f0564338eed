"""Onboarding status: a learner's own (Learning MFE) and the course panel of the instructor dashboard."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response

from edx_proctoring.http import inputs
from edx_proctoring.http.base import ProctoredAPIView
from edx_proctoring.http.errors import BadRequest
from edx_proctoring.http.pagination import PAGE_SIZE, page_number, total_pages
from edx_proctoring.http.permissions import (
    is_user_course_or_global_staff,
    require_course_or_global_staff,
    staff_only_response,
)
from edx_proctoring.onboarding import OnboardingStatusUnavailable, Unavailable, learner_onboarding_status
from edx_proctoring.onboarding_dashboard import OnboardingProfilesUnavailable, course_onboarding_panel

NO_ONBOARDING_EXAM = "There is no onboarding exam related to this course id."


def _unavailable_response(*, exc: OnboardingStatusUnavailable) -> Response:
    if exc.reason == Unavailable.NO_PROFILE_API:
        return Response(status=status.HTTP_404_NOT_FOUND, data=f"No onboarding status API for {exc.vendor_name}")
    if exc.reason == Unavailable.NONE_ACCESSIBLE:
        message = _("There is no onboarding exam accessible to this user.")
    else:
        message = _(NO_ONBOARDING_EXAM)
    return Response(status=status.HTTP_404_NOT_FOUND, data={"detail": message})


def _learner(*, request: Request, course_id: str):
    """The learner asked about: the caller, or (course staff only) `?username`; None when not allowed."""
    username = request.query_params.get("username")
    if not username or username == request.user.username:
        return request.user
    if not is_user_course_or_global_staff(request.user, course_id):
        return None
    user = get_user_model().objects.filter(username=username[: inputs.MAX_STRING_LENGTH]).first()
    if user is None:
        raise BadRequest(f"No user has the username {username[:64]!r}.")
    return user


class StudentOnboardingStatusView(ProctoredAPIView):
    """GET …/user_onboarding/status?course_id=&username=&is_learning_mfe=: a learner's onboarding status."""

    def get(self, request):
        course_id = request.query_params.get("course_id")
        if not course_id:
            raise BadRequest(_("Missing required query parameter course_id"))
        course_id = inputs.course_id(course_id)
        is_learning_mfe = inputs.query_flag(request, "is_learning_mfe")
        user = _learner(request=request, course_id=course_id)
        if user is None:
            return staff_only_response()
        try:
            return Response(learner_onboarding_status(course_id=course_id, user=user, is_learning_mfe=is_learning_mfe))
        except OnboardingStatusUnavailable as exc:
            return _unavailable_response(exc=exc)


def _page(*, count: int, raw_page) -> tuple[int, int]:
    """``(page number, number of pages)`` of `count` rows, 25 a page, for ``?page`` as Django reads it."""
    pages = total_pages(count)
    return page_number(raw_page, total_pages=pages), pages


def _page_url(*, course_id: str, text_search: str | None, statuses: str | None, number: int) -> str:
    query = {}
    if text_search:
        query["text_search"] = text_search
    if statuses:
        query["statuses"] = statuses
    query["page"] = number
    return reverse("edx_proctoring:user_onboarding.status.course", args=[course_id]) + "?" + urlencode(query)


class StudentOnboardingStatusByCourseView(ProctoredAPIView):
    """GET …/user_onboarding/status/course_id/<course>?page=&text_search=&statuses=: the staff panel."""

    @method_decorator(require_course_or_global_staff)
    def get(self, request, course_id):
        inputs.course_id(course_id)
        text_search = request.query_params.get("text_search") or None
        if text_search and len(text_search) > inputs.MAX_SEARCH_LENGTH:
            raise BadRequest("The search text is too long.")
        raw_statuses = request.query_params.get("statuses") or None
        statuses = set(inputs.comma_list(raw_statuses, name="statuses")) if raw_statuses else None
        try:
            panel = course_onboarding_panel(course_id=course_id, text_search=text_search, statuses=statuses)
        except OnboardingStatusUnavailable as exc:
            return _unavailable_response(exc=exc)
        except OnboardingProfilesUnavailable:
            message = _("The onboarding service is temporarily unavailable. Please try again later.")
            return Response(status=status.HTTP_503_SERVICE_UNAVAILABLE, data={"detail": message})
        number, pages = _page(count=panel.count, raw_page=request.query_params.get("page"))
        link = {"course_id": course_id, "text_search": text_search, "statuses": raw_statuses}
        return Response(
            {
                "count": panel.count,
                "previous": _page_url(**link, number=number - 1) if number > 1 else None,
                "next": _page_url(**link, number=number + 1) if number < pages else None,
                "num_pages": pages,
                "results": panel.rows(start=(number - 1) * PAGE_SIZE, stop=number * PAGE_SIZE),
                "use_onboarding_profile_api": panel.use_onboarding_profile_api,
            }
        )
