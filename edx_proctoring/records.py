"""The dicts the Python API returns for exams, attempts, allowances and review policies, built without DRF.

These shapes are the historic serializers' output (interface §6.4) and edx-platform reads them key by key,
so every function here returns exactly what the matching class of ``serializers`` returned when it walked
its fields itself: the same keys in the same order, ``None`` for a missing value, ``int``/``str``/``bool``
coerced the way DRF's fields coerce them, dates left as they are where the serializer said ``format=None``
and otherwise written the way DRF's date-time field writes them under the host's settings.
``tests/test_records.py`` holds that equality against DRF row by row; ``serializers`` delegates to these
functions, so the format lives here only.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from contextlib import suppress
from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.utils import timezone

from edx_proctoring import config

ISO_8601 = "iso-8601"
# DRF's boolean field reads these (strings lowered first) before falling back to `bool()`; an exam saved from a
# raw request body may hold "false" in memory until it is read again.
_TRUE_VALUES = frozenset({"t", "y", "yes", "true", "on", "1", 1})  # True and 1.0 match through 1
_FALSE_VALUES = frozenset({"f", "n", "no", "false", "off", "0", 0})  # False and 0.0 match through 0

DateWriter = Callable[[Any], Any]


def _boolean(value: Any) -> bool:
    if value is True or value is False:
        return value
    with suppress(TypeError):
        lowered = value.lower() if isinstance(value, str) else value
        if lowered in _TRUE_VALUES:
            return True
        if lowered in _FALSE_VALUES:
            return False
    return bool(value)


def _or_none(value: Any, convert: Callable[[Any], Any]) -> Any:
    return None if value is None else convert(value)


def _related(*, instance: Any, name: str) -> Any:
    # A foreign key not set on an unsaved row reads as None, as DRF reads it, rather than raising.
    try:
        return getattr(instance, name)
    except ObjectDoesNotExist:
        return None


def _in_zone(*, value: datetime.datetime, zone: datetime.tzinfo | None) -> datetime.datetime:
    if zone is None:
        return timezone.make_naive(value, datetime.UTC) if timezone.is_aware(value) else value
    if timezone.is_aware(value):
        try:
            return value.astimezone(zone)
        except OverflowError as exc:
            raise ValueError(f"Datetime value out of range: {value!r}.") from exc
    # DRF checks the result for a repeated hour, but an aware date in a repeated hour never compares equal to
    # its UTC twin, so that check never refuses one: the first of the two readings (fold=0) is written.
    return timezone.make_aware(value, zone)


def date_writer() -> DateWriter:
    """How a date is written where the serializers gave no format: the host's format, in the current time zone.

    Read once per call of the functions below (settings and the active time zone do not change within one).
    """
    # The host's REST_FRAMEWORK["DATETIME_FORMAT"] has always decided how these dates are written.
    output_format = config.rest_datetime_format()
    zone = timezone.get_current_timezone() if config.use_tz() else None

    def write(value: Any) -> Any:
        if not value:
            return None
        if output_format is None or isinstance(value, str):
            return value
        value = _in_zone(value=value, zone=zone)
        if output_format.lower() == ISO_8601:
            text = value.isoformat()
            return text[:-6] + "Z" if text.endswith("+00:00") else text
        return value.strftime(output_format)

    return write


def user_record(*, user: Any) -> dict | None:
    if user is None:
        return None
    return {
        "id": _or_none(user.id, int),
        "username": _or_none(user.username, str),
        "email": _or_none(user.email, str),
    }


def exam_record(*, exam: Any, write_due_date: DateWriter | None = None) -> dict | None:
    """The exam dict; `due_date` stays a datetime unless a writer is given (the JSON-safe variant)."""
    if exam is None:
        return None
    due_date = exam.due_date
    return {
        "id": _or_none(exam.id, int),
        "course_id": _or_none(exam.course_id, str),
        "content_id": _or_none(exam.content_id, str),
        "external_id": _or_none(exam.external_id, str),
        "exam_name": _or_none(exam.exam_name, str),
        "time_limit_mins": _or_none(exam.time_limit_mins, int),
        "is_proctored": _or_none(exam.is_proctored, _boolean),
        "is_practice_exam": _or_none(exam.is_practice_exam, _boolean),
        "is_active": _or_none(exam.is_active, _boolean),
        "due_date": (due_date or None) if write_due_date is None else _or_none(due_date, write_due_date),
        "hide_after_due": _or_none(exam.hide_after_due, _boolean),
        "backend": _or_none(exam.backend, str),
    }


def json_safe_exam_record(*, exam: Any) -> dict | None:
    """The exam dict with its due date written as text, as vendors are sent it."""
    return exam_record(exam=exam, write_due_date=date_writer())


class AttemptRecord(dict):
    """One attempt's dict. Like the serializer's single-row output it takes attributes: the getters hang the
    clock read with the row on it (`timing.with_clock`) so its deadline costs no further query."""


def attempt_record(*, attempt: Any) -> AttemptRecord:
    return AttemptRecord(_attempt_dict(attempt=attempt, write=date_writer()))


def _attempt_dict(*, attempt: Any, write: DateWriter) -> dict:
    return {
        "id": _or_none(attempt.id, int),
        "created": _or_none(attempt.created, write),
        "modified": _or_none(attempt.modified, write),
        "user": user_record(user=_related(instance=attempt, name="user")),
        # `format=None` in the serializer: the datetime itself (an empty value reads as None).
        "started_at": attempt.started_at or None,
        "completed_at": attempt.completed_at or None,
        "external_id": _or_none(attempt.external_id, str),
        "status": _or_none(attempt.status, str),
        "proctored_exam": exam_record(exam=_related(instance=attempt, name="proctored_exam")),
        "allowed_time_limit_mins": _or_none(attempt.allowed_time_limit_mins, int),
        "attempt_code": _or_none(attempt.attempt_code, str),
        "is_sample_attempt": _or_none(attempt.is_sample_attempt, _boolean),
        "taking_as_proctored": _or_none(attempt.taking_as_proctored, _boolean),
        "review_policy_id": _or_none(attempt.review_policy_id, int),
        "is_status_acknowledged": _or_none(attempt.is_status_acknowledged, _boolean),
        "time_remaining_seconds": _or_none(attempt.time_remaining_seconds, int),
        "is_resumable": _or_none(attempt.is_resumable, _boolean),
        "ready_to_resume": _or_none(attempt.ready_to_resume, _boolean),
        "resumed": _or_none(attempt.resumed, _boolean),
    }


def attempt_records(*, attempts: Iterable) -> list[dict]:
    # Plain dicts, as the serializer's list gave (they carry no clock; `timing.clock_of` reads one if asked).
    write = date_writer()
    return [_attempt_dict(attempt=attempt, write=write) for attempt in attempts]


def allowance_record(*, allowance: Any, write_date: DateWriter | None = None) -> dict:
    write = write_date or date_writer()
    return {
        "id": _or_none(allowance.id, int),
        "created": _or_none(allowance.created, write),
        "modified": _or_none(allowance.modified, write),
        "user": user_record(user=_related(instance=allowance, name="user")),
        "key": _or_none(allowance.key, str),
        "value": _or_none(allowance.value, str),
        "proctored_exam": exam_record(exam=_related(instance=allowance, name="proctored_exam")),
    }


def allowance_records(*, allowances: Iterable) -> list[dict]:
    write = date_writer()
    return [allowance_record(allowance=allowance, write_date=write) for allowance in allowances]


def review_policy_record(*, policy: Any) -> dict:
    write = date_writer()
    return {
        "id": _or_none(policy.id, int),
        "created": _or_none(policy.created, write),
        "modified": _or_none(policy.modified, write),
        "set_by_user": user_record(user=_related(instance=policy, name="set_by_user")),
        "proctored_exam": exam_record(exam=_related(instance=policy, name="proctored_exam")),
        "review_policy": _or_none(policy.review_policy, str),
    }
