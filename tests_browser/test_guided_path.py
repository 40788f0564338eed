"""The README's guided path, in its order, as a newcomer walks it: one learner takes the midterm, the final,
the practice exam and the onboarding exam; then staff open the Special Exams tab and the admin the Django
admin. Each step saves a screenshot (test-artifacts/browser/test_readme_guided_path-NN-<step>.png)."""

import re

import pytest
import requests

from tests_browser.conftest import ARTIFACTS, PRACTICE_COURSE_ID
from tests_browser.helpers import (
    click_action,
    interstitial_page,
    reload_until,
    wait_for_interstitial,
    wait_for_timer,
)

pytestmark = pytest.mark.browser

TIMER_BAR = ".proctored_exam_status"


class Steps:
    """Screenshots of the walk, numbered in the order taken."""

    def __init__(self, name):
        self.name = name
        self.count = 0

    def shot(self, page, step):
        self.count += 1
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"{self.name}-{self.count:02d}-{step}.png"), full_page=True)


def _leave_page_dialogs(page):
    """Record every dialog the page opens (and accept it, so the walk goes on)."""
    seen = []

    def on_dialog(dialog):
        seen.append(dialog.type)
        dialog.accept()

    page.on("dialog", on_dialog)
    return seen


def _save_answer(page, text):
    page.fill("#answer", text)
    with page.expect_navigation():
        page.click("text=Save my answer")
    assert page.inner_text("[data-testid=save-status]") == "Your answer was saved."
    assert page.input_value("#answer") == text


def _end_and_submit(page, kind):
    with page.expect_navigation():
        page.click(f"{TIMER_BAR} [data-action='end-exam']")
    wait_for_interstitial(page, f"{kind}/ready_to_submit")
    click_action(page, "submit")


def _complete_setup(page):
    """'I have completed the setup' until the mock vendor has reported the computer ready."""

    def ready(page):
        if interstitial_page(page) == "proctored_exam/ready_to_start":
            return True
        page.click(".special-exam-interstitial [data-action='check-status']")
        page.wait_for_timeout(700)
        return interstitial_page(page) == "proctored_exam/ready_to_start"

    reload_until(page, ready, timeout=30)


