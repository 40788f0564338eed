"""Operator commands."""

import pytest
from django.core.management import CommandError, call_command

from edx_proctoring.models import ProctoredExamSoftwareSecureReview, ProctoredExamStudentAttempt
from edx_proctoring.statuses import ProctoredExamStudentAttemptStatus as Status
from edx_proctoring.tests.factories import AttemptFactory, ReviewFactory

pytestmark = pytest.mark.django_db


def test_set_attempt_status_moves_the_attempt_through_the_lifecycle(host_services):
    attempt = AttemptFactory(status=Status.submitted)
    call_command("set_attempt_status", attempt_id=attempt.id, to_status=Status.verified)
    assert ProctoredExamStudentAttempt.objects.get(id=attempt.id).status == Status.verified
    assert host_services["credit"].status["credit_requirement_status"][0]["status"] == "satisfied"


@pytest.mark.parametrize("bad_status", ["expired", "onboarding_reset", "nonsense"])
def test_set_attempt_status_refuses_statuses_that_are_not_settable(bad_status):
    attempt = AttemptFactory()
    with pytest.raises(CommandError, match="is not a status"):
        call_command("set_attempt_status", attempt_id=attempt.id, to_status=bad_status)


def test_set_attempt_status_reports_missing_attempts_and_statuses_no_row_may_hold():
    with pytest.raises(CommandError, match="does not exist"):
        call_command("set_attempt_status", attempt_id=987654, to_status=Status.started)
    with pytest.raises(CommandError, match="not a status"):
        call_command("set_attempt_status", attempt_id=987654, to_status=Status.expired)


def test_given_a_verified_attempt_when_the_operator_forces_it_back_to_started_then_the_move_is_made_and_audited():
    """The operator's command may force any move (the REST API, callbacks and admin may not)."""
    attempt = AttemptFactory(status=Status.verified)

    call_command("set_attempt_status", attempt_id=attempt.id, to_status=Status.started)

    attempt.refresh_from_db()
    assert attempt.status == Status.started
    newest = attempt.history.order_by("-history_id").first()
    assert newest.history_change_reason == "management command: set_attempt_status"


def test_update_attempts_for_exam_resyncs_credit_without_emailing_again(host_services, test_backend):
    attempt = AttemptFactory(status=Status.rejected)
    call_command("update_attempts_for_exam", exam_id=attempt.proctored_exam_id, sleep_time=0)
    assert host_services["credit"].status["credit_requirement_status"][0]["status"] == "failed"
    assert host_services["certificates"].invalidated == [(attempt.user_id, attempt.proctored_exam.course_id)]
    with pytest.raises(CommandError):
        call_command("update_attempts_for_exam", exam_id=424242)


def test_reset_attempts_deletes_listed_attempts_best_effort(tmp_path, test_backend):
    kept, removed = AttemptFactory(), AttemptFactory()
    test_backend.remove_error = ConnectionError("vendor down")
    ids_file = tmp_path / "ids.txt"
    ids_file.write_text(f"{removed.id}\n\n999999\n")
    call_command("reset_attempts", file_path=str(ids_file), sleep_time=0)
    assert list(ProctoredExamStudentAttempt.objects.values_list("id", flat=True)) == [kept.id]
    ids_file.write_text("12\nabc\n")
    with pytest.raises(CommandError, match="abc"):
        call_command("reset_attempts", file_path=str(ids_file), sleep_time=0)


def test_set_is_attempt_active_flags_reviews_of_deleted_attempts():
    live = AttemptFactory()
    live_review = ReviewFactory(attempt_code=live.attempt_code)
    orphan_review = ReviewFactory(attempt_code="GONE")
    call_command("set_is_attempt_active", batch_size=1, sleep_time=0)
    assert ProctoredExamSoftwareSecureReview.objects.get(id=live_review.id).is_attempt_active is True
    assert ProctoredExamSoftwareSecureReview.objects.get(id=orphan_review.id).is_attempt_active is False
