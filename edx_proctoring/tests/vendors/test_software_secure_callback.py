"""The anonymous PSI (software_secure) review callback: compatibility checks, its URL token and HMAC signature."""

import copy
import json

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from edx_proctoring.backends.callback_signing import SIGNATURE_HEADER, sign_callback_body
from edx_proctoring.crypto import decode_and_decrypt
from edx_proctoring.models import (
    ProctoredExamSoftwareSecureComment,
    ProctoredExamSoftwareSecureReview,
    ProctoredExamSoftwareSecureReviewHistory,
    ProctoredExamStudentAttempt,
)
from edx_proctoring.tests.factories import AttemptFactory, ProctoredExamFactory

pytestmark = pytest.mark.django_db

KEY = "a-long-random-callback-signing-secret"
VIDEO = "https://psi.example/DirectLink-Generic/abc?token=1"
URL = reverse("edx_proctoring:anonymous.proctoring_review_callback")
TOKEN = "test-psi-review-callback-token-0123456789"  # test_settings.py


@pytest.fixture
def attempt(db):
    exam = ProctoredExamFactory(backend="software_secure")
    return AttemptFactory(
        proctored_exam=exam, status="submitted", completed_at="2026-01-05T10:00:00Z", external_id="ssi-record-1"
    )


@pytest.fixture
def signing_key(settings):
    backends = copy.deepcopy(settings.PROCTORING_BACKENDS)
    backends["software_secure"]["callback_signature_key"] = KEY
    settings.PROCTORING_BACKENDS = backends
    return KEY


def _payload(attempt, review_status="Clean", record_locator=None):
    return {
        "examDate": "",
        "examProcessingStatus": "Review Completed",
        "examTakerEmail": "learner@example.org",
        "examMetaData": {
            "examCode": attempt.attempt_code,
            "examName": "Final",
            "ssiRecordLocator": record_locator or attempt.external_id,
        },
        "reviewStatus": review_status,
        "videoReviewLink": VIDEO,
        "webCamComments": [
            {"comments": "Looked away", "duration": 3, "eventFinish": 13, "eventStart": 10, "eventStatus": "Suspicious"}
        ],
        "desktopComments": [
            {"comments": "Opened a browser", "duration": 5, "eventFinish": 25, "eventStart": 20, "eventStatus": "Rules"}
        ],
    }


def _post(body, signature=None, raw=None, token=None):
    raw = raw if raw is not None else json.dumps(body)
    headers = {} if signature is None else {"HTTP_X_PROCTORING_SIGNATURE": signature}
    url = URL if token is None else f"{URL}?token={token}"
    return APIClient().post(url, data=raw, content_type="application/json", **headers)


def _post_with_token(body):
    return _post(body, token=TOKEN)


