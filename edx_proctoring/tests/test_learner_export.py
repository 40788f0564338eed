"""A learner's data, exported for a subject-access request; retirement; and the export again."""

import json

import pytest
from django.core.management import call_command
from django.urls import reverse
from rest_framework.test import APIClient

from edx_proctoring.allowances import add_allowance_for_user
from edx_proctoring.audit_trail import audit_context, record_audit
from edx_proctoring.learner_export import export_learner_data
from edx_proctoring.models import (
    ProctoredExamSoftwareSecureComment,
    ProctoredExamSoftwareSecureReviewHistory,
    ProctoredExamTimeAdjustment,
)
from edx_proctoring.retirement import retire_user_data
from edx_proctoring.statuses import ProctoredExamStudentAttemptStatus as Status
from edx_proctoring.tests.factories import AttemptFactory, ProctoredExamFactory, ReviewFactory, UserFactory
from edx_proctoring.timing import now

pytestmark = pytest.mark.django_db

# Free text that can only come from the learner's data (numbers could match ids and dates).
PERSONAL_VALUES = (
    "A second voice in the room",  # the reviewer's note
    "learner said the phone rang",  # inside the review payload
    "laptop crashed",  # staff's reason for extra time
)


@pytest.fixture
def learner():
    return UserFactory(username="subject", email="subject@example.org")


@pytest.fixture
def learner_data(learner, host_services, test_backend):
    """Everything the package can hold about one learner: an attempt with a review (overwritten once),
    a note, a time adjustment, an allowance changed twice, and audit entries."""
    staff = UserFactory(username="staff", is_staff=True)
    exam = ProctoredExamFactory(exam_name="Midterm")
    attempt = AttemptFactory(proctored_exam=exam, user=learner, status=Status.verified, completed_at=now())
    review = ReviewFactory(
        attempt_code=attempt.attempt_code,
        exam=exam,
        student=learner,
        review_status="Suspicious",
        raw_data=json.dumps({"status": "suspicious", "notes": "learner said the phone rang"}),
        encrypted_video_url=b"encrypted",
    )
    review.review_status = "Clean"
    review.save()  # the Suspicious version goes to the review history
    ProctoredExamSoftwareSecureComment.objects.create(
        review=review, start_time=0, stop_time=5, duration=5, comment="A second voice in the room", status="violation"
    )
    ProctoredExamTimeAdjustment.objects.create(
        attempt=attempt,
        kind="extension",
        minutes=10,
        actor=staff,
        actor_kind="staff",
        reason="laptop crashed",
        created=now(),
    )
    record_audit(
        "attempt.time_extended",
        actor=staff,
        attempt_id=attempt.id,
        target_user_id=learner.id,
        details={"reason": "laptop crashed", "minutes": 10},
    )
    with audit_context(actor=staff, reason="staff: allowance"):
        for value in ("30", "55"):
            add_allowance_for_user(exam.id, learner.username, "additional_time_granted", value)
    return attempt


def text_of(export):
    return json.dumps(export, sort_keys=True)


def test_export_then_retirement_then_export_again(learner, learner_data):
    before = export_learner_data(user_id=learner.id)

    assert [attempt["id"] for attempt in before["attempts"]] == [learner_data.id]
    assert before["attempts"][0]["proctored_exam__exam_name"] == "Midterm"
    assert {row["status"] for row in before["attempt_history"]} == {Status.verified}
    assert [review["review_status"] for review in before["reviews"]] == ["Clean"]
    assert [review["review_status"] for review in before["review_history"]] == ["Suspicious"]
    assert before["reviews"][0]["video_link_stored"] is True
    assert [allowance["value"] for allowance in before["allowances"]] == ["55"]
    assert before["allowance_history"][0]["value"] == "30"
    assert "attempt.time_extended" in {entry["action"] for entry in before["audit_entries"]}
    for value in PERSONAL_VALUES:
        assert value in text_of(before), value
    assert learner_data.attempt_code not in text_of(before)

    retire_user_data(user_id=learner.id)
    after = export_learner_data(user_id=learner.id)

    for value in PERSONAL_VALUES:
        assert value not in text_of(after), value
    assert [attempt["id"] for attempt in after["attempts"]] == [learner_data.id]
    assert after["attempts"][0]["status"] == Status.verified
    assert len(after["attempt_history"]) == len(before["attempt_history"])
    assert [
        (review["review_status"], review["raw_data"], review["video_link_stored"]) for review in after["reviews"]
    ] == [("Clean", "", False)]
    assert all(review["raw_data"] == "" for review in after["review_history"])
    assert [comment["comment"] for comment in after["review_comments"]] == [""]
    assert [allowance["value"] for allowance in after["allowances"]] == [""]
    assert {row["value"] for row in after["allowance_history"]} == {""}
    assert [adjustment["reason"] for adjustment in after["time_adjustments"]] == [""]
    allowance_entries = [entry for entry in after["audit_entries"] if entry["action"].startswith("allowance.")]
    assert allowance_entries
    assert all(entry["details"].get("value") in ("", None) for entry in allowance_entries)
    assert all(entry["details"].get("previous_value") in ("", None) for entry in allowance_entries)
    assert ProctoredExamSoftwareSecureReviewHistory.objects.filter(raw_data="").count() >= 1


def test_the_export_reads_the_same_number_of_queries_for_one_attempt_or_many(
    learner, learner_data, django_assert_num_queries
):
    with django_assert_num_queries(13) as one:
        export_learner_data(user_id=learner.id)
    for _ in range(4):
        attempt = AttemptFactory(user=learner, status=Status.verified)
        ReviewFactory(attempt_code=attempt.attempt_code, student=learner)
    with django_assert_num_queries(len(one.captured_queries)):
        assert len(export_learner_data(user_id=learner.id)["attempts"]) == 5


def test_staff_read_it_over_rest_as_the_command_prints_it(learner, learner_data, capsys):
    client = APIClient()
    client.force_authenticate(UserFactory(username="privacy", is_staff=True))

    response = client.get(reverse("edx_proctoring:learner_data_export", args=[learner.id]))
    call_command("export_learner_data", "--user-id", str(learner.id))

    assert response.status_code == 200
    printed = json.loads(capsys.readouterr().out)
    assert {key: value for key, value in printed.items() if key != "exported_at"} == {
        key: value for key, value in response.json().items() if key != "exported_at"
    }


def test_a_host_may_grant_the_export_to_a_non_staff_privacy_team(learner, learner_data, monkeypatch):
    privacy = UserFactory(username="privacy-team")
    monkeypatch.setattr(
        type(privacy), "has_perm", lambda user, perm, obj=None: perm == "edx_proctoring.can_export_learner_data"
    )
    client = APIClient()
    client.force_authenticate(privacy)

    assert client.get(reverse("edx_proctoring:learner_data_export", args=[learner.id])).status_code == 200
