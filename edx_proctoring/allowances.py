"""Allowances: per-learner accommodations on an exam (extra minutes, review-policy exceptions).

The validation rules and the audit trail live on the model (`ProctoredExamStudentAllowance`); this module
adds what the historic API did around them: the checks that keep bad input from becoming a database
error, the tracking events, the bulk form used by the instructor dashboard, and the read functions.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import QuerySet

from edx_proctoring.audit_trail import record_audit
from edx_proctoring.constants import TIME_MULTIPLIER
from edx_proctoring.events import emit_event
from edx_proctoring.exams import serialize_exam
from edx_proctoring.exceptions import (
    AllowanceValueNotAllowedException,
    AllowanceValueOverLimitException,
    ProctoredBaseException,
    ProctoredExamNotFoundException,
    UserNotFoundException,
)
from edx_proctoring.models import ProctoredExam, ProctoredExamStudentAllowance, ProctoredExamStudentAttempt
from edx_proctoring.records import allowance_records

log = logging.getLogger(__name__)

# The columns holding an allowance's key and value are CharField(255).
MAX_ALLOWANCE_VALUE_LENGTH = 255
# A bulk time multiplier gives round(time_limit * (m - 1)) extra minutes. Ten times the exam's length covers
# every accommodation granted in practice; the extra minutes it gives must also stay within the additional
# time limit (`models.allowances.max_additional_minutes`, ten days by default).
MAX_TIME_MULTIPLIER = 10

ADDITIONAL_TIME_GRANTED = ProctoredExamStudentAllowance.ADDITIONAL_TIME_GRANTED


def add_allowance_for_user(exam_id, user_info, key, value):
    """Create or replace the allowance `key` of a learner (pk, username or email) on an exam.

    Raises AllowanceValueNotAllowedException, ProctoredExamNotFoundException, UserNotFoundException or
    ProctoredExamNotActiveException, in which case nothing is written. Emits `allowance.created` or
    `allowance.updated`. Returns None.
    """
    key = _stored_key(key=key)
    _check_value_fits(value=value)
    _check_additional_time(key=key, value=value)
    with transaction.atomic():
        exam = _get_exam(exam_id=exam_id)
        if _is_user_pk(user_info):
            _check_user_exists(user_id=user_info)
        previous = _previous_value(exam_id=exam.id, user_info=user_info, key=key)
        allowance, action = ProctoredExamStudentAllowance.add_allowance_for_user(exam.id, user_info, key, value)
        _emit_allowance_event(exam=exam, action=action, allowance=allowance)
        _audit_allowance(action=action, allowance=allowance, exam=exam, previous_value=previous)
    log.info("Allowance %s %s for user %s on exam %s", key, action, allowance.user_id, exam.id)


@dataclass(frozen=True)
class BulkAllowanceOutcome:
    """What a bulk call did for one (exam, user) pair, ids as the caller gave them."""

    exam_id: Any
    user_id: Any
    succeeded: bool
    detail: str


def add_bulk_allowances(exam_ids, user_ids, allowance_type, value):
    """Give the same allowance to every (exam, user) pair (see `grant_bulk_allowances`).

    Returns (data, successes, failures): `data` lists every pair processed as {'exam_id', 'user_id'}, as given.
    """
    outcomes = grant_bulk_allowances(exam_ids=exam_ids, user_ids=user_ids, allowance_type=allowance_type, value=value)
    data = [{"exam_id": outcome.exam_id, "user_id": outcome.user_id} for outcome in outcomes]
    successes = sum(1 for outcome in outcomes if outcome.succeeded)
    return data, successes, len(outcomes) - successes


def grant_bulk_allowances(*, exam_ids, user_ids, allowance_type, value) -> list[BulkAllowanceOutcome]:
    """Give the same allowance to every (exam, user) pair; one outcome per pair, in the order first given.

    The value is checked before anything is written (AllowanceValueNotAllowedException), and so is what it
    becomes on each exam: a time multiplier is not stored, for each exam it becomes `additional_time_granted`
    of round(time_limit_mins * (multiplier - 1)) minutes, which must be within the additional time limit.
    A pair that fails (missing or inactive exam, unknown user, ...) is counted and the others go on; any
    other error undoes the whole call, so a batch is never left half-written. Repeated ids count once.
    """
    exam_ids = list(dict.fromkeys(exam_ids or ()))
    user_ids = list(dict.fromkeys(user_ids or ()))
    multiplier = _validate_bulk_value(allowance_type=allowance_type, value=value)
    exams = {exam_id: _find_exam(exam_id=exam_id) for exam_id in exam_ids}
    pair_values = {
        exam_id: _bulk_value_for_exam(exam=exam, allowance_type=allowance_type, value=value, multiplier=multiplier)
        for exam_id, exam in exams.items()
        if exam is not None
    }

    outcomes: list[BulkAllowanceOutcome] = []
    with transaction.atomic():
        for exam_id, exam in exams.items():
            for user_id in user_ids:
                if exam is None:
                    log.info("Bulk allowance skipped for user %s: exam %s does not exist", user_id, exam_id)
                    outcomes.append(BulkAllowanceOutcome(exam_id, user_id, False, f"Exam {exam_id} does not exist."))
                    continue
                key, pair_value = pair_values[exam_id]
                try:
                    add_allowance_for_user(exam.id, user_id, key, pair_value)
                except ProctoredBaseException as exc:
                    log.info("Bulk allowance failed for user %s on exam %s: %s", user_id, exam_id, exc)
                    outcomes.append(BulkAllowanceOutcome(exam_id, user_id, False, str(exc)))
                else:
                    outcomes.append(BulkAllowanceOutcome(exam_id, user_id, True, "Allowance set."))
    return outcomes


def get_allowances_for_course(course_id):
    """Every allowance on the exams of a course, serialized (one query, whatever the number of allowances)."""
    allowances = _with_related(ProctoredExamStudentAllowance.get_allowances_for_course(course_id))
    return allowance_records(allowances=allowances)


def get_allowances_for_user(exam_id, user_id):
    """The allowances of a learner on an exam, serialized."""
    allowances = _with_related(ProctoredExamStudentAllowance.get_allowances_for_user(exam_id, user_id))
    return allowance_records(allowances=allowances)


def remove_allowance_for_user(exam_id, user_id, key):
    """Delete the allowance `key` of a learner on an exam and emit `allowance.deleted`; no-op if there is none."""
    key = _stored_key(key=key)
    with transaction.atomic():
        allowance = (
            ProctoredExamStudentAllowance.objects.select_related("proctored_exam")
            .filter(proctored_exam_id=exam_id, user_id=user_id, key=key)
            .first()
        )
        if allowance is None:
            return
        allowance.delete()
        _emit_allowance_event(exam=allowance.proctored_exam, action="deleted", allowance=allowance)
        _audit_allowance(
            action="deleted", allowance=allowance, exam=allowance.proctored_exam, previous_value=allowance.value
        )
    log.info("Allowance %s deleted for user %s on exam %s", key, user_id, exam_id)


def _previous_value(*, exam_id: int, user_info: Any, key: Any) -> Any:
    """The value the allowance had before a change (None when it is new or the learner is unknown)."""
    users = get_user_model().objects
    if _is_user_pk(user_info):
        user_filter = {"user_id": user_info}
    else:
        user = users.filter(username=user_info).first() or users.filter(email=user_info).first()
        if user is None:
            return None
        user_filter = {"user_id": user.id}
    return (
        ProctoredExamStudentAllowance.objects.filter(proctored_exam_id=exam_id, key=key, **user_filter)
        .values_list("value", flat=True)
        .first()
    )


def _audit_allowance(*, action: str, allowance, exam: ProctoredExam, previous_value: Any) -> None:
    """Log who changed a learner's allowance (the actor of the surrounding audit context), tied to their
    current attempt at the exam when they have one."""
    attempt_id = (
        ProctoredExamStudentAttempt.objects.filter(proctored_exam_id=exam.id, user_id=allowance.user_id)
        .order_by("-created", "-id")
        .values_list("id", flat=True)
        .first()
    )
    record_audit(
        f"allowance.{action}",
        attempt_id=attempt_id,
        exam_id=exam.id,
        target_user_id=allowance.user_id,
        details={"key": allowance.key, "value": allowance.value, "previous_value": previous_value},
    )


def _stored_key(*, key: Any) -> Any:
    """Allowance types may be given as the model's (key, label) tuples; the key is what is stored."""
    if isinstance(key, tuple) and key:
        return key[0]
    return key


