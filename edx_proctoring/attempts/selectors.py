"""Reading attempts: single-attempt getters (which expire a timed-out attempt on read) and lists."""

from __future__ import annotations

from edx_proctoring.attempts.actions import Actor
from edx_proctoring.attempts.lifecycle import perform_action
from edx_proctoring.attempts.serialization import serialize_attempt
from edx_proctoring.models import ProctoredExamStudentAllowance, ProctoredExamStudentAttempt
from edx_proctoring.models.lookups import as_id
from edx_proctoring.serializers import ProctoredExamSerializer, ProctoredExamStudentAllowanceSerializer
from edx_proctoring.timing import attempt_deadline, has_attempt_timed_out

_ATTEMPT_RELATIONS = ("proctored_exam", "user", "time_state")


def _check_for_attempt_timeout(attempt: dict | None) -> dict | None:
    """Submit an attempt whose time ran out (as of its deadline, not now) and return it re-read."""
    if attempt is None or not has_attempt_timed_out(attempt):
        return attempt
    perform_action(
        action="time_out", actor=Actor.system, attempt_id=attempt["id"], timeout_timestamp=attempt_deadline(attempt)
    )
    refreshed = ProctoredExamStudentAttempt.objects.select_related(*_ATTEMPT_RELATIONS).get(id=attempt["id"])
    return serialize_attempt(refreshed)


def _get_exam_attempt(attempt_obj) -> dict | None:
    if attempt_obj is None:
        return None
    return _check_for_attempt_timeout(serialize_attempt(attempt_obj))


def _attempts():
    return ProctoredExamStudentAttempt.objects.select_related(*_ATTEMPT_RELATIONS)


def get_current_exam_attempt(exam_id, user_id):
    return _get_exam_attempt(
        _attempts().filter(proctored_exam_id=as_id(exam_id), user_id=as_id(user_id)).order_by("-created", "-id").first()
    )


def get_exam_attempt_by_id(attempt_id):
    return _get_exam_attempt(_attempts().filter(id=as_id(attempt_id)).first())


def get_exam_attempt_by_external_id(external_id):
    return _get_exam_attempt(_attempts().filter(external_id=external_id).order_by("-created", "-id").first())


def get_exam_attempt_by_code(attempt_code):
    return _get_exam_attempt(_attempts().filter(attempt_code=attempt_code).order_by("-created", "-id").first())


def get_all_exam_attempts(course_id):
    return [
        serialize_attempt(a)
        for a in _attempts().filter(proctored_exam__course_id=course_id).order_by("-created", "-id")
    ]


def get_filtered_exam_attempts(course_id, search_by):
    attempts = ProctoredExamStudentAttempt.objects.get_filtered_exam_attempts(course_id, search_by)
    return [serialize_attempt(a) for a in attempts.select_related(*_ATTEMPT_RELATIONS)]


def get_user_attempts_by_exam_id(user_id, exam_id):
    attempts = ProctoredExamStudentAttempt.objects.get_user_attempts_by_exam_id(user_id, exam_id)
    return [serialize_attempt(a) for a in attempts.select_related(*_ATTEMPT_RELATIONS)]


def get_active_exams_for_user(user_id, course_id=None):
    """The learner's started or ready-to-submit attempts, each with its exam and the learner's allowances on it."""
    attempts = list(
        ProctoredExamStudentAttempt.objects.get_active_student_attempts(user_id, course_id).select_related(
            *_ATTEMPT_RELATIONS
        )
    )
    exam_ids = {attempt.proctored_exam_id for attempt in attempts}
    allowances_by_exam: dict[int, list] = {}
    if exam_ids:
        allowances = ProctoredExamStudentAllowance.objects.filter(
            user_id=user_id, proctored_exam_id__in=exam_ids
        ).select_related("proctored_exam", "user")
        for allowance in allowances:
            allowances_by_exam.setdefault(allowance.proctored_exam_id, []).append(
                ProctoredExamStudentAllowanceSerializer(allowance).data
            )
    return [
        {
            "exam": ProctoredExamSerializer(attempt.proctored_exam).data,
            "attempt": serialize_attempt(attempt),
            "allowances": allowances_by_exam.get(attempt.proctored_exam_id, []),
        }
        for attempt in attempts
    ]


def is_attempt_ready_to_resume(attempt):
    """For a serialized attempt: staff allowed it to resume and it has not been resumed yet."""
    return bool(attempt["ready_to_resume"] and not attempt["resumed"])


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
