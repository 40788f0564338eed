"""The learner's attempt endpoints: poll, actions, creation, the MFE views, and their query budgets."""

from datetime import UTC, datetime, timedelta

import pytest
from django.test import override_settings
from django.urls import reverse
from waffle.testutils import override_switch

from edx_proctoring.learner_exam_view import get_exam_attempt_data
from edx_proctoring.models import ProctoredExamStudentAttempt
from edx_proctoring.tests.factories import (
    COURSE_ID,
    AllowanceFactory,
    AttemptFactory,
    PracticeExamFactory,
    ProctoredExamFactory,
    TimedExamFactory,
)
from edx_proctoring.tests.rest.conftest import client_for

pytestmark = pytest.mark.django_db


def _url(name, *args):
    return reverse(f"edx_proctoring:{name}", args=args)


def started(exam, user, minutes_ago=5, limit=60, **kwargs):
    return AttemptFactory(
        proctored_exam=exam,
        user=user,
        status="started",
        started_at=datetime.now(UTC) - timedelta(minutes=minutes_ago),
        allowed_time_limit_mins=limit,
        **kwargs,
    )


class TestPoll:
    def test_owner_gets_attempt_with_remaining_time(self, services, exam, learner):
        attempt = started(exam, learner)
        response = client_for(learner).get(_url("proctored_exam.attempt", attempt.id))
        assert response.status_code == 200
        data = response.json()
        assert data["id"] == attempt.id
        assert 3200 < data["time_remaining_seconds"] <= 3300
        assert data["accessibility_time_string"] == "you have 55 minutes remaining"
        assert data["proctored_exam"]["id"] == exam.id

    def test_less_than_a_minute(self, services, exam, learner):
        attempt = started(exam, learner, minutes_ago=59.5)
        data = client_for(learner).get(_url("proctored_exam.attempt", attempt.id)).json()
        assert data["accessibility_time_string"] == "you have less than a minute remaining"

    def test_other_users_attempt_is_forbidden_even_for_staff(self, services, exam, learner, global_staff):
        attempt = started(exam, learner)
        response = client_for(global_staff).get(_url("proctored_exam.attempt", attempt.id))
        assert response.status_code == 403
        assert "detail" in response.json()

    def test_missing_attempt_is_400(self, services, learner):
        response = client_for(learner).get(_url("proctored_exam.attempt", 999))
        assert response.status_code == 400
        assert "999" in response.json()["detail"]

    def test_timed_out_attempt_is_submitted_on_read(self, services, exam, learner):
        attempt = started(exam, learner, minutes_ago=90)
        data = client_for(learner).get(_url("proctored_exam.attempt", attempt.id)).json()
        assert data["status"] == "submitted"
        assert data["time_remaining_seconds"] == 0

    def test_poll_costs_three_queries(self, services, exam, learner, django_assert_num_queries):
        attempt = started(exam, learner)
        client = client_for(learner)
        with django_assert_num_queries(3):
            assert client.get(_url("proctored_exam.attempt", attempt.id)).status_code == 200


