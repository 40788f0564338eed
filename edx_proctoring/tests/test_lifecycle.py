"""The attempt lifecycle: legality of every move and the side effects of every target status."""

from datetime import timedelta

import pytest
from django.core import mail
from django.test import override_settings

from edx_proctoring.attempts.context import can_update_credit_grades_and_email
from edx_proctoring.attempts.lifecycle import (
    SIDE_EFFECTS,
    is_state_transition_legal,
    resolve_target_status,
    update_attempt_status,
)
from edx_proctoring.exceptions import (
    BackendProviderNotificationFailed,
    ProctoredExamIllegalStatusTransition,
    StudentExamAttemptDoesNotExistsException,
)
from edx_proctoring.models import ProctoredExamStudentAttempt
from edx_proctoring.statuses import ProctoredExamStudentAttemptStatus as Status
from edx_proctoring.tests.factories import (
    AllowanceFactory,
    AttemptFactory,
    PracticeExamFactory,
    ProctoredExamFactory,
    TimedExamFactory,
    UserFactory,
)
from edx_proctoring.timing import now

pytestmark = pytest.mark.django_db

STORED_STATUSES = [
    Status.created,
    Status.download_software_clicked,
    Status.ready_to_start,
    Status.started,
    Status.ready_to_submit,
    Status.declined,
    Status.timed_out,
    Status.submitted,
    Status.second_review_required,
    Status.verified,
    Status.rejected,
    Status.error,
    *Status.onboarding_errors,
    Status.onboarding_reset,
]
COMPLETED = [s for s in STORED_STATUSES if Status.is_completed_status(s)]
INCOMPLETE = [s for s in STORED_STATUSES if Status.is_incomplete_status(s)]


def _reload(attempt):
    return ProctoredExamStudentAttempt.objects.get(id=attempt.id)


# --- legality -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("from_status", STORED_STATUSES)
@pytest.mark.parametrize("to_status", STORED_STATUSES)
def test_only_completed_to_incomplete_moves_are_illegal(from_status, to_status):
    expected = not (from_status in COMPLETED and to_status in INCOMPLETE)
    assert is_state_transition_legal(from_status, to_status) is expected


@pytest.mark.parametrize("from_status", COMPLETED)
@pytest.mark.parametrize("to_status", [Status.created, Status.started, Status.ready_to_submit])
def test_given_completed_attempt_when_moved_back_to_incomplete_then_refused_and_nothing_written(
    from_status, to_status, host_services, tracked_events
):
    attempt = AttemptFactory(status=from_status)
    before = _reload(attempt)
    with pytest.raises(ProctoredExamIllegalStatusTransition):
        update_attempt_status(attempt.id, to_status)
    after = _reload(attempt)
    assert (after.status, after.modified, after.started_at) == (before.status, before.modified, before.started_at)
    assert tracked_events.events == []


def test_given_unknown_attempt_when_updated_then_raises_or_returns_none():
    with pytest.raises(StudentExamAttemptDoesNotExistsException):
        update_attempt_status(999999, Status.started)
    assert update_attempt_status(999999, Status.started, raise_if_not_found=False) is None


# --- rewrites ------------------------------------------------------------------------------------------


def test_timed_out_is_recorded_as_submitted_unless_the_timed_out_state_is_allowed():
    assert resolve_target_status(Status.started, Status.timed_out) == (Status.submitted, True)
    with override_settings(PROCTORING_SETTINGS={"ALLOW_TIMED_OUT_STATE": True}):
        assert resolve_target_status(Status.started, Status.timed_out) == (Status.timed_out, False)


@pytest.mark.parametrize("from_status", [Status.started, Status.ready_to_submit])
@pytest.mark.parametrize("to_status", [Status.created, Status.download_software_clicked, Status.ready_to_start])
def test_leaving_an_exam_in_progress_for_a_pre_start_status_is_a_submission(from_status, to_status):
    assert resolve_target_status(from_status, to_status) == (Status.submitted, False)


def test_given_started_attempt_when_it_times_out_then_completed_at_is_the_deadline(host_services):
    attempt = AttemptFactory(status=Status.started, started_at=now() - timedelta(hours=2), allowed_time_limit_mins=60)
    deadline = attempt.started_at + timedelta(minutes=60)
    update_attempt_status(attempt.id, Status.timed_out, timeout_timestamp=deadline)
    attempt = _reload(attempt)
    assert attempt.status == Status.submitted
    assert attempt.completed_at == deadline


