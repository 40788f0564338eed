"""The public getters of attempts. The single-attempt ones time an overdue attempt out as they read it.

The interface says so: an attempt whose time ran out is submitted when it is read, so the timer poll and
the pages, which read through these, never show a running clock past its deadline. That step is
`attempts.expiry.expire_if_overdue`; the lists below read only. Constant-query readers for the pages
(timer, staff lists, onboarding panel) are in the top-level `selectors` package.
"""

from __future__ import annotations

from edx_proctoring.attempts.expiry import expire_if_overdue
from edx_proctoring.attempts.serialization import ATTEMPT_RELATIONS, attempt_rows, serialize_attempt
from edx_proctoring.models import ProctoredExamStudentAllowance, ProctoredExamStudentAttempt
from edx_proctoring.models.lookups import as_id
from edx_proctoring.records import allowance_record, exam_record

# Historic private name (6.1.x api), kept for callers that reach it there.
_check_for_attempt_timeout = expire_if_overdue


def _get_exam_attempt(attempt_obj) -> dict | None:
    if attempt_obj is None:
        return None
    return expire_if_overdue(serialize_attempt(attempt_obj))


def get_current_exam_attempt(exam_id, user_id):
    rows = attempt_rows().filter(proctored_exam_id=as_id(exam_id), user_id=as_id(user_id))
    return _get_exam_attempt(rows.order_by("-created", "-id").first())


def get_exam_attempt_by_id(attempt_id):
    return _get_exam_attempt(attempt_rows().filter(id=as_id(attempt_id)).first())


def get_exam_attempt_by_external_id(external_id):
    return _get_exam_attempt(attempt_rows().filter(external_id=external_id).order_by("-created", "-id").first())


def get_exam_attempt_by_code(attempt_code):
    return _get_exam_attempt(attempt_rows().filter(attempt_code=attempt_code).order_by("-created", "-id").first())


def get_all_exam_attempts(course_id):
    return [
        serialize_attempt(a)
        for a in attempt_rows().filter(proctored_exam__course_id=course_id).order_by("-created", "-id")
    ]


def get_filtered_exam_attempts(course_id, search_by):
    attempts = ProctoredExamStudentAttempt.objects.get_filtered_exam_attempts(course_id, search_by)
    return [serialize_attempt(a) for a in attempts.select_related(*ATTEMPT_RELATIONS)]


def get_user_attempts_by_exam_id(user_id, exam_id):
    attempts = ProctoredExamStudentAttempt.objects.get_user_attempts_by_exam_id(user_id, exam_id)
    return [serialize_attempt(a) for a in attempts.select_related(*ATTEMPT_RELATIONS)]


def get_active_exams_for_user(user_id, course_id=None):
    """The learner's started or ready-to-submit attempts, each with its exam and the learner's allowances on it."""
    attempts = list(
        ProctoredExamStudentAttempt.objects.get_active_student_attempts(user_id, course_id).select_related(
            *ATTEMPT_RELATIONS
        )
    )
    exam_ids = {attempt.proctored_exam_id for attempt in attempts}
    allowances_by_exam: dict[int, list] = {}
    if exam_ids:
        allowances = ProctoredExamStudentAllowance.objects.filter(
            user_id=user_id, proctored_exam_id__in=exam_ids
        ).select_related("proctored_exam", "user")
        for allowance in allowances:
            allowances_by_exam.setdefault(allowance.proctored_exam_id, []).append(allowance_record(allowance=allowance))
    return [
        {
            "exam": exam_record(exam=attempt.proctored_exam),
            "attempt": serialize_attempt(attempt),
            "allowances": allowances_by_exam.get(attempt.proctored_exam_id, []),
        }
        for attempt in attempts
    ]


def is_attempt_in_resume_process(attempt_obj):
    """For an attempt row: it is ready to resume or already resumed."""
    return bool(attempt_obj.ready_to_resume or attempt_obj.resumed)


def locate_attempt_by_attempt_code(attempt_code):
    """(attempt, is_archived): the live attempt with this code, else its last recorded version, else (None, None)."""
    attempt = ProctoredExamStudentAttempt.objects.get_exam_attempt_by_code(attempt_code)
    if attempt is not None:
        return attempt, False
    archived = ProctoredExamStudentAttempt.get_historic_attempt_by_code(attempt_code)
    if archived is not None:
        return archived, True
    return None, None
