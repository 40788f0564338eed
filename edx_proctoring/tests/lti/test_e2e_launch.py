"""End to end over real HTTP on loopback: the launch of an LTI-proctored attempt through the mock LTI tool.

The Django live server is the platform; `MockLtiTool` is the tool (its own key set served over HTTP, which
the platform fetches; our key set, which it fetches); `Browser` is the learner's browser. The happy path
goes learner -> our login initiation -> the tool's login -> our auth endpoint -> the tool's launch page ->
our start_assessment -> the exam. Each check of the LtiStartAssessment checklist is then broken once by the
tool, and each time the learner gets a 4xx page with a support reference (also in the audit log) and the
attempt does not change.
"""

from __future__ import annotations

import pytest

from edx_proctoring.mock_vendor.lti_tool import END_ASSESSMENT, START_PROCTORING
from edx_proctoring.models import (
    LtiLaunch,
    ProctoredExamStudentAttempt,
)
from edx_proctoring.tests.factories import UserFactory
from edx_proctoring.tests.lti.e2e import (
    Browser,
    assert_refused,
    forms_of,
    launch,
    new_attempt,
    start_url,
    status_of,
    to_tool_page,
)
from edx_proctoring.tests.lti.launch_helpers import BROKEN_START_ASSESSMENTS

pytestmark = pytest.mark.django_db(transaction=True)


def test_given_a_proctored_attempt_when_the_learner_launches_then_the_tool_lets_them_into_the_exam(
    live_server, live_tool, lti_exam
):
    learner = UserFactory(first_name="Alice", last_name="Liddell")
    attempt_id = new_attempt(lti_exam, learner)
    browser = Browser.signed_in(user=learner, url=live_server.url)

    answer = launch(browser, live_server, attempt_id)

    assert answer.status_code == 302, answer.text[:1000]
    assert status_of(attempt_id) == "started"
    [seen] = live_tool.launches
    assert seen.message_type == START_PROCTORING
    assert seen.attempt_number == 1
    assert set(seen.acs["actions"]) == {"pause", "resume", "update", "terminate", "flag"}
    # Only the identity claims the registration asks for.
    assert seen.claims.get("given_name") == "Alice" and "email" not in seen.claims
    stored = LtiLaunch.objects.get(attempt_id=attempt_id)
    assert stored.sub == seen.sub and stored.started_at is not None
    assert stored.end_assessment_return is True


def test_given_a_started_attempt_when_the_learner_launches_again_then_same_attempt_number_and_still_running(
    live_server, live_tool, lti_exam
):
    learner = UserFactory()
    attempt_id = new_attempt(lti_exam, learner)
    browser = Browser.signed_in(user=learner, url=live_server.url)
    assert launch(browser, live_server, attempt_id).status_code == 302

    again = launch(browser, live_server, attempt_id)

    assert again.status_code == 302
    assert status_of(attempt_id) == "started"
    assert [seen.attempt_number for seen in live_tool.launches] == [1, 1]
    assert live_tool.launches[0].session_data != live_tool.launches[1].session_data


@pytest.mark.parametrize(
    ("misbehaviour", "code"),
    BROKEN_START_ASSESSMENTS,
)
def test_given_a_broken_start_assessment_then_the_learner_gets_a_4xx_and_the_attempt_does_not_change(
    live_server, live_tool, lti_exam, misbehaviour, code
):
    learner = UserFactory()
    attempt_id = new_attempt(lti_exam, learner)
    browser = Browser.signed_in(user=learner, url=live_server.url)
    live_tool.misbehave(misbehaviour)

    answer = launch(browser, live_server, attempt_id)

    assert_refused(answer, code=code)
    assert status_of(attempt_id) == "created"
    assert LtiLaunch.objects.get(attempt_id=attempt_id).started_at is None


@pytest.mark.parametrize(("misbehaviour", "code"), [("replayed_nonce", None), ("reused_session_data", None)])
def test_given_a_relaunch_replaying_the_last_start_then_it_is_refused_and_nothing_changes(
    live_server, live_tool, lti_exam, misbehaviour, code
):
    learner = UserFactory()
    attempt_id = new_attempt(lti_exam, learner)
    browser = Browser.signed_in(user=learner, url=live_server.url)
    assert launch(browser, live_server, attempt_id).status_code == 302
    before = list(ProctoredExamStudentAttempt.history.filter(id=attempt_id).values_list("history_id", flat=True))
    live_tool.misbehave(misbehaviour)

    answer = launch(browser, live_server, attempt_id)

    entry = assert_refused(answer, code=code)
    assert entry.details["code"] in ("replayed_nonce", "used_session_data", "bad_session_data")
    assert status_of(attempt_id) == "started"
    after = list(ProctoredExamStudentAttempt.history.filter(id=attempt_id).values_list("history_id", flat=True))
    assert after == before


def test_given_the_same_start_assessment_posted_twice_then_the_second_is_refused(live_server, live_tool, lti_exam):
    learner = UserFactory()
    attempt_id = new_attempt(lti_exam, learner)
    browser = Browser.signed_in(user=learner, url=live_server.url)
    tool_page = to_tool_page(browser, live_server, attempt_id)
    assert browser.submit_form(tool_page, follow=False).status_code == 302

    replay = browser.submit_form(tool_page, follow=False)

    assert_refused(replay)
    assert status_of(attempt_id) == "started"


