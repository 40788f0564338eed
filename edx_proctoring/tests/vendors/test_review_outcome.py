"""`apply_review_outcome`: the §8.2 rules, in their order, and what surrounds them."""

from datetime import UTC, datetime

import pytest

from edx_proctoring.models import ProctoredExamStudentAttempt
from edx_proctoring.reviews import apply_review_outcome
from edx_proctoring.tests.factories import (
    AttemptFactory,
    PracticeExamFactory,
    ProctoredExamFactory,
    ReviewFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

COMPLETED = datetime(2026, 1, 5, 10, 0, tzinfo=UTC)


def _attempt(status="submitted", completed_at=COMPLETED, exam=None, **kwargs):
    exam = exam or ProctoredExamFactory(backend="test")
    return AttemptFactory(proctored_exam=exam, status=status, completed_at=completed_at, **kwargs)


def _review(attempt, review_status, reviewed_by=None):
    return ReviewFactory(
        attempt_code=attempt.attempt_code,
        exam=attempt.proctored_exam,
        student=attempt.user,
        review_status=review_status,
        reviewed_by=reviewed_by,
    )


def _status(attempt):
    return ProctoredExamStudentAttempt.objects.get(id=attempt.id).status


class TestRuleOrder:
    def test_1_archived_attempt_is_left_alone(self, host_services):
        attempt = _attempt()
        review = _review(attempt, "Clean")
        attempt.delete()
        assert apply_review_outcome(review=review) is None
        assert not ProctoredExamStudentAttempt.objects.exists()

    @pytest.mark.parametrize("review_status", ["Clean", "Suspicious", "Not Reviewed"])
    def test_1_reset_onboarding_attempt_is_left_alone(self, host_services, review_status):
        attempt = _attempt(status="onboarding_reset", exam=PracticeExamFactory(backend="test"))
        assert apply_review_outcome(review=_review(attempt, review_status)) is None
        assert _status(attempt) == "onboarding_reset"

    def test_2_passing_review_of_never_submitted_attempt_is_an_error(self, host_services):
        attempt = _attempt(status="started", completed_at=None)
        assert apply_review_outcome(review=_review(attempt, "Clean")) == "error"
        assert _status(attempt) == "error"

    def test_2_a_recorded_timeout_counts_as_submitted(self, host_services):
        attempt = _attempt(status="timed_out", completed_at=None)
        attempt.status = "second_review_required"
        attempt.save()
        assert apply_review_outcome(review=_review(attempt, "Clean")) == "verified"

    def test_2_precedes_a_human_reviewer(self, host_services):
        attempt = _attempt(status="started", completed_at=None)
        reviewer = UserFactory(username="staff", is_staff=True)
        assert apply_review_outcome(review=_review(attempt, "Clean", reviewed_by=reviewer)) == "error"

    @pytest.mark.parametrize("review_status", ["Clean", "Rules Violation"])
    def test_3_passing_is_verified(self, host_services, review_status):
        attempt = _attempt()
        assert apply_review_outcome(review=_review(attempt, review_status)) == "verified"
        assert _status(attempt) == "verified"

    def test_3_passing_list_is_the_backends(self, host_services, settings):
        settings.PROCTORING_BACKENDS = {
            **settings.PROCTORING_BACKENDS,
            "mock_vendor": {"base_url": "http://127.0.0.1:9", "timeout": 1},
        }
        attempt = _attempt(exam=ProctoredExamFactory(backend="mock_vendor", external_id=None))
        attempt.external_id = None
        attempt.save()
        # REST vendors pass only Clean: Rules Violation goes to a second review.
        assert apply_review_outcome(review=_review(attempt, "Rules Violation")) == "second_review_required"

    def test_4_not_reviewed_is_an_error_even_with_a_reviewer(self, host_services, settings):
        settings.PROCTORING_SETTINGS = {**settings.PROCTORING_SETTINGS, "REQUIRE_FAILURE_SECOND_REVIEWS": False}
        attempt = _attempt()
        reviewer = UserFactory(username="staff", is_staff=True)
        assert apply_review_outcome(review=_review(attempt, "Not Reviewed", reviewed_by=reviewer)) == "error"

    def test_5_human_reviewer_rejects(self, host_services):
        attempt = _attempt()
        reviewer = UserFactory(username="staff", is_staff=True)
        assert apply_review_outcome(review=_review(attempt, "Suspicious", reviewed_by=reviewer)) == "rejected"
        assert _status(attempt) == "rejected"
        # The change is attributed to the reviewer.
        assert attempt.history.first().history_user == reviewer

    def test_5_second_reviews_switched_off_rejects(self, host_services, settings):
        settings.PROCTORING_SETTINGS = {**settings.PROCTORING_SETTINGS, "REQUIRE_FAILURE_SECOND_REVIEWS": False}
        attempt = _attempt()
        assert apply_review_outcome(review=_review(attempt, "Suspicious")) == "rejected"

    def test_6_failed_onboarding_attempt_is_rejected(self, host_services):
        attempt = _attempt(exam=PracticeExamFactory(backend="test"))
        assert apply_review_outcome(review=_review(attempt, "Suspicious")) == "rejected"

    def test_6_needs_a_backend_with_onboarding(self, host_services):
        exam = PracticeExamFactory(backend="mock_proctoring_without_rules")
        attempt = _attempt(exam=exam)
        assert apply_review_outcome(review=_review(attempt, "Suspicious")) == "second_review_required"

    def test_7_otherwise_second_review(self, host_services):
        attempt = _attempt()
        assert apply_review_outcome(review=_review(attempt, "Suspicious")) == "second_review_required"
        assert _status(attempt) == "second_review_required"


class TestAround:
    def test_review_received_event_after_the_update(self, host_services, tracked_events):
        attempt = _attempt()
        review = _review(attempt, "Clean")
        apply_review_outcome(review=review)
        names = tracked_events.names()
        assert names[-1] == "edx.special_exam.proctored.attempt.review_received"
        assert "edx.special_exam.proctored.attempt.verified" in names
        data = tracked_events.events[-1][1]
        assert data["review_attempt_code"] == attempt.attempt_code
        assert data["review_status"] == "Clean"
        # Built from the attempt as it was before the update.
        assert data["attempt_status"] == "submitted"

    def test_event_also_when_nothing_changes(self, host_services, tracked_events):
        attempt = _attempt(status="onboarding_reset", exam=PracticeExamFactory(backend="test"))
        apply_review_outcome(review=_review(attempt, "Clean"))
        assert tracked_events.names() == ["edx.special_exam.practice.attempt.review_received"]

    def test_saving_a_review_alone_changes_nothing(self, host_services):
        attempt = _attempt()
        _review(attempt, "Suspicious")
        assert _status(attempt) == "submitted"

    def test_unknown_attempt_code(self, host_services):
        review = ReviewFactory(review_status="Clean")
        assert apply_review_outcome(review=review) is None

    def test_same_outcome_twice_is_one_change(self, host_services, status_signals):
        attempt = _attempt()
        review = _review(attempt, "Clean")
        apply_review_outcome(review=review)
        apply_review_outcome(review=review)
        assert [signal["status"] for signal in status_signals] == ["verified"]
