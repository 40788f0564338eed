"""Time adjustments of a running attempt: what each one does to the clock, and everything recorded about it.

Whether an adjustment is allowed is the actions table's answer (`extend`, `revoke_extension`, `pause`,
`resume`, `break_start`, `break_end`); `lifecycle.adjust_attempt_time` asks it under the attempt's row lock
and calls `apply_adjustment` here. The deadline itself is `timing.deadline_of`, read from the summary row
(`ProctoredExamAttemptTimeState`) that `advance_clock` keeps up to date.
"""

from __future__ import annotations

import logging
import math
from dataclasses import replace
from datetime import datetime, timedelta

from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import select_template
from django.utils.translation import gettext as _

from edx_proctoring import constants
from edx_proctoring.attempts.actions import Actor
from edx_proctoring.attempts.serialization import serialize_attempt
from edx_proctoring.audit_trail import record_audit
from edx_proctoring.events import emit_event
from edx_proctoring.exams import get_course_home_url, serialize_exam
from edx_proctoring.models import (
    ProctoredExamAttemptTimeState,
    ProctoredExamStudentAllowance,
    ProctoredExamStudentAttempt,
    ProctoredExamTimeAdjustment,
    TimeAdjustmentKind,
)
from edx_proctoring.notifications import _get_email_template_paths
from edx_proctoring.signals import exam_attempt_time_adjusted_signal
from edx_proctoring.timing import (
    PAUSE_KIND_BREAK,
    PAUSE_KIND_STAFF,
    Clock,
    deadline_of,
    humanized_time,
)

log = logging.getLogger(__name__)

Kind = TimeAdjustmentKind
KIND_OF_ACTION = {
    "extend": Kind.extension,
    "revoke_extension": Kind.extension,
    "pause": Kind.pause,
    "resume": Kind.resume,
    "break_start": Kind.break_start,
    "break_end": Kind.break_end,
}
# The tracking event of each adjustment: edx.special_exam.<type>.attempt.<verb>.
EVENT_VERB = {
    "extend": "time_extended",
    "revoke_extension": "time_extension_revoked",
    "pause": "paused",
    "resume": "resumed",
    "break_start": "break_started",
    "break_end": "break_ended",
}
BREAK_MINUTES_KEY = ProctoredExamStudentAllowance.BREAK_MINUTES[0]


def advance_clock(*, clock: Clock, action: str, at: datetime, minutes: int = 0, break_seconds_left: int = 0) -> Clock:
    """The clock after `action` at `at` (pure; the actions table has already allowed it).

    Closed pauses add whole seconds, rounded down, so closing one never gives back time; a break uses
    its budget in whole seconds, rounded up, and never more than the budget.
    """
    if action in ("extend", "revoke_extension"):
        return replace(clock, extension_minutes=clock.extension_minutes + minutes)
    if action == "pause":
        return replace(clock, paused_since=at, paused_kind=PAUSE_KIND_STAFF, break_ends_by=None)
    if action == "break_start":
        ends_by = at + timedelta(seconds=break_seconds_left)
        return replace(clock, paused_since=at, paused_kind=PAUSE_KIND_BREAK, break_ends_by=ends_by)
    if action in ("resume", "break_end"):
        stopped = clock.open_pause_seconds(at=at)
        used = clock.break_seconds_used
        if clock.paused_kind == PAUSE_KIND_BREAK:
            budget_end = clock.break_ends_by or at
            budget = max(math.floor((budget_end - clock.paused_since).total_seconds()), 0)
            used += min(math.ceil(stopped), budget)
        return replace(
            clock,
            paused_seconds=clock.paused_seconds + math.floor(stopped),
            paused_since=None,
            paused_kind="",
            break_ends_by=None,
            break_seconds_used=used,
        )
    raise ValueError(f"{action!r} is not a time adjustment.")


