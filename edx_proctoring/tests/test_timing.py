"""Time rules: allowed minutes, due dates, course end, remaining time, wait deadlines."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core.cache import cache
from edx_django_utils.cache import RequestCache
from edx_when import api as when_api
from opaque_keys.edx.keys import CourseKey

from edx_proctoring.attempts.serialization import serialize_attempt
from edx_proctoring.exams import serialize_exam
from edx_proctoring.tests.factories import (
    AllowanceFactory,
    AttemptFactory,
    ProctoredExamFactory,
    TimedExamFactory,
    UserFactory,
)
from edx_proctoring.timing import (
    allowed_minutes_for,
    attempt_deadline,
    calculate_allowed_mins,
    deadline_of,
    does_time_remain,
    get_exam_due_date,
    get_time_remaining_for_attempt,
    has_attempt_timed_out,
    humanized_time,
    is_exam_passed_due,
    verify_and_add_wait_deadline,
)

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def frozen_clock():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.mark.parametrize(
    ("minutes", "text"),
    [
        (0, "0 minutes"),
        (1, "1 minute"),
        (59, "59 minutes"),
        (60, "1 hour"),
        (61, "1 hour and 1 minute"),
        (90, "1 hour and 30 minutes"),
        (120, "2 hours"),
        (121, "2 hours and 1 minute"),
        (-1, "error"),
    ],
)
def test_humanized_time(minutes, text):
    assert humanized_time(minutes) == text


def set_dates_for_course(course_key, items):
    """Publish dates the way Studio does; edx-when caches a course's dates, so drop the cached copy."""
    when_api.set_dates_for_course(course_key, items)
    cache.clear()
    RequestCache.clear_all_namespaces()


def test_allowed_minutes_add_the_extra_time_allowance():
    exam, user = ProctoredExamFactory(time_limit_mins=60), UserFactory()
    assert calculate_allowed_mins(serialize_exam(exam), user.id) == 60
    AllowanceFactory(user=user, proctored_exam=exam, value="45")
    assert calculate_allowed_mins(serialize_exam(exam), user.id) == 105


def test_allowed_minutes_never_run_past_the_due_date():
    exam, user = (
        ProctoredExamFactory(time_limit_mins=60, due_date=NOW + timedelta(minutes=25, seconds=30)),
        UserFactory(),
    )
    AllowanceFactory(user=user, proctored_exam=exam, value="45")
    assert calculate_allowed_mins(serialize_exam(exam), user.id) == 25


def test_allowed_minutes_of_a_resumed_attempt_are_its_saved_time_without_allowances_again():
    exam, user = ProctoredExamFactory(time_limit_mins=60), UserFactory()
    AllowanceFactory(user=user, proctored_exam=exam, value="45")
    AttemptFactory(user=user, proctored_exam=exam, time_remaining_seconds=659)
    assert calculate_allowed_mins(serialize_exam(exam), user.id) == 10


def test_due_date_comes_from_edx_when_before_the_exam_row():
    exam = ProctoredExamFactory(due_date=NOW + timedelta(days=3))
    assert get_exam_due_date(serialize_exam(exam)) == NOW + timedelta(days=3)
    course_key = CourseKey.from_string(exam.course_id)
    block_key = course_key.make_usage_key("sequential", exam.content_id.split("@")[-1])
    exam.content_id = str(block_key)
    exam.save()
    set_dates_for_course(course_key, [(block_key, {"due": NOW + timedelta(days=1)})])
    assert get_exam_due_date(serialize_exam(exam)) == NOW + timedelta(days=1)


def test_exam_is_past_due_at_its_due_date():
    assert is_exam_passed_due(serialize_exam(ProctoredExamFactory(due_date=NOW)))
    assert not is_exam_passed_due(serialize_exam(ProctoredExamFactory(due_date=NOW + timedelta(seconds=1))))
    assert not is_exam_passed_due(serialize_exam(ProctoredExamFactory(due_date=None)))


def test_timed_exam_without_due_date_is_past_due_once_the_course_ended():
    timed = TimedExamFactory(due_date=None)
    proctored = ProctoredExamFactory(due_date=None, course_id=timed.course_id)
    course_key = CourseKey.from_string(timed.course_id)
    set_dates_for_course(
        course_key, [(course_key.make_usage_key("course", "course"), {"end": NOW - timedelta(days=1)})]
    )
    assert is_exam_passed_due(serialize_exam(timed))
    assert not is_exam_passed_due(serialize_exam(proctored))


