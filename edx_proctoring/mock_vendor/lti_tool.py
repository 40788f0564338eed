"""A mock LTI 1.3 proctoring tool (LTI Proctoring Services 1.0, the tool's side) over real HTTP.

It plays what a proctoring vendor's LTI tool does with a platform (this package), so the whole flow can
be tested end to end on loopback and shown in the demo:

* ``GET /jwks`` -- the tool's public key set (one RSA key, RS256).
* ``GET|POST /login`` -- OIDC third-party login initiation: checks ``iss`` and ``client_id``, remembers a
  fresh ``state`` and ``nonce``, and redirects the browser to the platform's authorization endpoint.
* ``POST /launch`` -- the redirect URI: checks ``state``, validates the platform's id_token against the
  platform's key set (signature by ``kid``, ``iss``, ``aud``, ``exp``, ``nonce``, message type, version,
  deployment, the claims the message needs). For LtiStartProctoring it answers a page that POSTs the
  LtiStartAssessment JWT (form field ``JWT``) to the launch's ``start_assessment_url``; for
  LtiEndAssessment a page saying the session ended (with the platform's error message, if any). An OIDC
  error response of the platform (``error``, ``error_description``, ``state``) is a 400 kept in ``refusals``.
* ``POST /end`` -- the end-assessment URL (the same as ``/launch``).
* ``GET /`` -- the launches the tool saw, with buttons sending control-service actions (for the demo).
* ``GET|POST /__control__`` -- test and demo control, no authentication (loopback only): the snapshot,
  or ``{"action": ..., "launch": <index>, ...}`` to call the platform's Assessment Control Service, or
  ``{"misbehave": <kind>}`` to send the next LtiStartAssessment broken in that way.

From Python::

    with MockLtiTool() as tool:
        ...register tool.client_id with tool.login_url, tool.launch_url, tool.jwks_url...
        tool.configure(PlatformConfig(issuer=..., auth_url=..., jwks_url=..., token_url=...))
        tool.misbehave("wrong_aud")            # the next LtiStartAssessment only
        status, answer = tool.control("pause")  # the latest launch's attempt

Only the standard library, PyJWT, cryptography and requests are used (all dependencies of the package).
"""

from __future__ import annotations

import json
import logging
import secrets
import threading
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from html import escape
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import jwt
import requests
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from edx_proctoring.mock_vendor.routes import same_origin
from edx_proctoring.mock_vendor.server import SHUTDOWN_POLL_SECONDS

log = logging.getLogger(__name__)

DEFAULT_PORT = 11137
DEFAULT_CLIENT_ID = "mock-lti-tool"
DEFAULT_DEPLOYMENT_ID = "mock-lti-deployment"
LTI = "https://purl.imsglobal.org/spec/lti/claim/"
AP = "https://purl.imsglobal.org/spec/lti-ap/claim/"
ACS_SCOPE = "https://purl.imsglobal.org/spec/lti-ap/scope/control.all"
ACS_MEDIA_TYPE = "application/vnd.ims.lti-ap.v1.control+json"
CLIENT_ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
LTI_VERSION = "1.3.0"
START_PROCTORING = "LtiStartProctoring"
START_ASSESSMENT = "LtiStartAssessment"
END_ASSESSMENT = "LtiEndAssessment"
ACS_ACTIONS = ("pause", "resume", "update", "terminate", "flag")
IDENTITY_CLAIMS = ("given_name", "family_name", "name", "email", "locale", "picture")
HTTP_TIMEOUT = 10
# Ways to break the next LtiStartAssessment, one per check of the platform's validation checklist.
MISBEHAVIOURS = (
    "bad_signature",
    "wrong_kid",
    "wrong_iss",
    "wrong_aud",
    "expired",
    "exp_out_of_range",
    "replayed_nonce",
    "unknown_deployment",
    "wrong_message_type",
    "wrong_version",
    "reused_session_data",
    "foreign_session_data",
    "wrong_resource_link",
    "wrong_attempt_number",
)


# Where the platform (this package, mounted under /api/ as in edx-platform) answers.
PLATFORM_PREFIX = "/api/edx_proctoring/v1/lti/"


class ToolError(Exception):
    """The tool refuses what it was sent: answered 400 with the message."""


