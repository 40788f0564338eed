"""Time rules: due dates, allowed minutes, deadlines and remaining time.

Every datetime is timezone-aware UTC. "Past due" means due <= now; an attempt times out strictly after
its deadline. The allowed time of an attempt is fixed when it first starts and never recomputed.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

from django.utils.translation import gettext as _
from edx_when import api as when_api
from opaque_keys import InvalidKeyError

from edx_proctoring.models import ProctoredExamStudentAllowance, ProctoredExamStudentAttempt
from edx_proctoring.statuses import ProctoredExamStudentAttemptStatus

log = logging.getLogger(__name__)

# The most minutes an attempt may be allowed: the largest value the `allowed_time_limit_mins` integer column
# holds on PostgreSQL and MySQL. Allowances are bounded when written, but rows written before the bounds
# existed (or a huge exam limit) must neither make the start fail on those databases nor overflow the
# dates computed from them; well-formed values are far below it, so the rule itself is unchanged.
MAX_ALLOWED_MINUTES = 2**31 - 1
# A deadline past the calendar's end (year 9999) is "never" for every practical purpose.
LATEST_DEADLINE = datetime.max.replace(tzinfo=UTC)
EARLIEST_DEADLINE = datetime.min.replace(tzinfo=UTC)


def now() -> datetime:
    return datetime.now(UTC)


def _as_datetime(value) -> datetime | None:
    if isinstance(value, str):
        value = datetime.fromisoformat(value.replace("Z", "+00:00"))
    return value


def get_exam_due_date(exam, user=None):
    """The learner's due date for the exam: edx-when's (personalised) date, else the exam's own."""
    try:
        due = when_api.get_date_for_block(exam["course_id"], exam["content_id"], "due", user=user)
    except InvalidKeyError:
        due = None
    return due or _as_datetime(exam.get("due_date"))


def has_due_date_passed(due_datetime) -> bool:
    if not due_datetime:
        return False
    return _as_datetime(due_datetime) <= now()


def get_course_end_date(course_id):
    """The course's end date from edx-when (UTC), or None."""
    try:
        dates = when_api.get_dates_for_course(course_id)
    except InvalidKeyError:
        return None
    for (_location, field), value in dates.items():
        if field == "end" and value:
            return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    return None


def has_end_date_passed(course_id) -> bool:
    return has_due_date_passed(get_course_end_date(course_id))


def is_exam_passed_due(exam, user=None) -> bool:
    """Past the learner's due date; a timed exam without one is also past due once the course has ended."""
    due = get_exam_due_date(exam, user)
    if has_due_date_passed(due):
        return True
    is_timed = not exam["is_proctored"] and not exam["is_practice_exam"]
    return not due and is_timed and has_end_date_passed(exam["course_id"])


def allowed_minutes_for(*, exam: dict, user_id, resume_seconds: int | None, extra_minutes: int | None) -> int:
    """The allowed-time rule, from values already read.

    A resumed attempt gets its saved remaining time (allowances were already in it); otherwise the limit
    plus any extra-time allowance. Either way the exam ends by the learner's due date.
    """
    due = get_exam_due_date(exam, user_id)
    allowed = exam["time_limit_mins"]
    if resume_seconds:
        allowed = int(resume_seconds / 60)
    elif extra_minutes:
        allowed += extra_minutes
    allowed = min(allowed, MAX_ALLOWED_MINUTES)
    if due:
        current_time = now()
        if current_time + timedelta(minutes=allowed) > due:
            allowed = max(int((due - current_time).total_seconds() / 60), 0)
    return allowed


def calculate_allowed_mins(exam, user_id) -> int:
    """Minutes a learner gets for the exam if they start now (see `allowed_minutes_for`)."""
    current = ProctoredExamStudentAttempt.objects.get_current_exam_attempt(exam["id"], user_id)
    resume_seconds = current.time_remaining_seconds if current is not None else None
    extra = None if resume_seconds else ProctoredExamStudentAllowance.get_additional_time_granted(exam["id"], user_id)
    return allowed_minutes_for(exam=exam, user_id=user_id, resume_seconds=resume_seconds, extra_minutes=extra)


def deadline_of(*, started_at: datetime, allowed_minutes: int | None) -> datetime:
    """When time runs out for an attempt started at `started_at` with `allowed_minutes`.

    Never raises for a stored value, however large: minutes are bounded by MAX_ALLOWED_MINUTES and a
    deadline past either end of the calendar is that end.
    """
    minutes = max(-MAX_ALLOWED_MINUTES, min(allowed_minutes or 0, MAX_ALLOWED_MINUTES))
    try:
        return started_at + timedelta(minutes=minutes)
    except OverflowError:
        return LATEST_DEADLINE if minutes > 0 else EARLIEST_DEADLINE


def attempt_deadline(attempt) -> datetime | None:
    """When a started attempt's time runs out (None before it starts)."""
    started_at = _as_datetime(attempt.get("started_at"))
    if not started_at:
        return None
    return deadline_of(started_at=started_at, allowed_minutes=attempt.get("allowed_time_limit_mins"))


def get_time_remaining_for_attempt(attempt) -> float:
    """Seconds left on a started attempt (0 when not started or expired)."""
    deadline = attempt_deadline(attempt)
    if deadline is None:
        return 0
    remaining = (deadline - now()).total_seconds()
    return remaining if remaining > 0 else 0


def has_attempt_timed_out(attempt) -> bool:
    """An incomplete, started attempt whose deadline has strictly passed."""
    deadline = attempt_deadline(attempt)
    return (
        deadline is not None
        and ProctoredExamStudentAttemptStatus.is_incomplete_status(attempt["status"])
        and now() > deadline
    )


def does_time_remain(attempt) -> bool:
    deadline = attempt_deadline(attempt)
    return (
        deadline is not None
        and ProctoredExamStudentAttemptStatus.is_incomplete_status(attempt["status"])
        and now() < deadline
    )


def verify_and_add_wait_deadline(context, exam, user_id) -> bool:
    """Put `wait_deadline` (due date + grace period, ISO) into the context while that moment is ahead."""
    grace_period = context.get("grace_period")
    due = get_exam_due_date(exam, user_id)
    if not grace_period or not due:
        return False
    deadline = due + grace_period
    if deadline > now():
        context["wait_deadline"] = deadline.isoformat()
        return True
    return False


def humanized_time(time_in_minutes) -> str:
    """'1 hour and 30 minutes' style text for a number of minutes ('error' for a negative number)."""
    if time_in_minutes < 0:
        return _("error")
    hours = int(time_in_minutes / 60)
    minutes = time_in_minutes % 60
    if hours == 0:
        return (
            _("{num_of_minutes} minute").format(num_of_minutes=minutes)
            if minutes == 1
            else _("{num_of_minutes} minutes").format(num_of_minutes=minutes)
        )
    hours_text = (
        _("{num_of_hours} hour").format(num_of_hours=hours)
        if hours == 1
        else _("{num_of_hours} hours").format(num_of_hours=hours)
    )
    if minutes == 0:
        return hours_text
    if minutes == 1:
        return _("{hours} and {num_of_minutes} minute").format(hours=hours_text, num_of_minutes=minutes)
    return _("{hours} and {num_of_minutes} minutes").format(hours=hours_text, num_of_minutes=minutes)
