"""Retiring a learner erases their allowance values, review payloads, video URLs and reviewer comments
everywhere the proctoring tables keep them: live rows, archives written by updates, and the audit log."""

import json

import pytest
from django.apps import apps
from django.urls import reverse

from edx_proctoring import allowances
from edx_proctoring.attempts.removal import remove_exam_attempt
from edx_proctoring.models import (
    ProctoredExamSoftwareSecureComment,
    ProctoredExamSoftwareSecureReview,
    ProctoredExamStudentAllowance,
    ProctoredExamStudentAttempt,
    ProctoringAuditEntry,
)
from edx_proctoring.retirement import retire_user_data
from edx_proctoring.tests.factories import AttemptFactory, ProctoredExamFactory, ReviewFactory, UserFactory
from edx_proctoring.tests.rest.conftest import client_for

pytestmark = pytest.mark.django_db

SECRET = "ALICE-PRIVATE"  # every value of the retired learner contains it
KEPT = "BOB-PRIVATE"  # the other learner's values, which retirement must leave alone
POLICY_EXCEPTION = "review_policy_exception"


def _holds(value, marker: str) -> bool:
    if value is None:
        return False
    if isinstance(value, bytes | bytearray | memoryview):
        return marker.encode() in bytes(value)
    if isinstance(value, dict | list):
        return marker in json.dumps(value)
    return marker in str(value)


def _scan(marker: str) -> tuple[set[str], dict[str, set[str]]]:
    """Every table of the app that was read, and the columns of each that still hold `marker`."""
    scanned: set[str] = set()
    found: dict[str, set[str]] = {}
    for model in apps.get_app_config("edx_proctoring").get_models():
        table = model._meta.db_table
        scanned.add(table)
        fields = list(model._meta.concrete_fields)
        for row in model._base_manager.values_list(*(field.attname for field in fields)):
            for field, value in zip(fields, row, strict=True):
                if _holds(value, marker):
                    found.setdefault(table, set()).add(field.name)
    return scanned, found


def _comment(review, text: str) -> None:
    ProctoredExamSoftwareSecureComment.objects.create(
        review=review, start_time=10, stop_time=20, duration=10, comment=f"{text} comment", status=f"{text} status"
    )


def _seed_learner(user, exam, other_exam, marker: str) -> None:
    """A learner's data written through every path the package and the host use, with updates and deletions
    so that the archive tables hold older versions too."""
    # API path: created, then updated (archives the first value; the audit log keeps both).
    allowances.add_allowance_for_user(exam.id, user.id, POLICY_EXCEPTION, f"{marker} allowance v1")
    allowances.add_allowance_for_user(exam.id, user.id, POLICY_EXCEPTION, f"{marker} allowance v2")
    # Host path: a queryset update, archived by the manager's override.
    ProctoredExamStudentAllowance.objects.filter(user=user, proctored_exam=exam).update(value=f"{marker} allowance v3")
    # A deleted allowance survives only in the archives.
    allowances.add_allowance_for_user(other_exam.id, user.id, POLICY_EXCEPTION, f"{marker} deleted allowance")
    allowances.remove_allowance_for_user(other_exam.id, user.id, POLICY_EXCEPTION)

    # A review overwritten once (the first version goes to the review history), with comments.
    attempt = AttemptFactory(user=user, proctored_exam=exam, status="verified")
    review = ReviewFactory(
        attempt_code=attempt.attempt_code,
        student=user,
        exam=exam,
        raw_data=json.dumps({"name": f"{marker} raw v1"}),
        encrypted_video_url=f"{marker} video v1".encode(),
    )
    review.raw_data = json.dumps({"name": f"{marker} raw v2"})
    review.encrypted_video_url = f"{marker} video v2".encode()
    review.save()
    _comment(review, marker)

    # An attempt staff removed: its code lives on in the attempt history only, its review stays.
    removed = AttemptFactory(user=user, proctored_exam=other_exam, status="rejected")
    removed_review = ReviewFactory(
        attempt_code=removed.attempt_code,
        student=user,
        exam=other_exam,
        raw_data=json.dumps({"name": f"{marker} raw of a removed attempt"}),
        encrypted_video_url=f"{marker} video of a removed attempt".encode(),
    )
    _comment(removed_review, f"{marker} removed")
    remove_exam_attempt(removed.id, requesting_user=None, require_backend_removal=False)

    # A review deleted outright is kept in the review history.
    ReviewFactory(
        attempt_code=AttemptFactory(user=user, proctored_exam=exam, status="error").attempt_code,
        student=user,
        exam=exam,
        raw_data=f"{marker} raw of a deleted review",
    ).delete()


