"""A learner takes the proctored final through the mock vendor, from the instructions to the verified page
and the emails in the outbox."""

import pytest

from tests_browser.helpers import (
    click_action,
    interstitial_page,
    reload_until,
    wait_for_interstitial,
    wait_for_timer,
)

pytestmark = pytest.mark.browser


def test_learner_takes_proctored_exam(demo, new_page):
    page = new_page("learner", username="learner")
    page.goto(demo.course_url())
    page.click("text=Final exam (proctored)")
    wait_for_interstitial(page, "proctored_exam/entrance")
    assert page.query_selector("[data-testid=exam-content]") is None

    # Choosing the proctored exam registers an attempt with the vendor: the setup instructions.
    click_action(page, "start")
    wait_for_interstitial(page, "proctored_exam/instructions")

    # The mock vendor reports the learner's computer ready (its "ready" callback, half a second later);
    # until then "I have completed the setup" says the software is not ready yet.
    def ready_to_start(page):
        if interstitial_page(page) == "proctored_exam/ready_to_start":
            return True
        page.click(".special-exam-interstitial [data-action='check-status']")
        page.wait_for_timeout(700)
        return interstitial_page(page) == "proctored_exam/ready_to_start"

    reload_until(page, ready_to_start, timeout=30)

    click_action(page, "start")
    page.wait_for_selector("[data-testid=exam-content]")
    remaining = wait_for_timer(page)
    assert 30 * 60 - 20 <= remaining <= 30 * 60, remaining
    assert "Final exam (proctored)" in page.inner_text(".proctored_exam_status")

    page.fill("#answer", "Whether the learner's face stays in view.")
    page.click("text=Save my answer")
    page.wait_for_selector("text=Your answer was saved.")

    with page.expect_navigation():
        page.click(".proctored_exam_status [data-action='end-exam']")
    wait_for_interstitial(page, "proctored_exam/ready_to_submit")
    click_action(page, "submit")
    wait_for_interstitial(page, "proctored_exam/submitted")

    # The vendor reviews the session a second after the submission; the verdict "passed" verifies it.
    reload_until(page, lambda page: interstitial_page(page) == "proctored_exam/verified", timeout=30)
    assert page.query_selector("[data-testid=exam-content]") is None

    # Both emails reached the learner's outbox.
    page.goto(f"{demo.url}/outbox/")
    subjects = page.locator(".outbox-row td:nth-child(3)").all_inner_texts()
    assert "Proctoring attempt submitted" in subjects, subjects
    assert "Proctoring attempt verified" in subjects, subjects
    page.click(".outbox-row a:has-text('Proctoring attempt verified')")
    page.wait_for_selector("iframe.email-body")
    body = page.frame_locator("iframe.email-body").locator("body").inner_text()
    assert "Final exam (proctored)" in body, body
    # Its course link leads back to the course (the learning MFE's URL, answered by the demo).
    with page.expect_navigation():
        page.frame_locator("iframe.email-body").locator("a[href*='/learning/course/']").click()
    assert page.url == demo.course_url()
    assert "Passed Proctoring" in page.inner_text("li[data-content-id$='block@final']")
    page.goto(demo.section_url("final"))
    wait_for_interstitial(page, "proctored_exam/verified")
    assert page.errors == []
