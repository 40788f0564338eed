"""Time rules: due dates, allowed minutes, deadlines and remaining time.

Every datetime is timezone-aware UTC. "Past due" means due <= now; an attempt times out strictly after
its deadline. The allowed time of an attempt is fixed when it first starts and never recomputed.
"""

from __future__ import annotations

import contextlib
import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.utils.translation import gettext as _
from edx_when import api as when_api
from opaque_keys import InvalidKeyError

from edx_proctoring.exam_kinds import ExamKind, kind_of
from edx_proctoring.models import (
    ProctoredExamAttemptTimeState,
    ProctoredExamStudentAllowance,
    ProctoredExamStudentAttempt,
)
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
    return not due and kind_of(exam) is ExamKind.TIMED and has_end_date_passed(exam["course_id"])


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


@dataclass(frozen=True)
class Clock:
    """What the adjustments of an attempt add up to (`ProctoredExamAttemptTimeState`); `NO_CLOCK` when none.

    The deadline is started_at + allowed minutes + extension minutes + paused time, where an open pause
    counts up to now and an open break up to now or the end of its budget, whichever is first; then, when
    `due_cap` is set, no later than it (an extension granted past the due date lifts the cap).
    """

    extension_minutes: int = 0
    paused_seconds: int = 0
    paused_since: datetime | None = None
    paused_kind: str = ""
    break_ends_by: datetime | None = None
    break_seconds_used: int = 0
    due_cap: datetime | None = None

    @classmethod
    def of(cls, state) -> Clock:
        """The clock of a `ProctoredExamAttemptTimeState` row (or of None: no adjustments)."""
        if state is None:
            return NO_CLOCK
        return cls(
            extension_minutes=state.extension_minutes,
            paused_seconds=state.paused_seconds,
            paused_since=state.paused_since,
            paused_kind=state.paused_kind,
            break_ends_by=state.break_ends_by,
            break_seconds_used=state.break_seconds_used,
            due_cap=state.due_cap,
        )

    def open_pause_seconds(self, *, at: datetime) -> float:
        """Seconds the open pause or break has stopped the clock, as of `at`."""
        if self.paused_since is None:
            return 0
        until = at
        if self.paused_kind == PAUSE_KIND_BREAK and self.break_ends_by is not None:
            until = min(at, self.break_ends_by)
        return max((until - self.paused_since).total_seconds(), 0)

    def is_paused(self) -> bool:
        """Paused by staff (or a tool): stays paused until resumed."""
        return self.paused_since is not None and self.paused_kind == PAUSE_KIND_STAFF

    def is_on_break(self, *, at: datetime) -> bool:
        """On a break whose budget has not run out yet (a spent break lets the clock run on its own)."""
        return (
            self.paused_since is not None
            and self.paused_kind == PAUSE_KIND_BREAK
            and (self.break_ends_by is None or at < self.break_ends_by)
        )

    def has_spent_break(self, *, at: datetime) -> bool:
        """On a break whose budget ran out by `at`: the clock runs again, the break is yet to be recorded as ended."""
        return self.paused_kind == PAUSE_KIND_BREAK and self.break_ends_by is not None and self.break_ends_by <= at

    def is_stopped(self, *, at: datetime) -> bool:
        """The clock does not run: paused, or on a break with budget left."""
        return self.is_paused() or self.is_on_break(at=at)


PAUSE_KIND_STAFF = "pause"
PAUSE_KIND_BREAK = "break"
NO_CLOCK = Clock()
# The attribute of a serialized attempt (a dict) that carries its clock, so that a poll reads no more.
CLOCK_ATTRIBUTE = "edx_proctoring_clock"


def _shift(moment: datetime, *, seconds: float) -> datetime:
    try:
        return moment + timedelta(seconds=seconds)
    except OverflowError:
        return LATEST_DEADLINE if seconds > 0 else EARLIEST_DEADLINE


