"""The operator commands as 6.1.x's operators run them (interface §9.4): arguments, defaults, batching."""

from datetime import UTC, datetime, timedelta

import pytest
from django.core.management import CommandError, call_command, get_commands, load_command_class

from edx_proctoring.exceptions import UserNotFoundException
from edx_proctoring.models import (
    ProctoredExamSoftwareSecureReview,
    ProctoredExamSoftwareSecureReviewHistory,
    ProctoredExamStudentAttempt,
    ProctoringAuditEntry,
)
from edx_proctoring.runtime import set_runtime_service
from edx_proctoring.statuses import ProctoredExamStudentAttemptStatus as Status
from edx_proctoring.tests.factories import AttemptFactory, ReviewFactory, UserFactory
from edx_proctoring.tests.test_services import MockInstructorService

pytestmark = pytest.mark.django_db


def _options(command_name):
    parser = load_command_class("edx_proctoring", command_name).create_parser("manage.py", command_name)
    return {action.dest: action for action in parser._actions}


@pytest.mark.parametrize(
    "command_name, required",
    [
        ("reset_attempts", {"file_path"}),
        ("set_is_attempt_active", set()),
        ("update_attempt_status_from_review", {"start_date_time", "end_date_time"}),
        ("update_attempts_for_exam", {"exam_id"}),
    ],
)
def test_each_batch_command_takes_batch_size_300_and_sleep_time_10_by_default(command_name, required):
    assert get_commands()[command_name] == "edx_proctoring"
    options = _options(command_name)
    assert options["batch_size"].default == 300
    assert options["sleep_time"].default == 10
    assert {name for name, action in options.items() if action.required} == required


def test_set_attempt_status_and_reset_attempts_keep_their_short_options():
    assert "-a" in _options("set_attempt_status")["attempt_id"].option_strings
    assert "-t" in _options("set_attempt_status")["to_status"].option_strings
    assert "-p" in _options("reset_attempts")["file_path"].option_strings


# -- reset_attempts -------------------------------------------------------------------------------------


class HostInstructorService(MockInstructorService):
    """The host's service refuses to reset courseware state on nobody's behalf."""

    def delete_student_attempt(self, student_identifier, course_id, content_id, requesting_user):
        if requesting_user is None:
            raise UserNotFoundException("no requesting user")
        return super().delete_student_attempt(student_identifier, course_id, content_id, requesting_user)


def test_given_a_file_of_ids_when_resetting_then_the_rows_go_with_no_requesting_user_and_vendors_are_told(
    tmp_path, test_backend
):
    instructor = HostInstructorService()
    set_runtime_service("instructor", instructor)
    first, second, kept = AttemptFactory(), AttemptFactory(status=Status.verified), AttemptFactory()
    ids_file = tmp_path / "ids.txt"
    ids_file.write_text(f"{first.id}\n {second.id} \n\n{first.id}\n424242\n")

    call_command("reset_attempts", "-p", str(ids_file), "--batch_size", "1", "--sleep_time", "0")

    assert list(ProctoredExamStudentAttempt.objects.values_list("id", flat=True)) == [kept.id]
    assert sorted(attempt for _exam, attempt in test_backend.removed_attempts) == sorted(
        [first.external_id, second.external_id]
    )
    assert instructor.deleted_attempts == []
    removed = ProctoringAuditEntry.objects.filter(action="attempt.removed").order_by("attempt_id")
    assert [entry.attempt_id for entry in removed] == [first.id, second.id]
    assert {entry.details["reason"] for entry in removed} == {"management command: reset_attempts"}


def test_given_an_unreachable_vendor_when_resetting_then_rows_are_deleted_and_the_vendor_is_asked_once(
    tmp_path, test_backend, capsys
):
    attempts = [AttemptFactory() for _ in range(3)]
    test_backend.remove_error = ConnectionError("vendor down")
    ids_file = tmp_path / "ids.txt"
    ids_file.write_text("\n".join(str(attempt.id) for attempt in attempts))
    calls = []
    original = test_backend.remove_exam_attempt

    def counting_remove(exam, attempt):
        calls.append(attempt)
        return original(exam, attempt)

    test_backend.remove_exam_attempt = counting_remove

    call_command("reset_attempts", file_path=str(ids_file), batch_size=1, sleep_time=0)

    assert not ProctoredExamStudentAttempt.objects.exists()
    assert len(calls) == 1
    assert "test" in capsys.readouterr().err


@pytest.mark.parametrize("content", ["12\nabc\n", "١٢\n"])
def test_given_a_line_that_is_not_an_id_when_resetting_then_nothing_is_deleted(tmp_path, content):
    attempt = AttemptFactory()
    ids_file = tmp_path / "ids.txt"
    ids_file.write_text(f"{attempt.id}\n{content}", encoding="utf-8")

    with pytest.raises(CommandError, match="not attempt ids"):
        call_command("reset_attempts", file_path=str(ids_file), sleep_time=0)

    assert ProctoredExamStudentAttempt.objects.filter(id=attempt.id).exists()