def _is_user_pk(user_info: Any) -> bool:
    return isinstance(user_info, int) and not isinstance(user_info, bool)


def _check_value_fits(*, value: Any) -> None:
    if value is None:
        raise AllowanceValueNotAllowedException("An allowance needs a value.")
    if len(str(value)) > MAX_ALLOWANCE_VALUE_LENGTH:
        raise AllowanceValueNotAllowedException(
            f"An allowance value can be at most {MAX_ALLOWANCE_VALUE_LENGTH} characters long."
        )


def _check_additional_time(*, key: Any, value: Any) -> None:
    """Extra time and break time are whole numbers of minutes, from 0 to their limits, in decimal digits.

    The historic `isdigit` test alone lets through characters such as superscripts ("²") that `int()`
    cannot read, and an unbounded number of minutes overflows every date computed from it.
    """
    ProctoredExamStudentAllowance.check_allowance_value(key=key, value=value)


def _validate_bulk_value(*, allowance_type: Any, value: Any) -> float | None:
    """Check a bulk allowance value; returns the multiplier for a time multiplier, else None."""
    _check_value_fits(value=value)
    if allowance_type == TIME_MULTIPLIER:
        try:
            multiplier = float(value)
        except (TypeError, ValueError):
            multiplier = math.nan
        # Written so that NaN fails too: every comparison with NaN is false.
        if not multiplier >= 1:
            raise AllowanceValueNotAllowedException(
                f'"{value}" is not a valid time multiplier: enter a number from 1 to {MAX_TIME_MULTIPLIER}.'
            )
        if multiplier > MAX_TIME_MULTIPLIER:
            raise AllowanceValueOverLimitException(
                f"A time multiplier can be at most {MAX_TIME_MULTIPLIER}; {str(value)[:20]} is over that limit."
            )
        return multiplier
    _check_additional_time(key=_stored_key(key=allowance_type), value=value)
    return None


