"""LtiStartAssessment (spec §4): every check of the checklist, each failure a 4xx page with a support reference,
an audit entry and no change to the attempt; success lets the learner into the exam."""

from __future__ import annotations

from datetime import timedelta

import pytest

from edx_proctoring.lti import keys
from edx_proctoring.lti.claims import LtiCheckFailed
from edx_proctoring.mock_vendor.lti_tool import MockLtiTool
from edx_proctoring.models import LtiLaunch, LtiNonce, ProctoringAuditEntry
from edx_proctoring.retirement import retire_user_data
from edx_proctoring.tests.factories import ProctoredExamFactory, UserFactory
from edx_proctoring.tests.lti.conftest import platform_for, register
from edx_proctoring.tests.lti.launch_helpers import (
    BROKEN_START_ASSESSMENTS,
    in_process,
    lti_attempt,
    lti_backend,  # noqa: F401 - fixture
    post_start_assessment,
    start_assessment_jwt,
)
from edx_proctoring.timing import now

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("lti_backend")]


@pytest.fixture
def tool(lti_tool):
    return in_process(lti_tool)


@pytest.fixture
def learner(client):
    user = UserFactory()
    client.force_login(user)
    return user


def _state(attempt) -> tuple:
    attempt.refresh_from_db()
    launch = LtiLaunch.objects.get(attempt=attempt)
    return attempt.status, attempt.started_at, launch.session_data_used_at, launch.started_at


def _assert_refused(response, *, attempt, before: tuple, code: str, status: int = 400) -> None:
    assert response.status_code == status, response.content[:300]
    entry = ProctoringAuditEntry.objects.filter(action="lti_start_assessment_refused").latest("id")
    assert entry.details["code"] == code
    assert entry.details["reference"] in response.content.decode()
    assert _state(attempt) == before


def test_given_a_valid_start_assessment_then_the_learner_is_let_into_the_exam(client, tool, registration, learner):
    attempt = lti_attempt(registration=registration, user=learner)
    token = start_assessment_jwt(client, tool, attempt=attempt)

    response = post_start_assessment(client, token)

    assert response.status_code == 302
    assert response["Location"].endswith(attempt.proctored_exam.content_id)
    attempt.refresh_from_db()
    assert attempt.status == "started"
    assert attempt.started_at is not None
    launch = LtiLaunch.objects.get(attempt=attempt)
    assert launch.session_data_used_at is not None
    assert launch.end_assessment_return is True
    entry = ProctoringAuditEntry.objects.get(action="lti_start_assessment")
    assert entry.attempt_id == attempt.id and entry.details["attempt_number"] == 1
    history = [row.history_change_reason for row in attempt.history.order_by("history_id")]
    assert "LTI tool: start assessment" in history


def test_given_the_tool_reports_the_identity_it_verified_then_only_identity_claims_are_kept_until_retirement(
    client, registration, learner
):
    tool = in_process(
        MockLtiTool(
            platform=platform_for("http://testserver"), verified_user={"name": "Ada L.", "sub": "x", "iss": "y"}
        )
    )
    registration.tool_public_jwk = tool.jwks()
    registration.save()
    attempt = lti_attempt(registration=registration, user=learner)

    post_start_assessment(client, start_assessment_jwt(client, tool, attempt=attempt))

    assert LtiLaunch.objects.get(attempt=attempt).verified_user == {"name": "Ada L."}
    retire_user_data(user_id=learner.id)
    assert LtiLaunch.objects.get(attempt=attempt).verified_user is None


@pytest.mark.parametrize(
    ("misbehaviour", "code"),
    BROKEN_START_ASSESSMENTS,
)
def test_given_a_broken_start_assessment_then_it_is_refused_and_the_attempt_is_unchanged(
    client, tool, registration, learner, misbehaviour, code
):
    attempt = lti_attempt(registration=registration, user=learner)
    token = start_assessment_jwt(client, tool, attempt=attempt, misbehave=misbehaviour)
    before = _state(attempt)

    response = post_start_assessment(client, token)

    _assert_refused(response, attempt=attempt, before=before, code=code)
    assert before[0] == "created"


def test_given_a_start_assessment_sent_twice_then_the_replay_is_refused(client, tool, registration, learner):
    attempt = lti_attempt(registration=registration, user=learner)
    token = start_assessment_jwt(client, tool, attempt=attempt)
    post_start_assessment(client, token)
    before = _state(attempt)

    response = post_start_assessment(client, token)

    _assert_refused(response, attempt=attempt, before=before, code="replayed_nonce")


def test_given_a_new_message_reusing_a_nonce_then_it_is_refused(client, tool, registration, learner):
    attempt = lti_attempt(registration=registration, user=learner)
    post_start_assessment(client, start_assessment_jwt(client, tool, attempt=attempt))

    token = start_assessment_jwt(client, tool, attempt=attempt, misbehave="replayed_nonce")
    before = _state(attempt)

    _assert_refused(post_start_assessment(client, token), attempt=attempt, before=before, code="replayed_nonce")


def test_given_session_data_of_an_earlier_launch_then_it_is_refused(client, tool, registration, learner):
    attempt = lti_attempt(registration=registration, user=learner)
    start_assessment_jwt(client, tool, attempt=attempt)  # a first launch the tool never answered
    token = start_assessment_jwt(client, tool, attempt=attempt, misbehave="reused_session_data")
    before = _state(attempt)

    response = post_start_assessment(client, token)

    _assert_refused(response, attempt=attempt, before=before, code="bad_session_data")


