"""The mock vendor: an HTTP server playing the vendor side of the REST proctoring provider spec.

Vendor API (what ``BaseRestProctoringProvider`` calls), every call but the token endpoint requiring an
``Authorization: JWT <token>`` (or ``Bearer``) issued by the token endpoint:

* ``POST /oauth2/access_token`` -- client credentials -> ``{access_token, expires_in, token_type}``
* ``GET /api/v1/config/``
* ``POST /api/v1/exam/``, ``GET|POST /api/v1/exam/<exam>/``
* ``POST /api/v1/exam/<exam>/attempt/``, ``GET|PATCH|DELETE /api/v1/exam/<exam>/attempt/<attempt>/``
* ``GET /api/v1/courses/<course>/onboarding_statuses``, ``DELETE /api/v1/user/<user>/``
* ``GET /api/v1/instructor/<client_id>/?jwt=<HS256 JWT signed with the client secret>`` (HTML)

Test control (no authentication; the server listens on loopback by default): ``GET /__control__``
returns the vendor's records and callback results, ``POST /__control__`` with a JSON object changes
faults, verdicts, delays or sends held callbacks (see :meth:`MockVendor.control`). A single request
can also ask for a fault with the header ``X-Mock-Vendor-Fault: <mode>``.
"""

from __future__ import annotations

import logging
import secrets
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import jwt

from edx_proctoring.mock_vendor.control import parse_control
from edx_proctoring.mock_vendor.lms import READY, REVIEWED, CallbackResult, LmsAuth, LmsCallbacks
from edx_proctoring.mock_vendor.routes import Reply, VendorRequestHandler
from edx_proctoring.mock_vendor.state import (
    DEFAULT_COMMENTS,
    PROFILE_APPROVED,
    PROFILE_REJECTED,
    VERDICTS,
    Fault,
    FaultError,
    VendorState,
)

log = logging.getLogger(__name__)

DEFAULT_PORT = 11136
DEFAULT_CLIENT_ID = "mock-vendor-client"
DEFAULT_CLIENT_SECRET = "mock-vendor-secret-not-for-production-use"  # a test tool's well-known default
TOKEN_LIFETIME = 3600
# serve_forever notices shutdown() only between polls: the default half second made every stop (one per
# test using the vendor) wait that long, while a poll every 20 ms costs nothing measurable when idle.
SHUTDOWN_POLL_SECONDS = 0.02


