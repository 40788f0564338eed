"""Creating, starting, resuming, resetting and removing attempts."""

from datetime import timedelta

import pytest
from django.test import override_settings

from edx_proctoring.attempts.creation import create_exam_attempt
from edx_proctoring.attempts.getters import (
    get_active_exams_for_user,
    get_current_exam_attempt,
    get_exam_attempt_by_code,
    get_exam_attempt_by_id,
)
from edx_proctoring.attempts.lifecycle import update_attempt_status
from edx_proctoring.attempts.moves import (
    mark_exam_attempt_as_ready_to_resume,
    mark_exam_attempt_as_resumed,
    start_exam_attempt,
    start_exam_attempt_by_code,
    stop_exam_attempt,
    update_exam_attempt,
)
from edx_proctoring.attempts.payload import is_attempt_ready_to_resume
from edx_proctoring.attempts.practice_retake import reset_practice_exam
from edx_proctoring.attempts.removal import remove_exam_attempt
from edx_proctoring.exceptions import (
    BackendProviderCannotRemoveAttempt,
    BackendProviderRemovalNotConfirmed,
    BackendProviderSentNoAttemptID,
    ProctoredExamIllegalResumeUpdate,
    ProctoredExamIllegalStatusTransition,
    ProctoredExamNotFoundException,
    ProctoredExamPermissionDenied,
    StudentExamAttemptAlreadyExistsException,
    StudentExamAttemptDoesNotExistsException,
    StudentExamAttemptedAlreadyStarted,
    StudentExamAttemptOnPastDueProctoredExam,
)
from edx_proctoring.models import ProctoredExamSoftwareSecureReview, ProctoredExamStudentAttempt
from edx_proctoring.statuses import ProctoredExamStudentAttemptStatus as Status
from edx_proctoring.tests.factories import (
    AllowanceFactory,
    AttemptFactory,
    PracticeExamFactory,
    ProctoredExamFactory,
    ReviewFactory,
    ReviewPolicyFactory,
    TimedExamFactory,
    UserFactory,
)
from edx_proctoring.timing import now

pytestmark = pytest.mark.django_db


# --- creation ------------------------------------------------------------------------------------------


def test_given_timed_exam_when_learner_creates_attempt_then_it_waits_in_created_without_a_clock(
    tracked_events, status_signals
):
    exam, user = TimedExamFactory(), UserFactory()
    attempt = get_exam_attempt_by_id(create_exam_attempt(exam.id, user.id))
    assert attempt["status"] == Status.created
    assert attempt["started_at"] is None and attempt["allowed_time_limit_mins"] is None
    assert attempt["attempt_code"] == attempt["attempt_code"].upper()
    assert tracked_events.names() == ["edx.special_exam.timed.attempt.created"]
    assert status_signals[0]["backend_supports_onboarding"] is None
    assert status_signals[0]["full_name"] == ""


def test_given_existing_attempt_when_created_again_then_refused():
    attempt = AttemptFactory()
    with pytest.raises(StudentExamAttemptAlreadyExistsException):
        create_exam_attempt(attempt.proctored_exam_id, attempt.user_id)
    assert ProctoredExamStudentAttempt.objects.count() == 1


def test_given_practice_exam_then_learner_may_accumulate_attempts():
    attempt = AttemptFactory(proctored_exam=PracticeExamFactory(), status=Status.error)
    create_exam_attempt(attempt.proctored_exam_id, attempt.user_id)
    assert ProctoredExamStudentAttempt.objects.count() == 2


def test_given_unknown_exam_when_creating_then_not_found():
    with pytest.raises(ProctoredExamNotFoundException):
        create_exam_attempt(12345, UserFactory().id)


def test_given_proctored_exam_when_created_as_proctored_then_vendor_gets_the_registration_context(
    host_services, test_backend
):
    exam, user = ProctoredExamFactory(), UserFactory()
    ReviewPolicyFactory(proctored_exam=exam, review_policy="Calculator allowed")
    AllowanceFactory(user=user, proctored_exam=exam, key="review_policy_exception", value="Braille display")
    AllowanceFactory(user=user, proctored_exam=exam, key="additional_time_granted", value="30")
    attempt_id = create_exam_attempt(exam.id, user.id, taking_as_proctored=True)
    attempt = ProctoredExamStudentAttempt.objects.get(id=attempt_id)
    assert attempt.external_id == "testexternalid"
    assert attempt.review_policy_id is not None
    assert test_backend.last_exam["id"] == exam.id


