"""The launch (spec §2-§3): login initiation, the auth endpoint's checks, the LtiStartProctoring claims."""

from __future__ import annotations

import jwt
import pytest

from edx_proctoring.lti.claims import AP, LEARNER_ROLE, LTI
from edx_proctoring.lti.keys import platform_jwks
from edx_proctoring.mock_vendor.lti_tool import ToolError
from edx_proctoring.models import LtiLaunch, LtiPlatformKey, LtiUserSubject, ProctoringAuditEntry
from edx_proctoring.tests.factories import ProctoredExamFactory, UserFactory
from edx_proctoring.tests.lti.conftest import PLATFORM_ISSUER, register
from edx_proctoring.tests.lti.launch_helpers import (
    PREFIX,
    AuthForm,
    auth_form,
    in_process,
    launch_to_tool,
    lti_attempt,
    lti_backend,  # noqa: F401 - fixture
    path_of,
    query_of,
    start_launch,
)
from edx_proctoring.tests.student_view.helpers import render_view

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("lti_backend")]


@pytest.fixture
def tool(lti_tool):
    return in_process(lti_tool)


@pytest.fixture
def learner(client):
    user = UserFactory(first_name="Ada", last_name="Lovelace", email="ada@example.org")
    client.force_login(user)
    return user


def _auth_params(client, tool, *, attempt) -> dict[str, str]:
    """The tool's auth request for a fresh launch of `attempt`, as query parameters."""
    initiation = start_launch(client, attempt=attempt)
    return query_of(tool.login(query_of(initiation["Location"])))


def test_given_an_lti_attempt_when_the_learner_starts_it_then_the_browser_goes_to_the_tools_login_initiation(
    client, tool, registration, learner
):
    attempt = lti_attempt(registration=registration, user=learner)

    response = start_launch(client, attempt=attempt)

    assert response.status_code == 302
    assert response["Location"].startswith("http://tool.example.org/login?")
    params = query_of(response["Location"])
    assert params["iss"] == PLATFORM_ISSUER
    assert params["login_hint"] == LtiUserSubject.objects.get(user=learner).sub
    assert params["target_link_uri"] == registration.launch_url
    assert params["lti_deployment_id"] == registration.deployment_id
    assert params["client_id"] == registration.client_id
    assert params["lti_message_hint"]
    # The tool's POST back to us is cross-site: the session cookie must travel with it.
    cookie = response.cookies["sessionid"]
    assert cookie["samesite"] == "None"
    assert cookie["secure"]


def test_given_the_launch_when_the_tool_asks_for_the_id_token_then_it_gets_a_signed_lti_start_proctoring(
    client, tool, registration, learner
):
    attempt = lti_attempt(registration=registration, user=learner)

    form = launch_to_tool(client, tool, attempt=attempt)

    assert form.action == registration.launch_url
    assert form.fields["state"]
    header = jwt.get_unverified_header(form.id_token)
    key = jwt.PyJWKSet.from_dict(platform_jwks())[header["kid"]]
    claims = jwt.decode(form.id_token, key=key, algorithms=["RS256"], audience=registration.client_id)
    assert claims["iss"] == PLATFORM_ISSUER
    assert claims["sub"] == LtiUserSubject.objects.get(user=learner).sub
    assert claims[LTI + "message_type"] == "LtiStartProctoring"
    assert claims[LTI + "version"] == "1.3.0"
    assert claims[LTI + "deployment_id"] == registration.deployment_id
    assert claims[LTI + "target_link_uri"] == registration.launch_url
    assert claims[LTI + "roles"] == [LEARNER_ROLE]
    launch = LtiLaunch.objects.get(attempt=attempt)
    assert claims[LTI + "resource_link"] == {"id": launch.resource_link_id, "title": attempt.proctored_exam.exam_name}
    assert claims[AP + "attempt_number"] == 1
    assert claims[AP + "start_assessment_url"] == f"http://testserver{PREFIX}start_assessment/"
    assert claims[AP + "acs"] == {
        "assessment_control_url": f"http://testserver{PREFIX}acs/",
        "actions": registration.allowed_actions,
    }
    assert claims[LTI + "launch_presentation"]["return_url"].endswith(attempt.proctored_exam.content_id)
    assert claims[AP + "session_data"]
    assert launch.session_data_hash and launch.session_data_used_at is None
    # The tool's own checks pass too.
    tool.launch(form.fields)
    assert tool.launches[-1].session_data == claims[AP + "session_data"]


def test_given_a_registration_asking_for_no_identity_then_the_id_token_carries_none(
    client, tool, registration, learner
):
    attempt = lti_attempt(registration=registration, user=learner)

    claims = launch_to_tool(client, tool, attempt=attempt).claims()

    assert not {"given_name", "family_name", "name", "email", "email_verified", "locale", "picture"} & set(claims)


def test_given_a_registration_asking_for_email_only_then_only_email_is_sent(client, tool, registration, learner):
    registration.identity_claims = ["email"]
    registration.save()
    attempt = lti_attempt(registration=registration, user=learner)

    claims = launch_to_tool(client, tool, attempt=attempt).claims()

    assert claims["email"] == "ada@example.org"
    assert claims["email_verified"] is True
    assert not {"given_name", "family_name", "name"} & set(claims)


