"""Vendor faults seen by the learner-facing call: a clear exception with the vendor's status, no orphan
attempt row, and a retry that works once the fault is gone."""

import pytest
import requests

from edx_proctoring.api import create_exam, create_exam_attempt, get_exam_attempt_by_id, update_attempt_status
from edx_proctoring.exceptions import (
    BackendProviderCannotRegisterAttempt,
    BackendProviderNotificationFailed,
    BackendProviderSentNoAttemptID,
    ProctoredBaseException,
)
from edx_proctoring.models import ProctoredExamStudentAttempt
from edx_proctoring.tests.factories import COURSE_ID, UserFactory

pytestmark = pytest.mark.django_db


def _exam(name="Final", practice=False):
    return create_exam(
        course_id=COURSE_ID,
        content_id=f"block-v1:edX+Proctoring+2026+type@sequential+block@{name}",
        exam_name=name,
        time_limit_mins=30,
        is_practice_exam=practice,
        backend="mock_vendor",
    )


@pytest.fixture
def learner(db):
    return UserFactory(username="learner")


# (fault, exception class, HTTP status the exception carries, words of the message)
REGISTRATION_FAULTS = [
    ("server_error", BackendProviderCannotRegisterAttempt, 500, "simulated internal error"),
    ("slow", BackendProviderCannotRegisterAttempt, 502, "did not answer"),
    ("malformed_json", BackendProviderCannotRegisterAttempt, 502, "not JSON"),
    ("no_attempt_id", BackendProviderSentNoAttemptID, 200, "no attempt id"),
]


@pytest.mark.parametrize(("fault", "exception", "http_status", "words"), REGISTRATION_FAULTS)
def test_registration_fault_then_retry(vendor, learner, fault, exception, http_status, words):
    exam_id = _exam()
    vendor.set_fault(fault)

    with pytest.raises(exception) as raised:
        create_exam_attempt(exam_id, learner.id, taking_as_proctored=True)

    assert isinstance(raised.value, ProctoredBaseException)
    assert raised.value.http_status == http_status
    assert words in str(raised.value)
    assert not ProctoredExamStudentAttempt.objects.exists()

    vendor.clear_faults()
    attempt_id = create_exam_attempt(exam_id, learner.id, taking_as_proctored=True)
    attempt = get_exam_attempt_by_id(attempt_id)
    assert attempt["status"] == "created"
    assert vendor.state.find_attempt(attempt["external_id"]).user_id == attempt_user_id(attempt)


def attempt_user_id(attempt):
    from edx_proctoring.identity import obscured_user_id

    return obscured_user_id(attempt["user"]["id"], "mock_vendor")


def test_fault_for_a_number_of_calls(vendor, learner):
    exam_id = _exam()
    vendor.set_fault("server_error", times=1)
    with pytest.raises(BackendProviderCannotRegisterAttempt):
        create_exam_attempt(exam_id, learner.id, taking_as_proctored=True)
    assert create_exam_attempt(exam_id, learner.id, taking_as_proctored=True)


def test_fault_set_through_the_control_endpoint(vendor, learner):
    exam_id = _exam()
    answer = requests.post(vendor.url + "/__control__", json={"fault": "server_error"}, timeout=5)
    assert answer.json()["faults"] == [{"mode": "server_error", "scope": "create_attempt", "times": None}]
    with pytest.raises(BackendProviderCannotRegisterAttempt):
        create_exam_attempt(exam_id, learner.id, taking_as_proctored=True)
    requests.post(vendor.url + "/__control__", json={"fault": None}, timeout=5)
    assert create_exam_attempt(exam_id, learner.id, taking_as_proctored=True)


@pytest.mark.parametrize(
    "fault", ["onboarding_missing", "onboarding_pending", "onboarding_failed", "onboarding_expired"]
)
def test_onboarding_refusal_then_onboarding_then_retry(vendor, learner, fault):
    """A refusal is not an error: the attempt records it; finishing onboarding clears it for a new try."""
    exam_id = _exam()
    vendor.set_fault(fault)
    attempt_id = create_exam_attempt(exam_id, learner.id, taking_as_proctored=True)
    refused = get_exam_attempt_by_id(attempt_id)
    assert (refused["status"], refused["external_id"]) == (fault, None)
    vendor.clear_faults()

    onboarding_exam_id = _exam("Onboarding", practice=True)
    onboarding_id = create_exam_attempt(onboarding_exam_id, learner.id, taking_as_proctored=True)
    update_attempt_status(onboarding_id, "started")
    update_attempt_status(onboarding_id, "submitted")
    assert not ProctoredExamStudentAttempt.objects.filter(id=attempt_id).exists()

    retried = get_exam_attempt_by_id(create_exam_attempt(exam_id, learner.id, taking_as_proctored=True))
    assert retried["status"] == "created" and retried["external_id"]


def test_vendor_timeout_on_start_rolls_the_start_back(vendor, learner):
    """The vendor not answering while the LMS reports a start leaves the attempt as it was."""
    exam_id = _exam()
    attempt_id = create_exam_attempt(exam_id, learner.id, taking_as_proctored=True)
    vendor.set_fault("slow", scope="attempt")
    with pytest.raises(BackendProviderNotificationFailed) as raised:
        update_attempt_status(attempt_id, "started")
    assert raised.value.http_status == 502
    assert isinstance(raised.value.__cause__, requests.Timeout)
    assert get_exam_attempt_by_id(attempt_id)["status"] == "created"
    vendor.clear_faults()
    update_attempt_status(attempt_id, "started")
    assert get_exam_attempt_by_id(attempt_id)["status"] == "started"


@pytest.mark.parametrize("fault", ["server_error", "malformed_json"])
def test_vendor_answer_to_start_is_ignored(vendor, learner, fault):
    """As in the original, the LMS does not look at the vendor's answer to a status notification."""
    exam_id = _exam()
    attempt_id = create_exam_attempt(exam_id, learner.id, taking_as_proctored=True)
    vendor.set_fault(fault, scope="attempt")
    update_attempt_status(attempt_id, "started")
    assert get_exam_attempt_by_id(attempt_id)["status"] == "started"