def test_given_vendor_sends_no_attempt_id_then_learner_gets_the_error_and_no_row_is_left(test_backend):
    test_backend.no_attempt_id_error = "{}"
    exam, user = ProctoredExamFactory(), UserFactory()
    with pytest.raises(BackendProviderSentNoAttemptID):
        create_exam_attempt(exam.id, user.id, taking_as_proctored=True)
    assert ProctoredExamStudentAttempt.objects.count() == 0
    test_backend.no_attempt_id_error = None
    assert create_exam_attempt(exam.id, user.id, taking_as_proctored=True)


@pytest.mark.parametrize("refusal", Status.onboarding_errors)
def test_given_vendor_refuses_for_onboarding_then_attempt_records_the_refusal(test_backend, refusal):
    test_backend.attempt_error = refusal
    exam, user = ProctoredExamFactory(), UserFactory()
    attempt = ProctoredExamStudentAttempt.objects.get(id=create_exam_attempt(exam.id, user.id, True))
    assert (attempt.status, attempt.external_id) == (refusal, None)


def test_given_past_due_exam_when_created_as_proctored_then_refused():
    exam = ProctoredExamFactory(due_date=now() - timedelta(days=1))
    with pytest.raises(StudentExamAttemptOnPastDueProctoredExam):
        create_exam_attempt(exam.id, UserFactory().id, taking_as_proctored=True)
    assert ProctoredExamStudentAttempt.objects.count() == 0


def test_given_mock_backend_when_attempt_registered_then_it_is_ready_to_start_at_once():
    exam = ProctoredExamFactory(backend="mock")
    attempt = get_exam_attempt_by_id(create_exam_attempt(exam.id, UserFactory().id, taking_as_proctored=True))
    assert attempt["status"] == Status.ready_to_start
    assert attempt["external_id"] == attempt["attempt_code"]


# --- start / stop --------------------------------------------------------------------------------------


def test_given_created_attempt_when_started_twice_then_second_start_refused_and_clock_kept():
    attempt = AttemptFactory(status=Status.ready_to_start)
    start_exam_attempt(attempt.proctored_exam_id, attempt.user_id)
    started_at = ProctoredExamStudentAttempt.objects.get(id=attempt.id).started_at
    with pytest.raises(StudentExamAttemptedAlreadyStarted):
        start_exam_attempt(attempt.proctored_exam_id, attempt.user_id)
    stop_exam_attempt(attempt.id)
    start_exam_attempt_by_code(attempt.attempt_code)
    assert ProctoredExamStudentAttempt.objects.get(id=attempt.id).started_at == started_at


def test_given_no_attempt_when_started_then_does_not_exist():
    with pytest.raises(StudentExamAttemptDoesNotExistsException):
        start_exam_attempt(TimedExamFactory().id, UserFactory().id)
    with pytest.raises(StudentExamAttemptDoesNotExistsException):
        start_exam_attempt_by_code("NOPE")


def test_given_running_attempt_past_its_deadline_when_read_then_it_is_submitted_as_of_the_deadline(host_services):
    started = now() - timedelta(minutes=90)
    attempt = AttemptFactory(status=Status.started, started_at=started, allowed_time_limit_mins=60)
    read = get_exam_attempt_by_code(attempt.attempt_code)
    assert read["status"] == Status.submitted
    assert read["completed_at"] == started + timedelta(minutes=60)


def test_active_exams_lists_running_attempts_with_their_allowances():
    attempt = AttemptFactory(status=Status.started, started_at=now(), allowed_time_limit_mins=60)
    AllowanceFactory(user=attempt.user, proctored_exam=attempt.proctored_exam)
    AttemptFactory(user=attempt.user, status=Status.submitted)
    active = get_active_exams_for_user(attempt.user_id)
    assert [entry["attempt"]["id"] for entry in active] == [attempt.id]
    assert active[0]["exam"]["id"] == attempt.proctored_exam_id
    assert [a["key"] for a in active[0]["allowances"]] == ["additional_time_granted"]


# --- resume --------------------------------------------------------------------------------------------


