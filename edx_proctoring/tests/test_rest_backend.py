"""Generic REST vendor backend, exercised against a real local HTTP server (no mocked requests)."""

import socket
import time

import jwt
import pytest
import requests
from django.test import override_settings
from django.utils import translation
from edx_django_utils.cache import TieredCache

from edx_proctoring.backends.rest import BaseRestProctoringProvider
from edx_proctoring.exceptions import (
    BackendProviderCannotRegisterAttempt,
    BackendProviderCannotRetireUser,
    BackendProviderOnboardingException,
    BackendProviderOnboardingProfilesException,
    BackendProviderSentNoAttemptID,
)
from edx_proctoring.tests.http_peer import HttpPeer

CLIENT_ID = "vendor-client"
CLIENT_SECRET = "vendor-secret-that-is-long-enough-for-hs256-keys"
TOKEN = "peer-access-token"
EXAM_ID = "ext-exam-1"
ATTEMPT_ID = "ext-attempt-1"
ATTEMPT_PATH = f"/api/v1/exam/{EXAM_ID}/attempt/{ATTEMPT_ID}/"
CREATE_ATTEMPT_PATH = f"/api/v1/exam/{EXAM_ID}/attempt/"


class VendorProvider(BaseRestProctoringProvider):
    verbose_name = "Vendor"


@pytest.fixture
def peer():
    TieredCache.dangerous_clear_all_tiers()  # OAuth tokens are cached per token URL
    with HttpPeer() as server:
        server.serve_oauth_token(TOKEN)
        yield server
    TieredCache.dangerous_clear_all_tiers()


@pytest.fixture
def provider(peer):
    return VendorProvider(client_id=CLIENT_ID, client_secret=CLIENT_SECRET, base_url=peer.url)


def _api_requests(peer):
    return [item for item in peer.requests if item.path != "/oauth2/access_token"]


def _context():
    return {
        "lms_host": "http://localhost:8000",
        "time_limit_mins": 60,
        "attempt_code": "SECRET-CODE",
        "is_sample_attempt": False,
        "user_id": "obscured",
        "full_name": "Ada Lovelace",
        "email": "ada@example.org",
    }


def _closed_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# -- construction and OAuth --------------------------------------------------------------------------


def test_given_the_class_defaults_when_constructing_then_the_generic_attributes_are_set(provider, peer):
    assert provider.timeout == 30
    assert provider.token_expiration_time == 60
    assert provider.needs_oauth is True
    assert provider.has_dashboard is True
    assert provider.supports_onboarding is True
    assert provider.passing_statuses == ("Clean",)
    assert provider.default_rules is None
    assert provider.proctoring_instructions == []
    assert provider.create_exam_url == peer.url + "/api/v1/exam/"
    assert provider.exam_attempt_url == peer.url + "/api/v1/exam/{exam_id}/attempt/{attempt_id}/"
    assert provider.instructor_url == peer.url + "/api/v1/instructor/{client_id}/?jwt={jwt}"
    assert provider.onboarding_statuses_url == peer.url + "/api/v1/courses/{course_id}/onboarding_statuses"
    assert VendorProvider(client_id="c", client_secret="s", base_url="http://x", timeout=4).timeout == 4


def test_given_a_first_call_when_requesting_then_a_client_credentials_token_is_fetched_and_sent(provider, peer):
    peer.respond("POST", CREATE_ATTEMPT_PATH, json={"id": "a1"})

    provider.register_exam_attempt({"external_id": EXAM_ID}, _context())
    provider.register_exam_attempt({"external_id": EXAM_ID}, _context())

    token_requests = peer.requests_to("POST", "/oauth2/access_token")
    assert len(token_requests) == 1  # cached for its lifetime
    form = token_requests[0].form()
    assert form["grant_type"] == "client_credentials"
    assert form["client_id"] == CLIENT_ID
    assert form["client_secret"] == CLIENT_SECRET
    assert form["token_type"] == "jwt"
    for request in _api_requests(peer):
        assert request.header("Authorization") == f"JWT {TOKEN}"


