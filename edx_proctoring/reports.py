"""Course-wide reports for staff and the credit workflow.

Each report reads a constant number of queries whatever the size of the course.
"""

from __future__ import annotations

import logging

from django.db.models import Prefetch

from edx_proctoring.models import (
    ProctoredExam,
    ProctoredExamSoftwareSecureComment,
    ProctoredExamSoftwareSecureReview,
    ProctoredExamStudentAttempt,
)
from edx_proctoring.runtime import get_runtime_service

log = logging.getLogger(__name__)

_COMMENTS = "proctoredexamsoftwaresecurecomment_set"


def get_last_exam_completion_date(course_id, username):
    """When the learner completed their last proctored exam of the course, once all of them are completed.

    None while any proctored (non-practice) exam of the course has no completed proctored attempt.
    """
    attempts = list(ProctoredExamStudentAttempt.objects.get_proctored_exam_attempts(course_id, username))
    proctored_exam_count = ProctoredExam.get_all_exams_for_course(course_id, proctored_exams_only=True).count()
    all_completed = all(attempt.completed_at for attempt in attempts)
    if attempts and len(attempts) == proctored_exam_count and all_completed:
        return max(attempt.completed_at for attempt in attempts)
    return None


def _attempt_row(attempt: ProctoredExamStudentAttempt) -> dict:
    exam = attempt.proctored_exam
    user = attempt.user
    return {
        "course_id": exam.course_id,
        "exam_name": exam.exam_name,
        "username": user.username,
        "email": user.email,
        "attempt_code": attempt.attempt_code,
        "allowed_time_limit_mins": attempt.allowed_time_limit_mins,
        "is_sample_attempt": attempt.is_sample_attempt,
        "started_at": attempt.started_at,
        "completed_at": attempt.completed_at,
        "status": attempt.status,
        "review_status": None,
        "provider": exam.backend,
        "user_id": user.id,
    }


def _merge_review(*, row: dict, review: ProctoredExamSoftwareSecureReview) -> None:
    row["review_status"] = review.review_status
    for comment in getattr(review, _COMMENTS).all():
        row.setdefault(f"{comment.status} Comments", []).append(comment.comment)


def get_exam_violation_report(course_id, include_practice_exams=False):
    """One row per attempt of the course, with the vendor's verdict and comments merged in.

    Only reviews of practice exams (when `include_practice_exams`) or only reviews of graded exams
    (otherwise) are merged. Rows are sorted by exam name. Three queries, whatever the course size.
    """
    attempts = ProctoredExamStudentAttempt.objects.get_all_exam_attempts(course_id).select_related(
        "proctored_exam", "user"
    )
    rows_by_code: dict[str | None, dict] = {}
    for attempt in attempts:
        rows_by_code[attempt.attempt_code] = _attempt_row(attempt)

    reviews = ProctoredExamSoftwareSecureReview.objects.filter(
        exam__course_id=course_id, exam__is_practice_exam=include_practice_exams
    ).prefetch_related(Prefetch(_COMMENTS, queryset=ProctoredExamSoftwareSecureComment.objects.order_by("id")))
    for review in reviews:
        row = rows_by_code.get(review.attempt_code)
        if row is not None:
            _merge_review(row=row, review=review)

    return sorted(rows_by_code.values(), key=lambda row: row["exam_name"])


def get_enrollments_can_take_proctored_exams(course_id, text_search=None):
    """The course's enrollments whose track allows proctored exams, from the host (empty without it)."""
    service = get_runtime_service("enrollments")
    if service is None:
        log.warning("No enrollments service: cannot list learners of %s who may take proctored exams", course_id)
        return []
    return service.get_enrollments_can_take_proctored_exams(course_id, text_search=text_search)