class TestWithTheToken:
    def test_unsigned_review_is_stored(self, host_services, attempt):
        response = _post_with_token(_payload(attempt))
        assert (response.status_code, response.json()) == (200, "OK")
        review = ProctoredExamSoftwareSecureReview.objects.get()
        assert review.review_status == "Clean"
        assert ProctoredExamStudentAttempt.objects.get(id=attempt.id).status == "verified"
        assert sorted(
            (c.comment, c.start_time, c.stop_time) for c in ProctoredExamSoftwareSecureComment.objects.all()
        ) == [
            ("Looked away", 10, 13),
            ("Opened a browser", 20, 25),
        ]

    def test_video_link_is_encrypted_and_not_kept_in_clear(self, host_services, attempt, settings):
        _post_with_token(_payload(attempt))
        review = ProctoredExamSoftwareSecureReview.objects.get()
        assert VIDEO not in review.raw_data
        key = bytes.fromhex(settings.PROCTORING_BACKENDS["software_secure"]["video_review_aes_key"])
        assert decode_and_decrypt(bytes(review.encrypted_video_url), key).decode() == VIDEO

    def test_record_locator_must_match(self, host_services, attempt):
        response = _post_with_token(_payload(attempt, record_locator="someone-else"))
        assert response.status_code == 400
        assert "ssiRecordLocator" in response.json()["detail"]
        assert not ProctoredExamSoftwareSecureReview.objects.exists()

    def test_record_locator_is_compared_case_insensitively(self, host_services, attempt):
        assert _post_with_token(_payload(attempt, record_locator="SSI-RECORD-1")).status_code == 200

    def test_callback_simulation_skips_the_locator_check(self, host_services, attempt, settings):
        settings.PROCTORING_SETTINGS = {**settings.PROCTORING_SETTINGS, "ALLOW_CALLBACK_SIMULATION": True}
        assert _post_with_token(_payload(attempt, record_locator="someone-else")).status_code == 200

    def test_unknown_review_status(self, host_services, attempt):
        assert _post_with_token(_payload(attempt, review_status="Spotless")).status_code == 400
        assert not ProctoredExamSoftwareSecureReview.objects.exists()

    def test_unknown_exam_code(self, host_services, attempt):
        body = _payload(attempt)
        body["examMetaData"]["examCode"] = "NOPE"
        assert _post_with_token(body).status_code == 400

    def test_review_of_a_deleted_attempt_is_kept_but_changes_nothing(self, host_services, attempt):
        body = _payload(attempt, review_status="Suspicious")
        attempt.delete()
        assert _post_with_token(body).status_code == 200
        assert ProctoredExamSoftwareSecureReview.objects.get().review_status == "Suspicious"
        assert host_services["instructor"].notifications  # support still hears of it

    def test_replayed_review(self, host_services, attempt):
        for _ in range(5):
            assert _post_with_token(_payload(attempt, review_status="Suspicious")).status_code == 200
        assert ProctoredExamSoftwareSecureComment.objects.count() == 2
        assert ProctoredExamSoftwareSecureReviewHistory.objects.count() == 0
        assert len(host_services["instructor"].notifications) == 1


class TestWithSigningKey:
    def test_valid_signature(self, host_services, attempt, signing_key):
        raw = json.dumps(_payload(attempt))
        response = _post(None, signature=sign_callback_body(body=raw, key=signing_key), raw=raw)
        assert response.status_code == 200
        assert ProctoredExamSoftwareSecureReview.objects.exists()

    def test_upper_case_hex_is_accepted(self, host_services, attempt, signing_key):
        raw = json.dumps(_payload(attempt))
        signature = sign_callback_body(body=raw, key=signing_key)
        assert _post(None, signature="SHA256=" + signature[7:].upper(), raw=raw).status_code == 200

    def test_missing_signature(self, host_services, attempt, signing_key):
        response = _post(_payload(attempt))
        assert response.status_code == 403
        assert SIGNATURE_HEADER in response.json()["detail"]
        assert not ProctoredExamSoftwareSecureReview.objects.exists()

    @pytest.mark.parametrize(
        "make_signature",
        [
            lambda raw: sign_callback_body(body=raw, key="another-key"),
            lambda raw: sign_callback_body(body=raw + " ", key=KEY),
            lambda raw: sign_callback_body(body=raw, key=KEY)[7:],
            lambda raw: "sha256=",
            lambda raw: "garbage",
        ],
    )
    def test_bad_signature(self, host_services, attempt, signing_key, make_signature):
        raw = json.dumps(_payload(attempt))
        response = _post(None, signature=make_signature(raw), raw=raw)
        assert response.status_code == 403
        assert "does not match" in response.json()["detail"]
        assert not ProctoredExamSoftwareSecureReview.objects.exists()

    def test_signature_is_checked_before_the_body_is_read(self, host_services, signing_key):
        assert _post(None, raw="{not json").status_code == 403

    def test_a_valid_signature_with_a_wrong_token_is_refused(self, host_services, attempt, signing_key):
        raw = json.dumps(_payload(attempt))
        signature = sign_callback_body(body=raw, key=signing_key)
        assert _post(None, signature=signature, raw=raw, token="wrong").status_code == 403
        assert not ProctoredExamSoftwareSecureReview.objects.exists()

    def test_compatibility_checks_still_apply(self, host_services, attempt, signing_key):
        raw = json.dumps(_payload(attempt, record_locator="someone-else"))
        response = _post(None, signature=sign_callback_body(body=raw, key=signing_key), raw=raw)
        assert response.status_code == 400
        assert not ProctoredExamSoftwareSecureReview.objects.exists()


def test_signature_known_answer():
    # RFC 4231, test case 2.
    assert sign_callback_body(body="what do ya want for nothing?", key="Jefe") == (
        "sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
    )
