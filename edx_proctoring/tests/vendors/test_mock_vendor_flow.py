"""End to end over real HTTP: the LMS (live test server) and the mock vendor drive a proctored attempt.

Creation registers the attempt with the vendor, the vendor calls ``ready``, the learner starts and
submits (the vendor hears both), the vendor posts its review to ``reviewed``, and the attempt reaches
its final status with the learner's e-mail. Callbacks are held by the vendor and delivered by the test,
so the test thread never uses the database while the live server does.
"""

import pytest
from django.core import mail

from edx_proctoring.api import (
    create_exam,
    create_exam_attempt,
    get_exam_attempt_by_id,
    start_exam_attempt,
    stop_exam_attempt,
    update_attempt_status,
)
from edx_proctoring.mock_vendor import MockVendor
from edx_proctoring.models import (
    ProctoredExam,
    ProctoredExamSoftwareSecureComment,
    ProctoredExamSoftwareSecureReview,
    ProctoredExamSoftwareSecureReviewHistory,
)
from edx_proctoring.tests.factories import COURSE_ID, UserFactory
from edx_proctoring.tests.vendors.conftest import configure_backend, lms_auth_for

pytestmark = pytest.mark.django_db(transaction=True)

SUBMITTED_SUBJECT = "Proctoring attempt submitted"
VERIFIED_SUBJECT = "Proctoring attempt verified"
REJECTED_SUBJECT = "Proctoring attempt rejected"


def _subjects():
    return [message.subject for message in mail.outbox]


def _new_exam(name="Final exam", practice=False):
    return create_exam(
        course_id=COURSE_ID,
        content_id=f"block-v1:edX+Proctoring+2026+type@sequential+block@{name.replace(' ', '_')}",
        exam_name=name,
        time_limit_mins=60,
        is_practice_exam=practice,
        backend="mock_vendor",
    )


def _ready_attempt(vendor, *, exam_id, learner):
    """Create the learner's proctored attempt and let the vendor say it is ready; the attempt dict."""
    attempt_id = create_exam_attempt(exam_id, learner.id, taking_as_proctored=True)
    attempt = get_exam_attempt_by_id(attempt_id)
    assert attempt["status"] == "created"
    assert vendor.state.find_attempt(attempt["external_id"]) is not None
    [ready] = vendor.deliver_callbacks()
    assert (ready.kind, ready.status, ready.body) == ("ready", 200, '"OK"')
    assert get_exam_attempt_by_id(attempt_id)["status"] == "ready_to_start"
    return attempt


def _take_and_submit(vendor, *, exam_id, learner, attempt):
    start_exam_attempt(exam_id, learner.id)
    vendor_attempt = vendor.state.find_attempt(attempt["external_id"])
    assert vendor_attempt.status == "started"
    stop_exam_attempt(attempt["id"])
    update_attempt_status(attempt["id"], "submitted")
    assert vendor_attempt.status == "submitted"
    assert _subjects() == [SUBMITTED_SUBJECT]


@pytest.fixture
def learner(transactional_db):
    return UserFactory(username="learner", email="learner@example.org")


def _run_to_review(vendor, verdict, learner):
    vendor.set_verdict(verdict)
    exam_id = _new_exam()
    # The exam was pushed to the vendor when it was created, and keeps the vendor's id.
    assert vendor.state.get_exam(ProctoredExam.objects.get(id=exam_id).external_id) is not None
    attempt = _ready_attempt(vendor, exam_id=exam_id, learner=learner)
    _take_and_submit(vendor, exam_id=exam_id, learner=learner, attempt=attempt)
    [review] = vendor.deliver_callbacks()
    assert (review.kind, review.status, review.body) == ("reviewed", 200, '"OK"')
    return exam_id, attempt, get_exam_attempt_by_id(attempt["id"])


