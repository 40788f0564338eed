"""The retention purge erases the personal data of finished attempts past its date, once, and keeps the rest."""

from datetime import timedelta

import pytest
from django.core.management import call_command

from edx_proctoring.audit_trail import record_audit
from edx_proctoring.models import (
    ProctoredExamSoftwareSecureComment,
    ProctoredExamSoftwareSecureReview,
    ProctoredExamSoftwareSecureReviewHistory,
    ProctoredExamStudentAttempt,
    ProctoredExamTimeAdjustment,
    ProctoringAuditEntry,
    ProctoringVendorCall,
)
from edx_proctoring.retention import PURGE_ACTION, PURGED_DETAILS, purge_expired_data
from edx_proctoring.statuses import ProctoredExamStudentAttemptStatus as Status
from edx_proctoring.tests.factories import AttemptFactory, ProctoredExamFactory, ReviewFactory, UserFactory
from edx_proctoring.timing import now

pytestmark = pytest.mark.django_db


def finished_attempt(*, days_ago, status=Status.verified, backend="test"):
    """An attempt with a review (payload, video link, a note), an older review version, a time adjustment
    and an audit entry, whose last change was `days_ago`."""
    exam = ProctoredExamFactory(backend=backend)
    attempt = AttemptFactory(proctored_exam=exam, user=UserFactory(), status=status)
    review = ReviewFactory(
        attempt_code=attempt.attempt_code,
        exam=exam,
        student=attempt.user,
        raw_data='{"videoReviewLink": "gone", "note": "personal"}',
        encrypted_video_url=b"encrypted-link",
    )
    ProctoredExamSoftwareSecureReviewHistory.objects.create(
        attempt_code=attempt.attempt_code, review_status="Suspicious", raw_data="{}", encrypted_video_url=b"old-link"
    )
    ProctoredExamSoftwareSecureComment.objects.create(
        review=review, start_time=1, stop_time=2, duration=1, comment="A second person in the room", status="violation"
    )
    ProctoredExamTimeAdjustment.objects.create(
        attempt=attempt, kind="extension", minutes=10, actor_kind="staff", reason="laptop crashed", created=now()
    )
    record_audit(
        "attempt.time_extended",
        attempt_id=attempt.id,
        target_user_id=attempt.user_id,
        details={"reason": "laptop crashed"},
    )
    ProctoredExamStudentAttempt.objects.filter(id=attempt.id).update(modified=now() - timedelta(days=days_ago))
    return attempt


def data_of(attempt):
    review = ProctoredExamSoftwareSecureReview.objects.get(attempt_code=attempt.attempt_code)
    return {
        "raw_data": review.raw_data,
        "video": review.encrypted_video_url,
        "history_video": ProctoredExamSoftwareSecureReviewHistory.objects.get(
            attempt_code=attempt.attempt_code
        ).encrypted_video_url,
        "comment": ProctoredExamSoftwareSecureComment.objects.get(review=review).comment,
        "reason": ProctoredExamTimeAdjustment.objects.get(attempt=attempt).reason,
        "audit": ProctoringAuditEntry.objects.get(attempt_id=attempt.id, action="attempt.time_extended").details,
    }


def test_everything_past_its_date_goes_and_the_verdict_history_and_a_purge_record_stay(test_backend):
    old = finished_attempt(days_ago=800)
    history_rows = ProctoredExamStudentAttempt.history.filter(id=old.id).count()

    result = purge_expired_data()

    assert data_of(old) == {
        "raw_data": "",
        "video": None,
        "history_video": None,
        "comment": "",
        "reason": "",
        "audit": PURGED_DETAILS,
    }
    assert result.attempts == 1
    assert result.rows == {"review_payload": 2, "video_link": 2, "notes": 2, "audit_details": 1, "callback_log": 0}
    review = ProctoredExamSoftwareSecureReview.objects.get(attempt_code=old.attempt_code)
    assert review.review_status == "Clean"
    assert ProctoredExamSoftwareSecureComment.objects.get(review=review).status == "violation"
    assert ProctoredExamStudentAttempt.objects.get(id=old.id).status == Status.verified
    assert ProctoredExamStudentAttempt.history.filter(id=old.id).count() == history_rows
    purge = ProctoringAuditEntry.objects.get(attempt_id=old.id, action=PURGE_ACTION)
    assert purge.details["categories"] == ["audit_details", "notes", "review_payload", "video_link"]
    assert "retention policy" in purge.details["reason"]


