"""A learner takes the LTI-proctored exam of the demo (on by default) through the mock LTI tool, in Chromium:
the launch chain to the tool and back into the exam, the tool pausing and resuming the attempt through the
Assessment Control Service, and on submission the LtiEndAssessment launch and the way back to the course.

Screenshots of each step go to test-artifacts/browser/ like the other browser tests'.
"""

from __future__ import annotations

import re

import pytest

from tests_browser.conftest import ARTIFACTS, LTI_COURSE_ID
from tests_browser.helpers import click_action, wait_for_interstitial, wait_for_timer

pytestmark = pytest.mark.browser

try:
    from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
except ImportError:  # the conftest skips every browser test without playwright
    PlaywrightTimeoutError = TimeoutError

EXAM_NAME = "Final exam (LTI proctoring tool)"


def shot(page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"test_lti_launch-{name}.png"), full_page=True)


def test_learner_goes_through_the_lti_tool_into_the_exam_and_back(demo, new_page):
    page = new_page("learner", username="learner")
    page.goto(demo.course_url(LTI_COURSE_ID))
    page.click(f"text={EXAM_NAME}")
    wait_for_interstitial(page, "proctored_exam/entrance")
    click_action(page, "start")
    wait_for_interstitial(page, "proctored_exam/instructions")
    shot(page, "instructions")

    # The "software" of an LTI tool is its launch: our login initiation, the tool, our auth endpoint, the
    # tool's checks, its LtiStartAssessment, then the exam, all in the window the link opens.
    with page.context.expect_page() as opened:
        page.click("[data-action='click_download_software']")
    exam = opened.value
    exam.errors = []
    exam.on("pageerror", lambda error: exam.errors.append(str(error)))
    try:
        exam.wait_for_selector("[data-testid=exam-content]", timeout=60_000)
    except PlaywrightTimeoutError:
        shot(exam, "launch-failed")
        raise AssertionError(f"No exam at {exam.url}:\n{exam.inner_text('body')[:2000]}") from None
    remaining = wait_for_timer(exam)
    assert 30 * 60 - 30 <= remaining <= 30 * 60, remaining
    assert exam.url.startswith(demo.url), exam.url
    shot(exam, "exam")

    # The tool pauses the attempt (its launches page sends the control-service request): the exam is hidden.
    tool = new_page("tool")
    tool.goto(demo.lti_tool_url + "/")
    # The tool saw the launch (its id_token checked against our key set) before it let the learner in.
    assert "LtiStartProctoring" in tool.inner_text("table")
    tool.click("button[value=pause]")
    tool.wait_for_selector("text=pause: 200")
    shot(tool, "tool-paused")
    exam.reload()
    wait_for_interstitial(exam, "common/paused")
    assert exam.query_selector("[data-testid=exam-content]") is None
    assert "The proctoring tool paused your attempt" in exam.inner_text(".exam-paused")
    shot(exam, "paused")

    tool.click("button[value=resume]")
    tool.wait_for_selector("text=resume: 200")
    exam.reload()
    exam.wait_for_selector("[data-testid=exam-content]")

    # Submitting sends the learner through the LtiEndAssessment launch the tool asked for, and back.
    with exam.expect_navigation():
        exam.click(".proctored_exam_status [data-action='end-exam']")
    wait_for_interstitial(exam, "proctored_exam/ready_to_submit")
    click_action(exam, "submit")
    exam.wait_for_selector("[data-testid=tool-ended]", timeout=30_000)
    assert exam.url.startswith(demo.lti_tool_url)
    shot(exam, "tool-ended")
    with exam.expect_navigation():
        exam.click("[data-testid=tool-return]")
    assert re.search(r"/courses/.+/sections/", exam.url), exam.url
    wait_for_interstitial(exam, "proctored_exam/submitted")
    shot(exam, "back-in-the-course")
    assert not (page.errors or exam.errors)


def test_the_tool_terminates_the_attempt_and_the_learner_is_sent_to_the_end_of_the_session(demo, new_page):
    page = new_page("terminated", username="learner2")
    page.goto(demo.course_url(LTI_COURSE_ID))
    page.click(f"text={EXAM_NAME}")
    wait_for_interstitial(page, "proctored_exam/entrance")
    click_action(page, "start")
    with page.context.expect_page() as opened:
        page.click("[data-action='click_download_software']")
    exam = opened.value
    exam.wait_for_selector("[data-testid=exam-content]", timeout=60_000)

    # Reason code 1 is an error in the demo registration's mapping (any other code: a second review).
    tool = new_page("tool-terminate")
    tool.goto(demo.lti_tool_url + "/")
    tool.fill("input[name=reason_code]", "1")
    tool.click("button[value=terminate]")
    tool.wait_for_selector("text=terminate: 200")
    assert '"terminated"' in tool.inner_text("ul")

    # The learner's next page is the error page, which sends the LtiEndAssessment the tool asked for.
    exam.reload()
    exam.wait_for_selector("[data-testid=tool-ended]", timeout=60_000)
    # The tool ended it itself: the end message reports no platform error back to it (spec §5).
    assert exam.query_selector("[data-testid=tool-error]") is None
    shot(exam, "terminated-tool-ended")
    with exam.expect_navigation():
        exam.click("[data-testid=tool-return]")
    wait_for_interstitial(exam, "proctored_exam/error")
    assert exam.query_selector("[data-testid=exam-content]") is None
    shot(exam, "terminated-error-page")