class TestVerdicts:
    def test_passed_is_verified_with_email(self, live_vendor, learner, instructor):
        _exam_id, attempt, final = _run_to_review(live_vendor, "passed", learner)
        assert final["status"] == "verified"
        assert _subjects() == [SUBMITTED_SUBJECT, VERIFIED_SUBJECT]
        assert mail.outbox[-1].to == ["learner@example.org"]
        review = ProctoredExamSoftwareSecureReview.objects.get(attempt_code=attempt["attempt_code"])
        assert (review.review_status, review.reviewed_by) == ("Clean", None)
        assert instructor.notifications == []

    def test_violation_needs_second_review_for_rest_vendors(self, live_vendor, learner, instructor):
        _exam_id, attempt, final = _run_to_review(live_vendor, "violation", learner)
        # REST vendors pass only Clean; a vendor's failing verdict waits for a human second review.
        assert final["status"] == "second_review_required"
        assert _subjects() == [SUBMITTED_SUBJECT]
        review = ProctoredExamSoftwareSecureReview.objects.get(attempt_code=attempt["attempt_code"])
        assert review.review_status == "Rules Violation"
        comments = ProctoredExamSoftwareSecureComment.objects.filter(review=review)
        assert [(c.status, c.start_time, c.stop_time) for c in comments] == [("violation", 300, 420)]
        assert instructor.notifications == []

    def test_violation_passes_when_backend_counts_it_as_passing(self, settings, live_vendor, learner, instructor):
        configure_backend(settings, live_vendor, passing_statuses=["Clean", "Rules Violation"])
        _exam_id, _attempt, final = _run_to_review(live_vendor, "violation", learner)
        assert final["status"] == "verified"
        assert _subjects() == [SUBMITTED_SUBJECT, VERIFIED_SUBJECT]

    def test_violation_rejected_without_second_reviews(self, settings, live_vendor, learner, instructor):
        settings.PROCTORING_SETTINGS = {**settings.PROCTORING_SETTINGS, "REQUIRE_FAILURE_SECOND_REVIEWS": False}
        _exam_id, _attempt, final = _run_to_review(live_vendor, "violation", learner)
        assert final["status"] == "rejected"
        assert _subjects() == [SUBMITTED_SUBJECT, REJECTED_SUBJECT]

    def test_suspicious_escalates_to_support(self, live_server, live_vendor, learner, instructor):
        exam_id, attempt, final = _run_to_review(live_vendor, "suspicious", learner)
        assert final["status"] == "second_review_required"
        assert _subjects() == [SUBMITTED_SUBJECT]
        [(course_id, exam_name, username, review_status, review_url)] = instructor.notifications
        assert (course_id, exam_name, username, review_status) == (COURSE_ID, "Final exam", "learner", "Suspicious")
        expected = f"/api/edx_proctoring/v1/instructor/{COURSE_ID}/{exam_id}?attempt={attempt['external_id']}"
        assert review_url.endswith(expected)
        assert review_url.startswith("http://")

    def test_not_reviewed_is_an_error_and_the_vendor_hears_it(self, live_vendor, learner, instructor):
        _exam_id, attempt, final = _run_to_review(live_vendor, "not_reviewed", learner)
        assert final["status"] == "error"
        assert _subjects() == [SUBMITTED_SUBJECT]
        assert live_vendor.state.find_attempt(attempt["external_id"]).history[-1] == "error"


class TestCallbackBinding:
    def test_ready_and_review_refused_to_other_principals(self, live_server, settings, live_vendor, learner):
        """A principal of another backend (group mock_review) gets 403 from both callbacks."""
        from django.contrib.auth.models import Group

        other = UserFactory(username="other-vendor")
        other.groups.add(Group.objects.create(name="mock_review"))
        exam_id = _new_exam()
        attempt_id = create_exam_attempt(exam_id, learner.id, taking_as_proctored=True)
        external_id = get_exam_attempt_by_id(attempt_id)["external_id"]
        intruder = MockVendor(lms_url=live_server.url, lms_auth=lms_auth_for("other-vendor"), hold_callbacks=True)
        assert intruder.post_ready(external_id).status == 403
        assert intruder.post_review(external_id, verdict="passed").status == 403
        learner_client = MockVendor(lms_url=live_server.url, lms_auth=lms_auth_for("learner"))
        assert learner_client.post_ready(external_id).status == 403
        assert get_exam_attempt_by_id(attempt_id)["status"] == "created"
        assert not ProctoredExamSoftwareSecureReview.objects.exists()


