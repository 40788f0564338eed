"""Staff extend, revoke, pause and resume a running attempt; learners take breaks; the timer and poll follow."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core import mail
from django.urls import reverse

from edx_proctoring.models import ProctoredExamStudentAttempt, ProctoredExamTimeAdjustment, ProctoringAuditEntry
from edx_proctoring.signals import exam_attempt_time_adjusted_signal
from edx_proctoring.tests.factories import COURSE_ID, AllowanceFactory, AttemptFactory, TimedExamFactory, UserFactory
from edx_proctoring.tests.rest.conftest import client_for

pytestmark = pytest.mark.django_db

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def _url(name, *args):
    return reverse(f"edx_proctoring:{name}", args=args)


def running(exam, user, *, minutes_ago=10, limit=60, **kwargs):
    return AttemptFactory(
        proctored_exam=exam,
        user=user,
        status="started",
        started_at=START - timedelta(minutes=minutes_ago),
        allowed_time_limit_mins=limit,
        **kwargs,
    )


def adjust(user, attempt, **body):
    return client_for(user).post(_url("proctored_exam.attempt.time_adjustments", attempt.id), body, format="json")


def remaining(user, attempt):
    return client_for(user).get(_url("proctored_exam.attempt", attempt.id)).json()["time_remaining_seconds"]


def timer(user):
    return client_for(user).get(_url("proctored_exam.attempt.collection")).json()


@pytest.fixture(autouse=True)
def at_start():
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


class TestExtension:
    def test_staff_extension_moves_the_deadline_and_the_timer_says_so(self, services, exam, learner, course_staff):
        attempt = running(exam, learner)
        response = adjust(course_staff, attempt, kind="extension", minutes=15, reason="laptop crashed")
        assert response.status_code == 200
        state = response.json()
        assert state["attempt_id"] == attempt.id
        assert state["extension_minutes"] == 15
        assert state["paused"] is False
        assert state["deadline"] == (START + timedelta(minutes=65)).isoformat()
        assert [(a["kind"], a["minutes"], a["reason"], a["actor"]) for a in state["adjustments"]] == [
            ("extension", 15, "laptop crashed", "coursestaff")
        ]
        assert remaining(learner, attempt) == 65 * 60
        payload = timer(learner)
        assert payload["time_remaining_seconds"] == 65 * 60
        assert payload["extension_minutes"] == 15
        assert payload["deadline"] == (START + timedelta(minutes=65)).isoformat()

    def test_extension_is_audited_in_the_log_and_the_attempts_history(self, services, exam, learner, course_staff):
        attempt = running(exam, learner)
        adjust(course_staff, attempt, kind="extension", minutes=15, reason="laptop crashed")
        entry = ProctoringAuditEntry.objects.get(action="attempt.time_extended")
        assert entry.actor == course_staff
        assert entry.attempt_id == attempt.id
        assert entry.details["minutes"] == 15
        assert entry.details["reason"] == "laptop crashed"
        last = ProctoredExamStudentAttempt.history.filter(id=attempt.id).order_by("-history_id").first()
        assert last.history_user == course_staff
        assert last.history_change_reason == "staff: extend +15 min: laptop crashed"

    def test_extension_emails_the_learner_and_signals(
        self, services, exam, learner, course_staff, django_capture_on_commit_callbacks
    ):
        attempt = running(exam, learner)
        heard = []
        exam_attempt_time_adjusted_signal.connect(lambda **kw: heard.append(kw), weak=False, dispatch_uid="t13")
        try:
            with django_capture_on_commit_callbacks(execute=True):
                adjust(course_staff, attempt, kind="extension", minutes=15, reason="laptop crashed")
        finally:
            exam_attempt_time_adjusted_signal.disconnect(dispatch_uid="t13")
        assert len(mail.outbox) == 1
        assert "15 minutes" in mail.outbox[0].body
        assert mail.outbox[0].to == [learner.email]
        assert heard[0]["kind"] == "extension"
        assert heard[0]["minutes"] == 15
        assert heard[0]["deadline"] == START + timedelta(minutes=65)

    def test_revocation_goes_down_to_the_original_time_but_not_below(self, services, exam, learner, course_staff):
        attempt = running(exam, learner)
        adjust(course_staff, attempt, kind="extension", minutes=15, reason="wrong learner")
        assert adjust(course_staff, attempt, kind="extension", minutes=-16, reason="oops").status_code == 400
        response = adjust(course_staff, attempt, kind="extension", minutes=-15, reason="wrong learner")
        assert response.status_code == 200
        assert response.json()["extension_minutes"] == 0
        assert remaining(learner, attempt) == 50 * 60

    def test_revocation_never_takes_back_time_already_used(self, services, exam, learner, course_staff, at_start):
        attempt = running(exam, learner, minutes_ago=55)
        adjust(course_staff, attempt, kind="extension", minutes=20, reason="crash")
        at_start.shift(timedelta(minutes=20))
        response = adjust(course_staff, attempt, kind="extension", minutes=-10, reason="too much")
        assert response.status_code == 400
        assert "already used" in response.json()["detail"]
        assert ProctoredExamTimeAdjustment.objects.count() == 1

    def test_an_attempt_whose_time_is_up_is_not_extended_but_submitted(self, services, exam, learner, course_staff):
        attempt = running(exam, learner, minutes_ago=61)
        response = adjust(course_staff, attempt, kind="extension", minutes=30, reason="too late")
        assert response.status_code == 400
        assert "time is up" in response.json()["detail"]
        assert client_for(learner).get(_url("proctored_exam.attempt", attempt.id)).json()["status"] == "submitted"

    @pytest.mark.parametrize(
        "body,message",
        [
            ({"kind": "extension", "minutes": 0, "reason": "r"}, "needs a number of minutes"),
            ({"kind": "extension", "minutes": 1441, "reason": "r"}, "1 to 1440 minutes"),
            ({"kind": "extension", "minutes": "ten", "reason": "r"}, "must be an integer"),
            ({"kind": "extension", "minutes": 10}, "reason"),
            ({"kind": "extension", "minutes": 10, "reason": "   "}, "reason"),
            ({"kind": "nap", "reason": "r"}, "Unknown kind"),
            ({"kind": "pause", "minutes": 5, "reason": "r"}, "takes no minutes"),
            ({"kind": "pause", "reason": "r", "past_due_date": True}, "Only an extension"),
            ({"minutes": 5}, "'kind' is required"),
        ],
    )
    def test_bad_input_is_a_400_and_writes_nothing(self, services, exam, learner, course_staff, body, message):
        attempt = running(exam, learner)
        response = adjust(course_staff, attempt, **body)
        assert response.status_code == 400
        assert message in response.json()["detail"]
        assert not ProctoredExamTimeAdjustment.objects.exists()
        assert not ProctoringAuditEntry.objects.exists()

    @pytest.mark.parametrize("status", ["created", "ready_to_start", "submitted", "verified", "error"])
    def test_only_a_running_attempt_can_be_adjusted(self, services, exam, learner, course_staff, status):
        attempt = AttemptFactory(proctored_exam=exam, user=learner, status=status)
        response = adjust(course_staff, attempt, kind="pause", reason="check")
        assert response.status_code == 400
        assert "not from this status" in response.json()["detail"]

    def test_the_due_date_caps_an_extension_unless_it_says_it_goes_past(self, services, learner, course_staff):
        timed = TimedExamFactory(due_date=START + timedelta(minutes=55))
        attempt = running(timed, learner, minutes_ago=0, limit=55)
        capped = adjust(course_staff, attempt, kind="extension", minutes=30, reason="crash").json()
        assert capped["deadline"] == (START + timedelta(minutes=55)).isoformat()
        past = adjust(course_staff, attempt, kind="extension", minutes=5, reason="crash", past_due_date=True).json()
        assert past["deadline"] == (START + timedelta(minutes=90)).isoformat()
        assert past["adjustments"][-1]["past_due_date"] is True


class TestPause:
    def test_pause_freezes_the_clock_and_resume_gives_the_time_back(
        self, services, exam, learner, course_staff, at_start
    ):
        attempt = running(exam, learner)
        paused = adjust(course_staff, attempt, kind="pause", reason="fire alarm").json()
        assert paused["paused"] is True
        at_start.shift(timedelta(minutes=30))
        assert remaining(learner, attempt) == 50 * 60
        payload = timer(learner)
        assert payload["paused"] is True
        assert payload["time_remaining_seconds"] == 50 * 60
        assert payload["attempt_status"] == "started"
        resumed = adjust(course_staff, attempt, kind="resume").json()
        assert resumed["paused"] is False
        assert resumed["adjustments"][-1]["minutes"] == 30
        at_start.shift(timedelta(minutes=5))
        assert remaining(learner, attempt) == 45 * 60

    def test_no_pause_while_paused_and_no_resume_while_running(self, services, exam, learner, course_staff):
        attempt = running(exam, learner)
        assert adjust(course_staff, attempt, kind="resume").json()["detail"].endswith("the attempt is not paused.")
        adjust(course_staff, attempt, kind="pause", reason="alarm")
        again = adjust(course_staff, attempt, kind="pause", reason="alarm")
        assert again.status_code == 400
        assert "already paused" in again.json()["detail"]

    def test_a_paused_attempt_past_its_time_is_not_expired_by_the_poll(
        self, services, exam, learner, course_staff, at_start
    ):
        attempt = running(exam, learner, minutes_ago=59)
        adjust(course_staff, attempt, kind="pause", reason="alarm")
        at_start.shift(timedelta(hours=3))
        data = client_for(learner).get(_url("proctored_exam.attempt", attempt.id)).json()
        assert data["status"] == "started"
        assert data["time_remaining_seconds"] == 60

    def test_the_learning_mfe_sees_no_running_clock_on_a_paused_attempt(self, services, exam, learner, course_staff):
        attempt = running(exam, learner)
        adjust(course_staff, attempt, kind="pause", reason="alarm")
        assert client_for(learner).get(_url("proctored_exam.active_attempt")).json() == {}
        data = (
            client_for(learner)
            .get(
                _url("proctored_exam.exam_attempts", COURSE_ID), {"content_id": exam.content_id, "is_learning_mfe": "1"}
            )
            .json()
        )
        assert data["active_attempt"] == {}
        assert data["exam"]["attempt"]["attempt_status"] == "ready_to_start"
        assert data["exam"]["attempt"]["paused"] is True

    def test_the_poll_still_costs_three_queries_with_adjustments(
        self, services, exam, learner, course_staff, django_assert_num_queries
    ):
        attempt = running(exam, learner)
        adjust(course_staff, attempt, kind="extension", minutes=5, reason="crash")
        adjust(course_staff, attempt, kind="pause", reason="alarm")
        client = client_for(learner)
        with django_assert_num_queries(3):
            assert client.get(_url("proctored_exam.attempt", attempt.id)).json()["time_remaining_seconds"] == 55 * 60
        with django_assert_num_queries(3):
            assert client.get(_url("proctored_exam.attempt.collection")).json()["paused"] is True


class TestBreaks:
    def test_a_learner_with_five_break_minutes_takes_two_and_has_three_left(self, services, exam, learner, at_start):
        attempt = running(exam, learner)
        AllowanceFactory(proctored_exam=exam, user=learner, key="break_minutes", value="5")
        assert timer(learner)["break_minutes_remaining"] == 5
        client = client_for(learner)
        url = _url("proctored_exam.attempt", attempt.id)
        assert client.put(url, {"action": "start_break"}, format="json").status_code == 200
        at_start.shift(timedelta(minutes=2))
        on_break = timer(learner)
        assert on_break["on_break"] is True
        assert on_break["time_remaining_seconds"] == 50 * 60
        assert client.put(url, {"action": "end_break"}, format="json").status_code == 200
        after = timer(learner)
        assert after["on_break"] is False
        assert after["break_minutes_allowed"] == 5
        assert after["break_minutes_remaining"] == 3
        assert after["time_remaining_seconds"] == 50 * 60

    def test_a_spent_break_lets_the_clock_run_on_its_own(self, services, exam, learner, at_start):
        attempt = running(exam, learner)
        AllowanceFactory(proctored_exam=exam, user=learner, key="break_minutes", value="5")
        client_for(learner).put(_url("proctored_exam.attempt", attempt.id), {"action": "start_break"}, format="json")
        at_start.shift(timedelta(minutes=8))
        payload = timer(learner)
        assert payload["on_break"] is False
        assert payload["break_minutes_remaining"] == 0
        assert payload["time_remaining_seconds"] == 47 * 60

    def test_no_break_without_an_allowance(self, services, exam, learner):
        attempt = running(exam, learner)
        response = client_for(learner).put(
            _url("proctored_exam.attempt", attempt.id), {"action": "start_break"}, format="json"
        )
        assert response.status_code == 400
        assert "no break allowance" in response.json()["detail"]
        assert timer(learner)["break_minutes_allowed"] is None

    def test_another_learner_cannot_take_a_break_on_my_attempt(self, services, exam, learner, other_learner):
        attempt = running(exam, learner)
        AllowanceFactory(proctored_exam=exam, user=learner, key="break_minutes", value="5")
        response = client_for(other_learner).put(
            _url("proctored_exam.attempt", attempt.id), {"action": "start_break"}, format="json"
        )
        assert response.status_code == 403
        assert not ProctoredExamTimeAdjustment.objects.exists()


class TestSpecialExamsList:
    def _grouped(self, user, **params):
        return client_for(user).get(_url("proctored_exam.attempts.grouped.course", COURSE_ID), params)

    def test_each_attempt_says_whether_it_is_paused_or_extended(
        self, services, exam, learner, other_learner, course_staff
    ):
        paused = running(exam, learner)
        extended = running(exam, other_learner)
        adjust(course_staff, paused, kind="pause", reason="alarm")
        adjust(course_staff, extended, kind="extension", minutes=20, reason="crash")
        rows = {row["id"]: row for row in self._grouped(course_staff).json()["proctored_exam_attempts"]}
        assert (rows[paused.id]["paused"], rows[paused.id]["extension_minutes"]) == (True, 0)
        assert (rows[extended.id]["paused"], rows[extended.id]["extension_minutes"]) == (False, 20)
        assert rows[extended.id]["all_attempts"][0]["extension_minutes"] == 20

    @pytest.mark.parametrize(
        "clock_filter,expected", [("paused", {"alice"}), ("extended", {"bob"}), ("", {"alice", "bob", "carol"})]
    )
    def test_filter_keeps_paused_or_extended_attempts(
        self, services, exam, learner, other_learner, course_staff, clock_filter, expected
    ):
        adjust(course_staff, running(exam, learner), kind="pause", reason="alarm")
        adjust(course_staff, running(exam, other_learner), kind="extension", minutes=20, reason="crash")
        running(exam, UserFactory(username="carol"))
        data = self._grouped(course_staff, filter=clock_filter).json()
        assert {row["user"]["username"] for row in data["proctored_exam_attempts"]} == expected
        assert data["pagination_info"]["total_pages"] == 1

    def test_a_learners_older_extended_attempt_does_not_match_the_filter(self, services, exam, learner, course_staff):
        older = running(exam, learner)
        adjust(course_staff, older, kind="extension", minutes=20, reason="crash")
        older.status = "error"
        older.save()
        AttemptFactory(proctored_exam=exam, user=learner)
        data = self._grouped(course_staff, filter="extended").json()
        assert data["proctored_exam_attempts"] == []
        assert data["pagination_info"]["total_pages"] == 1

    def test_unknown_filter_is_a_400(self, services, course_staff):
        response = self._grouped(course_staff, filter="sleepy")
        assert response.status_code == 400
        assert "paused, extended" in response.json()["detail"]

    @pytest.mark.parametrize("clock_filter", [None, "paused", "extended"])
    def test_constant_query_count(self, services, exam, course_staff, clock_filter, django_assert_num_queries):
        for index in range(6):
            attempt = running(exam, UserFactory())
            if index % 2:
                adjust(course_staff, attempt, kind="pause", reason="alarm")
            else:
                adjust(course_staff, attempt, kind="extension", minutes=5, reason="crash")
        client = client_for(course_staff)
        params = {"filter": clock_filter} if clock_filter else {}
        # session, user, then the counts and the page, or (filtered) the matching newest attempts read from
        # the time states in one query, and the page's groups
        with django_assert_num_queries(5 if clock_filter is None else 4):
            response = client.get(_url("proctored_exam.attempts.grouped.course", COURSE_ID), params)
        assert len(response.json()["proctored_exam_attempts"]) == (6 if clock_filter is None else 3)