def test_a_second_run_right_after_removes_nothing(test_backend):
    finished_attempt(days_ago=800)
    purge_expired_data()

    again = purge_expired_data()

    assert (again.total, again.attempts) == (0, 0)
    assert ProctoringAuditEntry.objects.filter(action=PURGE_ACTION).count() == 1


def test_each_category_keeps_its_own_number_of_days(test_backend):
    attempt = finished_attempt(days_ago=100)  # past the video link's 90 days only

    purge_expired_data()

    data = data_of(attempt)
    assert data["video"] is None and data["history_video"] is None
    assert data["raw_data"].startswith("{") and data["comment"] and data["reason"]


def test_attempts_still_waiting_and_recent_ones_are_untouched(test_backend):
    waiting = finished_attempt(days_ago=800, status=Status.submitted)
    second_review = finished_attempt(days_ago=800, status=Status.second_review_required)
    recent = finished_attempt(days_ago=10)
    before = [data_of(attempt) for attempt in (waiting, second_review, recent)]

    assert purge_expired_data().total == 0
    assert [data_of(attempt) for attempt in (waiting, second_review, recent)] == before


def test_per_backend_settings_override_the_global_default(test_backend, settings):
    settings.PROCTORING_SETTINGS = {
        **settings.PROCTORING_SETTINGS,
        "RETENTION_DAYS": {"DEFAULT": {"video_link": 10}, "test": {"video_link": None, "review_payload": 5}},
    }
    attempt = finished_attempt(days_ago=30)

    purge_expired_data()

    data = data_of(attempt)
    assert data["video"] == b"encrypted-link" and data["raw_data"] == ""


def test_the_preview_counts_without_erasing(test_backend, capsys):
    attempt = finished_attempt(days_ago=800)
    before = data_of(attempt)

    call_command("preview_retention_purge")

    assert data_of(attempt) == before
    out = capsys.readouterr().out
    assert "Would erase 2 review_payload row(s)" in out and "Would erase data of 1 attempt(s)" in out
    call_command("preview_retention_purge", "--apply")
    assert data_of(attempt)["raw_data"] == ""


def test_the_vendor_call_log_is_bounded_by_age_and_by_a_cap(settings):
    def call(days_ago):
        ProctoringVendorCall.objects.create(
            created=now() - timedelta(days=days_ago),
            backend="mock_vendor",
            direction="out",
            operation="GET attempt",
            outcome="ok",
            latency_ms=12,
        )

    for days_ago in (40, 31, 5, 3, 2, 1):
        call(days_ago)
    settings.PROCTORING_SETTINGS = {**settings.PROCTORING_SETTINGS, "VENDOR_CALL_LOG_MAX_ROWS": 3}

    assert purge_expired_data().rows["callback_log"] == 3
    remaining = sorted(
        (now() - created).days for created in ProctoringVendorCall.objects.values_list("created", flat=True)
    )
    assert remaining == [1, 2, 3]
    assert purge_expired_data().rows["callback_log"] == 0


def test_batches_are_read_with_a_constant_number_of_queries(test_backend, django_assert_max_num_queries):
    for _ in range(3):
        finished_attempt(days_ago=800)
    with django_assert_max_num_queries(40) as small:
        purge_expired_data(batch_size=1000)
    for _ in range(12):
        finished_attempt(days_ago=800)
    with django_assert_max_num_queries(len(small.captured_queries)):
        purge_expired_data(batch_size=1000)
