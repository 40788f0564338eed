"""The mock vendor's calls back into the LMS: attempt ready, attempt reviewed.

Callbacks are queued with a delay and sent by a background thread, like a real vendor does. With
``hold=True`` they wait in the queue until :meth:`LmsCallbacks.deliver_pending` sends them from the
caller's thread, which lets a test decide exactly when the LMS is called.

Authentication to the LMS is either a fixed header (``Authorization: JWT …`` obtained elsewhere) or a
short-lived JWT the mock vendor mints itself for a configured LMS username: RS512 with an RSA private key
whose public half the LMS trusts, or HS256 with the LMS's JWT secret (and, when the LMS checks them, the
issuer and audience of its JWT configuration). Every token carries ``exp`` and ``iat``.
"""

from __future__ import annotations

import heapq
import itertools
import json
import logging
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from typing import Any

import jwt

from edx_proctoring.mock_vendor.state import FAULT_DROP_CALLBACKS, VendorState

log = logging.getLogger(__name__)

CALLBACK_PATH = "/api/edx_proctoring/v1/proctored_exam/attempt/{attempt_id}/{kind}"
READY = "ready"
REVIEWED = "reviewed"
RETRY_STATUSES = frozenset({404, 500, 502, 503, 504})
# How long stop() waits for a callback being sent before leaving it to die with the process.
STOP_GRACE_SECONDS = 1.0


@dataclass
class LmsAuth:
    """How the mock vendor proves who it is to the LMS."""

    header: str | None = None
    jwt_secret: str | None = None
    # An RSA private key (PEM): tokens are then RS512, as an LMS's OAuth2 provider signs them, and the LMS
    # checks them with the public key in its JWT_PUBLIC_SIGNING_JWK_SET.
    jwt_private_key: str | None = None
    jwt_key_id: str | None = None
    jwt_issuer: str | None = None
    jwt_audience: str | None = None
    username: str | None = None
    email: str | None = None
    jwt_lifetime: int = 300
    # edx-platform configures "JWT"; drf-jwt's own default (a bare test LMS) is "Bearer".
    jwt_header_prefix: str = "JWT"

    def headers(self) -> dict[str, str]:
        if self.header:
            name, _, value = self.header.partition(":")
            return {name.strip(): value.strip()}
        if (self.jwt_secret or self.jwt_private_key) and self.username:
            now = int(time.time())
            claims: dict[str, Any] = {
                "preferred_username": self.username,
                "username": self.username,
                "iat": now,
                "exp": now + self.jwt_lifetime,
            }
            if self.email:
                claims["email"] = self.email
            if self.jwt_issuer:
                claims["iss"] = self.jwt_issuer
            if self.jwt_audience:
                claims["aud"] = self.jwt_audience
            if self.jwt_private_key:
                headers = {"kid": self.jwt_key_id} if self.jwt_key_id else None
                token = jwt.encode(claims, self.jwt_private_key, algorithm="RS512", headers=headers)
            else:
                token = jwt.encode(claims, self.jwt_secret, algorithm="HS256")
            return {"Authorization": f"{self.jwt_header_prefix} {token}"}
        return {}


@dataclass(order=True)
class PendingCallback:
    due: float
    seq: int
    kind: str = field(compare=False)
    attempt_id: str = field(compare=False)
    payload: dict[str, Any] = field(compare=False)


@dataclass
class CallbackResult:
    """What happened to one callback: the LMS's HTTP status and body, or why it was not sent."""

    kind: str
    attempt_id: str
    url: str
    payload: dict[str, Any]
    status: int | None = None
    body: str = ""
    dropped: bool = False
    tries: int = 0
    error: str | None = None