def test_remaining_time_counts_down_to_the_deadline_and_stops_at_zero():
    attempt = serialize_attempt(
        AttemptFactory(status="started", started_at=NOW - timedelta(minutes=50), allowed_time_limit_mins=60)
    )
    assert get_time_remaining_for_attempt(attempt) == 600
    assert does_time_remain(attempt)
    with time_machine.travel(NOW + timedelta(minutes=11), tick=False):
        assert get_time_remaining_for_attempt(attempt) == 0
        assert not does_time_remain(attempt)
    assert get_time_remaining_for_attempt(serialize_attempt(AttemptFactory())) == 0


def test_wait_deadline_is_due_date_plus_grace_period_while_it_is_ahead():
    exam = serialize_exam(ProctoredExamFactory(due_date=NOW - timedelta(hours=1)))
    context = {"grace_period": timedelta(hours=2)}
    assert verify_and_add_wait_deadline(context, exam, None) is True
    assert context["wait_deadline"] == (NOW + timedelta(hours=1)).isoformat()
    assert verify_and_add_wait_deadline({"grace_period": timedelta(minutes=30)}, exam, None) is False
    assert verify_and_add_wait_deadline({}, exam, None) is False


# Overflow guards (issue 9, finding 4): stored values from before the allowance limits never break timing

LARGEST_STORABLE_MINUTES = 2**31 - 1


def _running(started_at, allowed_minutes):
    return {"started_at": started_at, "allowed_time_limit_mins": allowed_minutes, "status": "started"}


def test_given_huge_stored_extra_time_when_computing_allowed_minutes_then_they_fit_an_integer_column():
    exam, user = ProctoredExamFactory(time_limit_mins=60), UserFactory()
    AllowanceFactory(user=user, proctored_exam=exam, value="10000000000")

    assert calculate_allowed_mins(serialize_exam(exam), user.id) == LARGEST_STORABLE_MINUTES


def test_given_huge_stored_extra_time_and_a_due_date_when_computing_allowed_minutes_then_the_due_date_wins():
    exam, user = ProctoredExamFactory(time_limit_mins=60, due_date=NOW + timedelta(hours=2)), UserFactory()
    AllowanceFactory(user=user, proctored_exam=exam, value="9" * 255)

    assert calculate_allowed_mins(serialize_exam(exam), user.id) == 120


def test_given_a_huge_exam_limit_when_adding_extra_time_then_the_sum_still_fits_an_integer_column():
    exam = serialize_exam(ProctoredExamFactory(time_limit_mins=LARGEST_STORABLE_MINUTES))

    allowed = allowed_minutes_for(exam=exam, user_id=None, resume_seconds=None, extra_minutes=14400)

    assert allowed == LARGEST_STORABLE_MINUTES


@pytest.mark.parametrize("allowed_minutes", [10**10, 10**300], ids=["ten-billion", "ten-to-the-300"])
def test_given_huge_stored_allowed_minutes_when_polling_then_time_remains_and_nothing_overflows(allowed_minutes):
    attempt = _running(NOW, allowed_minutes)

    assert get_time_remaining_for_attempt(attempt) == LARGEST_STORABLE_MINUTES * 60
    assert does_time_remain(attempt)
    assert not has_attempt_timed_out(attempt)


def test_given_a_deadline_beyond_the_calendar_when_computing_it_then_it_is_the_last_representable_moment():
    started_at = datetime(9000, 1, 1, tzinfo=UTC)

    deadline = attempt_deadline(_running(started_at, LARGEST_STORABLE_MINUTES))

    assert deadline == datetime.max.replace(tzinfo=UTC)
    assert deadline_of(started_at=started_at, allowed_minutes=60) == started_at + timedelta(minutes=60)


def test_given_a_hugely_negative_stored_allowed_time_when_polling_then_the_attempt_is_simply_over():
    attempt = _running(NOW, -(10**12))

    assert get_time_remaining_for_attempt(attempt) == 0
    assert has_attempt_timed_out(attempt)
