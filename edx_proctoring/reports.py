"""Course-wide reports for staff and the credit workflow.

Each report reads a constant number of queries whatever the size of the course.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import Case, IntegerField, OuterRef, Subquery, Value, When

from edx_proctoring.models import (
    ProctoredExam,
    ProctoredExamSoftwareSecureComment,
    ProctoredExamSoftwareSecureReview,
    ProctoredExamStudentAttempt,
)
from edx_proctoring.runtime import get_runtime_service

log = logging.getLogger(__name__)


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


# The report's columns, read with values() so that no model instance is built per attempt.
_ATTEMPT_COLUMNS = (
    "id",
    "proctored_exam_id",
    "user_id",
    "user__username",
    "user__email",
    "attempt_code",
    "allowed_time_limit_mins",
    "is_sample_attempt",
    "started_at",
    "completed_at",
    "status",
    "merged_review_status",
)
_CHUNK = 2000


def _exam_ranks(exams: list[dict]) -> dict[int, int]:
    """Each exam's place in the report: exams sorted by name as Python sorts strings (the report has always
    been sorted in Python, and the databases' collations disagree with it and with each other)."""
    names = sorted({exam["exam_name"] for exam in exams})
    place = {name: index for index, name in enumerate(names)}
    return {exam["id"]: place[exam["exam_name"]] for exam in exams}


def _exam_order(*, ranks: dict[int, int], column: str) -> Case:
    """The place in the report of the exam whose id `column` holds, as a SQL expression."""
    return Case(
        *(When(**{column: exam_id}, then=Value(rank)) for exam_id, rank in ranks.items()),
        default=Value(len(ranks)),
        output_field=IntegerField(),
    )


def _merged_reviews(*, exams: list[dict], include_practice_exams: bool):
    """The reviews whose verdict the report merges: those of the course's graded or practice exams."""
    exam_ids = [exam["id"] for exam in exams if exam["is_practice_exam"] == include_practice_exams]
    return ProctoredExamSoftwareSecureReview.objects.filter(exam_id__in=exam_ids)


def _report_attempts(*, course_id: str, ranks: dict[int, int], reviews):
    """The course's attempts in report order (exam name, then newest first), each with its merged verdict."""
    verdict = reviews.filter(attempt_code=OuterRef("attempt_code")).values("review_status")[:1]
    return (
        ProctoredExamStudentAttempt.objects.filter(proctored_exam__course_id=course_id)
        .annotate(
            exam_order=_exam_order(ranks=ranks, column="proctored_exam_id"),
            merged_review_status=Subquery(verdict),
        )
        .order_by("exam_order", "-created", "-id")
        .values(*_ATTEMPT_COLUMNS)
    )


def _report_comments(*, course_id: str, ranks: dict[int, int], reviews):
    """The comments of the merged reviews, in the order of the attempts they belong to (then as written).

    Each comment is tied to the newest attempt of the course with its review's attempt code, and sorted by
    that attempt's place in the report, so the comments can be merged into the attempt stream as it goes.
    """
    attempt = ProctoredExamStudentAttempt.objects.filter(
        proctored_exam__course_id=course_id, attempt_code=OuterRef("review__attempt_code")
    ).order_by("-created", "-id")
    return (
        ProctoredExamSoftwareSecureComment.objects.filter(review__in=reviews)
        .annotate(
            attempt_id=Subquery(attempt.values("id")[:1]),
            attempt_exam_id=Subquery(attempt.values("proctored_exam_id")[:1]),
            attempt_created=Subquery(attempt.values("created")[:1]),
        )
        .filter(attempt_id__isnull=False)
        .annotate(exam_order=_exam_order(ranks=ranks, column="attempt_exam_id"))
        .order_by("exam_order", "-attempt_created", "-attempt_id", "id")
        .values_list("attempt_id", "status", "comment")
    )


def _is_mysql(queryset) -> bool:
    return connections[queryset.db].vendor == "mysql"


