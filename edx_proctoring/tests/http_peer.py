"""A real HTTP server for tests that talk to vendors: it records every request and answers from a script.

Use it instead of mocking ``requests``, so the code under test exercises real sockets, headers, JSON
encoding and timeouts::

    with HttpPeer() as peer:
        peer.respond("POST", "/api/v1/exam/", json={"id": "x1"})
        ...call code configured with peer.url...
        assert peer.requests[0].json() == {...}

Unscripted requests get a 404 with a JSON body naming the route. Importing this module needs no pytest.
"""

import json as jsonlib
import threading
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit


@dataclass
class Reply:
    """One scripted answer. `body` (bytes/str) wins over `json`; `delay` seconds are waited first."""

    status: int = 200
    json: object = None
    body: bytes | str | None = None
    headers: dict = field(default_factory=dict)
    delay: float = 0.0

    def encoded(self):
        if self.body is not None:
            body = self.body.encode("utf-8") if isinstance(self.body, str) else self.body
            return body, self.headers.get("Content-Type", "text/plain; charset=utf-8")
        if self.json is None:
            return b"", self.headers.get("Content-Type", "text/plain")
        return jsonlib.dumps(self.json).encode("utf-8"), "application/json"


@dataclass
class RecordedRequest:
    method: str
    path: str
    query: dict
    headers: dict
    body: bytes

    def header(self, name, default=None):
        wanted = name.lower()
        for key, value in self.headers.items():
            if key.lower() == wanted:
                return value
        return default

    def json(self):
        return jsonlib.loads(self.body.decode("utf-8"))

    def form(self):
        return {key: values[0] for key, values in parse_qs(self.body.decode("utf-8")).items()}


class HttpPeer:
    """Threaded HTTP server on 127.0.0.1 with a per-route script of replies."""

    def __init__(self):
        self._lock = threading.Lock()
        self._closing = threading.Event()
        self._routes = {}
        self.requests = []
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        self._server.daemon_threads = True
        self._thread = None

    # -- scripting ---------------------------------------------------------------------------------

    def respond(self, method, path, status=200, json=None, body=None, headers=None, delay=0.0, repeat=True):
        """Script the answer to ``METHOD path`` (query string ignored).

        With ``repeat`` the reply is used for every later matching request; otherwise replies queue up
        and are consumed one per request (the last one then stays as the standing answer).
        """
        reply = Reply(status=status, json=json, body=body, headers=dict(headers or {}), delay=delay)
        key = (method.upper(), path)
        with self._lock:
            if repeat or key not in self._routes:
                self._routes[key] = deque([reply])
            else:
                self._routes[key].append(reply)
        return reply

    def serve_oauth_token(self, token="peer-access-token", expires_in=3600, path="/oauth2/access_token"):
        """Answer OAuth2 client-credentials token requests like an edX-style provider."""
        return self.respond("POST", path, json={"access_token": token, "expires_in": expires_in, "token_type": "JWT"})

    def requests_to(self, method, path):
        with self._lock:
            return [item for item in self.requests if item.method == method.upper() and item.path == path]

    @property
    def url(self):
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    # -- lifecycle ---------------------------------------------------------------------------------

    def start(self):
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, name="http-peer", daemon=True
        )
        self._thread.start()
        return self

    def stop(self):
        self._closing.set()  # releases handlers sleeping on a `delay`
        self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc_info):
        self.stop()

    # -- request handling --------------------------------------------------------------------------

    def _next_reply(self, method, path):
        with self._lock:
            replies = self._routes.get((method, path))
            if not replies:
                return Reply(status=404, json={"detail": f"no scripted reply for {method} {path}"})
            return replies.popleft() if len(replies) > 1 else replies[0]

    def _handle(self, handler):
        parts = urlsplit(handler.path)
        length = int(handler.headers.get("Content-Length") or 0)
        body = handler.rfile.read(length) if length else b""
        recorded = RecordedRequest(
            method=handler.command,
            path=parts.path,
            query={key: values[0] for key, values in parse_qs(parts.query).items()},
            headers=dict(handler.headers.items()),
            body=body,
        )
        with self._lock:
            self.requests.append(recorded)
        reply = self._next_reply(handler.command, parts.path)
        if reply.delay and self._closing.wait(reply.delay):
            return
        payload, content_type = reply.encoded()
        try:
            handler.send_response(reply.status)
            handler.send_header("Content-Type", content_type)
            handler.send_header("Content-Length", str(len(payload)))
            for name, value in reply.headers.items():
                if name.lower() != "content-type":
                    handler.send_header(name, value)
            handler.end_headers()
            handler.wfile.write(payload)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (e.g. its timeout fired)

    def _handler_class(self):
        peer = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format, *args):  # noqa: A002 - silence the default stderr logging
                return

            def do_GET(self):
                peer._handle(self)

            do_POST = do_PUT = do_PATCH = do_DELETE = do_GET

        return Handler
