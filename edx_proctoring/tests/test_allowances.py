"""Allowances: adding, bulk-adding, listing and removing learners' accommodations."""

from contextlib import contextmanager
from unittest import mock

import pytest
from django.core.exceptions import ImproperlyConfigured
from eventtracking import tracker

from edx_proctoring import allowances
from edx_proctoring.allowances import (
    add_allowance_for_user,
    add_bulk_allowances,
    get_allowances_for_course,
    get_allowances_for_user,
    remove_allowance_for_user,
)
from edx_proctoring.exceptions import (
    AllowanceValueNotAllowedException,
    ProctoredBaseException,
    ProctoredExamNotActiveException,
    ProctoredExamNotFoundException,
    UserNotFoundException,
)
from edx_proctoring.models import ProctoredExamStudentAllowance, ProctoredExamStudentAllowanceHistory
from edx_proctoring.tests.factories import (
    COURSE_ID,
    AllowanceFactory,
    ProctoredExamFactory,
    TimedExamFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

ADDITIONAL_TIME = "additional_time_granted"
REVIEW_POLICY_EXCEPTION = "review_policy_exception"


class RecordingTracker:
    """An event-tracking tracker that keeps what it is given."""

    def __init__(self):
        self.events = []
        self._contexts = {}

    @contextmanager
    def context(self, name, ctx):
        self._contexts[name] = ctx
        try:
            yield
        finally:
            del self._contexts[name]

    def emit(self, name, data):
        merged = {}
        for ctx in self._contexts.values():
            merged.update(ctx)
        self.events.append({"name": name, "data": data, "context": merged})

    @property
    def names(self):
        return [event["name"] for event in self.events]


@pytest.fixture
def events():
    recorder = RecordingTracker()
    previous = tracker.TRACKERS.get(tracker.DEFAULT_TRACKER_NAME)
    tracker.register_tracker(recorder)
    yield recorder
    del tracker.TRACKERS[tracker.DEFAULT_TRACKER_NAME]
    if previous is not None:
        tracker.register_tracker(previous)


@pytest.fixture
def exam():
    return ProctoredExamFactory(time_limit_mins=45)


@pytest.fixture
def learner():
    return UserFactory(username="ada", email="ada@example.org")


def _allowance_rows():
    return list(ProctoredExamStudentAllowance.objects.values_list("proctored_exam_id", "user_id", "key", "value"))


# add_allowance_for_user


def test_given_no_allowance_when_adding_extra_time_then_it_is_stored_and_created_event_is_emitted(
    exam, learner, events
):
    result = add_allowance_for_user(exam.id, learner.id, ADDITIONAL_TIME, "30")

    assert result is None
    assert _allowance_rows() == [(exam.id, learner.id, ADDITIONAL_TIME, "30")]
    assert ProctoredExamStudentAllowanceHistory.objects.count() == 0
    assert len(events.events) == 1
    event = events.events[0]
    assert event["name"] == "edx.special_exam.proctored.allowance.created"
    assert event["data"]["exam_id"] == exam.id
    assert event["data"]["allowance_user_id"] == learner.id
    assert event["data"]["allowance_key"] == ADDITIONAL_TIME
    assert event["data"]["allowance_value"] == "30"
    assert event["context"] == {"course_id": COURSE_ID, "org_id": "edX"}


def test_given_existing_allowance_when_adding_again_then_value_is_replaced_archived_and_updated_event_is_emitted(
    exam, learner, events
):
    add_allowance_for_user(exam.id, learner.id, ADDITIONAL_TIME, "30")

    add_allowance_for_user(exam.id, learner.id, ADDITIONAL_TIME, "45")

    assert _allowance_rows() == [(exam.id, learner.id, ADDITIONAL_TIME, "45")]
    history = list(ProctoredExamStudentAllowanceHistory.objects.values_list("key", "value", "user_id"))
    assert history == [(ADDITIONAL_TIME, "30", learner.id)]
    assert events.names == [
        "edx.special_exam.proctored.allowance.created",
        "edx.special_exam.proctored.allowance.updated",
    ]
    assert events.events[1]["data"]["allowance_value"] == "45"


@pytest.mark.parametrize("user_info", ["ada", "ada@example.org"])
def test_given_username_or_email_when_adding_then_the_matching_user_gets_the_allowance(exam, learner, user_info):
    add_allowance_for_user(exam.id, user_info, ADDITIONAL_TIME, "10")

    assert _allowance_rows() == [(exam.id, learner.id, ADDITIONAL_TIME, "10")]


def test_given_key_as_model_tuple_when_adding_then_the_stored_key_is_its_first_element(exam, learner):
    add_allowance_for_user(exam.id, learner.id, ProctoredExamStudentAllowance.ADDITIONAL_TIME_GRANTED, "5")

    assert _allowance_rows() == [(exam.id, learner.id, ADDITIONAL_TIME, "5")]


def test_given_review_policy_exception_when_adding_free_text_then_it_is_stored(exam, learner):
    add_allowance_for_user(exam.id, learner.id, REVIEW_POLICY_EXCEPTION, "May use a calculator")

    assert _allowance_rows() == [(exam.id, learner.id, REVIEW_POLICY_EXCEPTION, "May use a calculator")]


def test_given_timed_exam_when_adding_then_event_has_the_timed_type(learner, events):
    timed = TimedExamFactory()

    add_allowance_for_user(timed.id, learner.id, ADDITIONAL_TIME, "0")

    assert events.names == ["edx.special_exam.timed.allowance.created"]


@pytest.mark.parametrize("value", ["-5", "1.5", "", "abc", " 5", "²", None, 2.5])
def test_given_invalid_additional_time_when_adding_then_it_is_rejected_and_nothing_is_written(
    exam, learner, events, value
):
    with pytest.raises(AllowanceValueNotAllowedException):
        add_allowance_for_user(exam.id, learner.id, ADDITIONAL_TIME, value)

    assert _allowance_rows() == []
    assert events.events == []


def test_given_value_longer_than_255_chars_when_adding_then_it_is_rejected_and_nothing_is_written(
    exam, learner, events
):
    with pytest.raises(AllowanceValueNotAllowedException):
        add_allowance_for_user(exam.id, learner.id, REVIEW_POLICY_EXCEPTION, "x" * 256)

    assert _allowance_rows() == []
    assert events.events == []


def test_given_no_value_when_adding_a_review_policy_exception_then_it_is_rejected_and_nothing_is_written(exam, learner):
    with pytest.raises(AllowanceValueNotAllowedException):
        add_allowance_for_user(exam.id, learner.id, REVIEW_POLICY_EXCEPTION, None)

    assert _allowance_rows() == []


def test_given_value_of_exactly_255_chars_when_adding_then_it_is_stored(exam, learner):
    add_allowance_for_user(exam.id, learner.id, REVIEW_POLICY_EXCEPTION, "x" * 255)

    assert ProctoredExamStudentAllowance.objects.get().value == "x" * 255


@pytest.mark.parametrize("user_info", ["nobody", "nobody@example.org", 987654])
def test_given_unknown_user_when_adding_then_user_not_found_and_nothing_is_written(exam, events, user_info):
    with pytest.raises(UserNotFoundException):
        add_allowance_for_user(exam.id, user_info, ADDITIONAL_TIME, "10")

    assert _allowance_rows() == []
    assert events.events == []


def test_given_inactive_exam_when_adding_then_not_active_and_nothing_is_written(learner, events):
    inactive = ProctoredExamFactory(is_active=False)

    with pytest.raises(ProctoredExamNotActiveException):
        add_allowance_for_user(inactive.id, learner.id, ADDITIONAL_TIME, "10")

    assert _allowance_rows() == []
    assert events.events == []


@pytest.mark.parametrize("exam_id", [424242, "not-an-id", None])
def test_given_unknown_exam_when_adding_then_exam_not_found_and_nothing_is_written(learner, events, exam_id):
    with pytest.raises(ProctoredExamNotFoundException):
        add_allowance_for_user(exam_id, learner.id, ADDITIONAL_TIME, "10")

    assert _allowance_rows() == []
    assert events.events == []


def test_given_existing_allowance_when_an_invalid_update_is_rejected_then_the_old_value_and_history_are_untouched(
    exam, learner
):
    add_allowance_for_user(exam.id, learner.id, ADDITIONAL_TIME, "30")

    with pytest.raises(AllowanceValueNotAllowedException):
        add_allowance_for_user(exam.id, learner.id, ADDITIONAL_TIME, "-1")

    assert _allowance_rows() == [(exam.id, learner.id, ADDITIONAL_TIME, "30")]
    assert ProctoredExamStudentAllowanceHistory.objects.count() == 0


def test_given_event_emission_fails_when_adding_then_the_allowance_is_rolled_back(exam, learner):
    with (
        mock.patch.object(allowances, "emit_event", side_effect=RuntimeError("tracker down")),
        pytest.raises(RuntimeError),
    ):
        add_allowance_for_user(exam.id, learner.id, ADDITIONAL_TIME, "30")

    assert _allowance_rows() == []


def test_given_no_tracker_configured_when_adding_then_the_allowance_is_still_stored(exam, learner):
    saved = dict(tracker.TRACKERS)
    tracker.TRACKERS.clear()
    try:
        add_allowance_for_user(exam.id, learner.id, ADDITIONAL_TIME, "30")
    finally:
        tracker.TRACKERS.update(saved)

    assert _allowance_rows() == [(exam.id, learner.id, ADDITIONAL_TIME, "30")]


# remove_allowance_for_user


def test_given_allowance_when_removing_then_it_is_deleted_archived_and_deleted_event_is_emitted(exam, learner, events):
    AllowanceFactory(proctored_exam=exam, user=learner, key=ADDITIONAL_TIME, value="30")

    result = remove_allowance_for_user(exam.id, learner.id, ADDITIONAL_TIME)

    assert result is None
    assert _allowance_rows() == []
    history = list(ProctoredExamStudentAllowanceHistory.objects.values_list("key", "value", "user_id"))
    assert history == [(ADDITIONAL_TIME, "30", learner.id)]
    assert events.names == ["edx.special_exam.proctored.allowance.deleted"]
    data = events.events[0]["data"]
    assert (data["allowance_user_id"], data["allowance_key"], data["allowance_value"]) == (
        learner.id,
        ADDITIONAL_TIME,
        "30",
    )


def test_given_no_allowance_when_removing_then_nothing_happens(exam, learner, events):
    result = remove_allowance_for_user(exam.id, learner.id, ADDITIONAL_TIME)

    assert result is None
    assert ProctoredExamStudentAllowanceHistory.objects.count() == 0
    assert events.events == []


def test_given_two_allowance_types_when_removing_one_then_the_other_stays(exam, learner):
    AllowanceFactory(proctored_exam=exam, user=learner, key=ADDITIONAL_TIME, value="30")
    AllowanceFactory(proctored_exam=exam, user=learner, key=REVIEW_POLICY_EXCEPTION, value="notes")

    remove_allowance_for_user(exam.id, learner.id, ADDITIONAL_TIME)

    assert _allowance_rows() == [(exam.id, learner.id, REVIEW_POLICY_EXCEPTION, "notes")]


# get_allowances_for_course / get_allowances_for_user


def test_given_allowances_in_two_courses_when_listing_a_course_then_only_its_allowances_are_serialized(exam, learner):
    mine = AllowanceFactory(proctored_exam=exam, user=learner, value="15")
    AllowanceFactory(proctored_exam=ProctoredExamFactory(course_id="course-v1:edX+Other+2026"))

    listed = get_allowances_for_course(COURSE_ID)

    assert isinstance(listed, list)
    assert len(listed) == 1
    allowance = listed[0]
    assert list(allowance) == ["id", "created", "modified", "user", "key", "value", "proctored_exam"]
    assert allowance["id"] == mine.id
    assert allowance["user"] == {"id": learner.id, "username": "ada", "email": "ada@example.org"}
    assert (allowance["key"], allowance["value"]) == (ADDITIONAL_TIME, "15")
    assert allowance["proctored_exam"]["id"] == exam.id
    assert allowance["proctored_exam"]["time_limit_mins"] == 45


def test_given_course_without_allowances_when_listing_then_the_list_is_empty():
    assert get_allowances_for_course(COURSE_ID) == []


@pytest.mark.parametrize("allowance_count", [1, 30])
def test_given_any_number_of_allowances_when_listing_a_course_then_one_query_is_made(
    django_assert_num_queries, allowance_count
):
    exams = ProctoredExamFactory.create_batch(3)
    for index in range(allowance_count):
        AllowanceFactory(proctored_exam=exams[index % 3])

    with django_assert_num_queries(1):
        listed = get_allowances_for_course(COURSE_ID)

    assert len(listed) == allowance_count


def test_given_allowances_of_several_learners_when_listing_for_one_user_then_only_theirs_are_returned(exam, learner):
    AllowanceFactory(proctored_exam=exam, user=learner, key=ADDITIONAL_TIME, value="15")
    AllowanceFactory(proctored_exam=exam, user=learner, key=REVIEW_POLICY_EXCEPTION, value="notes")
    AllowanceFactory(proctored_exam=exam)
    AllowanceFactory(user=learner)

    listed = get_allowances_for_user(exam.id, learner.id)

    assert sorted((item["key"], item["value"]) for item in listed) == [
        (ADDITIONAL_TIME, "15"),
        (REVIEW_POLICY_EXCEPTION, "notes"),
    ]
    assert {item["user"]["id"] for item in listed} == {learner.id}


def test_given_several_allowances_when_listing_for_user_then_one_query_is_made(
    exam, learner, django_assert_num_queries
):
    AllowanceFactory(proctored_exam=exam, user=learner, key=ADDITIONAL_TIME)
    AllowanceFactory(proctored_exam=exam, user=learner, key=REVIEW_POLICY_EXCEPTION)

    with django_assert_num_queries(1):
        assert len(get_allowances_for_user(exam.id, learner.id)) == 2


# add_bulk_allowances


def test_given_two_exams_and_two_users_when_bulk_adding_extra_time_then_every_pair_gets_it(events):
    exams = ProctoredExamFactory.create_batch(2)
    users = UserFactory.create_batch(2)
    exam_ids = [exam.id for exam in exams]
    user_ids = [user.id for user in users]

    data, successes, failures = add_bulk_allowances(exam_ids, user_ids, ADDITIONAL_TIME, "20")

    assert (successes, failures) == (4, 0)
    expected_pairs = {(exam_id, user_id) for exam_id in exam_ids for user_id in user_ids}
    assert {(item["exam_id"], item["user_id"]) for item in data} == expected_pairs
    assert len(data) == 4
    assert set(_allowance_rows()) == {(e, u, ADDITIONAL_TIME, "20") for e, u in expected_pairs}
    assert events.names.count("edx.special_exam.proctored.allowance.created") == 4


def test_given_duplicate_ids_when_bulk_adding_then_each_pair_is_processed_once(exam, learner):
    data, successes, failures = add_bulk_allowances(
        [exam.id, exam.id], [learner.id, learner.id, learner.id], ADDITIONAL_TIME, "20"
    )

    assert data == [{"exam_id": exam.id, "user_id": learner.id}]
    assert (successes, failures) == (1, 0)
    assert _allowance_rows() == [(exam.id, learner.id, ADDITIONAL_TIME, "20")]
    assert ProctoredExamStudentAllowanceHistory.objects.count() == 0


@pytest.mark.parametrize(
    ("time_limit_mins", "multiplier", "expected_minutes"),
    [
        (45, "1.5", "22"),  # round(22.5) == 22 (half to even)
        (45, "2.5", "68"),  # round(67.5) == 68 (half to even)
        (60, "1.5", "30"),
        (60, "1", "0"),
        (60, "1.0", "0"),
        (90, 1.25, "22"),  # round(22.5) == 22
        (30, "2", "30"),
    ],
)
def test_given_time_multiplier_when_bulk_adding_then_extra_minutes_are_stored_rounded_half_to_even(
    learner, time_limit_mins, multiplier, expected_minutes
):
    exam = ProctoredExamFactory(time_limit_mins=time_limit_mins)

    _data, successes, failures = add_bulk_allowances([exam.id], [learner.id], "time_multiplier", multiplier)

    assert (successes, failures) == (1, 0)
    assert _allowance_rows() == [(exam.id, learner.id, ADDITIONAL_TIME, expected_minutes)]


def test_given_time_multiplier_on_exams_of_different_lengths_when_bulk_adding_then_each_exam_gets_its_own_minutes(
    learner,
):
    short = ProctoredExamFactory(time_limit_mins=45)
    long = ProctoredExamFactory(time_limit_mins=120)

    add_bulk_allowances([short.id, long.id], [learner.id], "time_multiplier", "1.5")

    assert ProctoredExamStudentAllowance.get_additional_time_granted(short.id, learner.id) == 22
    assert ProctoredExamStudentAllowance.get_additional_time_granted(long.id, learner.id) == 60


def test_given_existing_extra_time_when_bulk_adding_a_multiplier_then_it_is_replaced_and_archived(exam, learner):
    AllowanceFactory(proctored_exam=exam, user=learner, key=ADDITIONAL_TIME, value="5")

    add_bulk_allowances([exam.id], [learner.id], "time_multiplier", "2")

    assert _allowance_rows() == [(exam.id, learner.id, ADDITIONAL_TIME, "45")]
    assert list(ProctoredExamStudentAllowanceHistory.objects.values_list("value", flat=True)) == ["5"]


@pytest.mark.parametrize("multiplier", ["0.5", "0.99", "-2", "abc", "", None, "nan", "inf", "-inf"])
def test_given_invalid_time_multiplier_when_bulk_adding_then_it_is_rejected_before_anything_is_written(
    exam, learner, events, multiplier
):
    with pytest.raises(AllowanceValueNotAllowedException):
        add_bulk_allowances([exam.id], [learner.id], "time_multiplier", multiplier)

    assert _allowance_rows() == []
    assert events.events == []


@pytest.mark.parametrize("allowance_type", [ADDITIONAL_TIME, "Additional Time (minutes)"])
@pytest.mark.parametrize("value", ["-5", "1.5", "", "abc"])
def test_given_invalid_additional_time_when_bulk_adding_then_it_is_rejected_before_anything_is_written(
    exam, learner, allowance_type, value
):
    with pytest.raises(AllowanceValueNotAllowedException):
        add_bulk_allowances([exam.id], [learner.id], allowance_type, value)

    assert _allowance_rows() == []


def test_given_value_longer_than_255_chars_when_bulk_adding_then_it_is_rejected_before_anything_is_written(
    exam, learner
):
    with pytest.raises(AllowanceValueNotAllowedException):
        add_bulk_allowances([exam.id], [learner.id], REVIEW_POLICY_EXCEPTION, "x" * 256)

    assert _allowance_rows() == []


def test_given_review_policy_exception_when_bulk_adding_then_the_text_is_stored_for_every_pair(exam):
    users = UserFactory.create_batch(3)

    _data, successes, failures = add_bulk_allowances(
        [exam.id], [user.id for user in users], REVIEW_POLICY_EXCEPTION, "Open book"
    )

    assert (successes, failures) == (3, 0)
    assert set(_allowance_rows()) == {(exam.id, user.id, REVIEW_POLICY_EXCEPTION, "Open book") for user in users}


def test_given_a_missing_exam_when_bulk_adding_then_each_of_its_pairs_fails_and_the_others_succeed(exam):
    users = UserFactory.create_batch(2)
    user_ids = [user.id for user in users]

    data, successes, failures = add_bulk_allowances([exam.id, 424242, "not-an-id"], user_ids, ADDITIONAL_TIME, "10")

    assert (successes, failures) == (2, 4)
    assert {(item["exam_id"], item["user_id"]) for item in data} == {
        (exam_id, user_id) for exam_id in (exam.id, 424242, "not-an-id") for user_id in user_ids
    }
    assert set(_allowance_rows()) == {(exam.id, user_id, ADDITIONAL_TIME, "10") for user_id in user_ids}


def test_given_an_inactive_exam_when_bulk_adding_then_its_pairs_fail(exam, learner):
    inactive = ProctoredExamFactory(is_active=False)

    _data, successes, failures = add_bulk_allowances([exam.id, inactive.id], [learner.id], ADDITIONAL_TIME, "10")

    assert (successes, failures) == (1, 1)
    assert _allowance_rows() == [(exam.id, learner.id, ADDITIONAL_TIME, "10")]


def test_given_unknown_users_when_bulk_adding_then_their_pairs_fail_and_known_users_succeed(exam, learner):
    data, successes, failures = add_bulk_allowances(
        [exam.id], [learner.id, "ada@example.org", "ghost", 987654], ADDITIONAL_TIME, "10"
    )

    # learner.id and "ada@example.org" are the same learner: both pairs succeed on one row.
    assert (successes, failures) == (2, 2)
    assert len(data) == 4
    assert _allowance_rows() == [(exam.id, learner.id, ADDITIONAL_TIME, "10")]


def test_given_a_pair_failing_after_its_write_when_bulk_adding_then_that_pair_is_rolled_back_and_others_kept(exam):
    doomed, lucky = UserFactory.create_batch(2)
    real_emit = allowances.emit_event

    def emit_failing_for_doomed(exam_dict, short_name, attempt=None, override_data=None):
        if override_data and override_data["allowance_user_id"] == doomed.id:
            raise ProctoredBaseException("event rejected")
        return real_emit(exam_dict, short_name, attempt=attempt, override_data=override_data)

    with mock.patch.object(allowances, "emit_event", side_effect=emit_failing_for_doomed):
        _data, successes, failures = add_bulk_allowances([exam.id], [doomed.id, lucky.id], ADDITIONAL_TIME, "10")

    assert (successes, failures) == (1, 1)
    assert _allowance_rows() == [(exam.id, lucky.id, ADDITIONAL_TIME, "10")]


def test_given_empty_id_lists_when_bulk_adding_then_nothing_is_processed():
    assert add_bulk_allowances([], [], ADDITIONAL_TIME, "10") == ([], 0, 0)


# Limits (issue 9, finding 4): extra time is bounded, and so is the time multiplier


@pytest.mark.parametrize("value", ["14401", "10000000000", 10**12, "9" * 255])
def test_given_extra_time_beyond_ten_days_when_adding_then_it_is_rejected_naming_the_limit_and_nothing_is_written(
    exam, learner, events, value
):
    with pytest.raises(AllowanceValueNotAllowedException, match="14400"):
        add_allowance_for_user(exam.id, learner.id, ADDITIONAL_TIME, value)

    assert _allowance_rows() == []
    assert events.events == []


def test_given_extra_time_of_exactly_ten_days_when_adding_then_it_is_stored(exam, learner):
    add_allowance_for_user(exam.id, learner.id, ADDITIONAL_TIME, "14400")

    assert _allowance_rows() == [(exam.id, learner.id, ADDITIONAL_TIME, "14400")]


def test_given_a_host_calling_the_model_directly_when_adding_huge_extra_time_then_it_is_rejected(exam, learner):
    with pytest.raises(AllowanceValueNotAllowedException, match="14400"):
        ProctoredExamStudentAllowance.add_allowance_for_user(exam.id, learner.id, ADDITIONAL_TIME, "10000000000")

    assert not ProctoredExamStudentAllowance.is_allowance_value_valid(ADDITIONAL_TIME, "14401")
    assert ProctoredExamStudentAllowance.is_allowance_value_valid(ADDITIONAL_TIME, "14400")
    assert _allowance_rows() == []


def test_given_an_operator_limit_when_adding_extra_time_then_that_limit_applies(exam, learner, settings):
    settings.PROCTORING_SETTINGS = {"MAX_ADDITIONAL_TIME_MINUTES": 600}

    with pytest.raises(AllowanceValueNotAllowedException, match="600"):
        add_allowance_for_user(exam.id, learner.id, ADDITIONAL_TIME, "601")
    add_allowance_for_user(exam.id, learner.id, ADDITIONAL_TIME, "600")

    assert _allowance_rows() == [(exam.id, learner.id, ADDITIONAL_TIME, "600")]


@pytest.mark.parametrize("configured", [-1, "600", 1.5, True])
def test_given_a_malformed_operator_limit_when_adding_extra_time_then_the_setting_is_named(
    exam, learner, settings, configured
):
    settings.PROCTORING_SETTINGS = {"MAX_ADDITIONAL_TIME_MINUTES": configured}

    with pytest.raises(ImproperlyConfigured, match="MAX_ADDITIONAL_TIME_MINUTES"):
        add_allowance_for_user(exam.id, learner.id, ADDITIONAL_TIME, "5")

    assert _allowance_rows() == []


def test_given_an_operator_limit_beyond_a_year_when_adding_extra_time_then_a_year_is_the_most_accepted(
    exam, learner, settings
):
    settings.PROCTORING_SETTINGS = {"MAX_ADDITIONAL_TIME_MINUTES": 10**12}

    with pytest.raises(AllowanceValueNotAllowedException, match="527040"):
        add_allowance_for_user(exam.id, learner.id, ADDITIONAL_TIME, "10000000000")

    assert _allowance_rows() == []


@pytest.mark.parametrize("multiplier", ["1e308", "10.000001", "11", 1e308])
def test_given_a_multiplier_beyond_ten_when_bulk_adding_then_it_is_rejected_naming_the_limit_before_any_write(
    exam, learner, events, multiplier
):
    with pytest.raises(AllowanceValueNotAllowedException, match="10"):
        add_bulk_allowances([exam.id], [learner.id], "time_multiplier", multiplier)

    assert _allowance_rows() == []
    assert events.events == []


def test_given_a_multiplier_giving_one_exam_too_much_extra_time_when_bulk_adding_then_no_pair_is_written(
    exam, learner, events
):
    marathon = ProctoredExamFactory(time_limit_mins=1601)  # x10 gives 14409 extra minutes

    with pytest.raises(AllowanceValueNotAllowedException, match=f"exam {marathon.id}.*14400"):
        add_bulk_allowances([exam.id, marathon.id], [learner.id], "time_multiplier", "10")

    assert _allowance_rows() == []
    assert events.events == []


def test_given_extra_time_beyond_ten_days_when_bulk_adding_then_it_is_rejected_before_any_write(exam, learner):
    with pytest.raises(AllowanceValueNotAllowedException, match="14400"):
        add_bulk_allowances([exam.id], [learner.id], ADDITIONAL_TIME, "10000000000")

    assert _allowance_rows() == []


def test_given_an_unexpected_error_on_a_later_pair_when_bulk_adding_then_no_pair_is_written(exam):
    first, second = UserFactory.create_batch(2)
    real_add = ProctoredExamStudentAllowance.add_allowance_for_user
    calls = []

    def add_then_break(exam_id, user_info, key, value):
        calls.append(user_info)
        if len(calls) == 2:
            raise RuntimeError("database connection lost")
        return real_add(exam_id, user_info, key, value)

    with (
        mock.patch.object(ProctoredExamStudentAllowance, "add_allowance_for_user", side_effect=add_then_break),
        pytest.raises(RuntimeError),
    ):
        add_bulk_allowances([exam.id], [first.id, second.id], ADDITIONAL_TIME, "10")

    assert len(calls) == 2
    assert _allowance_rows() == []
