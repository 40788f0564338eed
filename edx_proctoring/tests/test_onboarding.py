"""Onboarding status of learners, the onboarding exam link and exam accessibility by date."""

from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import pytest
import time_machine
from opaque_keys.edx.keys import CourseKey, UsageKey

from edx_proctoring import runtime
from edx_proctoring.onboarding import (
    categorize_inaccessible_exams_by_date,
    get_last_verified_onboarding_attempts_per_user,
    get_onboarding_attempt_data_for_learner,
    get_onboarding_exam_link,
    get_user_course_outline_details,
    get_visibility_check_date,
)
from edx_proctoring.statuses import ProctoredExamStudentAttemptStatus as Status
from edx_proctoring.tests.factories import (
    COURSE_ID,
    AttemptFactory,
    PracticeExamFactory,
    ProctoredExamFactory,
    UserFactory,
)
from edx_proctoring.tests.test_services import MockLearningSequencesService

NOW = datetime(2026, 3, 1, 12, tzinfo=UTC)
OTHER_COURSE_ID = "course-v1:edX+Other+2026"


@pytest.fixture
def frozen_now():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def _verified_onboarding(user, *, at, backend="test", course_id=COURSE_ID, **exam_kwargs):
    with time_machine.travel(at, tick=False):
        exam = PracticeExamFactory(backend=backend, course_id=course_id, **exam_kwargs)
        return AttemptFactory(user=user, proctored_exam=exam, status=Status.verified)


def _sequences(**schedule):
    """A schedule entry with the given `effective_start` / `due`."""
    return SimpleNamespace(effective_start=schedule.get("effective_start"), due=schedule.get("due"))


def _details(accessible=(), sequences=None, course_end=None):
    return MockLearningSequencesService(
        accessible_sequences=set(accessible), schedule_sequences=sequences or {}, course_end=course_end
    ).get_user_course_outline_details(None, None, None)


# --- get_last_verified_onboarding_attempts_per_user ------------------------------------------------------


@pytest.mark.django_db
def test_given_several_verified_attempts_when_listed_per_user_then_the_newest_of_each_user(frozen_now):
    alice, bob = UserFactory(), UserFactory()
    _verified_onboarding(alice, at=NOW - timedelta(days=30))
    alice_newest = _verified_onboarding(alice, at=NOW - timedelta(days=2))
    bob_only = _verified_onboarding(bob, at=NOW - timedelta(days=10), course_id=OTHER_COURSE_ID)

    result = get_last_verified_onboarding_attempts_per_user([alice, bob], "test")

    assert result == {alice.id: alice_newest, bob.id: bob_only}


@pytest.mark.django_db
def test_given_attempts_that_do_not_count_when_listed_per_user_then_they_are_left_out(frozen_now):
    user = UserFactory()
    _verified_onboarding(user, at=NOW - timedelta(days=366))  # too old
    _verified_onboarding(user, at=NOW - timedelta(days=1), backend="mock")  # other vendor
    with time_machine.travel(NOW - timedelta(days=1), tick=False):
        AttemptFactory(user=user, proctored_exam=PracticeExamFactory(), status=Status.submitted)
        AttemptFactory(user=user, proctored_exam=ProctoredExamFactory(), status=Status.verified)  # not practice
        AttemptFactory(
            user=user, proctored_exam=PracticeExamFactory(), status=Status.verified, taking_as_proctored=False
        )

    assert get_last_verified_onboarding_attempts_per_user([user], "test") == {}


@pytest.mark.django_db
def test_given_attempt_verified_just_inside_the_window_when_listed_then_it_counts(frozen_now):
    user = UserFactory()
    inside = _verified_onboarding(user, at=NOW - timedelta(days=365) + timedelta(seconds=1))

    assert get_last_verified_onboarding_attempts_per_user([user.id], "test") == {user.id: inside}


@pytest.mark.django_db
def test_given_attempt_verified_exactly_a_year_ago_when_listed_then_it_has_expired(frozen_now):
    user = UserFactory()
    _verified_onboarding(user, at=NOW - timedelta(days=365))

    assert get_last_verified_onboarding_attempts_per_user([user.id], "test") == {}


@pytest.mark.django_db
def test_given_verified_attempt_on_inactive_exam_when_listed_then_it_still_counts(frozen_now):
    user = UserFactory()
    attempt = _verified_onboarding(user, at=NOW - timedelta(days=3), is_active=False)

    assert get_last_verified_onboarding_attempts_per_user([user], "test") == {user.id: attempt}


