"""Finding 3 of the lifecycle-actions issue: a learner cannot rewrite a verdict or skip the vendor's ready step.

Each test names an attempt state, makes one learner action over the REST API and checks the answer and
that nothing was written (status, external id, credit, resumability, history).
"""

import pytest
from django.urls import reverse

from edx_proctoring.attempts.actions import Actor, decide, move_for
from edx_proctoring.backends.backend import ProctoringBackendProvider
from edx_proctoring.backends.mock import MockProctoringBackendProvider
from edx_proctoring.backends.null import NullBackendProvider
from edx_proctoring.backends.rest import BaseRestProctoringProvider
from edx_proctoring.backends.software_secure import SoftwareSecureBackendProvider
from edx_proctoring.models import ProctoredExamStudentAttempt
from edx_proctoring.statuses import ProctoredExamStudentAttemptStatus as Status
from edx_proctoring.tests.factories import AttemptFactory, ProctoredExamFactory, TimedExamFactory
from edx_proctoring.tests.rest.conftest import client_for
from edx_proctoring.timing import now

pytestmark = pytest.mark.django_db

VERDICTS = (Status.verified, Status.rejected, Status.second_review_required)


def _put(user, attempt, action):
    url = reverse("edx_proctoring:proctored_exam.attempt", args=[attempt.id])
    return client_for(user).put(url, {"action": action}, format="json")


def _snapshot(attempt):
    attempt.refresh_from_db()
    return (
        attempt.status,
        attempt.external_id,
        attempt.is_resumable,
        attempt.completed_at,
        attempt.started_at,
        attempt.history.count(),
    )


@pytest.mark.parametrize("verdict", VERDICTS)
@pytest.mark.parametrize("action", ["submit", "decline", "error", "stop", "click_download_software"])
def test_a_learner_cannot_move_an_attempt_that_has_a_verdict(services, learner, exam, verdict, action):
    attempt = AttemptFactory(
        user=learner, proctored_exam=exam, status=verdict, started_at=now(), completed_at=now(), external_id="ext-9"
    )
    before = _snapshot(attempt)

    response = _put(learner, attempt, action)

    assert response.status_code == 400, response.content
    detail = response.json()["detail"]
    assert action in detail and "learner" in detail and verdict in detail
    assert _snapshot(attempt) == before
    assert services["credit"].status["credit_requirement_status"] == []


def test_rejected_attempt_keeps_failed_credit_when_its_learner_submits(services, learner, exam):
    attempt = AttemptFactory(user=learner, proctored_exam=exam, status=Status.rejected, completed_at=now())
    services["credit"].set_credit_requirement_status(
        user_id=learner.id,
        course_key_or_id=exam.course_id,
        req_namespace="proctored_exam",
        req_name=exam.content_id,
        status="failed",
    )

    assert _put(learner, attempt, "submit").status_code == 400

    state = services["credit"].get_credit_state(learner.id, exam.course_id)
    statuses = [req["status"] for req in state["credit_requirement_status"] if req["name"] == exam.content_id]
    assert statuses == ["failed"]


def test_a_rejected_learner_cannot_make_their_attempt_resumable_by_reporting_an_error(services, learner, exam):
    attempt = AttemptFactory(user=learner, proctored_exam=exam, status=Status.rejected, completed_at=now())

    assert _put(learner, attempt, "error").status_code == 400

    attempt.refresh_from_db()
    assert (attempt.status, attempt.is_resumable) == (Status.rejected, False)


def test_a_learner_cannot_mark_their_own_errored_attempt_ready_to_resume(services, learner, exam):
    attempt = AttemptFactory(user=learner, proctored_exam=exam, status=Status.error, is_resumable=True)

    response = _put(learner, attempt, "mark_ready_to_resume")

    assert response.status_code == 400
    attempt.refresh_from_db()
    assert (attempt.ready_to_resume, attempt.is_resumable) == (False, True)


def test_course_staff_mark_an_errored_attempt_ready_to_resume(services, learner, course_staff, exam):
    attempt = AttemptFactory(user=learner, proctored_exam=exam, status=Status.error, is_resumable=True)
    url = reverse("edx_proctoring:proctored_exam.attempt", args=[attempt.id])

    response = client_for(course_staff).put(
        url, {"action": "mark_ready_to_resume", "user_id": learner.id}, format="json"
    )

    assert response.status_code == 200, response.content
    attempt.refresh_from_db()
    assert (attempt.ready_to_resume, attempt.is_resumable) == (True, False)


@pytest.mark.parametrize("status", [Status.created, Status.download_software_clicked])
def test_a_proctored_start_waits_for_the_vendors_ready_step(services, learner, status):
    psi_exam = ProctoredExamFactory(backend="software_secure")
    attempt = AttemptFactory(user=learner, proctored_exam=psi_exam, status=status)

    response = _put(learner, attempt, "start")

    assert response.status_code == 400
    assert "ready" in response.json()["detail"]
    attempt.refresh_from_db()
    assert (attempt.status, attempt.started_at) == (status, None)


