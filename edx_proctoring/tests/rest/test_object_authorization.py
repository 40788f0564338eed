"""A staff route authorizes on the objects its URL names (issue 9, findings 1 and 5).

Finding 1: the reset route checked the course of the exam named in the BODY, and an exam that did not exist
meant "no course to check", so any signed-in learner could wipe anybody's attempts. Finding 5: the instructor
dashboard handed the vendor the review video of any attempt named by ``?attempt``, whatever its course.
"""

import pytest
from django.urls import reverse
from waffle.testutils import override_switch

from edx_proctoring import runtime
from edx_proctoring.models import ProctoredExamStudentAllowance, ProctoredExamStudentAttempt
from edx_proctoring.tests.factories import (
    COURSE_ID,
    AllowanceFactory,
    AttemptFactory,
    ProctoredExamFactory,
    ReviewFactory,
)
from edx_proctoring.tests.rest.conftest import OTHER_COURSE_ID, client_for

pytestmark = pytest.mark.django_db

UNKNOWN_ID = 987654


def _url(name, *args):
    return reverse(f"edx_proctoring:{name}", args=args)


def _reset_url(exam, user):
    return _url("proctored_exam.attempts.reset", exam.id, user.id)


@pytest.fixture
def other_exam(db):
    return ProctoredExamFactory(course_id=OTHER_COURSE_ID, backend="test")


@pytest.fixture
def rejected_attempt(exam, learner):
    return AttemptFactory(proctored_exam=exam, user=learner, status="rejected", external_id="ext-a")


def _attempts_of(user):
    return ProctoredExamStudentAttempt.objects.filter(user=user).count()


class TestResetAttemptsAuthorizesOnTheUrlsExam:
    @pytest.mark.parametrize("body_exam_id", [UNKNOWN_ID, "not-an-id", 0, -1, 2**80])
    def test_another_learner_naming_an_unknown_exam_in_the_body_is_refused(
        self, services, other_learner, learner, exam, rejected_attempt, body_exam_id
    ):
        response = client_for(other_learner).delete(_reset_url(exam, learner), {"exam_id": body_exam_id}, format="json")

        assert response.status_code in (400, 403), response.data
        assert _attempts_of(learner) == 1

    def test_a_rejected_learner_cannot_wipe_their_own_rejection(self, services, learner, exam, rejected_attempt):
        response = client_for(learner).delete(_reset_url(exam, learner), {"exam_id": UNKNOWN_ID}, format="json")

        assert response.status_code in (400, 403)
        assert ProctoredExamStudentAttempt.objects.get(id=rejected_attempt.id).status == "rejected"

    @pytest.mark.parametrize("caller", ["other_course_staff", "course_staff", "global_staff"])
    def test_a_body_naming_another_courses_exam_is_a_400_whoever_asks(
        self, request, services, caller, learner, exam, other_exam, rejected_attempt
    ):
        response = client_for(request.getfixturevalue(caller)).delete(
            _reset_url(exam, learner), {"exam_id": other_exam.id}, format="json"
        )

        assert response.status_code == 400
        assert "exam_id" in response.data["detail"]
        assert _attempts_of(learner) == 1

    def test_a_body_naming_another_learner_is_a_400(
        self, services, course_staff, learner, other_learner, exam, rejected_attempt
    ):
        response = client_for(course_staff).delete(
            _reset_url(exam, learner), {"user_id": other_learner.id}, format="json"
        )

        assert response.status_code == 400
        assert _attempts_of(learner) == 1

    def test_a_body_repeating_the_urls_exam_is_accepted(self, services, course_staff, learner, exam, rejected_attempt):
        response = client_for(course_staff).delete(
            _reset_url(exam, learner), {"exam_id": str(exam.id), "user_id": learner.id}, format="json"
        )

        assert response.status_code == 200
        assert _attempts_of(learner) == 0

    def test_an_unknown_exam_in_the_url_is_a_400_that_removes_nothing(self, services, other_learner, learner):
        AttemptFactory(user=learner)

        response = client_for(other_learner).delete(
            _url("proctored_exam.attempts.reset", UNKNOWN_ID, learner.id), {"exam_id": UNKNOWN_ID}, format="json"
        )

        assert response.status_code == 400
        assert _attempts_of(learner) == 1


