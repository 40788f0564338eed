"""The learner's exam interstitials in the legacy courseware (rendered by `get_student_view`).

edx-platform's sequence block asks, through the ``proctoring`` XBlock service, what a learner should
see in place of a special exam's content. The answer is an HTML page (entrance, instructions,
submitted...) or None, meaning "render the content itself".

The work is split in three: the facts about the learner are gathered here into a `LearnerState`;
`selection` decides the page with one pure function per exam kind; `context` builds the template
context. The only side effects are the auto-decline of an exam whose credit prerequisite was declined,
the ``option-presented`` event, the exam row created from the host's context on first view, and the
lazy expiry of a timed-out attempt when it is read.
"""

from __future__ import annotations

import logging

from django.contrib.auth import get_user_model
from django.template.loader import render_to_string

from edx_proctoring import config
from edx_proctoring.attempts.actions import Actor
from edx_proctoring.attempts.getters import get_current_exam_attempt
from edx_proctoring.attempts.payload import is_attempt_ready_to_resume
from edx_proctoring.attempts.running import other_running_attempt
from edx_proctoring.backends import get_backend_provider
from edx_proctoring.events import emit_event
from edx_proctoring.exam_kinds import PRACTICE_KINDS, ExamKind, kind_of
from edx_proctoring.exams import create_exam, get_exam_by_content_id, get_exam_url
from edx_proctoring.exceptions import ProctoredExamNotFoundException
from edx_proctoring.models import ProctoredExamTimeAdjustment, TimeAdjustmentKind
from edx_proctoring.prerequisites import _are_prerequirements_satisfied, _create_and_decline_attempt
from edx_proctoring.statuses import ProctoredExamStudentAttemptStatus as Status
from edx_proctoring.student_view import context as contexts
from edx_proctoring.student_view.selection import (
    LearnerState,
    Page,
    onboarding_exam_page,
    practice_exam_page,
    proctored_exam_page,
    timed_exam_page,
)
from edx_proctoring.timing import (
    clock_of,
    get_time_remaining_for_attempt,
    has_due_date_passed,
    humanized_time,
    is_exam_passed_due,
    now,
    verify_and_add_wait_deadline,
)

log = logging.getLogger(__name__)

__all__ = ["get_student_view"]

_DECISIONS = {
    ExamKind.TIMED: timed_exam_page,
    ExamKind.PRACTICE: practice_exam_page,
    ExamKind.ONBOARDING: onboarding_exam_page,
    ExamKind.PROCTORED: proctored_exam_page,
}
# The pages whose buttons start an exam clock, or lead to one: while another exam of the course runs,
# the learner sees _ANOTHER_EXAM_RUNNING instead (one running exam per learner in a course).
_PAGES_OFFERING_A_START = frozenset(
    {
        "timed_exam/entrance.html",
        "practice_exam/entrance.html",
        "onboarding_exam/entrance.html",
        "proctored_exam/entrance.html",
        "proctored_exam/instructions.html",
        "proctored_exam/ready_to_start.html",
        "proctored_exam/ready_to_resume.html",
    }
)
_ANOTHER_EXAM_RUNNING = "common/another_exam_running.html"
# Credit requirement namespaces that never gate an exam.
_NON_GATING_NAMESPACES = ["grade"]


