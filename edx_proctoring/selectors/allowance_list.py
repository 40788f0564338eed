"""The course allowances list of the instructor dashboard, whole or a page at a time.

A course of 100,000 learners has thousands of allowances, each answered with its learner and its exam
nested. Serializing every row through DRF's nested serializers costs about a millisecond per ten rows, so
the rows are built from one ``values_list`` query instead: each exam of the course is recorded once by
``records.exam_record`` (so the nested exam is exactly what it was) and copied into its rows, and the dates
are written by ``records.date_writer``. The answer is the same, field for field, as
``ProctoredExamStudentAllowanceSerializer(many=True)``.
"""

from __future__ import annotations

from django.db.models import QuerySet

from edx_proctoring.http.pagination import page_number, total_pages
from edx_proctoring.models import ProctoredExam, ProctoredExamStudentAllowance
from edx_proctoring.records import date_writer, exam_record

DEFAULT_PAGE_SIZE = 25
MAX_PAGE_SIZE = 200

_COLUMNS = (
    "id",
    "created",
    "modified",
    "user_id",
    "user__username",
    "user__email",
    "key",
    "value",
    "proctored_exam_id",
)


def _serialized_exams(course_id: str) -> dict[int, dict]:
    exams = ProctoredExam.objects.filter(course_id=course_id).order_by("id")
    return {exam.id: exam_record(exam=exam) for exam in exams}


def _rows(allowances: QuerySet, exams: dict[int, dict]) -> list[dict]:
    # Dates written as the allowance serializer writes them (one format and zone for the whole list).
    when = date_writer()
    rows = []
    for pk, created, modified, user_id, username, email, key, value, exam_id in allowances.values_list(*_COLUMNS):
        rows.append(
            {
                "id": pk,
                "created": when(created),
                "modified": when(modified),
                "user": {"id": user_id, "username": username, "email": email},
                "key": key,
                "value": value,
                # A copy per row: callers of the Python API may change one row without touching the others.
                "proctored_exam": dict(exams[exam_id]),
            }
        )
    return rows


def _course_queryset(course_id: str) -> QuerySet:
    return ProctoredExamStudentAllowance.objects.filter(proctored_exam__course_id=course_id)


def course_allowances(*, course_id: str) -> list[dict]:
    """Every allowance on the course's exams, in id order (two queries: the exams, the allowances)."""
    exams = _serialized_exams(course_id)
    return _rows(_course_queryset(course_id).order_by("id"), exams)


def course_allowances_page(*, course_id: str, page, page_size: int = DEFAULT_PAGE_SIZE) -> dict:
    """A page of the course's allowances ordered by learner, so one learner's allowances stay together.

    Three queries whatever the course size: the count, the exams and the page. `page` is read as the other
    staff lists read it (missing or malformed -> 1, past the end -> the last page).
    """
    allowances = _course_queryset(course_id)
    count = allowances.count()
    pages = total_pages(count, per_page=page_size)
    number = page_number(page, total_pages=pages)
    start = (number - 1) * page_size
    window = allowances.order_by("user__username", "user_id", "proctored_exam_id", "key", "id")[
        start : start + page_size
    ]
    return {
        "count": count,
        "num_pages": pages,
        "current_page": number,
        "page_size": page_size,
        "results": _rows(window, _serialized_exams(course_id)) if count else [],
    }