class TestCollection:
    def test_get_without_active_attempt(self, services, learner):
        response = client_for(learner).get(_url("proctored_exam.attempt.collection"))
        assert response.json() == {"in_timed_exam": False, "is_proctored": False}

    def test_get_active_timer_payload_matches_domain(self, services, exam, learner):
        attempt = started(exam, learner)
        data = client_for(learner).get(_url("proctored_exam.attempt.collection")).json()
        expected = get_exam_attempt_data(exam.id, attempt.id)
        assert list(data) == list(expected)
        for key in expected:
            if key in ("time_remaining_seconds", "server_now"):
                continue
            assert data[key] == expected[key], key
        assert data["deadline"] and data["server_now"]
        assert data["attempt_code"] == attempt.attempt_code

    def test_get_costs_three_queries(self, services, exam, learner, django_assert_num_queries):
        started(exam, learner)
        AllowanceFactory(proctored_exam=exam, user=learner)
        client = client_for(learner)
        with django_assert_num_queries(3):
            assert client.get(_url("proctored_exam.attempt.collection")).json()["in_timed_exam"] is True

    def test_post_creates_and_starts(self, services, exam, learner):
        response = client_for(learner).post(
            _url("proctored_exam.attempt.collection"),
            {"exam_id": exam.id, "start_clock": "True", "attempt_proctored": "true"},
            format="json",
        )
        assert response.status_code == 200
        attempt = ProctoredExamStudentAttempt.objects.get(id=response.json()["exam_attempt_id"])
        assert attempt.status == "started"
        assert attempt.taking_as_proctored is True

    def test_post_proctored_exam_not_taken_proctored_is_declined(self, services, exam, learner):
        response = client_for(learner).post(
            _url("proctored_exam.attempt.collection"), {"exam_id": exam.id}, format="json"
        )
        assert ProctoredExamStudentAttempt.objects.get(id=response.json()["exam_attempt_id"]).status == "declined"

    def test_post_timed_exam_without_start_clock_stays_created(self, services, learner):
        timed = TimedExamFactory()
        response = client_for(learner).post(
            _url("proctored_exam.attempt.collection"), {"exam_id": timed.id, "start_clock": False}, format="json"
        )
        assert ProctoredExamStudentAttempt.objects.get(id=response.json()["exam_attempt_id"]).status == "created"

    def test_post_second_attempt_is_400(self, services, exam, learner):
        AttemptFactory(proctored_exam=exam, user=learner)
        response = client_for(learner).post(
            _url("proctored_exam.attempt.collection"), {"exam_id": exam.id}, format="json"
        )
        assert response.status_code == 400
        assert response.json()["detail"]

    def test_post_past_due_is_403(self, services, learner):
        exam = ProctoredExamFactory(due_date=datetime.now(UTC) - timedelta(days=1))
        response = client_for(learner).post(
            _url("proctored_exam.attempt.collection"), {"exam_id": exam.id}, format="json"
        )
        assert response.status_code == 403

    @pytest.mark.parametrize(
        "body",
        [{}, {"exam_id": "abc"}, {"exam_id": [1]}, {"exam_id": True}, {"exam_id": 99999}, ["not", "a", "dict"]],
    )
    def test_post_bad_bodies_are_400(self, services, learner, body):
        response = client_for(learner).post(_url("proctored_exam.attempt.collection"), body, format="json")
        assert response.status_code == 400
        assert "detail" in response.json()
        assert not ProctoredExamStudentAttempt.objects.exists()

    def test_post_malformed_json_is_400(self, services, learner):
        response = client_for(learner).post(
            _url("proctored_exam.attempt.collection"), "{not json", content_type="application/json"
        )
        assert response.status_code == 400