class LmsCallbacks:
    """A queue of callbacks to the LMS and the threads that send them.

    With several `senders`, callbacks go out in parallel (a busy LMS is then not waited on one call at a
    time), but a sender never takes a callback of an attempt another sender is still delivering, so each
    attempt's callbacks keep their order (ready before review).
    """

    def __init__(
        self,
        *,
        state: VendorState,
        lms_url: str | None,
        auth: LmsAuth,
        hold: bool = False,
        retries: int = 3,
        retry_delay: float = 0.5,
        timeout: float = 10.0,
        senders: int = 1,
    ):
        if senders < 1:
            raise ValueError("A mock vendor needs at least one callback sender.")
        self.state = state
        self.lms_url = (lms_url or "").rstrip("/")
        self.auth = auth
        self.hold = hold
        self.retries = retries
        self.retry_delay = retry_delay
        self.timeout = timeout
        self.results: list[CallbackResult] = []
        self.dropped: list[PendingCallback] = []
        self._queue: list[PendingCallback] = []
        self._seq = itertools.count()
        self._in_flight = 0
        self._cond = threading.Condition()
        self._stopping = False
        self.senders = senders
        self._threads: list[threading.Thread] = []
        self._busy_attempts: set[str] = set()

    # -- lifecycle -----------------------------------------------------------------------------------

    def start(self) -> None:
        self._stopping = False
        self._threads = [
            threading.Thread(target=self._run, name=f"mock-vendor-callbacks-{number}", daemon=True)
            for number in range(self.senders)
        ]
        for thread in self._threads:
            thread.start()

    def stop(self) -> None:
        with self._cond:
            self._stopping = True
            self._cond.notify_all()
        # A callback may be waiting on an LMS that is itself shutting down: the senders are daemon threads,
        # so the process can exit without them, and Ctrl-C must not wait out the request timeout.
        deadline = time.monotonic() + STOP_GRACE_SECONDS
        for thread in self._threads:
            thread.join(timeout=max(0.0, deadline - time.monotonic()))
        self._threads = []

    # -- queueing ------------------------------------------------------------------------------------

    def schedule(self, *, kind: str, attempt_id: str, payload: dict[str, Any], delay: float = 0.0) -> None:
        with self._cond:
            heapq.heappush(
                self._queue,
                PendingCallback(time.monotonic() + delay, next(self._seq), kind, attempt_id, payload),
            )
            self._cond.notify_all()

    @property
    def pending(self) -> list[PendingCallback]:
        with self._cond:
            return sorted(self._queue)

    def deliver_pending(self) -> list[CallbackResult]:
        """Send every queued callback now, from this thread, in order; their results."""
        results = []
        while True:
            with self._cond:
                if not self._queue:
                    break
                item = heapq.heappop(self._queue)
                self._in_flight += 1
            try:
                results.append(self._deliver(item))
            finally:
                with self._cond:
                    self._in_flight -= 1
                    self._cond.notify_all()
        return results

    def redeliver_dropped(self, *, delay: float = 0.0) -> int:
        """Queue again the callbacks a drop fault swallowed; how many."""
        with self._cond:
            dropped, self.dropped = self.dropped, []
        for item in dropped:
            self.schedule(kind=item.kind, attempt_id=item.attempt_id, payload=item.payload, delay=delay)
        return len(dropped)

    def wait_idle(self, timeout: float = 10.0) -> bool:
        """Wait until nothing is queued or being sent (in held mode: nothing being sent)."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while self._in_flight or (self._queue and not self.hold):
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return False
                self._cond.wait(remaining)
        return True

    # -- sending -------------------------------------------------------------------------------------

    def _next_sendable(self) -> tuple[PendingCallback | None, float | None]:
        """The earliest due callback no other sender holds its attempt for, or how long to wait for one."""
        if self.hold or not self._queue:
            return None, None
        now = time.monotonic()
        wait = None
        for item in sorted(self._queue):
            if item.attempt_id in self._busy_attempts:
                continue
            if item.due <= now:
                return item, None
            wait = item.due - now
            break
        return None, wait

    def _run(self) -> None:
        while True:
            with self._cond:
                item, wait = self._next_sendable()
                while not self._stopping and item is None:
                    self._cond.wait(wait)
                    item, wait = self._next_sendable()
                if self._stopping:
                    return
                self._queue.remove(item)
                heapq.heapify(self._queue)
                self._busy_attempts.add(item.attempt_id)
                self._in_flight += 1
            try:
                self._deliver(item)
            except Exception:  # the sender thread must survive any one callback
                log.exception("Mock vendor: callback %s for attempt %s failed", item.kind, item.attempt_id)
            finally:
                with self._cond:
                    self._busy_attempts.discard(item.attempt_id)
                    self._in_flight -= 1
                    self._cond.notify_all()

    def _wait_unless_stopping(self, seconds: float) -> bool:
        """Sleep `seconds`, cut short by stop(); whether the sender is stopping."""
        with self._cond:
            return self._cond.wait_for(lambda: self._stopping, timeout=seconds)

    def url_for(self, kind: str, attempt_id: str) -> str:
        return self.lms_url + CALLBACK_PATH.format(attempt_id=attempt_id, kind=kind)

    def _deliver(self, item: PendingCallback) -> CallbackResult:
        result = CallbackResult(item.kind, item.attempt_id, self.url_for(item.kind, item.attempt_id), item.payload)
        if self.state.take_fault("callback") == FAULT_DROP_CALLBACKS:
            result.dropped = True
            with self._cond:
                self.dropped.append(item)
            log.info("Mock vendor: dropped the %s callback of attempt %s", item.kind, item.attempt_id)
        else:
            self._send_with_retries(result)
        self.results.append(result)
        return result

    def _send_with_retries(self, result: CallbackResult) -> None:
        for attempt in range(self.retries + 1):
            if attempt and self._wait_unless_stopping(self.retry_delay):
                return
            result.tries += 1
            self.send(result)
            if result.status is not None and result.status not in RETRY_STATUSES:
                return

    def send(self, result: CallbackResult) -> CallbackResult:
        """POST one callback now (no faults, no retries) and fill in the LMS's answer."""
        if not self.lms_url:
            result.error = "No LMS URL is configured."
            return result
        request = urllib.request.Request(
            result.url,
            data=json.dumps(result.payload).encode("utf-8"),
            headers={"Content-Type": "application/json", "Accept": "application/json", **self.auth.headers()},
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # operator URL
                result.status, result.body = response.status, response.read().decode("utf-8", "replace")
                result.error = None
        except urllib.error.HTTPError as exc:
            result.status, result.body = exc.code, exc.read().decode("utf-8", "replace")
            result.error = None
        except (urllib.error.URLError, OSError) as exc:
            result.status, result.error = None, str(exc)
        log.info("Mock vendor: %s callback of %s -> %s %s", result.kind, result.attempt_id, result.status, result.body)
        return result
