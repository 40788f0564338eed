"""At 390x844 (a phone) no page of the demo scrolls sideways: the learner's pages fit the screen, the timer
bar stays small, and the staff tables scroll inside their card rather than widening the page."""

import pytest

from tests_browser.conftest import ARTIFACTS, PRACTICE_COURSE_ID, login
from tests_browser.helpers import click_action, wait_for_interstitial, wait_for_timer

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
# The sticky bar covers the top of every page while the exam runs; 158 px was a fifth of the screen.
MAX_TIMER_BAR_HEIGHT = 110


def _page_width(page):
    return page.evaluate(
        "() => ({scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth,"
        " widest: Math.max(...[...document.querySelectorAll('body *')].map((el) => el.getBoundingClientRect().right))})"
    )


def _assert_fits(page, name, shots):
    page.wait_for_load_state("networkidle")
    width = _page_width(page)
    shots.append(name)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"test_learner_pages_fit_a_phone-{name}.png"), full_page=True)
    assert width["scroll"] <= width["client"] == PHONE["width"], (name, width)


def test_learner_pages_fit_a_phone(demo, new_page):
    shots = []
    page = new_page("learner-phone", viewport=PHONE)
    page.goto(f"{demo.url}/login/")
    _assert_fits(page, "sign-in", shots)
    login(page, demo, "learner")
    _assert_fits(page, "courses", shots)
    page.goto(demo.course_url())
    _assert_fits(page, "course", shots)
    page.goto(demo.section_url("midterm"))
    wait_for_interstitial(page, "timed_exam/entrance")
    _assert_fits(page, "midterm-entrance", shots)
    click_action(page, "start")
    page.wait_for_selector("[data-testid=exam-content]")
    wait_for_timer(page)
    bar = page.evaluate("() => document.querySelector('.proctored_exam_status').getBoundingClientRect().height")
    assert 0 < bar <= MAX_TIMER_BAR_HEIGHT, bar
    _assert_fits(page, "midterm-running", shots)
    page.goto(demo.section_url("final"))
    wait_for_interstitial(page, "common/another_exam_running")
    _assert_fits(page, "final-while-midterm-runs", shots)
    page.goto(demo.progress_url())
    _assert_fits(page, "progress", shots)
    page.goto(demo.course_url(PRACTICE_COURSE_ID))
    _assert_fits(page, "practice-course", shots)
    page.goto(f"{demo.url}/outbox/")
    _assert_fits(page, "outbox", shots)
    page.goto(demo.special_exams_url())
    _assert_fits(page, "forbidden", shots)
    page.goto(f"{demo.url}/no/such/page/")
    _assert_fits(page, "not-found", shots)
    assert page.errors == []

    staff = new_page("staff-phone", username="staff", viewport=PHONE)
    staff.goto(demo.special_exams_url())
    staff.wait_for_selector(".student-proctored-exam-container table")
    staff.wait_for_selector(".student-onboarding-status-container table")
    _assert_fits(staff, "special-exams", shots)
    # The attempts table keeps its columns: it scrolls inside its card.
    table = staff.evaluate(
        "() => { const box = document.querySelector('.student-proctored-exam-container');"
        " return {inner: box.scrollWidth, outer: box.clientWidth, overflow: getComputedStyle(box).overflowX}; }"
    )
    assert table["overflow"] == "auto", table
    assert staff.errors == []