def get_student_view(user_id, course_id, content_id, context, user_role="student"):
    """The interstitial HTML for the learner's state on this exam, or None to show the exam content.

    Only learners get interstitials (staff previewing a course see the content). An exam the host has
    not registered yet is created from the context (``display_name``, ``default_time_limit_mins``...);
    an inactive exam, a non-proctored practice exam, and practice/onboarding/proctored exams of a course
    that has ended show the content.
    """
    if user_role != "student":
        return None
    exam = _find_or_create_exam(course_id=course_id, content_id=content_id, context=context)
    if exam is None:
        return None
    provider = get_backend_provider(exam)
    kind = _exam_kind(exam=exam, provider=provider, context=context)
    if kind is None:
        return None

    attempt = get_current_exam_attempt(exam["id"], user_id)
    prerequisites = _prerequisites(exam=exam, context=context) if kind is ExamKind.PROCTORED and attempt is None else {}
    state = _learner_state(
        kind=kind,
        exam=exam,
        attempt=attempt,
        user_id=user_id,
        provider=provider,
        context=context,
        prerequisites=prerequisites,
    )
    page = _DECISIONS[kind](state)
    if page.decline_attempt:
        _create_and_decline_attempt(exam["id"], user_id)
        return None
    if page.template is None and attempt is not None:
        paused_page = _paused_page(exam=exam, attempt=attempt)
        if paused_page is not None:
            return paused_page
    if page.template is None:
        return None
    running = _other_running_exam_blocking(page=page, exam=exam, user_id=user_id)
    if running is not None:
        return render_to_string(_ANOTHER_EXAM_RUNNING, running)
    if page.option_presented:
        emit_event(exam, "option-presented")

    template_context = dict(context)
    template_context.update(
        _page_context(
            kind=kind,
            page=page,
            exam=exam,
            attempt=attempt,
            user_id=user_id,
            course_id=course_id,
            provider=provider,
            state=state,
        )
    )
    if kind is ExamKind.PROCTORED and attempt is None:
        template_context.update(contexts.prerequisites_context(exam=exam, prerequisite_status=prerequisites))
    return render_to_string(page.template, template_context)


