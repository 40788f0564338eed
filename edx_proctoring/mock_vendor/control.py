"""The test-control commands of the mock vendor (``POST /__control__`` bodies), checked before any is applied.

A command is a JSON object; every key is optional. A malformed value is a :class:`FaultError` naming the key,
which the HTTP layer answers with 400, and nothing of the command is applied.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from edx_proctoring.mock_vendor.state import FAULTS, SCOPE_CREATE_ATTEMPT, SCOPES, VERDICTS, FaultError

# Delays beyond an hour are a typo, and would keep the callback thread's queue busy for nothing.
MAX_DELAY_SECONDS = 3600.0
MAX_FAULT_TIMES = 1_000_000

DELAY_KEYS = ("ready_delay", "review_delay", "slow_seconds")
SWITCH_KEYS = ("auto_ready", "auto_review", "hold_callbacks", "deliver", "redeliver_dropped")
KNOWN_KEYS = frozenset(
    {"fault", "scope", "times", "verdict", "attempt_id", "comments", "profile", *DELAY_KEYS, *SWITCH_KEYS}
)


@dataclass(frozen=True)
class FaultCommand:
    mode: str | None
    scope: str
    times: int | None


@dataclass(frozen=True)
class VerdictCommand:
    verdict: str
    attempt_id: str | None
    comments: list[dict[str, Any]] | None


@dataclass(frozen=True)
class ProfileCommand:
    user_id: str
    status: str
    course_id: str


@dataclass(frozen=True)
class ControlCommand:
    fault: FaultCommand | None = None
    verdict: VerdictCommand | None = None
    profile: ProfileCommand | None = None
    delays: dict[str, float] | None = None
    switches: dict[str, bool] | None = None


def parse_control(command: Any) -> ControlCommand:
    """Check a whole control command; raises FaultError on the first malformed value."""
    if not isinstance(command, dict):
        raise FaultError("A control command must be a JSON object.")
    unknown = sorted(str(key) for key in command if key not in KNOWN_KEYS)
    if unknown:
        raise FaultError(f"Unknown control key(s): {', '.join(unknown)}; known: {', '.join(sorted(KNOWN_KEYS))}.")
    return ControlCommand(
        fault=_fault(command) if "fault" in command else None,
        verdict=_verdict(command) if "verdict" in command else None,
        profile=_profile(command["profile"]) if "profile" in command else None,
        delays={key: _delay(key=key, value=command[key]) for key in DELAY_KEYS if key in command},
        switches={key: _switch(key=key, value=command[key]) for key in SWITCH_KEYS if key in command},
    )


def _fault(command: dict[str, Any]) -> FaultCommand:
    mode = command["fault"]
    if mode is not None and mode not in FAULTS:
        raise FaultError(f"Unknown fault {mode!r}; choose one of {', '.join(FAULTS)} (or null to clear).")
    scope = command.get("scope", SCOPE_CREATE_ATTEMPT)
    if scope not in SCOPES:
        raise FaultError(f"Unknown fault scope {scope!r}; choose one of {', '.join(SCOPES)}.")
    times = command.get("times")
    if times is not None and (
        isinstance(times, bool) or not isinstance(times, int) or not 1 <= times <= MAX_FAULT_TIMES
    ):
        raise FaultError(f"times must be a whole number from 1 to {MAX_FAULT_TIMES} (or null), not {times!r}.")
    return FaultCommand(mode=mode, scope=scope, times=times)


def _verdict(command: dict[str, Any]) -> VerdictCommand:
    verdict = command["verdict"]
    if verdict not in VERDICTS:
        raise FaultError(f"Unknown verdict {verdict!r}; choose one of {', '.join(VERDICTS)}.")
    attempt_id = command.get("attempt_id")
    if attempt_id is not None and (not isinstance(attempt_id, str) or not attempt_id):
        raise FaultError("attempt_id must be a non-empty string (or null for every attempt).")
    comments = command.get("comments")
    if comments is not None:
        if not isinstance(comments, list) or not all(isinstance(comment, dict) for comment in comments):
            raise FaultError("comments must be a list of objects.")
        comments = [dict(comment) for comment in comments]
    return VerdictCommand(verdict=verdict, attempt_id=attempt_id, comments=comments)


def _profile(profile: Any) -> ProfileCommand:
    if not isinstance(profile, dict):
        raise FaultError("profile must be an object {user_id, status, course_id?}.")
    user_id = profile.get("user_id")
    if isinstance(user_id, bool) or not isinstance(user_id, str | int) or user_id == "":
        raise FaultError("profile.user_id must be a string or a number.")
    status = profile.get("status")
    if not isinstance(status, str) or not status:
        raise FaultError("profile.status must be a non-empty string.")
    course_id = profile.get("course_id", "*")
    if not isinstance(course_id, str) or not course_id:
        raise FaultError("profile.course_id must be a non-empty string (or absent for every course).")
    return ProfileCommand(user_id=str(user_id), status=status, course_id=course_id)


def _delay(*, key: str, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise FaultError(f"{key} must be a number of seconds, not {value!r}.")
    if not 0 <= value <= MAX_DELAY_SECONDS:
        raise FaultError(f"{key} must be from 0 to {MAX_DELAY_SECONDS:g} seconds, not {value!r}.")
    return float(value)


def _switch(*, key: str, value: Any) -> bool:
    # bool("false") is True: a string here is a client's mistake, not a yes.
    if not isinstance(value, bool):
        raise FaultError(f"{key} must be true or false, not {value!r}.")
    return value
