"""Issue 9, finding 2: both anonymous PSI callbacks are rate-limited per client address."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core.exceptions import ImproperlyConfigured
from django.test import RequestFactory
from django.urls import reverse
from rest_framework.test import APIClient

from edx_proctoring import rate_windows
from edx_proctoring.http.rate_limits import RATE_SETTING, client_address
from edx_proctoring.models import ProctoredExamSoftwareSecureReview
from edx_proctoring.rate_windows import Rate, parse_rate
from edx_proctoring.tests.factories import AttemptFactory, ProctoredExamFactory

pytestmark = pytest.mark.django_db

LIMIT = 3
WINDOW_START = datetime(2026, 3, 2, 9, 0, 0, tzinfo=UTC)
REVIEW_URL = reverse("edx_proctoring:anonymous.proctoring_review_callback")
TOKEN = "test-psi-review-callback-token-0123456789"  # test_settings.py


@pytest.fixture
def limited(settings):
    settings.PROCTORING_SETTINGS = {**settings.PROCTORING_SETTINGS, "ANONYMOUS_CALLBACK_RATE": f"{LIMIT}/minute"}


@pytest.fixture
def clock():
    with time_machine.travel(WINDOW_START, tick=False) as traveller:
        yield traveller


@pytest.fixture
def psi_attempt(db):
    exam = ProctoredExamFactory(backend="software_secure")
    return AttemptFactory(
        proctored_exam=exam, status="submitted", completed_at="2026-03-01T10:00:00Z", external_id="ssi-1"
    )


def _launch(attempt, address):
    url = reverse("edx_proctoring:anonymous.proctoring_launch_callback.start_exam", args=[attempt.attempt_code])
    return APIClient().get(url, REMOTE_ADDR=address)


def _review(attempt, address, **extra):
    body = {"examMetaData": {"examCode": attempt.attempt_code, "ssiRecordLocator": "ssi-1"}, "reviewStatus": "Clean"}
    return APIClient().post(f"{REVIEW_URL}?token={TOKEN}", body, format="json", REMOTE_ADDR=address, **extra)


CALLBACKS = {"launch": (_launch, 302), "review": (_review, 200)}


@pytest.mark.parametrize("callback", sorted(CALLBACKS))
class TestPerAddressWindow:
    def test_the_request_after_the_limit_is_429_with_retry_after(
        self, host_services, limited, clock, psi_attempt, callback
    ):
        call, served = CALLBACKS[callback]
        clock.shift(timedelta(seconds=20))
        assert [call(psi_attempt, "198.51.100.1").status_code for _ in range(LIMIT)] == [served] * LIMIT
        response = call(psi_attempt, "198.51.100.1")
        assert response.status_code == 429
        assert response["Retry-After"] == "40"
        assert b"Too many requests" in response.content

    def test_another_address_is_still_served(self, host_services, limited, clock, psi_attempt, callback):
        call, served = CALLBACKS[callback]
        for _ in range(LIMIT + 1):
            call(psi_attempt, "198.51.100.1")
        assert call(psi_attempt, "198.51.100.2").status_code == served

    def test_the_count_starts_again_with_the_next_window(self, host_services, limited, clock, psi_attempt, callback):
        call, served = CALLBACKS[callback]
        for _ in range(LIMIT + 1):
            call(psi_attempt, "198.51.100.1")
        clock.shift(timedelta(seconds=59))
        assert call(psi_attempt, "198.51.100.1").status_code == 429
        clock.shift(timedelta(seconds=1))
        assert call(psi_attempt, "198.51.100.1").status_code == served


def test_each_callback_has_its_own_count(host_services, limited, clock, psi_attempt):
    for _ in range(LIMIT + 1):
        _launch(psi_attempt, "198.51.100.1")
    assert _review(psi_attempt, "198.51.100.1").status_code == 200


def test_a_refused_review_does_not_reach_the_database(host_services, limited, clock, psi_attempt):
    for _ in range(LIMIT):
        _review(psi_attempt, "198.51.100.1", HTTP_X_PROCTORING_SIGNATURE="forged")
    assert _review(psi_attempt, "198.51.100.1").status_code == 429
    assert not ProctoredExamSoftwareSecureReview.objects.exists()


def test_a_forged_forwarded_for_header_does_not_escape_the_limit(host_services, limited, clock, psi_attempt):
    for n in range(LIMIT):
        _launch_with_forwarded = APIClient().get(
            reverse("edx_proctoring:anonymous.proctoring_launch_callback.start_exam", args=[psi_attempt.attempt_code]),
            REMOTE_ADDR="198.51.100.1",
            HTTP_X_FORWARDED_FOR=f"10.0.0.{n}",
        )
        assert _launch_with_forwarded.status_code == 302
    assert _launch(psi_attempt, "198.51.100.1").status_code == 429


def test_no_limit_when_the_setting_is_none(settings, host_services, clock, psi_attempt):
    settings.PROCTORING_SETTINGS = {**settings.PROCTORING_SETTINGS, "ANONYMOUS_CALLBACK_RATE": None}
    assert {_launch(psi_attempt, "198.51.100.1").status_code for _ in range(20)} == {302}


def test_a_failing_cache_serves_the_request(host_services, limited, psi_attempt, monkeypatch):
    def broken(*args, **kwargs):
        raise ConnectionError("cache down")

    monkeypatch.setattr(rate_windows.cache, "add", broken)
    assert _launch(psi_attempt, "198.51.100.1").status_code == 302


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("60/minute", Rate(limit=60, window_seconds=60)),
        ("5/second", Rate(limit=5, window_seconds=1)),
        ("1000/hours", Rate(limit=1000, window_seconds=3600)),
        ("10/Day", Rate(limit=10, window_seconds=86400)),
        (None, None),
    ],
)
def test_rate_values(value, expected):
    assert parse_rate(value, setting=RATE_SETTING) == expected


@pytest.mark.parametrize("value", ["60", "0/minute", "-1/minute", "x/minute", "²/minute", "60/fortnight", 60, (60, 60)])
def test_bad_rate_values_are_refused(value):
    with pytest.raises(ImproperlyConfigured, match="ANONYMOUS_CALLBACK_RATE"):
        parse_rate(value, setting=RATE_SETTING)


class TestClientAddress:
    def _request(self, forwarded=None):
        extra = {} if forwarded is None else {"HTTP_X_FORWARDED_FOR": forwarded}
        return RequestFactory().get("/", REMOTE_ADDR="192.0.2.10", **extra)

    def test_remote_addr_by_default(self):
        assert client_address(self._request("203.0.113.5")) == "192.0.2.10"

    def test_the_address_the_outermost_trusted_proxy_saw(self, settings):
        settings.PROCTORING_SETTINGS = {**settings.PROCTORING_SETTINGS, "ANONYMOUS_CALLBACK_TRUSTED_PROXIES": 2}
        request = self._request("6.6.6.6, 203.0.113.5, 10.0.0.2")
        assert client_address(request) == "203.0.113.5"

    def test_a_short_header_falls_back_to_remote_addr(self, settings):
        settings.PROCTORING_SETTINGS = {**settings.PROCTORING_SETTINGS, "ANONYMOUS_CALLBACK_TRUSTED_PROXIES": 2}
        assert client_address(self._request("203.0.113.5")) == "192.0.2.10"

    @pytest.mark.parametrize("value", [-1, "2", True, 1.5])
    def test_a_bad_proxy_count_is_refused(self, settings, value):
        settings.PROCTORING_SETTINGS = {**settings.PROCTORING_SETTINGS, "ANONYMOUS_CALLBACK_TRUSTED_PROXIES": value}
        with pytest.raises(ImproperlyConfigured, match="ANONYMOUS_CALLBACK_TRUSTED_PROXIES"):
            client_address(self._request())