@dataclass
class PlatformConfig:
    """What the platform told the tool at registration (LTI Proctoring Services §1)."""

    issuer: str
    auth_url: str
    jwks_url: str
    token_url: str = ""


def platform_config_for(*, platform_url: str, issuer: str | None = None) -> PlatformConfig:
    """The endpoints of an edx_proctoring platform at `platform_url` (its issuer defaults to that URL)."""
    root = platform_url.rstrip("/") + PLATFORM_PREFIX
    return PlatformConfig(
        issuer=issuer or platform_url.rstrip("/"),
        auth_url=root + "authorize/",
        jwks_url=root + "jwks/",
        token_url=root + "token/",
    )


@dataclass
class Launch:
    """One id_token the tool accepted, and the LtiStartAssessment it answered (if any)."""

    message_type: str
    claims: dict[str, Any]
    received_at: float = field(default_factory=time.time)
    start_assessment: str | None = None
    start_assessment_claims: dict[str, Any] | None = None

    @property
    def sub(self) -> str:
        return self.claims["sub"]

    @property
    def resource_link(self) -> dict[str, Any]:
        return self.claims.get(LTI + "resource_link") or {}

    @property
    def attempt_number(self) -> int | None:
        return self.claims.get(AP + "attempt_number")

    @property
    def session_data(self) -> str | None:
        return self.claims.get(AP + "session_data")

    @property
    def acs(self) -> dict[str, Any]:
        return self.claims.get(AP + "acs") or {}

    @property
    def return_url(self) -> str | None:
        return (self.claims.get(LTI + "launch_presentation") or {}).get("return_url")

    def summary(self) -> dict[str, Any]:
        return {
            "message_type": self.message_type,
            "sub": self.sub,
            "resource_link_id": self.resource_link.get("id"),
            "attempt_number": self.attempt_number,
            "acs": self.acs,
            "errormsg": self.claims.get(AP + "errormsg"),
            "errorlog": self.claims.get(AP + "errorlog"),
            "identity": {key: self.claims[key] for key in IDENTITY_CLAIMS if key in self.claims},
        }


def _new_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def public_jwk(key: rsa.RSAPrivateKey, kid: str) -> dict[str, Any]:
    jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(key.public_key()))
    return {**jwk, "kid": kid, "alg": "RS256", "use": "sig"}


