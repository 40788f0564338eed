"""Attempts: the learner's timer and actions, the Learning-MFE exam view, and staff's attempt lists."""

from __future__ import annotations

import logging

from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from rest_framework import status
from rest_framework.response import Response

from edx_proctoring import config
from edx_proctoring.attempts.actions import Actor
from edx_proctoring.attempts.getters import get_active_exams_for_user, get_exam_attempt_by_id
from edx_proctoring.attempts.learner_requests import begin_exam, report_proctoring_error
from edx_proctoring.attempts.lifecycle import adjust_attempt_time, perform_action
from edx_proctoring.attempts.moves import mark_exam_attempt_as_ready_to_resume, start_attempt, update_exam_attempt
from edx_proctoring.attempts.practice_retake import retake_practice_attempt
from edx_proctoring.attempts.removal import remove_attempt
from edx_proctoring.attempts.staff_requests import remove_learner_attempts
from edx_proctoring.audit_trail import audit_context
from edx_proctoring.exceptions import ProctoredExamPermissionDenied, StudentExamAttemptDoesNotExistsException
from edx_proctoring.http import inputs
from edx_proctoring.http.base import ProctoredAPIView
from edx_proctoring.http.errors import BadRequest
from edx_proctoring.http.permissions import (
    is_user_course_or_global_staff,
    require_course_or_global_staff,
    staff_only_response,
)
from edx_proctoring.learner_exam_view import active_timer_payload, learner_exam_view
from edx_proctoring.logsafe import loggable_text
from edx_proctoring.models import ProctoredExamStudentAttempt
from edx_proctoring.selectors import staff_lists
from edx_proctoring.timing import (
    get_time_remaining_for_attempt,
    humanized_time,
)

log = logging.getLogger(__name__)

ATTEMPT_ACTIONS = (
    "stop",
    "start",
    "submit",
    "click_download_software",
    "reset_attempt",
    "error",
    "decline",
    "mark_ready_to_resume",
    "start_break",
    "end_break",
)
# The learner's breaks are time adjustments in the actions table (break_start, break_end).
BREAK_ACTIONS = {"start_break": "break_start", "end_break": "break_end"}


def _missing_attempt(attempt_id):
    return StudentExamAttemptDoesNotExistsException(f"Attempt with attempt_id={attempt_id} does not exist.")


def _not_yours(attempt_id):
    return ProctoredExamPermissionDenied(f"Attempt with attempt_id={attempt_id} is not owned by the current user.")


def _accessibility_time_string(seconds: float) -> str:
    if seconds < 60:
        return _("you have less than a minute remaining")
    return _("you have {remaining_time} remaining").format(remaining_time=humanized_time(int(round(seconds / 60.0))))


