"""What a learner's timer and the Learning MFE read about one exam: the exam with the learner's attempt on it,
and the learner's active attempt (on this exam or another) for the timer bar.

The readers in `selectors.timer` never write; an attempt whose time ran out is timed out here, by the
explicit `attempts.expiry` step, before its payload is built.
"""

from __future__ import annotations

from edx_proctoring.attempts.expiry import expire_if_overdue
from edx_proctoring.attempts.getters import get_exam_attempt_by_id
from edx_proctoring.attempts.payload import build_timer_payload
from edx_proctoring.attempts.time_adjustments import break_allowance_minutes
from edx_proctoring.backends import get_backend_provider
from edx_proctoring.exam_kinds import ExamKind, kind_of
from edx_proctoring.exams import get_exam_by_id, get_exam_type
from edx_proctoring.exceptions import StudentExamAttemptDoesNotExistsException
from edx_proctoring.onboarding import get_onboarding_exam_link
from edx_proctoring.prerequisites import check_prerequisites
from edx_proctoring.selectors import timer
from edx_proctoring.statuses import ProctoredExamStudentAttemptStatus as Status
from edx_proctoring.timing import allowed_minutes_for, calculate_allowed_mins, humanized_time, is_exam_passed_due


def learner_exam_view(*, user, course_id: str, content_id: str | None, is_learning_mfe: bool) -> dict:
    """``{"exam": ..., "active_attempt": ...}`` for the learner; without `content_id`, the active attempt only.

    The exam carries the learner's attempt on it (its timer payload, ``{}`` before the first attempt, when the
    allowed time and, for a proctored exam, the credit prerequisites are worked out), its type, and whether
    it is past the learner's due date. A paused attempt, or one on a break, is no active attempt for the
    Learning MFE: it has no clock to count down.
    """
    if not content_id:
        payload = active_timer_payload(user_id=user.id, is_learning_mfe=is_learning_mfe)
        return {"exam": {}, "active_attempt": payload or {}}
    view = timer.load_exam_view(user=user, course_id=course_id, content_id=content_id)
    _expire_overdue(view)
    active_payload = _active_payload(view=view, is_learning_mfe=is_learning_mfe)
    active_exam = view.active["proctored_exam"] if view.active is not None else None
    if active_exam and active_exam["course_id"] == course_id and active_exam["content_id"] == content_id:
        exam = dict(active_exam)
        exam["attempt"] = active_payload
    elif view.exam is None:
        exam = {}
    else:
        exam = dict(view.exam)
        exam["attempt"] = _attempt_on(exam=exam, view=view, user=user, is_learning_mfe=is_learning_mfe)
    if exam:
        exam["type"] = get_exam_type(exam, get_backend_provider(exam))["type"]
        exam["passed_due_date"] = is_exam_passed_due(exam, user=user)
        exam["use_legacy_attempt_api"] = True
    if is_learning_mfe and timer.is_clock_stopped(active_payload):
        active_payload = {}
    return {"exam": exam, "active_attempt": active_payload}


def get_exam_attempt_data(exam_id, attempt_id, is_learning_mfe=False):
    """The timer payload of an attempt (see `attempts.payload.build_timer_payload`), timed out first if overdue."""
    exam = get_exam_by_id(exam_id)
    attempt = get_exam_attempt_by_id(attempt_id)
    if attempt is None:
        raise StudentExamAttemptDoesNotExistsException(f"Attempt {attempt_id} does not exist.")
    return build_timer_payload(
        exam=exam,
        attempt=attempt,
        is_learning_mfe=is_learning_mfe,
        fallback_total_minutes=lambda: calculate_allowed_mins(exam, attempt["user"]["id"]),
        break_minutes=lambda: break_allowance_minutes(exam_id=exam["id"], user_id=attempt["user"]["id"]),
    )


def active_timer_payload(*, user_id: int, is_learning_mfe: bool = False) -> dict | None:
    """The timer payload of the learner's active attempt (timed out first if its time ran out), or None.

    None also for the Learning MFE when the attempt is paused or on a break: it has no clock to count down.
    """
    found = timer.active_attempt_row(user_id)
    if found is None:
        return None
    attempt, row = found
    attempt = expire_if_overdue(attempt)
    payload = timer.timer_payload(
        exam=attempt["proctored_exam"],
        attempt=attempt,
        is_learning_mfe=is_learning_mfe,
        extra_minutes=row.extra_minutes,
        break_minutes=row.break_minutes,
    )
    if is_learning_mfe and timer.is_clock_stopped(payload):
        return None
    return payload


def _expire_overdue(view: timer.ExamView) -> None:
    """Time out the view's attempts whose time ran out (the read leaves that to us), reading them again."""
    same = view.current is not None and view.active is not None and view.current["id"] == view.active["id"]
    view.active = expire_if_overdue(view.active)
    view.current = view.active if same else expire_if_overdue(view.current)


def _active_payload(*, view: timer.ExamView, is_learning_mfe: bool) -> dict:
    if view.active is None:
        return {}
    return timer.timer_payload(
        exam=view.active["proctored_exam"],
        attempt=view.active,
        is_learning_mfe=is_learning_mfe,
        break_minutes=view.break_minutes.get(view.active["proctored_exam"]["id"]),
        is_current=False,
    )


def _attempt_on(*, exam: dict, view: timer.ExamView, user, is_learning_mfe: bool) -> dict:
    """The timer payload of the learner's attempt on `exam` (not their active one); fills in `exam` on the way."""
    if view.current is None:
        exam["total_time"] = humanized_time(
            allowed_minutes_for(exam=exam, user_id=user.id, resume_seconds=None, extra_minutes=view.extra_minutes)
        )
        if kind_of(exam) is ExamKind.PROCTORED:
            check_prerequisites(exam, user.id)
        return {}
    payload = timer.timer_payload(
        exam=exam,
        attempt=view.current,
        is_learning_mfe=is_learning_mfe,
        extra_minutes=view.extra_minutes,
        break_minutes=view.break_minutes.get(exam["id"]),
    )
    if exam["is_proctored"] and view.current["status"] in Status.onboarding_errors:
        exam["onboarding_link"] = get_onboarding_exam_link(exam["course_id"], user, is_learning_mfe)
    return payload