class MockLtiTool:
    """The tool's server and its Python controls (thread-safe enough for one test or one demo)."""

    def __init__(
        self,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        client_id: str = DEFAULT_CLIENT_ID,
        deployment_id: str = DEFAULT_DEPLOYMENT_ID,
        platform: PlatformConfig | None = None,
        end_assessment_return: bool = True,
        verified_user: dict[str, Any] | None = None,
        auto_submit: bool = True,
        private_key_pem: str | None = None,
    ):
        self.host, self.port = host, port
        self.client_id, self.deployment_id = client_id, deployment_id
        self.platform = platform
        self.end_assessment_return = end_assessment_return
        self.verified_user = verified_user
        self.auto_submit = auto_submit
        self.key = serialization.load_pem_private_key(private_key_pem.encode(), None) if private_key_pem else _new_key()
        self.kid = f"mock-tool-{uuid.uuid4().hex[:8]}"
        self.launches: list[Launch] = []
        self.refusals: list[str] = []
        self.sent_nonces: list[str] = []
        self.control_results: list[dict[str, Any]] = []
        self._states: dict[str, dict[str, Any]] = {}
        self._misbehaviour: str | None = None
        self._jwks_client: jwt.PyJWKClient | None = None
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None

    # -- lifecycle -----------------------------------------------------------------------------------

    @property
    def url(self) -> str:
        if self._server is None:
            raise RuntimeError("The mock LTI tool is not started.")
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    @property
    def login_url(self) -> str:
        return f"{self.url}/login"

    @property
    def launch_url(self) -> str:
        return f"{self.url}/launch"

    @property
    def end_assessment_url(self) -> str:
        return f"{self.url}/end"

    @property
    def jwks_url(self) -> str:
        return f"{self.url}/jwks"

    def start(self) -> MockLtiTool:
        self._server = ThreadingHTTPServer((self.host, self.port), _handler_for(self))
        self._server.daemon_threads = True
        threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": SHUTDOWN_POLL_SECONDS},
            name="mock-lti-tool",
            daemon=True,
        ).start()
        log.info("Mock LTI tool listening on %s", self.url)
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> MockLtiTool:
        return self.start()

    def __exit__(self, *exc_info) -> None:
        self.stop()

    def configure(self, platform: PlatformConfig) -> None:
        self.platform = platform
        self._jwks_client = None

    def misbehave(self, kind: str | None) -> None:
        """Break the next LtiStartAssessment in the way `kind` names (None: behave again)."""
        if kind is not None and kind not in MISBEHAVIOURS:
            raise ToolError(f"Unknown misbehaviour {kind!r}; choose one of {', '.join(MISBEHAVIOURS)}.")
        self._misbehaviour = kind

    def jwks(self) -> dict[str, Any]:
        return {"keys": [public_jwk(self.key, self.kid)]}

    def snapshot(self) -> dict[str, Any]:
        return {
            "client_id": self.client_id,
            "deployment_id": self.deployment_id,
            "launches": [launch.summary() for launch in self.launches],
            "refusals": list(self.refusals),
            "control_results": list(self.control_results),
        }

    def _platform(self) -> PlatformConfig:
        if self.platform is None:
            raise ToolError("The tool does not know its platform yet (configure it).")
        return self.platform

    # -- the launch ----------------------------------------------------------------------------------

    def login(self, params: dict[str, str]) -> str:
        """Third-party login initiation: the platform authorization URL to send the browser to."""
        platform = self._platform()
        if params.get("iss") != platform.issuer:
            raise ToolError(f"Unknown platform issuer {params.get('iss')!r}.")
        if params.get("client_id", self.client_id) != self.client_id:
            raise ToolError(f"Unknown client id {params.get('client_id')!r}.")
        if params.get("lti_deployment_id", self.deployment_id) != self.deployment_id:
            raise ToolError(f"Unknown deployment {params.get('lti_deployment_id')!r}.")
        if not params.get("login_hint") or not params.get("target_link_uri"):
            raise ToolError("A login initiation needs login_hint and target_link_uri.")
        state, nonce = secrets.token_urlsafe(24), secrets.token_urlsafe(24)
        redirect_uri = params["target_link_uri"]
        with self._lock:
            self._states[state] = {"nonce": nonce, "redirect_uri": redirect_uri, "at": time.time()}
        query = {
            "scope": "openid",
            "response_type": "id_token",
            "response_mode": "form_post",
            "prompt": "none",
            "client_id": self.client_id,
            "redirect_uri": redirect_uri,
            "login_hint": params["login_hint"],
            "state": state,
            "nonce": nonce,
        }
        if params.get("lti_message_hint"):
            query["lti_message_hint"] = params["lti_message_hint"]
        return f"{platform.auth_url}?{urlencode(query)}"

    def validate_id_token(self, id_token: str, *, nonce: str) -> dict[str, Any]:
        """The platform's id_token claims, checked as a careful tool checks them; ToolError otherwise."""
        platform = self._platform()
        if self._jwks_client is None:
            self._jwks_client = jwt.PyJWKClient(platform.jwks_url, cache_keys=True, timeout=HTTP_TIMEOUT)
        try:
            key = self._jwks_client.get_signing_key_from_jwt(id_token)
            claims = jwt.decode(
                id_token,
                key=key.key,
                algorithms=["RS256"],
                audience=self.client_id,
                issuer=platform.issuer,
                options={"require": ["iss", "sub", "aud", "exp", "iat", "nonce"]},
            )
        except jwt.PyJWTError as exc:
            raise ToolError(f"The id_token is not valid: {exc}")
        if claims["nonce"] != nonce:
            raise ToolError("The id_token's nonce is not the one this login sent.")
        if claims.get(LTI + "version") != LTI_VERSION:
            raise ToolError(f"Unsupported LTI version {claims.get(LTI + 'version')!r}.")
        if claims.get(LTI + "deployment_id") != self.deployment_id:
            raise ToolError(f"Unknown deployment {claims.get(LTI + 'deployment_id')!r}.")
        message_type = claims.get(LTI + "message_type")
        if message_type not in (START_PROCTORING, END_ASSESSMENT):
            raise ToolError(f"This tool does not take {message_type!r} messages.")
        if not (claims.get(LTI + "resource_link") or {}).get("id"):
            raise ToolError("The message has no resource_link.id.")
        attempt_number = claims.get(AP + "attempt_number")
        if not isinstance(attempt_number, int) or isinstance(attempt_number, bool) or attempt_number < 1:
            raise ToolError(f"attempt_number must be an integer >= 1, not {attempt_number!r}.")
        if message_type == START_PROCTORING:
            for name in ("start_assessment_url", "session_data"):
                if not claims.get(AP + name):
                    raise ToolError(f"LtiStartProctoring without {name}.")
            acs = claims.get(AP + "acs")
            if acs is not None and not (isinstance(acs, dict) and acs.get("assessment_control_url")):
                raise ToolError("The acs claim has no assessment_control_url.")
        return claims

    def launch(self, form: dict[str, str]) -> str:
        """The redirect URI: the page the browser gets for the platform's id_token."""
        with self._lock:
            login = self._states.pop(form.get("state", ""), None)
        if login is None:
            raise ToolError("Unknown or already used state.")
        if form.get("error"):
            # An OIDC error response of the platform to our auth request (its state checked like a success's).
            raise ToolError(f"The platform refused the launch: {form['error']}: {form.get('error_description', '')}")
        if not form.get("id_token"):
            raise ToolError("No id_token.")
        claims = self.validate_id_token(form["id_token"], nonce=login["nonce"])
        launch = Launch(message_type=claims[LTI + "message_type"], claims=claims)
        with self._lock:
            self.launches.append(launch)
        if launch.message_type == END_ASSESSMENT:
            return end_page(launch)
        jwt_value = self.start_assessment_jwt(launch)
        return start_assessment_page(
            action=claims[AP + "start_assessment_url"], jwt_value=jwt_value, auto_submit=self.auto_submit
        )

    def start_assessment_jwt(self, launch: Launch) -> str:
        """LtiStartAssessment for `launch`, broken as the pending misbehaviour says (then behaving again)."""
        platform = self._platform()
        kind, self._misbehaviour = self._misbehaviour, None
        now = int(time.time())
        nonce = secrets.token_urlsafe(16)
        if kind == "replayed_nonce":
            if not self.sent_nonces:
                raise ToolError("No earlier LtiStartAssessment to replay the nonce of.")
            nonce = self.sent_nonces[-1]
        claims: dict[str, Any] = {
            "iss": self.client_id,
            "aud": platform.issuer,
            "iat": now,
            "exp": now + 300,
            "nonce": nonce,
            LTI + "message_type": START_ASSESSMENT,
            LTI + "version": LTI_VERSION,
            LTI + "deployment_id": self.deployment_id,
            LTI + "resource_link": dict(launch.resource_link),
            AP + "attempt_number": launch.attempt_number,
            AP + "session_data": launch.session_data,
            AP + "end_assessment_return": self.end_assessment_return,
        }
        if self.verified_user:
            claims[AP + "verified_user"] = dict(self.verified_user)
        key, kid = self.key, self.kid
        self._break(claims, kind=kind, launch=launch)
        if kind == "expired":
            claims["iat"], claims["exp"] = now - 900, now - 600
        if kind == "exp_out_of_range":
            claims["exp"] = 10**20
        if kind == "bad_signature":
            key = _new_key()
        if kind == "wrong_kid":
            kid = "not-a-key-of-this-tool"
        token = jwt.encode(claims, key, algorithm="RS256", headers={"kid": kid})
        launch.start_assessment, launch.start_assessment_claims = token, claims
        self.sent_nonces.append(nonce)
        return token

    def _break(self, claims: dict[str, Any], *, kind: str | None, launch: Launch) -> None:
        if kind == "wrong_iss":
            claims["iss"] = "another-tool"
        elif kind == "wrong_aud":
            claims["aud"] = "https://another-platform.example.org"
        elif kind == "unknown_deployment":
            claims[LTI + "deployment_id"] = "unknown-deployment"
        elif kind == "wrong_message_type":
            claims[LTI + "message_type"] = START_PROCTORING
        elif kind == "wrong_version":
            claims[LTI + "version"] = "1.1"
        elif kind == "wrong_resource_link":
            other_id = f"{launch.resource_link.get('id', '')}-other"
            claims[LTI + "resource_link"] = {**launch.resource_link, "id": other_id}
        elif kind == "wrong_attempt_number":
            claims[AP + "attempt_number"] = (launch.attempt_number or 0) + 1
        elif kind in ("reused_session_data", "foreign_session_data"):
            claims[AP + "session_data"] = self._other_session_data(launch, foreign=kind == "foreign_session_data")

    def _other_session_data(self, launch: Launch, *, foreign: bool) -> str:
        """An earlier launch's session data: the same learner's (reused) or another learner's (foreign)."""
        for earlier in reversed(self.launches):
            if earlier is launch or earlier.message_type != START_PROCTORING:
                continue
            if (earlier.sub != launch.sub) == foreign:
                return earlier.session_data
        raise ToolError("No earlier launch to take the session data of.")

    # -- the Assessment Control Service --------------------------------------------------------------

    def client_assertion(self, *, overrides: dict[str, Any] | None = None, key=None, kid: str | None = None) -> str:
        platform = self._platform()
        now = int(time.time())
        claims = {
            "iss": self.client_id,
            "sub": self.client_id,
            "aud": platform.token_url,
            "iat": now,
            "exp": now + 300,
            "jti": uuid.uuid4().hex,
            **(overrides or {}),
        }
        return jwt.encode(claims, key or self.key, algorithm="RS256", headers={"kid": kid or self.kid})

    def request_token(self, *, scope: str = ACS_SCOPE, assertion: str | None = None) -> requests.Response:
        """POST the client-credentials grant to the platform's token endpoint; the raw response."""
        form = {
            "grant_type": "client_credentials",
            "client_assertion_type": CLIENT_ASSERTION_TYPE,
            "client_assertion": assertion or self.client_assertion(),
            "scope": scope,
        }
        return requests.post(self._platform().token_url, data=form, timeout=HTTP_TIMEOUT)

    def access_token(self) -> str:
        response = self.request_token()
        if response.status_code != 200:
            raise ToolError(f"The platform refused the token request: {response.status_code} {response.text}")
        return response.json()["access_token"]

    def control_body(
        self,
        action: str,
        *,
        launch: Launch | None = None,
        incident_time: str | None = None,
        incident_severity: float | None = None,
        extra_time: Any = None,
        reason_code: str | None = None,
        reason_msg: str | None = None,
        include_iss: bool = True,
    ) -> dict[str, Any]:
        launch = launch or self.latest_launch()
        body: dict[str, Any] = {
            "user": {"sub": launch.sub},
            "resource_link": dict(launch.resource_link),
            "attempt_number": launch.attempt_number,
            "action": action,
            "incident_time": incident_time or datetime.now(UTC).isoformat().replace("+00:00", "Z"),
            "incident_severity": 0.0 if incident_severity is None else incident_severity,
        }
        if include_iss:
            body["user"]["iss"] = self._platform().issuer
        for name, value in (("extra_time", extra_time), ("reason_code", reason_code), ("reason_msg", reason_msg)):
            if value is not None:
                body[name] = value
        return body

    def send_control(
        self, body: dict[str, Any], *, url: str | None = None, token: str | None = None
    ) -> tuple[int, Any]:
        """POST a control-service request; (HTTP status, the JSON answer or the text)."""
        url = url or self.latest_launch().acs.get("assessment_control_url")
        if not url:
            raise ToolError("The launch advertised no assessment control service.")
        response = requests.post(
            url,
            data=json.dumps(body),
            headers={
                "Authorization": f"Bearer {token or self.access_token()}",
                "Content-Type": ACS_MEDIA_TYPE,
                "Accept": ACS_MEDIA_TYPE,
            },
            timeout=HTTP_TIMEOUT,
        )
        try:
            answer = response.json()
        except ValueError:
            answer = response.text
        result = {"request": body, "status": response.status_code, "answer": answer}
        result["content_type"] = response.headers.get("Content-Type")
        with self._lock:
            self.control_results.append(result)
        return response.status_code, answer

    def control(self, action: str, *, launch: Launch | None = None, token: str | None = None, **fields):
        """Send `action` about `launch`'s attempt (default: the latest launch); (HTTP status, answer)."""
        launch = launch or self.latest_launch()
        body = self.control_body(action, launch=launch, **fields)
        return self.send_control(body, url=launch.acs.get("assessment_control_url"), token=token)

    def latest_launch(self, *, message_type: str = START_PROCTORING) -> Launch:
        for launch in reversed(self.launches):
            if launch.message_type == message_type:
                return launch
        raise ToolError(f"The tool has seen no {message_type} launch yet.")

    def handle_control(self, command: dict[str, Any]) -> dict[str, Any]:
        """The body of ``POST /__control__``."""
        if "misbehave" in command:
            self.misbehave(command["misbehave"])
        if "action" in command:
            launch = self.launches[int(command["launch"])] if command.get("launch") is not None else None
            fields = {
                name: command[name]
                for name in ("incident_time", "incident_severity", "extra_time", "reason_code", "reason_msg")
                if name in command
            }
            status, answer = self.control(str(command["action"]), launch=launch, **fields)
            return {"status": status, "answer": answer}
        return self.snapshot()


