"""The course allowances list of the instructor dashboard, whole or a page at a time.

A course of 100,000 learners has thousands of allowances, each answered with its learner and its exam
nested. Serializing every row through DRF's nested serializers costs about a millisecond per ten rows, so
the rows are built from one ``values_list`` query instead: each exam of the course is recorded once by
``records.exam_record`` (so the nested exam is exactly what it was) and copied into its rows, and the dates
are written by ``records.date_writer``. The answer is the same, field for field, as
``ProctoredExamStudentAllowanceSerializer(many=True)``.
"""

from __future__ import annotations

from django.db import connection
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


def _page_ids(*, exam_ids: list[int], descending: bool, limit: int, offset: int) -> list[int]:
    """Ids of a window of the course's allowances ordered by (learner id, exam id, key, id).

    One sub-select per exam reads that exam's allowances in (learner, key) order from the (exam, user, key)
    index, stopping after `offset + limit` rows; the sub-selects are merged and the window is cut from the
    merge. A window at either end of the list touches about a page of rows per exam whatever the course
    size, with no join to the users and no sort of the whole course.
    """
    quote = connection.ops.quote_name
    table = quote(ProctoredExamStudentAllowance._meta.db_table)
    key = quote("key")  # a reserved word on MySQL / MariaDB
    way = "DESC" if descending else "ASC"
    per_exam, params = [], []
    for index, exam_id in enumerate(exam_ids):
        # (user, exam, key) is unique, so the id never breaks a tie here: it only keeps the inner order
        # written as the outer one.
        per_exam.append(
            f"SELECT * FROM (SELECT a.id, a.user_id, a.proctored_exam_id, a.{key} FROM {table} a"
            f" WHERE a.proctored_exam_id = %s ORDER BY a.user_id {way}, a.{key} {way}, a.id {way} LIMIT %s)"
            f" exam_{index}"
        )
        params += [exam_id, offset + limit]
    sql = (
        f"SELECT id FROM ({' UNION ALL '.join(per_exam)}) page"
        f" ORDER BY user_id {way}, proctored_exam_id {way}, {key} {way}, id {way} LIMIT %s OFFSET %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, limit, offset])
        return [pk for (pk,) in cursor.fetchall()]


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
        from_end = count - offset - size
        descending = from_end < offset
        ids = _page_ids(
            exam_ids=list(exams), descending=descending, limit=size, offset=from_end if descending else offset
        )
        if descending:
            ids.reverse()
        by_id = {row["id"]: row for row in _rows(allowances.filter(id__in=ids), exams)}
        results = [by_id[pk] for pk in ids if pk in by_id]
    return {
        "count": count,
        "num_pages": pages,
        "current_page": number,
        "page_size": page_size,
        "results": results,
    }