@pytest.mark.django_db
@pytest.mark.parametrize("user_count", [1, 25])
def test_given_any_number_of_users_when_listed_per_user_then_one_query(
    frozen_now, django_assert_num_queries, user_count
):
    users = [UserFactory() for _ in range(user_count)]
    for user in users:
        _verified_onboarding(user, at=NOW - timedelta(days=1))

    with django_assert_num_queries(1):
        result = get_last_verified_onboarding_attempts_per_user(users, "test")
        courses = {attempt.proctored_exam.course_id for attempt in result.values()}

    assert len(result) == user_count
    assert courses == {COURSE_ID}


# --- get_onboarding_attempt_data_for_learner ---------------------------------------------------------------


@pytest.mark.django_db
def test_given_verified_attempt_in_course_when_read_then_verified_with_expiration(frozen_now):
    user = UserFactory()
    attempt = _verified_onboarding(user, at=NOW - timedelta(days=10))

    assert get_onboarding_attempt_data_for_learner(COURSE_ID, user, "test") == {
        "onboarding_status": "verified",
        "expiration_date": attempt.modified + timedelta(days=365),
    }


@pytest.mark.django_db
def test_given_verified_then_newer_failed_attempt_in_course_when_read_then_verified_wins(frozen_now):
    user = UserFactory()
    verified = _verified_onboarding(user, at=NOW - timedelta(days=10))
    with time_machine.travel(NOW - timedelta(days=1), tick=False):
        AttemptFactory(user=user, proctored_exam=verified.proctored_exam, status=Status.error)

    result = get_onboarding_attempt_data_for_learner(COURSE_ID, user, "test")

    assert result["onboarding_status"] == "verified"
    assert result["expiration_date"] == NOW - timedelta(days=10) + timedelta(days=365)


@pytest.mark.django_db
def test_given_old_verified_attempt_in_course_when_read_then_still_verified_with_past_expiration(frozen_now):
    user = UserFactory()
    _verified_onboarding(user, at=NOW - timedelta(days=400))

    result = get_onboarding_attempt_data_for_learner(COURSE_ID, user, "test")

    assert result == {"onboarding_status": "verified", "expiration_date": NOW - timedelta(days=35)}


@pytest.mark.django_db
def test_given_verified_only_in_other_course_when_read_then_other_course_approved(frozen_now):
    user = UserFactory()
    with time_machine.travel(NOW - timedelta(days=1), tick=False):
        AttemptFactory(user=user, proctored_exam=PracticeExamFactory(), status=Status.submitted)
    elsewhere = _verified_onboarding(user, at=NOW - timedelta(days=20), course_id=OTHER_COURSE_ID)

    assert get_onboarding_attempt_data_for_learner(COURSE_ID, user, "test") == {
        "onboarding_status": "other_course_approved",
        "expiration_date": elsewhere.modified + timedelta(days=365),
    }


@pytest.mark.django_db
def test_given_verified_elsewhere_with_other_vendor_when_read_then_raw_status_of_newest_attempt(frozen_now):
    user = UserFactory()
    exam = PracticeExamFactory()
    with time_machine.travel(NOW - timedelta(days=3), tick=False):
        AttemptFactory(user=user, proctored_exam=exam, status=Status.error)
    with time_machine.travel(NOW - timedelta(days=1), tick=False):
        AttemptFactory(user=user, proctored_exam=exam, status=Status.onboarding_missing)
    _verified_onboarding(user, at=NOW - timedelta(days=5), course_id=OTHER_COURSE_ID, backend="mock")

    assert get_onboarding_attempt_data_for_learner(COURSE_ID, user, "test") == {
        "onboarding_status": "onboarding_missing",
        "expiration_date": None,
    }


@pytest.mark.django_db
def test_given_verified_elsewhere_too_long_ago_when_read_then_not_approved(frozen_now):
    user = UserFactory()
    _verified_onboarding(user, at=NOW - timedelta(days=366), course_id=OTHER_COURSE_ID)

    assert get_onboarding_attempt_data_for_learner(COURSE_ID, user, "test") == {
        "onboarding_status": None,
        "expiration_date": None,
    }


