"""Onboarding status: a learner's own (Learning MFE) and the course panel of the instructor dashboard."""

from __future__ import annotations

import logging
from urllib.parse import urlencode

from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from rest_framework import status
from rest_framework.response import Response
from waffle import switch_is_active

from edx_proctoring import config
from edx_proctoring.backends import get_backend_provider
from edx_proctoring.constants import ONBOARDING_PROFILE_INSTRUCTOR_DASHBOARD_API
from edx_proctoring.exams import get_exam_url
from edx_proctoring.exceptions import BackendProviderOnboardingProfilesException
from edx_proctoring.http import inputs
from edx_proctoring.http.base import ProctoredAPIView
from edx_proctoring.http.errors import BadRequest
from edx_proctoring.http.pagination import PAGE_SIZE, page_number, total_pages
from edx_proctoring.http.permissions import (
    is_user_course_or_global_staff,
    require_course_or_global_staff,
    staff_only_response,
)
from edx_proctoring.identity import obscured_user_id
from edx_proctoring.models import ProctoredExam
from edx_proctoring.selectors import onboarding_panel
from edx_proctoring.statuses import InstructorDashboardOnboardingAttemptStatus as PanelStatus
from edx_proctoring.statuses import VerificientOnboardingProfileStatus as ProfileStatus

log = logging.getLogger(__name__)

NO_ONBOARDING_EXAM = "There is no onboarding exam related to this course id."


def _onboarding():
    from edx_proctoring import onboarding  # noqa: PLC0415

    return onboarding


def _onboarding_exams(course_id):
    """The course's active proctored practice exams, newest first, and the backend when it does onboarding."""
    exams = list(ProctoredExam.get_practice_proctored_exams_for_course(course_id).order_by("-created", "-id"))
    if not exams:
        return exams, None
    try:
        backend = get_backend_provider(name=exams[0].backend)
    except NotImplementedError:
        return exams, None
    if backend is None or not backend.supports_onboarding:
        return exams, None
    return exams, backend


def _not_found(message):
    return Response(status=status.HTTP_404_NOT_FOUND, data={"detail": message})


class StudentOnboardingStatusView(ProctoredAPIView):
    """GET …/user_onboarding/status?course_id=&username=&is_learning_mfe=: a learner's onboarding status."""

    def get(self, request):
        course_id = request.query_params.get("course_id")
        if not course_id:
            raise BadRequest(_("Missing required query parameter course_id"))
        course_id = inputs.course_id(course_id)
        username = request.query_params.get("username")
        is_learning_mfe = inputs.query_flag(request, "is_learning_mfe")
        user = request.user
        if username and username != request.user.username:
            if not is_user_course_or_global_staff(request.user, course_id):
                return staff_only_response()
            user = get_user_model().objects.filter(username=username[: inputs.MAX_STRING_LENGTH]).first()
            if user is None:
                raise BadRequest(f"No user has the username {username[:64]!r}.")
        exams, backend = _onboarding_exams(course_id)
        if backend is None:
            return _not_found(_(NO_ONBOARDING_EXAM))
        onboarding = _onboarding()
        details = onboarding.get_user_course_outline_details(user, course_id)
        non_date, future, past_due = onboarding.categorize_inaccessible_exams_by_date(exams, details)
        excluded = {exam.id for exam in non_date}
        exams = [exam for exam in exams if exam.id not in excluded]
        if not exams:
            return _not_found(_("There is no onboarding exam accessible to this user."))
        future_ids = {exam.id for exam in future}
        past_ids = {exam.id for exam in past_due}
        link, past_due_flag = None, False
        available = [exam for exam in exams if exam.id not in future_ids and exam.id not in past_ids]
        if available:
            chosen = available[0]
            link = get_exam_url(course_id, chosen.content_id, is_learning_mfe)
        elif future:
            chosen = next(exam for exam in exams if exam.id in future_ids)
        else:
            chosen = next(exam for exam in exams if exam.id in past_ids)
            past_due_flag = True
        data = onboarding.get_onboarding_attempt_data_for_learner(course_id, user, chosen.backend)
        if config.proctoring_setting("USE_ONBOARDING_PROFILE_API"):
            try:
                profile = backend.get_onboarding_profile_info(
                    course_id, user_id=obscured_user_id(user.id, chosen.backend)
                )
            except BackendProviderOnboardingProfilesException as exc:
                log.warning("Onboarding profile API failed for course %s: %s", course_id, exc)
                profile = False
            if profile is None:
                return Response(
                    status=status.HTTP_404_NOT_FOUND,
                    data=f"No onboarding status API for {backend.verbose_name}",
                )
            if profile is not False:
                data = {
                    "onboarding_status": ProfileStatus.get_edx_status_from_profile_status(profile.get("status")),
                    "expiration_date": profile.get("expiration_date"),
                }
        return Response(
            {
                "onboarding_status": data["onboarding_status"],
                "onboarding_link": link,
                "expiration_date": data["expiration_date"],
                "onboarding_past_due": past_due_flag,
                "onboarding_release_date": _release_date(onboarding, details, chosen),
                "review_requirements_url": backend.help_center_article_url,
            }
        )


