"""Schemathesis against the OpenAPI document: every operation, 200 generated requests each, for a signed-in
learner and for a staff member. No response may be a 5xx, and every response must match the schema.

Marked ``fuzz``: excluded from ``make test``, run by ``make fuzz``. Reproducible (derandomized).
"""

from __future__ import annotations

import hashlib
import os
import traceback
from collections import Counter

import pytest
import schemathesis
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.signals import got_request_exception
from django.core.wsgi import get_wsgi_application
from django.test import Client, override_settings
from hypothesis import HealthCheck, Phase
from hypothesis import settings as hypothesis_settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from edx_proctoring import runtime
from edx_proctoring.tests.factories import (
    COURSE_ID,
    AllowanceFactory,
    AttemptFactory,
    PracticeExamFactory,
    ProctoredExamFactory,
    TimedExamFactory,
    UserFactory,
)
from edx_proctoring.tests.rest.conftest import CourseStaffInstructorService
from edx_proctoring.timing import now

pytestmark = [pytest.mark.fuzz, pytest.mark.django_db]

SCHEMA_PATH = "/api/edx_proctoring/v1/schema/?format=json"
EXAMPLES_PER_OPERATION = int(os.environ.get("FUZZ_EXAMPLES", "200"))
ROLES = ("learner", "staff")
CHECKS = [not_a_server_error, response_schema_conformance]

# Requests made, per (role, method, path), for the summary `make fuzz` prints.
CALLS: Counter = Counter()


WSGI_HOST = "localhost"  # the Host header of schemathesis' WSGI client


def _load_schema():
    """The document as the app serves it; requests go straight to the Django WSGI app (the test database)."""
    with override_settings(ALLOWED_HOSTS=[WSGI_HOST]):
        loaded = schemathesis.openapi.from_wsgi(SCHEMA_PATH, get_wsgi_application())
    loaded.config.generation.update(
        modes=["positive", "negative"], max_examples=EXAMPLES_PER_OPERATION, deterministic=True, database="none"
    )
    return loaded


schema = _load_schema()


class World:
    """The learner, the staff member, their sessions, and the ids worth aiming generated requests at."""

    def __init__(self):
        runtime.set_runtime_service("instructor", CourseStaffInstructorService({COURSE_ID: {"fuzz-staff"}}))
        self.users = {
            "learner": UserFactory(username="fuzz-learner"),
            "staff": UserFactory(username="fuzz-staff", is_staff=True),
        }
        vendor = UserFactory(username="fuzz-vendor")
        vendor.groups.add(Group.objects.get_or_create(name="test_review")[0])
        learner = self.users["learner"]
        proctored = ProctoredExamFactory()
        timed = TimedExamFactory()
        practice = PracticeExamFactory(is_proctored=True)
        self.exams = [proctored, timed, practice]
        attempts = [
            AttemptFactory(proctored_exam=proctored, user=learner, status="started", started_at=now()),
            AttemptFactory(
                proctored_exam=timed, user=learner, status="submitted", started_at=now(), completed_at=now()
            ),
            AttemptFactory(proctored_exam=practice, user=learner, status="error", is_resumable=True),
        ]
        AllowanceFactory(proctored_exam=proctored, user=learner)
        self.attempts = attempts
        self.ids = {
            "attempt_id": [attempt.id for attempt in attempts],
            "exam_id": [exam.id for exam in self.exams],
            "user_id": [learner.id, self.users["staff"].id],
            "external_id": [attempt.external_id for attempt in attempts],
            "attempt_code": [attempt.attempt_code for attempt in attempts],
            "course_id": [COURSE_ID],
            "content_id": [exam.content_id for exam in self.exams],
            "username": [learner.username],
        }
        self.sessions = {}
        for role, user in self.users.items():
            client = Client()
            client.force_login(user)
            client.get("/")  # any request: sets nothing we need, but keeps the client's cookie jar complete
            self.sessions[role] = {
                "cookies": {
                    settings.SESSION_COOKIE_NAME: client.cookies[settings.SESSION_COOKIE_NAME].value,
                    settings.CSRF_COOKIE_NAME: "f" * 32,
                },
                "headers": {"X-CSRFToken": "f" * 32},
            }

    def steer(self, case) -> None:
        """Aim two thirds of the generated path parameters at objects that exist (deterministically)."""
        for name, value in (case.path_parameters or {}).items():
            known = self.ids.get(name)
            if not known:
                continue
            digest = int(hashlib.sha256(repr(value).encode()).hexdigest(), 16)
            if digest % 3:
                case.path_parameters[name] = known[digest % len(known)]


@pytest.fixture
def world(db, host_services, settings):
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, WSGI_HOST]
    return World()


HYPOTHESIS_SETTINGS = hypothesis_settings(
    max_examples=EXAMPLES_PER_OPERATION,
    deadline=None,
    derandomize=True,
    database=None,
    phases=[Phase.explicit, Phase.generate, Phase.shrink],
    suppress_health_check=list(HealthCheck),
)


def _call_and_check(case, role, world):
    world.steer(case)
    session = world.sessions[role]
    errors = []

    def remember(sender, request=None, **kwargs):
        errors.append(traceback.format_exc())

    got_request_exception.connect(remember)
    try:
        response = case.call(cookies=session["cookies"], headers=session["headers"])
    finally:
        got_request_exception.disconnect(remember)
    operation = case.operation
    documented = case.method.upper() == operation.method.upper()
    CALLS[(role, operation.method.upper() if documented else "other", operation.path)] += 1
    if errors:
        # The view's own traceback: a 500's cause, where schemathesis alone would show only the status.
        pytest.fail(f"{case.method} {case.formatted_path} raised:\n{errors[0]}")
    case.validate_response(response, checks=CHECKS)


@schema.parametrize()
@HYPOTHESIS_SETTINGS
def test_api_as_learner(case, world):
    _call_and_check(case, "learner", world)


@schema.parametrize()
@HYPOTHESIS_SETTINGS
def test_api_as_staff(case, world):
    _call_and_check(case, "staff", world)