def deadline_of(
    *, started_at: datetime, allowed_minutes: int | None, clock: Clock = NO_CLOCK, at: datetime | None = None
) -> datetime:
    """When time runs out for an attempt started at `started_at` with `allowed_minutes`, as of `at` (now).

    The one deadline rule (see `Clock`); the poll, the pages, the sweep and the timer all call it. Never
    raises for stored values, however large: minutes are bounded by MAX_ALLOWED_MINUTES and a deadline
    past either end of the calendar is that end.
    """
    minutes = max(-MAX_ALLOWED_MINUTES, min((allowed_minutes or 0) + clock.extension_minutes, MAX_ALLOWED_MINUTES))
    deadline = _shift(started_at, seconds=minutes * 60)
    if clock is NO_CLOCK:
        return deadline
    paused = clock.paused_seconds + clock.open_pause_seconds(at=at or now())
    deadline = _shift(deadline, seconds=paused)
    if clock.due_cap is not None and deadline > clock.due_cap:
        deadline = clock.due_cap
    return deadline


def with_clock(attempt: dict, clock: Clock) -> dict:
    """Attach the attempt's clock to its serialized form (an attribute, so the historic keys stay as they are)."""
    setattr(attempt, CLOCK_ATTRIBUTE, clock)
    return attempt


def clock_of(attempt) -> Clock:
    """The clock of a serialized attempt: the one attached when it was read, else read now (one query)."""
    clock = getattr(attempt, CLOCK_ATTRIBUTE, None)
    if clock is not None:
        return clock
    attempt_id = attempt.get("id") if isinstance(attempt, dict) else None
    if attempt_id is None:
        return NO_CLOCK
    clock = Clock.of(ProctoredExamAttemptTimeState.objects.filter(attempt_id=attempt_id).first())
    # A plain dict built by the caller cannot carry it: it is read again next time.
    with contextlib.suppress(AttributeError):
        with_clock(attempt, clock)
    return clock


def attempt_deadline(attempt, *, at: datetime | None = None, clock: Clock | None = None) -> datetime | None:
    """When a started attempt's time runs out, as of `at` (None before it starts)."""
    started_at = _as_datetime(attempt.get("started_at"))
    if not started_at:
        return None
    return deadline_of(
        started_at=started_at,
        allowed_minutes=attempt.get("allowed_time_limit_mins"),
        clock=clock_of(attempt) if clock is None else clock,
        at=at,
    )


def get_time_remaining_for_attempt(attempt) -> float:
    """Seconds left on a started attempt (0 when not started or expired); frozen while paused or on a break."""
    current_time = now()
    deadline = attempt_deadline(attempt, at=current_time)
    if deadline is None:
        return 0
    remaining = (deadline - current_time).total_seconds()
    return remaining if remaining > 0 else 0


def is_past_deadline(*, deadline: datetime, clock: Clock, at: datetime) -> bool:
    """Whether time has run out: strictly past the deadline, and never while the clock is stopped.

    The poll (`has_attempt_timed_out`) and the sweep both decide with this.
    """
    return at > deadline and not clock.is_stopped(at=at)


def has_attempt_timed_out(attempt) -> bool:
    """An incomplete, started attempt whose deadline has strictly passed while its clock runs."""
    current_time = now()
    clock = clock_of(attempt)
    deadline = attempt_deadline(attempt, at=current_time, clock=clock)
    return (
        deadline is not None
        and ProctoredExamStudentAttemptStatus.is_incomplete_status(attempt["status"])
        and is_past_deadline(deadline=deadline, clock=clock, at=current_time)
    )


def does_time_remain(attempt) -> bool:
    current_time = now()
    clock = clock_of(attempt)
    deadline = attempt_deadline(attempt, at=current_time, clock=clock)
    return (
        deadline is not None
        and ProctoredExamStudentAttemptStatus.is_incomplete_status(attempt["status"])
        and (current_time < deadline or clock.is_stopped(at=current_time))
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