@pytest.fixture
def seeded(host_services):
    alice, bob = UserFactory(username="alice"), UserFactory(username="bob")
    exam, other_exam = ProctoredExamFactory(), ProctoredExamFactory()
    _seed_learner(alice, exam, other_exam, SECRET)
    _seed_learner(bob, exam, other_exam, KEPT)
    return alice, bob


def test_seeded_values_reach_every_archive_before_retirement(seeded):
    """The scan below only proves something if the values really are in the archives to begin with."""
    scanned, found = _scan(SECRET)
    assert "proctoring_proctoredexamstudentattempt_history" in scanned  # simple-history tables are scanned
    assert found == {
        "proctoring_proctoredexamstudentallowance": {"value"},
        "proctoring_proctoredexamstudentallowancehistory": {"value"},
        "proctoring_proctoredexamsoftwaresecurereview": {"raw_data", "encrypted_video_url"},
        "proctoring_proctoredexamsoftwaresecurereviewhistory": {"raw_data", "encrypted_video_url"},
        "proctoring_proctoredexamstudentattemptcomment": {"comment", "status"},
        "proctoring_auditentry": {"details"},
    }


def test_after_retirement_no_table_holds_the_learners_values(seeded):
    alice, _ = seeded

    retire_user_data(user_id=alice.id)

    assert _scan(SECRET)[1] == {}


def test_retirement_leaves_other_learners_and_the_attempts_alone(seeded):
    alice, bob = seeded
    attempts_before = list(ProctoredExamStudentAttempt.objects.order_by("id").values())
    kept_before = _scan(KEPT)[1]

    retire_user_data(user_id=alice.id)

    assert _scan(KEPT)[1] == kept_before
    assert list(ProctoredExamStudentAttempt.objects.order_by("id").values()) == attempts_before
    assert ProctoredExamStudentAllowance.objects.get(user=alice).value == ""
    assert all(review.raw_data == "" for review in ProctoredExamSoftwareSecureReview.objects.filter(student=alice))


def test_retirement_keeps_who_changed_an_allowance_and_when(seeded):
    alice, _ = seeded
    before = list(ProctoringAuditEntry.objects.filter(target_user_id=alice.id).values("id", "action", "actor_id"))

    retire_user_data(user_id=alice.id)

    after = ProctoringAuditEntry.objects.filter(target_user_id=alice.id)
    assert list(after.values("id", "action", "actor_id")) == before
    allowance_entry = after.filter(action="allowance.updated").first()
    assert allowance_entry.details["key"] == POLICY_EXCEPTION
    assert allowance_entry.details["value"] == allowance_entry.details["previous_value"] == ""


def test_retiring_twice_or_an_unknown_user_is_harmless(seeded):
    alice, _ = seeded
    kept_before = _scan(KEPT)[1]
    retire_user_data(user_id=alice.id)

    retire_user_data(user_id=alice.id)
    retire_user_data(user_id=987654321)

    assert _scan(SECRET)[1] == {}
    assert _scan(KEPT)[1] == kept_before


def test_the_endpoint_erases_the_learner_and_answers_204(seeded):
    alice, _ = seeded
    staff = UserFactory(username="retirer", is_staff=True)

    response = client_for(staff).post(reverse("edx_proctoring:user_retirement_api", args=[alice.id]))

    assert response.status_code == 204
    assert _scan(SECRET)[1] == {}


def test_the_endpoint_refuses_a_caller_without_the_retire_permission(seeded):
    alice, bob = seeded

    response = client_for(bob).post(reverse("edx_proctoring:user_retirement_api", args=[alice.id]))

    assert response.status_code == 403
    assert set(_scan(SECRET)[1]) >= {"proctoring_proctoredexamstudentallowancehistory", "proctoring_auditentry"}