class TestBodyOnlyRoutesRefuseWhatTheyCannotResolve:
    @pytest.mark.parametrize("exam_id", [UNKNOWN_ID, "x", None])
    def test_a_learner_naming_no_real_exam_never_writes_an_allowance(self, services, other_learner, learner, exam_id):
        body = {"exam_id": exam_id, "user_info": "alice", "key": "additional_time_granted", "value": "10"}

        response = client_for(other_learner).put(_url("proctored_exam.allowance"), body, format="json")

        assert response.status_code in (400, 403)
        assert not ProctoredExamStudentAllowance.objects.exists()

    def test_an_exam_of_one_course_with_the_course_id_of_another_is_a_400(self, services, course_staff, learner, exam):
        body = {
            "exam_id": exam.id,
            "course_id": OTHER_COURSE_ID,
            "user_info": "alice",
            "key": "additional_time_granted",
            "value": "10",
        }

        response = client_for(course_staff).put(_url("proctored_exam.allowance"), body, format="json")

        assert response.status_code == 400
        assert not ProctoredExamStudentAllowance.objects.exists()

    def test_staff_of_another_course_cannot_remove_an_allowance(self, services, other_course_staff, learner, exam):
        AllowanceFactory(proctored_exam=exam, user=learner)
        body = {"exam_id": exam.id, "user_id": learner.id, "key": "additional_time_granted"}

        response = client_for(other_course_staff).delete(_url("proctored_exam.allowance"), body, format="json")

        assert response.status_code == 403
        assert ProctoredExamStudentAllowance.objects.count() == 1

    def test_bulk_allowance_body_course_must_match_the_url_course(self, services, other_course_staff, learner, exam):
        body = {
            "course_id": OTHER_COURSE_ID,
            "exam_ids": str(exam.id),
            "user_ids": "alice",
            "allowance_type": "additional_time_granted",
            "value": "5",
        }

        response = client_for(other_course_staff).put(
            _url("proctored_exam.bulk_allowance", COURSE_ID), body, format="json"
        )

        assert response.status_code == 400
        assert not ProctoredExamStudentAllowance.objects.exists()

    def test_bulk_allowance_without_any_course_is_refused_to_course_staff(self, services, course_staff, exam):
        body = {
            "exam_ids": str(exam.id),
            "user_ids": "alice",
            "allowance_type": "additional_time_granted",
            "value": "5",
        }

        response = client_for(course_staff).put(_url("proctored_exam.bulk_allowance"), body, format="json")

        assert response.status_code == 403
        assert not ProctoredExamStudentAllowance.objects.exists()


class TestAttemptDeleteChecksTheBodyAgainstTheAttempt:
    def test_a_body_naming_another_exam_is_a_400(self, services, course_staff, exam, other_exam, rejected_attempt):
        response = client_for(course_staff).delete(
            _url("proctored_exam.attempt", rejected_attempt.id), {"exam_id": other_exam.id}, format="json"
        )

        assert response.status_code == 400
        assert ProctoredExamStudentAttempt.objects.filter(id=rejected_attempt.id).exists()

    def test_an_unknown_attempt_is_a_400_for_staff_and_refused_for_learners(self, services, course_staff, learner):
        assert client_for(course_staff).delete(_url("proctored_exam.attempt", UNKNOWN_ID)).status_code == 400
        assert client_for(learner).delete(_url("proctored_exam.attempt", UNKNOWN_ID)).status_code in (400, 403)