# -- pages -----------------------------------------------------------------------------------------------


def _page(title: str, body: str, *, onload: str = "") -> str:
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        f"<title>{escape(title)}</title></head><body{onload}><main><h1>{escape(title)}</h1>{body}</main></body></html>"
    )


def start_assessment_page(*, action: str, jwt_value: str, auto_submit: bool) -> str:
    """The identity and environment checks passed: send the learner to the exam with LtiStartAssessment."""
    form = (
        f'<form id="start-assessment" method="post" action="{escape(action)}">'
        f'<input type="hidden" name="JWT" value="{escape(jwt_value)}">'
        '<p data-testid="tool-checks">Identity verified. Your room and computer are ready.</p>'
        '<button type="submit">Start the exam</button></form>'
    )
    onload = " onload=\"document.getElementById('start-assessment').submit()\"" if auto_submit else ""
    return _page("Mock proctoring tool", form, onload=onload)


def end_page(launch: Launch) -> str:
    error = launch.claims.get(AP + "errormsg")
    parts = ['<p data-testid="tool-ended">The proctoring session has ended.</p>']
    if error:
        parts.append(f'<p data-testid="tool-error">{escape(str(error))}</p>')
    if launch.return_url:
        parts.append(f'<p><a data-testid="tool-return" href="{escape(launch.return_url)}">Back to the course</a></p>')
    return _page("Mock proctoring tool", "".join(parts))