class TestDroppedCallbacks:
    def test_dropped_ready_is_redelivered(self, live_vendor, learner):
        live_vendor.set_fault("drop_callbacks")
        exam_id = _new_exam()
        attempt_id = create_exam_attempt(exam_id, learner.id, taking_as_proctored=True)
        [dropped] = live_vendor.deliver_callbacks()
        assert dropped.dropped and dropped.status is None
        assert get_exam_attempt_by_id(attempt_id)["status"] == "created"
        live_vendor.clear_faults()
        assert live_vendor.redeliver_dropped() == 1
        [ready] = live_vendor.deliver_callbacks()
        assert ready.status == 200
        assert get_exam_attempt_by_id(attempt_id)["status"] == "ready_to_start"


class TestReplays:
    def test_same_review_ten_times_changes_things_once(self, live_vendor, learner, instructor, status_signals):
        comments = [
            {"comment": "Looked away", "status": "violation", "start": 10, "stop": 20, "duration": 10},
            {"comment": "Phone on the desk", "status": "violation", "start": 50, "stop": 55},
        ]
        live_vendor.set_verdict("passed", comments=comments)
        live_vendor.auto_review = False
        exam_id = _new_exam()
        attempt = _ready_attempt(live_vendor, exam_id=exam_id, learner=learner)
        _take_and_submit(live_vendor, exam_id=exam_id, learner=learner, attempt=attempt)
        signals_before = len(status_signals)

        results = [live_vendor.post_review(attempt["external_id"]) for _ in range(10)]

        assert {(result.status, result.body) for result in results} == {(200, '"OK"')}
        review = ProctoredExamSoftwareSecureReview.objects.get()
        assert ProctoredExamSoftwareSecureComment.objects.filter(review=review).count() == 2
        assert ProctoredExamSoftwareSecureReviewHistory.objects.count() == 0
        assert _subjects() == [SUBMITTED_SUBJECT, VERIFIED_SUBJECT]
        assert [signal["status"] for signal in status_signals[signals_before:]] == ["verified"]
        assert get_exam_attempt_by_id(attempt["id"])["status"] == "verified"

        # A different verdict is a new review: archived, applied, comments not duplicated.
        changed = live_vendor.post_review(attempt["external_id"], verdict="suspicious")
        assert changed.status == 200
        assert ProctoredExamSoftwareSecureReview.objects.get().review_status == "Suspicious"
        assert ProctoredExamSoftwareSecureReviewHistory.objects.count() == 1
        assert ProctoredExamSoftwareSecureComment.objects.count() == 2
        assert get_exam_attempt_by_id(attempt["id"])["status"] == "second_review_required"
        assert len(instructor.notifications) == 1


class TestAutomaticCallbacks:
    def test_delays_without_holding(self, settings, live_server, principal, learner, instructor):
        """The vendor as run from the command line: callbacks sent on their own after their delays."""
        with MockVendor(
            lms_url=live_server.url, lms_auth=lms_auth_for(), ready_delay=0.1, review_delay=0.2, verdict="passed"
        ) as vendor:
            configure_backend(settings, vendor)
            exam_id = _new_exam()
            attempt_id = create_exam_attempt(exam_id, learner.id, taking_as_proctored=True)
            assert vendor.wait_for_callbacks(timeout=10)
            assert get_exam_attempt_by_id(attempt_id)["status"] == "ready_to_start"
            start_exam_attempt(exam_id, learner.id)
            update_attempt_status(attempt_id, "submitted")
            assert vendor.wait_for_callbacks(timeout=10)
            assert [(r.kind, r.status) for r in vendor.callbacks.results] == [("ready", 200), ("reviewed", 200)]
        assert get_exam_attempt_by_id(attempt_id)["status"] == "verified"
        assert _subjects() == [SUBMITTED_SUBJECT, VERIFIED_SUBJECT]
