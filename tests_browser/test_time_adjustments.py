"""More time, pauses and breaks during a running timed exam (issue 13).

Staff extend the learner's running midterm from the Special Exams tab and the learner's timer jumps at its
next poll (no reload); staff pause the attempt, the learner's page turns into the paused page with the clock
stopped, and after the resume the time left is what it was; a learner with 5 break minutes takes a
two-minute break and has 3 left.

Clock helpers keep each test short: the learner's page runs on Playwright's clock, moved on by the timer
bar's poll interval (the bar's own 60 s poll then fires, and it measures the browser clock against the
server's at every poll, so the jump is harmless); a break is made two minutes old in the demo's database.
"""

from __future__ import annotations

import sqlite3
import time
from datetime import datetime, timedelta

import pytest

from tests_browser.conftest import ARTIFACTS, login
from tests_browser.helpers import (
    click_action,
    interstitial_page,
    server_remaining_seconds,
    timer_seconds,
    wait_for_interstitial,
    wait_for_timer,
)

pytestmark = pytest.mark.browser

ATTEMPT_ROWS = ".student-proctored-exam-container .attempt-row"
POLL_MS = 60_000
PAUSED_PAGE = "common/paused"


def start_midterm(page, demo) -> int:
    page.goto(demo.section_url("midterm"))
    wait_for_interstitial(page, "timed_exam/entrance")
    click_action(page, "start")
    page.wait_for_selector("[data-testid=exam-content]")
    return wait_for_timer(page)


def open_special_exams(page, demo) -> None:
    page.goto(demo.special_exams_url())
    page.wait_for_selector(".student-proctored-exam-container .proctoring-attempts")


def adjust(
    staff, username: str, exam_name: str, kind: str, reason: str, minutes: int | None = None, shot: str = ""
) -> str:
    """Use a running attempt's "Add time" / "Revoke" / "Pause" / "Resume" dialog (a screenshot of it filled
    in as `shot`, if named); the panel's message after."""
    row = staff.locator(ATTEMPT_ROWS, has_text=username).filter(has_text=exam_name)
    row.locator(f".js-adjust-time[data-kind='{kind}']").click()
    dialog = staff.locator("[role=dialog]")
    dialog.locator(".proctoring-adjustment-list, .js-adjustment-history:has-text('No changes')").first.wait_for()
    if minutes is not None:
        dialog.locator("[name=minutes]").fill(str(minutes))
    dialog.locator("[name=reason]").fill(reason)
    if shot:
        snapshot(staff, shot)
    before = staff.inner_text(".js-attempts-status")
    dialog.locator("button[type=submit]").click()
    staff.wait_for_selector("[role=dialog]", state="detached")
    staff.wait_for_function(
        "(before) => !['', before].includes(document.querySelector('.js-attempts-status').textContent.trim())",
        arg=before.strip(),
    )
    return staff.inner_text(".js-attempts-status")