def break_allowance_minutes(*, exam_id: int, user_id: int) -> int | None:
    """The learner's break budget on the exam, in minutes (None without a break allowance)."""
    allowance = ProctoredExamStudentAllowance.get_allowance_for_user(exam_id, user_id, BREAK_MINUTES_KEY)
    return parse_break_minutes(allowance.value if allowance else None)


def parse_break_minutes(value) -> int | None:
    return int(value) if value is not None and str(value).isdecimal() else None


def break_seconds_left(*, clock: Clock, allowed_minutes: int | None) -> int | None:
    if allowed_minutes is None:
        return None
    return max(allowed_minutes * 60 - clock.break_seconds_used, 0)


def load_state(*, attempt: ProctoredExamStudentAttempt) -> ProctoredExamAttemptTimeState:
    """The attempt's summary row, or a new unsaved one (call with the attempt's row locked)."""
    state = ProctoredExamAttemptTimeState.objects.filter(attempt_id=attempt.id).first()
    return state if state is not None else ProctoredExamAttemptTimeState(attempt=attempt)


def _store_clock(*, state: ProctoredExamAttemptTimeState, clock: Clock) -> None:
    state.extension_minutes = clock.extension_minutes
    state.paused_seconds = clock.paused_seconds
    state.paused_since = clock.paused_since
    state.paused_kind = clock.paused_kind
    state.break_ends_by = clock.break_ends_by
    state.break_seconds_used = clock.break_seconds_used
    state.due_cap = clock.due_cap
    state.save()


def apply_adjustment(
    *,
    attempt: ProctoredExamStudentAttempt,
    state: ProctoredExamAttemptTimeState,
    action: str,
    actor: Actor,
    user,
    minutes: int,
    reason: str,
    past_due_date: bool,
    due_date: datetime | None,
    break_seconds: int,
    at: datetime,
) -> ProctoredExamTimeAdjustment:
    """Record an allowed adjustment: the adjustment row, the new summary, a history row of the attempt (who,
    why), an audit entry, the tracking event and signal, and for an extension the learner's email.

    Runs inside the caller's transaction, with the attempt's row locked.
    """
    before = Clock.of(None if state._state.adding else state)
    deadline_before = deadline_of(
        started_at=attempt.started_at, allowed_minutes=attempt.allowed_time_limit_mins, clock=before, at=at
    )
    clock = advance_clock(clock=before, action=action, at=at, minutes=minutes, break_seconds_left=break_seconds)
    state.past_due_date = state.past_due_date or (action == "extend" and past_due_date)
    clock = replace(clock, due_cap=None if state.past_due_date else due_date)
    _store_clock(state=state, clock=clock)
    recorded_minutes = minutes if action in ("extend", "revoke_extension") else 0
    if action in ("resume", "break_end"):
        recorded_minutes = round(before.open_pause_seconds(at=at) / 60)
    adjustment = ProctoredExamTimeAdjustment.objects.create(
        attempt=attempt,
        kind=KIND_OF_ACTION[action],
        minutes=recorded_minutes,
        past_due_date=action == "extend" and past_due_date,
        actor=user,
        actor_kind=str(actor),
        reason=reason,
        created=at,
    )
    # A saved attempt gets a history row; the audit context around the caller says who and why.
    attempt.save(update_fields=["modified"])
    deadline_after = deadline_of(
        started_at=attempt.started_at, allowed_minutes=attempt.allowed_time_limit_mins, clock=clock, at=at
    )
    record_audit(
        f"attempt.{EVENT_VERB[action]}",
        attempt_id=attempt.id,
        exam_id=attempt.proctored_exam_id,
        target_user_id=attempt.user_id,
        details={
            "kind": adjustment.kind,
            "minutes": recorded_minutes,
            "reason": reason,
            "actor_kind": str(actor),
            "past_due_date": adjustment.past_due_date,
            "deadline_before": deadline_before.isoformat(),
            "deadline_after": deadline_after.isoformat(),
        },
    )
    _announce(attempt=attempt, action=action, adjustment=adjustment, clock=clock, deadline=deadline_after, at=at)
    log.info("Attempt %s: %s %+d min by %s", attempt.id, action, recorded_minutes, actor)
    return adjustment


