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
from edx_proctoring.selectors import exam_windows

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


# The page order: learner id, then exam, type and id, so one learner's allowances stay together. Each exam's
# part is read from the (exam, user, key) index; (user, exam, key) is unique, so the id never breaks a tie.
_PAGE_ORDER = ["user_id", "proctored_exam_id", "key", "id"]


def course_allowances_page(*, course_id: str, page, page_size: int = DEFAULT_PAGE_SIZE) -> dict:
    """A page of the course's allowances ordered by learner id (then exam, type and id), so one learner's
    allowances stay together.

    Four queries whatever the course size: the count, the exams, the page's ids and the page's rows (one
    query, the count, for a course without allowances). `page` is read as the other staff lists read it
    (missing or malformed -> 1, past the end -> the last page). Pages past the middle are read from the
    list's end and reversed, so the first and the last page cost the same; only middle pages read further.
    """
    allowances = _course_queryset(course_id)
    count = allowances.count()
    pages = total_pages(count, per_page=page_size)
    number = page_number(page, total_pages=pages)
    offset = (number - 1) * page_size
    size = max(min(page_size, count - offset), 0)
    results = []
    if size:
        exams = _serialized_exams(course_id)

        def read(*, from_end: bool, skip: int) -> list[tuple]:
            return exam_windows.merged_per_exam(
                table=ProctoredExamStudentAllowance._meta.db_table,
                columns=["id"],
                exam_ids=list(exams),
                order=_PAGE_ORDER,
                descending=from_end,
                limit=size,
                offset=skip,
            )

        ids = [pk for (pk,) in exam_windows.window_at_nearer_end(count=count, offset=offset, size=size, read=read)]
        by_id = {row["id"]: row for row in _rows(allowances.filter(id__in=ids), exams)}
        results = [by_id[pk] for pk in ids if pk in by_id]
    return {
        "count": count,
        "num_pages": pages,
        "current_page": number,
        "page_size": page_size,
        "results": results,
    }
