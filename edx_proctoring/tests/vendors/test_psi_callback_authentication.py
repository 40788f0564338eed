"""Issue 9, finding 2: nobody but PSI may post a PSI review, and only for attempts proctored by PSI.

The learner sees their own attempt code (the RPNow software needs it), so knowing it must never be enough
to post a review: the anonymous review callback is authenticated by a token in the configured callback URL
(or the HMAC signature), per PSI backend name, and it reviews only attempts whose exam uses that backend.
"""

import copy
import json
import logging

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from edx_proctoring.models import (
    ProctoredExamSoftwareSecureReview,
    ProctoredExamStudentAttempt,
    ProctoringAuditEntry,
)
from edx_proctoring.tests.factories import AttemptFactory, ProctoredExamFactory, UserFactory

pytestmark = pytest.mark.django_db

URL = reverse("edx_proctoring:anonymous.proctoring_review_callback")
PLANTED_VIDEO = "https://attacker.example/phish"
RPNOW4_TOKEN = "rpnow4-review-callback-token-abcdefghijklmnop"
REVIEW_LIKE_STRINGS = ("software_secure", "rpnow4", "callback_token", "PROCTORING", "mock", "null")


@pytest.fixture
def psi_token(settings):
    return settings.PROCTORING_BACKENDS["software_secure"]["callback_token"]


@pytest.fixture
def learner(db):
    return UserFactory(username="learner")


def _attempt_on(backend, learner, **fields):
    exam = ProctoredExamFactory(backend=backend)
    defaults = {"status": "submitted", "completed_at": "2026-01-05T10:00:00Z", "external_id": f"{backend}-record"}
    return AttemptFactory(proctored_exam=exam, user=learner, **{**defaults, **fields})


def _forged_review(attempt, review_status="Clean"):
    """What a learner can write knowing only their own attempt (code and record locator)."""
    return {
        "examMetaData": {"examCode": attempt.attempt_code, "ssiRecordLocator": attempt.external_id},
        "reviewStatus": review_status,
        "videoReviewLink": PLANTED_VIDEO,
        "webCamComments": [],
        "desktopComments": [],
        # For the REST-format backends, which take the body as a standard review.
        "status": "passed",
        "comments": [],
    }


def _post(body, token=None, address="203.0.113.7"):
    url = URL if token is None else f"{URL}?token={token}"
    return APIClient().post(url, data=json.dumps(body), content_type="application/json", REMOTE_ADDR=address)


def _nothing_stored(attempt, status_before="submitted"):
    assert not ProctoredExamSoftwareSecureReview.objects.exists()
    assert ProctoredExamStudentAttempt.objects.get(id=attempt.id).status == status_before


def _with_backends(settings, **entries):
    backends = copy.deepcopy(settings.PROCTORING_BACKENDS)
    for name, options in entries.items():
        if options is None:
            backends.pop(name, None)
        else:
            backends[name] = options
    settings.PROCTORING_BACKENDS = backends
    return backends


class TestALearnerWhoKnowsTheirAttemptCode:
    @pytest.mark.parametrize("backend", ["test", "mock", "null", "mock_vendor"])
    def test_cannot_review_an_attempt_on_a_backend_other_than_psi(self, settings, host_services, learner, backend):
        # Given an attempt on a non-PSI backend (mock_vendor is a REST provider), even with a valid PSI token
        _with_backends(settings, mock_vendor={"base_url": "http://127.0.0.1:9", "client_id": "c", "client_secret": "s"})
        attempt = _attempt_on(backend, learner)
        token = settings.PROCTORING_BACKENDS["software_secure"]["callback_token"]
        # When a review naming its code is posted
        response = _post(_forged_review(attempt), token=token)
        # Then it is refused and nothing changes
        assert response.status_code == 400
        assert "not belong" in response.json()["detail"]
        _nothing_stored(attempt)

    def test_cannot_review_their_psi_attempt_without_the_token(self, host_services, learner):
        attempt = _attempt_on("software_secure", learner)
        response = _post(_forged_review(attempt))
        assert response.status_code == 403
        _nothing_stored(attempt)

    def test_cannot_review_it_with_a_wrong_or_empty_token(self, host_services, learner, psi_token):
        attempt = _attempt_on("software_secure", learner)
        for token in ("guess", "", psi_token[:-1], psi_token + "x", "é"):
            assert _post(_forged_review(attempt), token=token).status_code == 403
        _nothing_stored(attempt)

    def test_cannot_plant_a_video_link_for_staff(self, host_services, learner):
        attempt = _attempt_on("software_secure", learner, status="second_review_required")
        _post(_forged_review(attempt, review_status="Suspicious"))
        assert not ProctoredExamSoftwareSecureReview.objects.filter(encrypted_video_url__isnull=False).exists()
        assert host_services["instructor"].notifications == []
        _nothing_stored(attempt, status_before="second_review_required")