def test_readme_guided_path(demo, new_page):
    steps = Steps("test_readme_guided_path")

    # -- signing in: a wrong password keeps the username -------------------------------------------------
    page = new_page("learner")
    dialogs = _leave_page_dialogs(page)
    page.goto(f"{demo.url}/login/")
    page.fill("#id_username", "learner")
    page.fill("#id_password", "not-the-password")
    with page.expect_navigation():
        page.click("form.login-form button[type=submit]")
    assert page.input_value("#id_username") == "learner"
    assert "do not match" in page.inner_text("[role=alert]")
    page.fill("#id_password", "learner")
    with page.expect_navigation():
        page.click("form.login-form button[type=submit]")
    courses = page.locator(".course-card h2").all_inner_texts()
    assert courses == [
        "Proctoring 101: Exams in Open edX",
        "Proctoring 102: A practice round",
        "Proctoring 103: An LTI proctoring tool",
    ]
    steps.shot(page, "courses")

    page.goto(demo.course_url())
    names = page.locator(".outline-item > a").all_inner_texts()
    assert names == ["Onboarding: check your proctoring setup", "Midterm (timed)", "Final exam (proctored)"]

    # -- 1. the timed midterm ----------------------------------------------------------------------------
    page.click("text=Midterm (timed)")
    wait_for_interstitial(page, "timed_exam/entrance")
    click_action(page, "start")
    page.wait_for_selector("[data-testid=exam-content]")
    assert 20 * 60 - 20 <= wait_for_timer(page) <= 20 * 60
    assert "Midterm (timed)" in page.inner_text(TIMER_BAR)
    _save_answer(page, "The browser's clock can be wrong; the server's is the one that counts.")
    page.fill("#answer", "Changed after saving.")
    assert page.inner_text("[data-testid=save-status]") == "Not saved yet."
    steps.shot(page, "midterm-running")
    _end_and_submit(page, "timed_exam")
    wait_for_interstitial(page, "timed_exam/submitted")
    # Back shows the page as it is now (no-store), not the question with a Save button.
    page.go_back()
    page.wait_for_selector(".special-exam-interstitial, [data-testid=exam-content]")
    assert page.query_selector("[data-testid=exam-content]") is None
    assert page.query_selector("text=Save my answer") is None
    steps.shot(page, "midterm-submitted")

    # -- 2. the proctored final: open at once (the midterm is not a credit requirement) ------------------
    page.goto(demo.section_url("final"))
    wait_for_interstitial(page, "proctored_exam/entrance")
    click_action(page, "start")
    wait_for_interstitial(page, "proctored_exam/instructions")
    download = page.get_attribute(".special-exam-interstitial [data-action='click_download_software']", "href")
    software_page = requests.get(download, timeout=10)
    assert software_page.status_code == 200 and "no software to download" in software_page.text
    steps.shot(page, "final-instructions")
    _complete_setup(page)
    click_action(page, "start")
    page.wait_for_selector("[data-testid=exam-content]")
    assert 30 * 60 - 20 <= wait_for_timer(page) <= 30 * 60
    assert "Final exam (proctored)" in page.inner_text(TIMER_BAR)
    _save_answer(page, "Whether the learner's face stays in view.")
    assert "beforeunload" not in dialogs, "saving an answer asked 'Leave this page?'"
    steps.shot(page, "final-running")
    _end_and_submit(page, "proctored_exam")
    wait_for_interstitial(page, "proctored_exam/submitted")
    reload_until(page, lambda page: interstitial_page(page) == "proctored_exam/verified", timeout=30)
    steps.shot(page, "final-verified")

    # -- 3. the practice exam (its own course, the `mock` backend: no setup step) -------------------------
    page.goto(demo.course_url(PRACTICE_COURSE_ID))
    page.click("text=Practice proctored exam")
    wait_for_interstitial(page, "practice_exam/entrance")
    click_action(page, "start")
    wait_for_interstitial(page, "proctored_exam/ready_to_start")
    click_action(page, "start")
    page.wait_for_selector("[data-testid=exam-content]")
    wait_for_timer(page)
    assert "Practice proctored exam" in page.inner_text(TIMER_BAR)

    # -- 4. the onboarding exam, while the practice exam still runs in the other course ------------------
    page.goto(demo.section_url("onboarding"))
    wait_for_interstitial(page, "onboarding_exam/entrance")
    # On a page whose exam is not running, the bar names the exam it acts on.
    wait_for_timer(page)
    assert "Practice proctored exam" in page.inner_text(TIMER_BAR)
    click_action(page, "start")
    wait_for_interstitial(page, "proctored_exam/instructions")
    _complete_setup(page)
    click_action(page, "start")
    page.wait_for_selector("[data-testid=exam-content]")
    page.wait_for_function("(s) => document.querySelector(s).innerText.includes('Onboarding')", arg=TIMER_BAR)
    assert "Practice proctored exam" not in page.inner_text(TIMER_BAR)
    steps.shot(page, "onboarding-running")

    # On the practice exam's page, "End my exam" ends the practice exam, not the newer onboarding attempt.
    page.goto(demo.section_url("practice", PRACTICE_COURSE_ID))
    page.wait_for_function("(s) => document.querySelector(s).innerText.includes('Practice')", arg=TIMER_BAR)
    _end_and_submit(page, "proctored_exam")
    wait_for_interstitial(page, "practice_exam/submitted")
    page.goto(demo.section_url("onboarding"))
    page.wait_for_selector("[data-testid=exam-content]")
    _end_and_submit(page, "onboarding_exam")
    wait_for_interstitial(page, "onboarding_exam/submitted")
    reload_until(page, lambda page: interstitial_page(page) == "onboarding_exam/verified", timeout=30)
    steps.shot(page, "onboarding-verified")

    # The practice exam is not onboarding: only Proctoring 101 (whose onboarding exam was taken) says so.
    page.goto(demo.progress_url())
    page.wait_for_selector(".proctoring-info-panel :text('Onboarding status')")
    assert "Approved" in page.inner_text(".proctoring-info-panel")
    page.goto(demo.progress_url(PRACTICE_COURSE_ID))
    page.wait_for_load_state("networkidle")
    assert page.inner_text(".proctoring-info-panel").strip() == ""
    assert "Practice Exam Completed" in page.inner_text("table")
    steps.shot(page, "practice-course-progress")
    assert page.errors == []

    # -- 5. staff: the Special Exams tab -----------------------------------------------------------------
    staff = new_page("staff", username="staff")
    staff.goto(demo.special_exams_url())
    staff.wait_for_selector(".student-proctored-exam-container .attempt-row")
    attempts = staff.inner_text(".student-proctored-exam-container")
    for exam in ("Midterm (timed)", "Final exam (proctored)", "Onboarding: check your proctoring setup"):
        assert exam in attempts
    assert staff.locator(".special-allowance-container h2").inner_text() == "Allowances"
    staff.click("#proctoring-accordion .accordion-trigger")
    staff.wait_for_selector(".student-review-dashboard-container iframe")
    assert "Multiple backends" not in staff.inner_text(".student-review-dashboard-container")
    frame = staff.frame_locator(".student-review-dashboard-container iframe")
    assert "instructor dashboard" in frame.locator("h1").inner_text()
    steps.shot(staff, "staff-special-exams")
    assert staff.errors == []

    # A learner on the staff URL gets the demo's 403 page, and the log has no traceback for it.
    response = page.goto(demo.special_exams_url())
    assert response.status == 403
    assert "not for your account" in page.inner_text("h1")
    missing = page.goto(f"{demo.url}/courses/no-such-course/")
    assert missing.status == 404 and "no such page" in page.inner_text("h1")
    assert "Traceback" not in demo.log_text()

    # -- 6. admin: the attempts and their history --------------------------------------------------------
    admin = new_page("admin", username="admin")
    admin.goto(f"{demo.url}/admin/edx_proctoring/proctoredexamstudentattempt/")
    rows = admin.locator("#result_list tbody tr")
    assert rows.count() == 4
    listed = admin.inner_text("#result_list")
    assert re.search(r"verified", listed, re.IGNORECASE)
    steps.shot(admin, "admin-attempts")
    assert admin.errors == []


