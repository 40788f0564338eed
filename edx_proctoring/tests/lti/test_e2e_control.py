"""End to end over real HTTP: after a launch, the mock tool drives the attempt through the Assessment Control
Service (token with a JWT client assertion, then control requests), and the learner's timer shows it.

The learner's timer reads ``GET proctored_exam/attempt`` (the active attempt's timer payload) through the
same browser session that launched the exam.
"""

from __future__ import annotations

import time
from datetime import datetime, timedelta

import pytest

from edx_proctoring.lti.control import MEDIA_TYPE
from edx_proctoring.mock_vendor.lti_tool import MockLtiTool
from edx_proctoring.models import LtiControlEvent, ProctoredExamTimeAdjustment
from edx_proctoring.tests.factories import UserFactory
from edx_proctoring.tests.lti.conftest import register
from edx_proctoring.tests.lti.e2e import Browser, launch, new_attempt, status_of

pytestmark = pytest.mark.django_db(transaction=True)

TIMER_PATH = "/api/edx_proctoring/v1/proctored_exam/attempt"


@pytest.fixture
def launched(live_server, live_tool, lti_exam):
    """A learner in the exam through the tool: (attempt id, the learner's browser)."""
    learner = UserFactory()
    attempt_id = new_attempt(lti_exam, learner)
    browser = Browser.signed_in(user=learner, url=live_server.url)
    assert launch(browser, live_server, attempt_id).status_code == 302
    assert status_of(attempt_id) == "started"
    return attempt_id, browser


def timer(browser: Browser, live_server) -> dict:
    response = browser.go("GET", live_server.url + TIMER_PATH)
    assert response.status_code == 200, response.text[:500]
    return response.json()


def deadline(payload: dict) -> datetime:
    return datetime.fromisoformat(payload["deadline"])


def test_given_a_launched_exam_when_the_tool_pauses_updates_and_resumes_then_the_learners_timer_follows(
    live_server, live_tool, launched
):
    attempt_id, browser = launched
    running = timer(browser, live_server)
    assert running["paused"] is False and running["attempt_id"] == attempt_id

    assert live_tool.control("pause") == (200, {"status": "paused", "extra_time": 0})
    paused = timer(browser, live_server)
    time.sleep(1.2)
    still_paused = timer(browser, live_server)

    assert paused["paused"] is True
    assert still_paused["time_remaining_seconds"] == paused["time_remaining_seconds"]
    assert deadline(still_paused) > deadline(running)

    assert live_tool.control("update", extra_time=10) == (200, {"status": "paused", "extra_time": 10})
    extended = timer(browser, live_server)
    assert extended["extension_minutes"] == 10
    assert extended["time_remaining_seconds"] - still_paused["time_remaining_seconds"] == pytest.approx(600)

    assert live_tool.control("resume") == (200, {"status": "running", "extra_time": 10})
    resumed = timer(browser, live_server)
    assert resumed["paused"] is False
    # The time the attempt stood still is given back: the deadline moved by it, plus the ten minutes.
    assert deadline(resumed) - deadline(running) >= timedelta(minutes=10, seconds=1)
    assert [result["content_type"] for result in live_tool.control_results] == [MEDIA_TYPE] * 3


@pytest.mark.parametrize(("reason_code", "final_status"), [("1", "error"), ("gaze", "second_review_required")])
def test_given_a_launched_exam_when_the_tool_terminates_then_the_learner_is_out_of_the_exam(
    live_server, live_tool, launched, reason_code, final_status
):
    attempt_id, browser = launched

    answer = live_tool.control("terminate", reason_code=reason_code, incident_severity=1.0, reason_msg="Left the room")

    assert answer == (200, {"status": "terminated", "extra_time": 0})
    assert status_of(attempt_id) == final_status
    assert timer(browser, live_server)["in_timed_exam"] is False


def test_given_the_same_control_call_ten_times_over_http_then_one_change_and_one_answer(
    live_server, live_tool, launched
):
    attempt_id, browser = launched
    token = live_tool.access_token()
    body = live_tool.control_body("update", extra_time=5, incident_time="2026-03-01T10:00:00Z")

    answers = [live_tool.send_control(body, token=token) for _ in range(10)]

    assert answers == [(200, {"status": "running", "extra_time": 5})] * 10
    assert ProctoredExamTimeAdjustment.objects.filter(attempt_id=attempt_id).count() == 1
    assert LtiControlEvent.objects.filter(attempt_id=attempt_id).count() == 1
    assert timer(browser, live_server)["extension_minutes"] == 5


def test_given_another_registrations_token_over_http_then_refused_and_the_attempt_is_untouched(
    live_server, live_tool, launched
):
    attempt_id, browser = launched
    intruder = MockLtiTool(client_id="intruder-tool", platform=live_tool.platform)
    register(intruder)
    body = live_tool.control_body("terminate", reason_code="1")

    status, answer = live_tool.send_control(body, token=intruder.access_token())

    assert status == 404, answer
    assert status_of(attempt_id) == "started"
    assert not LtiControlEvent.objects.exists()


def test_given_a_launch_advertising_only_flag_then_pause_is_refused_and_flag_is_kept(live_server, live_tool, lti_exam):
    live_tool.registration.allowed_actions = ["flag"]
    live_tool.registration.save()
    learner = UserFactory()
    attempt_id = new_attempt(lti_exam, learner)
    browser = Browser.signed_in(user=learner, url=live_server.url)
    assert launch(browser, live_server, attempt_id).status_code == 302
    assert live_tool.latest_launch().acs["actions"] == ["flag"]

    refused = live_tool.control("pause")
    flagged = live_tool.control("flag", incident_severity=0.3, reason_code="noise", reason_msg="Voices")

    assert refused[0] == 403
    assert flagged == (200, {"status": "running", "extra_time": 0})
    assert timer(browser, live_server)["paused"] is False
    assert LtiControlEvent.objects.get(attempt_id=attempt_id).reason_msg == "Voices"


def test_given_a_token_request_over_http_then_a_bearer_token_for_the_control_scope(live_server, live_tool):
    response = live_tool.request_token()

    assert response.status_code == 200
    assert response.json()["scope"] == "https://purl.imsglobal.org/spec/lti-ap/scope/control.all"
    replayed = live_tool.request_token(assertion=live_tool.client_assertion(overrides={"jti": "fixed"}))
    again = live_tool.request_token(assertion=live_tool.client_assertion(overrides={"jti": "fixed"}))
    assert (replayed.status_code, again.status_code) == (200, 401)