class StudentProctoredExamAttempt(ProctoredAPIView):
    """One attempt: GET (the owner's timer poll), PUT an action (owner; staff for mark_ready_to_resume),
    DELETE (course or global staff)."""

    def get(self, request, attempt_id):
        attempt = get_exam_attempt_by_id(attempt_id)
        if attempt is None:
            raise _missing_attempt(attempt_id)
        if attempt["user"]["id"] != request.user.id:
            raise _not_yours(attempt_id)
        remaining = get_time_remaining_for_attempt(attempt)
        attempt["time_remaining_seconds"] = remaining
        attempt["accessibility_time_string"] = _accessibility_time_string(remaining)
        return Response(attempt)

    def put(self, request, attempt_id):
        data = inputs.body(request)
        attempt = get_exam_attempt_by_id(attempt_id)
        if attempt is None:
            raise _missing_attempt(attempt_id)
        action = inputs.string(data, "action", max_length=64)
        acting_user_id = request.user.id
        course_id = attempt["proctored_exam"]["course_id"]
        if data.get("user_id") is not None:
            if action != "mark_ready_to_resume" or not is_user_course_or_global_staff(request.user, course_id):
                raise ProctoredExamPermissionDenied(
                    "Only course staff may act for another user, and only to mark an attempt ready to resume."
                )
            acting_user_id = inputs.integer(data, "user_id", required=True)
        if attempt["user"]["id"] != acting_user_id:
            raise _not_yours(attempt_id)
        if action not in ATTEMPT_ACTIONS:
            raise BadRequest(f"Unknown or missing action {action!r}; expected one of: {', '.join(ATTEMPT_ACTIONS)}.")
        detail = inputs.string(data, "detail", max_length=2000)
        # Marking ready to resume is a staff move even on one's own attempt; every other action is the owner's.
        actor = Actor.learner
        if action == "mark_ready_to_resume" and is_user_course_or_global_staff(request.user, course_id):
            actor = Actor.staff
        return Response({"exam_attempt_id": self._act(request, attempt, action, acting_user_id, detail, actor)})

    def _act(self, request, attempt, action, acting_user_id, detail, actor):
        attempt_id = attempt["id"]
        exam_id = attempt["proctored_exam"]["id"]
        if action == "start":
            return start_attempt(exam_id=exam_id, user_id=acting_user_id, actor=actor)
        if action == "reset_attempt":
            return retake_practice_attempt(
                exam_id=exam_id, user_id=acting_user_id, requesting_user=request.user, actor=actor
            )
        if action == "mark_ready_to_resume":
            with audit_context(actor=request.user, reason=f"{actor}: mark_ready_to_resume"):
                return mark_exam_attempt_as_ready_to_resume(attempt_id, actor=actor)
        if action == "error":
            # The learner's text goes to the log as one quoted line: no forged log entries through newlines.
            log.info("Attempt %s reported an error by its learner: %s", attempt_id, loggable_text(detail))
            return report_proctoring_error(attempt=attempt)
        if action in BREAK_ACTIONS:
            with audit_context(actor=request.user):
                adjust_attempt_time(action=BREAK_ACTIONS[action], actor=actor, attempt_id=attempt_id, user=request.user)
            return attempt_id
        return perform_action(action=action, actor=actor, attempt_id=attempt_id)

    @method_decorator(require_course_or_global_staff)
    def delete(self, request, attempt_id):
        if not ProctoredExamStudentAttempt.objects.filter(id=attempt_id).exists():
            raise _missing_attempt(attempt_id)
        with audit_context(actor=request.user, reason="staff: delete attempt"):
            remove_attempt(attempt_id=attempt_id, requesting_user=request.user, actor=Actor.staff)
        return Response()


class StudentProctoredExamAttemptCollection(ProctoredAPIView):
    """GET: the timer payload of the learner's active attempt (legacy LMS). POST: create an attempt."""

    def get(self, request):
        payload = active_timer_payload(user_id=request.user.id, is_learning_mfe=False)
        return Response(payload if payload is not None else {"in_timed_exam": False, "is_proctored": False})

    def post(self, request):
        data = inputs.body(request)
        exam_id = inputs.integer(data, "exam_id", required=True, minimum=1)
        start_clock = inputs.truthy_string(data, "start_clock")
        attempt_proctored = inputs.truthy_string(data, "attempt_proctored")
        attempt_id = begin_exam(
            exam_id=exam_id, user=request.user, taking_as_proctored=attempt_proctored, start_clock=start_clock
        )
        return Response({"exam_attempt_id": attempt_id})


class ProctoredExamAttemptReviewStatus(ProctoredAPIView):
    """PUT …/attempt/<id>/review_status: the learner acknowledges the review outcome of their attempt."""

    def put(self, request, attempt_id):
        if not config.content_viewable_past_due():
            return Response(status=status.HTTP_404_NOT_FOUND, data={"detail": _("Cannot update attempt review status")})
        owner = ProctoredExamStudentAttempt.objects.filter(id=attempt_id).values_list("user_id", flat=True).first()
        if owner is not None and owner != request.user.id:
            raise _not_yours(attempt_id)
        update_exam_attempt(attempt_id, is_status_acknowledged=True)
        return Response()