@override_settings(PROCTORING_SETTINGS={"ALLOW_TIMED_OUT_STATE": True})
def test_given_timed_out_state_allowed_when_it_times_out_then_status_is_stored_and_completion_untouched():
    attempt = AttemptFactory(status=Status.started, started_at=now() - timedelta(hours=2), allowed_time_limit_mins=60)
    update_attempt_status(attempt.id, Status.timed_out)
    attempt = _reload(attempt)
    assert attempt.status == Status.timed_out
    assert attempt.completed_at is None


# --- started -------------------------------------------------------------------------------------------


def test_given_first_start_then_clock_starts_with_allowance_and_vendor_is_told_once(test_backend, tracked_events):
    attempt = AttemptFactory(status=Status.ready_to_start)
    AllowanceFactory(user=attempt.user, proctored_exam=attempt.proctored_exam, value="15")
    update_attempt_status(attempt.id, Status.started)
    attempt = _reload(attempt)
    assert attempt.started_at is not None
    assert attempt.allowed_time_limit_mins == 75
    assert test_backend.started_attempts == [(attempt.proctored_exam.external_id, attempt.external_id)]
    assert tracked_events.names() == ["edx.special_exam.proctored.attempt.started"]


def test_given_attempt_back_from_ready_to_submit_when_restarted_then_clock_and_allowed_time_are_kept(test_backend):
    started_at = now() - timedelta(minutes=20)
    attempt = AttemptFactory(status=Status.ready_to_submit, started_at=started_at, allowed_time_limit_mins=60)
    AllowanceFactory(user=attempt.user, proctored_exam=attempt.proctored_exam, value="90")
    update_attempt_status(attempt.id, Status.started)
    attempt = _reload(attempt)
    assert (attempt.status, attempt.started_at, attempt.allowed_time_limit_mins) == (Status.started, started_at, 60)
    assert test_backend.started_attempts == []


# --- submitted -----------------------------------------------------------------------------------------


def test_given_proctored_attempt_when_submitted_then_every_submission_effect_runs_once(
    host_services, test_backend, tracked_events, status_signals
):
    attempt = AttemptFactory(status=Status.ready_to_submit, started_at=now() - timedelta(minutes=5))
    update_attempt_status(attempt.id, Status.submitted)
    attempt = _reload(attempt)
    exam = attempt.proctored_exam
    assert attempt.completed_at is not None
    assert host_services["instructor"].completed_attempts == [(attempt.user.username, exam.content_id)]
    assert host_services["credit"].status["credit_requirement_status"][0]["status"] == "submitted"
    assert test_backend.stopped_attempts == [(exam.external_id, attempt.external_id)]
    assert [m.subject for m in mail.outbox] == ["Proctoring attempt submitted"]
    assert mail.outbox[0].to == [attempt.user.email]
    assert tracked_events.names() == ["edx.special_exam.proctored.attempt.submitted"]
    assert [s["status"] for s in status_signals] == [Status.submitted]
    assert status_signals[0]["backend_supports_onboarding"] is True


def test_given_submitted_attempt_when_submitted_again_then_nothing_is_repeated(host_services, test_backend):
    attempt = AttemptFactory(status=Status.ready_to_submit, started_at=now())
    update_attempt_status(attempt.id, Status.submitted)
    completed_at = _reload(attempt).completed_at
    update_attempt_status(attempt.id, Status.submitted)
    update_attempt_status(attempt.id, Status.timed_out)
    assert _reload(attempt).completed_at == completed_at
    assert len(mail.outbox) == 1
    assert len(test_backend.stopped_attempts) == 1
    assert len(host_services["instructor"].completed_attempts) == 1


def test_given_timed_exam_when_submitted_then_no_email_and_no_vendor_call(host_services, test_backend):
    attempt = AttemptFactory(proctored_exam=TimedExamFactory(), status=Status.started, started_at=now())
    update_attempt_status(attempt.id, Status.submitted)
    assert mail.outbox == []
    assert test_backend.stopped_attempts == []


def test_given_practice_attempt_when_submitted_then_no_email(host_services):
    attempt = AttemptFactory(proctored_exam=PracticeExamFactory(), status=Status.started, started_at=now())
    update_attempt_status(attempt.id, Status.submitted)
    assert mail.outbox == []


def test_given_mail_server_failure_when_submitted_then_status_change_stands(host_services, monkeypatch):
    def _refuse(*args, **kwargs):
        raise ConnectionRefusedError("SMTP down")

    monkeypatch.setattr("django.core.mail.EmailMessage.send", _refuse)
    attempt = AttemptFactory(status=Status.ready_to_submit, started_at=now())
    update_attempt_status(attempt.id, Status.submitted)
    assert _reload(attempt).status == Status.submitted


