"""Every endpoint, called by every kind of caller, answers the expected status, and a refused write writes nothing.

The cases (routes, bodies naming other or unknown objects, and the answer each caller gets) are in
`authorization_cases.py`; this module sets up the objects they name and runs them.
"""

import sys
import types
from datetime import UTC, datetime, timedelta

import pytest
from django.contrib.auth.models import Group
from django.db import transaction
from django.test import override_settings

from edx_proctoring.models import (
    ProctoredExam,
    ProctoredExamStudentAllowance,
    ProctoredExamStudentAttempt,
    ProctoredExamTimeAdjustment,
)
from edx_proctoring.tests.factories import (
    AllowanceFactory,
    AttemptFactory,
    PracticeExamFactory,
    ProctoredExamFactory,
    TimedExamFactory,
    UserFactory,
)
from edx_proctoring.tests.rest.authorization_cases import CASES, PSI_COURSE_ID, ROLES, WRITE_METHODS
from edx_proctoring.tests.rest.conftest import OTHER_COURSE_ID, client_for

pytestmark = pytest.mark.django_db


def _build_world() -> dict:
    """The people and objects the cases name (the same people as the fixtures of rest/conftest.py)."""
    learner = UserFactory(username="alice")
    other_learner = UserFactory(username="bob")
    vendor = UserFactory(username="vendor")
    vendor.groups.add(Group.objects.get_or_create(name="test_review")[0])
    exam = ProctoredExamFactory(backend="test", content_id="block-v1:edX+Proctoring+2026+type@sequential+block@exam")
    attempt = AttemptFactory(
        proctored_exam=exam,
        user=learner,
        external_id="ext-1",
        status="started",
        started_at=datetime.now(UTC) - timedelta(minutes=1),
        allowed_time_limit_mins=60,
    )
    other_exam = ProctoredExamFactory(course_id=OTHER_COURSE_ID, backend="test")
    AllowanceFactory(proctored_exam=exam, user=learner)
    AllowanceFactory(proctored_exam=exam, user=learner, key="break_minutes", value="10")
    # In a course of its own: a course whose proctored exams use two backends has no single instructor dashboard.
    psi_exam = ProctoredExamFactory(course_id=PSI_COURSE_ID, backend="software_secure")
    state = {
        "exam": exam,
        "alice": learner,
        "bob": other_learner,
        "attempt": attempt,
        "other_exam": other_exam,
        "attempt_b": AttemptFactory(proctored_exam=other_exam, user=learner, external_id="ext-b"),
        "psi_attempt": AttemptFactory(proctored_exam=psi_exam, user=other_learner, status="created"),
        "timed": TimedExamFactory(),
        "onboarding": PracticeExamFactory(),
    }
    callers = {
        "anonymous": None,
        "owner": learner,
        "other_learner": other_learner,
        "other_course_staff": UserFactory(username="otherstaff"),
        "course_staff": UserFactory(username="coursestaff"),
        "global_staff": UserFactory(username="globalstaff", is_staff=True),
        "vendor": vendor,
    }
    return {"state": state, "callers": callers}


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """The world of every case, written once for the module's ~900 tests instead of once per test.

    It is written in a transaction that stays open while the module runs: each test's own transaction nests
    in it as a savepoint (pytest-django's db), so what a test writes is undone after the test, and the
    world itself is rolled back after the last one.
    """
    with django_db_blocker.unblock(), transaction.atomic():
        yield _build_world()
        transaction.set_rollback(True)


@pytest.fixture
def state(world, services, monkeypatch):
    module = types.ModuleType("edx_proctoring.reviews")
    module.make_review = lambda **kwargs: None
    monkeypatch.setitem(sys.modules, "edx_proctoring.reviews", module)
    return world["state"]


@pytest.fixture
def callers(world):
    return world["callers"]


def database_snapshot():
    """What a refused write must leave exactly as it was."""
    return {
        "attempts": sorted(
            ProctoredExamStudentAttempt.objects.values_list("id", "status", "user_id", "proctored_exam_id")
        ),
        "allowances": sorted(
            ProctoredExamStudentAllowance.objects.values_list("id", "user_id", "proctored_exam_id", "key", "value")
        ),
        "exams": sorted(ProctoredExam.objects.values_list("id", "exam_name", "is_active", "is_proctored")),
        "time_adjustments": sorted(ProctoredExamTimeAdjustment.objects.values_list("id", "attempt_id", "kind")),
    }


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_authorization(state, callers, role, case):
    client = client_for(callers[role])
    kwargs = {"format": "json"} if case.body is not None else {}
    data = case.body(state) if case.body is not None else None
    before = database_snapshot()

    with override_settings(**(case.settings or {})):
        response = getattr(client, case.method)(case.url(state), data, **kwargs)

    assert response.status_code == case.expected[role], (case.id, role, getattr(response, "data", response.content))
    if case.method in WRITE_METHODS and response.status_code >= 400:
        assert database_snapshot() == before, (case.id, role)


def test_the_matrix_cases_have_unique_ids():
    ids = [case.id for case in CASES]
    assert len(ids) == len(set(ids))


def test_every_route_is_in_the_matrix():
    from edx_proctoring import urls

    names = {pattern.name for pattern in urls.urlpatterns if getattr(pattern, "name", None)}
    covered = {
        "proctored_exam.exam",
        "proctored_exam.exam_by_id",
        "proctored_exam.exams_by_course_id",
        "proctored_exam.register_exams_by_course_id",
        "proctored_exam.attempt",
        "proctored_exam.attempts.grouped.course",
        "proctored_exam.attempts.grouped.search",
        "proctored_exam.attempt.collection",
        "proctored_exam.attempt.review_status",
        "proctored_exam.attempt.time_adjustments",
        "proctored_exam.attempt.ready_callback",
        "proctored_exam.attempt.callback",
        "proctored_exam.allowance",
        "proctored_exam.bulk_allowance",
        "proctored_exam.allowance.grouped.course",
        "proctored_exam.active_exams_for_user",
        "user_onboarding.status",
        "user_onboarding.status.course",
        "instructor_dashboard_course",
        "instructor_dashboard_exam",
        "backend_user_deletion_api",
        "user_retirement_api",
        "learner_data_export",
        "proctored_exam.exam_attempts",
        "proctored_exam.active_attempt",
        "proctored_exam.proctoring_settings",
        "proctored_exam.review_policy",
        "anonymous.proctoring_launch_callback.start_exam",
        "anonymous.proctoring_review_callback",
        "proctored_exam.attempts.reset",
        "proctored_exam.schema",
        "lti_token",
        "lti_acs",
        "lti_course_tool",
        "lti_attempt_incidents",
        "lti_start",
        "lti_authorize",
        "lti_start_assessment",
        "lti_jwks",
    }
    # exam_by_content_id shares ProctoredExamView.get with exams_by_course_id (tested in test_staff_views).
    assert names - covered == {"proctored_exam.exam_by_content_id"}