@pytest.mark.django_db
def test_given_attempts_that_are_not_onboarding_in_course_when_read_then_they_are_ignored(frozen_now):
    user = UserFactory()
    AttemptFactory(user=user, proctored_exam=ProctoredExamFactory(), status=Status.verified)
    AttemptFactory(user=user, proctored_exam=PracticeExamFactory(is_active=False), status=Status.rejected)
    AttemptFactory(user=user, proctored_exam=PracticeExamFactory(), status=Status.submitted, taking_as_proctored=False)
    AttemptFactory(proctored_exam=PracticeExamFactory(), status=Status.verified)  # someone else

    assert get_onboarding_attempt_data_for_learner(COURSE_ID, user, "test") == {
        "onboarding_status": None,
        "expiration_date": None,
    }


# --- get_visibility_check_date ---------------------------------------------------------------------------


def test_given_sequence_with_due_date_when_checked_then_due_date():
    key = "seq"
    due = NOW + timedelta(days=1)
    schedule = SimpleNamespace(sequences={key: _sequences(due=due)}, course_end=NOW + timedelta(days=9))

    assert get_visibility_check_date(schedule, key) == due


def test_given_sequence_without_due_date_when_checked_then_course_end():
    end = NOW + timedelta(days=9)
    schedule = SimpleNamespace(sequences={"seq": _sequences()}, course_end=end)

    assert get_visibility_check_date(schedule, "seq") == end
    assert get_visibility_check_date(schedule, "unscheduled") == end


def test_given_no_due_date_and_no_course_end_when_checked_then_never():
    schedule = SimpleNamespace(sequences={}, course_end=None)

    assert get_visibility_check_date(schedule, "seq") == datetime.max.replace(tzinfo=UTC)


# --- categorize_inaccessible_exams_by_date ---------------------------------------------------------------


@pytest.mark.django_db
def test_given_exams_in_every_situation_when_categorized_then_each_lands_in_its_list(frozen_now):
    accessible, unscheduled, future, past_due, open_but_hidden, ended_course = (PracticeExamFactory() for _ in range(6))
    key = {exam.id: UsageKey.from_string(exam.content_id) for exam in (future, past_due, open_but_hidden, ended_course)}
    details = _details(
        accessible={UsageKey.from_string(accessible.content_id)},
        sequences={
            key[future.id]: _sequences(effective_start=NOW + timedelta(days=1)),
            key[past_due.id]: _sequences(effective_start=NOW - timedelta(days=5), due=NOW - timedelta(days=1)),
            key[open_but_hidden.id]: _sequences(effective_start=NOW - timedelta(days=5), due=NOW + timedelta(days=1)),
            key[ended_course.id]: _sequences(effective_start=None),
        },
        course_end=NOW - timedelta(hours=1),
    )
    exams = [accessible, unscheduled, future, past_due, open_but_hidden, ended_course]

    non_date, future_list, past_due_list = categorize_inaccessible_exams_by_date(exams, details)

    assert non_date == [unscheduled, open_but_hidden]
    assert future_list == [future]
    assert past_due_list == [past_due, ended_course]


@pytest.mark.django_db
def test_given_exam_dicts_and_string_keys_when_categorized_then_they_are_understood(frozen_now):
    exam = {"content_id": PracticeExamFactory().content_id}
    details = _details(sequences={exam["content_id"]: _sequences(effective_start=NOW + timedelta(days=1))})

    assert categorize_inaccessible_exams_by_date([exam], details) == ([], [exam], [])


@pytest.mark.django_db
def test_given_every_exam_accessible_when_categorized_then_all_lists_are_empty():
    exams = [PracticeExamFactory(), PracticeExamFactory()]
    details = _details(accessible={UsageKey.from_string(exam.content_id) for exam in exams})

    assert categorize_inaccessible_exams_by_date(exams, details) == ([], [], [])


# --- get_user_course_outline_details -------------------------------------------------------------------------


@pytest.mark.django_db
def test_given_learning_sequences_service_when_outline_is_read_then_it_is_asked_with_course_key_and_now(frozen_now):
    calls = []

    class RecordingService:
        def get_user_course_outline_details(self, course_key, user, at_time):
            calls.append((course_key, user, at_time))
            return "details"

    runtime.set_runtime_service("learning_sequences", RecordingService())
    user = UserFactory()

    assert get_user_course_outline_details(user, COURSE_ID) == "details"
    assert calls == [(CourseKey.from_string(COURSE_ID), user, NOW)]


