"""The plain records equal what DRF's serializers produce, row for row, under the settings a host may run with.

The reference is DRF walking the serializers' own fields: a subclass of each historic serializer (same field
declarations, same Meta) whose output is not delegated to ``records``. Rows are built in memory with anything
a caller might leave on them (naive or aware dates in several zones, None, unicode, strings where booleans or
numbers belong, a foreign key never set) and read back from the database for every stored status.
"""

from __future__ import annotations

import datetime
from contextlib import ExitStack
from zoneinfo import ZoneInfo

import pytest
from django.test import override_settings
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase
from rest_framework import serializers as drf

from edx_proctoring import records
from edx_proctoring.models import ProctoredExamStudentAllowance, ProctoredExamStudentAttempt
from edx_proctoring.serializers import (
    ProctoredExamJSONSafeSerializer,
    ProctoredExamRegistrationSerializer,
    ProctoredExamReviewPolicySerializer,
    ProctoredExamSerializer,
    ProctoredExamStudentAllowanceSerializer,
    ProctoredExamStudentAttemptSerializer,
    UserSerializer,
)
from edx_proctoring.statuses import ProctoredExamStudentAttemptStatus as Status
from edx_proctoring.tests.factories import (
    AllowanceFactory,
    AttemptFactory,
    ProctoredExamFactory,
    ReviewPolicyFactory,
    UserFactory,
)


class DrfUser(UserSerializer):
    pass


class DrfExam(ProctoredExamSerializer):
    pass


class DrfJsonSafeExam(ProctoredExamJSONSafeSerializer):
    pass


class DrfRegisteredExam(ProctoredExamRegistrationSerializer):
    pass


class DrfAttempt(ProctoredExamStudentAttemptSerializer):
    proctored_exam = DrfExam()
    user = DrfUser()


class DrfAllowance(ProctoredExamStudentAllowanceSerializer):
    proctored_exam = DrfExam()
    user = DrfUser()


class DrfReviewPolicy(ProctoredExamReviewPolicySerializer):
    proctored_exam = DrfExam()
    set_by_user = DrfUser()


EVERY_STORED_STATUS = sorted(
    value for name, value in vars(Status).items() if not name.startswith("_") and isinstance(value, str)
)
ZONES = (datetime.UTC, ZoneInfo("America/New_York"), ZoneInfo("Asia/Kolkata"), ZoneInfo("Pacific/Chatham"))
# What a host may configure: edx-platform and the test settings (UTC, ISO), another active zone, no time zone
# support, a strftime format, and "no format" (DRF then hands the datetime itself back).
HOST_SETTINGS = (
    {},
    {"zone": ZoneInfo("America/New_York")},
    {"zone": ZoneInfo("Asia/Kolkata")},
    {"USE_TZ": False},
    {"REST_FRAMEWORK": {"DATETIME_FORMAT": "%d %B %Y %H:%M:%S %z"}},
    {"REST_FRAMEWORK": {"DATETIME_FORMAT": None}},
    {"REST_FRAMEWORK": {"DATETIME_FORMAT": "ISO-8601"}, "zone": ZoneInfo("Pacific/Chatham")},
)

dates = st.datetimes(
    min_value=datetime.datetime(1901, 1, 2),
    max_value=datetime.datetime(2099, 12, 30),
    timezones=st.none() | st.sampled_from(ZONES),
)
maybe_dates = st.none() | dates | st.just("2026-01-01T00:00:00Z") | st.just("")
texts = st.none() | st.text(max_size=12) | st.integers(-5, 5)
flags = st.booleans() | st.none() | st.sampled_from(["false", "True", "0", "1", "", "no", "null", 0, 1, 0.0, 2])
numbers = st.none() | st.integers(-(2**40), 2**40) | st.sampled_from(["30", " 7 ", 12.9, True])


def _under(host: dict) -> ExitStack:
    stack = ExitStack()
    overrides = {key: value for key, value in host.items() if key != "zone"}
    if overrides:
        stack.enter_context(override_settings(**overrides))
    if "zone" in host:
        stack.enter_context(timezone.override(host["zone"]))
    return stack


def _outcome(build):
    """The value, or the kind of failure (DRF's date field says "out of range" with its own error class)."""
    try:
        return build()
    except (drf.ValidationError, ValueError) as exc:
        return ("refused", "out of range" if "range" in str(exc) else exc)


def _shape(value):
    """Keys in order and the type of every value, nested dicts included (equality alone ignores both)."""
    if isinstance(value, dict):
        return [(key, _shape(item)) for key, item in value.items()]
    return type(value)


