"""The staff checks of edx_proctoring.http.permissions, pinned where `make mutate` found them unguarded.

The decorators are exercised directly, on a stand-in view, with requests shaped like DRF's (a user and the
parsed body): a host without the instructor service, callers who are not staff naming objects that do not
exist, bodies naming nothing (absent, null, empty), non-mapping bodies and the body/URL agreement rules.
One test goes through a real staff route to show what a host without the instructor service answers.
"""

import json
from types import SimpleNamespace

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse
from rest_framework.response import Response

from edx_proctoring import runtime
from edx_proctoring.exceptions import ProctoredExamNotFoundException, StudentExamAttemptDoesNotExistsException
from edx_proctoring.http import permissions
from edx_proctoring.http.errors import BadRequest
from edx_proctoring.models import ProctoredExamStudentAttempt
from edx_proctoring.tests.factories import COURSE_ID, AttemptFactory, ProctoredExamFactory, UserFactory
from edx_proctoring.tests.rest.conftest import OTHER_COURSE_ID, CourseStaffInstructorService, client_for
from edx_proctoring.tests.test_services import MockInstructorService

pytestmark = pytest.mark.django_db

UNKNOWN_ID = 987654
STAFF_ONLY = {"detail": "Must be a Staff User to Perform this request."}
NO_COURSE = {"detail": "could not determine the course_id"}


def view(request, *args, **kwargs):
    """The protected view: it answers 200 with what it was called with."""
    return Response({"args": list(args), "kwargs": kwargs}, status=200)


staff_view = permissions.require_course_or_global_staff(view)
global_staff_view = permissions.require_staff(view)


def call(user, body=None, **url_kwargs):
    """Call the protected view as DRF would: the body parsed from JSON, so its strings are new objects."""
    request = SimpleNamespace(user=user, data=json.loads(json.dumps({} if body is None else body)))
    return staff_view(request, **url_kwargs)


@pytest.fixture
def instructor():
    service = CourseStaffInstructorService({COURSE_ID: {"coursestaff"}, OTHER_COURSE_ID: {"otherstaff"}})
    runtime.set_runtime_service("instructor", service)
    return service


@pytest.fixture
def everyone_is_course_staff():
    """A host whose instructor service says yes to anybody, for any course id it is asked about."""
    service = MockInstructorService(is_user_course_staff=True)
    runtime.set_runtime_service("instructor", service)
    return service


@pytest.fixture
def learner():
    return UserFactory(username="alice")


@pytest.fixture
def course_staff():
    return UserFactory(username="coursestaff")


@pytest.fixture
def global_staff():
    return UserFactory(username="globalstaff", is_staff=True)


@pytest.fixture
def exam():
    return ProctoredExamFactory(course_id=COURSE_ID)


@pytest.fixture
def other_exam():
    return ProctoredExamFactory(course_id=OTHER_COURSE_ID)


@pytest.fixture
def attempt(exam, learner):
    return AttemptFactory(proctored_exam=exam, user=learner)


# Who is staff of a course.


class TestIsUserCourseOrGlobalStaff:
    def test_a_host_without_the_instructor_service_knows_no_course_staff(self, course_staff):
        assert runtime.get_runtime_service("instructor") is None
        assert not permissions.is_user_course_or_global_staff(course_staff, COURSE_ID)

    def test_global_staff_are_staff_of_every_course_even_without_the_instructor_service(self, global_staff):
        assert permissions.is_user_course_or_global_staff(global_staff, COURSE_ID)
        assert permissions.is_user_course_or_global_staff(global_staff, None)

    @pytest.mark.parametrize("course_id", [None, ""])
    def test_nobody_but_global_staff_is_staff_of_no_course(self, everyone_is_course_staff, learner, course_id):
        assert not permissions.is_user_course_or_global_staff(learner, course_id)

    def test_the_instructor_service_is_asked_about_the_course_as_a_string(self, instructor, course_staff, learner):
        assert permissions.is_user_course_or_global_staff(course_staff, COURSE_ID)
        assert not permissions.is_user_course_or_global_staff(course_staff, OTHER_COURSE_ID)
        assert not permissions.is_user_course_or_global_staff(learner, COURSE_ID)

    def test_a_user_model_without_is_staff_is_not_global_staff_at_a_staff_route(self, instructor, exam):
        caller = SimpleNamespace(username="mallory")
        assert call(caller, exam_id=exam.id).data == STAFF_ONLY
        with pytest.raises(ProctoredExamNotFoundException):
            call(caller, exam_id=UNKNOWN_ID)

    def test_a_caller_without_an_is_staff_attribute_is_not_global_staff(self):
        assert not permissions.is_user_course_or_global_staff(object(), None)
        assert not permissions.is_user_course_or_global_staff(AnonymousUser(), COURSE_ID)