def _unbuffered_values(*, queryset, chunk_size: int) -> Iterator[dict]:
    """The rows of a values() queryset, as the ORM gives them, read from MySQL/MariaDB as they come.

    mysqlclient's ordinary cursor holds a query's whole result on the client before the first row is read,
    whatever the ORM's chunk size; an unbuffered cursor (mysql_use_result) leaves the rows on the server
    until fetched. The query is the queryset's own SQL, its rows go through the queryset's own converters
    (aware datetimes under USE_TZ, booleans), and the cursor is Django's wrapper around it, so it runs in
    the caller's transaction and is logged and counted like any other query. Until the last row is read
    (or the iterator closed), the server is busy streaming: no other query may run on this connection.
    """
    connection = connections[queryset.db]
    query = queryset.query
    compiler = query.get_compiler(using=queryset.db)
    try:
        sql, params = compiler.as_sql()
    except EmptyResultSet:
        return
    # The same names, in the same order, as Django's ValuesIterable gives the columns.
    names = (
        list(query.selected)
        if query.selected
        else [*query.extra_select, *query.values_select, *query.annotation_select]
    )
    # Imported here: both need mysqlclient, which only MySQL deployments install.
    from django.db.backends.mysql.base import CursorWrapper as MySQLCursorWrapper
    from MySQLdb.cursors import SSCursor

    connection.ensure_connection()
    with connection.wrap_database_errors:
        cursor = connection._prepare_cursor(MySQLCursorWrapper(connection.connection.cursor(SSCursor)))
    try:
        cursor.execute(sql, params)
        chunks = iter(lambda: cursor.fetchmany(chunk_size), ())
        for row in compiler.results_iter(results=chunks):
            yield dict(zip(names, row, strict=True))
    finally:
        # Closing reads and drops whatever rows are left, so that the connection can be used again.
        cursor.close()


def _streamed(*, queryset, chunk_size: int) -> Iterator[dict]:
    if _is_mysql(queryset):
        return _unbuffered_values(queryset=queryset, chunk_size=chunk_size)
    return queryset.iterator(chunk_size=chunk_size)


def iter_exam_violation_report(course_id: str, include_practice_exams: bool = False) -> Iterator[dict]:
    """The violation report's rows one at a time, in the report's order, in bounded memory.

    Three queries whatever the course size: the course's exams, then the merged reviews' comments and the
    attempts, both in the same order and merged as the attempts stream. Each row is the attempt's, as
    `get_exam_violation_report` describes. On MySQL/MariaDB the attempts come through an unbuffered cursor
    on the caller's connection (so in the caller's transaction), which admits one open result at a time:
    there the comments, a few per reviewed attempt, are read whole (as tuples) before the attempts, and
    the caller must not query that database while iterating.
    """
    exams = list(
        ProctoredExam.objects.filter(course_id=course_id).values("id", "exam_name", "backend", "is_practice_exam")
    )
    if not exams:
        return
    by_id = {exam["id"]: exam for exam in exams}
    ranks = _exam_ranks(exams)
    reviews = _merged_reviews(exams=exams, include_practice_exams=include_practice_exams)
    comment_rows = _report_comments(course_id=course_id, ranks=ranks, reviews=reviews)
    # A list on MySQL: its result must be read whole before the attempts' unbuffered one is opened.
    comments = iter(list(comment_rows)) if _is_mysql(comment_rows) else comment_rows.iterator(chunk_size=_CHUNK)
    pending = next(comments, None)
    attempts = _report_attempts(course_id=course_id, ranks=ranks, reviews=reviews)
    for attempt in _streamed(queryset=attempts, chunk_size=_CHUNK):
        exam = by_id[attempt["proctored_exam_id"]]
        row = {
            "course_id": course_id,
            "exam_name": exam["exam_name"],
            "username": attempt["user__username"],
            "email": attempt["user__email"],
            "attempt_code": attempt["attempt_code"],
            "allowed_time_limit_mins": attempt["allowed_time_limit_mins"],
            "is_sample_attempt": attempt["is_sample_attempt"],
            "started_at": attempt["started_at"],
            "completed_at": attempt["completed_at"],
            "status": attempt["status"],
            "review_status": attempt["merged_review_status"],
            "provider": exam["backend"],
            "user_id": attempt["user_id"],
        }
        while pending is not None and pending[0] == attempt["id"]:
            _attempt_id, status, text = pending
            row.setdefault(f"{status} Comments", []).append(text)
            pending = next(comments, None)
        yield row


def get_exam_violation_report(course_id, include_practice_exams=False):
    """One row per attempt of the course, with the vendor's verdict and comments merged in.

    Only reviews of practice exams (when `include_practice_exams`) or only reviews of graded exams
    (otherwise) are merged. Rows are sorted by exam name, newest attempt first within an exam. Three
    queries, whatever the course size; `iter_exam_violation_report` gives the same rows without holding
    them all.
    """
    return list(iter_exam_violation_report(course_id, include_practice_exams))


def get_enrollments_can_take_proctored_exams(course_id, text_search=None):
    """The course's enrollments whose track allows proctored exams, from the host (empty without it)."""
    service = get_runtime_service("enrollments")
    if service is None:
        log.warning("No enrollments service: cannot list learners of %s who may take proctored exams", course_id)
        return []
    return service.get_enrollments_can_take_proctored_exams(course_id, text_search=text_search)
