"""The session cookie across the tool's cross-site hops: the LMS serves HTTPS with the host's usual
``SESSION_COOKIE_SAMESITE = "Lax"``, the tool lives on another site, and its LtiStartAssessment comes back as a
cross-site form POST, which a browser sends only the cookies marked ``SameSite=None; Secure`` with."""

from __future__ import annotations

import pytest
from django.test import Client

from edx_proctoring.models import LtiLaunch
from edx_proctoring.tests.factories import UserFactory
from edx_proctoring.tests.lti.launch_helpers import (
    PREFIX,
    auth_form,
    in_process,
    lti_attempt,
    lti_backend,  # noqa: F401 - fixture
    path_of,
    query_of,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("lti_backend")]


@pytest.fixture(autouse=True)
def https_site(settings):
    settings.SESSION_COOKIE_SECURE = True
    settings.SESSION_COOKIE_SAMESITE = "Lax"
    settings.CSRF_COOKIE_SECURE = True


@pytest.fixture
def tool(lti_tool):
    return in_process(lti_tool)


@pytest.fixture
def learner():
    return UserFactory()


@pytest.fixture
def browser(learner):
    """The learner's browser on the LMS over HTTPS, signed in."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(learner)
    return client


def _cross_site(browser: Client) -> Client:
    """The same browser as a cross-site POST sees it: only the cookies a browser sends along with one."""
    other = Client(enforce_csrf_checks=True)
    for name, morsel in browser.cookies.items():
        if str(morsel["samesite"]).lower() == "none" and morsel["secure"]:
            other.cookies[name] = morsel.value
    return other


def _assert_cross_site_session_cookie(response, *, browser: Client) -> None:
    morsel = response.cookies["sessionid"]
    assert morsel["samesite"] == "None"
    assert morsel["secure"] is True
    assert morsel["httponly"] is True
    assert morsel.value == browser.session.session_key


def _launch(browser: Client, tool, *, attempt):
    """The learner's launch and the tool's auth request, as the browser goes; the tool's LtiStartAssessment."""
    start = browser.get(f"{PREFIX}start/{attempt.id}/", secure=True)
    assert start.status_code == 302
    _assert_cross_site_session_cookie(start, browser=browser)
    auth_request = path_of(tool.login(query_of(start["Location"])))
    auth = browser.get(auth_request, secure=True)
    assert auth.status_code == 200
    _assert_cross_site_session_cookie(auth, browser=browser)
    tool.launch(auth_form(auth).fields)
    return tool.launches[-1].start_assessment


@pytest.mark.parametrize("save_every_request", [False, True])
def test_given_an_https_lms_when_the_tool_posts_start_assessment_cross_site_then_the_session_comes_along(
    settings, learner, browser, tool, registration, save_every_request
):
    settings.SESSION_SAVE_EVERY_REQUEST = save_every_request
    attempt = lti_attempt(registration=registration, user=learner)
    token = _launch(browser, tool, attempt=attempt)

    answer = _cross_site(browser).post(f"{PREFIX}start_assessment/", {"JWT": token}, secure=True)

    assert answer.status_code == 302, answer.content[:300]
    attempt.refresh_from_db()
    assert attempt.status == "started"
    assert LtiLaunch.objects.get(attempt=attempt).session_data_used_at is not None


def test_given_only_the_hosts_lax_cookie_then_the_cross_site_post_arrives_without_a_session_and_is_refused(
    learner, browser, tool, registration
):
    attempt = lti_attempt(registration=registration, user=learner)
    token = _launch(browser, tool, attempt=attempt)
    # What the browser would send had the cookie stayed Lax: nothing.
    answer = Client(enforce_csrf_checks=True).post(f"{PREFIX}start_assessment/", {"JWT": token}, secure=True)

    assert answer.status_code == 401
    attempt.refresh_from_db()
    assert attempt.status == "created"