class MockVendor:
    """The mock vendor server and its Python controls.

    ``hold_callbacks=True`` keeps the LMS callbacks (ready, reviewed) queued until
    :meth:`deliver_callbacks`; otherwise they are sent ``ready_delay`` / ``review_delay`` seconds after
    the attempt was created / submitted. ``auto_ready`` / ``auto_review`` turn either callback off.
    """

    def __init__(
        self,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        client_id: str = DEFAULT_CLIENT_ID,
        client_secret: str = DEFAULT_CLIENT_SECRET,
        lms_url: str | None = None,
        lms_auth: LmsAuth | None = None,
        verdict: str = "passed",
        ready_delay: float = 0.5,
        review_delay: float = 1.0,
        hold_callbacks: bool = False,
        auto_ready: bool = True,
        auto_review: bool = True,
        slow_seconds: float = 35.0,
        require_token: bool = True,
        callback_retries: int = 3,
        callback_retry_delay: float = 0.5,
        callback_senders: int = 1,
        reviewer_email: str | None = None,
        name: str = "Mock Vendor",
    ):
        if verdict not in VERDICTS:
            raise FaultError(f"Unknown verdict {verdict!r}; choose one of {', '.join(VERDICTS)}.")
        self.host, self.port = host, port
        self.client_id, self.client_secret = client_id, client_secret
        self.verdict = verdict
        self.verdicts: dict[str, str] = {}
        self.comments: dict[str, list[dict[str, Any]]] = {}
        self.ready_delay, self.review_delay = ready_delay, review_delay
        self.auto_ready, self.auto_review = auto_ready, auto_review
        self.slow_seconds = slow_seconds
        self.require_token = require_token
        self.reviewer_email = reviewer_email
        self.name = name
        self.state = VendorState()
        self.callbacks = LmsCallbacks(
            state=self.state,
            lms_url=lms_url,
            auth=lms_auth or LmsAuth(),
            hold=hold_callbacks,
            retries=callback_retries,
            retry_delay=callback_retry_delay,
            senders=callback_senders,
        )
        self.requests: list[tuple[str, str, int]] = []
        self._stopping = threading.Event()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle -----------------------------------------------------------------------------------

    @property
    def url(self) -> str:
        if self._server is None:
            raise RuntimeError("The mock vendor is not started.")
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> MockVendor:
        self._stopping.clear()
        self._server = ThreadingHTTPServer((self.host, self.port), _handler_for(self))
        self._server.daemon_threads = True
        self._server.block_on_close = False
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": SHUTDOWN_POLL_SECONDS},
            name="mock-vendor",
            daemon=True,
        )
        self._thread.start()
        self.callbacks.start()
        log.info("Mock vendor listening on %s", self.url)
        return self

    def stop(self) -> None:
        self._stopping.set()
        self.callbacks.stop()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> MockVendor:
        return self.start()

    def __exit__(self, *exc_info) -> None:
        self.stop()

    # -- controls ------------------------------------------------------------------------------------

    def set_fault(self, mode: str | None, *, scope: str = "create_attempt", times: int | None = None) -> None:
        """Play `mode` on the calls of `scope` (every call until cleared, or the next `times`); None clears."""
        self.state.set_fault(Fault(mode=mode, scope=scope, times=times) if mode else None)

    def clear_faults(self) -> None:
        self.state.set_fault(None)

    def set_verdict(self, verdict: str, *, attempt_id: str | None = None, comments: list | None = None) -> None:
        """The verdict of later reviews (of one attempt, or of every attempt without its own)."""
        if verdict not in VERDICTS:
            raise FaultError(f"Unknown verdict {verdict!r}; choose one of {', '.join(VERDICTS)}.")
        if attempt_id is None:
            self.verdict = verdict
        else:
            self.verdicts[attempt_id] = verdict
        if comments is not None:
            self.comments[attempt_id or "*"] = comments

    def review_payload(self, attempt_id: str, *, verdict: str | None = None, comments: list | None = None) -> dict:
        verdict = verdict or self.verdicts.get(attempt_id) or self.verdict
        if comments is None:
            comments = self.comments.get(attempt_id, self.comments.get("*", DEFAULT_COMMENTS[verdict]))
        payload: dict[str, Any] = {"status": verdict, "comments": [dict(c) for c in comments], "vendor": self.name}
        if self.reviewer_email:
            payload["reviewed_by"] = self.reviewer_email
        return payload

    def deliver_callbacks(self) -> list[CallbackResult]:
        """Send every queued callback now (faults apply), from the calling thread."""
        return self.callbacks.deliver_pending()

    def wait_for_callbacks(self, timeout: float = 10.0) -> bool:
        return self.callbacks.wait_idle(timeout)

    def redeliver_dropped(self) -> int:
        return self.callbacks.redeliver_dropped()

    def post_ready(self, attempt_id: str) -> CallbackResult:
        """Send the ready callback of an attempt at once (no fault, no retry)."""
        result = CallbackResult(READY, attempt_id, self.callbacks.url_for(READY, attempt_id), {"status": "ready"})
        return self.callbacks.send(result)

    def post_review(self, attempt_id: str, *, verdict: str | None = None, comments: list | None = None, **extra):
        """Send a review of an attempt at once (no fault, no retry); extra keys go into the payload."""
        payload = {**self.review_payload(attempt_id, verdict=verdict, comments=comments), **extra}
        found = self.state.find_attempt(attempt_id)
        if found is not None:
            self.state.set_attempt_review(found, payload)
        result = CallbackResult(REVIEWED, attempt_id, self.callbacks.url_for(REVIEWED, attempt_id), payload)
        return self.callbacks.send(result)

    def control(self, command: dict[str, Any]) -> dict[str, Any]:
        """Apply a control command (the body of ``POST /__control__``); the new snapshot.

        Keys (all optional): ``fault`` (mode or null), ``scope``, ``times``; ``verdict`` (+ ``attempt_id``,
        ``comments``); ``ready_delay``, ``review_delay``; ``hold_callbacks``; ``auto_ready``, ``auto_review``;
        ``slow_seconds``; ``profile`` ``{user_id, status, course_id?}``; ``deliver`` (send held callbacks);
        ``redeliver_dropped``. A malformed value raises FaultError and nothing is applied (see
        :mod:`edx_proctoring.mock_vendor.control`).
        """
        parsed = parse_control(command)  # all checked first: a bad value applies nothing
        if parsed.fault is not None:
            self.set_fault(parsed.fault.mode, scope=parsed.fault.scope, times=parsed.fault.times)
        if parsed.verdict is not None:
            self.set_verdict(
                parsed.verdict.verdict, attempt_id=parsed.verdict.attempt_id, comments=parsed.verdict.comments
            )
        for key, seconds in (parsed.delays or {}).items():
            setattr(self, key, seconds)
        switches = parsed.switches or {}
        for key in ("auto_ready", "auto_review"):
            if key in switches:
                setattr(self, key, switches[key])
        if "hold_callbacks" in switches:
            self.callbacks.hold = switches["hold_callbacks"]
        if parsed.profile is not None:
            self.state.set_profile(
                user_id=parsed.profile.user_id, status=parsed.profile.status, course_id=parsed.profile.course_id
            )
        if switches.get("redeliver_dropped"):
            self.redeliver_dropped()
        if switches.get("deliver"):
            self.deliver_callbacks()
        return self.snapshot()

    def snapshot(self) -> dict[str, Any]:
        return {
            **self.state.snapshot(),
            "verdict": self.verdict,
            "ready_delay": self.ready_delay,
            "review_delay": self.review_delay,
            "hold_callbacks": self.callbacks.hold,
            "pending_callbacks": [{"kind": p.kind, "attempt_id": p.attempt_id} for p in self.callbacks.pending],
            "callback_results": [
                {"kind": r.kind, "attempt_id": r.attempt_id, "status": r.status, "dropped": r.dropped, "body": r.body}
                for r in self.callbacks.results
            ],
        }

    # -- vendor behaviour ----------------------------------------------------------------------------

    def issue_token(self, form: dict[str, str]) -> dict[str, Any]:
        if form.get("grant_type") != "client_credentials":
            raise Reply(400, {"error": "unsupported_grant_type"})
        if form.get("client_id") != self.client_id or not secrets.compare_digest(
            form.get("client_secret", ""), self.client_secret
        ):
            raise Reply(401, {"error": "invalid_client"})
        now = int(time.time())
        claims = {"iss": self.url, "sub": self.client_id, "iat": now, "exp": now + TOKEN_LIFETIME}
        token = jwt.encode(claims, self.client_secret, algorithm="HS256")
        self.state.remember_token(token, now + TOKEN_LIFETIME)
        return {"access_token": token, "expires_in": TOKEN_LIFETIME, "token_type": "JWT", "scope": "read write"}

    def attempt_created(self, attempt_id: str) -> None:
        if self.auto_ready:
            self.callbacks.schedule(
                kind=READY, attempt_id=attempt_id, payload={"status": "ready"}, delay=self.ready_delay
            )

    def attempt_status_changed(self, attempt, status: str) -> None:
        if status != "submitted":
            return
        verdict = self.verdicts.get(attempt.id) or self.verdict
        if attempt.data.get("is_sample_attempt"):
            exam = self.state.get_exam(attempt.exam_id)
            course_id = (exam.course_id if exam else None) or "*"
            profile = PROFILE_APPROVED if verdict == "passed" else PROFILE_REJECTED
            self.state.set_profile(user_id=str(attempt.user_id), status=profile, course_id=course_id)
        if self.auto_review:
            # Reviewed: the verdict is the vendor's from now on, whether or not its callback gets through.
            payload = self.review_payload(attempt.id)
            self.state.set_attempt_review(attempt, payload)
            self.callbacks.schedule(kind=REVIEWED, attempt_id=attempt.id, payload=payload, delay=self.review_delay)

    def config(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "download_url": f"{self.url}/download/",
            "rules": {
                "allow_notes": "Handwritten notes are allowed",
                "allow_calculator": "A basic calculator is allowed",
            },
            "instructions": [
                "Download and start the mock proctoring application.",
                "Keep the application open until you submit the exam.",
            ],
        }

    def sleep_slowly(self) -> None:
        """Sleep for `slow_seconds`, or until the server stops."""
        self._stopping.wait(self.slow_seconds)


def _handler_for(vendor: MockVendor) -> type[BaseHTTPRequestHandler]:
    return type("BoundVendorRequestHandler", (VendorRequestHandler,), {"vendor": vendor})