# Global staff only.


class TestRequireStaff:
    def test_only_global_staff_reach_the_view(self, everyone_is_course_staff, global_staff, course_staff):
        allowed = global_staff_view(SimpleNamespace(user=global_staff, data={}), exam_id=1)
        refused = global_staff_view(SimpleNamespace(user=course_staff, data={}), exam_id=1)
        assert allowed.status_code == 200
        assert allowed.data == {"args": [], "kwargs": {"exam_id": 1}}
        assert refused.status_code == 403
        assert refused.data == STAFF_ONLY

    def test_the_decorators_keep_the_views_name_and_documentation(self):
        for decorated in (staff_view, global_staff_view):
            assert decorated.__name__ == "view"
            assert decorated.__doc__ == view.__doc__
            assert decorated.__wrapped__ is view


# Course or global staff.


class TestAHostWithoutTheInstructorService:
    def test_course_staff_and_learners_are_refused_and_global_staff_pass(self, exam, course_staff, global_staff):
        assert call(course_staff, exam_id=exam.id).data == STAFF_ONLY
        assert call(course_staff, course_id=COURSE_ID).status_code == 403
        assert call(global_staff, exam_id=exam.id).status_code == 200

    def test_a_staff_route_refuses_a_learner_resetting_another_learners_attempts(self, exam, attempt):
        url = reverse("edx_proctoring:proctored_exam.attempts.reset", args=[exam.id, attempt.user_id])
        response = client_for(UserFactory(username="mallory")).delete(url)
        assert response.status_code == 403
        assert ProctoredExamStudentAttempt.objects.filter(id=attempt.id).exists()


class TestCourseStaff:
    def test_staff_of_the_url_exams_course_reach_the_view_with_its_arguments(self, instructor, exam, course_staff):
        response = call(course_staff, exam_id=exam.id, user_id=5)
        assert response.status_code == 200
        assert response.data["kwargs"] == {"exam_id": exam.id, "user_id": 5}

    def test_staff_of_another_course_are_refused(self, instructor, other_exam, course_staff):
        assert call(course_staff, exam_id=other_exam.id).data == STAFF_ONLY
        assert call(course_staff, course_id=OTHER_COURSE_ID).data == STAFF_ONLY

    def test_staff_of_the_course_of_the_url_attempt_reach_the_view(self, instructor, attempt, course_staff):
        assert call(course_staff, attempt_id=attempt.id).status_code == 200
        assert call(course_staff, attempt_id=str(attempt.id)).status_code == 200

    def test_every_object_the_url_names_must_be_in_a_course_of_the_caller(
        self, instructor, exam, other_exam, course_staff
    ):
        assert call(course_staff, course_id=COURSE_ID, exam_id=other_exam.id).data == STAFF_ONLY
        assert call(course_staff, course_id=COURSE_ID, exam_id=exam.id).status_code == 200

    def test_a_caller_naming_nothing_cannot_be_placed_in_a_course(self, everyone_is_course_staff, learner):
        assert call(learner).status_code == 403
        assert call(learner).data == NO_COURSE
        assert call(learner, {"exam_id": None, "course_id": ""}).data == NO_COURSE