def test_given_the_token_endpoint_refuses_when_registering_then_cannot_register_as_bad_gateway(provider, peer):
    peer.respond("POST", "/oauth2/access_token", status=401, json={"error": "invalid_client"})

    with pytest.raises(BackendProviderCannotRegisterAttempt) as caught:
        provider.register_exam_attempt({"external_id": EXAM_ID}, _context())

    assert caught.value.http_status == 502
    assert _api_requests(peer) == []


# -- registration ------------------------------------------------------------------------------------


def test_given_the_vendor_accepts_when_registering_then_its_id_is_returned_and_the_context_sent(provider, peer):
    peer.respond("POST", CREATE_ATTEMPT_PATH, json={"id": "a1", "status": "created"})
    context = _context()

    assert provider.register_exam_attempt({"external_id": EXAM_ID}, context) == "a1"

    (request,) = _api_requests(peer)
    body = request.json()
    assert body["status"] == "created"
    assert "attempt_code" not in body
    assert body["full_name"] == "Ada Lovelace"
    assert context["status"] == "created" and "attempt_code" not in context  # mutated in place


def test_given_the_vendor_answers_201_when_registering_then_cannot_register(provider, peer):
    peer.respond("POST", CREATE_ATTEMPT_PATH, status=201, json={"id": "a1"})

    with pytest.raises(BackendProviderCannotRegisterAttempt) as caught:
        provider.register_exam_attempt({"external_id": EXAM_ID}, _context())

    assert caught.value.http_status == 201


def test_given_the_vendor_answers_500_when_registering_then_cannot_register_with_status_500(provider, peer):
    peer.respond("POST", CREATE_ATTEMPT_PATH, status=500, body="boom")

    with pytest.raises(BackendProviderCannotRegisterAttempt) as caught:
        provider.register_exam_attempt({"external_id": EXAM_ID}, _context())

    assert caught.value.http_status == 500
    assert caught.value.content == b"boom"
    assert type(caught.value) is BackendProviderCannotRegisterAttempt


@pytest.mark.parametrize(
    "status", ["onboarding_missing", "onboarding_pending", "onboarding_failed", "onboarding_expired"]
)
def test_given_an_onboarding_status_when_registering_then_onboarding_exception(provider, peer, status):
    peer.respond("POST", CREATE_ATTEMPT_PATH, json={"status": status})

    with pytest.raises(BackendProviderOnboardingException) as caught:
        provider.register_exam_attempt({"external_id": EXAM_ID}, _context())

    assert caught.value.status == status


@pytest.mark.parametrize("answer", [{"status": "created"}, {"id": ""}, {"id": None}, ["a1"]])
def test_given_no_attempt_id_when_registering_then_sent_no_attempt_id(provider, peer, answer):
    peer.respond("POST", CREATE_ATTEMPT_PATH, json=answer)

    with pytest.raises(BackendProviderSentNoAttemptID):
        provider.register_exam_attempt({"external_id": EXAM_ID}, _context())


def test_given_a_body_that_is_not_json_when_registering_then_cannot_register_as_bad_gateway(provider, peer):
    peer.respond("POST", CREATE_ATTEMPT_PATH, body="<html>proxy error</html>")

    with pytest.raises(BackendProviderCannotRegisterAttempt) as caught:
        provider.register_exam_attempt({"external_id": EXAM_ID}, _context())

    assert caught.value.http_status == 502
    assert "not JSON" in str(caught.value)