def _bulk_value_for_exam(*, exam: ProctoredExam, allowance_type: Any, value: Any, multiplier: float | None):
    """The (key, value) a bulk call stores on `exam`; a multiplier giving too much extra time there is refused."""
    if multiplier is None:
        return allowance_type, value
    key = ADDITIONAL_TIME_GRANTED[0]
    minutes = _multiplied_extra_minutes(exam=exam, multiplier=multiplier)
    try:
        _check_additional_time(key=key, value=minutes)
    except AllowanceValueOverLimitException as exc:
        raise AllowanceValueOverLimitException(
            f"A time multiplier of {multiplier:g} gives exam {exam.id} ({exam.time_limit_mins} minutes) "
            f"{minutes} extra minutes. {exc}"
        ) from exc
    return key, minutes


def _multiplied_extra_minutes(*, exam: ProctoredExam, multiplier: float) -> str:
    """The extra minutes a multiplier gives on an exam, rounded as Python rounds (22.5 -> 22)."""
    return str(round(exam.time_limit_mins * (multiplier - 1)))


def _find_exam(*, exam_id: Any) -> ProctoredExam | None:
    """The exam, or None when there is none with this id (including ids that are not numbers at all)."""
    try:
        return ProctoredExam.get_exam_by_id(exam_id)
    except (TypeError, ValueError):
        return None


def _get_exam(*, exam_id: Any) -> ProctoredExam:
    exam = _find_exam(exam_id=exam_id)
    if exam is None:
        raise ProctoredExamNotFoundException(f"Exam {exam_id} does not exist.")
    return exam


def _check_user_exists(*, user_id: int) -> None:
    if not get_user_model().objects.filter(id=user_id).exists():
        raise UserNotFoundException(f"No user has the id {user_id}.")


def _with_related(allowances: QuerySet) -> QuerySet:
    return allowances.select_related("user", "proctored_exam").order_by("id")


def _emit_allowance_event(*, exam: ProctoredExam, action: str, allowance: ProctoredExamStudentAllowance) -> None:
    emit_event(
        serialize_exam(exam),
        f"allowance.{action}",
        override_data={
            "allowance_user_id": allowance.user_id,
            "allowance_key": allowance.key,
            "allowance_value": allowance.value,
        },
    )