def launches_page(tool: MockLtiTool) -> str:
    rows = []
    for index, launch in enumerate(tool.launches):
        summary = launch.summary()
        buttons = "".join(
            f'<button name="action" value="{action}">{action}</button>' for action in summary["acs"].get("actions", [])
        )
        controls = (
            f'<form method="post" action="/__control__/form"><input type="hidden" name="launch" value="{index}">'
            '<input name="extra_time" size="3" placeholder="min" aria-label="extra minutes (update)">'
            '<input name="reason_code" size="6" placeholder="reason" aria-label="reason code (terminate, flag)">'
            f"{buttons}</form>"
            if launch.message_type == START_PROCTORING and buttons
            else ""
        )
        cells = (index, launch.message_type, summary["resource_link_id"], summary["attempt_number"], summary["sub"])
        rows.append("<tr>" + "".join(f"<td>{escape(str(cell))}</td>" for cell in cells) + f"<td>{controls}</td></tr>")
    results = "".join(
        f"<li>{escape(result['request']['action'])}: {result['status']} {escape(json.dumps(result['answer']))}</li>"
        for result in tool.control_results[-10:]
    )
    table = (
        "<table><tr><th>#</th><th>message</th><th>resource link</th><th>attempt</th><th>sub</th><th>control</th></tr>"
        + "".join(rows)
        + f"</table><h2>Control results</h2><ul>{results}</ul>"
    )
    return _page("Mock proctoring tool: launches", table)