def test_given_a_vendor_slower_than_the_timeout_when_registering_then_a_clear_exception(peer):
    peer.respond("POST", CREATE_ATTEMPT_PATH, json={"id": "late"}, delay=5)
    provider = VendorProvider(client_id=CLIENT_ID, client_secret=CLIENT_SECRET, base_url=peer.url, timeout=0.3)

    started = time.monotonic()
    with pytest.raises(BackendProviderCannotRegisterAttempt) as caught:
        provider.register_exam_attempt({"external_id": EXAM_ID}, _context())

    assert time.monotonic() - started < 3
    assert caught.value.http_status == 502
    assert "did not answer" in str(caught.value)
    assert "0.3 seconds" in str(caught.value)


def test_given_an_unreachable_vendor_when_registering_then_a_clear_exception():
    TieredCache.dangerous_clear_all_tiers()
    provider = VendorProvider(
        client_id=CLIENT_ID, client_secret=CLIENT_SECRET, base_url=f"http://127.0.0.1:{_closed_port()}"
    )

    with pytest.raises(BackendProviderCannotRegisterAttempt) as caught:
        provider.register_exam_attempt({"external_id": EXAM_ID}, _context())

    assert caught.value.http_status == 502
    assert "could not be reached" in str(caught.value)


# -- attempt lifecycle -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method_name", "status"),
    [("start_exam_attempt", "started"), ("stop_exam_attempt", "submitted"), ("mark_erroneous_exam_attempt", "error")],
)
def test_given_an_attempt_when_notifying_the_vendor_then_a_patch_carries_the_status(
    provider, peer, method_name, status
):
    peer.respond("PATCH", ATTEMPT_PATH, json={"id": ATTEMPT_ID, "status": status})

    assert getattr(provider, method_name)(EXAM_ID, ATTEMPT_ID) == status

    (request,) = _api_requests(peer)
    assert (request.method, request.path) == ("PATCH", ATTEMPT_PATH)
    assert request.json() == {"status": status}


def test_given_no_attempt_id_when_notifying_then_nothing_is_sent(provider, peer):
    assert provider.start_exam_attempt(EXAM_ID, None) is None
    assert provider._make_attempt_request(EXAM_ID, "", method="PATCH", status="started") == {}
    assert _api_requests(peer) == []


def test_given_an_undecodable_answer_when_notifying_then_the_status_is_none(provider, peer):
    peer.respond("PATCH", ATTEMPT_PATH, body="not json")

    assert provider.stop_exam_attempt(EXAM_ID, ATTEMPT_ID) is None


def test_given_a_slow_vendor_when_notifying_then_the_request_times_out(peer):
    peer.respond("PATCH", ATTEMPT_PATH, json={"status": "started"}, delay=5)
    provider = VendorProvider(client_id=CLIENT_ID, client_secret=CLIENT_SECRET, base_url=peer.url, timeout=0.3)

    with pytest.raises(requests.Timeout):
        provider.start_exam_attempt(EXAM_ID, ATTEMPT_ID)


@pytest.mark.parametrize(
    ("status", "answer", "expected"),
    [
        (200, {"status": "deleted"}, True),
        (404, {"detail": "not found"}, True),
        (200, "garbage", False),
        (200, {"status": "kept"}, False),
    ],
)
def test_given_vendor_answers_when_removing_an_attempt_then_true_or_false(provider, peer, status, answer, expected):
    if isinstance(answer, str):
        peer.respond("DELETE", ATTEMPT_PATH, status=status, body=answer)
    else:
        peer.respond("DELETE", ATTEMPT_PATH, status=status, json=answer)

    assert provider.remove_exam_attempt(EXAM_ID, ATTEMPT_ID) is expected
    assert [item.method for item in _api_requests(peer)] == ["DELETE"]


def test_given_a_vendor_error_when_removing_an_attempt_then_it_raises(provider, peer):
    peer.respond("DELETE", ATTEMPT_PATH, status=500, body="boom")

    with pytest.raises(requests.HTTPError):
        provider.remove_exam_attempt(EXAM_ID, ATTEMPT_ID)