class TestActions:
    def _put(self, user, attempt, **body):
        return client_for(user).put(_url("proctored_exam.attempt", attempt.id), body, format="json")

    def test_stop_then_submit(self, services, exam, learner):
        attempt = started(exam, learner)
        assert self._put(learner, attempt, action="stop").json() == {"exam_attempt_id": attempt.id}
        attempt.refresh_from_db()
        assert attempt.status == "ready_to_submit"
        self._put(learner, attempt, action="submit")
        attempt.refresh_from_db()
        assert attempt.status == "submitted"

    def test_start_click_download_decline(self, services, exam, learner):
        attempt = AttemptFactory(proctored_exam=exam, user=learner)
        self._put(learner, attempt, action="click_download_software")
        attempt.refresh_from_db()
        assert attempt.status == "download_software_clicked"
        self._put(learner, attempt, action="start")
        attempt.refresh_from_db()
        assert attempt.status == "started"

    def test_decline(self, services, exam, learner):
        attempt = AttemptFactory(proctored_exam=exam, user=learner)
        self._put(learner, attempt, action="decline")
        attempt.refresh_from_db()
        assert attempt.status == "declined"

    def test_error_saves_remaining_time(self, services, exam, learner):
        attempt = started(exam, learner, minutes_ago=10)
        self._put(learner, attempt, action="error", detail="camera lost")
        attempt.refresh_from_db()
        assert attempt.status == "error"
        assert 2900 < attempt.time_remaining_seconds <= 3000

    def test_error_with_passthrough_switch_changes_nothing(self, services, exam, learner):
        attempt = started(exam, learner)
        with override_switch("edx_proctoring.test_ping_failure_passthrough", active=True):
            response = self._put(learner, attempt, action="error")
        assert response.json() == {"exam_attempt_id": False}
        attempt.refresh_from_db()
        assert attempt.status == "started"

    def test_reset_practice_attempt(self, services, learner):
        practice = PracticeExamFactory()
        attempt = AttemptFactory(proctored_exam=practice, user=learner, status="error")
        new_id = self._put(learner, attempt, action="reset_attempt").json()["exam_attempt_id"]
        assert new_id != attempt.id
        assert ProctoredExamStudentAttempt.objects.get(id=new_id).status == "created"

    def test_course_staff_marks_ready_to_resume(self, services, exam, learner, course_staff):
        attempt = AttemptFactory(proctored_exam=exam, user=learner, status="error", is_resumable=True)
        response = self._put(course_staff, attempt, action="mark_ready_to_resume", user_id=learner.id)
        assert response.status_code == 200
        attempt.refresh_from_db()
        assert attempt.ready_to_resume is True

    def test_staff_may_not_use_user_id_for_other_actions(self, services, exam, learner, global_staff):
        attempt = started(exam, learner)
        assert self._put(global_staff, attempt, action="submit", user_id=learner.id).status_code == 403
        assert self._put(global_staff, attempt, action="error").status_code == 403
        attempt.refresh_from_db()
        assert attempt.status == "started"

    def test_other_learner_cannot_set_error(self, services, exam, learner, other_learner):
        attempt = started(exam, learner)
        assert self._put(other_learner, attempt, action="error").status_code == 403
        assert self._put(other_learner, attempt, action="mark_ready_to_resume", user_id=learner.id).status_code == 403
        attempt.refresh_from_db()
        assert attempt.status == "started"

    @pytest.mark.parametrize("action", [None, "", "verify", "x" * 5000, 12])
    def test_unknown_action_is_400(self, services, exam, learner, action):
        attempt = started(exam, learner)
        response = self._put(learner, attempt, action=action)
        assert response.status_code == 400
        assert response.json()["detail"]

    def test_illegal_transition_is_400(self, services, exam, learner):
        attempt = AttemptFactory(proctored_exam=exam, user=learner, status="submitted")
        assert self._put(learner, attempt, action="start").status_code == 400

    def test_non_integer_user_id_is_400(self, services, exam, learner, course_staff):
        attempt = AttemptFactory(proctored_exam=exam, user=learner, status="error", is_resumable=True)
        assert self._put(course_staff, attempt, action="mark_ready_to_resume", user_id="abc").status_code == 400

    def test_delete_by_course_staff(self, services, exam, learner, course_staff):
        attempt = AttemptFactory(proctored_exam=exam, user=learner)
        response = client_for(course_staff).delete(_url("proctored_exam.attempt", attempt.id))
        assert response.status_code == 200
        assert not ProctoredExamStudentAttempt.objects.filter(id=attempt.id).exists()

    def test_delete_missing_is_400(self, services, global_staff):
        assert client_for(global_staff).delete(_url("proctored_exam.attempt", 12345)).status_code == 400

    def test_delete_vendor_failure_is_502(self, services, exam, learner, global_staff, test_backend):
        from edx_proctoring.exceptions import BackendProviderCannotRemoveAttempt

        test_backend.remove_error = BackendProviderCannotRemoveAttempt()
        attempt = AttemptFactory(proctored_exam=exam, user=learner)
        response = client_for(global_staff).delete(_url("proctored_exam.attempt", attempt.id))
        assert response.status_code == 502
        assert ProctoredExamStudentAttempt.objects.filter(id=attempt.id).exists()