def test_given_errored_attempt_when_staff_marks_ready_to_resume_then_learner_continues_with_saved_time():
    exam, user = ProctoredExamFactory(), UserFactory()
    AllowanceFactory(user=user, proctored_exam=exam, value="30")
    first = AttemptFactory(
        user=user, proctored_exam=exam, status=Status.started, started_at=now(), allowed_time_limit_mins=90
    )
    update_exam_attempt(first.id, time_remaining_seconds=1530)
    update_attempt_status(first.id, Status.error)
    mark_exam_attempt_as_ready_to_resume(first.id)
    assert is_attempt_ready_to_resume(get_exam_attempt_by_id(first.id))

    second_id = create_exam_attempt(exam.id, user.id, taking_as_proctored=True)
    start_exam_attempt(exam.id, user.id)

    first = ProctoredExamStudentAttempt.objects.get(id=first.id)
    second = ProctoredExamStudentAttempt.objects.get(id=second_id)
    assert (first.resumed, first.is_resumable, first.status) == (True, False, Status.error)
    assert second.time_remaining_seconds == 1530
    assert second.allowed_time_limit_mins == 25
    assert get_current_exam_attempt(exam.id, user.id)["id"] == second_id


def test_given_attempt_not_in_error_when_marked_ready_to_resume_then_refused():
    attempt = AttemptFactory(status=Status.submitted)
    with pytest.raises(ProctoredExamIllegalResumeUpdate):
        mark_exam_attempt_as_ready_to_resume(attempt.id)
    with pytest.raises(ProctoredExamIllegalResumeUpdate):
        mark_exam_attempt_as_resumed(attempt.id)
    with pytest.raises(StudentExamAttemptDoesNotExistsException):
        mark_exam_attempt_as_ready_to_resume(424242)


# --- update_exam_attempt -------------------------------------------------------------------------------


def test_given_unknown_field_when_updating_attempt_then_denied_and_nothing_saved():
    attempt = AttemptFactory()
    with pytest.raises(ProctoredExamPermissionDenied):
        update_exam_attempt(attempt.id, is_status_acknowledged=True, status=Status.verified)
    attempt = ProctoredExamStudentAttempt.objects.get(id=attempt.id)
    assert (attempt.is_status_acknowledged, attempt.status) == (False, Status.created)
    with pytest.raises(StudentExamAttemptDoesNotExistsException):
        update_exam_attempt(999, is_status_acknowledged=True)


# --- reset practice exam -------------------------------------------------------------------------------


def test_given_errored_practice_attempt_when_reset_then_old_is_set_aside_and_new_one_created(tracked_events):
    attempt = AttemptFactory(proctored_exam=PracticeExamFactory(), status=Status.error)
    new_id = reset_practice_exam(attempt.proctored_exam_id, attempt.user_id, requesting_user=attempt.user)
    assert ProctoredExamStudentAttempt.objects.get(id=attempt.id).status == Status.onboarding_reset
    new = ProctoredExamStudentAttempt.objects.get(id=new_id)
    assert (new.status, new.taking_as_proctored) == (Status.created, True)
    assert "edx.special_exam.practice.attempt.reset_practice_exam" in tracked_events.names()


def test_given_submitted_practice_attempt_when_reset_then_it_is_removed(test_backend):
    attempt = AttemptFactory(proctored_exam=PracticeExamFactory(), status=Status.submitted)
    reset_practice_exam(attempt.proctored_exam_id, attempt.user_id, requesting_user=attempt.user)
    assert not ProctoredExamStudentAttempt.objects.filter(id=attempt.id).exists()
    assert test_backend.removed_attempts == [(attempt.proctored_exam.external_id, attempt.external_id)]


@pytest.mark.parametrize("status", [Status.created, Status.started, Status.verified])
def test_given_practice_attempt_in_progress_or_verified_when_reset_then_refused(status):
    attempt = AttemptFactory(proctored_exam=PracticeExamFactory(), status=status)
    with pytest.raises(ProctoredExamIllegalStatusTransition):
        reset_practice_exam(attempt.proctored_exam_id, attempt.user_id, requesting_user=attempt.user)
    assert ProctoredExamStudentAttempt.objects.count() == 1


