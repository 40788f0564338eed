"""Fixtures of the REST tests: the callers of the authorization matrix and an instructor service that knows
who is staff of which course."""

import pytest
from django.contrib.auth.models import Group
from rest_framework.test import APIClient

from edx_proctoring import runtime
from edx_proctoring.tests.factories import COURSE_ID, ProctoredExamFactory, UserFactory
from edx_proctoring.tests.test_services import MockInstructorService

OTHER_COURSE_ID = "course-v1:edX+Other+2026"


class CourseStaffInstructorService(MockInstructorService):
    """Course staff are the users listed per course; everyone else is not staff."""

    def __init__(self, staff_by_course=None):
        super().__init__(is_user_course_staff=False)
        self.staff_by_course = staff_by_course or {}

    def is_course_staff(self, user, course_id):
        return user.username in self.staff_by_course.get(str(course_id), ())


@pytest.fixture
def services(host_services):
    instructor = CourseStaffInstructorService({COURSE_ID: {"coursestaff"}, OTHER_COURSE_ID: {"otherstaff"}})
    runtime.set_runtime_service("instructor", instructor)
    host_services["instructor"] = instructor
    return host_services


@pytest.fixture
def learner(db):
    return UserFactory(username="alice")


@pytest.fixture
def other_learner(db):
    return UserFactory(username="bob")


@pytest.fixture
def course_staff(db):
    return UserFactory(username="coursestaff")


@pytest.fixture
def other_course_staff(db):
    return UserFactory(username="otherstaff")


@pytest.fixture
def global_staff(db):
    return UserFactory(username="globalstaff", is_staff=True)


@pytest.fixture
def vendor(db):
    user = UserFactory(username="vendor")
    group, _ = Group.objects.get_or_create(name="test_review")
    user.groups.add(group)
    return user


@pytest.fixture
def exam(db):
    return ProctoredExamFactory(backend="test", content_id="block-v1:edX+Proctoring+2026+type@sequential+block@exam")


def client_for(user=None):
    client = APIClient()
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def api():
    return client_for