class TestHostWithoutInstructorService:
    """Without the host's `instructor` service nobody can be shown to be course staff: global staff only."""

    @pytest.fixture
    def no_instructor(self, host_services):
        runtime._SERVICES.pop("instructor", None)

    def test_course_staff_are_refused(self, no_instructor, course_staff, learner, exam, rejected_attempt):
        assert client_for(course_staff).delete(_reset_url(exam, learner)).status_code == 403
        assert client_for(course_staff).get(_url("proctored_exam.allowance", COURSE_ID)).status_code == 403
        assert _attempts_of(learner) == 1

    def test_a_body_naming_an_unknown_exam_is_refused(
        self, no_instructor, other_learner, learner, exam, rejected_attempt
    ):
        response = client_for(other_learner).delete(_reset_url(exam, learner), {"exam_id": UNKNOWN_ID}, format="json")

        assert response.status_code in (400, 403)
        assert _attempts_of(learner) == 1

    def test_global_staff_still_pass(self, no_instructor, global_staff, learner, exam, rejected_attempt):
        assert client_for(global_staff).delete(_reset_url(exam, learner)).status_code == 200
        assert _attempts_of(learner) == 0


class TestInstructorDashboardReviewVideo:
    """Finding 5: the review video handed to the vendor must be one of the URL's exam."""

    @pytest.fixture
    def video_urls(self, test_backend, monkeypatch):
        seen = []
        original = test_backend.get_instructor_url

        def recording(*args, **kwargs):
            seen.append(kwargs.get("encrypted_video_review_url"))
            return original(*args, **kwargs)

        monkeypatch.setattr(test_backend, "get_instructor_url", recording)
        return seen

    @pytest.fixture
    def course_a_review(self, exam, learner):
        attempt = AttemptFactory(proctored_exam=exam, user=learner, external_id="ext-course-a")
        ReviewFactory(attempt_code=attempt.attempt_code, encrypted_video_url=b"course-a-video")
        return attempt

    def test_staff_of_course_b_cannot_reach_a_course_a_video(
        self, services, other_course_staff, other_exam, course_a_review, video_urls
    ):
        with override_switch("edx_proctoring.reds_api_redirect", active=True):
            response = client_for(other_course_staff).get(
                _url("instructor_dashboard_exam", OTHER_COURSE_ID, other_exam.id), {"attempt": "ext-course-a"}
            )

        assert response.status_code == 400
        assert video_urls == []

    def test_an_attempt_of_another_exam_of_the_same_course_is_a_400(
        self, services, course_staff, learner, course_a_review, video_urls
    ):
        sibling = ProctoredExamFactory(backend="test")
        with override_switch("edx_proctoring.reds_api_redirect", active=True):
            response = client_for(course_staff).get(
                _url("instructor_dashboard_exam", COURSE_ID, sibling.id), {"attempt": "ext-course-a"}
            )

        assert response.status_code == 400
        assert video_urls == []

    def test_an_unknown_attempt_is_a_400(self, services, course_staff, exam, video_urls):
        response = client_for(course_staff).get(
            _url("instructor_dashboard_exam", COURSE_ID, exam.id), {"attempt": "no-such-attempt"}
        )

        assert response.status_code == 400
        assert video_urls == []

    def test_staff_of_the_course_get_their_own_learners_video(
        self, services, course_staff, exam, course_a_review, video_urls
    ):
        with override_switch("edx_proctoring.reds_api_redirect", active=True):
            response = client_for(course_staff).get(
                _url("instructor_dashboard_exam", COURSE_ID, exam.id), {"attempt": "ext-course-a"}
            )

        assert response.status_code == 302
        assert response["Location"].endswith("/ext-course-a")
        assert video_urls == [b"course-a-video"]

    def test_a_removed_attempt_of_the_exam_still_opens_the_vendor_dashboard(
        self, services, course_staff, exam, learner, video_urls
    ):
        attempt = AttemptFactory(proctored_exam=exam, user=learner, external_id="ext-removed")
        attempt.delete()

        response = client_for(course_staff).get(
            _url("instructor_dashboard_exam", COURSE_ID, exam.id), {"attempt": "ext-removed"}
        )

        assert response.status_code == 302
        assert video_urls == [None]

    def test_a_removed_attempt_of_another_course_is_a_400(
        self, services, other_course_staff, other_exam, exam, learner, video_urls
    ):
        AttemptFactory(proctored_exam=exam, user=learner, external_id="ext-removed").delete()

        response = client_for(other_course_staff).get(
            _url("instructor_dashboard_exam", OTHER_COURSE_ID, other_exam.id), {"attempt": "ext-removed"}
        )

        assert response.status_code == 400
        assert video_urls == []