class TestReviewStatus:
    def test_disabled_without_setting(self, services, exam, learner):
        attempt = AttemptFactory(proctored_exam=exam, user=learner, status="verified")
        response = client_for(learner).put(_url("proctored_exam.attempt.review_status", attempt.id))
        assert response.status_code == 404
        assert response.json() == {"detail": "Cannot update attempt review status"}

    @override_settings(PROCTORED_EXAM_VIEWABLE_PAST_DUE=True)
    def test_acknowledge(self, services, exam, learner, other_learner):
        attempt = AttemptFactory(proctored_exam=exam, user=learner, status="verified")
        assert (
            client_for(other_learner).put(_url("proctored_exam.attempt.review_status", attempt.id)).status_code == 403
        )
        assert client_for(learner).put(_url("proctored_exam.attempt.review_status", attempt.id)).status_code == 200
        attempt.refresh_from_db()
        assert attempt.is_status_acknowledged is True
        assert client_for(learner).put(_url("proctored_exam.attempt.review_status", 9999)).status_code == 400


class TestActiveExamsForUser:
    def test_reads_query_parameters(self, services, exam, learner):
        started(exam, learner)
        response = client_for(learner).get(
            _url("proctored_exam.active_exams_for_user"), {"user_id": learner.id, "course_id": COURSE_ID}
        )
        assert response.status_code == 200
        assert [entry["exam"]["id"] for entry in response.json()] == [exam.id]

    def test_reads_body_for_old_clients(self, services, exam, learner):
        started(exam, learner)
        response = client_for(learner).generic(
            "GET",
            _url("proctored_exam.active_exams_for_user"),
            data=f'{{"user_id": {learner.id}}}',
            content_type="application/json",
        )
        assert len(response.json()) == 1

    def test_no_user_id_is_empty(self, services, learner):
        assert client_for(learner).get(_url("proctored_exam.active_exams_for_user")).json() == []

    def test_other_learner_is_refused(self, services, exam, learner, other_learner, course_staff):
        started(exam, learner)
        url = _url("proctored_exam.active_exams_for_user")
        assert client_for(other_learner).get(url, {"user_id": learner.id}).status_code == 403
        response = client_for(course_staff).get(url, {"user_id": learner.id, "course_id": COURSE_ID})
        assert response.status_code == 200

    def test_bad_values_are_400(self, services, learner):
        url = _url("proctored_exam.active_exams_for_user")
        assert client_for(learner).get(url, {"user_id": "x"}).status_code == 400
        assert client_for(learner).get(url, {"user_id": learner.id, "course_id": "nope"}).status_code == 400