def _paused_page(*, exam: dict, attempt: dict) -> str | None:
    """While staff paused a running attempt, or the learner is on a break, the exam content is not shown:
    a page says so, with the time that waits for them (frozen while the clock is stopped)."""
    current_time = now()
    clock = clock_of(attempt)
    if not Status.is_in_progress_status(attempt["status"]) or not clock.is_stopped(at=current_time):
        return None
    remaining_minutes = int(get_time_remaining_for_attempt(attempt) // 60)
    return render_to_string(
        "common/paused.html",
        {
            "exam_name": exam["exam_name"],
            "exam_id": exam["id"],
            "attempt_id": attempt["id"],
            "on_break": clock.is_on_break(at=current_time),
            "paused_by_tool": _paused_by(attempt_id=attempt["id"]) == Actor.tool,
            "time_remaining": humanized_time(remaining_minutes),
        },
    )


def _paused_by(*, attempt_id: int) -> str | None:
    """Who made the attempt's latest pause (an `Actor` value): the learner is told who will resume it."""
    return (
        ProctoredExamTimeAdjustment.objects.filter(attempt_id=attempt_id, kind=TimeAdjustmentKind.pause)
        .order_by("-id")
        .values_list("actor_kind", flat=True)
        .first()
    )


def _other_running_exam_blocking(*, page: Page, exam: dict, user_id: int) -> dict | None:
    """The context of the "finish your other exam first" page when this page would offer a start while
    another exam of the course runs (see `attempts.running`), else None."""
    if page.template not in _PAGES_OFFERING_A_START:
        return None
    running = other_running_attempt(user_id=user_id, course_id=exam["course_id"], exam_id=exam["id"])
    if running is None:
        return None
    running_exam = running["proctored_exam"]
    return {
        "exam_id": exam["id"],
        "exam_display_name": exam["exam_name"],
        "course_id": exam["course_id"],
        "running_exam_id": running_exam["id"],
        "running_exam_name": running_exam["exam_name"],
        "running_exam_url": get_exam_url(running_exam["course_id"], running_exam["content_id"], False),
    }


def _find_or_create_exam(*, course_id, content_id, context: dict) -> dict | None:
    """The exam as a dict with the host's due date, created from the context on first view; None when inactive.

    The due date of the returned dict is the context's (None without one); the stored row keeps its own.
    """
    course_id, content_id = str(course_id), str(content_id)
    try:
        exam = get_exam_by_content_id(course_id, content_id)
    except ProctoredExamNotFoundException:
        create_exam(
            course_id=course_id,
            content_id=content_id,
            exam_name=context["display_name"],
            time_limit_mins=context["default_time_limit_mins"],
            is_proctored=context.get("is_proctored", False),
            is_practice_exam=context.get("is_practice_exam", False),
            due_date=context.get("due_date"),
            hide_after_due=context.get("hide_after_due", False),
        )
        exam = get_exam_by_content_id(course_id, content_id)
    if not exam["is_active"]:
        return None
    exam["due_date"] = context.get("due_date")
    return exam


def _exam_kind(*, exam: dict, provider, context: dict) -> ExamKind | None:
    """The exam's kind; None when its content shows as is (a practice exam without proctoring, or a
    proctored kind once the course has ended)."""
    kind = kind_of(exam, provider=provider)
    if kind is ExamKind.TIMED:
        return kind
    if kind is ExamKind.UNPROCTORED_PRACTICE:
        return None
    if has_due_date_passed((context.get("credit_state") or {}).get("course_end_date")):
        return None
    return kind


def _prerequisites(*, exam: dict, context: dict) -> dict:
    credit_state = context.get("credit_state") or {}
    return _are_prerequirements_satisfied(
        credit_state.get("credit_requirement_status") or [],
        evaluate_for_requirement_name=exam["content_id"],
        filter_out_namespaces=_NON_GATING_NAMESPACES,
    )


def _wait_deadline(*, exam: dict, user_id: int, context: dict) -> str | None:
    """The end of the grace period after the due date (ISO text) while it is still ahead, else None."""
    scratch = {"grace_period": context.get("grace_period")}
    verify_and_add_wait_deadline(scratch, exam, user_id)
    return scratch.get("wait_deadline")


def _learner_state(
    *,
    kind: ExamKind,
    exam: dict,
    attempt: dict | None,
    user_id: int,
    provider,
    context: dict,
    prerequisites: dict,
) -> LearnerState:
    status = attempt["status"] if attempt else None
    past_due = is_exam_passed_due(exam, user_id)
    wait_deadline = _wait_deadline(exam=exam, user_id=user_id, context=context)
    ready_to_resume = bool(attempt and is_attempt_ready_to_resume(attempt))
    if kind is ExamKind.TIMED:
        return LearnerState(
            status=status,
            past_due=past_due,
            hide_after_due=exam["hide_after_due"],
            wait_deadline=wait_deadline,
            ready_to_resume=ready_to_resume,
        )
    user = get_user_model().objects.filter(id=user_id).first()
    return LearnerState(
        status=status,
        past_due=past_due,
        past_due_for_everyone=is_exam_passed_due(exam) if kind is ExamKind.PROCTORED else past_due,
        hide_after_due=exam["hide_after_due"],
        wait_deadline=wait_deadline,
        may_take_proctored_exam=bool(user and user.has_perm("edx_proctoring.can_take_proctored_exam", exam)),
        user_is_active=bool(user and user.is_active),
        ready_to_resume=ready_to_resume,
        blocks_exam_material=bool(provider and provider.should_block_access_to_exam_material()),
        status_acknowledged=bool(attempt and attempt.get("is_status_acknowledged")),
        content_viewable_past_due=config.content_viewable_past_due(),
        prerequisites=prerequisites,
    )


def _page_context(
    *,
    kind: ExamKind,
    page: Page,
    exam: dict,
    attempt: dict | None,
    user_id: int,
    course_id,
    provider,
    state: LearnerState,
) -> dict:
    wait_deadline = state.wait_deadline if page.show_wait_deadline else None
    course_id = str(course_id)
    if kind is ExamKind.TIMED:
        return contexts.timed_exam_context(
            exam=exam, attempt=attempt, user_id=user_id, course_id=course_id, wait_deadline=wait_deadline
        )
    page_context = contexts.proctored_exam_context(
        exam=exam,
        attempt=attempt,
        user_id=user_id,
        course_id=course_id,
        provider=provider,
        is_practice_exam=kind in PRACTICE_KINDS,
        wait_deadline=wait_deadline,
    )
    if page.onboarding_error:
        page_context.update(contexts.onboarding_error_context(course_id=course_id, status=state.status))
    return page_context
