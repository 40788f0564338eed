"""Every endpoint, called by every kind of caller, answers the expected status.

Callers: anonymous, another learner (not the owner of the attempt), staff of another course, staff of the
course, global staff, and the vendor review principal of the exam's backend (group ``test_review``).
"""

import sys
import types
from datetime import UTC, datetime, timedelta
from urllib.parse import urlencode

import pytest
from django.urls import reverse

from edx_proctoring.tests.factories import (
    COURSE_ID,
    AllowanceFactory,
    AttemptFactory,
    PracticeExamFactory,
    TimedExamFactory,
)
from edx_proctoring.tests.rest.conftest import client_for

pytestmark = pytest.mark.django_db

ROLES = ("anonymous", "other_learner", "other_course_staff", "course_staff", "global_staff", "vendor")


def _url(name, *args):
    return reverse(f"edx_proctoring:{name}", args=args)


def expect(anonymous, other_learner, other_course_staff, course_staff, global_staff, vendor):
    return dict(
        zip(ROLES, (anonymous, other_learner, other_course_staff, course_staff, global_staff, vendor), strict=True)
    )


def everyone(code, anonymous=403):
    return expect(anonymous, code, code, code, code, code)


def course_staff_only(code):
    return expect(403, 403, 403, code, code, 403)


def global_staff_only(code, others=403):
    return expect(403, others, others, others, code, others)


def allowance_body(s):
    return {"exam_id": s["exam"].id, "user_info": "alice", "key": "additional_time_granted", "value": "10"}


def bulk_body(s):
    return {
        "exam_ids": str(s["exam"].id),
        "user_ids": "alice",
        "allowance_type": "additional_time_granted",
        "value": "5",
    }


# (case id, method, url(state), body(state) or None, expected status per role)
CASES = [
    ("exam.post", "post", lambda s: _url("proctored_exam.exam"), lambda s: {}, global_staff_only(400)),
    ("exam.put", "put", lambda s: _url("proctored_exam.exam"), lambda s: {}, global_staff_only(400)),
    ("exam_by_id", "get", lambda s: _url("proctored_exam.exam_by_id", s["exam"].id), None, everyone(200)),
    ("exams_by_course", "get", lambda s: _url("proctored_exam.exams_by_course_id", COURSE_ID), None, everyone(200)),
    (
        "register_exams",
        "patch",
        lambda s: _url("proctored_exam.register_exams_by_course_id", "course-v1:edX+Empty+2026"),
        lambda s: [],
        global_staff_only(200),
    ),
    ("attempt.get", "get", lambda s: _url("proctored_exam.attempt", s["attempt"].id), None, everyone(403)),
    (
        "attempt.put",
        "put",
        lambda s: _url("proctored_exam.attempt", s["attempt"].id),
        lambda s: {"action": "error"},
        everyone(403),
    ),
    (
        "attempt.put_user_id",
        "put",
        lambda s: _url("proctored_exam.attempt", s["attempt"].id),
        lambda s: {"action": "submit", "user_id": s["alice"].id},
        everyone(403),
    ),
    (
        "attempt.delete",
        "delete",
        lambda s: _url("proctored_exam.attempt", s["attempt"].id),
        None,
        course_staff_only(200),
    ),
    (
        "grouped",
        "get",
        lambda s: _url("proctored_exam.attempts.grouped.course", COURSE_ID),
        None,
        course_staff_only(200),
    ),
    (
        "grouped.search",
        "get",
        lambda s: _url("proctored_exam.attempts.grouped.search", COURSE_ID, "ali"),
        None,
        course_staff_only(200),
    ),
    ("collection.get", "get", lambda s: _url("proctored_exam.attempt.collection"), None, everyone(200)),
    (
        "collection.post",
        "post",
        lambda s: _url("proctored_exam.attempt.collection"),
        lambda s: {"exam_id": s["timed"].id},
        everyone(200),
    ),
    (
        "review_status",
        "put",
        lambda s: _url("proctored_exam.attempt.review_status", s["attempt"].id),
        None,
        everyone(404),
    ),
    (
        "ready_callback",
        "post",
        lambda s: _url("proctored_exam.attempt.ready_callback", "ext-1"),
        None,
        expect(403, 403, 403, 403, 200, 200),
    ),
    (
        "review_callback",
        "post",
        lambda s: _url("proctored_exam.attempt.callback", "ext-1"),
        lambda s: {"status": "passed"},
        expect(403, 403, 403, 403, 200, 200),
    ),
    ("allowance.list", "get", lambda s: _url("proctored_exam.allowance", COURSE_ID), None, course_staff_only(200)),
    ("allowance.put", "put", lambda s: _url("proctored_exam.allowance"), allowance_body, course_staff_only(200)),
    (
        "allowance.delete",
        "delete",
        lambda s: _url("proctored_exam.allowance"),
        lambda s: {"exam_id": s["exam"].id, "user_id": s["alice"].id, "key": "additional_time_granted"},
        course_staff_only(200),
    ),
    (
        "bulk_allowance.course",
        "put",
        lambda s: _url("proctored_exam.bulk_allowance", COURSE_ID),
        bulk_body,
        course_staff_only(200),
    ),
    (
        "bulk_allowance",
        "put",
        lambda s: _url("proctored_exam.bulk_allowance"),
        lambda s: {**bulk_body(s), "course_id": COURSE_ID},
        course_staff_only(200),
    ),
    (
        "allowance.grouped",
        "get",
        lambda s: _url("proctored_exam.allowance.grouped.course", COURSE_ID),
        None,
        course_staff_only(200),
    ),
    (
        "active_exams_for_user",
        "get",
        lambda s: (
            _url("proctored_exam.active_exams_for_user")
            + "?"
            + urlencode({"user_id": s["alice"].id, "course_id": COURSE_ID})
        ),
        None,
        course_staff_only(200),
    ),
    (
        "onboarding.status",
        "get",
        lambda s: _url("user_onboarding.status") + "?" + urlencode({"course_id": COURSE_ID, "username": "alice"}),
        None,
        expect(403, 403, 403, 404, 404, 403),
    ),
    (
        "onboarding.course",
        "get",
        lambda s: _url("user_onboarding.status.course", COURSE_ID),
        None,
        course_staff_only(200),
    ),
    (
        "instructor.course",
        "get",
        lambda s: _url("instructor_dashboard_course", COURSE_ID),
        None,
        course_staff_only(302),
    ),
    (
        "instructor.exam",
        "get",
        lambda s: _url("instructor_dashboard_exam", COURSE_ID, s["exam"].id),
        None,
        course_staff_only(302),
    ),
    (
        "retire_backend_user",
        "post",
        lambda s: _url("backend_user_deletion_api", s["alice"].id),
        None,
        global_staff_only(200),
    ),
    ("retire_user", "post", lambda s: _url("user_retirement_api", s["alice"].id), None, global_staff_only(204)),
    (
        "exam_attempts",
        "get",
        lambda s: _url("proctored_exam.exam_attempts", COURSE_ID) + f"?content_id={s['exam'].content_id}",
        None,
        everyone(200),
    ),
    (
        "exam_attempts.user_id",
        "get",
        lambda s: _url("proctored_exam.exam_attempts", COURSE_ID) + f"?user_id={s['alice'].id}",
        None,
        global_staff_only(200),
    ),
    ("active_attempt", "get", lambda s: _url("proctored_exam.active_attempt"), None, everyone(200)),
    (
        "active_attempt.user_id",
        "get",
        lambda s: _url("proctored_exam.active_attempt") + f"?user_id={s['alice'].id}",
        None,
        global_staff_only(200),
    ),
    (
        "proctoring_settings",
        "get",
        lambda s: _url("proctored_exam.proctoring_settings", s["exam"].id),
        None,
        everyone(200),
    ),
    ("review_policy", "get", lambda s: _url("proctored_exam.review_policy", s["exam"].id), None, everyone(200)),
    (
        "launch_callback",
        "get",
        lambda s: _url("anonymous.proctoring_launch_callback.start_exam", s["attempt"].attempt_code),
        None,
        everyone(302, anonymous=302),
    ),
    (
        "anonymous_review_callback",
        "post",
        lambda s: _url("anonymous.proctoring_review_callback"),
        lambda s: {"examMetaData": {"examCode": s["attempt"].attempt_code}},
        everyone(200, anonymous=200),
    ),
    (
        "reset_attempts",
        "delete",
        lambda s: _url("proctored_exam.attempts.reset", s["exam"].id, s["alice"].id),
        None,
        course_staff_only(200),
    ),
    ("schema", "get", lambda s: _url("proctored_exam.schema"), None, everyone(200, anonymous=200)),
]