def test_one_running_exam_per_course(demo, new_page):
    """With the midterm running, the final of the same course offers no start: it names the running exam and
    links to it; once the midterm is submitted, the final opens."""
    page = new_page("learner2", username="learner2")
    page.goto(demo.section_url("midterm"))
    wait_for_interstitial(page, "timed_exam/entrance")
    click_action(page, "start")
    page.wait_for_selector("[data-testid=exam-content]")

    page.goto(demo.section_url("final"))
    wait_for_interstitial(page, "common/another_exam_running")
    assert page.query_selector(".special-exam-interstitial [data-action='start']") is None
    assert 'You are taking "Midterm (timed)" in this course.' in page.inner_text(".special-exam-interstitial")
    # The REST route refuses the start too, whatever page the learner's browser was on.
    refused = page.evaluate(
        """async () => {
            const exams = await fetch('/api/edx_proctoring/v1/proctored_exam/exam/course_id/' +
                'course-v1:DemoX+Proctoring101+2025').then((r) => r.json());
            const onboarding = exams.find((exam) => exam.exam_name.startsWith('Onboarding'));
            const csrf = document.cookie.match(/csrftoken=([^;]+)/)[1];
            const answer = await fetch('/api/edx_proctoring/v1/proctored_exam/attempt', {
                method: 'POST', credentials: 'same-origin',
                headers: {'Content-Type': 'application/json', 'X-CSRFToken': csrf},
                body: JSON.stringify({exam_id: onboarding.id, start_clock: 'true', attempt_proctored: 'true'}),
            });
            return {status: answer.status, body: await answer.json()};
        }"""
    )
    assert refused["status"] == 400, refused
    assert "Midterm (timed)" in refused["body"]["detail"]

    with page.expect_navigation():
        page.click(".special-exam-interstitial a:has-text('Return to')")
    page.wait_for_selector("[data-testid=exam-content]")
    _end_and_submit(page, "timed_exam")
    wait_for_interstitial(page, "timed_exam/submitted")
    page.goto(demo.section_url("final"))
    wait_for_interstitial(page, "proctored_exam/entrance")
    assert page.errors == []
