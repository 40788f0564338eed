"""Issue 9, finding 4: bounded allowances over HTTP, and learners whose stored extra time predates the bounds.

Extra time of ten billion minutes used to be accepted; the learner's timer poll then answered 500, PostgreSQL
refused the start with a 500, and a bulk time multiplier of 1e308 answered 500 after writing part of the batch.
"""

from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse

from edx_proctoring.models import ProctoredExamStudentAllowance, ProctoredExamStudentAttempt
from edx_proctoring.tests.factories import COURSE_ID, AllowanceFactory, AttemptFactory, TimedExamFactory
from edx_proctoring.tests.rest.conftest import client_for

pytestmark = pytest.mark.django_db

HUGE_EXTRA_TIME = "10000000000"
# The largest value every supported database stores in an integer column (PostgreSQL and MySQL: 2**31 - 1).
LARGEST_STORABLE_MINUTES = 2**31 - 1


def _url(name, *args):
    return reverse(f"edx_proctoring:{name}", args=args)


def _put_allowance(user, exam, value):
    body = {"exam_id": exam.id, "user_info": "alice", "key": "additional_time_granted", "value": value}
    return client_for(user).put(_url("proctored_exam.allowance"), body, format="json")


def _put_bulk(user, exam_ids, allowance_type, value, user_ids="alice,bob"):
    body = {
        "exam_ids": ",".join(str(exam_id) for exam_id in exam_ids),
        "user_ids": user_ids,
        "allowance_type": allowance_type,
        "value": value,
    }
    return client_for(user).put(_url("proctored_exam.bulk_allowance", COURSE_ID), body, format="json")


class TestSingleAllowanceLimit:
    def test_given_extra_time_beyond_ten_days_when_staff_put_it_then_400_names_the_limit_and_nothing_is_written(
        self, services, course_staff, exam, learner
    ):
        response = _put_allowance(course_staff, exam, HUGE_EXTRA_TIME)

        assert response.status_code == 400
        assert "14400" in response.json()["detail"]
        assert not ProctoredExamStudentAllowance.objects.exists()

    def test_given_extra_time_of_exactly_ten_days_when_staff_put_it_then_it_is_stored(
        self, services, course_staff, exam, learner
    ):
        assert _put_allowance(course_staff, exam, "14400").status_code == 200
        assert ProctoredExamStudentAllowance.get_additional_time_granted(exam.id, learner.id) == 14400

    def test_given_an_allowance_when_staff_put_an_over_limit_value_then_the_old_value_stays(
        self, services, course_staff, exam, learner
    ):
        AllowanceFactory(proctored_exam=exam, user=learner, value="30")

        assert _put_allowance(course_staff, exam, "14401").status_code == 400

        assert ProctoredExamStudentAllowance.get_additional_time_granted(exam.id, learner.id) == 30


class TestBulkAllowanceLimits:
    @pytest.mark.parametrize("multiplier", ["1e308", "10.01", "11"])
    def test_given_a_multiplier_beyond_ten_when_bulk_adding_then_400_names_the_limit_and_nothing_is_written(
        self, services, course_staff, exam, learner, other_learner, multiplier
    ):
        second = TimedExamFactory(time_limit_mins=30)

        response = _put_bulk(course_staff, [exam.id, second.id], "time_multiplier", multiplier)

        assert response.status_code == 400
        assert response.json()["field"] == "allowance_value"
        assert "10" in response.json()["detail"]
        assert not ProctoredExamStudentAllowance.objects.exists()

    def test_given_a_multiplier_giving_one_exam_more_than_ten_days_when_bulk_adding_then_no_exam_gets_it(
        self, services, course_staff, exam, learner, other_learner
    ):
        marathon = TimedExamFactory(time_limit_mins=2000)  # x10 is 18000 extra minutes, over 14400

        response = _put_bulk(course_staff, [exam.id, marathon.id], "time_multiplier", "10")

        assert response.status_code == 400
        assert response.json()["field"] == "allowance_value"
        assert "14400" in response.json()["detail"]
        assert not ProctoredExamStudentAllowance.objects.exists()

    def test_given_extra_time_beyond_ten_days_when_bulk_adding_then_400_and_nothing_is_written(
        self, services, course_staff, exam, learner, other_learner
    ):
        response = _put_bulk(course_staff, [exam.id], "additional_time_granted", HUGE_EXTRA_TIME)

        assert response.status_code == 400
        assert response.json()["field"] == "allowance_value"
        assert "14400" in response.json()["detail"]
        assert not ProctoredExamStudentAllowance.objects.exists()

    def test_given_a_multiplier_of_ten_when_bulk_adding_then_every_pair_gets_nine_times_the_limit(
        self, services, course_staff, exam, learner, other_learner
    ):
        response = _put_bulk(course_staff, [exam.id], "time_multiplier", "10")

        assert response.status_code == 200
        assert sorted(ProctoredExamStudentAllowance.objects.values_list("value", flat=True)) == ["540", "540"]


