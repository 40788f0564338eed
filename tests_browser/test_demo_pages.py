"""The demo's first minute: the sign-in page lists the accounts, each account lands where the README says."""

import pytest

pytestmark = pytest.mark.browser


def test_first_minute_of_the_demo(demo, new_page):
    page = new_page("newcomer")
    page.goto(demo.url)
    assert page.url.startswith(f"{demo.url}/login/")
    accounts = page.inner_text("[aria-labelledby=accounts-title]")
    for username in ("learner", "learner2", "staff", "admin"):
        assert username in accounts

    learner = new_page("learner", username="learner")
    learner.goto(demo.course_url())
    names = learner.locator(".outline-item > a").all_inner_texts()
    assert names == [
        "Onboarding: check your proctoring setup",
        "Midterm (timed)",
        "Final exam (proctored)",
    ]
    learner.goto(demo.progress_url())
    learner.wait_for_selector(".proctoring-info-panel :text('Onboarding status')")
    # Learners cannot open the Special Exams tab.
    response = learner.goto(demo.special_exams_url())
    assert response.status == 403

    staff = new_page("staff", username="staff")
    staff.goto(demo.special_exams_url())
    staff.wait_for_selector(".student-onboarding-status-container table")
    assert "learner2" in staff.inner_text(".student-onboarding-status-container")

    admin = new_page("admin", username="admin")
    admin.goto(f"{demo.url}/admin/edx_proctoring/proctoredexam/")
    # Onboarding, midterm and final of 101, the practice exam of 102, the LTI-proctored final of 103.
    assert admin.locator("#result_list tbody tr").count() == 5
    admin.goto(f"{demo.url}/admin/demo/enrollment/")
    # Both learners in all three courses.
    assert admin.locator("#result_list tbody tr").count() == 6
    assert not (learner.errors or staff.errors or admin.errors)