# -- HTTP ------------------------------------------------------------------------------------------------


class _Answer(Exception):
    def __init__(self, status: int, body: str | dict, *, location: str | None = None):
        super().__init__(status)
        self.status, self.body, self.location = status, body, location


class ToolRequestHandler(BaseHTTPRequestHandler):
    tool: MockLtiTool = None  # set on the bound subclass
    protocol_version = "HTTP/1.1"
    server_version = "MockLtiTool/1.0"

    def log_message(self, format, *args):  # noqa: A002 - the base class's signature
        log.debug("mock LTI tool: " + format, *args)

    def do_GET(self):
        self._handle("GET")

    def do_POST(self):
        self._handle("POST")

    def _handle(self, method: str) -> None:
        parts = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        params = {key: values[0] for key, values in parse_qs(parts.query).items()}
        if method == "POST" and "json" not in (self.headers.get("Content-Type") or ""):
            params.update({key: values[0] for key, values in parse_qs(raw.decode("utf-8")).items()})
        try:
            self._route(method, parts.path.rstrip("/") or "/", params, raw)
        except _Answer as answer:
            self._write(answer)
        except ToolError as exc:
            self.tool.refusals.append(str(exc))
            log.info("Mock LTI tool refused %s %s: %s", method, parts.path, exc)
            self._write(_Answer(400, _page("Mock proctoring tool: refused", f"<p>{escape(str(exc))}</p>")))
        except Exception as exc:  # a bug in the mock must answer, not hang the browser
            log.exception("Mock LTI tool failed on %s %s", method, self.path)
            self._write(_Answer(500, {"detail": f"mock LTI tool error: {exc}"}))

    def _route(self, method: str, path: str, params: dict[str, str], raw: bytes) -> None:
        tool = self.tool
        if path == "/jwks" and method == "GET":
            raise _Answer(200, tool.jwks())
        if path == "/login":
            raise _Answer(302, "", location=tool.login(params))
        if path in ("/launch", "/end") and method == "POST":
            raise _Answer(200, tool.launch(params))
        if path == "/" and method == "GET":
            raise _Answer(200, launches_page(tool))
        if path.startswith("/__control__") and not same_origin(
            origin=self.headers.get("Origin") or self.tool.url, host=self.headers.get("Host")
        ):
            # Loopback only, and never on behalf of another site's page the learner has open.
            raise _Answer(403, {"detail": "Control requests come from this tool's own pages or from tests."})
        if path == "/__control__":
            if method == "POST" and "json" not in (self.headers.get("Content-Type") or ""):
                raise _Answer(415, {"detail": "POST /__control__ takes application/json."})
            command = json.loads(raw.decode("utf-8") or "{}") if method == "POST" else {}
            raise _Answer(200, tool.handle_control(command))
        if path == "/__control__/form" and method == "POST":
            command = {key: value for key, value in params.items() if value != ""}
            if "extra_time" in command:
                command["extra_time"] = int(command["extra_time"]) if command["extra_time"].isdecimal() else 0
            tool.handle_control(command)
            raise _Answer(303, "", location="/")
        raise _Answer(404, {"detail": f"No such route: {method} {path}"})

    def _write(self, answer: _Answer) -> None:
        if isinstance(answer.body, dict):
            body, content_type = json.dumps(answer.body).encode("utf-8"), "application/json"
        else:
            body, content_type = answer.body.encode("utf-8"), "text/html; charset=utf-8"
        try:
            self.send_response(answer.status)
            if answer.location:
                self.send_header("Location", answer.location)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            log.info("Mock LTI tool: the client of %s left before the answer", self.path)


def _handler_for(tool: MockLtiTool) -> type[BaseHTTPRequestHandler]:
    return type("BoundToolRequestHandler", (ToolRequestHandler,), {"tool": tool})


def serve(args) -> int:
    """Run the tool until SIGTERM or Ctrl-C (``python -m edx_proctoring.mock_vendor --lti-tool ...``)."""
    import contextlib  # the command line only
    import signal

    platform = None
    if args.lti_platform_url:
        platform = platform_config_for(platform_url=args.lti_platform_url, issuer=args.lti_issuer)
    tool = MockLtiTool(
        host=args.host,
        port=args.port,
        client_id=args.lti_client_id,
        deployment_id=args.lti_deployment_id,
        platform=platform,
        private_key_pem=args.lti_key.read_text() if args.lti_key else None,
    )
    tool.start()
    print(
        f"Mock LTI tool listening on {tool.url} (client id {tool.client_id}, login {tool.login_url}, "
        f"launch {tool.launch_url}, keys {tool.jwks_url}); Ctrl-C to stop.",
        flush=True,
    )
    stopped = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stopped.set())
    with contextlib.suppress(KeyboardInterrupt):
        stopped.wait()
    tool.stop()
    return 0
