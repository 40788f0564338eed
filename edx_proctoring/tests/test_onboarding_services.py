"""The onboarding services behind the REST views: a learner's status (which exam, the vendor's profile) and
the course panel (where the rows come from, how a page is read)."""

from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import pytest
from opaque_keys.edx.keys import UsageKey
from waffle.testutils import override_switch

from edx_proctoring import runtime
from edx_proctoring.constants import ONBOARDING_PROFILE_INSTRUCTOR_DASHBOARD_API
from edx_proctoring.exceptions import BackendProviderOnboardingProfilesException
from edx_proctoring.identity import obscured_user_id
from edx_proctoring.onboarding import OnboardingStatusUnavailable, Unavailable, learner_onboarding_status
from edx_proctoring.onboarding_dashboard import OnboardingProfilesUnavailable, course_onboarding_panel
from edx_proctoring.tests.factories import COURSE_ID, AttemptFactory, PracticeExamFactory, UserFactory
from edx_proctoring.tests.test_services import MockLearningSequencesService

pytestmark = pytest.mark.django_db


def _outline(*, accessible=(), schedule=None):
    runtime.set_runtime_service(
        "learning_sequences",
        MockLearningSequencesService(
            accessible_sequences={UsageKey.from_string(exam.content_id) for exam in accessible},
            schedule_sequences={
                UsageKey.from_string(exam.content_id): entry for exam, entry in (schedule or {}).items()
            },
        ),
    )


def _entry(*, start, due=None):
    return SimpleNamespace(effective_start=start, due=due)


# --- learner_onboarding_status ------------------------------------------------------------------------------


def test_given_an_open_onboarding_exam_when_asked_then_it_is_linked_with_the_learners_status(host_services):
    learner = UserFactory()
    exam = PracticeExamFactory()
    _outline(accessible=[exam])
    AttemptFactory(proctored_exam=exam, user=learner, status="submitted")

    status = learner_onboarding_status(course_id=COURSE_ID, user=learner, is_learning_mfe=True)

    assert status["onboarding_status"] == "submitted"
    assert exam.content_id in status["onboarding_link"]
    assert (status["onboarding_past_due"], status["expiration_date"]) == (False, None)


def test_given_an_exam_not_yet_open_when_asked_then_it_is_not_linked_and_its_release_date_is_given(host_services):
    learner = UserFactory()
    exam = PracticeExamFactory()
    opens = datetime.now(UTC) + timedelta(days=3)
    _outline(schedule={exam: _entry(start=opens)})

    status = learner_onboarding_status(course_id=COURSE_ID, user=learner, is_learning_mfe=False)

    assert status["onboarding_link"] is None
    assert status["onboarding_release_date"] == opens.isoformat()
    assert status["onboarding_past_due"] is False


def test_given_only_a_past_due_exam_when_asked_then_it_is_reported_past_due(host_services):
    learner = UserFactory()
    exam = PracticeExamFactory()
    now = datetime.now(UTC)
    _outline(schedule={exam: _entry(start=now - timedelta(days=9), due=now - timedelta(days=1))})

    status = learner_onboarding_status(course_id=COURSE_ID, user=learner, is_learning_mfe=False)

    assert (status["onboarding_link"], status["onboarding_past_due"]) == (None, True)


def test_given_only_hidden_onboarding_exams_when_asked_then_none_is_accessible(host_services):
    PracticeExamFactory()
    _outline()

    with pytest.raises(OnboardingStatusUnavailable) as raised:
        learner_onboarding_status(course_id=COURSE_ID, user=UserFactory(), is_learning_mfe=False)

    assert raised.value.reason == Unavailable.NONE_ACCESSIBLE


def test_given_a_backend_that_does_not_onboard_when_asked_then_there_is_no_onboarding_exam(host_services):
    PracticeExamFactory(backend="mock_proctoring_without_rules")

    with pytest.raises(OnboardingStatusUnavailable) as raised:
        learner_onboarding_status(course_id=COURSE_ID, user=UserFactory(), is_learning_mfe=False)

    assert raised.value.reason == Unavailable.NO_ONBOARDING_EXAM


@pytest.fixture
def profile_api(settings):
    settings.PROCTORING_SETTINGS = {**getattr(settings, "PROCTORING_SETTINGS", {}), "USE_ONBOARDING_PROFILE_API": True}


def test_given_the_vendors_profile_when_asked_then_the_vendor_decides_the_status(
    host_services, test_backend, profile_api
):
    learner = UserFactory()
    exam = PracticeExamFactory()
    _outline(accessible=[exam])
    AttemptFactory(proctored_exam=exam, user=learner, status="submitted")
    asked = []

    def profile(course_id, **filters):
        asked.append(filters)
        return {"status": "approved-in-course", "expiration_date": "2027-01-01"}

    test_backend.get_onboarding_profile_info = profile

    status = learner_onboarding_status(course_id=COURSE_ID, user=learner, is_learning_mfe=False)

    assert (status["onboarding_status"], status["expiration_date"]) == ("verified", "2027-01-01")
    assert asked == [{"user_id": obscured_user_id(learner.id, "test")}]