def test_given_no_attempt_id_when_removing_then_false_without_a_call(provider, peer):
    assert provider.remove_exam_attempt(EXAM_ID, None) is False
    assert _api_requests(peer) == []


def test_given_an_attempt_when_fetching_it_then_vendor_instructions_are_used_unless_overridden(provider, peer):
    peer.respond("GET", ATTEMPT_PATH, json={"id": ATTEMPT_ID, "instructions": ["Open the app"]})
    attempt = {"external_id": ATTEMPT_ID, "proctored_exam": {"external_id": EXAM_ID}}

    with translation.override("fr"):
        assert provider.get_attempt(attempt) == {"id": ATTEMPT_ID, "instructions": ["Open the app"]}
    assert _api_requests(peer)[0].header("Accept-Language") == "fr;en-us"

    class WithInstructions(VendorProvider):
        proctoring_instructions = ["Ours"]

    ours = WithInstructions(client_id=CLIENT_ID, client_secret=CLIENT_SECRET, base_url=peer.url)
    assert ours.get_attempt(attempt)["instructions"] == ["Ours"]
    assert provider.get_attempt({"external_id": None, "proctored_exam": {"external_id": EXAM_ID}}) == {
        "instructions": []
    }


def test_given_an_exam_when_fetching_it_then_the_vendor_copy_is_returned(provider, peer):
    peer.respond("GET", f"/api/v1/exam/{EXAM_ID}/", json={"id": EXAM_ID, "rules": {"allow_notes": True}})

    # 6.1.x formats the exam URL with the given dict's `id` (vendors pass their own exam dict).
    assert provider.get_exam({"id": EXAM_ID}) == {"id": EXAM_ID, "rules": {"allow_notes": True}}


def test_given_a_review_when_converting_then_the_payload_is_already_standard(provider):
    payload = {"status": "passed", "comments": []}

    assert provider.on_review_callback({"external_id": ATTEMPT_ID}, payload) is payload


# -- configuration -----------------------------------------------------------------------------------


def test_given_the_vendor_config_when_fetching_then_rules_and_download_url_come_back(provider, peer):
    config = {"name": "Vendor", "download_url": "http://vendor/app", "rules": {"notes": "No notes"}, "instructions": []}
    peer.respond("GET", "/api/v1/config/", json=config)

    with translation.override("es-419"):
        assert provider.get_proctoring_config() == config
        assert provider.get_software_download_url() == "http://vendor/app"

    assert {item.header("Accept-Language") for item in _api_requests(peer)} == {"es-419;en-us"}


@override_settings(LANGUAGE_CODE="en")
def test_given_the_vendor_config_is_unavailable_when_fetching_then_empty(provider, peer):
    peer.respond("GET", "/api/v1/config/", status=502, body="bad gateway")

    assert provider.get_proctoring_config() == {}
    assert provider.get_software_download_url() is None


def test_given_no_webpack_loader_when_asking_for_javascript_then_empty(provider):
    assert provider.get_javascript() == ""


@pytest.mark.parametrize(
    ("exam", "path"),
    [
        ({"id": 3, "exam_name": "Midterm", "external_id": None}, "/api/v1/exam/"),
        ({"id": 3, "exam_name": "Midterm", "external_id": EXAM_ID}, f"/api/v1/exam/{EXAM_ID}/"),
    ],
)
def test_given_an_exam_when_saving_then_it_is_posted_for_create_and_update(provider, peer, exam, path):
    peer.respond("POST", path, json={"id": EXAM_ID})
    provider.default_rules = {"allow_grok": False}

    assert provider.on_exam_saved(dict(exam)) == EXAM_ID

    (request,) = _api_requests(peer)
    assert (request.method, request.path) == ("POST", path)
    assert request.json() == {**exam, "rules": {"allow_grok": False}}


