"""Reviews that never arrive: the overdue-review task asks the mock vendor, applies its verdict, or records
the attempt for the admin list and one daily digest."""

from datetime import timedelta

import pytest
from django.contrib import admin
from django.core import mail
from django.urls import include, path, reverse

from edx_proctoring.mock_vendor.state import FAULT_DROP_CALLBACKS
from edx_proctoring.models import (
    ProctoredExamOverdueReview,
    ProctoredExamSoftwareSecureReview,
    ProctoredExamStudentAttempt,
    ProctoringAuditEntry,
    ProctoringVendorCall,
)
from edx_proctoring.overdue_reviews import (
    OverdueAnswer,
    chase_overdue_reviews,
    send_overdue_review_digests,
)
from edx_proctoring.statuses import ProctoredExamStudentAttemptStatus as Status
from edx_proctoring.tests.factories import AttemptFactory, ProctoredExamFactory, UserFactory
from edx_proctoring.timing import now

pytestmark = pytest.mark.django_db

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/", include(("edx_proctoring.urls", "edx_proctoring"), namespace="edx_proctoring")),
]

FOUR_DAYS_AGO = timedelta(days=4)


@pytest.fixture
def exam(vendor):
    return ProctoredExamFactory(backend="mock_vendor", external_id="vendor-exam-1", exam_name="Final exam")


def submitted_attempt(vendor, exam, *, username, submitted_ago=FOUR_DAYS_AGO, verdict=None):
    """A proctored attempt the learner submitted `submitted_ago`, known to the vendor (which reviews it
    when its auto_review is on)."""
    vendor_attempt = vendor.state.create_attempt(exam.external_id, {"user_id": username})
    if verdict:
        vendor.set_verdict(verdict, attempt_id=vendor_attempt.id)
    vendor.state.set_attempt_status(vendor_attempt, "submitted")
    vendor.attempt_status_changed(vendor_attempt, "submitted")
    return AttemptFactory(
        proctored_exam=exam,
        user=UserFactory(username=username),
        external_id=vendor_attempt.id,
        status=Status.submitted,
        started_at=now() - submitted_ago - timedelta(hours=1),
        completed_at=now() - submitted_ago,
    )


def status_of(attempt):
    return ProctoredExamStudentAttempt.objects.get(id=attempt.id).status


class TestAReviewTheVendorDropped:
    def test_the_task_fetches_the_verdict_and_the_attempt_is_verified(self, vendor, exam, host_services):
        vendor.set_fault(FAULT_DROP_CALLBACKS, scope="all")
        attempt = submitted_attempt(vendor, exam, username="dropped")
        [dropped] = vendor.deliver_callbacks()
        assert dropped.dropped and status_of(attempt) == Status.submitted

        result = chase_overdue_reviews()

        assert result.applied == 1 and result.flagged == 0
        assert status_of(attempt) == Status.verified
        review = ProctoredExamSoftwareSecureReview.objects.get(attempt_code=attempt.attempt_code)
        assert review.review_status == "Clean" and review.reviewed_by is None
        entry = ProctoringAuditEntry.objects.get(attempt_id=attempt.id, action="overdue_review.verdict_fetched")
        assert entry.actor is None
        assert (entry.details["status_before"], entry.details["status_after"]) == ("submitted", "verified")
        assert not ProctoredExamOverdueReview.objects.filter(attempt=attempt).exists()
        call = ProctoringVendorCall.objects.get(operation="GET attempt.review")
        assert (call.backend, call.attempt_id, call.outcome, call.http_status) == ("mock_vendor", attempt.id, "ok", 200)

    def test_a_suspicious_verdict_goes_to_second_review_as_a_callback_would(self, vendor, exam, host_services):
        vendor.set_fault(FAULT_DROP_CALLBACKS, scope="all")
        attempt = submitted_attempt(vendor, exam, username="suspect", verdict="suspicious")
        vendor.deliver_callbacks()

        chase_overdue_reviews()

        assert status_of(attempt) == Status.second_review_required

    def test_an_attempt_not_yet_overdue_is_left_alone(self, vendor, exam, host_services):
        vendor.set_fault(FAULT_DROP_CALLBACKS, scope="all")
        attempt = submitted_attempt(vendor, exam, username="recent", submitted_ago=timedelta(hours=2))
        vendor.deliver_callbacks()

        assert chase_overdue_reviews().as_dict()["applied"] == 0
        assert status_of(attempt) == Status.submitted
        assert not ProctoringVendorCall.objects.exists()

    def test_the_limit_is_per_backend(self, vendor, exam, host_services, settings):
        settings.PROCTORING_SETTINGS = {**settings.PROCTORING_SETTINGS, "REVIEW_OVERDUE_HOURS": {"mock_vendor": 1}}
        vendor.set_fault(FAULT_DROP_CALLBACKS, scope="all")
        attempt = submitted_attempt(vendor, exam, username="hourly", submitted_ago=timedelta(hours=2))
        vendor.deliver_callbacks()

        chase_overdue_reviews()

        assert status_of(attempt) == Status.verified


