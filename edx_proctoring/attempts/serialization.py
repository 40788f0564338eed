"""Attempt rows as the dicts the API returns."""

from edx_proctoring.models import ProctoredExamStudentAttempt
from edx_proctoring.records import attempt_record, attempt_records
from edx_proctoring.timing import Clock, with_clock

# What an attempt dict shows besides the attempt's own columns: read with the row, never one query each.
ATTEMPT_RELATIONS = ("proctored_exam", "user", "time_state")


def attempt_rows():
    """Attempts read with what their dicts show (exam, learner, clock)."""
    return ProctoredExamStudentAttempt.objects.select_related(*ATTEMPT_RELATIONS)


def serialize_attempt(attempt) -> dict:
    """The historic attempt dict; the attempt's clock rides along when it was read with the row
    (`select_related("time_state")`), so computing its deadline reads nothing more."""
    data = attempt_record(attempt=attempt)
    if ProctoredExamStudentAttempt.time_state.is_cached(attempt):
        with_clock(data, Clock.of(getattr(attempt, "time_state", None)))
    return data


def serialize_attempts(attempts) -> list[dict]:
    """The historic attempt dicts of many attempts at once (the date format is read once, not per row)."""
    return attempt_records(attempts=attempts)