def test_given_relaunches_of_one_attempt_then_its_attempt_number_stays_and_only_the_newest_session_data_counts(
    client, tool, registration, learner
):
    attempt = lti_attempt(registration=registration, user=learner)

    first = launch_to_tool(client, tool, attempt=attempt).claims()
    second = launch_to_tool(client, tool, attempt=attempt).claims()

    assert first[AP + "attempt_number"] == second[AP + "attempt_number"] == 1
    assert first[AP + "session_data"] != second[AP + "session_data"]
    assert LtiLaunch.objects.filter(user=learner).count() == 1


def test_given_a_reset_attempt_when_the_learner_launches_the_new_one_then_its_attempt_number_is_the_next(
    client, tool, registration, learner
):
    exam = ProctoredExamFactory(backend="lti_proctoring")
    first = lti_attempt(registration=registration, user=learner, exam=exam)
    launch_to_tool(client, tool, attempt=first)
    first.delete()  # staff reset the learner's attempt
    second = lti_attempt(registration=registration, user=learner, exam=exam)

    claims = launch_to_tool(client, tool, attempt=second).claims()

    assert claims[AP + "attempt_number"] == 2
    # Per user: another learner's first attempt on the same link is their number 1.
    other = UserFactory()
    client.force_login(other)
    other_claims = launch_to_tool(client, tool, attempt=lti_attempt(registration=registration, user=other, exam=exam))
    assert other_claims.claims()[AP + "attempt_number"] == 1


def _refused(response, *, status: int, code: str):
    assert response.status_code == status, response.content[:300]
    entry = ProctoringAuditEntry.objects.order_by("-id").first()
    assert entry.details["code"] == code
    assert entry.details["reference"] in response.content.decode()
    return entry


def _refused_to_the_tool(response, *, code: str, error: str, state: str) -> AuthForm:
    """An OIDC error response: a form posting error, error_description and state back to the redirect URI."""
    form = auth_form(response)
    entry = ProctoringAuditEntry.objects.order_by("-id").first()
    assert entry.action == "lti_authorize_refused" and entry.details["code"] == code
    assert form.fields["error"] == error
    assert form.fields["state"] == state
    assert entry.details["reference"] in form.fields["error_description"]
    assert "id_token" not in form.fields
    return form


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"redirect_uri": "http://tool.example.org/launch/elsewhere"}, "bad_redirect_uri"),
        ({"redirect_uri": "http://evil.example.org/launch"}, "bad_redirect_uri"),
        ({"client_id": "another-client"}, "unknown_client"),
    ],
)
def test_given_an_auth_request_of_an_unverified_client_or_redirect_uri_then_our_4xx_page_with_a_reference(
    client, tool, registration, learner, change, code
):
    attempt = lti_attempt(registration=registration, user=learner)
    params = _auth_params(client, tool, attempt=attempt)

    response = client.get(f"{PREFIX}authorize/", {**params, **change})

    entry = _refused(response, status=response.status_code, code=code)
    assert 400 <= response.status_code < 500
    assert entry.action == "lti_authorize_refused"
    assert "id_token" not in response.content.decode()
    assert LtiLaunch.objects.get(attempt=attempt).session_data_hash == ""


@pytest.mark.parametrize(
    ("change", "code", "error"),
    [
        ({"response_type": "code"}, "bad_response_type", "unsupported_response_type"),
        ({"response_mode": "query"}, "bad_response_mode", "invalid_request"),
        ({"prompt": "login"}, "bad_prompt", "invalid_request"),
        ({"scope": "profile"}, "bad_scope", "invalid_scope"),
        ({"nonce": ""}, "missing_nonce", "invalid_request"),
        ({"login_hint": "someone-else"}, "wrong_login_hint", "login_required"),
        ({"lti_message_hint": "forged"}, "bad_hint", "invalid_request"),
    ],
)
def test_given_a_bad_auth_request_of_a_verified_client_then_an_oidc_error_goes_back_to_its_redirect_uri(
    client, tool, registration, learner, change, code, error
):
    attempt = lti_attempt(registration=registration, user=learner)
    params = _auth_params(client, tool, attempt=attempt)

    response = client.get(f"{PREFIX}authorize/", {**params, **change})

    form = _refused_to_the_tool(response, code=code, error=error, state=params["state"])
    assert form.action == params["redirect_uri"]
    assert LtiLaunch.objects.get(attempt=attempt).session_data_hash == ""
    with pytest.raises(ToolError, match=f"refused the launch: {error}"):
        tool.launch(form.fields)


def test_given_the_auth_request_as_a_post_then_it_is_answered_like_a_get(client, tool, registration, learner):
    attempt = lti_attempt(registration=registration, user=learner)
    params = _auth_params(client, tool, attempt=attempt)

    form = auth_form(client.post(f"{PREFIX}authorize/", params))

    assert form.claims()[LTI + "message_type"] == "LtiStartProctoring"