def test_given_real_exam_when_reset_then_refused():
    attempt = AttemptFactory(status=Status.error)
    with pytest.raises(ProctoredExamIllegalStatusTransition):
        reset_practice_exam(attempt.proctored_exam_id, attempt.user_id, requesting_user=attempt.user)
    with pytest.raises(StudentExamAttemptDoesNotExistsException):
        reset_practice_exam(attempt.proctored_exam_id, UserFactory().id, requesting_user=attempt.user)


# --- removal -------------------------------------------------------------------------------------------


def test_given_verified_attempt_when_staff_removes_it_then_vendor_host_and_credit_are_all_undone(
    host_services, test_backend, tracked_events
):
    staff = UserFactory(is_staff=True)
    attempt = AttemptFactory(status=Status.submitted, completed_at=now())
    update_attempt_status(attempt.id, Status.verified)
    review = ReviewFactory(attempt_code=attempt.attempt_code, exam=attempt.proctored_exam)
    exam = attempt.proctored_exam

    remove_exam_attempt(attempt.id, staff)

    assert not ProctoredExamStudentAttempt.objects.filter(id=attempt.id).exists()
    assert test_backend.removed_attempts == [(exam.external_id, attempt.external_id)]
    assert host_services["instructor"].deleted_attempts == [
        (attempt.user.username, exam.course_id, exam.content_id, staff)
    ]
    assert host_services["credit"].status["credit_requirement_status"] == []
    assert ProctoredExamSoftwareSecureReview.objects.get(id=review.id).is_attempt_active is False
    assert tracked_events.names()[-1] == "edx.special_exam.proctored.attempt.deleted"


@pytest.mark.parametrize(
    ("failure", "expected"),
    [("raise", BackendProviderCannotRemoveAttempt), ("unconfirmed", BackendProviderRemovalNotConfirmed)],
)
def test_given_vendor_cannot_remove_when_staff_removes_then_502_and_row_kept(test_backend, failure, expected):
    if failure == "raise":
        test_backend.remove_error = ConnectionError("down")
    else:
        test_backend.remove_result = False
    attempt = AttemptFactory(status=Status.submitted)
    with pytest.raises(expected) as raised:
        remove_exam_attempt(attempt.id, UserFactory())
    assert raised.value.http_status == 502
    assert ProctoredExamStudentAttempt.objects.filter(id=attempt.id).exists()


def test_given_unknown_attempt_when_removed_then_does_not_exist():
    with pytest.raises(StudentExamAttemptDoesNotExistsException):
        remove_exam_attempt(31337, UserFactory())


def test_given_deleted_attempt_then_its_last_version_can_still_be_found_by_code():
    attempt = AttemptFactory(status=Status.submitted)
    code = attempt.attempt_code
    remove_exam_attempt(attempt.id, UserFactory())
    archived = ProctoredExamStudentAttempt.get_historic_attempt_by_code(code)
    assert (archived.id, archived.status) == (attempt.id, Status.submitted)


@override_settings(PROCTORING_BACKENDS={"DEFAULT": "test", "test": {}})
def test_backends_follow_the_current_settings(test_backend):
    from django.apps import apps

    config = apps.get_app_config("edx_proctoring")
    assert set(config.backends) == {"test"}
    assert dict(config.get_backend_choices()) == {"test": "test"}


@pytest.mark.parametrize("bad_id", ["abc", None, 2.5, {}, False])
def test_given_malformed_ids_then_api_raises_the_specific_exception(bad_id):
    from edx_proctoring.exceptions import UserNotFoundException

    exam, user = TimedExamFactory(), UserFactory()
    with pytest.raises(ProctoredExamNotFoundException):
        create_exam_attempt(bad_id, user.id)
    with pytest.raises(UserNotFoundException):
        create_exam_attempt(exam.id, bad_id)
    with pytest.raises(StudentExamAttemptDoesNotExistsException):
        start_exam_attempt(exam.id, bad_id)
    with pytest.raises(StudentExamAttemptDoesNotExistsException):
        remove_exam_attempt(bad_id, user)
    with pytest.raises(StudentExamAttemptDoesNotExistsException):
        update_exam_attempt(bad_id, is_status_acknowledged=True)
    with pytest.raises(StudentExamAttemptDoesNotExistsException):
        mark_exam_attempt_as_ready_to_resume(bad_id)
    assert get_exam_attempt_by_id(bad_id) is None
    assert get_current_exam_attempt(exam.id, bad_id) is None
    assert ProctoredExamStudentAttempt.objects.count() == 0