class TestAReviewTheVendorNeverMade:
    @pytest.fixture
    def waiting(self, vendor, exam):
        vendor.auto_review = False
        return submitted_attempt(vendor, exam, username="waiting")

    def test_it_is_recorded_once_and_asked_again_on_each_run(self, waiting, host_services):
        first = chase_overdue_reviews()
        second = chase_overdue_reviews()

        assert (first.flagged, second.flagged, second.still_overdue) == (1, 0, 1)
        record = ProctoredExamOverdueReview.objects.get(attempt=waiting)
        assert (record.times_asked, record.last_answer, record.backend) == (2, OverdueAnswer.NO_REVIEW, "mock_vendor")
        assert ProctoringAuditEntry.objects.filter(attempt_id=waiting.id, action="overdue_review.flagged").count() == 1
        assert status_of(waiting) == Status.submitted
        assert ProctoredExamOverdueReview.objects.filter(attempt=waiting, resolved_at__isnull=True).exists()

    @pytest.mark.urls(__name__)
    def test_it_shows_in_the_admin_list_and_the_vendor_is_asked_again_from_there(
        self, vendor, waiting, host_services, admin_client
    ):
        chase_overdue_reviews()
        changelist = reverse("admin:edx_proctoring_proctoredexamoverduereview_changelist")

        page = admin_client.get(changelist)
        assert page.status_code == 200
        assert "waiting" in page.content.decode() and "Final exam" in page.content.decode()

        vendor.post_review(waiting.external_id, verdict="passed")  # the vendor reviews; its callback has no LMS
        record = ProctoredExamOverdueReview.objects.get(attempt=waiting)
        response = admin_client.post(
            changelist, {"action": "ask_vendor_again", "_selected_action": [record.id]}, follow=True
        )

        assert response.status_code == 200
        assert "got its verdict from the vendor" in response.content.decode()
        assert status_of(waiting) == Status.verified
        assert ProctoredExamOverdueReview.objects.get(attempt=waiting).resolved_at is not None
        assert "waiting" not in admin_client.get(changelist).content.decode()

    def test_one_digest_goes_to_the_course_escalation_address(self, waiting, host_services):
        host_services["instructor"].escalation_email = "escalation@example.org"
        chase_overdue_reviews()

        assert send_overdue_review_digests() == 1
        assert send_overdue_review_digests() == 0
        chase_overdue_reviews()
        assert send_overdue_review_digests() == 0

        [digest] = mail.outbox
        assert digest.to == ["escalation@example.org"]
        assert digest.subject == "Proctoring: 1 review is overdue"
        assert f"attempt {waiting.id} of waiting" in digest.body and "Final exam" in digest.body

    def test_a_course_without_an_escalation_address_goes_to_the_operator(self, waiting, host_services, settings):
        settings.PROCTORING_SETTINGS = {**settings.PROCTORING_SETTINGS, "OVERDUE_REVIEW_EMAIL": "ops@example.org"}
        chase_overdue_reviews()

        send_overdue_review_digests()

        assert [message.to for message in mail.outbox] == [["ops@example.org"]]

    def test_without_any_address_no_digest_is_sent_and_the_attempt_waits_for_one(self, waiting, host_services):
        chase_overdue_reviews()

        assert send_overdue_review_digests() == 0
        assert ProctoredExamOverdueReview.objects.get(attempt=waiting).digest_sent_at is None

    def test_an_unreachable_vendor_is_recorded_as_such(self, vendor, waiting, host_services):
        vendor.set_fault("server_error", scope="attempt")

        chase_overdue_reviews()

        assert ProctoredExamOverdueReview.objects.get(attempt=waiting).last_answer == OverdueAnswer.UNREACHABLE
        call = ProctoringVendorCall.objects.get(operation="GET attempt.review")
        assert (call.outcome, call.http_status, call.error) == ("failed", 500, "HTTP 500")

    def test_a_review_that_arrives_later_closes_the_record(self, vendor, waiting, host_services):
        chase_overdue_reviews()
        ProctoredExamStudentAttempt.objects.filter(id=waiting.id).update(status=Status.verified)

        assert chase_overdue_reviews().resolved == 1
        assert not ProctoredExamOverdueReview.objects.filter(attempt=waiting, resolved_at__isnull=True).exists()


def test_a_backend_that_cannot_be_asked_has_its_attempts_recorded(host_services, test_backend):
    attempt = AttemptFactory(status=Status.submitted, completed_at=now() - FOUR_DAYS_AGO)

    chase_overdue_reviews()

    assert ProctoredExamOverdueReview.objects.get(attempt=attempt).last_answer == OverdueAnswer.CANNOT_ASK


@pytest.mark.parametrize("blank", [None, ""])
def test_an_exam_without_a_backend_name_is_chased_with_the_default_backend(
    host_services, test_backend, settings, blank
):
    # Given a default backend that reviews, and an overdue attempt at an exam whose backend is left blank
    settings.PROCTORING_BACKENDS = {**settings.PROCTORING_BACKENDS, "DEFAULT": "test"}
    attempt = AttemptFactory(
        proctored_exam=ProctoredExamFactory(backend=blank), status=Status.submitted, completed_at=now() - FOUR_DAYS_AGO
    )

    # When the overdue reviews are chased
    chase_overdue_reviews()

    # Then it is recorded as the default backend's attempts are
    assert ProctoredExamOverdueReview.objects.get(attempt=attempt).last_answer == OverdueAnswer.CANNOT_ASK
