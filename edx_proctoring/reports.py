"""Course-wide reports for staff and the credit workflow.

Each report reads a constant number of queries whatever the size of the course.
"""

from __future__ import annotations

import contextlib
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


# The report's columns, read as tuples so that no model instance (nor dict) is built per attempt.
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
        .values_list(*_ATTEMPT_COLUMNS)
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


def _unbuffered_rows(*, queryset, connection, chunk_size: int) -> Iterator[tuple]:
    """The rows of a values_list() queryset, as the ORM gives them, read from MySQL/MariaDB as they come.

    mysqlclient's ordinary cursor holds a query's whole result on the client before the first row is read,
    whatever the ORM's chunk size; an unbuffered cursor (mysql_use_result) leaves the rows on the server
    until fetched. The query is the queryset's own SQL, its rows go through the queryset's own converters
    (aware datetimes under USE_TZ, booleans), and the cursor is Django's wrapper around it, so it is logged
    and counted like any other query on `connection`. Until the last row is read (or the iterator closed),
    the server is busy streaming: no other query may run on `connection`.
    """
    query = queryset.query
    compiler = query.get_compiler(connection=connection)
    try:
        sql, params = compiler.as_sql()
    except EmptyResultSet:
        return
    # Imported here: both need mysqlclient, which only MySQL deployments install.
    import MySQLdb
    from django.db.backends.mysql.base import CursorWrapper as MySQLCursorWrapper
    from MySQLdb.cursors import SSCursor

    connection.ensure_connection()
    with connection.wrap_database_errors:
        cursor = connection._prepare_cursor(MySQLCursorWrapper(connection.connection.cursor(SSCursor)))
    try:
        cursor.execute(sql, params)
        chunks = iter(lambda: cursor.fetchmany(chunk_size), ())
        yield from compiler.results_iter(results=chunks, tuple_expected=True)
    finally:
        # Closing reads and drops whatever rows are left, so that the connection can be used again. On a
        # connection already lost that fails too: the error that ended the stream is the one to see.
        with contextlib.suppress(MySQLdb.Error):
            cursor.close()


def _report_rows(*, course_id: str, by_id: dict[int, dict], attempts, comments) -> Iterator[dict]:
    """The report's rows from the attempts and the comments, both in report order, merged as they come."""
    pending = next(comments, None)
    # Unpacked in _ATTEMPT_COLUMNS' order.
    for (
        attempt_id,
        exam_id,
        user_id,
        username,
        email,
        code,
        minutes,
        sample,
        started,
        completed,
        status,
        verdict,
    ) in attempts:
        exam = by_id[exam_id]
        row = {
            "course_id": course_id,
            "exam_name": exam["exam_name"],
            "username": username,
            "email": email,
            "attempt_code": code,
            "allowed_time_limit_mins": minutes,
            "is_sample_attempt": sample,
            "started_at": started,
            "completed_at": completed,
            "status": status,
            "review_status": verdict,
            "provider": exam["backend"],
            "user_id": user_id,
        }
        while pending is not None and pending[0] == attempt_id:
            _attempt_id, comment_status, text = pending
            row.setdefault(f"{comment_status} Comments", []).append(text)
            pending = next(comments, None)
        yield row


def iter_exam_violation_report(course_id: str, include_practice_exams: bool = False) -> Iterator[dict]:
    """The violation report's rows one at a time, in the report's order, in bounded memory.

    Three queries whatever the course size: the course's exams, then the merged reviews' comments and the
    attempts, both in the same order and merged as the attempts stream. Each row is the attempt's, as
    `get_exam_violation_report` describes.

    On MySQL/MariaDB both streams are read through unbuffered cursors, and one connection streams one
    result at a time: the attempts stream on the caller's connection, the comments on a second connection
    to the same database, opened for the report and closed with it. Under autocommit each of the queries
    sees what was committed when it ran, on one connection or two alike; inside a transaction only the
    caller's connection sees its uncommitted rows, so there the comments (a few per reviewed attempt) are
    read whole before the attempts stream instead. Either way, the caller must not query that database
    on its connection while iterating.
    """
    exams = list(
        ProctoredExam.objects.filter(course_id=course_id).values("id", "exam_name", "backend", "is_practice_exam")
    )
    if not exams:
        return
    by_id = {exam["id"]: exam for exam in exams}
    ranks = _exam_ranks(exams)
    reviews = _merged_reviews(exams=exams, include_practice_exams=include_practice_exams)
    comments = _report_comments(course_id=course_id, ranks=ranks, reviews=reviews)
    attempts = _report_attempts(course_id=course_id, ranks=ranks, reviews=reviews)
    connection = connections[attempts.db]
    if connection.vendor != "mysql":
        yield from _report_rows(
            course_id=course_id,
            by_id=by_id,
            attempts=attempts.iterator(chunk_size=_CHUNK),
            comments=comments.iterator(chunk_size=_CHUNK),
        )
        return
    attempt_rows = _unbuffered_rows(queryset=attempts, connection=connection, chunk_size=_CHUNK)
    side = None
    if connection.in_atomic_block or not connection.get_autocommit():
        comment_rows = iter(list(comments))
    else:
        side = connection.copy()
        comment_rows = _unbuffered_rows(queryset=comments, connection=side, chunk_size=_CHUNK)
    try:
        yield from _report_rows(course_id=course_id, by_id=by_id, attempts=attempt_rows, comments=comment_rows)
    finally:
        # Each stream drained and closed before the second connection goes, also when the caller stops early.
        attempt_rows.close()
        if side is not None:
            comment_rows.close()
            side.close()


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