class TestStoredHugeExtraTime:
    """Allowance rows written before the bounds existed must never break the learner's exam."""

    def test_given_huge_stored_extra_time_when_the_learner_starts_then_the_allowed_time_is_clamped_and_polls_work(
        self, services, learner
    ):
        timed = TimedExamFactory(time_limit_mins=60)
        AllowanceFactory(proctored_exam=timed, user=learner, value=HUGE_EXTRA_TIME)
        client = client_for(learner)

        response = client.post(
            _url("proctored_exam.attempt.collection"), {"exam_id": timed.id, "start_clock": "true"}, format="json"
        )

        assert response.status_code == 200
        attempt = ProctoredExamStudentAttempt.objects.get(id=response.json()["exam_attempt_id"])
        assert attempt.status == "started"
        assert attempt.allowed_time_limit_mins == LARGEST_STORABLE_MINUTES
        poll = client.get(_url("proctored_exam.attempt", attempt.id))
        assert poll.status_code == 200
        assert poll.json()["time_remaining_seconds"] > 1e11
        active = client.get(_url("proctored_exam.attempt.collection"))
        assert active.status_code == 200
        assert active.json()["attempt_id"] == attempt.id

    def test_given_huge_stored_extra_time_and_a_due_date_when_the_learner_opens_the_exam_then_time_ends_at_due(
        self, services, learner
    ):
        due = datetime.now(UTC) + timedelta(hours=3)
        timed = TimedExamFactory(time_limit_mins=60, due_date=due)
        AllowanceFactory(proctored_exam=timed, user=learner, value=HUGE_EXTRA_TIME)
        url = _url("proctored_exam.exam_attempts", COURSE_ID)

        before_any_attempt = client_for(learner).get(url, {"content_id": timed.content_id})

        assert before_any_attempt.status_code == 200
        assert before_any_attempt.json()["exam"]["total_time"] in ("2 hours and 59 minutes", "3 hours")
        attempt = AttemptFactory(proctored_exam=timed, user=learner, taking_as_proctored=False)
        with_an_attempt = client_for(learner).get(url, {"content_id": timed.content_id})
        assert with_an_attempt.status_code == 200
        assert with_an_attempt.json()["exam"]["attempt"]["attempt_id"] == attempt.id
        assert with_an_attempt.json()["exam"]["attempt"]["total_time"] in ("2 hours and 59 minutes", "3 hours")

    def test_given_an_attempt_started_with_the_largest_storable_time_in_year_9000_when_polled_then_no_500(
        self, services, learner
    ):
        timed = TimedExamFactory(time_limit_mins=60)
        attempt = AttemptFactory(
            proctored_exam=timed,
            user=learner,
            taking_as_proctored=False,
            status="started",
            started_at=datetime(9000, 1, 1, tzinfo=UTC),
            allowed_time_limit_mins=LARGEST_STORABLE_MINUTES,
        )

        poll = client_for(learner).get(_url("proctored_exam.attempt", attempt.id))

        assert poll.status_code == 200
        assert poll.json()["status"] == "started"
        assert poll.json()["time_remaining_seconds"] > 0