def test_given_vendor_failure_when_submitted_then_the_whole_change_is_rolled_back(host_services, test_backend):
    def _vendor_down(*args):
        raise ConnectionError("vendor unreachable")

    test_backend.stop_exam_attempt = _vendor_down
    attempt = AttemptFactory(status=Status.ready_to_submit, started_at=now())
    with pytest.raises(BackendProviderNotificationFailed) as raised:
        update_attempt_status(attempt.id, Status.submitted)
    assert raised.value.http_status == 502
    assert isinstance(raised.value.__cause__, ConnectionError)
    attempt = _reload(attempt)
    assert (attempt.status, attempt.completed_at) == (Status.ready_to_submit, None)
    assert mail.outbox == []


def test_given_credit_service_failure_when_verified_then_attempt_is_not_half_updated(host_services):
    def _broken(**kwargs):
        raise RuntimeError("credit db down")

    host_services["credit"].set_credit_requirement_status = _broken
    attempt = AttemptFactory(status=Status.submitted, completed_at=now())
    with pytest.raises(RuntimeError):
        update_attempt_status(attempt.id, Status.verified)
    assert _reload(attempt).status == Status.submitted


# --- verified / rejected -------------------------------------------------------------------------------


def test_given_submitted_attempt_when_rejected_then_grade_is_zeroed_and_certificate_invalidated(host_services):
    reviewer = UserFactory(is_staff=True)
    attempt = AttemptFactory(status=Status.submitted, completed_at=now())
    update_attempt_status(attempt.id, Status.rejected, update_attributable_to=reviewer)
    exam = attempt.proctored_exam
    override = host_services["grades"].get_subsection_grade_override(attempt.user_id, exam.course_id, exam.content_id)
    assert (override.earned_all_override, override.earned_graded_override) == (0.0, 0.0)
    assert override.overrider == reviewer
    assert override.comment == "Failed test proctoring"
    assert host_services["certificates"].invalidated == [(attempt.user_id, exam.course_id)]
    assert host_services["credit"].status["credit_requirement_status"][0]["status"] == "failed"
    assert [m.subject for m in mail.outbox] == ["Proctoring attempt rejected"]
    assert _reload(attempt).history.first().history_user == reviewer


def test_given_rejected_attempt_when_verified_then_grade_override_is_undone(host_services):
    attempt = AttemptFactory(status=Status.submitted, completed_at=now())
    exam = attempt.proctored_exam
    update_attempt_status(attempt.id, Status.rejected)
    update_attempt_status(attempt.id, Status.verified)
    grades = host_services["grades"]
    assert grades.get_subsection_grade_override(attempt.user_id, exam.course_id, exam.content_id) is None
    assert host_services["credit"].status["credit_requirement_status"][0]["status"] == "satisfied"
    assert [m.subject for m in mail.outbox] == ["Proctoring attempt rejected", "Proctoring attempt verified"]


def test_given_course_not_overriding_grades_when_rejected_then_grade_and_certificate_untouched(host_services):
    host_services["grades"].rejected_exam_overrides_grade = False
    attempt = AttemptFactory(status=Status.submitted, completed_at=now())
    update_attempt_status(attempt.id, Status.rejected)
    assert host_services["grades"].overrides == {}
    assert host_services["certificates"].invalidated == []


def test_given_no_host_services_when_rejected_then_status_still_changes():
    attempt = AttemptFactory(status=Status.submitted, completed_at=now())
    update_attempt_status(attempt.id, Status.rejected)
    assert _reload(attempt).status == Status.rejected


# --- declined ------------------------------------------------------------------------------------------


def test_given_learner_declines_one_exam_then_every_other_proctored_exam_is_declined(host_services):
    attempt = AttemptFactory(status=Status.created)
    user, exam = attempt.user, attempt.proctored_exam
    untouched = ProctoredExamFactory(course_id=exam.course_id)
    in_progress = AttemptFactory(
        user=user, proctored_exam=untouched, status=Status.started, started_at=now(), allowed_time_limit_mins=60
    )
    never_attempted = ProctoredExamFactory(course_id=exam.course_id)
    finished = AttemptFactory(
        user=user, proctored_exam=ProctoredExamFactory(course_id=exam.course_id), status=Status.verified
    )
    PracticeExamFactory(course_id=exam.course_id)
    ProctoredExamFactory(course_id="course-v1:other+course+run")

    update_attempt_status(attempt.id, Status.declined)

    attempt = _reload(attempt)
    assert (attempt.status, attempt.taking_as_proctored, attempt.external_id) == (Status.declined, False, None)
    assert _reload(in_progress).status == Status.declined
    created = ProctoredExamStudentAttempt.objects.get(user=user, proctored_exam=never_attempted)
    assert (created.status, created.taking_as_proctored) == (Status.declined, False)
    assert _reload(finished).status == Status.verified
    assert ProctoredExamStudentAttempt.objects.filter(user=user).count() == 4


