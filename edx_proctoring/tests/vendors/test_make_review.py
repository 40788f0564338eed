"""`make_review` through the REST review callback (and directly): storage, attribution, replays, atomicity."""

import json
from types import SimpleNamespace

import pytest
from django.contrib.auth.models import AnonymousUser, Group
from django.core import mail
from django.urls import reverse
from rest_framework.test import APIClient

from edx_proctoring import reviews
from edx_proctoring.attempts.serialization import serialize_attempt
from edx_proctoring.exams import update_exam
from edx_proctoring.exceptions import ProctoredExamReviewAlreadyExists
from edx_proctoring.models import (
    ProctoredExamSoftwareSecureComment,
    ProctoredExamSoftwareSecureReview,
    ProctoredExamSoftwareSecureReviewHistory,
    ProctoredExamStudentAttempt,
)
from edx_proctoring.tests.factories import AttemptFactory, ProctoredExamFactory, UserFactory

pytestmark = pytest.mark.django_db

COMMENT = {"comment": "Looked at a phone", "status": "suspicious", "start": 5, "stop": 9, "duration": 4}


@pytest.fixture
def principal(db):
    user = UserFactory(username="test-vendor")
    user.groups.add(Group.objects.get_or_create(name="test_review")[0])
    return user


@pytest.fixture
def staff(db):
    return UserFactory(username="staff", email="staff@example.org", is_staff=True)


@pytest.fixture
def attempt(db):
    exam = ProctoredExamFactory(backend="test", exam_name="Midterm")
    return AttemptFactory(proctored_exam=exam, status="submitted", completed_at="2026-01-05T10:00:00Z")


def _post(user, attempt, body):
    client = APIClient()
    client.force_login(user)
    url = reverse("edx_proctoring:proctored_exam.attempt.callback", args=[attempt.external_id])
    return client.post(url, body, format="json")


def _status(attempt):
    return ProctoredExamStudentAttempt.objects.get(id=attempt.id).status


class TestStoring:
    def test_review_and_comments(self, instructor, principal, attempt):
        response = _post(principal, attempt, {"status": "suspicious", "comments": [COMMENT], "extra": [1]})
        assert (response.status_code, response.json()) == (200, "OK")
        review = ProctoredExamSoftwareSecureReview.objects.get()
        assert (review.attempt_code, review.review_status) == (attempt.attempt_code, "Suspicious")
        assert (review.student_id, review.exam_id) == (attempt.user_id, attempt.proctored_exam_id)
        assert json.loads(review.raw_data)["extra"] == [1]
        [comment] = ProctoredExamSoftwareSecureComment.objects.all()
        assert (comment.start_time, comment.stop_time, comment.duration) == (5, 9, 4)
        assert (comment.comment, comment.status) == ("Looked at a phone", "suspicious")
        assert _status(attempt) == "second_review_required"

    def test_comment_times_default_to_zero(self, instructor, principal, attempt):
        _post(principal, attempt, {"status": "passed", "comments": [{"comment": "ok", "status": "passed"}]})
        comment = ProctoredExamSoftwareSecureComment.objects.get()
        assert (comment.start_time, comment.stop_time, comment.duration) == (0, 0, 0)

    @pytest.mark.parametrize(
        "body",
        [
            {"status": "clean"},
            {"status": None},
            {},
            {"status": "passed", "comments": [{"comment": "no status"}]},
            {"status": "passed", "comments": [{"comment": "x", "status": "y", "start": "later"}]},
            {"status": "passed", "comments": "not a list"},
        ],
    )
    def test_bad_reviews_are_400_and_store_nothing(self, instructor, principal, attempt, body):
        assert _post(principal, attempt, body).status_code == 400
        assert not ProctoredExamSoftwareSecureReview.objects.exists()
        assert _status(attempt) == "submitted"

    def test_exam_no_longer_proctored_is_412(self, instructor, principal, attempt):
        update_exam(attempt.proctored_exam_id, is_proctored=False)
        response = _post(principal, attempt, {"status": "passed"})
        assert (response.status_code, response.json()) == (412, "Exam no longer proctored")
        assert not ProctoredExamSoftwareSecureReview.objects.exists()

    def test_the_callers_body_is_not_changed(self, instructor, attempt, test_backend):
        data = {"status": "passed", "videoReviewLink": "http://video"}
        request = SimpleNamespace(user=AnonymousUser())
        reviews.make_review(attempt=serialize_attempt(attempt), data=data, backend=test_backend, request=request)
        assert data == {"status": "passed", "videoReviewLink": "http://video"}
        assert "videoReviewLink" not in json.loads(ProctoredExamSoftwareSecureReview.objects.get().raw_data)


class TestReviewer:
    def test_vendor_principal_cannot_name_a_reviewer(self, instructor, principal, staff, attempt):
        _post(principal, attempt, {"status": "suspicious", "reviewed_by": staff.email})
        review = ProctoredExamSoftwareSecureReview.objects.get()
        assert review.reviewed_by is None
        assert json.loads(review.raw_data)["reviewed_by"] == staff.email
        # Not a human review: the learner is not failed, support is told.
        assert _status(attempt) == "second_review_required"
        assert len(instructor.notifications) == 1

    def test_global_staff_names_the_reviewer(self, instructor, staff, attempt):
        _post(staff, attempt, {"status": "suspicious", "reviewed_by": staff.email})
        review = ProctoredExamSoftwareSecureReview.objects.get()
        assert review.reviewed_by == staff
        assert _status(attempt) == "rejected"
        assert instructor.notifications == []

    def test_unknown_reviewer_email(self, instructor, staff, attempt):
        _post(staff, attempt, {"status": "suspicious", "reviewed_by": "nobody@example.org"})
        assert ProctoredExamSoftwareSecureReview.objects.get().reviewed_by is None

    def test_course_staff_caller(self, instructor, attempt, test_backend):
        course_staff = UserFactory(username="teacher", email="teacher@example.org")
        instructor.is_user_course_staff = True
        request = SimpleNamespace(user=course_staff, build_absolute_uri=lambda path: "http://lms" + path)
        reviews.make_review(
            attempt=serialize_attempt(attempt),
            data={"status": "violation", "reviewed_by": course_staff.email},
            backend=test_backend,
            request=request,
        )
        assert ProctoredExamSoftwareSecureReview.objects.get().reviewed_by == course_staff


