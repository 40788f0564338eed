"""The mock LTI tool checks what a platform sends it as a careful tool would, so the end-to-end tests prove
our messages pass a strict tool: here a stand-in platform (its key set served by an `HttpPeer`) signs
id_tokens, and the tool accepts the right one and refuses each wrong one with a 400 page."""

from __future__ import annotations

import time
from urllib.parse import parse_qs, urlsplit

import jwt
import pytest
import requests

from edx_proctoring.mock_vendor.__main__ import build_parser
from edx_proctoring.mock_vendor.lti_tool import AP, LTI, MockLtiTool, PlatformConfig, public_jwk
from edx_proctoring.tests.http_peer import HttpPeer
from edx_proctoring.tests.lti.e2e import forms_of

ISSUER = "https://platform.example.org"
KID = "platform-key-1"


@pytest.fixture
def platform():
    """A stand-in platform: a signing key whose public half an HttpPeer serves as a key set."""
    signer = MockLtiTool()  # only for its freshly generated RSA key
    with HttpPeer() as peer:
        peer.respond("GET", "/jwks", json={"keys": [public_jwk(signer.key, KID)]})
        yield peer, signer.key


@pytest.fixture
def tool(platform):
    peer, _key = platform
    config = PlatformConfig(issuer=ISSUER, auth_url=f"{peer.url}/authorize", jwks_url=f"{peer.url}/jwks")
    with MockLtiTool(platform=config) as running:
        yield running


def login(tool: MockLtiTool) -> dict:
    """Initiate a login as the platform would; the auth request's parameters the tool redirects to."""
    response = requests.get(
        tool.login_url,
        params={"iss": ISSUER, "login_hint": "sub-1", "target_link_uri": tool.launch_url, "client_id": tool.client_id},
        allow_redirects=False,
        timeout=5,
    )
    assert response.status_code == 302, response.text
    return {key: values[0] for key, values in parse_qs(urlsplit(response.headers["Location"]).query).items()}


def id_token(key, tool: MockLtiTool, auth: dict, **changes) -> str:
    now = int(time.time())
    claims = {
        "iss": ISSUER,
        "sub": "sub-1",
        "aud": tool.client_id,
        "iat": now,
        "exp": now + 300,
        "nonce": auth["nonce"],
        LTI + "message_type": "LtiStartProctoring",
        LTI + "version": "1.3.0",
        LTI + "deployment_id": tool.deployment_id,
        LTI + "resource_link": {"id": "link-1"},
        AP + "attempt_number": 1,
        AP + "start_assessment_url": "https://platform.example.org/start_assessment/",
        AP + "session_data": "opaque",
        **changes,
    }
    return jwt.encode(claims, key, algorithm="RS256", headers={"kid": KID})


def post_launch(tool: MockLtiTool, auth: dict, token: str) -> requests.Response:
    return requests.post(tool.launch_url, data={"id_token": token, "state": auth["state"]}, timeout=5)


def test_given_a_valid_start_proctoring_then_the_tool_answers_lti_start_assessment(platform, tool):
    _peer, key = platform
    auth = login(tool)
    assert (auth["response_type"], auth["response_mode"], auth["prompt"]) == ("id_token", "form_post", "none")

    page = post_launch(tool, auth, id_token(key, tool, auth))

    assert page.status_code == 200
    [form] = forms_of(page.text)
    assert form.action == "https://platform.example.org/start_assessment/"
    claims = jwt.decode(form.fields["JWT"], options={"verify_signature": False})
    assert claims[AP + "session_data"] == "opaque" and claims["aud"] == ISSUER


@pytest.mark.parametrize(
    "changes",
    [
        pytest.param({"aud": "another-client"}, id="wrong_aud"),
        pytest.param({"iss": "https://elsewhere.example.org"}, id="wrong_iss"),
        pytest.param({"nonce": "not-the-login-nonce"}, id="wrong_nonce"),
        pytest.param({"exp": int(time.time()) - 60}, id="expired"),
        pytest.param({LTI + "message_type": "LtiResourceLinkRequest"}, id="wrong_message_type"),
        pytest.param({LTI + "deployment_id": "other"}, id="unknown_deployment"),
        pytest.param({AP + "attempt_number": 0}, id="attempt_number_zero"),
        pytest.param({AP + "session_data": ""}, id="no_session_data"),
    ],
)
def test_given_a_wrong_start_proctoring_then_the_tool_refuses_it(platform, tool, changes):
    _peer, key = platform
    auth = login(tool)

    page = post_launch(tool, auth, id_token(key, tool, auth, **changes))

    assert page.status_code == 400
    assert not tool.launches


def test_given_a_token_signed_by_another_key_or_a_used_state_then_refused(platform, tool):
    _peer, key = platform
    auth = login(tool)
    forged = id_token(MockLtiTool().key, tool, auth)

    assert post_launch(tool, auth, forged).status_code == 400
    # The state was spent by the refused attempt: even a good token cannot use it again.
    assert post_launch(tool, auth, id_token(key, tool, auth)).status_code == 400


def test_given_a_login_from_an_unknown_platform_then_the_tool_refuses_it(tool):
    response = requests.get(
        tool.login_url,
        params={"iss": "https://unknown.example.org", "login_hint": "x", "target_link_uri": tool.launch_url},
        allow_redirects=False,
        timeout=5,
    )

    assert response.status_code == 400


def test_the_command_line_runs_the_lti_tool_mode():
    args = build_parser().parse_args(["--lti-tool", "--port", "0", "--lti-platform-url", "http://127.0.0.1:8000"])

    assert args.lti_tool and args.lti_client_id == "mock-lti-tool"