def assert_same(plain, reference):
    with_drf = _outcome(reference)
    without = _outcome(plain)

    assert without == with_drf
    assert _shape(without) == _shape(with_drf)


@st.composite
def exams(draw):
    return ProctoredExamFactory.build(
        id=draw(numbers),
        course_id=draw(texts),
        content_id=draw(texts),
        external_id=draw(texts),
        exam_name=draw(st.text(max_size=20) | st.none()),
        time_limit_mins=draw(numbers),
        is_proctored=draw(flags),
        is_practice_exam=draw(flags),
        is_active=draw(flags),
        due_date=draw(maybe_dates),
        hide_after_due=draw(flags),
        backend=draw(texts),
    )


@st.composite
def users(draw):
    return UserFactory.build(id=draw(numbers), username=draw(st.text(max_size=12)), email=draw(texts))


def _dated(draw, row):
    row.created = draw(maybe_dates)
    row.modified = draw(maybe_dates)
    return row


@st.composite
def attempts(draw):
    attempt = AttemptFactory.build(
        id=draw(numbers),
        user=draw(users()),
        proctored_exam=draw(exams()),
        started_at=draw(maybe_dates),
        completed_at=draw(maybe_dates),
        external_id=draw(texts),
        status=draw(st.sampled_from(EVERY_STORED_STATUS) | st.none()),
        allowed_time_limit_mins=draw(numbers),
        attempt_code=draw(texts),
        is_sample_attempt=draw(flags),
        taking_as_proctored=draw(flags),
        review_policy_id=draw(numbers),
        is_status_acknowledged=draw(flags),
        time_remaining_seconds=draw(numbers),
        is_resumable=draw(flags),
        ready_to_resume=draw(flags),
        resumed=draw(flags),
    )
    if draw(st.booleans()):
        attempt.user = None  # a learner never set: DRF reads it as None
    return _dated(draw, attempt)


@st.composite
def allowances(draw):
    allowance = AllowanceFactory.build(
        id=draw(numbers),
        user=draw(users()),
        proctored_exam=draw(exams()),
        key=draw(texts),
        value=draw(texts),
    )
    return _dated(draw, allowance)


@st.composite
def policies(draw):
    policy = ReviewPolicyFactory.build(
        id=draw(numbers),
        set_by_user=draw(users()),
        proctored_exam=draw(exams()),
        review_policy=draw(texts),
    )
    if draw(st.booleans()):
        policy.proctored_exam = None
    return _dated(draw, policy)


hosts = st.sampled_from(HOST_SETTINGS)
many_rows = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


class RowsBuiltInMemory(TestCase):
    @many_rows
    @given(exam=exams(), host=hosts)
    def test_given_any_exam_when_recorded_then_it_equals_each_exam_serializer(self, exam, host):
        with _under(host):
            assert_same(lambda: records.exam_record(exam=exam), lambda: DrfExam(exam).data)
            assert_same(lambda: records.exam_record(exam=exam), lambda: DrfRegisteredExam(exam).data)
            assert_same(lambda: records.json_safe_exam_record(exam=exam), lambda: DrfJsonSafeExam(exam).data)

    @many_rows
    @given(attempt=attempts(), host=hosts)
    def test_given_any_attempt_when_recorded_then_it_equals_the_attempt_serializer(self, attempt, host):
        with _under(host):
            assert_same(lambda: records.attempt_record(attempt=attempt), lambda: DrfAttempt(attempt).data)

    @many_rows
    @given(allowance=allowances(), host=hosts)
    def test_given_any_allowance_when_recorded_then_it_equals_the_allowance_serializer(self, allowance, host):
        with _under(host):
            assert_same(lambda: records.allowance_record(allowance=allowance), lambda: DrfAllowance(allowance).data)

    @many_rows
    @given(policy=policies(), host=hosts)
    def test_given_any_review_policy_when_recorded_then_it_equals_the_policy_serializer(self, policy, host):
        with _under(host):
            assert_same(lambda: records.review_policy_record(policy=policy), lambda: DrfReviewPolicy(policy).data)

    @many_rows
    @given(user=users())
    def test_given_any_user_when_recorded_then_it_equals_the_user_serializer(self, user):
        assert_same(lambda: records.user_record(user=user), lambda: DrfUser(user).data)


def test_given_a_naive_date_in_a_repeated_hour_when_written_then_it_reads_as_drf_reads_it():
    exam = ProctoredExamFactory.build(due_date=datetime.datetime(2026, 11, 1, 1, 30))

    with timezone.override(ZoneInfo("America/New_York")):
        written = records.json_safe_exam_record(exam=exam)["due_date"]

        assert written == DrfJsonSafeExam(exam).data["due_date"] == "2026-11-01T01:30:00-04:00"