class StudentProctoredGroupedExamAttemptsByCourse(ProctoredAPIView):
    """GET the course's newest attempt per (learner, exam), 25 a page, optionally searched by username/email
    and filtered (`?filter=paused|extended`) to attempts staff paused or gave more time."""

    @method_decorator(require_course_or_global_staff)
    def get(self, request, course_id, search_by=None):
        inputs.course_id(course_id)
        if search_by is not None and len(search_by) > inputs.MAX_SEARCH_LENGTH:
            raise BadRequest(f"The search text is too long (at most {inputs.MAX_SEARCH_LENGTH} characters).")
        clock_filter = request.query_params.get("filter") or None
        if clock_filter is not None and clock_filter not in staff_lists.CLOCK_FILTERS:
            raise BadRequest(f"Unknown filter {clock_filter[:40]!r}; expected one of: paused, extended.")
        results, pagination = staff_lists.grouped_attempts_page(
            course_id=course_id, search_by=search_by, page=request.query_params.get("page"), clock_filter=clock_filter
        )
        if search_by is not None:
            url = reverse("edx_proctoring:proctored_exam.attempts.grouped.search", args=[course_id, search_by])
        else:
            url = reverse("edx_proctoring:proctored_exam.attempts.grouped.course", args=[course_id])
        return Response({"proctored_exam_attempts": results, "pagination_info": pagination, "attempt_url": url})


def _read_param(request, key):
    """A value from the query string, else (historic clients) from the body."""
    value = request.query_params.get(key)
    if value is None and isinstance(request.data, dict):
        value = request.data.get(key)
    return value


class ActiveExamsForUserView(ProctoredAPIView):
    """GET …/active_exams_for_user?user_id=&course_id=: a learner's running attempts with exam and allowances.

    Reads the query string (and, for old clients, the body). Only the learner themself, course staff of
    `course_id` or global staff may ask about a learner.
    """

    def get(self, request):
        user_id = _read_param(request, "user_id")
        course_id = _read_param(request, "course_id")
        if user_id is None or user_id == "":
            return Response([])
        user_id = inputs.parse_int(user_id, name="user_id")
        if course_id is not None:
            course_id = inputs.course_id(course_id)
        if user_id != request.user.id and not (
            request.user.is_staff or (course_id and is_user_course_or_global_staff(request.user, course_id))
        ):
            return staff_only_response()
        return Response(get_active_exams_for_user(user_id=user_id, course_id=course_id))


def _target_user(request):
    """The learner a Learning-MFE request is about: the caller, or `?user_id` for global staff (else 403)."""
    raw = request.query_params.get("user_id")
    if raw is None:
        return request.user, None
    if not request.user.is_staff:
        return None, staff_only_response()
    user_id = inputs.parse_int(raw, name="user_id")
    if user_id == request.user.id:
        return request.user, None
    user = get_user_model().objects.filter(id=user_id).first()
    if user is None:
        raise BadRequest(f"No user has the id {user_id}.")
    return user, None


class ProctoredExamActiveAttemptView(ProctoredAPIView):
    """GET …/active_attempt[?user_id=]: the Learning MFE's timer payload of the active attempt, or {}."""

    def get(self, request):
        user, refusal = _target_user(request)
        if refusal is not None:
            return refusal
        payload = active_timer_payload(user_id=user.id, is_learning_mfe=True)
        return Response(payload or {})


class ProctoredExamAttemptView(ProctoredAPIView):
    """GET …/attempt/course_id/<course>?content_id=&is_learning_mfe=&user_id=: the Learning MFE's exam view."""

    def get(self, request, course_id):
        inputs.course_id(course_id)
        is_learning_mfe = inputs.query_flag(request, "is_learning_mfe")
        user, refusal = _target_user(request)
        if refusal is not None:
            return refusal
        content_id = request.query_params.get("content_id")
        if content_id and len(content_id) > inputs.MAX_STRING_LENGTH:
            raise BadRequest("The content_id is too long.")
        return Response(
            learner_exam_view(user=user, course_id=course_id, content_id=content_id, is_learning_mfe=is_learning_mfe)
        )


class StudentProctoredExamResetAttempts(ProctoredAPIView):
    """DELETE …/exam_id/<exam>/user_id/<user>/reset_attempts: remove every attempt of a learner on an exam.

    Authorized on the URL's exam: staff of its course or global staff. A body naming another exam or learner
    is a 400 and an unknown exam a 400, so nothing is removed on a check that found nothing to check.
    """

    @method_decorator(require_course_or_global_staff)
    def delete(self, request, exam_id, user_id):
        if not remove_learner_attempts(exam_id=exam_id, user_id=user_id, requesting_user=request.user):
            return Response(
                status=status.HTTP_404_NOT_FOUND,
                data=_("There are no attempts related to this user id and exam id"),
            )
        return Response()