def test_given_a_failing_vendor_when_asked_then_the_local_attempts_decide(host_services, test_backend, profile_api):
    learner = UserFactory()
    exam = PracticeExamFactory()
    _outline(accessible=[exam])
    AttemptFactory(proctored_exam=exam, user=learner, status="submitted")

    def failing(course_id, **filters):
        raise BackendProviderOnboardingProfilesException("down", 503)

    test_backend.get_onboarding_profile_info = failing

    status = learner_onboarding_status(course_id=COURSE_ID, user=learner, is_learning_mfe=False)

    assert status["onboarding_status"] == "submitted"


def test_given_a_vendor_without_profiles_when_asked_then_the_status_is_unavailable(host_services, profile_api):
    exam = PracticeExamFactory()
    _outline(accessible=[exam])

    with pytest.raises(OnboardingStatusUnavailable) as raised:
        learner_onboarding_status(course_id=COURSE_ID, user=UserFactory(), is_learning_mfe=False)

    assert (raised.value.reason, raised.value.vendor_name) == (Unavailable.NO_PROFILE_API, "test")


# --- course_onboarding_panel --------------------------------------------------------------------------------


def test_given_learners_when_the_panel_is_read_by_slices_then_each_slice_reads_its_rows(host_services):
    exam = PracticeExamFactory()
    learners = [UserFactory(username=f"p{index}") for index in range(4)]
    AttemptFactory(proctored_exam=exam, user=learners[2], status="verified")

    panel = course_onboarding_panel(course_id=COURSE_ID, text_search=None, statuses=None)

    assert (panel.count, panel.use_onboarding_profile_api) == (4, False)
    assert [(row["username"], row["status"]) for row in panel.rows(start=2, stop=4)] == [
        ("p2", "verified"),
        ("p3", "not_started"),
    ]


def test_given_a_status_filter_when_the_panel_is_read_then_only_those_rows_count(host_services):
    exam = PracticeExamFactory()
    learners = [UserFactory(username=f"p{index}") for index in range(3)]
    AttemptFactory(proctored_exam=exam, user=learners[1], status="verified")

    panel = course_onboarding_panel(course_id=COURSE_ID, text_search=None, statuses={"verified"})

    assert panel.count == 1
    assert [row["username"] for row in panel.rows(start=0, stop=25)] == ["p1"]


def test_given_vendor_profiles_when_the_panel_is_read_then_vendor_rows_come_first_then_the_others(
    host_services, test_backend
):
    exam = PracticeExamFactory()
    UserFactory(username="alice")
    bob = UserFactory(username="bob")
    local = AttemptFactory(proctored_exam=exam, user=bob, status="submitted")
    test_backend.get_onboarding_profile_info = lambda course_id, **filters: {
        "results": [
            {"user_id": obscured_user_id(bob.id, "test"), "status": "approved-in-course"},
            {"user_id": "stranger"},
        ]
    }

    with override_switch(ONBOARDING_PROFILE_INSTRUCTOR_DASHBOARD_API, active=True):
        panel = course_onboarding_panel(course_id=COURSE_ID, text_search=None, statuses=None)
        rows = panel.rows(start=0, stop=25)

    assert panel.use_onboarding_profile_api is True
    local.refresh_from_db()
    assert [(row["username"], row["status"], row["modified"]) for row in rows] == [
        ("bob", "verified", local.modified),
        ("alice", "not_started", None),
    ]


def test_given_a_failing_vendor_when_the_panel_uses_profiles_then_the_profiles_are_unavailable(
    host_services, test_backend
):
    PracticeExamFactory()

    def failing(course_id, **filters):
        raise BackendProviderOnboardingProfilesException("down", 503)

    test_backend.get_onboarding_profile_info = failing

    with (
        override_switch(ONBOARDING_PROFILE_INSTRUCTOR_DASHBOARD_API, active=True),
        pytest.raises(OnboardingProfilesUnavailable),
    ):
        course_onboarding_panel(course_id=COURSE_ID, text_search=None, statuses=None)


def test_given_no_onboarding_exam_when_the_panel_is_read_then_it_is_unavailable(host_services):
    with pytest.raises(OnboardingStatusUnavailable) as raised:
        course_onboarding_panel(course_id=COURSE_ID, text_search=None, statuses=None)

    assert raised.value.reason == Unavailable.NO_ONBOARDING_EXAM