def snapshot(page, name: str) -> None:
    """A screenshot of the page as it is now, under test-artifacts/browser/."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"time_adjustments-{name}.png"), full_page=True)


def mark_page(page) -> None:
    """Mark the page so a later check can tell whether it was reloaded."""
    page.evaluate("() => { window.__notReloaded = true; }")


def was_reloaded(page) -> bool:
    return not page.evaluate("() => window.__notReloaded === true")


def learner_page(new_page, demo, username: str):
    """A signed-in learner page whose clock the test can move on (Playwright's clock, installed first)."""
    page = new_page(username)
    page.clock.install()
    login(page, demo, username)
    return page


def next_poll(page) -> None:
    """Move the page's clock on by the timer bar's poll interval: its poll fires, as it would a minute later."""
    page.clock.fast_forward(POLL_MS)


def test_staff_extends_a_running_exam_and_the_timer_jumps_within_a_poll(demo, new_page):
    learner = learner_page(new_page, demo, "learner")
    start_midterm(learner, demo)
    mark_page(learner)

    staff = new_page("staff", username="staff")
    open_special_exams(staff, demo)
    message = adjust(
        staff, "learner", "Midterm (timed)", "extension", "Power cut in the exam room", minutes=10, shot="add-time"
    )
    assert "10 minutes were added" in message
    row = staff.locator(ATTEMPT_ROWS, has_text="learner").filter(has_text="Midterm (timed)")
    assert "+10 min" in row.inner_text()
    assert row.locator(".js-adjust-time[data-kind='revoke']").count() == 1

    # Until the learner's bar polls it counts down to the old deadline; at its next poll the clock jumps by
    # ten minutes and the bar says so, with the new end time, in a notice screen readers are told about.
    before = timer_seconds(learner)
    assert before <= 20 * 60
    assert learner.is_hidden(".proctoring-time-added")
    checked_at = time.monotonic()
    next_poll(learner)
    learner.wait_for_selector(".proctoring-time-added:not([hidden])", timeout=10_000)
    after = timer_seconds(learner)
    expected = before + 10 * 60 - (time.monotonic() - checked_at)
    assert abs(after - expected) <= 3, (before, after)
    notice = learner.inner_text(".proctoring-time-added")
    assert notice.startswith("10 minutes were added to your exam time. Your exam now ends at"), notice
    learner.wait_for_function(
        "() => document.querySelector('.proctoring-timer-announcer').textContent.includes('10 minutes were added')"
    )
    assert abs(server_remaining_seconds(learner) - after) <= 3
    snapshot(learner, "time-added")
    assert not was_reloaded(learner), "an extension moves the clock without reloading the page"

    # The filter finds the extended attempt.
    staff.select_option(".js-attempts-filter", "extended")
    staff.wait_for_function("() => document.querySelector('.js-attempts-status').textContent.includes('1 attempt')")
    assert staff.locator(ATTEMPT_ROWS).count() == 1
    assert learner.errors == [] and staff.errors == []

    # The learner is told by email too (the demo's outbox).
    learner.goto(f"{demo.url}/outbox/")
    assert "More time on your exam" in learner.inner_text(".outbox")


def test_staff_pauses_and_resumes_and_the_time_is_intact(demo, new_page):
    learner = learner_page(new_page, demo, "learner")
    start_midterm(learner, demo)

    staff = new_page("staff", username="staff")
    open_special_exams(staff, demo)
    assert "paused" in adjust(staff, "learner", "Midterm (timed)", "pause", "Fire alarm: everyone leaves the room")
    row = staff.locator(ATTEMPT_ROWS, has_text="learner").filter(has_text="Midterm (timed)")
    assert "Paused" in row.inner_text()

    # At the bar's next poll the learner's page becomes the paused page: no exam content, the clock held
    # and saying so.
    assert interstitial_page(learner) is None
    next_poll(learner)
    wait_for_interstitial(learner, PAUSED_PAGE, timeout=15)
    assert learner.query_selector("[data-testid=exam-content]") is None
    wait_for_timer(learner)
    assert "Paused by course staff" in learner.inner_text(".proctored_exam_status .proctoring-timer-state")
    held = timer_seconds(learner)
    time.sleep(4)
    assert timer_seconds(learner) == held, "the clock does not run while the exam is paused"
    assert abs(server_remaining_seconds(learner) - held) <= 1
    snapshot(learner, "paused-page")

    assert "running again" in adjust(staff, "learner", "Midterm (timed)", "resume", "Back in the room")
    # The next poll brings the exam back on its own.
    next_poll(learner)
    learner.wait_for_selector("[data-testid=exam-content]", timeout=15_000)
    resumed = wait_for_timer(learner)
    # The time left is what it was when the clock stopped (a second or two of page loads aside).
    assert held - 3 <= resumed <= held, (held, resumed)
    assert learner.query_selector(".proctored_exam_status .proctoring-timer-state:not([hidden])") is None
    time.sleep(2)
    assert timer_seconds(learner) < resumed, "the clock runs again"
    assert interstitial_page(learner) is None
    assert learner.errors == [] and staff.errors == []


def _backdate_break(demo, seconds: int) -> None:
    """The demo's clock helper for breaks: move the attempt's start, its open break's start and the end of
    the break's budget back by `seconds` in the demo's database, as if the break had begun that long ago."""
    shift = timedelta(seconds=seconds)

    def earlier(value: str) -> str:
        return (datetime.fromisoformat(value) - shift).isoformat(sep=" ")

    with sqlite3.connect(demo.var_dir / "demo.sqlite3", timeout=20) as db:
        rows = db.execute(
            "SELECT state.attempt_id, state.paused_since, state.break_ends_by, attempt.started_at"
            " FROM proctoring_proctoredexamattempttimestate state"
            " JOIN proctoring_proctoredexamstudentattempt attempt ON attempt.id = state.attempt_id"
            " WHERE state.paused_kind != '' AND state.paused_since IS NOT NULL"
        ).fetchall()
        assert len(rows) == 1, rows
        attempt_id, since, ends_by, started_at = rows[0]
        db.execute(
            "UPDATE proctoring_proctoredexamattempttimestate SET paused_since = ?, break_ends_by = ?"
            " WHERE attempt_id = ?",
            (earlier(since), earlier(ends_by), attempt_id),
        )
        db.execute(
            "UPDATE proctoring_proctoredexamstudentattempt SET started_at = ? WHERE id = ?",
            (earlier(started_at), attempt_id),
        )
        db.execute(
            "UPDATE proctoring_proctoredexamtimeadjustment SET created = ?"
            " WHERE id = (SELECT max(id) FROM proctoring_proctoredexamtimeadjustment"
            " WHERE attempt_id = ? AND kind = 'break_start')",
            (earlier(since), attempt_id),
        )


def test_learner_with_five_break_minutes_takes_a_two_minute_break(demo, new_page):
    # learner2 has a 5-minute break allowance on the midterm (seed_demo).
    learner = new_page("learner2", username="learner2")
    start = start_midterm(learner, demo)
    assert learner.inner_text(".proctoring-break-remaining") == "Break time left: 5 minutes"
    take = learner.locator(".js-timer-break")
    assert take.inner_text() == "Take a break"

    with learner.expect_navigation():
        take.click()
    wait_for_timer(learner)
    learner.wait_for_selector(".proctoring-timer-state:not([hidden])")
    assert "On a break" in learner.inner_text(".proctoring-timer-state")
    held = timer_seconds(learner)
    assert held <= start

    # Two minutes away from the desk (the clock helper moves the break's start back, less the few seconds
    # the clicks around it take, since the budget left is counted in whole minutes rounded down).
    _backdate_break(demo, 2 * 60 - 5)
    learner.reload()
    wait_for_timer(learner)
    assert learner.inner_text(".proctoring-break-remaining") == "Break time left: 3 minutes"
    assert timer_seconds(learner) == held, "the exam clock does not run during a break"
    snapshot(learner, "on-a-break")

    with learner.expect_navigation():
        learner.locator(".js-timer-break:has-text('End break')").click()
    learner.wait_for_selector("[data-testid=exam-content]")
    after = wait_for_timer(learner)
    assert learner.inner_text(".proctoring-break-remaining") == "Break time left: 3 minutes"
    assert held - 3 <= after <= held, (held, after)
    assert learner.locator(".js-timer-break").inner_text() == "Take a break"
    time.sleep(2)
    assert timer_seconds(learner) < after, "the clock runs again after the break"
    assert learner.errors == []