class TestNamedObjectsThatDoNotExist:
    """Nobody passes because a check found nothing to check (issue 9, finding 1)."""

    @pytest.mark.parametrize("ref", [UNKNOWN_ID, str(UNKNOWN_ID), "not-an-id", True])
    def test_a_learner_naming_an_exam_that_does_not_exist_is_answered_not_found(
        self, everyone_is_course_staff, learner, ref
    ):
        with pytest.raises(ProctoredExamNotFoundException):
            call(learner, exam_id=ref)

    @pytest.mark.parametrize("ref", [UNKNOWN_ID, "not-an-id"])
    def test_a_learner_naming_an_attempt_that_does_not_exist_is_answered_not_found(
        self, everyone_is_course_staff, learner, ref
    ):
        with pytest.raises(StudentExamAttemptDoesNotExistsException):
            call(learner, attempt_id=ref)

    def test_a_missing_object_beside_an_existing_one_is_still_not_found(self, instructor, course_staff, exam):
        with pytest.raises(StudentExamAttemptDoesNotExistsException):
            call(course_staff, exam_id=exam.id, attempt_id=UNKNOWN_ID)

    def test_a_body_exam_that_does_not_exist_on_a_route_naming_nothing_is_not_found(
        self, everyone_is_course_staff, learner
    ):
        with pytest.raises(ProctoredExamNotFoundException):
            call(learner, {"exam_id": UNKNOWN_ID})

    def test_global_staff_reach_the_view_which_gives_the_routes_own_answer(self, global_staff):
        assert call(global_staff, exam_id=UNKNOWN_ID).status_code == 200
        assert call(global_staff, attempt_id=UNKNOWN_ID).status_code == 200
        assert call(global_staff).status_code == 200

    def test_a_body_mentioning_an_exam_that_does_not_exist_is_a_400_even_for_global_staff(
        self, instructor, course_staff, global_staff
    ):
        for caller in (course_staff, global_staff):
            with pytest.raises(BadRequest, match="does not exist"):
                call(caller, {"exam_id": UNKNOWN_ID}, course_id=COURSE_ID)


