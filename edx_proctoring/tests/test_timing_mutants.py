"""Time rules pinned to the second: the boundaries `make mutate` found unguarded in edx_proctoring.timing.

Each test names the rule it pins: when an attempt expires (strictly after its deadline, not at it), a due
date already past leaves 0 minutes, only the course's `end` date from edx-when counts as the course end,
and the other edges of the rules (ISO strings, missing values, keys that do not parse).
"""

import time
from datetime import UTC, datetime, timedelta, timezone

import pytest
import time_machine
from django.core.cache import cache
from edx_django_utils.cache import RequestCache
from edx_when import api as when_api
from opaque_keys import InvalidKeyError
from opaque_keys.edx.keys import CourseKey

from edx_proctoring import timing
from edx_proctoring.attempts.serialization import serialize_attempt
from edx_proctoring.exams import serialize_exam
from edx_proctoring.tests.factories import (
    AttemptFactory,
    PracticeExamFactory,
    ProctoredExamFactory,
    TimedExamFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def frozen_clock():
    with time_machine.travel(NOW, tick=False):
        yield


def publish_dates(course_id, items):
    """Publish dates the way Studio does, then drop edx-when's cached copy of the course's dates."""
    when_api.set_dates_for_course(CourseKey.from_string(course_id), items)
    cache.clear()
    RequestCache.clear_all_namespaces()


def course_block(course_id):
    return CourseKey.from_string(course_id).make_usage_key("course", "course")


def exam_block(exam):
    """Give the exam a real usage key in its course so that edx-when can hold a date for it."""
    key = CourseKey.from_string(exam.course_id).make_usage_key("sequential", f"exam{exam.id}")
    exam.content_id = str(key)
    exam.save()
    return key


def started_attempt(minutes_ago, allowed, status="started"):
    return serialize_attempt(
        AttemptFactory(status=status, started_at=NOW - timedelta(minutes=minutes_ago), allowed_time_limit_mins=allowed)
    )


def allowed(exam, *, resume_seconds=None, extra_minutes=None):
    return timing.allowed_minutes_for(
        exam=serialize_exam(exam), user_id=UserFactory().id, resume_seconds=resume_seconds, extra_minutes=extra_minutes
    )


# Expiry, to the second.


def test_an_attempt_has_not_timed_out_at_the_exact_second_of_its_deadline_and_has_one_second_later():
    attempt = started_attempt(minutes_ago=60, allowed=60)
    assert timing.attempt_deadline(attempt) == NOW
    assert not timing.has_attempt_timed_out(attempt)
    assert not timing.does_time_remain(attempt)
    assert timing.get_time_remaining_for_attempt(attempt) == 0
    with time_machine.travel(NOW + timedelta(seconds=1), tick=False):
        assert timing.has_attempt_timed_out(attempt)
    with time_machine.travel(NOW - timedelta(seconds=1), tick=False):
        assert timing.does_time_remain(attempt)
        assert timing.get_time_remaining_for_attempt(attempt) == 1


def test_no_time_remains_half_a_second_after_the_deadline_never_a_negative_amount():
    attempt = started_attempt(minutes_ago=60, allowed=60)
    with time_machine.travel(NOW + timedelta(milliseconds=500), tick=False):
        assert timing.get_time_remaining_for_attempt(attempt) == 0
    with time_machine.travel(NOW - timedelta(milliseconds=500), tick=False):
        assert timing.get_time_remaining_for_attempt(attempt) == 0.5


def test_a_deadline_even_one_minute_past_the_end_of_the_calendar_is_the_end_of_the_calendar():
    last_minute = datetime.max.replace(tzinfo=UTC) - timedelta(seconds=30)
    assert timing.deadline_of(started_at=last_minute, allowed_minutes=1) == timing.LATEST_DEADLINE
    first_minute = datetime.min.replace(tzinfo=UTC) + timedelta(seconds=30)
    assert timing.deadline_of(started_at=first_minute, allowed_minutes=-1) == timing.EARLIEST_DEADLINE


def test_stored_minutes_are_bounded_both_ways_by_the_largest_storable_number():
    far_future = datetime(9000, 1, 1, tzinfo=UTC)
    bound = timedelta(minutes=timing.MAX_ALLOWED_MINUTES)
    assert timing.deadline_of(started_at=far_future, allowed_minutes=-(2**40)) == far_future - bound
    assert timing.deadline_of(started_at=NOW, allowed_minutes=2**40) == NOW + bound


def test_a_finished_or_unstarted_attempt_never_times_out_nor_has_time_left():
    submitted = started_attempt(minutes_ago=120, allowed=60, status="submitted")
    assert not timing.has_attempt_timed_out(submitted)
    running_but_submitted = started_attempt(minutes_ago=1, allowed=60, status="submitted")
    assert not timing.does_time_remain(running_but_submitted)
    not_started = serialize_attempt(AttemptFactory(status="created"))
    assert timing.attempt_deadline(not_started) is None
    assert not timing.has_attempt_timed_out(not_started)
    assert not timing.does_time_remain(not_started)


def test_the_deadline_is_the_start_plus_the_allowed_minutes_and_no_allowance_means_the_start_itself():
    started_at = NOW - timedelta(hours=1)
    assert timing.deadline_of(started_at=started_at, allowed_minutes=90) == started_at + timedelta(minutes=90)
    assert timing.deadline_of(started_at=started_at, allowed_minutes=None) == started_at
    assert timing.deadline_of(started_at=started_at, allowed_minutes=0) == started_at


def test_the_deadline_reads_an_iso_start_time_ending_in_z():
    attempt = {"started_at": "2026-06-01T11:30:00Z", "allowed_time_limit_mins": 45, "status": "started"}
    assert timing.attempt_deadline(attempt) == NOW + timedelta(minutes=15)
    assert timing.get_time_remaining_for_attempt(attempt) == 15 * 60


# Allowed minutes against the due date.


def test_a_due_date_already_past_leaves_zero_minutes_whatever_the_limit_and_allowance():
    exam = ProctoredExamFactory(time_limit_mins=60, due_date=NOW - timedelta(minutes=30))
    assert allowed(exam) == 0
    assert allowed(exam, extra_minutes=45) == 0
    assert allowed(exam, resume_seconds=600) == 0


def test_a_due_date_seconds_ago_still_leaves_zero_minutes():
    exam = ProctoredExamFactory(time_limit_mins=60, due_date=NOW - timedelta(seconds=20))
    assert allowed(exam) == 0


def test_the_allowed_minutes_are_cut_to_the_whole_minutes_left_before_the_due_date():
    exam = ProctoredExamFactory(time_limit_mins=60, due_date=NOW + timedelta(minutes=59, seconds=59))
    assert allowed(exam) == 59
    exact = ProctoredExamFactory(time_limit_mins=60, due_date=NOW + timedelta(minutes=60))
    assert allowed(exact) == 60
    later = ProctoredExamFactory(time_limit_mins=60, due_date=NOW + timedelta(minutes=61))
    assert allowed(later, extra_minutes=30) == 61


def test_a_due_date_far_ahead_leaves_the_limit_unchanged():
    exam = ProctoredExamFactory(time_limit_mins=60, due_date=NOW + timedelta(days=7))
    assert allowed(exam) == 60
    assert allowed(exam, extra_minutes=30) == 90


def test_a_resumed_attempt_gets_its_whole_saved_minutes_and_a_fresh_one_the_limit_plus_allowance():
    exam = ProctoredExamFactory(time_limit_mins=60, due_date=None)
    assert allowed(exam, resume_seconds=659) == 10
    assert allowed(exam, resume_seconds=660) == 11
    assert allowed(exam, resume_seconds=659, extra_minutes=45) == 10
    assert allowed(exam, extra_minutes=45) == 105
    assert allowed(exam) == 60


def test_a_learner_who_has_not_started_gets_the_limit_plus_their_allowance_from_the_database():
    exam, user = ProctoredExamFactory(time_limit_mins=30, due_date=None), UserFactory()
    assert timing.calculate_allowed_mins(serialize_exam(exam), user.id) == 30


# Due dates and the course end from edx-when.


def test_the_course_end_is_the_end_date_not_another_date_edx_when_holds_for_the_course():
    exam = TimedExamFactory(due_date=None)
    block = exam_block(exam)
    end = NOW + timedelta(days=30)
    publish_dates(
        exam.course_id,
        [
            (course_block(exam.course_id), {"start": NOW - timedelta(days=30), "end": end}),
            (block, {"due": NOW - timedelta(days=1)}),
        ],
    )
    assert timing.get_course_end_date(exam.course_id) == end
    assert not timing.has_end_date_passed(exam.course_id)


def test_a_course_with_only_due_and_start_dates_has_no_end_date():
    exam = TimedExamFactory(due_date=None)
    publish_dates(
        exam.course_id,
        [
            (exam_block(exam), {"due": NOW - timedelta(days=1)}),
            (course_block(exam.course_id), {"start": NOW - timedelta(days=30)}),
        ],
    )
    assert timing.get_course_end_date(exam.course_id) is None
    assert not timing.is_exam_passed_due(serialize_exam(TimedExamFactory(due_date=None)))


def test_a_course_whose_dates_hold_no_end_has_no_end_date():
    exam = TimedExamFactory(due_date=None)
    publish_dates(exam.course_id, [(course_block(exam.course_id), {"start": NOW - timedelta(days=30)})])
    assert timing.get_course_end_date(exam.course_id) is None
    assert not timing.has_end_date_passed(exam.course_id)


def test_a_course_id_that_does_not_parse_has_no_end_date():
    assert timing.get_course_end_date("not a course key") is None
    assert not timing.has_end_date_passed("not a course key")


def test_an_end_date_with_an_offset_is_returned_as_the_same_moment_in_utc(monkeypatch):
    plus_two = datetime(2026, 7, 1, 14, 0, tzinfo=timezone(timedelta(hours=2)))
    monkeypatch.setattr(when_api, "get_dates_for_course", lambda course_id: {("course", "end"): plus_two})
    end = timing.get_course_end_date("course-v1:edX+Proctoring+2026")
    assert end == datetime(2026, 7, 1, 12, 0, tzinfo=UTC)
    assert end.utcoffset() == timedelta(0)


def test_a_naive_end_date_is_read_as_utc_whatever_the_server_time_zone(monkeypatch):
    naive = datetime(2026, 7, 1, 12, 0)
    monkeypatch.setattr(when_api, "get_dates_for_course", lambda course_id: {("course", "end"): naive})
    monkeypatch.setenv("TZ", "Asia/Tokyo")
    time.tzset()
    try:
        assert timing.get_course_end_date("course-v1:edX+Proctoring+2026") == datetime(2026, 7, 1, 12, 0, tzinfo=UTC)
    finally:
        monkeypatch.undo()
        time.tzset()


def test_an_exam_without_a_date_in_edx_when_keeps_its_own_due_date_as_an_aware_datetime():
    exam = ProctoredExamFactory(due_date=NOW + timedelta(days=2))
    assert timing.get_exam_due_date(serialize_exam(exam)) == NOW + timedelta(days=2)
    assert timing.get_exam_due_date({"course_id": exam.course_id, "content_id": exam.content_id}) is None


def test_an_edx_when_that_rejects_the_keys_falls_back_to_the_exams_own_due_date(monkeypatch):
    def rejects(*args, **kwargs):
        raise InvalidKeyError(CourseKey, "not a key")

    monkeypatch.setattr(when_api, "get_date_for_block", rejects)
    exam = ProctoredExamFactory(due_date=NOW + timedelta(days=2))
    assert timing.get_exam_due_date(serialize_exam(exam)) == NOW + timedelta(days=2)


def test_a_due_date_given_as_an_iso_string_is_past_from_its_exact_second():
    assert timing.has_due_date_passed("2026-06-01T12:00:00Z")
    assert timing.has_due_date_passed(NOW)
    assert not timing.has_due_date_passed("2026-06-01T12:00:01+00:00")
    assert not timing.has_due_date_passed(None)


def test_a_timed_exam_with_a_due_date_ahead_is_not_past_due_even_after_the_course_ended():
    exam = TimedExamFactory(due_date=NOW + timedelta(days=1))
    publish_dates(exam.course_id, [(course_block(exam.course_id), {"end": NOW - timedelta(days=1)})])
    assert not timing.is_exam_passed_due(serialize_exam(exam))


def test_only_a_timed_exam_falls_back_to_the_course_end_not_a_practice_or_proctored_one():
    timed = TimedExamFactory(due_date=None)
    practice = PracticeExamFactory(due_date=None)
    timed_practice = TimedExamFactory(due_date=None, is_practice_exam=True)
    publish_dates(timed.course_id, [(course_block(timed.course_id), {"end": NOW - timedelta(days=1)})])
    assert timing.is_exam_passed_due(serialize_exam(timed))
    assert not timing.is_exam_passed_due(serialize_exam(practice))
    assert not timing.is_exam_passed_due(serialize_exam(timed_practice))


def test_a_timed_exam_without_due_date_in_a_course_still_running_is_not_past_due():
    exam = TimedExamFactory(due_date=None)
    publish_dates(exam.course_id, [(course_block(exam.course_id), {"end": NOW + timedelta(seconds=1)})])
    assert not timing.is_exam_passed_due(serialize_exam(exam))


# The wait deadline (due date + grace period).


def test_the_wait_deadline_is_set_only_while_it_is_strictly_ahead():
    at_now = ProctoredExamFactory(due_date=NOW - timedelta(hours=2))
    context = {"grace_period": timedelta(hours=2)}
    assert not timing.verify_and_add_wait_deadline(context, serialize_exam(at_now), UserFactory().id)
    assert "wait_deadline" not in context
    ahead = ProctoredExamFactory(due_date=NOW - timedelta(hours=2) + timedelta(seconds=1))
    assert timing.verify_and_add_wait_deadline(context, serialize_exam(ahead), UserFactory().id)
    assert context["wait_deadline"] == (NOW + timedelta(seconds=1)).isoformat()


def test_no_wait_deadline_without_a_grace_period_or_without_a_due_date():
    with_due = serialize_exam(ProctoredExamFactory(due_date=NOW + timedelta(hours=1)))
    without_due = serialize_exam(ProctoredExamFactory(due_date=None))
    context = {}
    assert not timing.verify_and_add_wait_deadline(context, with_due, UserFactory().id)
    context = {"grace_period": None}
    assert not timing.verify_and_add_wait_deadline(context, with_due, UserFactory().id)
    context = {"grace_period": timedelta(hours=1)}
    assert not timing.verify_and_add_wait_deadline(context, without_due, UserFactory().id)
    assert context == {"grace_period": timedelta(hours=1)}


def test_the_clock_is_aware_utc():
    assert timing.now() == NOW
    assert timing.now().utcoffset() == timedelta(0)