def test_a_proctored_start_after_the_ready_step_starts_the_clock(services, learner):
    psi_exam = ProctoredExamFactory(backend="software_secure")
    attempt = AttemptFactory(user=learner, proctored_exam=psi_exam, status=Status.ready_to_start)

    response = _put(learner, attempt, "start")

    assert response.status_code == 200, response.content
    attempt.refresh_from_db()
    assert attempt.status == Status.started and attempt.started_at is not None


def test_a_timed_exam_starts_straight_from_created(services, learner):
    attempt = AttemptFactory(user=learner, proctored_exam=TimedExamFactory(), status=Status.created)

    assert _put(learner, attempt, "start").status_code == 200

    attempt.refresh_from_db()
    assert attempt.status == Status.started


def test_a_running_attempt_is_submitted_once_and_a_second_submit_changes_nothing(services, learner, exam):
    attempt = AttemptFactory(user=learner, proctored_exam=exam, status=Status.started, started_at=now())

    assert _put(learner, attempt, "submit").status_code == 200
    after_first = _snapshot(attempt)
    assert _put(learner, attempt, "submit").status_code == 200

    assert after_first[0] == Status.submitted
    assert _snapshot(attempt) == after_first


@pytest.mark.parametrize(
    "backend_class, reports_readiness",
    [
        (ProctoringBackendProvider, False),
        (NullBackendProvider, False),
        (MockProctoringBackendProvider, False),
        (BaseRestProctoringProvider, True),
        (SoftwareSecureBackendProvider, True),
    ],
)
def test_each_backend_says_whether_its_vendor_reports_readiness(backend_class, reports_readiness):
    assert backend_class.vendor_reports_readiness is reports_readiness


def test_a_rest_vendor_plugin_inherits_the_ready_step():
    class VendorPlugin(BaseRestProctoringProvider):
        base_url = "http://127.0.0.1:9"

    assert VendorPlugin.vendor_reports_readiness is True


def test_the_host_keeps_the_historic_start_from_created():
    """edx-platform's own calls are trusted host code: 6.1.x let it start from `created`."""
    from edx_proctoring.attempts.actions import AttemptState

    state = AttemptState(status=Status.created, taking_as_proctored=True, vendor_reports_readiness=True)

    assert decide(action="start", actor=Actor.host, state=state).target == Status.started
    assert move_for(action="start", actor=Actor.learner).guard is not None


def test_nothing_is_written_when_a_learner_move_is_refused(services, learner, exam):
    attempt = AttemptFactory(user=learner, proctored_exam=exam, status=Status.verified, completed_at=now())
    count = ProctoredExamStudentAttempt.objects.count()

    _put(learner, attempt, "decline")

    assert ProctoredExamStudentAttempt.objects.count() == count
    attempt.refresh_from_db()
    assert attempt.taking_as_proctored is True


def test_a_learners_error_report_is_logged_as_one_line_whatever_it_contains(services, learner, exam, caplog):
    """Finding 6: learner text in the log cannot forge entries (newlines escaped, bounded length)."""
    attempt = AttemptFactory(user=learner, proctored_exam=exam, status=Status.started, started_at=now())
    forged = "camera lost\n2026-11-30 INFO Attempt 1 verified by staff\r\x1b[2J" + "x" * 5000
    url = reverse("edx_proctoring:proctored_exam.attempt", args=[attempt.id])

    with caplog.at_level("INFO", logger="edx_proctoring.views.attempts"):
        response = client_for(learner).put(url, {"action": "error", "detail": forged[:2000]}, format="json")

    assert response.status_code == 200
    reports = [record.getMessage() for record in caplog.records if "reported an error" in record.getMessage()]
    assert len(reports) == 1
    message = reports[0]
    assert "\n" not in message and "\r" not in message and "\x1b" not in message
    assert "\\n2026-11-30 INFO" in message
    assert len(message) < 700


def test_resetting_a_practice_attempt_sets_it_aside_without_status_side_effects(
    services, learner, tracked_events, status_signals
):
    """6.1.x sets a reset practice attempt aside with a plain save: no status event, signal, credit or email."""
    practice = ProctoredExamFactory(is_practice_exam=True)
    attempt = AttemptFactory(user=learner, proctored_exam=practice, status=Status.error, completed_at=now())

    response = _put(learner, attempt, "reset_attempt")

    assert response.status_code == 200, response.content
    attempt.refresh_from_db()
    assert attempt.status == Status.onboarding_reset
    assert [signal["status"] for signal in status_signals] == [Status.created]
    assert "edx.special_exam.practice.attempt.onboarding_reset" not in tracked_events.names()
    assert services["credit"].status["credit_requirement_status"] == []
    assert response.json()["exam_attempt_id"] != attempt.id
