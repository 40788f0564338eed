"""Staff endpoints: exams, registration, allowances, grouped attempt lists, onboarding panel, dashboard, retirement."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from waffle.testutils import override_switch

from edx_proctoring.models import (
    ProctoredExam,
    ProctoredExamSoftwareSecureReview,
    ProctoredExamStudentAllowance,
    ProctoredExamStudentAttempt,
)
from edx_proctoring.tests.factories import (
    COURSE_ID,
    AllowanceFactory,
    AttemptFactory,
    PracticeExamFactory,
    ProctoredExamFactory,
    ReviewFactory,
    ReviewPolicyFactory,
    TimedExamFactory,
    UserFactory,
)
from edx_proctoring.tests.rest.conftest import OTHER_COURSE_ID, client_for

pytestmark = pytest.mark.django_db


def _url(name, *args):
    return reverse(f"edx_proctoring:{name}", args=args)


EXAM_BODY = {
    "course_id": COURSE_ID,
    "content_id": "block-v1:edX+Proctoring+2026+type@sequential+block@new",
    "external_id": "ext-1",
    "exam_name": "Final",
    "time_limit_mins": 90,
    "is_proctored": True,
    "is_practice_exam": False,
    "is_active": True,
    "hide_after_due": False,
}


class TestExams:
    def test_create_and_update(self, services, global_staff):
        client = client_for(global_staff)
        response = client.post(_url("proctored_exam.exam"), EXAM_BODY, format="json")
        assert response.status_code == 200
        exam_id = response.json()["exam_id"]
        exam = ProctoredExam.objects.get(id=exam_id)
        assert exam.backend == "mock"
        response = client.put(_url("proctored_exam.exam"), {"exam_id": exam_id, "exam_name": "Renamed"}, format="json")
        assert response.json() == {"exam_id": exam_id}
        exam.refresh_from_db()
        assert exam.exam_name == "Renamed" and exam.time_limit_mins == 90

    def test_duplicate_is_field_errors(self, services, global_staff):
        client = client_for(global_staff)
        client.post(_url("proctored_exam.exam"), EXAM_BODY, format="json")
        response = client.post(_url("proctored_exam.exam"), EXAM_BODY, format="json")
        assert response.status_code == 400
        assert "non_field_errors" in response.json()

    @pytest.mark.parametrize(
        "change",
        [
            {"time_limit_mins": "abc"},
            {"external_id": None},
            {"content_id": "x" * 300},
            {"course_id": "not a key"},
            {"is_active": "maybe"},
        ],
    )
    def test_create_bad_input_is_400(self, services, global_staff, change):
        response = client_for(global_staff).post(_url("proctored_exam.exam"), {**EXAM_BODY, **change}, format="json")
        assert response.status_code == 400
        assert not ProctoredExam.objects.exists()

    def test_update_bad_input(self, services, global_staff, exam):
        client = client_for(global_staff)
        assert client.put(_url("proctored_exam.exam"), {"exam_id": 999}, format="json").status_code == 400
        assert client.put(_url("proctored_exam.exam"), {"exam_id": "x"}, format="json").status_code == 400
        body = {"exam_id": exam.id, "time_limit_mins": -1}
        assert client.put(_url("proctored_exam.exam"), body, format="json").status_code == 400

    def test_learner_cannot_write(self, services, learner):
        response = client_for(learner).post(_url("proctored_exam.exam"), EXAM_BODY, format="json")
        assert response.status_code == 403
        assert response.json() == {"detail": "Must be a Staff User to Perform this request."}

    def test_reads(self, services, learner, exam):
        client = client_for(learner)
        assert client.get(_url("proctored_exam.exam_by_id", exam.id)).json()["id"] == exam.id
        assert client.get(_url("proctored_exam.exam_by_id", 999)).status_code == 400
        ProctoredExamFactory(is_active=False)
        assert [e["id"] for e in client.get(_url("proctored_exam.exams_by_course_id", COURSE_ID)).json()] == [exam.id]
        simple = ProctoredExamFactory(content_id="abc123")
        assert client.get(_url("proctored_exam.exam_by_content_id", COURSE_ID, "abc123")).json()["id"] == simple.id
        assert client.get(_url("proctored_exam.exam_by_content_id", COURSE_ID, "zzz")).status_code == 400
        assert client.get(_url("proctored_exam.exam")).status_code == 400

    def test_registration(self, services, global_staff):
        kept = ProctoredExamFactory(content_id="block-v1:edX+Proctoring+2026+type@sequential+block@kept")
        dropped = ProctoredExamFactory(content_id="block-v1:edX+Proctoring+2026+type@sequential+block@dropped")
        body = [
            {**EXAM_BODY, "content_id": kept.content_id, "exam_name": "Kept", "backend": "test"},
            {**EXAM_BODY, "backend": "test"},
        ]
        url = _url("proctored_exam.register_exams_by_course_id", COURSE_ID)
        response = client_for(global_staff).patch(url, body, format="json")
        assert response.status_code == 200
        ids = [item["exam_id"] for item in response.json()]
        assert ids[0] == kept.id
        dropped.refresh_from_db()
        assert dropped.is_active is False and dropped.is_proctored is False
        assert ProctoredExam.objects.get(id=ids[1]).exam_name == "Final"

    def test_registration_invalid_is_422(self, services, global_staff):
        url = _url("proctored_exam.register_exams_by_course_id", COURSE_ID)
        response = client_for(global_staff).patch(url, [{"content_id": "x"}], format="json")
        assert response.status_code == 422
        assert isinstance(response.json(), list)
        assert client_for(global_staff).patch(url, {"a": 1}, format="json").status_code == 422

    def test_settings_and_review_policy(self, services, learner, exam):
        client = client_for(learner)
        data = client.get(_url("proctored_exam.proctoring_settings", exam.id)).json()
        assert data["provider_name"] == "test"
        assert client.get(_url("proctored_exam.proctoring_settings", 999)).status_code == 400
        assert client.get(_url("proctored_exam.review_policy", exam.id)).json() == {"review_policy": None}
        ReviewPolicyFactory(proctored_exam=exam, review_policy="Notes allowed")
        assert client.get(_url("proctored_exam.review_policy", exam.id)).json() == {"review_policy": "Notes allowed"}
        assert client.get(_url("proctored_exam.review_policy", 999)).json() == {"review_policy": None}


class TestAllowances:
    def test_put_list_delete(self, services, course_staff, exam, learner):
        client = client_for(course_staff)
        body = {"exam_id": exam.id, "user_info": learner.username, "key": "additional_time_granted", "value": "15"}
        assert client.put(_url("proctored_exam.allowance"), body, format="json").status_code == 200
        listed = client.get(_url("proctored_exam.allowance", COURSE_ID)).json()
        assert [(a["user"]["username"], a["value"]) for a in listed] == [("alice", "15")]
        grouped = client.get(_url("proctored_exam.allowance.grouped.course", COURSE_ID)).json()
        assert list(grouped) == ["alice"]
        body = {"exam_id": exam.id, "user_id": learner.id, "key": "additional_time_granted"}
        assert client.delete(_url("proctored_exam.allowance"), body, format="json").status_code == 200
        assert not ProctoredExamStudentAllowance.objects.exists()

    @pytest.mark.parametrize(
        "body",
        [
            {"user_info": "alice", "key": "additional_time_granted", "value": "abc"},
            {"user_info": "nobody", "key": "additional_time_granted", "value": "10"},
            {"user_info": "alice", "key": "review_policy_exception", "value": "x" * 300},
            {"user_info": "alice", "key": "additional_time_granted"},
            {"user_info": ["alice"], "key": "additional_time_granted", "value": "1"},
        ],
    )
    def test_put_bad_input_is_400(self, services, course_staff, exam, learner, body):
        response = client_for(course_staff).put(
            _url("proctored_exam.allowance"), {"exam_id": exam.id, **body}, format="json"
        )
        assert response.status_code == 400
        assert response.json()["detail"]
        assert not ProctoredExamStudentAllowance.objects.exists()

    def test_other_course_staff_cannot_use_own_course_id(self, services, other_course_staff, exam, learner):
        body = {
            "exam_id": exam.id,
            "course_id": OTHER_COURSE_ID,
            "user_info": "alice",
            "key": "additional_time_granted",
            "value": "10",
        }
        response = client_for(other_course_staff).put(_url("proctored_exam.allowance"), body, format="json")
        assert response.status_code == 403
        assert not ProctoredExamStudentAllowance.objects.exists()

    def test_bulk(self, services, course_staff, exam, learner, other_learner):
        second = ProctoredExamFactory(time_limit_mins=30)
        client = client_for(course_staff)
        body = {
            "exam_ids": f"{exam.id}, {second.id}",
            "user_ids": "alice,bob@example.org ,",
            "allowance_type": "time_multiplier",
            "value": "1.5",
        }
        response = client.put(_url("proctored_exam.bulk_allowance", COURSE_ID), body, format="json")
        assert response.status_code == 200
        values = sorted(ProctoredExamStudentAllowance.objects.values_list("value", flat=True))
        assert values == ["15", "15", "30", "30"]
        body["user_ids"] = "alice,ghost"
        response = client.put(_url("proctored_exam.bulk_allowance"), {**body, "course_id": COURSE_ID}, format="json")
        assert response.status_code == 207
        assert len(response.json()) == 4
        body["user_ids"] = "ghost"
        response = client.put(_url("proctored_exam.bulk_allowance", COURSE_ID), body, format="json")
        assert response.json() == {"detail": "Enter a valid username or email", "field": "user_info"}
        body["value"] = "-2"
        response = client.put(_url("proctored_exam.bulk_allowance", COURSE_ID), body, format="json")
        assert response.json() == {"detail": "Enter a valid positive value number", "field": "allowance_value"}

    def test_bulk_bad_input(self, services, course_staff, global_staff, exam):
        client = client_for(course_staff)
        url = _url("proctored_exam.bulk_allowance", COURSE_ID)
        base = {"exam_ids": "abc", "user_ids": "alice", "allowance_type": "additional_time_granted", "value": "5"}
        assert client.put(url, base, format="json").status_code == 400
        other = ProctoredExamFactory(course_id=OTHER_COURSE_ID)
        response = client_for(global_staff).put(url, {**base, "exam_ids": str(other.id)}, format="json")
        assert response.status_code == 400
        assert response.json()["field"] == "exam_ids"
        assert client.put(url, {**base, "exam_ids": str(exam.id), "value": None}, format="json").status_code == 400

    def test_allowance_lists_have_constant_query_count(self, services, global_staff, django_assert_num_queries):
        client = client_for(global_staff)
        for count in (1, 30):
            ProctoredExamStudentAllowance.objects.all().delete()
            for _ in range(count):
                AllowanceFactory()
            # The session, the user, the course's exams and the allowances.
            with django_assert_num_queries(4):
                assert len(client.get(_url("proctored_exam.allowance", COURSE_ID)).json()) == count
            with django_assert_num_queries(4):
                client.get(_url("proctored_exam.allowance.grouped.course", COURSE_ID))


class TestGroupedAttempts:
    def _seed(self, users=30, exams=2, repeats=2):
        exam_rows = [PracticeExamFactory() for _ in range(exams)]
        for index in range(users):
            user = UserFactory(username=f"user{index}", email=f"user{index}@example.org")
            for exam in exam_rows:
                for _ in range(repeats):
                    AttemptFactory(user=user, proctored_exam=exam, status="error")
        return exam_rows

    def test_grouped_pages(self, services, course_staff):
        self._seed()
        client = client_for(course_staff)
        data = client.get(_url("proctored_exam.attempts.grouped.course", COURSE_ID)).json()
        assert len(data["proctored_exam_attempts"]) == 25
        assert data["pagination_info"] == {"has_previous": False, "has_next": True, "current_page": 1, "total_pages": 3}
        assert data["attempt_url"] == _url("proctored_exam.attempts.grouped.course", COURSE_ID)
        first = data["proctored_exam_attempts"][0]
        assert len(first["all_attempts"]) == 2
        assert first["all_attempts"][0]["id"] == first["id"]
        newest = ProctoredExamStudentAttempt.objects.order_by("-id").first()
        assert first["id"] == newest.id
        last = client.get(_url("proctored_exam.attempts.grouped.course", COURSE_ID), {"page": 99}).json()
        assert last["pagination_info"]["current_page"] == 3 and len(last["proctored_exam_attempts"]) == 10
        assert (
            client.get(_url("proctored_exam.attempts.grouped.course", COURSE_ID), {"page": "x"}).json()[
                "pagination_info"
            ]["current_page"]
            == 1
        )

    def test_search(self, services, course_staff):
        self._seed(users=12)
        url = _url("proctored_exam.attempts.grouped.search", COURSE_ID, "user1")
        data = client_for(course_staff).get(url).json()
        usernames = {a["user"]["username"] for a in data["proctored_exam_attempts"]}
        assert usernames == {"user1", "user10", "user11"}
        assert data["attempt_url"] == url

    @pytest.mark.parametrize("users", [3, 40])
    def test_constant_queries(self, services, course_staff, users, django_assert_num_queries):
        self._seed(users=users, repeats=3)
        client = client_for(course_staff)
        with django_assert_num_queries(5):
            client.get(_url("proctored_exam.attempts.grouped.course", COURSE_ID))
        # A search reads the matched users first, once, then (they are few) the exam ids and every matched
        # group in one query.
        with django_assert_num_queries(6):
            client.get(_url("proctored_exam.attempts.grouped.search", COURSE_ID, "user"))

    def test_an_attempt_whose_review_is_overdue_is_marked_until_its_verdict_arrives(
        self, services, course_staff, django_assert_num_queries
    ):
        from django.utils import timezone

        from edx_proctoring.models import ProctoredExamOverdueReview

        late, on_time = (AttemptFactory(status="submitted") for _ in range(2))
        overdue = ProctoredExamOverdueReview.objects.create(
            attempt=late, backend="test", course_id=COURSE_ID, flagged_at=timezone.now()
        )
        client = client_for(course_staff)
        url = _url("proctored_exam.attempts.grouped.course", COURSE_ID)

        with django_assert_num_queries(5):
            rows = client.get(url).json()["proctored_exam_attempts"]
        assert {row["id"]: row["review_overdue"] for row in rows} == {late.id: True, on_time.id: False}

        overdue.resolved_at = timezone.now()
        overdue.save()
        rows = client.get(url).json()["proctored_exam_attempts"]
        assert not any(row["review_overdue"] for row in rows)

    def test_bad_course_key_and_long_search(self, services, global_staff):
        client = client_for(global_staff)
        assert client.get(_url("proctored_exam.attempts.grouped.course", "bad+key+x")).status_code == 400
        url = _url("proctored_exam.attempts.grouped.search", COURSE_ID, "x" * 400)
        assert client.get(url).status_code == 400


class TestOnboardingPanel:
    def test_rows_and_pagination(self, services, course_staff):
        onboarding = PracticeExamFactory()
        users = [UserFactory(username=f"panel{index:02d}") for index in range(30)]
        AttemptFactory(proctored_exam=onboarding, user=users[0], status="verified")
        AttemptFactory(proctored_exam=onboarding, user=users[1], status="started")
        client = client_for(course_staff)
        url = _url("user_onboarding.status.course", COURSE_ID)
        data = client.get(url).json()
        assert data["count"] == 31
        assert data["num_pages"] == 2
        assert data["previous"] is None and data["next"] == url + "?page=2"
        by_name = {row["username"]: row for row in data["results"]}
        assert by_name["panel00"]["status"] == "verified"
        assert by_name["panel01"]["status"] == "onboarding_started"
        assert by_name["panel02"] == {
            "username": "panel02",
            "enrollment_mode": "verified",
            "status": "not_started",
            "modified": None,
        }
        filtered = client.get(url, {"statuses": "verified,onboarding_started"}).json()
        assert [row["username"] for row in filtered["results"]] == ["panel00", "panel01"]
        searched = client.get(url, {"text_search": "panel0"}).json()
        assert searched["count"] == 10

    def test_constant_queries(self, services, course_staff, django_assert_num_queries):
        onboarding = PracticeExamFactory()
        client = client_for(course_staff)
        client.get(_url("user_onboarding.status.course", COURSE_ID))  # warms waffle's switch cache
        for count in (3, 40):
            for index in range(count):
                user = UserFactory(username=f"q{count}-{index}")
                AttemptFactory(proctored_exam=onboarding, user=user, status="submitted")
            # session, user, onboarding exams, enrollments (the host service stand-in: one query), the
            # page's attempts, the page's verifications elsewhere
            with django_assert_num_queries(6):
                client.get(_url("user_onboarding.status.course", COURSE_ID))

    def test_no_onboarding_exam(self, services, course_staff):
        response = client_for(course_staff).get(_url("user_onboarding.status.course", COURSE_ID))
        assert response.status_code == 404
        assert response.json() == {"detail": "There is no onboarding exam related to this course id."}


class TestLearnerOnboardingStatus:
    def test_status(self, services, learner):
        from opaque_keys.edx.keys import UsageKey

        from edx_proctoring import runtime
        from edx_proctoring.tests.test_services import MockLearningSequencesService

        onboarding = PracticeExamFactory()
        runtime.set_runtime_service(
            "learning_sequences",
            MockLearningSequencesService(accessible_sequences={UsageKey.from_string(onboarding.content_id)}),
        )
        AttemptFactory(proctored_exam=onboarding, user=learner, status="submitted")
        url = _url("user_onboarding.status")
        data = client_for(learner).get(url, {"course_id": COURSE_ID, "is_learning_mfe": "true"}).json()
        assert data["onboarding_status"] == "submitted"
        assert data["onboarding_link"].startswith("http://learning.localhost:2000/course/")
        assert data["onboarding_past_due"] is False

    def test_errors(self, services, learner, other_learner):
        url = _url("user_onboarding.status")
        client = client_for(learner)
        assert client.get(url).json() == {"detail": "Missing required query parameter course_id"}
        assert client.get(url, {"course_id": "bad"}).status_code == 400
        assert client.get(url, {"course_id": COURSE_ID, "username": "bob"}).status_code == 403
        response = client.get(url, {"course_id": COURSE_ID})
        assert response.status_code == 404


class TestInstructorDashboard:
    def test_redirects_to_vendor(self, services, course_staff, exam):
        AttemptFactory(proctored_exam=exam, external_id="abc")
        client = client_for(course_staff)
        response = client.get(_url("instructor_dashboard_course", COURSE_ID))
        assert response.status_code == 302
        assert response["Location"] == f"/test_dashboard/{COURSE_ID}"
        response = client.get(_url("instructor_dashboard_exam", COURSE_ID, exam.id), {"attempt": "abc"})
        assert response["Location"] == f"/test_dashboard/{COURSE_ID}/{exam.external_id}/abc"

    def test_not_found_cases(self, services, global_staff):
        client = client_for(global_staff)
        response = client.get(_url("instructor_dashboard_course", COURSE_ID))
        assert response.status_code == 404
        assert response["X-Frame-Options"].lower() == "sameorigin"
        TimedExamFactory()
        assert client.get(_url("instructor_dashboard_course", COURSE_ID)).json().startswith("No proctored exams")
        assert client.get(_url("instructor_dashboard_exam", COURSE_ID, 999)).status_code == 400

    def test_multiple_backends(self, services, global_staff):
        ProctoredExamFactory(backend="test")
        ProctoredExamFactory(backend="mock")
        response = client_for(global_staff).get(_url("instructor_dashboard_course", COURSE_ID))
        assert response.status_code == 400

    def test_reds_redirect_uses_review_video(self, services, global_staff, exam, learner):
        attempt = AttemptFactory(proctored_exam=exam, user=learner, external_id="ext-9")
        ReviewFactory(attempt_code=attempt.attempt_code, encrypted_video_url=b"video")
        with override_switch("edx_proctoring.reds_api_redirect", active=True):
            response = client_for(global_staff).get(
                _url("instructor_dashboard_exam", COURSE_ID, exam.id), {"attempt": "ext-9"}
            )
        assert response.status_code == 302


class TestRetirement:
    def test_backend_retirement(self, services, global_staff, exam, learner):
        AttemptFactory(proctored_exam=exam, user=learner, taking_as_proctored=True)
        response = client_for(global_staff).post(_url("backend_user_deletion_api", learner.id))
        assert response.status_code == 200
        assert response.json() == {"test": True}
        assert client_for(global_staff).post(_url("backend_user_deletion_api", 9999)).json() == {}

    def test_user_retirement(self, services, global_staff, exam, learner):
        attempt = AttemptFactory(proctored_exam=exam, user=learner)
        AllowanceFactory(proctored_exam=exam, user=learner, key="review_policy_exception", value="secret")
        ReviewFactory(attempt_code=attempt.attempt_code, raw_data='{"name": "Alice"}')
        response = client_for(global_staff).post(_url("user_retirement_api", learner.id))
        assert response.status_code == 204
        assert ProctoredExamStudentAllowance.objects.get().value == ""
        assert ProctoredExamSoftwareSecureReview.objects.get().raw_data == ""
        assert ProctoredExamStudentAttempt.objects.filter(id=attempt.id).exists()

    def test_forbidden_without_permission(self, services, learner):
        assert client_for(learner).post(_url("user_retirement_api", learner.id)).status_code == 403
        assert client_for(learner).post(_url("backend_user_deletion_api", learner.id)).status_code == 403


def test_vendor_group_exists_for_matrix(vendor):
    assert Group.objects.filter(name="test_review", user=vendor).exists()
