"""Names 6.1.x exposes that hosts and plugins use (interface §1, §2.10, §8.3, §9.3)."""

from datetime import UTC, datetime
from types import SimpleNamespace

import pytest

from edx_proctoring import api, signals, utils
from edx_proctoring.api import get_exam_attempt_by_id
from edx_proctoring.models import ProctoredExamSoftwareSecureReview, ProctoredExamStudentAttempt
from edx_proctoring.statuses import ProctoredExamStudentAttemptStatus as Status
from edx_proctoring.tests.factories import AttemptFactory, ProctoredExamFactory, TimedExamFactory, UserFactory
from edx_proctoring.views.callbacks import AnonymousReviewCallback, ProctoredExamReviewCallback

USAGE_KEY = "block-v1:edX+Proctoring+2026+type@sequential+block@exam"


# -- utils.get_visibility_check_date ---------------------------------------------------------------------


def _schedule(*, due=None, course_end=None):
    return SimpleNamespace(sequences={USAGE_KEY: SimpleNamespace(due=due)}, course_end=course_end)


def test_the_visibility_date_is_the_sequence_due_date_else_the_course_end_else_never():
    due = datetime(2026, 5, 1, tzinfo=UTC)
    end = datetime(2026, 6, 1, tzinfo=UTC)

    assert utils.get_visibility_check_date(_schedule(due=due, course_end=end), USAGE_KEY) == due
    assert utils.get_visibility_check_date(_schedule(course_end=end), USAGE_KEY) == end
    assert utils.get_visibility_check_date(_schedule(), USAGE_KEY) == datetime.max.replace(tzinfo=UTC)


# -- api.exam_attempt_status_signal ----------------------------------------------------------------------


@pytest.mark.django_db
def test_a_receiver_connected_through_the_api_name_hears_attempt_status_changes(test_backend):
    assert api.exam_attempt_status_signal is signals.exam_attempt_status_signal
    heard = []

    def receiver(sender, **kwargs):
        heard.append((sender, kwargs["status"]))

    api.exam_attempt_status_signal.connect(receiver, dispatch_uid="dropin-names")
    try:
        attempt = AttemptFactory(status=Status.created)
        api.update_attempt_status(attempt.id, Status.declined)
    finally:
        api.exam_attempt_status_signal.disconnect(dispatch_uid="dropin-names")

    assert heard == [("edx_proctoring", Status.declined)]


# -- make_review without a request -----------------------------------------------------------------------


def _submitted_attempt(exam=None):
    attempt = AttemptFactory(
        proctored_exam=exam or ProctoredExamFactory(), status=Status.submitted, completed_at=datetime.now(UTC)
    )
    return get_exam_attempt_by_id(attempt.id)


@pytest.mark.django_db
@pytest.mark.parametrize("callback_class", [ProctoredExamReviewCallback, AnonymousReviewCallback])
def test_given_no_request_when_a_review_is_made_then_it_is_stored_and_applied(callback_class, test_backend):
    attempt = _submitted_attempt()
    UserFactory(username="reviewer", email="reviewer@example.org", is_staff=True)
    data = {
        "status": "passed",
        "comments": [{"comment": "fine", "status": "ok"}],
        "reviewed_by": "reviewer@example.org",
    }

    response = callback_class().make_review(attempt, data)

    assert (response.status_code, response.data) == (200, "OK")
    review = ProctoredExamSoftwareSecureReview.objects.get(attempt_code=attempt["attempt_code"])
    assert review.review_status == "Clean"
    assert review.reviewed_by is None  # nobody authenticated vouches for the claimed reviewer
    assert list(review.proctoredexamsoftwaresecurecomment_set.values_list("comment", flat=True)) == ["fine"]
    assert ProctoredExamStudentAttempt.objects.get(id=attempt["id"]).status == Status.verified


@pytest.mark.django_db
def test_given_an_explicit_backend_and_no_request_then_that_backend_converts_the_review(test_backend):
    attempt = _submitted_attempt()
    seen = []

    class Converting:
        def on_review_callback(self, attempt, payload):
            seen.append(payload["verdict"])
            return {"status": "suspicious", "comments": []}

    response = ProctoredExamReviewCallback().make_review(attempt, {"verdict": "looked odd"}, backend=Converting())

    assert response.status_code == 200
    assert seen == ["looked odd"]
    assert ProctoredExamSoftwareSecureReview.objects.get(attempt_code=attempt["attempt_code"]).review_status == (
        "Suspicious"
    )


@pytest.mark.django_db
def test_given_an_exam_no_longer_proctored_and_no_request_then_412_and_nothing_stored():
    attempt = _submitted_attempt(TimedExamFactory())

    response = ProctoredExamReviewCallback().make_review(attempt, {"status": "passed", "comments": []})

    assert (response.status_code, response.data) == (412, "Exam no longer proctored")
    assert not ProctoredExamSoftwareSecureReview.objects.exists()


# -- model __str__ (§1.1) --------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("is_active, state", [(True, "active"), (False, "inactive")])
def test_an_exam_reads_as_course_name_and_state(is_active, state):
    exam = ProctoredExamFactory(course_id="course-v1:edX+DemoX+2026", exam_name="Final", is_active=is_active)

    assert str(exam) == f"course-v1:edX+DemoX+2026: Final ({state})"