@pytest.mark.django_db
@pytest.mark.parametrize("host", HOST_SETTINGS)
def test_given_stored_rows_in_every_status_when_read_back_then_the_lists_equal_the_serializers(host):
    exam = ProctoredExamFactory(exam_name="Examen à distance — 试验", due_date=timezone.now())
    timed = ProctoredExamFactory(is_proctored=False, backend=None, external_id=None, due_date=None)
    for index, status in enumerate(EVERY_STORED_STATUS):
        user = UserFactory(username=f"élève{index}", email="" if index % 3 else f"élève{index}@example.org")
        AttemptFactory(
            user=user,
            proctored_exam=exam if index % 2 else timed,
            status=status,
            started_at=timezone.now() if index % 3 else None,
            completed_at=timezone.now() if index % 4 == 1 else None,
            allowed_time_limit_mins=index or None,
            time_remaining_seconds=index * 7 if index % 5 else None,
            review_policy_id=None,
        )
        AllowanceFactory(user=user, proctored_exam=exam, key="review_policy_exception", value=f"注 {index}")
    ReviewPolicyFactory(proctored_exam=exam)
    attempt_rows = ProctoredExamStudentAttempt.objects.select_related("user", "proctored_exam").order_by("id")
    allowance_rows = ProctoredExamStudentAllowance.objects.select_related("user", "proctored_exam").order_by("id")

    with _under(host):
        assert records.attempt_records(attempts=attempt_rows) == list(DrfAttempt(attempt_rows, many=True).data)
        assert records.allowance_records(allowances=allowance_rows) == list(
            DrfAllowance(allowance_rows, many=True).data
        )
        policy = exam.proctoredexamreviewpolicy_set.get()
        assert records.review_policy_record(policy=policy) == DrfReviewPolicy(policy).data
        assert {attempt["status"] for attempt in records.attempt_records(attempts=attempt_rows)} == set(
            EVERY_STORED_STATUS
        )


@pytest.mark.django_db
def test_given_the_historic_serializers_when_they_answer_then_their_data_is_the_record():
    attempt = AttemptFactory(started_at=timezone.now())
    allowance = AllowanceFactory()
    policy = ReviewPolicyFactory()

    assert ProctoredExamStudentAttemptSerializer(attempt).data == records.attempt_record(attempt=attempt)
    assert list(ProctoredExamStudentAttemptSerializer([attempt], many=True).data) == [
        records.attempt_record(attempt=attempt)
    ]
    assert ProctoredExamStudentAllowanceSerializer(allowance).data == DrfAllowance(allowance).data
    assert ProctoredExamReviewPolicySerializer(policy).data == DrfReviewPolicy(policy).data
    assert ProctoredExamJSONSafeSerializer(attempt.proctored_exam).data == DrfJsonSafeExam(attempt.proctored_exam).data


@pytest.mark.django_db
def test_given_a_subclass_with_its_own_field_when_it_serializes_then_drf_still_walks_its_fields():
    class WithName(ProctoredExamSerializer):
        name_upper = drf.SerializerMethodField()

        class Meta(ProctoredExamSerializer.Meta):
            fields = (*ProctoredExamSerializer.Meta.fields, "name_upper")

        def get_name_upper(self, exam):
            return exam.exam_name.upper()

    exam = ProctoredExamFactory(exam_name="Final")

    assert WithName(exam).data == {**records.exam_record(exam=exam), "name_upper": "FINAL"}


def test_given_a_validated_exam_body_when_its_data_is_read_then_drf_renders_the_dict_as_before():
    body = {
        "course_id": "course-v1:a+b+c",
        "content_id": "block",
        "exam_name": "Final",
        "time_limit_mins": "90",
        "is_proctored": "true",
        "is_practice_exam": False,
        "is_active": True,
        "hide_after_due": False,
        "due_date": None,
    }
    serializer = ProctoredExamRegistrationSerializer(data=body)

    assert serializer.is_valid(), serializer.errors
    assert serializer.data["time_limit_mins"] == 90
    assert serializer.data["is_proctored"] is True


@pytest.mark.django_db
def test_given_one_attempt_or_many_when_recorded_then_only_the_single_record_takes_attributes_as_before():
    attempt = AttemptFactory()

    single = records.attempt_record(attempt=attempt)
    single.note = "clock"
    listed = records.attempt_records(attempts=[attempt])

    assert single.note == "clock"
    assert [type(item) for item in listed] == [type(item) for item in DrfAttempt([attempt], many=True).data] == [dict]