def test_given_the_audited_prefix_relaxation_then_a_redirect_uri_under_a_registered_one_is_accepted(
    client, tool, registration, learner
):
    registration.allow_redirect_uri_prefix = True
    registration.save()
    attempt = lti_attempt(registration=registration, user=learner)
    params = _auth_params(client, tool, attempt=attempt)

    form = auth_form(client.get(f"{PREFIX}authorize/", {**params, "redirect_uri": registration.launch_url + "/deep"}))

    assert form.action == registration.launch_url + "/deep"


def test_given_another_user_signed_in_when_the_auth_request_arrives_then_it_is_refused(
    client, tool, registration, learner
):
    attempt = lti_attempt(registration=registration, user=learner)
    params = _auth_params(client, tool, attempt=attempt)
    client.force_login(UserFactory())

    response = client.get(f"{PREFIX}authorize/", params)

    _refused_to_the_tool(response, code="wrong_user", error="login_required", state=params["state"])


def test_given_nobody_signed_in_when_the_auth_request_arrives_then_login_is_required(
    client, tool, registration, learner
):
    attempt = lti_attempt(registration=registration, user=learner)
    params = _auth_params(client, tool, attempt=attempt)
    client.logout()

    response = client.get(f"{PREFIX}authorize/", params)

    _refused_to_the_tool(response, code="login_required", error="login_required", state=params["state"])


def test_given_a_hint_for_another_tool_then_the_auth_request_is_refused(client, tool, registration, learner):
    other_registration = register(tool, client_id="second-client", name="Second tool")
    attempt = lti_attempt(registration=registration, user=learner)
    params = _auth_params(client, tool, attempt=attempt)

    response = client.get(f"{PREFIX}authorize/", {**params, "client_id": other_registration.client_id})

    _refused_to_the_tool(response, code="wrong_client", error="unauthorized_client", state=params["state"])


def test_given_someone_elses_attempt_when_a_learner_starts_it_then_it_is_not_found(client, registration, learner):
    attempt = lti_attempt(registration=registration)

    response = start_launch(client, attempt=attempt)

    _refused(response, status=404, code="unknown_attempt")
    assert not LtiLaunch.objects.exists()


def test_given_an_exam_on_another_backend_when_the_learner_starts_it_then_it_is_not_an_lti_launch(
    client, registration, learner
):
    attempt = lti_attempt(registration=registration, user=learner, exam=ProctoredExamFactory(backend="test"))

    _refused(start_launch(client, attempt=attempt), status=404, code="not_lti")


def test_given_a_course_without_a_tool_when_the_learner_starts_then_it_says_so(client, registration, learner):
    attempt = lti_attempt(registration=registration, user=learner)
    registration.courses.all().delete()

    _refused(start_launch(client, attempt=attempt), status=404, code="no_tool")


def test_given_a_submitted_attempt_when_the_learner_starts_it_again_then_it_is_over(client, registration, learner):
    attempt = lti_attempt(registration=registration, user=learner, status="submitted")

    _refused(start_launch(client, attempt=attempt), status=409, code="not_launchable")


def test_given_nobody_signed_in_when_the_start_route_is_called_then_login_is_required(client, registration):
    attempt = lti_attempt(registration=registration)

    _refused(start_launch(client, attempt=attempt), status=401, code="login_required")


def test_given_anyone_when_they_fetch_the_platform_key_set_then_it_lists_the_signing_key(client, tool, registration):
    response = client.get(f"{PREFIX}jwks/")

    assert response.status_code == 200
    keys = response.json()["keys"]
    assert len(keys) == 1
    assert keys[0]["kty"] == "RSA" and keys[0]["alg"] == "RS256" and keys[0]["kid"]
    assert "d" not in keys[0]  # never the private half


def test_given_the_auth_endpoint_when_the_tool_follows_the_login_then_the_urls_are_this_platforms(
    client, tool, registration, learner
):
    attempt = lti_attempt(registration=registration, user=learner)
    initiation = start_launch(client, attempt=attempt)

    auth_url = tool.login(query_of(initiation["Location"]))

    assert path_of(auth_url).startswith(f"{PREFIX}authorize/?")


def test_given_a_new_lti_attempt_when_the_learner_sees_the_exam_page_then_its_setup_link_is_the_launch(
    registration, learner
):
    attempt = lti_attempt(registration=registration, user=learner)

    view = render_view(learner, attempt.proctored_exam)

    assert view.context["software_download_url"] == f"{PREFIX}start/{attempt.id}/"


def test_given_a_deactivated_platform_key_then_the_next_launch_signs_with_a_new_one_and_only_it_is_published(
    client, tool, registration, learner
):
    attempt = lti_attempt(registration=registration, user=learner)
    first_kid = jwt.get_unverified_header(launch_to_tool(client, tool, attempt=attempt).id_token)["kid"]
    LtiPlatformKey.objects.filter(kid=first_kid).update(active=False)

    second_kid = jwt.get_unverified_header(launch_to_tool(client, tool, attempt=attempt).id_token)["kid"]

    assert second_kid != first_kid
    assert [key["kid"] for key in platform_jwks()["keys"]] == [second_kid]