def _announce(*, attempt, action, adjustment, clock: Clock, deadline: datetime, at: datetime) -> None:
    exam = serialize_exam(attempt.proctored_exam)
    emit_event(
        exam,
        EVENT_VERB[action],
        attempt=serialize_attempt(attempt),
        override_data={
            "time_adjustment_kind": adjustment.kind,
            "time_adjustment_minutes": adjustment.minutes,
            "attempt_deadline": deadline.isoformat(),
        },
    )
    exam_attempt_time_adjusted_signal.send(
        sender="edx_proctoring",
        attempt_id=attempt.id,
        user_id=attempt.user_id,
        kind=adjustment.kind,
        minutes=adjustment.minutes,
        deadline=deadline,
        paused=clock.is_stopped(at=at),
        is_practice_exam=exam["is_practice_exam"],
        is_proctored=attempt.taking_as_proctored,
    )
    if action == "extend":
        attempt_id, minutes = attempt.id, adjustment.minutes
        # Only once the extension is committed: a rolled-back extension must not be announced.
        transaction.on_commit(lambda: send_extension_email(attempt_id=attempt_id, minutes=minutes), robust=True)


def send_extension_email(*, attempt_id: int, minutes: int) -> bool:
    """Tell the learner that staff gave them more time; a mail failure is logged, the extension stands."""
    attempt = ProctoredExamStudentAttempt.objects.select_related("proctored_exam", "user").filter(id=attempt_id).first()
    if attempt is None or not attempt.user.email:
        return False
    exam = attempt.proctored_exam
    template = select_template(_get_email_template_paths("proctoring_time_extended_email.html", exam.backend))
    body = template.render(
        {
            "exam_name": exam.exam_name,
            "added_time": humanized_time(minutes),
            "course_url": get_course_home_url(exam.course_id),
            "platform": constants.PLATFORM_NAME,
        }
    )
    email = EmailMessage(
        subject=_("More time on your exam"), body=body, from_email=constants.FROM_EMAIL, to=[attempt.user.email]
    )
    email.content_subtype = "html"
    try:
        email.send()
    except Exception:  # the mail server failing must not undo or fail the extension
        log.exception("Could not send the time extension email for attempt %s", attempt_id)
        return False
    return True


def time_state(*, attempt_id: int, at: datetime) -> dict:
    """What the staff endpoint answers about an attempt's time: deadline, pause, extensions, adjustments."""
    attempt = ProctoredExamStudentAttempt.objects.select_related("time_state").get(id=attempt_id)
    clock = Clock.of(getattr(attempt, "time_state", None))
    deadline = None
    if attempt.started_at is not None:
        deadline = deadline_of(
            started_at=attempt.started_at, allowed_minutes=attempt.allowed_time_limit_mins, clock=clock, at=at
        )
    adjustments = ProctoredExamTimeAdjustment.objects.filter(attempt_id=attempt_id).select_related("actor")
    return {
        "attempt_id": attempt.id,
        "deadline": deadline.isoformat() if deadline else None,
        "paused": clock.is_paused(),
        "on_break": clock.is_on_break(at=at),
        "extension_minutes": clock.extension_minutes,
        "adjustments": [
            {
                "kind": adjustment.kind,
                "minutes": adjustment.minutes,
                "reason": adjustment.reason,
                "actor": adjustment.actor.username if adjustment.actor else None,
                "actor_kind": adjustment.actor_kind,
                "past_due_date": adjustment.past_due_date,
                "created": adjustment.created.isoformat(),
            }
            for adjustment in adjustments.order_by("id")
        ],
    }
