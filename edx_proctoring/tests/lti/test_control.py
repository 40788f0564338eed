"""The Assessment Control Service, in process: what a tool's token and control requests get, and what they change.

The end-to-end tests (test_e2e_control.py) drive the same service over real HTTP through a launch; these
cover each rule with a launch row written directly.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from urllib.parse import urlencode

import pytest
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext

from edx_proctoring.attempts.time_adjustments import time_state
from edx_proctoring.lti.control import MEDIA_TYPE
from edx_proctoring.mock_vendor.lti_tool import AP, LTI, START_PROCTORING, Launch, MockLtiTool
from edx_proctoring.models import LtiControlEvent, ProctoredExamStudentAttempt, ProctoredExamTimeAdjustment
from edx_proctoring.models.audit_log import ProctoringAuditEntry
from edx_proctoring.tests.factories import ProctoredExamFactory, UserFactory
from edx_proctoring.tests.lti.conftest import LTI_PREFIX, TEST_SERVER, launched_attempt, platform_for, register
from edx_proctoring.timing import now

pytestmark = pytest.mark.django_db

TOKEN_URL = LTI_PREFIX + "token/"
ACS_URL = LTI_PREFIX + "acs/"


def tool_side(launch) -> Launch:
    """The launch as the tool saw it in its id_token."""
    claims = {
        "sub": launch.sub,
        LTI + "resource_link": {"id": launch.resource_link_id},
        AP + "attempt_number": launch.attempt_number,
        AP + "acs": {"assessment_control_url": TEST_SERVER + ACS_URL, "actions": launch.acs_actions},
    }
    return Launch(message_type=START_PROCTORING, claims=claims)


def request_token(client: Client, tool: MockLtiTool, *, assertion: str | None = None, **form):
    fields = {
        "grant_type": "client_credentials",
        "client_assertion_type": "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
        "client_assertion": assertion or tool.client_assertion(),
        "scope": "https://purl.imsglobal.org/spec/lti-ap/scope/control.all",
        **form,
    }
    return client.post(TOKEN_URL, urlencode(fields), content_type="application/x-www-form-urlencoded")


def token_of(client: Client, tool: MockLtiTool) -> str:
    response = request_token(client, tool)
    assert response.status_code == 200, response.content
    return response.json()["access_token"]


def send(client: Client, token: str, body, *, content_type: str = MEDIA_TYPE):
    return client.post(ACS_URL, json.dumps(body), content_type=content_type, HTTP_AUTHORIZATION=f"Bearer {token}")


@pytest.fixture
def client():
    return Client()


@pytest.fixture
def running(registration):
    attempt, launch = launched_attempt(registration=registration)
    return attempt, tool_side(launch)


@pytest.fixture
def token(client, lti_tool, registration):
    return token_of(client, lti_tool)


def status_of(attempt) -> str:
    return ProctoredExamStudentAttempt.objects.get(id=attempt.id).status


# -- the token endpoint ------------------------------------------------------------------------------------


def test_given_a_valid_client_assertion_when_the_tool_asks_then_it_gets_a_bearer_token(client, lti_tool, registration):
    response = request_token(client, lti_tool)

    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    answer = response.json()
    assert answer["token_type"] == "Bearer"
    assert answer["scope"] == "https://purl.imsglobal.org/spec/lti-ap/scope/control.all"
    assert answer["expires_in"] == 3600


@pytest.mark.parametrize(
    "break_it",
    [
        pytest.param(lambda tool: tool.client_assertion(key=MockLtiTool().key), id="signed_by_another_key"),
        pytest.param(lambda tool: tool.client_assertion(kid="no-such-kid"), id="unknown_kid"),
        pytest.param(lambda tool: tool.client_assertion(overrides={"aud": "https://lms.example.org"}), id="wrong_aud"),
        pytest.param(lambda tool: tool.client_assertion(overrides={"sub": "someone-else"}), id="wrong_sub"),
        pytest.param(lambda tool: tool.client_assertion(overrides={"exp": int(now().timestamp()) - 300}), id="expired"),
        pytest.param(lambda tool: tool.client_assertion(overrides={"iss": "unknown-client"}), id="unknown_client"),
        pytest.param(lambda tool: "not-a-jwt", id="not_a_jwt"),
    ],
)
def test_given_a_bad_client_assertion_when_the_tool_asks_then_it_is_refused(client, lti_tool, registration, break_it):
    response = request_token(client, lti_tool, assertion=break_it(lti_tool))

    assert response.status_code == 401
    assert response.json()["error"] == "invalid_client"


def test_given_an_assertion_already_used_when_it_comes_again_then_no_second_token(client, lti_tool, registration):
    assertion = lti_tool.client_assertion()
    assert request_token(client, lti_tool, assertion=assertion).status_code == 200

    again = request_token(client, lti_tool, assertion=assertion)

    assert again.status_code == 401
    assert "already used" in again.json()["error_description"]


@pytest.mark.parametrize(
    ("form", "error"),
    [
        ({"grant_type": "password"}, "unsupported_grant_type"),
        ({"scope": "https://purl.imsglobal.org/spec/lti-ags/scope/score"}, "invalid_scope"),
        ({"client_assertion_type": "client_secret"}, "invalid_client"),
        ({"client_id": "another-client"}, "invalid_client"),
    ],
)
def test_given_a_malformed_grant_when_the_tool_asks_then_an_oauth_error(client, lti_tool, registration, form, error):
    response = request_token(client, lti_tool, **form)

    assert response.status_code in (400, 401)
    assert response.json()["error"] == error


def test_given_an_inactive_registration_when_its_tool_asks_then_refused(client, lti_tool, registration):
    registration.active = False
    registration.save()

    assert request_token(client, lti_tool).status_code == 401


@override_settings(PROCTORING_SETTINGS={"LTI_TOKEN_RATE": "2/minute"})
def test_given_a_tool_over_its_token_rate_when_it_asks_again_then_429_with_retry_after(client, lti_tool, registration):
    other = MockLtiTool(client_id="another-tool", platform=lti_tool.platform)
    register(other)
    assert [request_token(client, lti_tool).status_code for _ in range(2)] == [200, 200]

    refused = request_token(client, lti_tool)

    assert refused.status_code == 429
    assert 1 <= int(refused["Retry-After"]) <= 60
    # Counted per registration: another tool still gets its tokens.
    assert request_token(client, other).status_code == 200


def test_given_a_token_when_its_registration_is_switched_off_then_the_service_refuses_it(
    client, registration, running, token
):
    registration.active = False
    registration.save()
    attempt, launch = running

    response = send(client, token, MockLtiTool().control_body("flag", launch=launch, include_iss=False))

    assert response.status_code == 401
    assert not LtiControlEvent.objects.exists()


@pytest.mark.parametrize("authorization", [None, "Bearer", "Bearer forged-token", "Basic dXNlcjpwYXNz"])
def test_given_no_valid_token_when_a_control_request_comes_then_401(client, running, lti_tool, authorization):
    attempt, launch = running
    headers = {"HTTP_AUTHORIZATION": authorization} if authorization else {}

    response = client.post(
        ACS_URL, json.dumps(lti_tool.control_body("pause", launch=launch)), content_type=MEDIA_TYPE, **headers
    )

    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert status_of(attempt) == "started"


# -- the actions -------------------------------------------------------------------------------------------


def test_given_a_running_attempt_when_the_tool_pauses_and_resumes_then_the_clock_stops_and_restarts(
    client, lti_tool, running, token
):
    attempt, launch = running

    paused = send(client, token, lti_tool.control_body("pause", launch=launch))

    assert paused.status_code == 200
    assert paused["Content-Type"] == MEDIA_TYPE
    assert paused.json() == {"status": "paused", "extra_time": 0}
    assert time_state(attempt_id=attempt.id, at=now())["paused"] is True

    resumed = send(client, token, lti_tool.control_body("resume", launch=launch))

    assert resumed.json() == {"status": "running", "extra_time": 0}
    assert time_state(attempt_id=attempt.id, at=now())["paused"] is False
    kinds = list(ProctoredExamTimeAdjustment.objects.filter(attempt=attempt).values_list("kind", "actor_kind"))
    assert kinds == [("pause", "tool"), ("resume", "tool")]


def test_given_a_running_attempt_when_the_tool_updates_the_time_then_the_deadline_moves_by_those_minutes(
    client, lti_tool, running, token
):
    attempt, launch = running
    before = datetime.fromisoformat(time_state(attempt_id=attempt.id, at=now())["deadline"])

    response = send(client, token, lti_tool.control_body("update", launch=launch, extra_time=10))

    assert response.json() == {"status": "running", "extra_time": 10}
    after = datetime.fromisoformat(time_state(attempt_id=attempt.id, at=now())["deadline"])
    assert after - before == timedelta(minutes=10)
    assert LtiControlEvent.objects.get(action="update").extra_time == 10


def test_given_updates_beyond_the_registration_limit_then_they_are_clamped_and_then_refused(
    client, lti_tool, running, token
):
    attempt, launch = running  # the registration allows 30 minutes in all
    first = send(client, token, lti_tool.control_body("update", launch=launch, extra_time=20))
    second = send(client, token, lti_tool.control_body("update", launch=launch, extra_time=20))
    third = send(client, token, lti_tool.control_body("update", launch=launch, extra_time=5))

    assert first.json()["extra_time"] == 20
    assert second.json()["extra_time"] == 30
    assert third.status_code == 409
    assert list(LtiControlEvent.objects.order_by("id").values_list("extra_time", flat=True)) == [20, 10]


@pytest.mark.parametrize("extra_time", [0, -5, 10.5, "10", True, None])
def test_given_an_update_without_whole_positive_minutes_then_400_and_nothing_changes(
    client, lti_tool, running, token, extra_time
):
    attempt, launch = running
    body = lti_tool.control_body("update", launch=launch)
    body["extra_time"] = extra_time

    response = send(client, token, body)

    assert response.status_code == 400
    assert not ProctoredExamTimeAdjustment.objects.exists()
    assert not LtiControlEvent.objects.exists()


@pytest.mark.parametrize(
    ("reason_code", "final_status"),
    [("1", "error"), ("2", "submitted"), ("unknown-code", "second_review_required"), (None, "second_review_required")],
)
def test_given_a_running_attempt_when_the_tool_terminates_then_it_is_submitted_and_mapped_by_reason_code(
    client, lti_tool, running, token, reason_code, final_status
):
    attempt, launch = running

    response = send(
        client, token, lti_tool.control_body("terminate", launch=launch, reason_code=reason_code, incident_severity=0.9)
    )

    assert response.status_code == 200
    assert response.json() == {"status": "terminated", "extra_time": 0}
    assert status_of(attempt) == final_status
    history = ProctoredExamStudentAttempt.history.filter(id=attempt.id).order_by("history_id")
    assert "submitted" in list(history.values_list("status", flat=True))


def test_given_a_running_attempt_when_the_tool_flags_it_then_an_incident_is_kept_for_the_reviewer(
    client, lti_tool, running, token
):
    attempt, launch = running
    body = lti_tool.control_body(
        "flag", launch=launch, incident_severity=0.4, reason_code="gaze", reason_msg="Looked away for 20 seconds"
    )

    response = send(client, token, body)

    assert response.json() == {"status": "running", "extra_time": 0}
    assert status_of(attempt) == "started"
    staff = Client()
    staff.force_login(UserFactory(username="reviewer", is_staff=True))
    shown = staff.get(f"{LTI_PREFIX}attempt/{attempt.id}/incidents/").json()
    [event] = shown["events"]
    assert (event["action"], event["reason_code"]) == ("flag", "gaze")
    assert event["reason_msg"] == "Looked away for 20 seconds"
    assert event["incident_severity"] == 0.4
    audit = ProctoringAuditEntry.objects.get(action="lti.control.flag")
    assert audit.attempt_id == attempt.id and audit.details["client_id"] == lti_tool.client_id


# -- idempotency, scope, refusals --------------------------------------------------------------------------


@pytest.mark.parametrize(("action", "fields"), [("pause", {}), ("update", {"extra_time": 5}), ("flag", {})])
def test_given_the_same_call_ten_times_then_one_change_and_the_same_answer(
    client, lti_tool, running, token, action, fields
):
    attempt, launch = running
    body = lti_tool.control_body(action, launch=launch, incident_time="2026-03-01T10:00:00Z", **fields)

    answers = [send(client, token, body) for _ in range(10)]

    assert {response.status_code for response in answers} == {200}
    assert len({response.content for response in answers}) == 1
    assert LtiControlEvent.objects.count() == 1
    assert ProctoredExamTimeAdjustment.objects.count() == (0 if action == "flag" else 1)


def test_given_the_same_terminate_ten_times_then_one_submission(client, lti_tool, running, token):
    attempt, launch = running
    body = lti_tool.control_body("terminate", launch=launch, reason_code="1", incident_time="2026-03-01T10:00:00Z")

    answers = {send(client, token, body).content for _ in range(10)}

    assert len(answers) == 1
    statuses = list(ProctoredExamStudentAttempt.history.filter(id=attempt.id).values_list("status", flat=True))
    assert statuses.count("submitted") == 1 and statuses.count("error") == 1


def test_given_another_registrations_token_when_it_names_this_attempt_then_it_is_not_found(
    client, lti_tool, running, token
):
    attempt, launch = running
    intruder = MockLtiTool(client_id="intruder-tool", platform=lti_tool.platform)
    register(intruder)
    intruder_token = token_of(client, intruder)

    response = send(client, intruder_token, intruder.control_body("terminate", launch=launch, include_iss=False))

    assert response.status_code == 404
    assert status_of(attempt) == "started"
    assert not LtiControlEvent.objects.exists()


def test_given_an_action_the_launch_did_not_advertise_then_403_and_nothing_changes(
    client, lti_tool, registration, token
):
    attempt, launch = launched_attempt(registration=registration, actions=["flag"])

    response = send(client, token, lti_tool.control_body("terminate", launch=tool_side(launch)))

    assert response.status_code == 403
    assert "not advertised" in response.json()["detail"]
    assert status_of(attempt) == "started"


def test_given_an_action_the_registration_no_longer_allows_then_403(client, lti_tool, registration, running, token):
    attempt, launch = running
    registration.allowed_actions = ["flag"]
    registration.save()

    assert send(client, token, lti_tool.control_body("pause", launch=launch)).status_code == 403


@pytest.mark.parametrize(
    ("change", "status"),
    [
        (lambda body: body["user"].update(sub="nobody"), 404),
        (lambda body: body.update(attempt_number=2), 404),
        (lambda body: body["resource_link"].update(id="another-link"), 404),
        (lambda body: body["user"].update(iss="https://another-lms.example.org"), 400),
        (lambda body: body.update(action="explode"), 400),
        (lambda body: body.update(incident_time="yesterday"), 400),
        (lambda body: body.update(incident_time="2026-03-01T10:00:00"), 400),
        (lambda body: body.update(incident_severity=3), 400),
        (lambda body: body.pop("resource_link"), 400),
        (lambda body: body.update(attempt_number="1"), 400),
        (lambda body: body.update(attempt_number=10**30), 400),
        (lambda body: body.update(incident_time="0001-01-01T00:00:00+01:00"), 400),
        (lambda body: body.update(incident_time="9999-12-31T23:59:59-01:00"), 400),
        (lambda body: body.update(incident_severity=10**400), 400),
        (lambda body: body.update(reason_msg="x" * 5000), 400),
        (lambda body: body.update(action="update", extra_time=10**30), 400),
    ],
)
def test_given_a_request_naming_nothing_of_ours_or_malformed_then_4xx_and_nothing_changes(
    client, lti_tool, running, token, change, status
):
    attempt, launch = running
    body = lti_tool.control_body("pause", launch=launch)
    change(body)

    response = send(client, token, body)

    assert response.status_code == status, response.content
    assert status_of(attempt) == "started"
    assert not ProctoredExamTimeAdjustment.objects.exists()


@pytest.mark.parametrize("raw", [b"[" * 20000, b"{" * 20000, b"\xff\xfe", b'{"user": '])
def test_given_a_body_that_does_not_decode_then_400_and_nothing_changes(client, running, token, raw):
    attempt, launch = running

    response = client.post(ACS_URL, raw, content_type=MEDIA_TYPE, HTTP_AUTHORIZATION=f"Bearer {token}")

    assert response.status_code == 400, response.content
    assert status_of(attempt) == "started"
    assert not LtiControlEvent.objects.exists()


def test_given_json_of_another_media_type_then_415(client, lti_tool, running, token):
    attempt, launch = running

    response = send(client, token, lti_tool.control_body("pause", launch=launch), content_type="application/json")

    assert response.status_code == 415


def test_given_a_move_the_lifecycle_refuses_then_409_with_the_reason_and_no_event(client, lti_tool, running, token):
    attempt, launch = running

    response = send(client, token, lti_tool.control_body("resume", launch=launch))

    assert response.status_code == 409
    assert "not paused" in response.json()["detail"]
    assert not LtiControlEvent.objects.exists()


def test_given_an_attempt_not_started_then_status_none_and_flags_still_recorded(client, lti_tool, registration, token):
    attempt, launch = launched_attempt(registration=registration, status="ready_to_start")

    flagged = send(client, token, lti_tool.control_body("flag", launch=tool_side(launch)))
    paused = send(client, token, lti_tool.control_body("pause", launch=tool_side(launch)))

    assert flagged.json() == {"status": "none", "extra_time": 0}
    assert paused.status_code == 409


def test_given_a_reset_attempt_then_the_launch_no_longer_reaches_anything(client, lti_tool, running, token):
    attempt, launch = running
    ProctoredExamStudentAttempt.objects.filter(id=attempt.id).delete()

    response = send(client, token, lti_tool.control_body("flag", launch=launch))

    assert response.status_code == 404


def test_given_many_learners_launched_when_the_tool_controls_one_then_the_queries_do_not_grow(
    client, lti_tool, registration, token
):
    exam = ProctoredExamFactory(backend="test")
    attempt, launch = launched_attempt(registration=registration, exam=exam)
    body = lti_tool.control_body("flag", launch=tool_side(launch), incident_time="2026-03-01T10:00:00Z")
    with CaptureQueriesContext(connection) as few:
        send(client, token, body)
    for _ in range(20):
        launched_attempt(registration=registration, exam=exam, user=UserFactory())
    body["incident_time"] = "2026-03-01T10:05:00Z"

    with CaptureQueriesContext(connection) as many:
        send(client, token, body)

    assert len(many) == len(few)


def test_given_the_user_iss_is_left_out_then_the_request_is_still_accepted(client, lti_tool, running, token):
    attempt, launch = running

    response = send(client, token, lti_tool.control_body("flag", launch=launch, include_iss=False))

    assert response.status_code == 200


def test_the_platform_urls_of_the_tests_are_those_of_the_routes():
    assert platform_for(TEST_SERVER).token_url == TEST_SERVER + TOKEN_URL


@pytest.mark.parametrize(
    ("overrides", "description"),
    [
        pytest.param({"exp": 10**20}, "expiry", id="exp_beyond_any_date"),
        pytest.param({"jti": "j" * 300}, "jti is too long", id="jti_too_long"),
    ],
)
def test_given_a_signed_assertion_with_an_unusable_claim_then_invalid_client_naming_it(
    client, lti_tool, registration, overrides, description
):
    response = request_token(client, lti_tool, assertion=lti_tool.client_assertion(overrides=overrides))

    assert response.status_code == 401, response.content
    assert response.json()["error"] == "invalid_client"
    assert description in response.json()["error_description"]
