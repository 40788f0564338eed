"""Course staff on the Special Exams tab: bulk allowances (add, edit, delete), resetting an attempt, and
letting a learner resume an errored proctored attempt with the time they had left."""

import time

import pytest

from tests_browser.helpers import (
    click_action,
    interstitial_page,
    reload_until,
    server_remaining_seconds,
    timer_seconds,
    wait_for_interstitial,
    wait_for_timer,
)

pytestmark = pytest.mark.browser

# The demo seeds learner2's break minutes on the midterm; these tests count the allowances they add.
ALLOWANCE_ROWS = ".special-allowance-container .allowance-row:not(:has([data-key=break_minutes]))"
ATTEMPT_ROWS = ".student-proctored-exam-container .attempt-row"


def open_special_exams(page, demo):
    page.on("dialog", lambda dialog: dialog.accept())
    page.goto(demo.special_exams_url())
    page.wait_for_selector(".special-allowance-container .js-add-allowance")
    page.wait_for_selector(".student-proctored-exam-container .proctoring-attempts")


def allowance_rows(page):
    """(username, exam, value) of every allowance listed."""
    rows = []
    for row in page.query_selector_all(ALLOWANCE_ROWS):
        cells = [cell.inner_text().strip() for cell in row.query_selector_all("th, td")]
        rows.append((cells[0], cells[1], cells[3]))
    return sorted(rows)


def attempt_row(page, username, exam_name):
    return page.locator(ATTEMPT_ROWS, has_text=username).filter(has_text=exam_name)


def entrance_text(page, demo, block):
    page.goto(demo.section_url(block))
    page.wait_for_selector(".special-exam-interstitial")
    return page.inner_text(".special-exam-interstitial")


def test_staff_adds_edits_and_deletes_a_bulk_allowance(demo, new_page):
    staff = new_page("staff", username="staff")
    open_special_exams(staff, demo)

    staff.click(".js-add-allowance")
    dialog = staff.locator("[role=dialog]")
    dialog.get_by_label("Midterm (timed)").check()
    dialog.get_by_label("Final exam (proctored)").check()
    dialog.locator("[name=user_ids]").fill("learner, learner2@demo.example.org")
    dialog.locator("[name=allowance_type]").select_option("additional_time_granted")
    dialog.locator("[name=value]").fill("30")
    dialog.locator("button[type=submit]").click()
    staff.wait_for_selector("[role=dialog]", state="detached")
    staff.wait_for_function(f"() => document.querySelectorAll('{ALLOWANCE_ROWS}').length === 4")
    assert allowance_rows(staff) == [
        ("learner", "Final exam (proctored)", "30 (30 → 60 min, ×2)"),
        ("learner", "Midterm (timed)", "30 (20 → 50 min, ×2.5)"),
        ("learner2", "Final exam (proctored)", "30 (30 → 60 min, ×2)"),
        ("learner2", "Midterm (timed)", "30 (20 → 50 min, ×2.5)"),
    ]

    # Edit learner's allowance on the midterm to 45 minutes.
    staff.get_by_label("Edit the allowance of learner on Midterm (timed)").click()
    staff.locator("[role=dialog] input[name=value]").fill("45")
    staff.locator("[role=dialog] button[type=submit]").click()
    staff.wait_for_selector("[role=dialog]", state="detached")
    staff.wait_for_function(
        """(selector) => Array.from(document.querySelectorAll(selector)).some(
            (row) => row.textContent.includes('Midterm (timed)') && row.textContent.includes('45'))""",
        arg=ALLOWANCE_ROWS,
    )
    assert ("learner", "Midterm (timed)", "45 (20 → 65 min, ×3.25)") in allowance_rows(staff)

    # The learners see their extra time before they start.
    learner = new_page("learner", username="learner")
    assert "1 hour and 5 minutes" in entrance_text(learner, demo, "midterm")
    learner2 = new_page("learner2", username="learner2")
    assert "50 minutes" in entrance_text(learner2, demo, "midterm")

    # Delete it: three allowances remain, and learner is back to the exam's own 20 minutes.
    staff.get_by_label("Delete the allowance of learner on Midterm (timed)").click()
    staff.wait_for_function(f"() => document.querySelectorAll('{ALLOWANCE_ROWS}').length === 3")
    assert allowance_rows(staff) == [
        ("learner", "Final exam (proctored)", "30 (30 → 60 min, ×2)"),
        ("learner2", "Final exam (proctored)", "30 (30 → 60 min, ×2)"),
        ("learner2", "Midterm (timed)", "30 (20 → 50 min, ×2.5)"),
    ]
    assert "20 minutes" in entrance_text(learner, demo, "midterm")
    staff.reload()
    staff.wait_for_function(f"() => document.querySelectorAll('{ALLOWANCE_ROWS}').length === 3")
    assert staff.errors == [] and learner.errors == []


