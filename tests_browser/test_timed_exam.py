"""A learner takes the timed exam: starts it, watches the timer count down, ends it, submits it."""

import time

import pytest

from tests_browser.helpers import click_action, interstitial_page, timer_seconds, wait_for_interstitial, wait_for_timer

pytestmark = pytest.mark.browser


def test_learner_takes_timed_exam(demo, new_page):
    page = new_page("learner", username="learner")
    page.goto(demo.course_url())
    page.click("text=Midterm (timed)")
    wait_for_interstitial(page, "timed_exam/entrance")
    assert "20 minutes" in page.inner_text(".special-exam-interstitial")
    # The content is not shown before the clock starts.
    assert page.query_selector("[data-testid=exam-content]") is None

    click_action(page, "start")
    page.wait_for_selector("[data-testid=exam-content]")
    first = wait_for_timer(page)
    assert 20 * 60 - 15 <= first <= 20 * 60, first
    time.sleep(2.5)
    second = timer_seconds(page)
    assert second < first, (first, second)

    page.fill("#answer", "The server keeps the clock, so the learner's browser cannot stretch it.")
    page.click("text=Save my answer")
    page.wait_for_selector("text=Your answer was saved.")
    wait_for_timer(page)

    # "End my exam" in the timer bar: the attempt waits for the learner to confirm the submission.
    with page.expect_navigation():
        page.click(".proctored_exam_status [data-action='end-exam']")
    wait_for_interstitial(page, "timed_exam/ready_to_submit")
    click_action(page, "submit")
    wait_for_interstitial(page, "timed_exam/submitted")
    assert interstitial_page(page) == "timed_exam/submitted"
    assert page.query_selector("[data-testid=exam-content]") is None
    assert not page.is_visible(".proctored_exam_status"), "the timer bar is gone once the exam is submitted"
    assert page.errors == []
