"""The launch chain driven in process: the Django test client as the learner's browser, the mock tool's
Python side as the tool (its key lookups answered from this platform's key set, not over HTTP)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from html import unescape
from urllib.parse import parse_qsl, urlsplit

import jwt
import pytest

from edx_proctoring.lti.keys import platform_jwks
from edx_proctoring.mock_vendor.lti_tool import MockLtiTool
from edx_proctoring.models import LtiCourseTool, LtiToolRegistration
from edx_proctoring.tests.factories import AttemptFactory, ProctoredExamFactory, UserFactory

BACKEND = "lti_proctoring"
PREFIX = "/api/edx_proctoring/v1/lti/"
# The mock tool's ways to break one LtiStartAssessment, each with the code the platform refuses it with.
BROKEN_START_ASSESSMENTS = [
    ("bad_signature", "bad_signature"),
    ("wrong_kid", "unknown_kid"),
    ("wrong_iss", "wrong_iss"),
    ("wrong_aud", "wrong_aud"),
    ("expired", "expired"),
    ("exp_out_of_range", "malformed"),
    ("unknown_deployment", "unknown_deployment"),
    ("wrong_message_type", "wrong_message_type"),
    ("wrong_version", "wrong_version"),
    ("wrong_resource_link", "wrong_resource_link"),
    ("wrong_attempt_number", "wrong_attempt_number"),
]


class PlatformKeys:
    """Stands in for the tool's JWKS client: this platform's public keys, read in process."""

    def get_signing_key_from_jwt(self, token: str) -> jwt.PyJWK:
        return jwt.PyJWKSet.from_dict(platform_jwks())[jwt.get_unverified_header(token)["kid"]]


@pytest.fixture
def lti_backend(settings):
    """Exams on the `lti_proctoring` backend (the registry rebuilds when the setting changes)."""
    settings.PROCTORING_BACKENDS = {**settings.PROCTORING_BACKENDS, BACKEND: {}}


def in_process(tool: MockLtiTool) -> MockLtiTool:
    tool._jwks_client = PlatformKeys()
    return tool


def lti_attempt(*, registration: LtiToolRegistration, user=None, exam=None, status: str = "created"):
    """An LTI-proctored attempt of `user` (a new learner by default) in a course that uses `registration`."""
    exam = exam or ProctoredExamFactory(backend=BACKEND, time_limit_mins=60)
    LtiCourseTool.objects.update_or_create(course_id=exam.course_id, defaults={"registration": registration})
    return AttemptFactory(proctored_exam=exam, user=user or UserFactory(), status=status)


def query_of(url: str) -> dict[str, str]:
    return dict(parse_qsl(urlsplit(url).query))


def path_of(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


@dataclass
class AuthForm:
    action: str
    fields: dict[str, str]

    @property
    def id_token(self) -> str:
        return self.fields["id_token"]

    def claims(self) -> dict:
        return jwt.decode(self.id_token, options={"verify_signature": False})


def auth_form(response) -> AuthForm:
    """The auto-submitting form the auth endpoint answers: where it posts and what."""
    assert response.status_code == 200, response.content[:500]
    html = response.content.decode()
    action = unescape(re.search(r'<form method="post" action="([^"]*)"', html).group(1))
    fields = {unescape(name): unescape(value) for name, value in re.findall(r'name="([^"]+)" value="([^"]*)"', html)}
    return AuthForm(action=action, fields=fields)


def start_launch(client, *, attempt, message: str = "start"):
    """The learner's GET of lti/start/: the redirect to the tool's login initiation."""
    suffix = "?message=end" if message == "end" else ""
    return client.get(f"{PREFIX}start/{attempt.id}/{suffix}")


def launch_to_tool(client, tool: MockLtiTool, *, attempt, message: str = "start") -> AuthForm:
    """Start, let the tool answer the login initiation, follow it to our auth endpoint: the id_token form."""
    initiation = start_launch(client, attempt=attempt, message=message)
    assert initiation.status_code == 302, initiation.content[:500]
    auth_url = tool.login(query_of(initiation["Location"]))
    return auth_form(client.get(path_of(auth_url)))


def start_assessment_jwt(client, tool: MockLtiTool, *, attempt, misbehave: str | None = None) -> str:
    """The whole launch up to the tool's LtiStartAssessment JWT (broken as `misbehave` says)."""
    form = launch_to_tool(client, tool, attempt=attempt)
    tool.misbehave(misbehave)
    tool.launch(form.fields)
    return tool.launches[-1].start_assessment


def post_start_assessment(client, token: str):
    return client.post(f"{PREFIX}start_assessment/", {"JWT": token})
