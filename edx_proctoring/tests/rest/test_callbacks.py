"""Vendor callbacks: ready, reviewed (REST spec), the anonymous PSI review and the PSI launch callback."""

import sys
import types

import pytest
from django.urls import reverse
from rest_framework.response import Response

from edx_proctoring.models import ProctoredExamStudentAttempt
from edx_proctoring.tests.factories import AttemptFactory, ProctoredExamFactory
from edx_proctoring.tests.rest.conftest import client_for

pytestmark = pytest.mark.django_db


PSI_TOKEN = "test-psi-review-callback-token-0123456789"  # test_settings.py


def _url(name, *args):
    return reverse(f"edx_proctoring:{name}", args=args)


def _psi_review_url():
    return _url("anonymous.proctoring_review_callback") + f"?token={PSI_TOKEN}"


@pytest.fixture
def fake_reviews(monkeypatch):
    """A stand-in `edx_proctoring.reviews` recording what it is given."""
    calls = []
    module = types.ModuleType("edx_proctoring.reviews")

    def make_review(*, attempt, data, backend, request):
        calls.append({"attempt": attempt, "data": data, "backend": backend, "user": request.user})
        if data.get("answer") == "precondition":
            return Response(status=412, data="Exam no longer proctored")
        return None

    module.make_review = make_review
    monkeypatch.setitem(sys.modules, "edx_proctoring.reviews", module)
    return calls


class TestReadyCallback:
    def test_vendor_principal_marks_ready(self, services, exam, learner, vendor):
        attempt = AttemptFactory(proctored_exam=exam, user=learner, external_id="ext-1")
        response = client_for(vendor).post(_url("proctored_exam.attempt.ready_callback", "ext-1"))
        assert response.status_code == 200
        assert response.json() == "OK"
        attempt.refresh_from_db()
        assert attempt.status == "ready_to_start"

    def test_other_status_is_left_alone(self, services, exam, learner, global_staff):
        attempt = AttemptFactory(proctored_exam=exam, user=learner, external_id="ext-1", status="submitted")
        assert client_for(global_staff).post(_url("proctored_exam.attempt.ready_callback", "ext-1")).json() == "OK"
        attempt.refresh_from_db()
        assert attempt.status == "submitted"

    def test_learners_and_other_vendors_are_refused(self, services, exam, learner, other_learner):
        from django.contrib.auth.models import Group

        attempt = AttemptFactory(proctored_exam=exam, user=learner, external_id="ext-1")
        other_vendor = other_learner
        other_vendor.groups.add(Group.objects.create(name="mock_review"))
        for caller in (learner, other_vendor):
            response = client_for(caller).post(_url("proctored_exam.attempt.ready_callback", "ext-1"))
            assert response.status_code == 403
        attempt.refresh_from_db()
        assert attempt.status == "created"

    def test_unknown_code(self, services, vendor):
        response = client_for(vendor).post(_url("proctored_exam.attempt.ready_callback", "nope"))
        assert response.status_code == 404
        assert response.json() == "You have entered an exam code that is not valid."


class TestReviewCallback:
    def test_without_reviews_module_is_501(self, services, exam, learner, vendor, monkeypatch):
        monkeypatch.setitem(sys.modules, "edx_proctoring.reviews", None)
        AttemptFactory(proctored_exam=exam, user=learner, external_id="ext-1")
        response = client_for(vendor).post(
            _url("proctored_exam.attempt.callback", "ext-1"), {"status": "passed"}, format="json"
        )
        assert response.status_code == 501
        assert response.json()["detail"]

    def test_hands_review_to_domain(self, services, exam, learner, vendor, fake_reviews):
        attempt = AttemptFactory(proctored_exam=exam, user=learner, external_id="ext-1")
        url = _url("proctored_exam.attempt.callback", "ext-1")
        response = client_for(vendor).post(url, {"status": "passed"}, format="json")
        assert response.status_code == 200 and response.json() == "OK"
        assert fake_reviews[0]["attempt"]["id"] == attempt.id
        assert fake_reviews[0]["backend"].verbose_name == "test"
        assert fake_reviews[0]["user"] == vendor
        response = client_for(vendor).post(url, {"answer": "precondition"}, format="json")
        assert response.status_code == 412

    def test_refusals(self, services, exam, learner, vendor, fake_reviews):
        AttemptFactory(proctored_exam=exam, user=learner, external_id="ext-1")
        url = _url("proctored_exam.attempt.callback", "ext-1")
        assert client_for(learner).post(url, {"status": "passed"}, format="json").status_code == 403
        assert client_for(vendor).post(url, ["a"], format="json").status_code == 400
        missing = _url("proctored_exam.attempt.callback", "missing")
        assert client_for(vendor).post(missing, {}, format="json").status_code == 400
        assert fake_reviews == []


class TestAnonymousReviewCallback:
    def test_locates_attempt_by_code(self, services, learner, fake_reviews):
        exam = ProctoredExamFactory(backend="software_secure")
        attempt = AttemptFactory(proctored_exam=exam, user=learner)
        body = {"examMetaData": {"examCode": attempt.attempt_code}, "reviewStatus": "Clean"}
        response = client_for().post(_psi_review_url(), body, format="json")
        assert response.status_code == 200
        assert fake_reviews[0]["attempt"]["is_archived"] is False

    @pytest.mark.parametrize("body", [{}, {"examMetaData": "x"}, {"examMetaData": {"examCode": "unknown"}}, [1]])
    def test_bad_bodies(self, services, fake_reviews, body):
        response = client_for().post(_psi_review_url(), body, format="json")
        assert response.status_code == 400

    def test_get_is_405(self, services):
        assert client_for().get(_url("anonymous.proctoring_review_callback")).status_code == 405


@pytest.fixture
def psi_exam(db):
    return ProctoredExamFactory(backend="software_secure")


class TestLaunchCallback:
    def test_marks_ready_and_redirects_with_cookie(self, services, psi_exam, learner):
        exam = psi_exam
        attempt = AttemptFactory(proctored_exam=exam, user=learner)
        url = _url("anonymous.proctoring_launch_callback.start_exam", attempt.attempt_code)
        response = client_for().get(url)
        assert response.status_code == 302
        assert response["Location"] == reverse("jump_to", args=[exam.course_id, exam.content_id])
        assert response.cookies["exam"].value.startswith(attempt.attempt_code)
        attempt.refresh_from_db()
        assert attempt.status == "ready_to_start"

    def test_started_attempt_is_submitted(self, services, psi_exam, learner):
        attempt = AttemptFactory(proctored_exam=psi_exam, user=learner, status="ready_to_submit")
        client_for().get(_url("anonymous.proctoring_launch_callback.start_exam", attempt.attempt_code))
        assert ProctoredExamStudentAttempt.objects.get(id=attempt.id).status == "submitted"

    def test_unknown_code(self, services):
        response = client_for().get(_url("anonymous.proctoring_launch_callback.start_exam", "nope"))
        assert response.status_code == 404
        assert b"not valid" in response.content
