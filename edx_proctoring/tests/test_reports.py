"""Course-wide reports: last completion date, violation report, enrollments able to take proctored exams."""

import contextlib
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection, connections, transaction
from django.test.utils import CaptureQueriesContext

from edx_proctoring import reports, runtime
from edx_proctoring.models import ProctoredExamSoftwareSecureComment
from edx_proctoring.reports import (
    get_enrollments_can_take_proctored_exams,
    get_exam_violation_report,
    get_last_exam_completion_date,
    iter_exam_violation_report,
)
from edx_proctoring.statuses import ProctoredExamStudentAttemptStatus as Status
from edx_proctoring.tests.factories import (
    COURSE_ID,
    AttemptFactory,
    PracticeExamFactory,
    ProctoredExamFactory,
    ReviewFactory,
    TimedExamFactory,
    UserFactory,
)
from edx_proctoring.tests.test_services import MockEnrollment, MockEnrollmentsService

T0 = datetime(2026, 2, 1, 9, tzinfo=UTC)
OTHER_COURSE_ID = "course-v1:edX+Other+2026"

REPORT_KEYS = {
    "course_id",
    "exam_name",
    "username",
    "email",
    "attempt_code",
    "allowed_time_limit_mins",
    "is_sample_attempt",
    "started_at",
    "completed_at",
    "status",
    "review_status",
    "provider",
    "user_id",
}


def _completed(user, exam, at, **kwargs):
    return AttemptFactory(
        user=user,
        proctored_exam=exam,
        status=Status.submitted,
        started_at=at - timedelta(hours=1),
        completed_at=at,
        **kwargs,
    )


def _review(attempt, status="Rules Violation", comments=()):
    review = ReviewFactory(
        attempt_code=attempt.attempt_code, review_status=status, exam=attempt.proctored_exam, student=attempt.user
    )
    for position, (comment_status, text) in enumerate(comments):
        ProctoredExamSoftwareSecureComment.objects.create(
            review=review, start_time=position, stop_time=position + 1, duration=1, comment=text, status=comment_status
        )
    return review


# --- get_last_exam_completion_date ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_given_every_proctored_exam_completed_when_asked_then_latest_completion():
    user = UserFactory()
    first, second = ProctoredExamFactory(), ProctoredExamFactory()
    _completed(user, first, T0 + timedelta(days=3))
    _completed(user, second, T0)

    assert get_last_exam_completion_date(COURSE_ID, user.username) == T0 + timedelta(days=3)


@pytest.mark.django_db
def test_given_a_proctored_exam_without_attempt_when_asked_then_none():
    user = UserFactory()
    _completed(user, ProctoredExamFactory(), T0)
    ProctoredExamFactory()

    assert get_last_exam_completion_date(COURSE_ID, user.username) is None


@pytest.mark.django_db
def test_given_an_inactive_proctored_exam_without_attempt_when_asked_then_it_still_counts():
    user = UserFactory()
    _completed(user, ProctoredExamFactory(), T0)
    ProctoredExamFactory(is_active=False)

    assert get_last_exam_completion_date(COURSE_ID, user.username) is None


@pytest.mark.django_db
def test_given_an_attempt_not_completed_when_asked_then_none():
    user = UserFactory()
    _completed(user, ProctoredExamFactory(), T0)
    AttemptFactory(user=user, proctored_exam=ProctoredExamFactory(), status=Status.started, started_at=T0)

    assert get_last_exam_completion_date(COURSE_ID, user.username) is None


@pytest.mark.django_db
def test_given_no_attempts_and_no_proctored_exams_when_asked_then_none():
    assert get_last_exam_completion_date(COURSE_ID, UserFactory().username) is None


@pytest.mark.django_db
def test_given_practice_timed_and_open_attempts_when_asked_then_they_do_not_count():
    user = UserFactory()
    exam = ProctoredExamFactory()
    _completed(user, exam, T0)
    _completed(user, PracticeExamFactory(), T0 + timedelta(days=5))
    _completed(user, TimedExamFactory(), T0 + timedelta(days=6))
    _completed(user, ProctoredExamFactory(course_id=OTHER_COURSE_ID), T0 + timedelta(days=7))
    _completed(UserFactory(), exam, T0 + timedelta(days=8))

    assert get_last_exam_completion_date(COURSE_ID, user.username) == T0


@pytest.mark.django_db
def test_given_exam_taken_as_open_exam_when_asked_then_none():
    user = UserFactory()
    _completed(user, ProctoredExamFactory(), T0, taking_as_proctored=False)

    assert get_last_exam_completion_date(COURSE_ID, user.username) is None