class TestPsiWithItsToken:
    def test_review_is_accepted_and_audited_as_token_authenticated(self, host_services, learner, psi_token):
        attempt = _attempt_on("software_secure", learner)
        response = _post(_forged_review(attempt), token=psi_token)
        assert (response.status_code, response.json()) == (200, "OK")
        assert ProctoredExamStudentAttempt.objects.get(id=attempt.id).status == "verified"
        entry = ProctoringAuditEntry.objects.get(action="vendor_callback.review")
        assert entry.details["authentication"] == "token"

    def test_the_token_is_never_echoed_in_an_answer(self, host_services, learner, psi_token):
        attempt = _attempt_on("software_secure", learner)
        for body in (_forged_review(attempt, review_status="Spotless"), {"examMetaData": {"examCode": "nope"}}):
            response = _post(body, token=psi_token)
            assert response.status_code == 400
            assert psi_token not in response.content.decode()

    def test_an_unknown_exam_code_is_a_400_that_names_no_configuration(self, host_services, psi_token):
        response = _post({"examMetaData": {"examCode": "NOT-A-CODE"}, "reviewStatus": "Clean"}, token=psi_token)
        assert response.status_code == 400
        detail = response.json()["detail"]
        assert detail == "You have entered an exam code that is not valid."
        assert not any(word.lower() in detail.lower() for word in REVIEW_LIKE_STRINGS)

    def test_an_exam_on_a_backend_that_is_not_configured_is_a_400_that_names_none(self, host_services, learner):
        token = "test-psi-review-callback-token-0123456789"
        attempt = _attempt_on("retired_vendor", learner)
        response = _post(_forged_review(attempt), token=token)
        assert response.status_code == 400
        assert not any(word.lower() in response.json()["detail"].lower() for word in REVIEW_LIKE_STRINGS)
        _nothing_stored(attempt)

    def test_an_exam_without_a_backend_uses_the_default_one(self, settings, host_services, learner, psi_token):
        _with_backends(settings, DEFAULT="software_secure")
        attempt = _attempt_on(None, learner)
        assert _post(_forged_review(attempt), token=psi_token).status_code == 200

    def test_an_unauthenticated_post_is_refused_before_the_body_is_read(self, host_services):
        response = APIClient().post(URL, data="{not json", content_type="application/json")
        assert response.status_code == 403


class TestTheAliasRpnow4:
    @pytest.fixture
    def two_psi_backends(self, settings):
        options = copy.deepcopy(settings.PROCTORING_BACKENDS["software_secure"])
        options["callback_token"] = RPNOW4_TOKEN
        return _with_backends(settings, rpnow4=options)

    def test_reads_its_own_token(self, host_services, learner, two_psi_backends, psi_token):
        attempt = _attempt_on("rpnow4", learner)
        assert _post(_forged_review(attempt), token=psi_token).status_code == 403
        _nothing_stored(attempt)
        assert _post(_forged_review(attempt), token=RPNOW4_TOKEN).status_code == 200
        assert ProctoredExamStudentAttempt.objects.get(id=attempt.id).status == "verified"

    def test_its_token_does_not_review_the_other_backends_attempts(self, host_services, learner, two_psi_backends):
        attempt = _attempt_on("software_secure", learner)
        assert _post(_forged_review(attempt), token=RPNOW4_TOKEN).status_code == 403
        _nothing_stored(attempt)

    def test_is_reviewed_with_its_own_backend(self, host_services, learner, two_psi_backends, settings):
        # Its own AES key decrypts the stored link: the review went through the rpnow4 instance.
        from edx_proctoring.crypto import decode_and_decrypt

        two_psi_backends["rpnow4"]["video_review_aes_key"] = "00112233445566778899AABBCCDDEEFF"
        settings.PROCTORING_BACKENDS = two_psi_backends
        attempt = _attempt_on("rpnow4", learner)
        assert _post(_forged_review(attempt), token=RPNOW4_TOKEN).status_code == 200
        stored = bytes(ProctoredExamSoftwareSecureReview.objects.get().encrypted_video_url)
        assert decode_and_decrypt(stored, bytes.fromhex("00112233445566778899AABBCCDDEEFF")).decode() == PLANTED_VIDEO


