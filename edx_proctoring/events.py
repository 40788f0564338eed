"""Tracking events (`edx.special_exam.*`) sent through event-tracking's default tracker."""

from __future__ import annotations

import contextlib
import logging
from datetime import UTC, datetime
from typing import Any

from eventtracking import tracker
from opaque_keys import InvalidKeyError
from opaque_keys.edx.keys import CourseKey

from edx_proctoring.exam_kinds import tracking_exam_type

log = logging.getLogger(__name__)


def _parse_datetime(value):
    if isinstance(value, str):
        value = datetime.fromisoformat(value.replace("Z", "+00:00"))
    return value


def emit_event(exam, event_short_name, attempt=None, override_data=None):
    """Send `edx.special_exam.<type>[.attempt].<event_short_name>` with the exam's (and attempt's) data.

    A host without a configured tracker (a plain test project) only gets a warning in the log.
    """
    attempt_part = ".attempt" if attempt else ""
    name = f"edx.special_exam.{tracking_exam_type(exam)}{attempt_part}.{event_short_name}"
    data: dict[str, Any] = {
        "exam_id": exam["id"],
        "exam_content_id": exam["content_id"],
        "exam_name": exam["exam_name"],
        "exam_default_time_limit_mins": exam["time_limit_mins"],
        "exam_is_proctored": exam["is_proctored"],
        "exam_is_practice_exam": exam["is_practice_exam"],
        "exam_is_active": exam["is_active"],
    }
    if attempt:
        started_at = _parse_datetime(attempt.get("started_at"))
        elapsed = None
        if started_at:
            elapsed = (datetime.now(UTC) - started_at).total_seconds()
        data.update(
            {
                "attempt_id": attempt["id"],
                "attempt_user_id": attempt["user"]["id"] if isinstance(attempt.get("user"), dict) else None,
                "attempt_started_at": started_at,
                "attempt_completed_at": _parse_datetime(attempt.get("completed_at")),
                "attempt_code": attempt.get("attempt_code"),
                "attempt_allowed_time_limit_mins": attempt.get("allowed_time_limit_mins"),
                "attempt_status": attempt.get("status"),
                "attempt_event_elapsed_time_secs": elapsed,
            }
        )
    if override_data:
        data.update(override_data)
    context: dict[str, Any] = {"course_id": exam["course_id"]}
    with contextlib.suppress(InvalidKeyError):
        context["org_id"] = CourseKey.from_string(exam["course_id"]).org
    try:
        default_tracker = tracker.get_tracker()
    except KeyError:
        log.warning("No event tracker is configured; dropped event %s", name)
        return
    with default_tracker.context(name, context):
        default_tracker.emit(name, data)