# --- get_exam_violation_report -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_given_attempt_without_review_when_reported_then_row_has_every_key_and_no_review():
    user = UserFactory()
    attempt = _completed(user, ProctoredExamFactory(exam_name="Final"), T0, allowed_time_limit_mins=90)
    AttemptFactory(proctored_exam=ProctoredExamFactory(course_id=OTHER_COURSE_ID))

    report = get_exam_violation_report(COURSE_ID)

    assert report == [
        {
            "course_id": COURSE_ID,
            "exam_name": "Final",
            "username": user.username,
            "email": user.email,
            "attempt_code": attempt.attempt_code,
            "allowed_time_limit_mins": 90,
            "is_sample_attempt": False,
            "started_at": T0 - timedelta(hours=1),
            "completed_at": T0,
            "status": Status.submitted,
            "review_status": None,
            "provider": "test",
            "user_id": user.id,
        }
    ]


@pytest.mark.django_db
def test_given_graded_review_with_comments_when_reported_then_status_and_comments_are_merged():
    attempt = _completed(UserFactory(), ProctoredExamFactory(), T0)
    _review(
        attempt,
        status="Suspicious",
        comments=[("Rules Violation", "phone visible"), ("Suspicious", "left the room"), ("Rules Violation", "notes")],
    )

    (row,) = get_exam_violation_report(COURSE_ID)

    assert row["review_status"] == "Suspicious"
    assert row["Rules Violation Comments"] == ["phone visible", "notes"]
    assert row["Suspicious Comments"] == ["left the room"]
    assert set(row) == REPORT_KEYS | {"Rules Violation Comments", "Suspicious Comments"}


@pytest.mark.django_db
def test_given_graded_and_practice_reviews_when_reported_by_default_then_only_graded_reviews_are_merged():
    graded = _completed(UserFactory(), ProctoredExamFactory(exam_name="A graded"), T0)
    practice = _completed(UserFactory(), PracticeExamFactory(exam_name="B practice"), T0)
    _review(graded, status="Clean", comments=[("Clean", "fine")])
    _review(practice, status="Suspicious", comments=[("Suspicious", "odd")])

    graded_row, practice_row = get_exam_violation_report(COURSE_ID)

    assert (graded_row["attempt_code"], graded_row["review_status"]) == (graded.attempt_code, "Clean")
    assert graded_row["Clean Comments"] == ["fine"]
    assert (practice_row["attempt_code"], practice_row["review_status"]) == (practice.attempt_code, None)
    assert practice_row["is_sample_attempt"] is True
    assert "Suspicious Comments" not in practice_row


@pytest.mark.django_db
def test_given_graded_and_practice_reviews_when_reported_with_practice_then_only_practice_reviews_are_merged():
    graded = _completed(UserFactory(), ProctoredExamFactory(exam_name="A graded"), T0)
    practice = _completed(UserFactory(), PracticeExamFactory(exam_name="B practice"), T0)
    _review(graded, status="Clean")
    _review(practice, status="Suspicious", comments=[("Suspicious", "odd")])

    graded_row, practice_row = get_exam_violation_report(COURSE_ID, include_practice_exams=True)

    assert graded_row["review_status"] is None
    assert practice_row["review_status"] == "Suspicious"
    assert practice_row["Suspicious Comments"] == ["odd"]


@pytest.mark.django_db
def test_given_review_of_deleted_or_foreign_attempt_when_reported_then_it_is_ignored():
    attempt = _completed(UserFactory(), ProctoredExamFactory(), T0)
    ReviewFactory(exam=attempt.proctored_exam, review_status="Suspicious")  # its attempt no longer exists

    (row,) = get_exam_violation_report(COURSE_ID)

    assert row["review_status"] is None


@pytest.mark.django_db
def test_given_exams_with_different_names_when_reported_then_rows_are_sorted_by_exam_name():
    zulu, alpha, mike = (ProctoredExamFactory(exam_name=name) for name in ("Zulu", "Alpha", "Mike"))
    for exam in (zulu, alpha, mike, alpha):
        AttemptFactory(proctored_exam=exam)
    AttemptFactory(proctored_exam=TimedExamFactory(exam_name="Bravo"))

    report = get_exam_violation_report(COURSE_ID)

    assert [row["exam_name"] for row in report] == ["Alpha", "Alpha", "Bravo", "Mike", "Zulu"]
    assert report[2]["provider"] is None


@pytest.mark.django_db
def test_given_no_attempts_when_reported_then_empty():
    ProctoredExamFactory()

    assert get_exam_violation_report(COURSE_ID) == []


