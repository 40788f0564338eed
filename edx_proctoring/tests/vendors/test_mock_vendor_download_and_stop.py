"""The mock vendor's software download page, and stopping it while a callback hangs on a dying LMS."""

import socket
import time

import requests

from edx_proctoring.mock_vendor import LmsAuth
from edx_proctoring.mock_vendor.lms import READY, LmsCallbacks
from edx_proctoring.mock_vendor.state import VendorState


def test_the_download_link_of_the_config_answers_a_page_for_people(vendor):
    # Given the download_url the vendor's config gives learners
    url = vendor.config()["download_url"]

    # When a learner's browser opens it
    answer = requests.get(url, timeout=5)

    # Then it is an HTML page saying there is nothing to install and where to go next
    assert answer.status_code == 200
    assert answer.headers["Content-Type"].startswith("text/html")
    assert "there is no software to download" in answer.text
    assert "I have completed the setup" in answer.text
    assert requests.post(url, timeout=5).status_code == 405


def test_stopping_does_not_wait_for_a_callback_the_lms_never_answers():
    # Given an "LMS" that accepts connections but never answers (a site stopping under Ctrl-C)
    with socket.socket() as silent_lms:
        silent_lms.bind(("127.0.0.1", 0))
        silent_lms.listen(5)
        port = silent_lms.getsockname()[1]
        callbacks = LmsCallbacks(
            state=VendorState(),
            lms_url=f"http://127.0.0.1:{port}",
            auth=LmsAuth(header="Authorization: JWT none"),
            retries=3,
            retry_delay=5.0,
            timeout=30.0,
        )
        callbacks.start()
        callbacks.schedule(kind=READY, attempt_id="attempt-1", payload={"status": "ready"})
        deadline = time.monotonic() + 5
        while not callbacks._in_flight and time.monotonic() < deadline:
            time.sleep(0.05)
        assert callbacks._in_flight, "the callback never left"

        # When the vendor stops
        began = time.monotonic()
        callbacks.stop()

        # Then it returns in about a second, not after the 30 s request timeout
        assert time.monotonic() - began < 2.5


def test_a_retry_pause_ends_when_the_sender_stops():
    # Given a sender between two tries of a callback
    callbacks = LmsCallbacks(state=VendorState(), lms_url="", auth=LmsAuth(), retry_delay=30.0)
    callbacks._stopping = True

    # When it would pause before the next try, Then it does not pause and says it is stopping
    began = time.monotonic()
    assert callbacks._wait_unless_stopping(30.0) is True
    assert time.monotonic() - began < 1