@pytest.fixture
def state(services, exam, learner, monkeypatch):
    module = types.ModuleType("edx_proctoring.reviews")
    module.make_review = lambda **kwargs: None
    monkeypatch.setitem(sys.modules, "edx_proctoring.reviews", module)
    attempt = AttemptFactory(
        proctored_exam=exam,
        user=learner,
        external_id="ext-1",
        status="started",
        started_at=datetime.now(UTC) - timedelta(minutes=1),
        allowed_time_limit_mins=60,
    )
    AllowanceFactory(proctored_exam=exam, user=learner)
    return {
        "exam": exam,
        "alice": learner,
        "attempt": attempt,
        "timed": TimedExamFactory(),
        "onboarding": PracticeExamFactory(),
    }


@pytest.fixture
def callers(other_learner, other_course_staff, course_staff, global_staff, vendor):
    return {
        "anonymous": None,
        "other_learner": other_learner,
        "other_course_staff": other_course_staff,
        "course_staff": course_staff,
        "global_staff": global_staff,
        "vendor": vendor,
    }


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("case", "method", "url", "body", "expected"), CASES, ids=[case[0] for case in CASES])
def test_authorization(state, callers, role, case, method, url, body, expected):
    client = client_for(callers[role])
    kwargs = {"format": "json"} if body is not None else {}
    data = body(state) if body is not None else None
    response = getattr(client, method)(url(state), data, **kwargs)
    assert response.status_code == expected[role], (case, role, getattr(response, "data", response.content))


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
        "proctored_exam.exam_attempts",
        "proctored_exam.active_attempt",
        "proctored_exam.proctoring_settings",
        "proctored_exam.review_policy",
        "anonymous.proctoring_launch_callback.start_exam",
        "anonymous.proctoring_review_callback",
        "proctored_exam.attempts.reset",
        "proctored_exam.schema",
    }
    # exam_by_content_id shares ProctoredExamView.get with exams_by_course_id (tested in test_staff_views).
    assert names - covered == {"proctored_exam.exam_by_content_id"}