def test_given_a_missing_file_when_resetting_then_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("reset_attempts", file_path=str(tmp_path / "nope.txt"))


# -- set_is_attempt_active ------------------------------------------------------------------------------


def test_given_reviews_of_deleted_attempts_in_both_tables_then_only_those_are_marked_inactive(capsys):
    live = AttemptFactory()
    AttemptFactory(attempt_code=None)  # a code-less attempt must not hide the orphans (SQL NOT IN with NULL)
    live_review = ReviewFactory(attempt_code=live.attempt_code)
    orphans = [ReviewFactory(attempt_code=f"GONE-{index}") for index in range(3)]
    already_inactive = ReviewFactory(attempt_code="GONE-BEFORE", is_attempt_active=False)
    live_archive = ProctoredExamSoftwareSecureReviewHistory.objects.create(
        attempt_code=live.attempt_code, review_status="Clean", raw_data="{}"
    )
    orphan_archive = ProctoredExamSoftwareSecureReviewHistory.objects.create(
        attempt_code="GONE-0", review_status="Clean", raw_data="{}"
    )

    call_command("set_is_attempt_active", "--batch_size", "2", "--sleep_time", "0")

    active = dict(ProctoredExamSoftwareSecureReview.objects.values_list("id", "is_attempt_active"))
    assert active[live_review.id] is True
    assert [active[review.id] for review in orphans] == [False, False, False]
    assert active[already_inactive.id] is False
    archived = dict(ProctoredExamSoftwareSecureReviewHistory.objects.values_list("id", "is_attempt_active"))
    assert archived == {live_archive.id: True, orphan_archive.id: False}
    assert capsys.readouterr().out.strip() == "Marked 3 reviews and 1 archived reviews as inactive."


# -- update_attempt_status_from_review ------------------------------------------------------------------


def _stamp(dt):
    return dt.strftime("%Y-%m-%d %H:%M:%S")


def _review_modified_at(review, when):
    ProctoredExamSoftwareSecureReview.objects.filter(id=review.id).update(modified=when)


def test_given_reviews_in_the_period_when_reapplied_then_their_attempts_catch_up_and_others_are_left(
    host_services, test_backend
):
    now = datetime.now(UTC)
    submitted_at = now - timedelta(hours=3)
    missed = AttemptFactory(status=Status.submitted, completed_at=submitted_at)
    missed_review = ReviewFactory(attempt_code=missed.attempt_code, review_status="Clean")
    human = AttemptFactory(status=Status.second_review_required, completed_at=submitted_at)
    human_review = ReviewFactory(
        attempt_code=human.attempt_code,
        review_status="Suspicious",
        reviewed_by=UserFactory(username="reviewer", is_staff=True),
    )
    outside = AttemptFactory(status=Status.submitted, completed_at=submitted_at)
    outside_review = ReviewFactory(attempt_code=outside.attempt_code, review_status="Clean")
    _review_modified_at(missed_review, now - timedelta(hours=2))
    _review_modified_at(human_review, now - timedelta(hours=1))
    _review_modified_at(outside_review, now - timedelta(days=3))

    call_command(
        "update_attempt_status_from_review",
        start_date_time=_stamp(now - timedelta(days=1)),
        end_date_time=_stamp(now),
        batch_size=1,
        sleep_time=0,
    )

    statuses = dict(ProctoredExamStudentAttempt.objects.values_list("id", "status"))
    assert statuses == {missed.id: Status.verified, human.id: Status.rejected, outside.id: Status.submitted}


def test_given_an_attempt_already_in_its_review_status_when_reapplied_then_nothing_is_sent_again(
    host_services, test_backend, status_signals
):
    now = datetime.now(UTC)
    attempt = AttemptFactory(status=Status.verified, completed_at=now - timedelta(hours=2))
    ReviewFactory(attempt_code=attempt.attempt_code, review_status="Clean")

    call_command(
        "update_attempt_status_from_review",
        "--start_date_time",
        _stamp(now - timedelta(hours=1)),
        "--end_date_time",
        _stamp(now + timedelta(hours=1)),
        "--sleep_time",
        "0",
    )

    assert status_signals == []
    assert ProctoredExamStudentAttempt.objects.get(id=attempt.id).status == Status.verified


@pytest.mark.parametrize(
    "start, end, message",
    [
        ("2024-01-31", "2024-02-01 00:00:00", "--start_date_time"),
        ("2024-01-31 00:00:00", "tomorrow", "--end_date_time"),
        ("2024-02-02 00:00:00", "2024-02-01 00:00:00", "must not be after"),
    ],
)
def test_given_dates_that_do_not_parse_or_are_reversed_then_a_clear_error(start, end, message):
    with pytest.raises(CommandError, match=message):
        call_command("update_attempt_status_from_review", start_date_time=start, end_date_time=end)