class TestTheBodyAgreesWithTheUrl:
    @pytest.mark.parametrize("body_exam", ["same", "same-as-string", None, ""])
    def test_a_body_repeating_the_url_exam_or_naming_none_passes(self, instructor, course_staff, exam, body_exam):
        value = {"same": exam.id, "same-as-string": str(exam.id)}.get(body_exam, body_exam)
        assert call(course_staff, {"exam_id": value}, exam_id=exam.id).status_code == 200

    def test_a_body_naming_another_exam_than_the_url_is_a_400_whoever_asks(
        self, instructor, course_staff, global_staff, exam
    ):
        same_course = ProctoredExamFactory(course_id=COURSE_ID)
        for caller in (course_staff, global_staff):
            with pytest.raises(BadRequest, match="exam_id"):
                call(caller, {"exam_id": same_course.id}, exam_id=exam.id)
            with pytest.raises(BadRequest, match="exam_id"):
                call(caller, {"exam_id": "not-an-id"}, exam_id=exam.id)

    def test_a_body_repeating_the_url_attempt_passes_and_naming_another_is_a_400(
        self, instructor, course_staff, attempt
    ):
        assert call(course_staff, {"attempt_id": attempt.id}, attempt_id=attempt.id).status_code == 200
        assert call(course_staff, {"attempt_id": str(attempt.id)}, attempt_id=attempt.id).status_code == 200
        with pytest.raises(BadRequest, match="attempt_id"):
            call(course_staff, {"attempt_id": attempt.id + 1}, attempt_id=attempt.id)

    def test_large_ids_in_the_body_are_compared_by_value(self, instructor, course_staff):
        big_exam = ProctoredExamFactory(id=100_000, course_id=COURSE_ID)
        big_attempt = AttemptFactory(id=200_000, proctored_exam=big_exam)
        assert call(course_staff, {"user_id": 300_000}, exam_id=big_exam.id, user_id=300_000).status_code == 200
        assert call(course_staff, {"exam_id": 100_000}, attempt_id=big_attempt.id).status_code == 200

    def test_a_body_naming_another_learner_than_the_url_is_a_400(self, instructor, course_staff, exam):
        with pytest.raises(BadRequest, match="user_id"):
            call(course_staff, {"user_id": 7}, exam_id=exam.id, user_id=8)
        assert call(course_staff, {"user_id": "8"}, exam_id=exam.id, user_id=8).status_code == 200

    def test_a_body_course_must_be_the_url_course_as_a_string(self, instructor, course_staff):
        assert call(course_staff, {"course_id": COURSE_ID}, course_id=COURSE_ID).status_code == 200
        for other in (OTHER_COURSE_ID, "course-v1:edX+Zebra+2026", "course-v1:edX+Proctoring+2026x"):
            with pytest.raises(BadRequest, match="course_id"):
                call(course_staff, {"course_id": other}, course_id=COURSE_ID)
        with pytest.raises(BadRequest, match="course_id"):
            call(course_staff, {"course_id": 2026}, course_id=COURSE_ID)

    def test_a_body_exam_must_be_in_the_course_the_url_names(self, instructor, course_staff, exam, other_exam):
        assert call(course_staff, {"exam_id": exam.id}, course_id=COURSE_ID).status_code == 200
        later_course_exam = ProctoredExamFactory(course_id="course-v1:edX+Zebra+2026")
        for foreign in (other_exam, later_course_exam):
            with pytest.raises(BadRequest, match="not part of"):
                call(course_staff, {"exam_id": foreign.id}, course_id=COURSE_ID)

    def test_a_body_exam_must_be_the_exam_of_the_url_attempt(self, instructor, course_staff, exam, attempt):
        assert call(course_staff, {"exam_id": exam.id}, attempt_id=attempt.id).status_code == 200
        later_exam = ProctoredExamFactory(course_id=COURSE_ID)
        with pytest.raises(BadRequest, match="not part of"):
            call(course_staff, {"exam_id": later_exam.id}, attempt_id=attempt.id)
        attempt_on_later_exam = AttemptFactory(proctored_exam=later_exam)
        with pytest.raises(BadRequest, match="not part of"):
            call(course_staff, {"exam_id": exam.id}, attempt_id=attempt_on_later_exam.id)

    def test_a_non_staff_caller_is_refused_before_being_told_about_the_body(self, instructor, learner, exam):
        assert call(learner, {"exam_id": UNKNOWN_ID}, course_id=COURSE_ID).data == STAFF_ONLY

    @pytest.mark.parametrize("body", [[1, 2], "text", None])
    def test_a_body_that_is_not_an_object_names_nothing(self, instructor, course_staff, exam, body):
        request = SimpleNamespace(user=course_staff, data=body)
        assert staff_view(request, exam_id=exam.id).status_code == 200
        assert staff_view(SimpleNamespace(user=course_staff), exam_id=exam.id).status_code == 200


class TestARouteWhoseUrlNamesNothing:
    """Allowance PUT/DELETE and the bulk allowance: the body's exam is what the request acts on."""

    def test_the_body_exam_decides_the_course(self, instructor, course_staff, exam, other_exam):
        assert call(course_staff, {"exam_id": exam.id}).status_code == 200
        assert call(course_staff, {"exam_id": other_exam.id}).data == STAFF_ONLY

    def test_without_an_exam_the_body_course_decides(self, instructor, course_staff):
        assert call(course_staff, {"course_id": COURSE_ID}).status_code == 200
        assert call(course_staff, {"course_id": OTHER_COURSE_ID}).data == STAFF_ONLY

    def test_a_body_course_beside_the_body_exam_must_be_the_exams_course(self, instructor, course_staff, exam):
        assert call(course_staff, {"exam_id": exam.id, "course_id": COURSE_ID}).status_code == 200
        with pytest.raises(BadRequest, match="not part of"):
            call(course_staff, {"exam_id": exam.id, "course_id": OTHER_COURSE_ID})

    def test_a_body_course_that_is_not_a_string_is_a_400(self, instructor, course_staff):
        with pytest.raises(BadRequest, match="course_id must be a string"):
            call(course_staff, {"course_id": ["course-v1:edX+Proctoring+2026"]})
