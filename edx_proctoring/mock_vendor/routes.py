"""HTTP routing of the mock vendor: parse the request, play faults, call the vendor, write the answer.

The handler class is bound to one :class:`~edx_proctoring.mock_vendor.server.MockVendor` through its
``vendor`` class attribute.
"""

from __future__ import annotations

import ipaddress
import json
import logging
import re
from http.server import BaseHTTPRequestHandler
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

import jwt

from edx_proctoring.mock_vendor.pages import download_page, error_page, instructor_page
from edx_proctoring.mock_vendor.state import (
    FAULT_MALFORMED_JSON,
    FAULT_NO_ATTEMPT_ID,
    FAULT_SERVER_ERROR,
    FAULT_SLOW,
    ONBOARDING_FAULTS,
    FaultError,
)

log = logging.getLogger(__name__)

FAULT_HEADER = "X-Mock-Vendor-Fault"

ROUTES = [
    ("token", re.compile(r"^/oauth2/access_token/?$")),
    ("config", re.compile(r"^/api/v1/config/?$")),
    ("exams", re.compile(r"^/api/v1/exam/?$")),
    ("exam", re.compile(r"^/api/v1/exam/(?P<exam>[^/]+)/?$")),
    ("attempts", re.compile(r"^/api/v1/exam/(?P<exam>[^/]+)/attempt/?$")),
    ("attempt", re.compile(r"^/api/v1/exam/(?P<exam>[^/]+)/attempt/(?P<attempt>[^/]+)/?$")),
    ("onboarding", re.compile(r"^/api/v1/courses/(?P<course>.+)/onboarding_statuses/?$")),
    ("user", re.compile(r"^/api/v1/user/(?P<user>[^/]+)/?$")),
    ("instructor", re.compile(r"^/api/v1/instructor/(?P<client>[^/]+)/?$")),
    ("control", re.compile(r"^/__control__/?$")),
    ("download", re.compile(r"^/download/?$")),
]
# The fault scope of each vendor API route (the others never fault).
ROUTE_SCOPE = {
    "config": "config",
    "exams": "exam",
    "exam": "exam",
    "attempts": "create_attempt",
    "attempt": "attempt",
    "onboarding": "onboarding",
    "user": "user",
}
ALLOWED_METHODS = {
    "token": {"POST"},
    "config": {"GET"},
    "exams": {"POST"},
    "exam": {"GET", "POST", "PUT"},
    "attempts": {"POST"},
    "attempt": {"GET", "PATCH", "DELETE"},
    "onboarding": {"GET"},
    "user": {"DELETE"},
    "instructor": {"GET"},
    "control": {"GET", "POST"},
    "download": {"GET"},
}
PAGE_SIZE = 50


class Reply(Exception):
    """Raised anywhere while handling a request to answer it at once."""

    def __init__(self, status: int, payload: Any = None, *, body: bytes | None = None, content_type: str | None = None):
        super().__init__(status)
        self.status = status
        self.payload = payload
        self.body = body
        self.content_type = content_type


def same_origin(*, origin: str, host: str | None) -> bool:
    """Whether a browser's Origin is the mock vendor itself, as addressed by the Host header.

    Only loopback names and IP literals count: a DNS name can be rebound to 127.0.0.1 by a hostile page,
    which then is "same origin" with the server as far as the browser is concerned.
    """
    parts = urlsplit(origin)
    if parts.scheme != "http" or not parts.hostname or not host or parts.path or parts.query:
        return False
    try:
        origin_port = parts.port or 80
        host_parts = urlsplit(f"//{host}")
        host_port = host_parts.port or 80
    except ValueError:
        return False
    if (parts.hostname, origin_port) != (host_parts.hostname, host_port):
        return False
    return parts.hostname == "localhost" or _is_ip_literal(parts.hostname)


def _is_ip_literal(name: str) -> bool:
    try:
        ipaddress.ip_address(name)
    except ValueError:
        return False
    return True


def match_route(path: str) -> tuple[str | None, dict[str, str]]:
    for name, pattern in ROUTES:
        match = pattern.match(path)
        if match:
            return name, {key: unquote(value) for key, value in match.groupdict().items()}
    return None, {}


