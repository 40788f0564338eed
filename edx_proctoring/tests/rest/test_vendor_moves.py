"""Vendor moves: callbacks keep their historic answers and change nothing when the move is not theirs."""

import pytest
from django.urls import reverse

from edx_proctoring.statuses import ProctoredExamStudentAttemptStatus as Status
from edx_proctoring.tests.factories import AttemptFactory
from edx_proctoring.tests.rest.conftest import client_for
from edx_proctoring.timing import now

pytestmark = pytest.mark.django_db


def _ready(vendor, attempt):
    url = reverse("edx_proctoring:proctored_exam.attempt.ready_callback", args=[attempt.external_id])
    return client_for(vendor).post(url)


def _review(vendor, attempt, verdict):
    url = reverse("edx_proctoring:proctored_exam.attempt.callback", args=[attempt.external_id])
    return client_for(vendor).post(url, {"status": verdict, "comments": []}, format="json")


@pytest.mark.parametrize("status", [Status.created, Status.download_software_clicked])
def test_a_ready_callback_marks_a_waiting_attempt_ready(services, vendor, exam, status):
    attempt = AttemptFactory(proctored_exam=exam, status=status)

    response = _ready(vendor, attempt)

    assert (response.status_code, response.data) == (200, "OK")
    attempt.refresh_from_db()
    assert attempt.status == Status.ready_to_start


@pytest.mark.parametrize("status", [Status.started, Status.submitted, Status.verified, Status.error])
def test_a_ready_callback_past_the_ready_step_answers_ok_and_changes_nothing(services, vendor, exam, status):
    attempt = AttemptFactory(proctored_exam=exam, status=status, started_at=now(), allowed_time_limit_mins=60)
    history = attempt.history.count()

    response = _ready(vendor, attempt)

    assert (response.status_code, response.data) == (200, "OK")
    attempt.refresh_from_db()
    assert attempt.status == status
    assert attempt.history.count() == history


def test_a_changed_verdict_is_a_legal_vendor_move_when_review_updates_are_on(services, vendor, exam, settings):
    settings.PROCTORING_SETTINGS = {
        **settings.PROCTORING_SETTINGS,
        "ALLOW_REVIEW_UPDATES": True,
        "REQUIRE_FAILURE_SECOND_REVIEWS": False,
    }
    attempt = AttemptFactory(proctored_exam=exam, status=Status.submitted, started_at=now(), completed_at=now())

    assert _review(vendor, attempt, "passed").status_code == 200
    attempt.refresh_from_db()
    assert attempt.status == Status.verified

    assert _review(vendor, attempt, "suspicious").status_code == 200
    attempt.refresh_from_db()
    assert attempt.status == Status.rejected