class TestReplays:
    def test_same_review_again_changes_nothing(self, instructor, principal, attempt, status_signals):
        body = {"status": "suspicious", "comments": [COMMENT, COMMENT]}
        for _ in range(3):
            assert _post(principal, attempt, body).json() == "OK"
        assert ProctoredExamSoftwareSecureComment.objects.count() == 2
        assert ProctoredExamSoftwareSecureReviewHistory.objects.count() == 0
        assert len(instructor.notifications) == 1
        assert [signal["status"] for signal in status_signals] == ["second_review_required"]

    def test_comment_order_does_not_matter(self, instructor, principal, attempt):
        other = {**COMMENT, "comment": "Left the room"}
        _post(principal, attempt, {"status": "violation", "comments": [COMMENT, other]})
        _post(principal, attempt, {"status": "violation", "comments": [other, COMMENT]})
        assert ProctoredExamSoftwareSecureReviewHistory.objects.count() == 0

    def test_changed_review_overwrites_and_archives(self, instructor, principal, attempt):
        _post(principal, attempt, {"status": "suspicious", "comments": [COMMENT]})
        extra = {**COMMENT, "comment": "Second look: fine"}
        _post(principal, attempt, {"status": "passed", "comments": [COMMENT, extra]})
        assert ProctoredExamSoftwareSecureReview.objects.get().review_status == "Clean"
        assert ProctoredExamSoftwareSecureReviewHistory.objects.get().review_status == "Suspicious"
        assert sorted(c.comment for c in ProctoredExamSoftwareSecureComment.objects.all()) == [
            "Looked at a phone",
            "Second look: fine",
        ]
        assert _status(attempt) == "verified"
        assert [m.subject for m in mail.outbox] == ["Proctoring attempt verified"]

    def test_updates_refused_when_switched_off_but_replays_answer_ok(self, settings, instructor, principal, attempt):
        settings.PROCTORING_SETTINGS = {**settings.PROCTORING_SETTINGS, "ALLOW_REVIEW_UPDATES": False}
        body = {"status": "suspicious"}
        assert _post(principal, attempt, body).status_code == 200
        assert _post(principal, attempt, body).status_code == 200
        response = _post(principal, attempt, {"status": "passed"})
        assert response.status_code == 400
        assert "already exists" in response.json()["detail"]
        assert ProctoredExamSoftwareSecureReview.objects.get().review_status == "Suspicious"

    def test_already_exists_exception_directly(self, settings, instructor, attempt, test_backend):
        settings.PROCTORING_SETTINGS = {**settings.PROCTORING_SETTINGS, "ALLOW_REVIEW_UPDATES": False}
        request = SimpleNamespace(user=AnonymousUser())
        serialized = serialize_attempt(attempt)
        reviews.make_review(attempt=serialized, data={"status": "passed"}, backend=test_backend, request=request)
        with pytest.raises(ProctoredExamReviewAlreadyExists):
            reviews.make_review(attempt=serialized, data={"status": "violation"}, backend=test_backend, request=request)


class TestAtomicity:
    def test_failing_outcome_stores_nothing(self, instructor, principal, attempt, monkeypatch):
        def explode(*args, **kwargs):
            raise RuntimeError("vendor down")

        monkeypatch.setattr(reviews, "perform_action", explode)
        client = APIClient(raise_request_exception=False)
        client.force_login(principal)
        url = reverse("edx_proctoring:proctored_exam.attempt.callback", args=[attempt.external_id])
        assert client.post(url, {"status": "passed", "comments": [COMMENT]}, format="json").status_code == 500
        assert not ProctoredExamSoftwareSecureReview.objects.exists()
        assert not ProctoredExamSoftwareSecureComment.objects.exists()

    def test_escalation_failure_keeps_the_review(self, instructor, principal, attempt, monkeypatch):
        def broken(**kwargs):
            raise ConnectionError("helpdesk down")

        monkeypatch.setattr(instructor, "send_support_notification", broken)
        assert _post(principal, attempt, {"status": "suspicious"}).status_code == 200
        assert ProctoredExamSoftwareSecureReview.objects.get().review_status == "Suspicious"

    def test_escalation_url(self, instructor, principal, attempt):
        _post(principal, attempt, {"status": "suspicious"})
        [(course_id, exam_name, username, status, url)] = instructor.notifications
        assert (exam_name, username, status) == ("Midterm", attempt.user.username, "Suspicious")
        expected = reverse("edx_proctoring:instructor_dashboard_exam", args=[course_id, attempt.proctored_exam_id])
        assert url == f"http://testserver{expected}?attempt={attempt.external_id}"

    def test_no_escalation_without_a_request(self, instructor, attempt, test_backend):
        reviews.make_review(attempt=serialize_attempt(attempt), data={"status": "suspicious"}, backend=test_backend)
        assert instructor.notifications == []