def test_given_another_learners_session_data_then_refused_and_neither_attempt_changes(live_server, live_tool, lti_exam):
    alice, bob = UserFactory(), UserFactory()
    alice_attempt, bob_attempt = new_attempt(lti_exam, alice), new_attempt(lti_exam, bob)
    to_tool_page(Browser.signed_in(user=bob, url=live_server.url), live_server, bob_attempt)
    alice_browser = Browser.signed_in(user=alice, url=live_server.url)
    live_tool.misbehave("foreign_session_data")

    answer = launch(alice_browser, live_server, alice_attempt)

    assert_refused(answer)
    assert (status_of(alice_attempt), status_of(bob_attempt)) == ("created", "created")


def test_given_the_start_assessment_posted_from_another_users_browser_then_refused(live_server, live_tool, lti_exam):
    alice, mallory = UserFactory(), UserFactory()
    attempt_id = new_attempt(lti_exam, alice)
    tool_page = to_tool_page(Browser.signed_in(user=alice, url=live_server.url), live_server, attempt_id)

    answer = Browser.signed_in(user=mallory, url=live_server.url).submit_form(tool_page, follow=False)

    assert_refused(answer)
    assert status_of(attempt_id) == "created"


def test_given_no_session_when_the_start_assessment_arrives_then_refused(live_server, live_tool, lti_exam):
    learner = UserFactory()
    attempt_id = new_attempt(lti_exam, learner)
    tool_page = to_tool_page(Browser.signed_in(user=learner, url=live_server.url), live_server, attempt_id)

    answer = Browser().submit_form(tool_page, follow=False)

    assert 400 <= answer.status_code < 500
    assert status_of(attempt_id) == "created"


def test_given_another_learners_attempt_when_a_learner_opens_its_launch_then_refused(live_server, live_tool, lti_exam):
    alice, mallory = UserFactory(), UserFactory()
    attempt_id = new_attempt(lti_exam, alice)

    answer = Browser.signed_in(user=mallory, url=live_server.url).go("GET", start_url(live_server, attempt_id))

    assert_refused(answer)
    assert not live_tool.launches


def test_given_a_redirect_uri_not_registered_then_the_auth_endpoint_refuses(live_server, live_tool, lti_exam):
    learner = UserFactory()
    attempt_id = new_attempt(lti_exam, learner)
    live_tool.registration.redirect_uris = [live_tool.launch_url + "/elsewhere"]
    live_tool.registration.save()

    answer = Browser.signed_in(user=learner, url=live_server.url).go("GET", start_url(live_server, attempt_id))

    assert_refused(answer)
    assert not live_tool.launches


def test_given_a_reset_when_the_learner_takes_the_exam_again_then_the_attempt_number_increases(
    live_server, live_tool, lti_exam
):
    learner = UserFactory()
    browser = Browser.signed_in(user=learner, url=live_server.url)
    first = new_attempt(lti_exam, learner)
    assert launch(browser, live_server, first).status_code == 302
    ProctoredExamStudentAttempt.objects.get(id=first).delete_exam_attempt()

    second = new_attempt(lti_exam, learner)
    assert launch(browser, live_server, second).status_code == 302

    assert [seen.attempt_number for seen in live_tool.launches] == [1, 2]


def test_given_the_tool_asked_for_the_end_when_the_learner_submits_then_lti_end_assessment_reaches_it(
    live_server, live_tool, lti_exam
):
    learner = UserFactory()
    attempt_id = new_attempt(lti_exam, learner)
    browser = Browser.signed_in(user=learner, url=live_server.url)
    assert launch(browser, live_server, attempt_id).status_code == 302
    from edx_proctoring.api import update_attempt_status

    update_attempt_status(attempt_id, "submitted")

    end = browser.go("GET", start_url(live_server, attempt_id) + "?message=end")
    page = browser.submit_form(end)

    assert page.status_code == 200, page.text[:1000]
    assert 'data-testid="tool-ended"' in page.text
    ended = live_tool.latest_launch(message_type=END_ASSESSMENT)
    assert ended.attempt_number == 1 and ended.sub == live_tool.launches[0].sub


def test_given_the_learner_signed_out_before_the_auth_request_then_the_tool_gets_an_oidc_login_required(
    live_server, live_tool, lti_exam
):
    learner = UserFactory()
    attempt_id = new_attempt(lti_exam, learner)
    browser = Browser.signed_in(user=learner, url=live_server.url)
    to_tool_login = browser.go("GET", start_url(live_server, attempt_id), follow=False)
    auth_request = browser.go("GET", to_tool_login.headers["Location"], follow=False).headers["Location"]
    browser.cookies.clear()  # signed out (another tab) while the browser was at the tool

    error_page = browser.go("GET", auth_request)
    answer = browser.submit_form(error_page)

    [form] = forms_of(error_page.text)
    assert form.action == live_tool.launch_url
    assert form.fields["error"] == "login_required" and form.fields["state"]
    assert "id_token" not in form.fields
    assert answer.status_code == 400
    assert live_tool.refusals[-1].startswith("The platform refused the launch: login_required")
    assert not live_tool.launches
    assert status_of(attempt_id) == "created"
