"""Course staff and the LTI-proctored course of the demo, in Chromium: the Special Exams tab names the
course's LTI tool (and changes it), and a learner's attempt shows what the tool flagged.

Screenshots go to test-artifacts/browser/ like the other browser tests'.
"""

from __future__ import annotations

import pytest

from tests_browser.conftest import ARTIFACTS, LTI_COURSE_ID
from tests_browser.helpers import click_action, wait_for_interstitial

pytestmark = pytest.mark.browser

try:
    from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
except ImportError:  # the conftest skips every browser test without playwright
    PlaywrightTimeoutError = TimeoutError

EXAM_NAME = "Final exam (LTI proctoring tool)"
TOOL_OPTION = "Mock LTI proctoring tool (mock-lti-tool)"


def shot(page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"test_lti_staff-{name}.png"), full_page=True)


def _learner_in_the_exam(demo, new_page):
    page = new_page("learner", username="learner")
    page.goto(demo.course_url(LTI_COURSE_ID))
    page.click(f"text={EXAM_NAME}")
    wait_for_interstitial(page, "proctored_exam/entrance")
    click_action(page, "start")
    # The launch link is on the instructions page: wait for it rather than race the page's reload.
    wait_for_interstitial(page, "proctored_exam/instructions")
    with page.context.expect_page() as opened:
        page.click("[data-action='click_download_software']")
    exam = opened.value
    try:
        exam.wait_for_selector("[data-testid=exam-content]", timeout=60_000)
    except PlaywrightTimeoutError:
        shot(exam, "launch-failed")
        raise AssertionError(f"No exam at {exam.url}:\n{exam.inner_text('body')[:2000]}") from None
    return page, exam


def test_staff_see_the_courses_lti_tool_and_what_it_flagged_on_an_attempt(demo, new_page):
    page, exam = _learner_in_the_exam(demo, new_page)
    tool = new_page("tool")
    tool.goto(demo.lti_tool_url + "/")
    tool.fill("input[name=reason_code]", "7")
    tool.click("button[value=flag]")
    tool.wait_for_selector("text=flag: 200")

    staff = new_page("staff", username="staff")
    staff.goto(demo.special_exams_url(LTI_COURSE_ID))
    picker = staff.wait_for_selector(".lti-course-tool-container .js-lti-tool-form")
    assert staff.locator("#proctoring-lti-tool-select option:checked").inner_text() == TOOL_OPTION
    row = staff.wait_for_selector(".student-proctored-exam-container .attempt-row:has-text('learner')")
    button = row.query_selector(".js-lti-incidents")
    button.click()
    staff.wait_for_selector(".attempt-lti-incident-count:has-text('1 flagged incident.')")
    reports = staff.inner_text(".attempt-lti-incident-list")
    assert "Flagged" in reports and "reason 7" in reports
    assert button.get_attribute("aria-expanded") == "true"
    shot(staff, "tool-reports")

    # Staff switch the course to no tool, then back: each answer is announced in the picker.
    staff.select_option("#proctoring-lti-tool-select", "")
    picker.query_selector("button[type=submit]").click()
    staff.wait_for_selector(".js-lti-tool-status:has-text('no LTI proctoring tool now')")
    staff.select_option("#proctoring-lti-tool-select", label=TOOL_OPTION)
    staff.click(".js-lti-tool-form button[type=submit]")
    staff.wait_for_selector(".js-lti-tool-status:has-text('now use Mock LTI proctoring tool')")
    shot(staff, "tool-picked")
    assert not (page.errors or staff.errors)


def test_the_other_courses_have_no_lti_tool_chosen_but_staff_may_pick_one(demo, new_page):
    staff = new_page("staff-101", username="staff")
    staff.goto(demo.special_exams_url())
    staff.wait_for_selector(".lti-course-tool-container .js-lti-tool-form")
    assert staff.locator("#proctoring-lti-tool-select option:checked").inner_text() == "No tool"
    # No attempt of this course is on the LTI backend: no tool reports.
    staff.wait_for_selector(".student-proctored-exam-container")
    assert staff.query_selector(".js-lti-incidents") is None
    assert not staff.errors
