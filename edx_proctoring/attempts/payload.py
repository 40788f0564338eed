"""The timer payload: what the learner's timer (legacy LMS or Learning MFE) reads about a running attempt."""

from __future__ import annotations

import math
from collections.abc import Callable

from django.urls import reverse
from django.utils.translation import gettext as _

from edx_proctoring import config
from edx_proctoring.attempts.time_adjustments import break_seconds_left
from edx_proctoring.backends import get_backend_provider
from edx_proctoring.exams import get_exam_type, get_exam_url
from edx_proctoring.lti.end_assessment import end_assessment_url
from edx_proctoring.statuses import AWAITING_SETUP_STATUSES, COMPLETED_STATUSES
from edx_proctoring.statuses import ProctoredExamStudentAttemptStatus as Status
from edx_proctoring.timing import (
    PAUSE_KIND_BREAK,
    Clock,
    attempt_deadline,
    clock_of,
    get_time_remaining_for_attempt,
    humanized_time,
    now,
)


def low_time_thresholds(*, allowed_minutes: int) -> tuple[int, int]:
    """Seconds left at which the timer turns to its warning and its critical state."""
    low_pct = config.proctoring_setting("low_threshold_pct")
    critical_pct = config.proctoring_setting("critically_low_threshold_pct")
    return int(low_pct * allowed_minutes * 60), int(critical_pct * allowed_minutes * 60)


def is_attempt_ready_to_resume(attempt: dict) -> bool:
    """For a serialized attempt: staff allowed it to resume and it has not been resumed yet."""
    return bool(attempt["ready_to_resume"] and not attempt["resumed"])


def clock_fields(*, clock: Clock, break_minutes: int | None, at) -> dict:
    """The timer's view of time adjustments: paused, on a break, net extension and the break budget."""
    left = break_seconds_left(clock=clock, allowed_minutes=break_minutes)
    if left is not None and clock.paused_kind == PAUSE_KIND_BREAK:
        # The open break uses the budget as it goes (a spent one not yet recorded as ended included).
        left = max(left - math.ceil(clock.open_pause_seconds(at=at)), 0)
    return {
        "paused": clock.is_paused(),
        "extension_minutes": clock.extension_minutes,
        "break_minutes_allowed": break_minutes,
        "break_minutes_remaining": None if left is None else left // 60,
        "on_break": clock.is_on_break(at=at),
    }


def build_timer_payload(
    *,
    exam: dict,
    attempt: dict,
    is_learning_mfe: bool,
    fallback_total_minutes: Callable[[], int],
    break_minutes: Callable[[], int | None],
) -> dict:
    """The timer payload, with the absolute `deadline` and `server_now` (ISO-8601) added to the historic keys
    so a client can count down against the server's clock instead of its own, and the clock's adjustments
    (`clock_fields`). On the LTI backend, `lti_end_assessment_url` is where the learner's browser sends the
    LtiEndAssessment the tool asked for (null while none is owed).

    `fallback_total_minutes` gives the allowed time when the attempt has none fixed yet (or is about to be
    resumed) and `break_minutes` the learner's break allowance; callers that already read the learner's
    allowances pass cheaper ones.

    A stopped clock (paused, or on a break) is shown to the Learning MFE, which knows only 6.1.x statuses
    and counts down locally from `time_remaining_seconds`, as `ready_to_start`: a status without a clock.
    """
    provider = get_backend_provider(exam)
    current_time = now()
    clock = clock_of(attempt)
    time_remaining_seconds = get_time_remaining_for_attempt(attempt)
    allowed_minutes = attempt["allowed_time_limit_mins"] or 0
    ready_to_resume = is_attempt_ready_to_resume(attempt)
    if allowed_minutes and not ready_to_resume:
        total_time = humanized_time(allowed_minutes)
    else:
        total_time = humanized_time(fallback_total_minutes())
    low_threshold, critically_low_threshold = low_time_thresholds(allowed_minutes=allowed_minutes)
    remaining_text = humanized_time(int(round(time_remaining_seconds / 60.0)))
    deadline = attempt_deadline(attempt, at=current_time, clock=clock)
    stopped = clock.is_stopped(at=current_time) and Status.is_in_progress_status(attempt["status"])
    attempt_status = Status.ready_to_start if stopped and is_learning_mfe else attempt["status"]
    data = {
        "in_timed_exam": True,
        "taking_as_proctored": attempt["taking_as_proctored"],
        "exam_type": get_exam_type(exam, provider)["humanized_type"],
        "exam_display_name": exam["exam_name"],
        "exam_url_path": get_exam_url(exam["course_id"], exam["content_id"], is_learning_mfe),
        "time_remaining_seconds": time_remaining_seconds,
        "total_time": total_time,
        "low_threshold_sec": low_threshold,
        "critically_low_threshold_sec": critically_low_threshold,
        "course_id": exam["course_id"],
        "attempt_id": attempt["id"],
        "external_id": attempt["external_id"],
        "accessibility_time_string": _("you have {remaining_time} remaining").format(remaining_time=remaining_text),
        "attempt_status": attempt_status,
        "exam_started_poll_url": reverse("edx_proctoring:proctored_exam.attempt", args=[attempt["id"]]),
        "attempt_ready_to_resume": ready_to_resume,
        "use_legacy_attempt_api": True,
        "deadline": deadline.isoformat() if deadline else None,
        "server_now": current_time.isoformat(),
        **clock_fields(clock=clock, break_minutes=break_minutes(), at=current_time),
    }
    if provider is None:
        data["desktop_application_js_url"] = ""
        return data
    data["desktop_application_js_url"] = provider.get_javascript()
    data["ping_interval"] = provider.ping_interval
    data["attempt_code"] = attempt["attempt_code"]
    if getattr(provider, "sends_lti_end_assessment", False):
        # A Learning MFE learner never sees the LMS's submitted page, which holds the link otherwise.
        data["lti_end_assessment_url"] = (
            end_assessment_url(attempt_id=attempt["id"]) if attempt["status"] in COMPLETED_STATUSES else None
        )
    if attempt["status"] in AWAITING_SETUP_STATUSES:
        provider_attempt = provider.get_attempt(attempt) or {}
        data["software_download_url"] = provider_attempt.get("download_url") or provider.get_software_download_url()
    return data
