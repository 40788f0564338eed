"""Fixtures of the LTI tests: a mock LTI tool, its registration with this platform, a launched attempt."""

from __future__ import annotations

import copy
from datetime import UTC, datetime, timedelta

import pytest

from edx_proctoring.mock_vendor.lti_tool import ACS_ACTIONS, MockLtiTool, PlatformConfig
from edx_proctoring.models import LtiCourseTool, LtiLaunch, LtiToolRegistration, LtiUserSubject
from edx_proctoring.tests.factories import COURSE_ID, AttemptFactory, ProctoredExamFactory, UserFactory

PLATFORM_ISSUER = "https://lms.example.org"
TEST_SERVER = "http://testserver"
LTI_PREFIX = "/api/edx_proctoring/v1/lti/"
RESOURCE_LINK_ID = "resource-link-of-the-final"


def platform_for(root: str) -> PlatformConfig:
    """The platform endpoints of this package served at `root`, with the test issuer."""
    return PlatformConfig(
        issuer=PLATFORM_ISSUER,
        auth_url=f"{root}{LTI_PREFIX}authorize/",
        jwks_url=f"{root}{LTI_PREFIX}jwks/",
        token_url=f"{root}{LTI_PREFIX}token/",
    )


def register(tool: MockLtiTool, **fields) -> LtiToolRegistration:
    """The tool's registration with this platform; its key given inline unless `tool_jwks_url` is."""
    key_source = {} if "tool_jwks_url" in fields else {"tool_public_jwk": tool.jwks()}
    defaults = {
        "name": "Mock proctoring tool",
        "issuer": PLATFORM_ISSUER,
        "client_id": tool.client_id,
        "deployment_id": tool.deployment_id,
        "oidc_login_url": "http://tool.example.org/login",
        "launch_url": "http://tool.example.org/launch",
        "redirect_uris": ["http://tool.example.org/launch"],
        "allowed_actions": list(ACS_ACTIONS),
        "reason_code_mapping": {"1": "error", "2": "submitted", "*": "second_review_required"},
        "max_extra_minutes": 30,
        **key_source,
    }
    return LtiToolRegistration.objects.create(**{**defaults, **fields})


@pytest.fixture
def lti_tool():
    """A mock tool (not serving: the in-process tests only use its keys and messages)."""
    return MockLtiTool(platform=platform_for(TEST_SERVER))


@pytest.fixture
def registration(db, lti_tool):
    return register(lti_tool)


def launched_attempt(*, registration, user=None, exam=None, status="started", attempt_number=1, actions=ACS_ACTIONS):
    """A running attempt and the launch of it through `registration` (as a valid LtiStartAssessment leaves it)."""
    user = user or UserFactory()
    exam = exam or ProctoredExamFactory(backend="test", time_limit_mins=60)
    attempt = AttemptFactory(
        proctored_exam=exam,
        user=user,
        status=status,
        started_at=datetime.now(UTC) - timedelta(minutes=1) if status == "started" else None,
        allowed_time_limit_mins=60,
    )
    subject, _ = LtiUserSubject.objects.get_or_create(user=user)
    launch = LtiLaunch.objects.create(
        attempt=attempt,
        registration=registration,
        user=user,
        sub=subject.sub,
        resource_link_id=f"{RESOURCE_LINK_ID}-{exam.id}",
        attempt_number=attempt_number,
        acs_actions=list(actions),
        started_at=attempt.started_at,
    )
    return attempt, launch


@pytest.fixture
def live_tool(settings, live_server, host_services):
    """The mock tool serving on loopback, registered as the course's tool, knowing the live platform."""
    backends = copy.deepcopy(settings.PROCTORING_BACKENDS)
    backends["lti_proctoring"] = {}
    settings.PROCTORING_BACKENDS = backends
    with MockLtiTool(verified_user={"given_name": "Alice"}) as tool:
        tool.configure(platform_for(live_server.url))
        registration = register(
            tool,
            tool_jwks_url=tool.jwks_url,
            oidc_login_url=tool.login_url,
            launch_url=tool.launch_url,
            end_assessment_url=tool.end_assessment_url,
            redirect_uris=[tool.launch_url, tool.end_assessment_url],
            identity_claims=["given_name", "family_name"],
        )
        LtiCourseTool.objects.create(course_id=COURSE_ID, registration=registration)
        tool.registration = registration
        yield tool


@pytest.fixture
def lti_exam(db):
    return ProctoredExamFactory(backend="lti_proctoring", time_limit_mins=60)