@pytest.mark.django_db
@pytest.mark.parametrize("attempt_count", [1, 30])
def test_given_any_number_of_reviewed_attempts_when_reported_then_three_queries(
    django_assert_num_queries, attempt_count
):
    exams = [ProctoredExamFactory(), ProctoredExamFactory()]
    for index in range(attempt_count):
        attempt = _completed(UserFactory(), exams[index % 2], T0)
        _review(attempt, comments=[("Rules Violation", f"v{index}"), ("Suspicious", f"s{index}")])

    # attempts with exams and users, reviews, comments
    with django_assert_num_queries(3):
        report = get_exam_violation_report(COURSE_ID)

    assert len(report) == attempt_count
    assert all(row["review_status"] == "Rules Violation" for row in report)
    assert all(len(row["Suspicious Comments"]) == 1 for row in report)


# --- get_enrollments_can_take_proctored_exams ---------------------------------------------------------------


@pytest.mark.django_db
def test_given_enrollments_service_when_listed_then_it_answers_with_the_search():
    alice, bob = UserFactory(username="alice"), UserFactory(username="bob")
    runtime.set_runtime_service(
        "enrollments",
        MockEnrollmentsService(enrollments=[MockEnrollment(alice, "verified"), MockEnrollment(bob, "masters")]),
    )

    everyone = get_enrollments_can_take_proctored_exams(COURSE_ID)
    found = get_enrollments_can_take_proctored_exams(COURSE_ID, text_search="bo")

    assert [(e.user, e.mode) for e in everyone] == [(alice, "verified"), (bob, "masters")]
    assert [e.user for e in found] == [bob]


def test_given_no_enrollments_service_when_listed_then_empty():
    assert list(get_enrollments_can_take_proctored_exams(COURSE_ID, text_search="x")) == []


def _reviewed_course(*, learners: int) -> list:
    """Two graded exams sharing a name and one other, each learner with a reviewed attempt on each."""
    exams = [
        ProctoredExamFactory(exam_name="Same"),
        ProctoredExamFactory(exam_name="Same"),
        TimedExamFactory(exam_name="Timed"),
    ]
    attempts = []
    for index in range(learners):
        user = UserFactory()
        for position, exam in enumerate(exams):
            attempt = _completed(user, exam, T0 + timedelta(minutes=index * 3 + position))
            _review(attempt, comments=[("Rules Violation", f"{index}-{position}-a"), ("Clean", f"{index}-{position}")])
            attempts.append(attempt)
    return attempts


@pytest.mark.django_db
def test_given_exams_sharing_a_name_when_reported_then_their_attempts_interleave_newest_first_with_their_comments():
    attempts = _reviewed_course(learners=3)

    report = get_exam_violation_report(COURSE_ID)

    same_name = sorted(
        (a for a in attempts if a.proctored_exam.exam_name == "Same"), key=lambda a: (a.created, a.id), reverse=True
    )
    assert [row["attempt_code"] for row in report[:6]] == [a.attempt_code for a in same_name]
    for row in report:
        attempt = next(a for a in attempts if a.attempt_code == row["attempt_code"])
        tag = f"{attempts.index(attempt) // 3}-{attempts.index(attempt) % 3}"
        assert row["Rules Violation Comments"] == [f"{tag}-a"]
        assert row["Clean Comments"] == [tag]


@pytest.mark.django_db
def test_given_a_reviewed_course_when_iterated_then_the_rows_are_the_reports_one_at_a_time():
    _reviewed_course(learners=4)

    rows = iter_exam_violation_report(COURSE_ID)

    assert iter(rows) is rows
    assert list(rows) == get_exam_violation_report(COURSE_ID)


@pytest.mark.django_db
@pytest.mark.parametrize("learners", [1, 25])
def test_given_any_number_of_reviewed_attempts_when_reported_then_three_queries_are_made(
    learners, django_assert_num_queries
):
    _reviewed_course(learners=learners)

    # The exams, the attempts with their verdicts, the comments: whatever the course size.
    with django_assert_num_queries(3):
        report = get_exam_violation_report(COURSE_ID)

    assert len(report) == 3 * learners


@pytest.mark.django_db
def test_given_a_course_without_exams_when_iterated_then_nothing_is_read_past_the_exams(django_assert_num_queries):
    with django_assert_num_queries(1):
        assert list(iter_exam_violation_report(COURSE_ID)) == []


@pytest.mark.django_db
def test_given_a_reviewed_course_when_iterated_then_values_are_typed_as_the_orm_gives_them():
    attempts = _reviewed_course(learners=2)

    rows = list(iter_exam_violation_report(COURSE_ID))

    by_code = {attempt.attempt_code: attempt for attempt in attempts}
    for row in rows:
        attempt = by_code[row["attempt_code"]]
        assert row["started_at"] == attempt.started_at and row["started_at"].utcoffset() == timedelta(0)
        assert row["completed_at"] == attempt.completed_at and row["completed_at"].tzinfo is not None
        assert row["is_sample_attempt"] is False
        assert row["user_id"] == attempt.user_id and row["allowed_time_limit_mins"] == attempt.allowed_time_limit_mins