class TestLearningMfe:
    def test_active_attempt(self, services, exam, learner, django_assert_num_queries):
        attempt = started(exam, learner)
        client = client_for(learner)
        with django_assert_num_queries(3):
            data = client.get(_url("proctored_exam.active_attempt")).json()
        assert data["attempt_id"] == attempt.id
        assert data["exam_url_path"].startswith("http://learning.localhost:2000/course/")

    def test_active_attempt_empty(self, services, learner):
        assert client_for(learner).get(_url("proctored_exam.active_attempt")).json() == {}

    def test_active_attempt_user_id_only_for_staff(self, services, exam, learner, global_staff, course_staff):
        attempt = started(exam, learner)
        url = _url("proctored_exam.active_attempt")
        assert client_for(course_staff).get(url, {"user_id": learner.id}).status_code == 403
        assert client_for(global_staff).get(url, {"user_id": learner.id}).json()["attempt_id"] == attempt.id

    def _exam_attempts(self, user, **params):
        return client_for(user).get(_url("proctored_exam.exam_attempts", COURSE_ID), params)

    def test_without_content_id(self, services, learner):
        assert self._exam_attempts(learner).json() == {"exam": {}, "active_attempt": {}}

    def test_exam_with_active_attempt(self, services, exam, learner):
        attempt = started(exam, learner)
        data = self._exam_attempts(learner, content_id=exam.content_id, is_learning_mfe="true").json()
        assert data["exam"]["id"] == exam.id
        assert data["exam"]["attempt"]["attempt_id"] == attempt.id
        assert data["active_attempt"]["attempt_id"] == attempt.id
        assert data["exam"]["type"] == "proctored"
        assert data["exam"]["passed_due_date"] is False
        assert data["exam"]["use_legacy_attempt_api"] is True

    def test_exam_without_attempt(self, services, exam, learner):
        AllowanceFactory(proctored_exam=exam, user=learner, value="30")
        data = self._exam_attempts(learner, content_id=exam.content_id).json()
        assert data["exam"]["attempt"] == {}
        assert data["exam"]["total_time"] == "1 hour and 30 minutes"
        assert data["active_attempt"] == {}

    def test_exam_with_current_non_active_attempt(self, services, exam, learner):
        attempt = AttemptFactory(proctored_exam=exam, user=learner)
        data = self._exam_attempts(learner, content_id=exam.content_id).json()
        expected = get_exam_attempt_data(exam.id, attempt.id)
        assert data["exam"]["attempt"]["attempt_id"] == attempt.id
        assert data["exam"]["attempt"]["total_time"] == expected["total_time"]
        assert data["exam"]["attempt"]["software_download_url"] == expected["software_download_url"]

    def test_active_attempt_on_another_exam(self, services, exam, learner):
        other = ProctoredExamFactory()
        attempt = started(other, learner)
        data = self._exam_attempts(learner, content_id=exam.content_id).json()
        assert data["exam"]["id"] == exam.id
        assert data["exam"]["attempt"] == {}
        assert data["active_attempt"]["attempt_id"] == attempt.id

    def test_unknown_exam(self, services, learner):
        assert self._exam_attempts(learner, content_id="nothing").json() == {"exam": {}, "active_attempt": {}}

    def test_bad_course_key_is_400(self, services, learner):
        response = client_for(learner).get(_url("proctored_exam.exam_attempts", "not+a+key"))
        assert response.status_code == 400

    @pytest.mark.parametrize("scenario", ["active", "current", "none"])
    def test_costs_three_queries(self, services, exam, learner, scenario, django_assert_num_queries):
        # The host's credit service is consulted for prerequisites; its own cost is not ours to count.
        from edx_proctoring import runtime
        from edx_proctoring.tests.test_services import MockCreditServiceNone

        runtime.set_runtime_service("credit", MockCreditServiceNone())
        if scenario == "active":
            started(exam, learner)
        elif scenario == "current":
            AttemptFactory(proctored_exam=exam, user=learner)
        AllowanceFactory(proctored_exam=exam, user=learner)
        client = client_for(learner)
        params = {"content_id": exam.content_id, "is_learning_mfe": "1"}
        client.get(_url("proctored_exam.exam_attempts", COURSE_ID), params)  # warms the course-dates cache
        with django_assert_num_queries(3):
            response = client.get(_url("proctored_exam.exam_attempts", COURSE_ID), params)
        assert response.json()["exam"]["id"] == exam.id


class TestResetAttempts:
    def test_reset_all_attempts(self, services, exam, learner, course_staff):
        AttemptFactory(proctored_exam=exam, user=learner, status="error")
        AttemptFactory(proctored_exam=exam, user=learner, status="created")
        url = _url("proctored_exam.attempts.reset", exam.id, learner.id)
        assert client_for(course_staff).delete(url).status_code == 200
        assert not ProctoredExamStudentAttempt.objects.exists()
        response = client_for(course_staff).delete(url)
        assert response.status_code == 404
        assert response.json() == "There are no attempts related to this user id and exam id"

    def test_unknown_exam_is_400(self, services, global_staff, learner):
        url = _url("proctored_exam.attempts.reset", 999, learner.id)
        assert client_for(global_staff).delete(url).status_code == 400