def test_given_session_data_already_consumed_then_a_fresh_message_with_it_is_refused(
    client, tool, registration, learner
):
    attempt = lti_attempt(registration=registration, user=learner)
    launch_token = start_assessment_jwt(client, tool, attempt=attempt)
    post_start_assessment(client, launch_token)
    before = _state(attempt)

    # Same launch (same session data), new nonce: the single use is what refuses it.
    token = tool.start_assessment_jwt(tool.launches[-1])

    _assert_refused(post_start_assessment(client, token), attempt=attempt, before=before, code="used_session_data")


def test_given_another_learners_session_data_then_it_is_refused(client, tool, registration, learner):
    exam = ProctoredExamFactory(backend="lti_proctoring")
    other = UserFactory()
    client.force_login(other)
    other_attempt = lti_attempt(registration=registration, user=other, exam=exam)
    start_assessment_jwt(client, tool, attempt=other_attempt)
    client.force_login(learner)
    attempt = lti_attempt(registration=registration, user=learner, exam=exam)
    token = start_assessment_jwt(client, tool, attempt=attempt, misbehave="foreign_session_data")
    before, other_before = _state(attempt), _state(other_attempt)

    response = post_start_assessment(client, token)

    _assert_refused(response, attempt=attempt, before=before, code="foreign_session_data")
    assert _state(other_attempt) == other_before


def test_given_another_users_browser_posts_a_valid_message_then_it_is_refused(client, tool, registration, learner):
    attempt = lti_attempt(registration=registration, user=learner)
    token = start_assessment_jwt(client, tool, attempt=attempt)
    before = _state(attempt)
    client.force_login(UserFactory())

    response = post_start_assessment(client, token)

    _assert_refused(response, attempt=attempt, before=before, code="foreign_session_data")


def test_given_no_session_when_the_message_arrives_then_login_is_required(client, tool, registration, learner):
    attempt = lti_attempt(registration=registration, user=learner)
    token = start_assessment_jwt(client, tool, attempt=attempt)
    before = _state(attempt)
    client.logout()

    _assert_refused(
        post_start_assessment(client, token), attempt=attempt, before=before, code="login_required", status=401
    )


def test_given_no_jwt_field_then_it_is_refused(client, registration, learner):
    response = client.post("/api/edx_proctoring/v1/lti/start_assessment/", {})

    assert response.status_code == 400
    assert ProctoringAuditEntry.objects.get(action="lti_start_assessment_refused").details["code"] == "malformed"


def test_given_another_exam_of_the_course_running_then_the_start_is_refused_and_the_session_data_kept(
    client, tool, registration, learner
):
    lti_attempt(registration=registration, user=learner, status="started")
    attempt = lti_attempt(registration=registration, user=learner)
    token = start_assessment_jwt(client, tool, attempt=attempt)
    before = _state(attempt)

    response = post_start_assessment(client, token)

    _assert_refused(response, attempt=attempt, before=before, code="start_refused", status=409)


def test_given_a_relaunch_of_a_running_attempt_then_the_learner_goes_back_in_and_nothing_restarts(
    client, tool, registration, learner
):
    attempt = lti_attempt(registration=registration, user=learner)
    post_start_assessment(client, start_assessment_jwt(client, tool, attempt=attempt))
    attempt.refresh_from_db()
    started_at = attempt.started_at

    response = post_start_assessment(client, start_assessment_jwt(client, tool, attempt=attempt))

    assert response.status_code == 302
    attempt.refresh_from_db()
    assert (attempt.status, attempt.started_at) == ("started", started_at)


def test_given_a_tool_registered_by_jwks_url_then_its_key_is_fetched_over_http(client, registration, learner):
    with MockLtiTool(platform=platform_for("http://testserver")) as served:
        in_process(served)
        registration.delete()
        attempt = lti_attempt(registration=register(served, tool_jwks_url=served.jwks_url), user=learner)
        token = start_assessment_jwt(client, served, attempt=attempt)

        response = post_start_assessment(client, token)

    assert response.status_code == 302
    attempt.refresh_from_db()
    assert attempt.status == "started"


def test_given_an_unknown_kid_then_the_jwks_url_is_fetched_again_at_most_once_in_a_while(registration, lti_tool):
    with MockLtiTool() as served:
        registration.tool_public_jwk = None
        registration.tool_jwks_url = served.jwks_url
        registration.save()

        assert keys.tool_key(registration=registration, kid=served.kid).key_id == served.kid
        for _ in range(3):
            with pytest.raises(LtiCheckFailed) as refused:
                keys.tool_key(registration=registration, kid="rotated-away")
            assert refused.value.code == "unknown_kid"


def test_given_an_unreachable_jwks_url_then_the_message_is_refused_not_crashed(registration):
    registration.tool_public_jwk = None
    registration.tool_jwks_url = "http://127.0.0.1:9/jwks"
    registration.save()

    with pytest.raises(LtiCheckFailed) as refused:
        keys.tool_key(registration=registration, kid="any")

    assert refused.value.code == "tool_keys_unavailable"


def test_given_old_nonces_then_they_are_forgotten_once_their_tokens_expired(registration):
    LtiNonce.objects.create(registration=registration, nonce="old", expires_at=now() - timedelta(minutes=1))

    keys.remember_nonce(registration=registration, nonce="new", expires_at=now() + timedelta(minutes=5))

    assert set(LtiNonce.objects.values_list("nonce", flat=True)) == {"new"}