needs_mysql = pytest.mark.skipif(
    connection.vendor != "mysql", reason="the unbuffered cursor is MySQL/MariaDB's (DB=mysql)"
)


@pytest.fixture
def unbuffered(monkeypatch):
    """What each MySQL unbuffered cursor did: its query, then how many rows each of its fetches returned."""
    from MySQLdb.cursors import SSCursor

    cursors: dict[int, list] = {}
    execute, fetchmany = SSCursor.execute, SSCursor.fetchmany

    def spying_execute(cursor, query, args=None):
        cursors[id(cursor)] = [query]
        return execute(cursor, query, args)

    def spying_fetchmany(cursor, size=None):
        rows = fetchmany(cursor, size)
        cursors[id(cursor)].append(len(rows))
        return rows

    monkeypatch.setattr(SSCursor, "execute", spying_execute)
    monkeypatch.setattr(SSCursor, "fetchmany", spying_fetchmany)
    return cursors


def _attempts_and_comments(cursors: dict) -> tuple[list, list]:
    """The fetch sizes of the attempts' cursor and of the comments' one (empty when it was not used)."""
    by_table = {"attempt": [], "comment": []}
    for query, *fetches in cursors.values():
        table = "comment" if "FROM `proctoring_proctoredexamstudentattemptcomment`" in query else "attempt"
        by_table[table] = fetches
    return by_table["attempt"], by_table["comment"]


@needs_mysql
@pytest.mark.django_db
def test_given_mysql_inside_a_transaction_when_iterated_then_attempts_stream_in_chunks_after_the_comments(
    monkeypatch, unbuffered
):
    _reviewed_course(learners=5)
    expected = get_exam_violation_report(COURSE_ID)
    unbuffered.clear()
    monkeypatch.setattr(reports, "_CHUNK", 4)

    with CaptureQueriesContext(connection) as queries:
        rows = iter_exam_violation_report(COURSE_ID)
        first = next(rows)

        # Only the first chunk of the 15 attempts has left the server; the 30 comments were read whole, and
        # on the caller's connection, which alone sees the transaction's rows.
        assert _attempts_and_comments(unbuffered) == ([4], [])
        assert len(queries) == 3

        rest = list(rows)

    assert [first, *rest] == expected
    assert _attempts_and_comments(unbuffered) == ([4, 4, 4, 3, 0], [])
    assert len(queries) == 3


@needs_mysql
@pytest.mark.django_db(transaction=True)
def test_given_mysql_in_autocommit_when_iterated_then_attempts_and_comments_both_stream_in_chunks(
    monkeypatch, unbuffered
):
    _reviewed_course(learners=5)
    with transaction.atomic():
        expected = get_exam_violation_report(COURSE_ID)
    unbuffered.clear()
    monkeypatch.setattr(reports, "_CHUNK", 4)
    second_connections = []
    copy = type(connections["default"]).copy

    def recording_copy(wrapper, alias=None):
        second_connections.append(copy(wrapper, alias))
        return second_connections[-1]

    monkeypatch.setattr(type(connections["default"]), "copy", recording_copy)

    with CaptureQueriesContext(connection) as queries:
        rows = iter_exam_violation_report(COURSE_ID)
        first = next(rows)

        # One chunk of each has left the server: the comments stream on a second connection.
        assert _attempts_and_comments(unbuffered) == ([4], [4])
        rest = list(rows)

    assert [first, *rest] == expected
    assert _attempts_and_comments(unbuffered) == ([4, 4, 4, 3, 0], [4, 4, 4, 4, 4, 4, 4, 2, 0])
    # The exams and the attempts on the caller's connection, the comments on the second one.
    assert len(queries) == 2
    assert len(second_connections) == 1 and second_connections[0].connection is None


@needs_mysql
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("in_transaction", [True, False])
def test_given_mysql_when_the_iteration_is_abandoned_then_the_connection_serves_the_next_query(
    monkeypatch, in_transaction
):
    _reviewed_course(learners=3)
    monkeypatch.setattr(reports, "_CHUNK", 2)

    with transaction.atomic() if in_transaction else contextlib.nullcontext():
        rows = iter_exam_violation_report(COURSE_ID)
        next(rows)

        rows.close()

        assert ProctoredExamSoftwareSecureComment.objects.count() == 18
        assert len(get_exam_violation_report(COURSE_ID)) == 9