def test_given_an_exam_with_rules_when_saving_then_default_rules_do_not_replace_them(provider, peer):
    peer.respond("POST", "/api/v1/exam/", json={"id": EXAM_ID})
    provider.default_rules = {"allow_grok": False}

    provider.on_exam_saved({"id": 3, "rules": {"custom": True}})

    assert _api_requests(peer)[0].json()["rules"] == {"custom": True}


def test_given_the_vendor_fails_when_saving_an_exam_then_none(provider, peer):
    peer.respond("POST", "/api/v1/exam/", status=500, body="oops")

    assert provider.on_exam_saved({"id": 3}) is None


# -- instructor dashboard, users, onboarding ---------------------------------------------------------


def _claims(url, peer):
    prefix = f"{peer.url}/api/v1/instructor/{CLIENT_ID}/?jwt="
    assert url.startswith(prefix)
    return jwt.decode(url[len(prefix) :], CLIENT_SECRET, algorithms=["HS256"])


def test_given_an_exam_when_building_the_instructor_url_then_the_jwt_carries_the_claims(provider, peer):
    user = {"id": 5, "full_name": "Staff Member", "email": "staff@example.org"}
    before = time.time()

    url = provider.get_instructor_url(
        "course-v1:a+b+c", user, exam_id=EXAM_ID, attempt_id=ATTEMPT_ID, show_configuration_dashboard=True
    )

    claims = _claims(url, peer)
    assert claims["course_id"] == "course-v1:a+b+c"
    assert claims["user"] == user
    assert claims["iss"] == CLIENT_ID
    assert len(claims["jti"]) == 32
    assert claims["exam_id"] == EXAM_ID
    assert claims["attempt_id"] == ATTEMPT_ID
    assert claims["config"] is True
    assert before + 59 <= claims["exp"] <= time.time() + 61
    assert _api_requests(peer) == []


def test_given_no_exam_when_building_the_instructor_url_then_only_course_claims_are_set(provider, peer):
    url = provider.get_instructor_url(
        "course-v1:a+b+c", {"id": 5}, attempt_id=ATTEMPT_ID, show_configuration_dashboard=True
    )

    assert set(_claims(url, peer)) == {"course_id", "user", "iss", "jti", "exp"}


@pytest.mark.parametrize("answer", [True, False])
def test_given_the_vendor_answers_a_boolean_when_retiring_a_user_then_it_is_returned(provider, peer, answer):
    peer.respond("DELETE", "/api/v1/user/obscured-id/", json=answer)

    assert provider.retire_user("obscured-id") is answer


@pytest.mark.parametrize("body", ['{"deleted": true}', "garbage"])
def test_given_the_vendor_answers_something_else_when_retiring_then_cannot_retire(provider, peer, body):
    peer.respond("DELETE", "/api/v1/user/obscured-id/", body=body)

    with pytest.raises(BackendProviderCannotRetireUser):
        provider.retire_user("obscured-id")


def test_given_filters_when_asking_for_onboarding_profiles_then_they_are_sent_in_the_query(provider, peer):
    answer = {"results": [{"user_id": "u1", "status": "approved-in-course"}], "count": 1}
    peer.respond("GET", "/api/v1/courses/course-v1:a+b+c/onboarding_statuses", json=answer)

    info = provider.get_onboarding_profile_info(
        "course-v1:a+b+c", user_id="u1", status="approved-in-course", page=2, page_size=None
    )

    assert info == answer
    (request,) = _api_requests(peer)
    assert request.query == {"user_id": "u1", "status": "approved-in-course", "page": "2"}


def test_given_the_vendor_fails_when_asking_for_onboarding_profiles_then_profiles_exception(provider, peer):
    peer.respond("GET", "/api/v1/courses/course-v1:a+b+c/onboarding_statuses", status=503, body="later")

    with pytest.raises(BackendProviderOnboardingProfilesException) as caught:
        provider.get_onboarding_profile_info("course-v1:a+b+c")

    assert caught.value.http_status == 503
    assert caught.value.content == b"later"
