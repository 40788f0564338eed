"""The one-line status of a learner on a special exam, shown as a badge in course outlines.

`get_attempt_status_summary` is called for every exam of a course outline, so it reads a small,
fixed number of rows: the exam, the learner (proctored exams only, for the permission check) and
the learner's current attempt.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy

from edx_proctoring.exam_kinds import PRACTICE_KINDS, UNPROCTORED_KINDS, kind_of
from edx_proctoring.exams import serialize_exam
from edx_proctoring.models import ProctoredExam, ProctoredExamStudentAttempt
from edx_proctoring.runtime import get_runtime_service
from edx_proctoring.statuses import ProctoredExamStudentAttemptStatus as Status

log = logging.getLogger(__name__)

_DEFAULT = "_default"


def _entry(short_description, suggested_icon: str, in_completed_state: bool) -> dict:
    return {
        "short_description": short_description,
        "suggested_icon": suggested_icon,
        "in_completed_state": in_completed_state,
    }


# Badges of proctored (graded) exams, by attempt status.
STATUS_SUMMARY_MAP = {
    _DEFAULT: _entry(gettext_lazy("Taking As Proctored Exam"), "fa-pencil-square-o", False),
    Status.eligible: _entry(gettext_lazy("Proctored Option Available"), "fa-pencil-square-o", False),
    Status.declined: _entry(gettext_lazy("Taking As Open Exam"), "fa-pencil-square-o", False),
    Status.submitted: _entry(gettext_lazy("Pending Session Review"), "fa-spinner fa-spin", True),
    Status.second_review_required: _entry(gettext_lazy("Pending Session Review"), "fa-spinner fa-spin", True),
    Status.verified: _entry(gettext_lazy("Passed Proctoring"), "fa-check", True),
    Status.rejected: _entry(gettext_lazy("Failed Proctoring"), "fa-exclamation-triangle", True),
    Status.error: _entry(gettext_lazy("Failed Proctoring"), "fa-exclamation-triangle", True),
    Status.expired: _entry(gettext_lazy("Proctored Option No Longer Available"), "fa-times-circle", False),
}

# Badges of practice and onboarding exams, by attempt status.
PRACTICE_STATUS_SUMMARY_MAP = {
    _DEFAULT: _entry(gettext_lazy("Ungraded Practice Exam"), "", False),
    Status.submitted: _entry(gettext_lazy("Practice Exam Completed"), "fa-check", True),
    Status.error: _entry(gettext_lazy("Practice Exam Failed"), "fa-exclamation-triangle", True),
}

# The badge of timed exams, whatever the attempt.
TIMED_EXAM_STATUS_SUMMARY_MAP = {
    _DEFAULT: _entry(gettext_lazy("Timed Exam"), "fa-clock-o", False),
}


def _rendered(entry: dict) -> dict:
    """A copy of a map entry with its description translated in the active language."""
    return dict(entry, short_description=str(entry["short_description"]))


def _has_course_ended(*, credit_state: dict | None) -> bool:
    course_end_date = (credit_state or {}).get("course_end_date")
    if not course_end_date:
        return False
    if course_end_date.tzinfo is None:
        course_end_date = course_end_date.replace(tzinfo=UTC)
    return course_end_date <= datetime.now(UTC)


def _may_take_proctored_exam(*, user_id, exam: dict) -> bool:
    user = get_user_model().objects.filter(id=user_id).first()
    return user is not None and user.has_perm("edx_proctoring.can_take_proctored_exam", exam)


def get_attempt_status_summary(user_id, course_id, content_id):
    """The learner's badge for the exam at `content_id`, or None (no such exam, or not for this learner).

    The result is ``{status, short_description, suggested_icon, in_completed_state}``; timed exams get
    no ``status``.
    """
    exam_obj = ProctoredExam.get_exam_by_content_id(course_id, content_id)
    if exam_obj is None:
        log.info("No exam for %s in course %s: no status summary", content_id, course_id)
        return None
    kind = kind_of(exam_obj)
    if kind in UNPROCTORED_KINDS:
        return _rendered(TIMED_EXAM_STATUS_SUMMARY_MAP[_DEFAULT])

    is_practice = kind in PRACTICE_KINDS
    credit_state = None
    if not is_practice:
        credit_service = get_runtime_service("credit")
        if credit_service is not None:
            credit_state = credit_service.get_credit_state(user_id, str(course_id), return_course_info=True)
            if not _may_take_proctored_exam(user_id=user_id, exam=serialize_exam(exam_obj)):
                return None

    attempt = ProctoredExamStudentAttempt.objects.get_current_exam_attempt(exam_obj.id, user_id)
    if attempt is not None:
        status = attempt.status
    elif not is_practice and _has_course_ended(credit_state=credit_state):
        status = Status.expired
    else:
        status = Status.eligible

    summary_map = PRACTICE_STATUS_SUMMARY_MAP if is_practice else STATUS_SUMMARY_MAP
    return {"status": status, **_rendered(summary_map.get(status, summary_map[_DEFAULT]))}
