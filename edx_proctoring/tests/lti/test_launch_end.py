"""LtiEndAssessment (spec §5): owed on submit or error when the tool asked for it, sent through OIDC again."""

from __future__ import annotations

import pytest

from edx_proctoring.attempts.actions import Actor
from edx_proctoring.attempts.context import TransitionContext
from edx_proctoring.attempts.lifecycle import perform_action
from edx_proctoring.backends import get_backend_provider
from edx_proctoring.lti.claims import AP, LTI
from edx_proctoring.lti.control import control
from edx_proctoring.lti.end_assessment import mark_end_assessment_due
from edx_proctoring.mock_vendor.lti_tool import MockLtiTool
from edx_proctoring.models import LtiLaunch
from edx_proctoring.tests.factories import AttemptFactory, UserFactory
from edx_proctoring.tests.lti.conftest import platform_for
from edx_proctoring.tests.lti.launch_helpers import (
    in_process,
    launch_to_tool,
    lti_attempt,
    lti_backend,  # noqa: F401 - fixture
    post_start_assessment,
    query_of,
    start_assessment_jwt,
    start_launch,
)
from edx_proctoring.tests.student_view.helpers import render_view

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("lti_backend")]


@pytest.fixture
def tool(lti_tool):
    return in_process(lti_tool)


@pytest.fixture
def learner(client):
    user = UserFactory()
    client.force_login(user)
    return user


def _running(client, tool, *, registration, learner):
    """An attempt the tool let in (asking, as the mock tool does by default, for an end message)."""
    attempt = lti_attempt(registration=registration, user=learner)
    assert post_start_assessment(client, start_assessment_jwt(client, tool, attempt=attempt)).status_code == 302
    return attempt


def test_given_the_tool_asked_for_an_end_message_when_the_learner_submits_then_it_is_owed_and_offered(
    client, tool, registration, learner
):
    attempt = _running(client, tool, registration=registration, learner=learner)

    perform_action(action="submit", actor=Actor.learner, attempt_id=attempt.id)

    assert LtiLaunch.objects.get(attempt=attempt).end_assessment_due is True
    view = render_view(learner, attempt.proctored_exam)
    url = f"/api/edx_proctoring/v1/lti/start/{attempt.id}/?message=end"
    assert view.context["lti_end_assessment_url"] == url
    assert url in view.html


def test_given_an_owed_end_message_when_the_learning_mfe_reads_the_attempt_then_it_gets_the_link(
    client, tool, registration, learner
):
    attempt = _running(client, tool, registration=registration, learner=learner)
    exam = attempt.proctored_exam
    url = f"/api/edx_proctoring/v1/proctored_exam/attempt/course_id/{exam.course_id}"
    query = {"content_id": exam.content_id, "is_learning_mfe": "true"}
    assert client.get(url, query).json()["exam"]["attempt"]["lti_end_assessment_url"] is None

    perform_action(action="submit", actor=Actor.learner, attempt_id=attempt.id)

    payload = client.get(url, query).json()["exam"]["attempt"]
    assert payload["attempt_status"] == "submitted"
    assert payload["lti_end_assessment_url"] == f"/api/edx_proctoring/v1/lti/start/{attempt.id}/?message=end"


def test_given_an_owed_end_message_when_the_browser_follows_it_then_the_tool_gets_lti_end_assessment(
    client, tool, registration, learner
):
    registration.end_assessment_url = "http://tool.example.org/end"
    registration.redirect_uris = [registration.launch_url, registration.end_assessment_url]
    registration.save()
    attempt = _running(client, tool, registration=registration, learner=learner)
    perform_action(action="submit", actor=Actor.learner, attempt_id=attempt.id)

    initiation = start_launch(client, attempt=attempt, message="end")
    assert query_of(initiation["Location"])["target_link_uri"] == "http://tool.example.org/end"
    form = launch_to_tool(client, tool, attempt=attempt, message="end")

    claims = form.claims()
    assert form.action == "http://tool.example.org/end"
    assert claims[LTI + "message_type"] == "LtiEndAssessment"
    assert claims[AP + "attempt_number"] == 1
    assert claims[LTI + "resource_link"]["id"] == LtiLaunch.objects.get(attempt=attempt).resource_link_id
    assert AP + "errormsg" not in claims and AP + "errorlog" not in claims
    tool.launch(form.fields)
    assert tool.launches[-1].message_type == "LtiEndAssessment"
    launch = LtiLaunch.objects.get(attempt=attempt)
    assert launch.end_assessment_due is False and launch.end_assessment_sent_at is not None
    # Sent once: the page no longer sends the learner there.
    assert "message=end" not in render_view(learner, attempt.proctored_exam).html


def test_given_the_platform_ended_the_attempt_in_error_then_the_end_message_says_why(
    client, tool, registration, learner
):
    attempt = _running(client, tool, registration=registration, learner=learner)
    perform_action(action="error", actor=Actor.learner, attempt_id=attempt.id)

    claims = launch_to_tool(client, tool, attempt=attempt, message="end").claims()

    assert claims[AP + "errormsg"] == "The exam attempt ended because of an error on the platform."
    assert claims[AP + "errorlog"].startswith(f"attempt {attempt.id} status error")


def test_given_the_tool_terminated_the_attempt_to_error_then_the_end_message_carries_no_platform_error(
    client, tool, registration, learner
):
    attempt = _running(client, tool, registration=registration, learner=learner)
    launch = LtiLaunch.objects.get(attempt=attempt)
    # Reason code "1" maps to error in the registration: the tool's verdict, not a platform failure.
    control(
        registration=registration,
        body={
            "user": {"sub": launch.sub},
            "resource_link": {"id": launch.resource_link_id},
            "attempt_number": launch.attempt_number,
            "action": "terminate",
            "incident_time": "2026-03-01T10:00:00Z",
            "reason_code": "1",
        },
    )
    attempt.refresh_from_db()
    assert attempt.status == "error"

    claims = launch_to_tool(client, tool, attempt=attempt, message="end").claims()

    assert claims[LTI + "message_type"] == "LtiEndAssessment"
    assert AP + "errormsg" not in claims and AP + "errorlog" not in claims


def test_given_a_tool_that_did_not_ask_when_the_learner_submits_then_no_end_message_is_owed(
    client, registration, learner
):
    tool = in_process(MockLtiTool(platform=platform_for("http://testserver"), end_assessment_return=False))
    registration.tool_public_jwk = tool.jwks()
    registration.save()
    attempt = _running(client, tool, registration=registration, learner=learner)

    perform_action(action="submit", actor=Actor.learner, attempt_id=attempt.id)

    assert LtiLaunch.objects.get(attempt=attempt).end_assessment_due is False
    assert start_launch(client, attempt=attempt, message="end").status_code == 409
    assert "message=end" not in render_view(learner, attempt.proctored_exam).html


def test_given_an_attempt_on_another_backend_when_it_is_submitted_then_the_effect_costs_no_query(
    django_assert_num_queries,
):
    attempt = AttemptFactory(status="started")
    exam = {"backend": attempt.proctored_exam.backend, "is_proctored": True}
    context = TransitionContext(
        attempt=attempt, exam=exam, backend=get_backend_provider(exam), from_status="started", to_status="submitted"
    )

    with django_assert_num_queries(0):
        mark_end_assessment_due(context)