# --- error ---------------------------------------------------------------------------------------------


def test_given_started_attempt_when_error_then_resumable_vendor_told_and_credit_failed(host_services, test_backend):
    attempt = AttemptFactory(status=Status.started, started_at=now())
    update_attempt_status(attempt.id, Status.error)
    attempt = _reload(attempt)
    assert attempt.is_resumable is True
    assert test_backend.errored_attempts == [(attempt.proctored_exam.external_id, attempt.external_id)]
    assert host_services["credit"].status["credit_requirement_status"][0]["status"] == "failed"


def test_given_attempt_in_resume_process_when_error_then_not_resumable_again():
    attempt = AttemptFactory(status=Status.started, started_at=now(), resumed=True)
    update_attempt_status(attempt.id, Status.error)
    assert _reload(attempt).is_resumable is False


# --- onboarding ----------------------------------------------------------------------------------------


def test_given_onboarding_exam_completed_then_refused_attempts_elsewhere_are_cleared(test_backend):
    onboarding = AttemptFactory(proctored_exam=PracticeExamFactory(), status=Status.started, started_at=now())
    refused = AttemptFactory(user=onboarding.user, status=Status.onboarding_missing)
    update_attempt_status(onboarding.id, Status.submitted)
    assert not ProctoredExamStudentAttempt.objects.filter(id=refused.id).exists()
    assert test_backend.removed_attempts == [(refused.proctored_exam.external_id, refused.external_id)]


def test_given_refused_attempts_when_a_plugin_calls_the_historic_manager_method_then_vendor_and_rows_cleared(
    test_backend,
):
    kept = AttemptFactory(status=Status.started, started_at=now())
    refused = AttemptFactory(user=kept.user, status=Status.onboarding_expired)
    ProctoredExamStudentAttempt.objects.clear_onboarding_errors(kept.user.id)
    assert list(ProctoredExamStudentAttempt.objects.filter(user=kept.user)) == [kept]
    assert test_backend.removed_attempts == [(refused.proctored_exam.external_id, refused.external_id)]


# --- the table itself ----------------------------------------------------------------------------------


def test_every_credit_relevant_status_has_an_explicit_row():
    for status in (Status.verified, Status.rejected, Status.declined, Status.submitted, Status.error):
        assert status in SIDE_EFFECTS


@pytest.mark.parametrize(
    ("statuses", "to_status", "practice", "expected"),
    [
        ([Status.submitted], Status.submitted, False, True),
        ([Status.rejected, Status.submitted], Status.submitted, True, True),
        ([Status.error, Status.declined], Status.declined, False, True),
        ([Status.error, Status.error], Status.error, False, True),
        ([Status.submitted, Status.rejected], Status.submitted, False, False),
        ([Status.submitted, Status.error], Status.submitted, False, True),
        ([Status.verified, Status.verified], Status.verified, False, True),
        ([Status.verified, Status.error], Status.verified, False, False),
        ([Status.rejected, Status.error], Status.rejected, False, True),
        ([Status.rejected, Status.rejected], Status.rejected, False, False),
        ([Status.rejected, Status.declined], Status.rejected, False, False),
        ([Status.second_review_required, Status.error], Status.second_review_required, False, False),
    ],
)
def test_credit_grade_and_email_gate(statuses, to_status, practice, expected):
    attempts = [{"status": status} for status in statuses]
    assert can_update_credit_grades_and_email(attempts, to_status, {"is_practice_exam": practice}) is expected


# The summary statuses eligible/expired are part of 6.1.x's vocabulary: test_host_status_vocabulary.py.
@pytest.mark.parametrize("bogus", ["hacked", "", None])
def test_given_unknown_status_then_refused_and_nothing_written(bogus, tracked_events):
    attempt = AttemptFactory(status=Status.started, started_at=now(), allowed_time_limit_mins=60)
    with pytest.raises(ProctoredExamIllegalStatusTransition):
        update_attempt_status(attempt.id, bogus)
    assert _reload(attempt).status == Status.started
    assert tracked_events.events == []


@pytest.mark.parametrize("bad_id", ["abc", "", None, 1.5, [], True, "12; DROP TABLE"])
def test_given_malformed_attempt_id_then_it_reads_as_not_found(bad_id):
    with pytest.raises(StudentExamAttemptDoesNotExistsException):
        update_attempt_status(bad_id, Status.started)