def _release_date(onboarding, details, exam):
    if details is None:
        return None
    entry = onboarding._lookup(mapping=details.schedule.sequences, usage_key=onboarding._usage_key(exam.content_id))
    start = getattr(entry, "effective_start", None)
    return start.isoformat() if start else None


class StudentOnboardingStatusByCourseView(ProctoredAPIView):
    """GET …/user_onboarding/status/course_id/<course>?page=&text_search=&statuses=: the staff panel."""

    @method_decorator(require_course_or_global_staff)
    def get(self, request, course_id):
        inputs.course_id(course_id)
        exams, backend = _onboarding_exams(course_id)
        if backend is None:
            return _not_found(_(NO_ONBOARDING_EXAM))
        text_search = request.query_params.get("text_search") or None
        if text_search and len(text_search) > inputs.MAX_SEARCH_LENGTH:
            raise BadRequest("The search text is too long.")
        raw_statuses = request.query_params.get("statuses") or None
        statuses = set(inputs.comma_list(raw_statuses, name="statuses")) if raw_statuses else None
        from edx_proctoring.reports import get_enrollments_can_take_proctored_exams  # noqa: PLC0415

        enrollments = get_enrollments_can_take_proctored_exams(course_id, text_search)
        if enrollments is None:
            enrollments = []
        elif not hasattr(enrollments, "__getitem__"):
            enrollments = list(enrollments)
        backend_name = exams[0].backend
        use_api = switch_is_active(ONBOARDING_PROFILE_INSTRUCTOR_DASHBOARD_API)
        raw_page = request.query_params.get("page")
        if use_api:
            rows = self._vendor_rows(backend, backend_name, course_id, enrollments, statuses)
            if isinstance(rows, Response):
                return rows
            count = len(rows)
            pages = total_pages(count)
            number = page_number(raw_page, total_pages=pages)
            results = rows[(number - 1) * PAGE_SIZE : number * PAGE_SIZE]
            self._refresh_modified(course_id, results, enrollments)
        elif statuses:
            rows = onboarding_panel.filtered_rows(
                course_id=course_id, backend=backend_name, enrollments=enrollments, statuses=statuses
            )
            count = len(rows)
            pages = total_pages(count)
            number = page_number(raw_page, total_pages=pages)
            results = rows[(number - 1) * PAGE_SIZE : number * PAGE_SIZE]
        else:
            count = onboarding_panel.count(enrollments)
            pages = total_pages(count)
            number = page_number(raw_page, total_pages=pages)
            results = onboarding_panel.page_rows(
                course_id=course_id,
                backend=backend_name,
                enrollments=enrollments,
                start=(number - 1) * PAGE_SIZE,
                stop=number * PAGE_SIZE,
            )
        return Response(
            {
                "count": count,
                "previous": self._page_url(course_id, text_search, raw_statuses, number - 1) if number > 1 else None,
                "next": self._page_url(course_id, text_search, raw_statuses, number + 1) if number < pages else None,
                "num_pages": pages,
                "results": results,
                "use_onboarding_profile_api": use_api,
            }
        )

    @staticmethod
    def _page_url(course_id, text_search, statuses, number):
        query = {}
        if text_search:
            query["text_search"] = text_search
        if statuses:
            query["statuses"] = statuses
        query["page"] = number
        return reverse("edx_proctoring:user_onboarding.status.course", args=[course_id]) + "?" + urlencode(query)

    @staticmethod
    def _vendor_rows(backend, backend_name, course_id, enrollments, statuses):
        filters = {}
        if statuses:
            translated = [ProfileStatus.get_profile_status_from_filter(value) for value in statuses]
            filters["status"] = ",".join(value for value in translated if value)
        try:
            profiles = backend.get_onboarding_profile_info(course_id, **filters) or {}
        except BackendProviderOnboardingProfilesException as exc:
            log.warning("Onboarding profile API failed for course %s: %s", course_id, exc)
            return Response(
                status=status.HTTP_503_SERVICE_UNAVAILABLE,
                data={"detail": _("The onboarding service is temporarily unavailable. Please try again later.")},
            )
        results = profiles.get("results", []) if isinstance(profiles, dict) else list(profiles)
        by_obscured = {obscured_user_id(e.user.id, backend_name): e for e in enrollments}
        rows, matched = [], set()
        for profile in results:
            enrollment = by_obscured.get(profile.get("user_id"))
            if enrollment is None:
                continue
            matched.add(enrollment.user.id)
            rows.append(
                {
                    "username": enrollment.user.username,
                    "enrollment_mode": enrollment.mode,
                    "status": ProfileStatus.get_instructor_status_from_profile_status(profile.get("status")),
                    "modified": None,
                }
            )
        if not statuses or PanelStatus.not_started in statuses:
            rows.extend(
                {
                    "username": e.user.username,
                    "enrollment_mode": e.mode,
                    "status": PanelStatus.not_started,
                    "modified": None,
                }
                for e in enrollments
                if e.user.id not in matched
            )
        return rows

    @staticmethod
    def _refresh_modified(course_id, rows, enrollments):
        ids = {e.user.username: e.user.id for e in enrollments}
        page_ids = [ids[row["username"]] for row in rows if row["username"] in ids]
        modified = onboarding_panel.local_modified(course_id=course_id, user_ids=page_ids)
        for row in rows:
            row["modified"] = modified.get(ids.get(row["username"]))
