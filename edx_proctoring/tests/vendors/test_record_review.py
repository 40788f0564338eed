"""`reviews.record_review`, the review domain function: plain values in (who called, the site's address), a
`ReviewResult` out, which the callback views turn into their answer."""

import pytest
from django.urls import reverse

from edx_proctoring.attempts.serialization import serialize_attempt
from edx_proctoring.exams import update_exam
from edx_proctoring.models import ProctoredExamSoftwareSecureReview, ProctoredExamStudentAttempt
from edx_proctoring.reviews import ReviewResult, record_review
from edx_proctoring.tests.factories import AttemptFactory, ProctoredExamFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def attempt(db):
    exam = ProctoredExamFactory(backend="test", exam_name="Final")
    return AttemptFactory(proctored_exam=exam, status="submitted", completed_at="2026-01-05T10:00:00Z")


def _status(attempt) -> str:
    return ProctoredExamStudentAttempt.objects.get(id=attempt.id).status


def test_given_a_new_review_when_recorded_then_it_is_accepted_and_applied(instructor, attempt):
    result = record_review(attempt=serialize_attempt(attempt), data={"status": "passed"})

    assert result == ReviewResult(accepted=True)
    assert _status(attempt) == "verified"


def test_given_the_same_review_again_when_recorded_then_it_is_accepted_as_a_replay(instructor, attempt):
    record_review(attempt=serialize_attempt(attempt), data={"status": "passed"})

    result = record_review(attempt=serialize_attempt(attempt), data={"status": "passed"})

    assert (result.accepted, result.replay) == (True, True)


def test_given_an_exam_no_longer_proctored_when_recorded_then_it_is_refused_and_nothing_is_stored(instructor, attempt):
    update_exam(attempt.proctored_exam_id, is_proctored=False)
    fresh = ProctoredExamStudentAttempt.objects.get(id=attempt.id)

    result = record_review(attempt=serialize_attempt(fresh), data={"status": "passed"})

    assert (result.accepted, result.detail) == (False, "Exam no longer proctored")
    assert not ProctoredExamSoftwareSecureReview.objects.exists()


def test_given_a_staff_caller_naming_a_reviewer_when_recorded_then_the_reviewer_is_believed(instructor, attempt):
    staff = UserFactory(username="staff", email="staff@example.org", is_staff=True)

    record_review(
        attempt=serialize_attempt(attempt), data={"status": "violation", "reviewed_by": staff.email}, caller=staff
    )

    assert ProctoredExamSoftwareSecureReview.objects.get().reviewed_by == staff


def test_given_no_caller_naming_a_reviewer_when_recorded_then_nobody_is_recorded(instructor, attempt):
    staff = UserFactory(username="staff", email="staff@example.org", is_staff=True)

    record_review(attempt=serialize_attempt(attempt), data={"status": "violation", "reviewed_by": staff.email})

    assert ProctoredExamSoftwareSecureReview.objects.get().reviewed_by is None


def test_given_the_sites_address_when_a_suspicious_review_is_recorded_then_support_gets_a_link_on_it(
    instructor, attempt
):
    record_review(attempt=serialize_attempt(attempt), data={"status": "suspicious"}, site_root="https://lms.example/")

    [(course_id, _exam_name, _username, _status, url)] = instructor.notifications
    path = reverse("edx_proctoring:instructor_dashboard_exam", args=[course_id, attempt.proctored_exam_id])
    assert url == f"https://lms.example{path}?attempt={attempt.external_id}"


def test_given_no_sites_address_when_a_suspicious_review_is_recorded_then_support_is_not_told(instructor, attempt):
    record_review(attempt=serialize_attempt(attempt), data={"status": "suspicious"})

    assert instructor.notifications == []
    assert ProctoredExamSoftwareSecureReview.objects.get().review_status == "Suspicious"
