"""Several callback senders: a slow LMS is not waited on one callback at a time, and each attempt's order holds."""

import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from edx_proctoring.mock_vendor import LmsAuth
from edx_proctoring.mock_vendor.lms import READY, REVIEWED, LmsCallbacks
from edx_proctoring.mock_vendor.state import VendorState

LMS_DELAY = 0.4


class _SlowLms(BaseHTTPRequestHandler):
    received: list[str] = []
    lock = threading.Lock()

    def do_POST(self):  # the stdlib's name
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        time.sleep(LMS_DELAY)
        with self.lock:
            self.received.append(self.path)
        self.send_response(200)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"OK")

    def log_message(self, *args):
        pass


@pytest.fixture
def slow_lms():
    _SlowLms.received = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _SlowLms)
    # Polling for shutdown every 20 ms rather than the default 500: the teardown would wait out the poll.
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def _callbacks(lms_url, senders):
    callbacks = LmsCallbacks(
        state=VendorState(), lms_url=lms_url, auth=LmsAuth(header="Authorization: JWT x"), senders=senders
    )
    callbacks.start()
    return callbacks


def test_given_eight_senders_when_eight_attempts_are_ready_then_the_lms_hears_them_together(slow_lms):
    callbacks = _callbacks(slow_lms, senders=8)
    began = time.monotonic()
    for number in range(8):
        callbacks.schedule(kind=READY, attempt_id=f"attempt-{number}", payload={"status": "ready"})

    assert callbacks.wait_idle(timeout=10)
    elapsed = time.monotonic() - began
    callbacks.stop()

    assert len(_SlowLms.received) == 8
    # One sender would need 8 x 0.4 s; eight senders about one LMS delay.
    assert elapsed < 4 * LMS_DELAY


def test_given_several_senders_then_one_attempts_callbacks_keep_their_order(slow_lms):
    callbacks = _callbacks(slow_lms, senders=4)
    callbacks.schedule(kind=READY, attempt_id="attempt-1", payload={"status": "ready"})
    callbacks.schedule(kind=REVIEWED, attempt_id="attempt-1", payload={"status": "passed"})
    callbacks.schedule(kind=READY, attempt_id="attempt-2", payload={"status": "ready"})

    assert callbacks.wait_idle(timeout=10)
    callbacks.stop()

    first_attempt = [path.rsplit("/", 1)[1] for path in _SlowLms.received if "/attempt-1/" in path]
    assert first_attempt == ["ready", "reviewed"]
    assert len(_SlowLms.received) == 3


def test_a_vendor_needs_at_least_one_sender():
    with pytest.raises(ValueError, match="at least one"):
        LmsCallbacks(state=VendorState(), lms_url="", auth=LmsAuth(), senders=0)