def test_staff_resets_an_attempt(demo, new_page):
    learner2 = new_page("learner2", username="learner2")
    learner2.goto(demo.section_url("midterm"))
    click_action(learner2, "start")
    wait_for_timer(learner2)

    staff = new_page("staff", username="staff")
    open_special_exams(staff, demo)
    row = attempt_row(staff, "learner2", "Midterm (timed)")
    assert "Started" in row.inner_text()
    row.locator(".js-reset-attempt").click()
    staff.wait_for_function(f"() => document.querySelectorAll('{ATTEMPT_ROWS}').length === 0")

    # The learner may start again, with a fresh clock.
    learner2.goto(demo.section_url("midterm"))
    wait_for_interstitial(learner2, "timed_exam/entrance")
    staff.reload()
    staff.wait_for_selector(".student-proctored-exam-container .proctoring-attempts")
    assert staff.query_selector(ATTEMPT_ROWS) is None
    assert staff.errors == [] and learner2.errors == []


def start_proctored_final(page, demo):
    """From the final's entrance page to its content and timer, through the mock vendor's ready callback."""
    page.goto(demo.section_url("final"))
    page_name = interstitial_page(page)
    if page_name in ("proctored_exam/entrance", "proctored_exam/ready_to_resume"):
        click_action(page, "start" if page_name.endswith("entrance") else "resume")
    wait_for_interstitial(page, "proctored_exam/instructions")

    def ready(page):
        if interstitial_page(page) == "proctored_exam/ready_to_start":
            return True
        page.click(".special-exam-interstitial [data-action='check-status']")
        page.wait_for_timeout(700)
        return interstitial_page(page) == "proctored_exam/ready_to_start"

    reload_until(page, ready, timeout=30)
    click_action(page, "start")
    page.wait_for_selector("[data-testid=exam-content]")
    return wait_for_timer(page)


def test_errored_attempt_resumes_with_the_saved_time(demo, new_page):
    learner = new_page("learner", username="learner")
    start_proctored_final(learner, demo)
    time.sleep(8)  # let some of the 30 minutes go by

    # The proctoring software fails: the browser reports it (what the timer does when a ping fails).
    saved_before_error = server_remaining_seconds(learner)
    learner.evaluate(
        """async () => {
            const payload = await fetch('/api/edx_proctoring/v1/proctored_exam/attempt').then((r) => r.json());
            await edx.proctoring.utils.request('PUT', payload.exam_started_poll_url, {action: 'error'});
        }"""
    )
    learner.goto(demo.section_url("final"))
    wait_for_interstitial(learner, "proctored_exam/error")

    staff = new_page("staff", username="staff")
    open_special_exams(staff, demo)
    row = attempt_row(staff, "learner", "Final exam (proctored)")
    assert "Error" in row.inner_text()
    row.locator(".js-resume-attempt").click()
    staff.wait_for_selector(f"{ATTEMPT_ROWS} .attempt-resume-note")
    assert "can now resume" in staff.inner_text(".student-proctored-exam-container")

    # The learner continues: the new attempt's clock starts from what was left (in whole minutes, as
    # edx-proctoring has always counted it: 29 here), not from the exam's 30 minutes.
    learner.goto(demo.section_url("final"))
    wait_for_interstitial(learner, "proctored_exam/ready_to_resume")
    saved_minutes = int(saved_before_error // 60)
    assert saved_minutes == 29, saved_before_error
    assert "29 minutes" in learner.inner_text(".special-exam-interstitial")
    resumed = start_proctored_final(learner, demo)
    assert saved_minutes * 60 - 15 <= resumed <= saved_minutes * 60, (resumed, saved_before_error)
    time.sleep(2)
    assert timer_seconds(learner) < resumed
    assert staff.errors == [] and learner.errors == []
