"""The timer payload the learner's timer reads."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.test import override_settings

from edx_proctoring.exceptions import ProctoredExamNotFoundException, StudentExamAttemptDoesNotExistsException
from edx_proctoring.learner_exam_view import get_exam_attempt_data
from edx_proctoring.statuses import ProctoredExamStudentAttemptStatus as Status
from edx_proctoring.tests.factories import AttemptFactory, TimedExamFactory

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 9, 1, 10, 0, tzinfo=UTC)

HISTORIC_KEYS = [
    "in_timed_exam",
    "taking_as_proctored",
    "exam_type",
    "exam_display_name",
    "exam_url_path",
    "time_remaining_seconds",
    "total_time",
    "low_threshold_sec",
    "critically_low_threshold_sec",
    "course_id",
    "attempt_id",
    "external_id",
    "accessibility_time_string",
    "attempt_status",
    "exam_started_poll_url",
    "attempt_ready_to_resume",
    "use_legacy_attempt_api",
]


@time_machine.travel(NOW, tick=False)
def test_running_proctored_attempt_payload_counts_down_to_an_absolute_deadline():
    attempt = AttemptFactory(status=Status.started, started_at=NOW - timedelta(minutes=30), allowed_time_limit_mins=100)
    data = get_exam_attempt_data(attempt.proctored_exam_id, attempt.id)
    assert list(data)[: len(HISTORIC_KEYS)] == HISTORIC_KEYS
    assert data["time_remaining_seconds"] == 70 * 60
    assert data["total_time"] == "1 hour and 40 minutes"
    assert (data["low_threshold_sec"], data["critically_low_threshold_sec"]) == (1200, 300)
    assert data["accessibility_time_string"] == "you have 1 hour and 10 minutes remaining"
    assert data["deadline"] == (NOW + timedelta(minutes=70)).isoformat()
    assert data["server_now"] == NOW.isoformat()
    assert data["exam_started_poll_url"] == f"/api/edx_proctoring/v1/proctored_exam/attempt/{attempt.id}"
    assert data["exam_type"] == "a proctored exam"
    assert (data["ping_interval"], data["attempt_code"]) == (60, attempt.attempt_code)
    assert "software_download_url" not in data


def test_created_proctored_attempt_payload_offers_the_vendor_software():
    attempt = AttemptFactory(status=Status.created)
    data = get_exam_attempt_data(attempt.proctored_exam_id, attempt.id, is_learning_mfe=True)
    assert data["software_download_url"] == "http://example.com"
    assert data["exam_url_path"].startswith("http://learning.localhost:2000/course/")
    assert data["time_remaining_seconds"] == 0 and data["deadline"] is None


@override_settings(PROCTORING_SETTINGS={"low_threshold_pct": 0.5, "critically_low_threshold_pct": 0.1})
def test_timed_exam_payload_has_no_vendor_keys_and_thresholds_follow_settings():
    attempt = AttemptFactory(
        proctored_exam=TimedExamFactory(),
        status=Status.started,
        started_at=datetime.now(UTC),
        allowed_time_limit_mins=10,
    )
    data = get_exam_attempt_data(attempt.proctored_exam_id, attempt.id)
    assert data["desktop_application_js_url"] == ""
    assert "ping_interval" not in data and "attempt_code" not in data
    assert (data["low_threshold_sec"], data["critically_low_threshold_sec"]) == (300, 60)
    assert data["exam_type"] == "a timed exam"


def test_unknown_exam_or_attempt_is_an_error():
    attempt = AttemptFactory()
    with pytest.raises(ProctoredExamNotFoundException):
        get_exam_attempt_data(999, attempt.id)
    with pytest.raises(StudentExamAttemptDoesNotExistsException):
        get_exam_attempt_data(attempt.proctored_exam_id, 999)
