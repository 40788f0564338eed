"""The instructor dashboard's lists, filtered, grouped and paginated in SQL.

Each list costs a fixed number of queries whatever the page size or the number of attempts in the course.
"""

from __future__ import annotations

from collections import defaultdict

from django.db.models import Max, Q

from edx_proctoring.http.pagination import PAGE_SIZE, page_number, total_pages
from edx_proctoring.models import ProctoredExamStudentAllowance, ProctoredExamStudentAttempt
from edx_proctoring.serializers import (
    ProctoredExamStudentAllowanceSerializer,
    ProctoredExamStudentAttemptSerializer,
)


def _serialize_many(attempts) -> list[dict]:
    return [dict(item) for item in ProctoredExamStudentAttemptSerializer(attempts, many=True).data]


def _course_attempts(course_id: str, search_by: str | None):
    attempts = ProctoredExamStudentAttempt.objects.filter(proctored_exam__course_id=course_id)
    if search_by:
        attempts = attempts.filter(Q(user__username__contains=search_by) | Q(user__email__contains=search_by))
    return attempts


def grouped_attempts_page(*, course_id: str, search_by: str | None = None, page=None, per_page: int = PAGE_SIZE):
    """One page of the course's newest attempt per (learner, exam), newest first, each with `all_attempts`.

    Three queries: the number of groups, the page of newest attempts (one per group: the highest id of the
    group), and every attempt of the page's (learner, exam) pairs.
    """
    newest_ids = (
        _course_attempts(course_id, search_by)
        .order_by()
        .values("user_id", "proctored_exam_id")
        .annotate(newest=Max("id"))
        .values("newest")
    )
    newest = ProctoredExamStudentAttempt.objects.filter(id__in=newest_ids)
    count = newest.count()
    pages = total_pages(count, per_page=per_page)
    number = page_number(page, total_pages=pages)
    offset = (number - 1) * per_page
    rows = list(newest.select_related("proctored_exam", "user").order_by("-created", "-id")[offset : offset + per_page])
    history: dict[tuple[int, int], list] = defaultdict(list)
    if rows:
        pairs = Q()
        for row in rows:
            pairs |= Q(user_id=row.user_id, proctored_exam_id=row.proctored_exam_id)
        attempts = list(
            ProctoredExamStudentAttempt.objects.filter(pairs)
            .select_related("proctored_exam", "user")
            .order_by("-created", "-id")
        )
        # One serializer for the whole list: building a serializer per row costs more than the queries.
        for attempt, data in zip(attempts, _serialize_many(attempts), strict=True):
            history[(attempt.user_id, attempt.proctored_exam_id)].append(data)
    results = []
    for row, entry in zip(rows, _serialize_many(rows), strict=True):
        entry["all_attempts"] = history[(row.user_id, row.proctored_exam_id)]
        results.append(entry)
    pagination = {
        "has_previous": number > 1,
        "has_next": number < pages,
        "current_page": number,
        "total_pages": pages,
    }
    return results, pagination


def course_allowances(course_id: str) -> list[dict]:
    """Every allowance on the course's exams, serialized, in one query."""
    allowances = (
        ProctoredExamStudentAllowance.objects.filter(proctored_exam__course_id=course_id)
        .select_related("user", "proctored_exam")
        .order_by("id")
    )
    return list(ProctoredExamStudentAllowanceSerializer(allowances, many=True).data)


def course_allowances_by_username(course_id: str) -> dict[str, list[dict]]:
    grouped: dict[str, list[dict]] = {}
    for allowance in course_allowances(course_id):
        grouped.setdefault(allowance["user"]["username"], []).append(allowance)
    return grouped