class VendorRequestHandler(BaseHTTPRequestHandler):
    vendor = None  # set on the bound subclass
    protocol_version = "HTTP/1.1"
    server_version = "MockProctoringVendor/1.0"

    def log_message(self, format, *args):  # noqa: A002 - the base class's signature
        log.debug("mock vendor: " + format, *args)

    def do_GET(self):
        self._handle("GET")

    def do_POST(self):
        self._handle("POST")

    def do_PUT(self):
        self._handle("PUT")

    def do_PATCH(self):
        self._handle("PATCH")

    def do_DELETE(self):
        self._handle("DELETE")

    # -- plumbing ------------------------------------------------------------------------------------

    def _handle(self, method: str) -> None:
        parts = urlsplit(self.path)
        self.query = {key: values[0] for key, values in parse_qs(parts.query).items()}
        length = int(self.headers.get("Content-Length") or 0)
        self.raw_body = self.rfile.read(length) if length else b""
        route, params = match_route(parts.path)
        status = 500
        try:
            if route is None:
                raise Reply(404, {"detail": f"No such route: {method} {parts.path}"})
            if method not in ALLOWED_METHODS[route]:
                raise Reply(405, {"detail": f"{method} is not allowed on {parts.path}"})
            if route in ROUTE_SCOPE:
                self._check_token()
                self._play_fault(route)
            payload = getattr(self, f"route_{route}")(method, **params)
            raise Reply(200, payload)
        except Reply as reply:
            status = reply.status
            self._write(reply)
        except FaultError as exc:
            status = 400
            self._write(Reply(400, {"detail": str(exc)}))
        except Exception as exc:  # a bug in the mock must answer, not hang the client
            log.exception("Mock vendor failed on %s %s", method, self.path)
            self._write(Reply(500, {"detail": f"mock vendor error: {exc}"}))
        finally:
            self.vendor.requests.append((method, parts.path, status))

    def _write(self, reply: Reply) -> None:
        if reply.body is not None:
            body, content_type = reply.body, reply.content_type or "application/json"
        else:
            body, content_type = json.dumps(reply.payload).encode("utf-8"), "application/json"
        try:
            self.send_response(reply.status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            # The client gave up (the slow fault outlasting its timeout): nobody to answer.
            log.info("Mock vendor: the client of %s left before the answer", self.path)

    def json_body(self) -> dict[str, Any]:
        if not self.raw_body:
            return {}
        try:
            data = json.loads(self.raw_body.decode("utf-8"))
        except ValueError:
            raise Reply(400, {"detail": "The body is not JSON."})
        if not isinstance(data, dict):
            raise Reply(400, {"detail": "The body must be a JSON object."})
        return data

    def form_body(self) -> dict[str, str]:
        return {key: values[0] for key, values in parse_qs(self.raw_body.decode("utf-8")).items()}

    def _check_token(self) -> None:
        if not self.vendor.require_token:
            return
        scheme, _, token = (self.headers.get("Authorization") or "").partition(" ")
        if scheme.lower() not in ("jwt", "bearer") or not self.vendor.state.token_is_valid(token.strip()):
            raise Reply(401, {"detail": "A valid access token from /oauth2/access_token is required."})

    def _play_fault(self, route: str) -> None:
        mode = self.headers.get(FAULT_HEADER) or self.vendor.state.take_fault(ROUTE_SCOPE[route])
        if not mode:
            return
        log.info("Mock vendor: playing fault %s on %s", mode, self.path)
        if mode == FAULT_SLOW:
            self.vendor.sleep_slowly()
        elif mode == FAULT_SERVER_ERROR:
            raise Reply(500, {"detail": "mock vendor: simulated internal error"})
        elif mode == FAULT_MALFORMED_JSON:
            raise Reply(200, body=b'{"id": "half-an-answer", "status": ', content_type="application/json")
        elif mode == FAULT_NO_ATTEMPT_ID:
            raise Reply(200, {"status": "created"} if route == "attempts" else {})
        elif mode in ONBOARDING_FAULTS and route == "attempts":
            raise Reply(200, {"status": mode})

    # -- routes --------------------------------------------------------------------------------------

    def route_token(self, method):
        return self.vendor.issue_token(self.form_body())

    def route_config(self, method):
        return self.vendor.config()

    def route_exams(self, method):
        return self.vendor.state.save_exam(None, self.json_body()).as_json()

    def route_exam(self, method, exam):
        if method == "GET":
            found = self.vendor.state.get_exam(exam)
            if found is None:
                raise Reply(404, {"detail": f"No exam {exam}"})
            return found.as_json()
        return self.vendor.state.save_exam(exam, self.json_body()).as_json()

    def route_attempts(self, method, exam):
        data = self.json_body()
        attempt = self.vendor.state.create_attempt(exam, data)
        self.vendor.attempt_created(attempt.id)
        return {"id": attempt.id, "status": attempt.status}

    def route_attempt(self, method, exam, attempt):
        state = self.vendor.state
        if method == "DELETE":
            if not state.delete_attempt(exam, attempt):
                raise Reply(404, {"detail": f"No attempt {attempt}"})
            return {"id": attempt, "status": "deleted"}
        found = state.get_attempt(exam, attempt)
        if found is None:
            raise Reply(404, {"detail": f"No attempt {attempt} of exam {exam}"})
        if method == "PATCH":
            new_status = self.json_body().get("status")
            if not isinstance(new_status, str) or not new_status:
                raise Reply(400, {"detail": "PATCH needs a status."})
            state.set_attempt_status(found, new_status)
            self.vendor.attempt_status_changed(found, new_status)
        return found.as_json()

    def route_onboarding(self, method, course):
        state = self.vendor.state
        user_id = self.query.get("user_id")
        if user_id:
            return {"user_id": user_id, "status": state.profile_status(user_id=user_id, course_id=course)}
        profiles = state.profiles_for_course(course)
        wanted = {value for value in (self.query.get("status") or "").split(",") if value}
        if wanted:
            profiles = [profile for profile in profiles if profile["status"] in wanted]
        page = max(int(self.query.get("page") or 1), 1)
        size = max(int(self.query.get("page_size") or PAGE_SIZE), 1)
        return {
            "count": len(profiles),
            "previous": page - 1 if page > 1 else None,
            "next": page + 1 if page * size < len(profiles) else None,
            "num_pages": max((len(profiles) + size - 1) // size, 1),
            "results": profiles[(page - 1) * size : page * size],
        }

    def route_user(self, method, user):
        return self.vendor.state.delete_user(user)

    def route_instructor(self, method, client):
        token = self.query.get("jwt") or ""
        try:
            # A link without an expiry would open the dashboard forever to whoever finds it in a log.
            claims = jwt.decode(token, self.vendor.client_secret, algorithms=["HS256"], options={"require": ["exp"]})
        except jwt.PyJWTError as exc:
            raise Reply(403, body=error_page(message=f"Invalid token: {exc}").encode(), content_type="text/html")
        if client != self.vendor.client_id or claims.get("iss") != self.vendor.client_id:
            raise Reply(403, body=error_page(message="Unknown client.").encode(), content_type="text/html")
        html = instructor_page(claims=claims, snapshot=self.vendor.snapshot(), vendor_name=self.vendor.name)
        raise Reply(200, body=html.encode("utf-8"), content_type="text/html; charset=utf-8")

    def route_download(self, method):
        html = download_page(vendor_name=self.vendor.name)
        raise Reply(200, body=html.encode("utf-8"), content_type="text/html; charset=utf-8")

    def route_control(self, method):
        # The control endpoint has no authentication (a test tool on loopback), so a web page the tester
        # happens to visit must not be able to drive it: browsers send Origin with cross-site requests, and
        # a JSON content type is not a "simple" request, so a cross-site form or fetch cannot send one
        # without a preflight this server never approves.
        self._refuse_foreign_origin()
        if method == "GET":
            return self.vendor.snapshot()
        media_type = (self.headers.get("Content-Type") or "").partition(";")[0].strip().lower()
        if media_type != "application/json":
            raise Reply(415, {"detail": "POST /__control__ takes a JSON object with Content-Type: application/json."})
        return self.vendor.control(self.json_body())

    def _refuse_foreign_origin(self) -> None:
        origin = self.headers.get("Origin")
        if origin is None:
            return  # not a browser (test code, curl): nothing cross-site to fear
        if not same_origin(origin=origin, host=self.headers.get("Host")):
            raise Reply(403, {"detail": f"Cross-origin requests to /__control__ are refused (Origin {origin})."})
