"""Where course staff are sent for the vendor's dashboard: the course's, an exam's, or one attempt's review."""

import pytest
from waffle.testutils import override_switch

from edx_proctoring.constants import REDS_API_REDIRECT
from edx_proctoring.identity import obscured_user_id
from edx_proctoring.instructor_dashboard import DashboardUnavailable, Unavailable, instructor_dashboard_url
from edx_proctoring.tests.factories import (
    COURSE_ID,
    AttemptFactory,
    ProctoredExamFactory,
    ReviewFactory,
    TimedExamFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

OTHER_COURSE_ID = "course-v1:edX+Other+2026"


@pytest.fixture
def staff():
    return UserFactory(username="teacher")


@pytest.fixture
def dashboard_calls(test_backend, monkeypatch):
    """What the `test` backend is asked for (it answers with a URL naming course, exam and attempt)."""
    calls = []
    answer = test_backend.get_instructor_url

    def get_instructor_url(course_id, user, **kwargs):
        calls.append({"user": user, **kwargs})
        return answer(course_id, user, **kwargs)

    monkeypatch.setattr(test_backend, "get_instructor_url", get_instructor_url)
    return calls


def _refusal(**kwargs) -> Unavailable:
    with pytest.raises(DashboardUnavailable) as raised:
        instructor_dashboard_url(**kwargs)
    return raised.value.reason


def test_given_a_course_with_proctored_exams_when_asked_then_its_vendors_course_dashboard(staff, dashboard_calls):
    TimedExamFactory()
    ProctoredExamFactory(backend="test")

    url = instructor_dashboard_url(user=staff, course_id=COURSE_ID)

    assert url == f"/test_dashboard/{COURSE_ID}"
    assert dashboard_calls[0]["user"] == {
        "id": obscured_user_id(staff.id, "test"),
        "full_name": "",
        "email": staff.email,
    }
    assert dashboard_calls[0]["exam_id"] is None


def test_given_an_attempt_of_the_exam_when_asked_then_the_attempts_dashboard_with_its_review_video(
    staff, dashboard_calls
):
    exam = ProctoredExamFactory(backend="test")
    attempt = AttemptFactory(proctored_exam=exam, external_id="ext-1")
    ReviewFactory(attempt_code=attempt.attempt_code, encrypted_video_url=b"video")

    with override_switch(REDS_API_REDIRECT, active=True):
        url = instructor_dashboard_url(user=staff, course_id=COURSE_ID, exam_id=exam.id, attempt_external_id="ext-1")

    assert url == f"/test_dashboard/{COURSE_ID}/{exam.external_id}/ext-1"
    assert bytes(dashboard_calls[0]["encrypted_video_review_url"]) == b"video"


def test_given_an_attempt_of_another_exam_when_asked_then_nothing_is_handed_to_the_vendor(staff, dashboard_calls):
    exam = ProctoredExamFactory(backend="test")
    AttemptFactory(proctored_exam=ProctoredExamFactory(backend="test"), external_id="elsewhere")

    reason = _refusal(user=staff, course_id=COURSE_ID, exam_id=exam.id, attempt_external_id="elsewhere")

    assert reason == Unavailable.NO_SUCH_ATTEMPT
    assert dashboard_calls == []


def test_given_an_exam_of_another_course_when_asked_then_it_is_refused(staff):
    exam = ProctoredExamFactory(course_id=OTHER_COURSE_ID)

    assert _refusal(user=staff, course_id=COURSE_ID, exam_id=exam.id) == Unavailable.EXAM_NOT_IN_COURSE


def test_given_a_course_without_exams_or_proctored_exams_when_asked_then_each_is_refused(staff):
    assert _refusal(user=staff, course_id=COURSE_ID) == Unavailable.NO_EXAMS
    TimedExamFactory()
    assert _refusal(user=staff, course_id=COURSE_ID) == Unavailable.NO_PROCTORED_EXAMS


def test_given_proctored_exams_on_two_vendors_when_the_course_dashboard_is_asked_then_it_is_refused(staff):
    ProctoredExamFactory(backend="test")
    ProctoredExamFactory(backend="mock")

    with pytest.raises(DashboardUnavailable) as raised:
        instructor_dashboard_url(user=staff, course_id=COURSE_ID)

    assert (raised.value.reason, raised.value.backends) == (Unavailable.MULTIPLE_BACKENDS, ("test", "mock"))


def test_given_a_vendor_without_a_dashboard_when_asked_then_it_is_refused(staff, test_backend, monkeypatch):
    ProctoredExamFactory(backend="test")
    monkeypatch.setattr(test_backend, "get_instructor_url", lambda *args, **kwargs: None)

    with pytest.raises(DashboardUnavailable) as raised:
        instructor_dashboard_url(user=staff, course_id=COURSE_ID)

    assert (raised.value.reason, raised.value.vendor_name) == (Unavailable.NO_DASHBOARD, "test")
