"""The timer counts down to the server's deadline even when the browser's clock is 10 minutes wrong."""

import time

import pytest

from tests_browser.helpers import (
    click_action,
    server_remaining_seconds,
    timer_seconds,
    wait_for_interstitial,
    wait_for_timer,
)

pytestmark = pytest.mark.browser

SKEW_MS = 10 * 60 * 1000

# Shifts the page's clock (Date.now() and new Date()) by a fixed amount, as a wrongly set computer clock would.
SKEWED_CLOCK = """
(() => {
    const skew = %d;
    const RealDate = Date;
    class SkewedDate extends RealDate {
        constructor(...args) {
            if (args.length === 0) {
                super(RealDate.now() + skew);
            } else {
                super(...args);
            }
        }
        static now() {
            return RealDate.now() + skew;
        }
    }
    window.Date = SkewedDate;
})();
"""


@pytest.mark.parametrize("skew_ms", [SKEW_MS, -SKEW_MS], ids=["clock-10-min-ahead", "clock-10-min-behind"])
def test_timer_ignores_a_wrong_browser_clock(demo, new_page, skew_ms):
    page = new_page("learner", username="learner", init_script=SKEWED_CLOCK % skew_ms)
    page.goto(demo.section_url("midterm"))
    browser_offset_ms = page.evaluate("() => Date.now()") - time.time() * 1000
    assert abs(browser_offset_ms - skew_ms) < 5000, "the browser's clock is skewed"

    wait_for_interstitial(page, "timed_exam/entrance")
    click_action(page, "start")
    page.wait_for_selector("[data-testid=exam-content]")
    shown = wait_for_timer(page)
    expected = server_remaining_seconds(page)
    # 20 minutes, not 10 or 30: the countdown follows the server's deadline, not the browser's clock.
    assert abs(shown - expected) <= 3, (shown, expected)
    assert 20 * 60 - 30 <= shown <= 20 * 60, shown

    # It keeps counting at the real pace, and a reload (a new clock offset measurement) agrees.
    time.sleep(3)
    later = timer_seconds(page)
    assert 1 <= shown - later <= 6, (shown, later)
    page.reload()
    after_reload = wait_for_timer(page)
    assert abs(after_reload - server_remaining_seconds(page)) <= 3, after_reload
    assert page.errors == []