def test_given_no_learning_sequences_service_when_outline_is_read_then_none():
    assert get_user_course_outline_details(None, COURSE_ID) is None


# --- get_onboarding_exam_link ------------------------------------------------------------------------------------


def _jump_to(exam):
    return f"/courses/{COURSE_ID}/jump_to/{exam.content_id}"


def _onboarding_exams(count, **kwargs):
    """`count` onboarding exams, created one day apart (the last one is the newest)."""
    exams = []
    for day in range(count):
        with time_machine.travel(NOW - timedelta(days=count - day), tick=False):
            exams.append(PracticeExamFactory(**kwargs))
    return exams


def _register_outline(**kwargs):
    runtime.set_runtime_service("learning_sequences", MockLearningSequencesService(**kwargs))


@pytest.mark.django_db
def test_given_no_onboarding_exam_when_link_requested_then_empty():
    ProctoredExamFactory()
    PracticeExamFactory(is_active=False)
    PracticeExamFactory(is_proctored=False)

    assert get_onboarding_exam_link(COURSE_ID, UserFactory(), False) == ""


@pytest.mark.django_db
def test_given_newest_exam_backend_without_onboarding_when_link_requested_then_empty(frozen_now):
    (older,) = _onboarding_exams(1)
    PracticeExamFactory(backend="mock")  # created now: the newest
    _register_outline(accessible_sequences={UsageKey.from_string(older.content_id)})

    assert get_onboarding_exam_link(COURSE_ID, UserFactory(), False) == ""


@pytest.mark.django_db
def test_given_accessible_exams_when_link_requested_then_newest_exam_link(frozen_now):
    exams = _onboarding_exams(2)
    _register_outline(accessible_sequences={UsageKey.from_string(exam.content_id) for exam in exams})

    assert get_onboarding_exam_link(COURSE_ID, UserFactory(), False) == _jump_to(exams[1])


@pytest.mark.django_db
def test_given_learning_mfe_when_link_requested_then_mfe_url(frozen_now, settings):
    (exam,) = _onboarding_exams(1)
    _register_outline(accessible_sequences={UsageKey.from_string(exam.content_id)})

    link = get_onboarding_exam_link(COURSE_ID, UserFactory(), True)

    assert link == f"{settings.LEARNING_MICROFRONTEND_URL}/course/{COURSE_ID}/{exam.content_id}"


@pytest.mark.django_db
def test_given_newest_exam_hidden_when_link_requested_then_next_reachable_exam(frozen_now):
    older, newest = _onboarding_exams(2)
    _register_outline(accessible_sequences={UsageKey.from_string(older.content_id)})

    assert get_onboarding_exam_link(COURSE_ID, UserFactory(), False) == _jump_to(older)


@pytest.mark.django_db
def test_given_newest_exam_not_yet_open_when_link_requested_then_it_is_still_linked(frozen_now):
    older, newest = _onboarding_exams(2)
    _register_outline(
        accessible_sequences={UsageKey.from_string(older.content_id)},
        schedule_sequences={
            UsageKey.from_string(newest.content_id): _sequences(effective_start=NOW + timedelta(days=3))
        },
    )

    assert get_onboarding_exam_link(COURSE_ID, UserFactory(), False) == _jump_to(newest)


@pytest.mark.django_db
def test_given_newest_exam_past_due_when_link_requested_then_it_is_still_linked(frozen_now):
    (exam,) = _onboarding_exams(1)
    _register_outline(
        schedule_sequences={
            UsageKey.from_string(exam.content_id): _sequences(
                effective_start=NOW - timedelta(days=9), due=NOW - timedelta(days=1)
            )
        },
    )

    assert get_onboarding_exam_link(COURSE_ID, UserFactory(), False) == _jump_to(exam)


@pytest.mark.django_db
def test_given_every_exam_hidden_when_link_requested_then_empty(frozen_now):
    _onboarding_exams(2)
    _register_outline(accessible_sequences=set())

    assert get_onboarding_exam_link(COURSE_ID, UserFactory(), False) == ""


@pytest.mark.django_db
def test_given_no_learning_sequences_service_when_link_requested_then_newest_exam(frozen_now):
    exams = _onboarding_exams(2)

    assert get_onboarding_exam_link(COURSE_ID, UserFactory(), False) == _jump_to(exams[1])
