"""The generic REST backend's requests as 6.1.x makes them (interface §7.6): the language header on every
call, exam URLs built from the given dict's id, and retirement failures the retirement endpoint can report."""

import socket

import pytest
from django.apps import apps
from django.test import override_settings
from django.urls import reverse
from django.utils import translation
from edx_django_utils.cache import TieredCache

from edx_proctoring.backends.rest import BaseRestProctoringProvider
from edx_proctoring.exceptions import BackendProviderCannotRetireUser
from edx_proctoring.tests.factories import AttemptFactory, ProctoredExamFactory, UserFactory
from edx_proctoring.tests.http_peer import HttpPeer
from edx_proctoring.tests.rest.conftest import client_for

EXAM_ID = "ext-exam-1"
ATTEMPT_ID = "ext-attempt-1"
ATTEMPT_PATH = f"/api/v1/exam/{EXAM_ID}/attempt/{ATTEMPT_ID}/"
SECRET = "vendor-secret-that-is-long-enough-for-hs256-keys"


class VendorProvider(BaseRestProctoringProvider):
    verbose_name = "Vendor"


@pytest.fixture
def peer():
    TieredCache.dangerous_clear_all_tiers()  # OAuth tokens are cached per token URL
    with HttpPeer() as server:
        server.serve_oauth_token("peer-token")
        yield server
    TieredCache.dangerous_clear_all_tiers()


@pytest.fixture
def provider(peer):
    return VendorProvider(client_id="vendor-client", client_secret=SECRET, base_url=peer.url)


def _vendor_calls(peer):
    return [item for item in peer.requests if item.path != "/oauth2/access_token"]


def _closed_port_url():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{sock.getsockname()[1]}"


@override_settings(LANGUAGE_CODE="en-us")
def test_given_a_spanish_learner_then_every_vendor_call_says_es_then_the_default_language(provider, peer):
    peer.respond("POST", f"/api/v1/exam/{EXAM_ID}/attempt/", json={"id": ATTEMPT_ID})
    peer.respond("PATCH", ATTEMPT_PATH, json={"status": "started"})
    peer.respond("GET", ATTEMPT_PATH, json={"id": ATTEMPT_ID})
    peer.respond("DELETE", ATTEMPT_PATH, json={"status": "deleted"})
    peer.respond("GET", "/api/v1/config/", json={"download_url": "http://vendor/app"})
    peer.respond("GET", f"/api/v1/exam/{EXAM_ID}/", json={"id": EXAM_ID})
    peer.respond("POST", f"/api/v1/exam/{EXAM_ID}/", json={"id": EXAM_ID})
    peer.respond("DELETE", "/api/v1/user/obscured/", json=True)
    peer.respond("GET", "/api/v1/courses/course-v1:a+b+c/onboarding_statuses", json={"results": []})
    attempt = {"external_id": ATTEMPT_ID, "proctored_exam": {"external_id": EXAM_ID}}

    with translation.override("es"):
        provider.register_exam_attempt({"external_id": EXAM_ID}, {"attempt_code": "X"})
        provider.start_exam_attempt(EXAM_ID, ATTEMPT_ID)
        provider.stop_exam_attempt(EXAM_ID, ATTEMPT_ID)
        provider.mark_erroneous_exam_attempt(EXAM_ID, ATTEMPT_ID)
        provider.get_attempt(attempt)
        provider.remove_exam_attempt(EXAM_ID, ATTEMPT_ID)
        provider.get_proctoring_config()
        provider.get_exam({"id": EXAM_ID})
        provider.on_exam_saved({"id": 1, "external_id": EXAM_ID})
        provider.retire_user("obscured")
        provider.get_onboarding_profile_info("course-v1:a+b+c")

    calls = _vendor_calls(peer)
    assert len(calls) == 11
    assert {(item.method, item.header("Accept-Language")) for item in calls} == {
        (method, "es;en-us") for method in ("POST", "PATCH", "GET", "DELETE")
    }
    saved = [item for item in calls if item.method == "POST" and item.path == f"/api/v1/exam/{EXAM_ID}/"]
    assert saved[0].header("Content-Type") == "application/json"


@override_settings(LANGUAGE_CODE="en-us")
def test_given_no_active_language_then_the_default_language_alone_is_sent(provider, peer):
    peer.respond("GET", "/api/v1/config/", json={})

    with translation.override(None):
        provider.get_proctoring_config()

    assert _vendor_calls(peer)[0].header("Accept-Language") == "en-us"


def test_given_an_exam_dict_then_its_id_not_its_external_id_names_the_vendor_exam(provider, peer):
    peer.respond("GET", "/api/v1/exam/42/", json={"id": 42, "rules": {}})

    assert provider.get_exam({"id": 42, "external_id": EXAM_ID}) == {"id": 42, "rules": {}}
    assert [item.path for item in _vendor_calls(peer)] == ["/api/v1/exam/42/"]


def test_given_an_unreachable_vendor_when_retiring_then_cannot_retire_user():
    provider = VendorProvider(client_id="vendor-client", client_secret=SECRET, base_url=_closed_port_url(), timeout=2)

    with pytest.raises(BackendProviderCannotRetireUser):
        provider.retire_user("obscured")


@pytest.mark.django_db
def test_given_an_unreachable_vendor_when_the_lms_retires_a_learner_then_the_endpoint_reports_it_in_its_body():
    config = apps.get_app_config("edx_proctoring")
    config.backends["unreachable_vendor"] = VendorProvider(
        client_id="vendor-client", client_secret=SECRET, base_url=_closed_port_url(), timeout=2
    )
    try:
        learner = UserFactory(username="retiree")
        exam = ProctoredExamFactory(backend="unreachable_vendor")
        AttemptFactory(user=learner, proctored_exam=exam, taking_as_proctored=True)
        retirer = UserFactory(username="retirer", is_staff=True)

        response = client_for(retirer).post(reverse("edx_proctoring:backend_user_deletion_api", args=[learner.id]))
    finally:
        del config.backends["unreachable_vendor"]

    assert response.status_code == 500
    assert response.json() == {"unreachable_vendor": False}