class TestWithoutAnyCredentialConfigured:
    @pytest.fixture
    def unprotected(self, settings):
        options = copy.deepcopy(settings.PROCTORING_BACKENDS["software_secure"])
        del options["callback_token"]
        return _with_backends(settings, software_secure=options)

    def test_every_review_is_refused(self, host_services, learner, unprotected):
        attempt = _attempt_on("software_secure", learner)
        response = _post(_forged_review(attempt))
        assert response.status_code == 403
        _nothing_stored(attempt)

    def test_a_token_is_refused_too(self, host_services, learner, unprotected):
        attempt = _attempt_on("software_secure", learner)
        assert _post(_forged_review(attempt), token="anything").status_code == 403
        _nothing_stored(attempt)

    def test_the_explicit_opt_out_accepts_audits_and_warns(self, settings, host_services, learner, unprotected, caplog):
        unprotected["software_secure"]["allow_unauthenticated_callbacks"] = True
        settings.PROCTORING_BACKENDS = unprotected
        attempt = _attempt_on("software_secure", learner)
        with caplog.at_level(logging.WARNING, logger="edx_proctoring.views.callbacks"):
            response = _post(_forged_review(attempt))
        assert response.status_code == 200
        entry = ProctoringAuditEntry.objects.get(action="vendor_callback.review")
        assert (entry.attempt_id, entry.details["authentication"]) == (attempt.id, "none")
        assert any("unauthenticated" in record.getMessage() for record in caplog.records)

    @pytest.mark.parametrize("opt_out", ["True", 1, "yes"])
    def test_only_a_literal_true_opts_out(self, settings, host_services, learner, unprotected, opt_out):
        unprotected["software_secure"]["allow_unauthenticated_callbacks"] = opt_out
        settings.PROCTORING_BACKENDS = unprotected
        attempt = _attempt_on("software_secure", learner)
        assert _post(_forged_review(attempt)).status_code == 403

    def test_the_opt_out_still_reviews_only_psi_attempts(self, settings, host_services, learner, unprotected):
        unprotected["software_secure"]["allow_unauthenticated_callbacks"] = True
        settings.PROCTORING_BACKENDS = unprotected
        attempt = _attempt_on("test", learner)
        assert _post(_forged_review(attempt)).status_code == 400
        _nothing_stored(attempt)

    def test_an_opted_out_alias_does_not_open_a_protected_backend(self, settings, host_services, learner):
        options = copy.deepcopy(settings.PROCTORING_BACKENDS["software_secure"])
        del options["callback_token"]
        _with_backends(settings, rpnow4={**options, "allow_unauthenticated_callbacks": True})
        attempt = _attempt_on("software_secure", learner)
        assert _post(_forged_review(attempt)).status_code == 403
        _nothing_stored(attempt)


class TestLaunchCallback:
    def _launch(self, code):
        return APIClient().get(reverse("edx_proctoring:anonymous.proctoring_launch_callback.start_exam", args=[code]))

    @pytest.mark.parametrize("backend", ["test", "mock", "null", "retired_vendor"])
    def test_serves_no_attempt_outside_psi(self, host_services, learner, backend):
        attempt = _attempt_on(backend, learner, status="created")
        unknown = self._launch("NOT-A-CODE")
        response = self._launch(attempt.attempt_code)
        assert (response.status_code, response.content) == (404, unknown.content)
        assert "exam" not in response.cookies
        assert ProctoredExamStudentAttempt.objects.get(id=attempt.id).status == "created"

    def test_serves_a_psi_attempt(self, settings, host_services, learner):
        options = copy.deepcopy(settings.PROCTORING_BACKENDS["software_secure"])
        _with_backends(settings, rpnow4=options)
        for backend in ("software_secure", "rpnow4"):
            attempt = _attempt_on(backend, learner, status="created")
            response = self._launch(attempt.attempt_code)
            assert response.status_code == 302
            assert response.cookies["exam"].value.startswith(attempt.attempt_code)
            assert ProctoredExamStudentAttempt.objects.get(id=attempt.id).status == "ready_to_start"
