"""What the mock vendor remembers: exams, attempts, onboarding profiles, issued tokens, and the faults to play.

Everything is in memory and guarded by one lock; nothing survives a restart.
"""

from __future__ import annotations

import threading
import time
import uuid
from dataclasses import dataclass, field
from typing import Any

# Fault modes. The first group answers the vendor API calls selected by the fault's scope; the last
# one acts on the vendor's calls back into the LMS.
FAULT_SLOW = "slow"
FAULT_SERVER_ERROR = "server_error"
FAULT_MALFORMED_JSON = "malformed_json"
FAULT_NO_ATTEMPT_ID = "no_attempt_id"
FAULT_ONBOARDING_MISSING = "onboarding_missing"
FAULT_ONBOARDING_PENDING = "onboarding_pending"
FAULT_ONBOARDING_FAILED = "onboarding_failed"
FAULT_ONBOARDING_EXPIRED = "onboarding_expired"
FAULT_DROP_CALLBACKS = "drop_callbacks"

ONBOARDING_FAULTS = (
    FAULT_ONBOARDING_MISSING,
    FAULT_ONBOARDING_PENDING,
    FAULT_ONBOARDING_FAILED,
    FAULT_ONBOARDING_EXPIRED,
)
API_FAULTS = (FAULT_SLOW, FAULT_SERVER_ERROR, FAULT_MALFORMED_JSON, FAULT_NO_ATTEMPT_ID, *ONBOARDING_FAULTS)
CALLBACK_FAULTS = (FAULT_DROP_CALLBACKS,)
FAULTS = API_FAULTS + CALLBACK_FAULTS

# Which vendor API calls an API fault applies to.
SCOPE_CREATE_ATTEMPT = "create_attempt"
SCOPE_ALL = "all"
SCOPES = (SCOPE_CREATE_ATTEMPT, "attempt", "exam", "config", "onboarding", "user", SCOPE_ALL)

VERDICTS = ("passed", "violation", "suspicious", "not_reviewed")

# Onboarding profile statuses of the REST provider spec.
PROFILE_APPROVED = "approved-in-course"
PROFILE_PENDING = "pending"
PROFILE_REJECTED = "rejected"
PROFILE_NONE = "no-profile"

DEFAULT_COMMENTS = {
    "passed": [],
    "violation": [
        {"comment": "The learner left the camera's view for a while", "status": "violation", "start": 300, "stop": 420}
    ],
    "suspicious": [
        {"comment": "A second voice can be heard in the room", "status": "suspicious", "start": 610, "stop": 655}
    ],
    "not_reviewed": [{"comment": "The recording could not be played back", "status": "not_reviewed"}],
}


class FaultError(ValueError):
    """An unknown fault, scope or verdict was asked for."""


@dataclass
class Fault:
    """A fault to play: `mode` on the calls of `scope`, for `times` calls (None: until cleared)."""

    mode: str
    scope: str = SCOPE_CREATE_ATTEMPT
    times: int | None = None

    def __post_init__(self):
        if self.mode not in FAULTS:
            raise FaultError(f"Unknown fault {self.mode!r}; choose one of {', '.join(FAULTS)}.")
        if self.scope not in SCOPES:
            raise FaultError(f"Unknown fault scope {self.scope!r}; choose one of {', '.join(SCOPES)}.")
        if self.times is not None and (
            isinstance(self.times, bool) or not isinstance(self.times, int) or self.times < 1
        ):
            raise FaultError(f"A fault is played a whole number of times, 1 or more, not {self.times!r}.")

    def applies_to(self, scope: str) -> bool:
        if self.mode in CALLBACK_FAULTS:
            return scope == "callback"
        return self.scope in (SCOPE_ALL, scope) or (self.scope == "attempt" and scope == SCOPE_CREATE_ATTEMPT)


@dataclass
class VendorExam:
    id: str
    data: dict[str, Any] = field(default_factory=dict)

    @property
    def course_id(self) -> str | None:
        return self.data.get("course_id")

    def as_json(self) -> dict[str, Any]:
        return {**self.data, "id": self.id}


@dataclass
class VendorAttempt:
    id: str
    exam_id: str
    data: dict[str, Any] = field(default_factory=dict)
    status: str = "created"
    history: list[str] = field(default_factory=list)
    created: float = field(default_factory=time.time)
    # The vendor's review once it has one: also answered on the attempt read, for an LMS whose callback
    # never arrived (the drop_callbacks fault) and that asks.
    review: dict[str, Any] | None = None

    @property
    def user_id(self) -> str | None:
        return self.data.get("user_id")

    def as_json(self) -> dict[str, Any]:
        answer = {
            "id": self.id,
            "exam_id": self.exam_id,
            "status": self.status,
            "user_id": self.user_id,
            "is_sample_attempt": bool(self.data.get("is_sample_attempt")),
            "instructions": ["Close every other application.", "Keep your face inside the camera frame."],
        }
        if self.review is not None:
            answer["review"] = dict(self.review)
        return answer


class VendorState:
    """The vendor's records; every method takes the lock."""

    def __init__(self):
        self.lock = threading.RLock()
        self.exams: dict[str, VendorExam] = {}
        self.attempts: dict[str, VendorAttempt] = {}
        self.tokens: dict[str, float] = {}
        # (course_id or "*", user_id) -> profile status
        self.profiles: dict[tuple[str, str], str] = {}
        self.faults: list[Fault] = []

    # -- tokens --------------------------------------------------------------------------------------

    def remember_token(self, token: str, expires_at: float) -> None:
        with self.lock:
            self.tokens[token] = expires_at

    def token_is_valid(self, token: str) -> bool:
        with self.lock:
            expires_at = self.tokens.get(token)
        return expires_at is not None and expires_at > time.time()

    # -- faults --------------------------------------------------------------------------------------

    def set_fault(self, fault: Fault | None) -> None:
        with self.lock:
            self.faults = [fault] if fault else []

    def add_fault(self, fault: Fault) -> None:
        with self.lock:
            self.faults.append(fault)

    def take_fault(self, scope: str) -> str | None:
        """The fault mode to play on a call of `scope` (consuming one use of it), or None."""
        with self.lock:
            for fault in list(self.faults):
                if not fault.applies_to(scope):
                    continue
                if fault.times is not None:
                    fault.times -= 1
                    if fault.times <= 0:
                        self.faults.remove(fault)
                return fault.mode
        return None

    # -- exams and attempts --------------------------------------------------------------------------

    def save_exam(self, exam_id: str | None, data: dict[str, Any]) -> VendorExam:
        with self.lock:
            exam_id = exam_id or uuid.uuid4().hex
            exam = self.exams.get(exam_id) or VendorExam(id=exam_id)
            exam.data.update({key: value for key, value in data.items() if key != "id"})
            self.exams[exam_id] = exam
            return exam

    def get_exam(self, exam_id: str) -> VendorExam | None:
        with self.lock:
            return self.exams.get(exam_id)

    def create_attempt(self, exam_id: str, data: dict[str, Any]) -> VendorAttempt:
        with self.lock:
            if exam_id not in self.exams:
                # The LMS may register attempts for exams it never pushed to us (exam created in the
                # LMS while the vendor was down): accept them, as a lenient vendor would.
                self.exams[exam_id] = VendorExam(id=exam_id)
            attempt = VendorAttempt(id=uuid.uuid4().hex, exam_id=exam_id, data=dict(data))
            attempt.history.append(attempt.status)
            self.attempts[attempt.id] = attempt
            return attempt

    def get_attempt(self, exam_id: str, attempt_id: str) -> VendorAttempt | None:
        with self.lock:
            attempt = self.attempts.get(attempt_id)
            return attempt if attempt is not None and attempt.exam_id == exam_id else None

    def find_attempt(self, attempt_id: str) -> VendorAttempt | None:
        with self.lock:
            return self.attempts.get(attempt_id)

    def set_attempt_status(self, attempt: VendorAttempt, status: str) -> None:
        with self.lock:
            attempt.status = status
            attempt.history.append(status)

    def set_attempt_review(self, attempt: VendorAttempt, review: dict[str, Any]) -> None:
        with self.lock:
            attempt.review = dict(review)

    def delete_attempt(self, exam_id: str, attempt_id: str) -> bool:
        with self.lock:
            attempt = self.get_attempt(exam_id, attempt_id)
            if attempt is None:
                return False
            del self.attempts[attempt_id]
            return True

    def delete_user(self, user_id: str) -> bool:
        """Forget everything about a user; True when there was something to forget."""
        with self.lock:
            attempt_ids = [key for key, attempt in self.attempts.items() if attempt.user_id == user_id]
            for attempt_id in attempt_ids:
                del self.attempts[attempt_id]
            profile_keys = [key for key in self.profiles if key[1] == user_id]
            for key in profile_keys:
                del self.profiles[key]
            return bool(attempt_ids or profile_keys)

    # -- onboarding ----------------------------------------------------------------------------------

    def set_profile(self, *, user_id: str, status: str, course_id: str = "*") -> None:
        with self.lock:
            self.profiles[(course_id, user_id)] = status

    def profile_status(self, *, user_id: str, course_id: str) -> str:
        with self.lock:
            status = self.profiles.get((course_id, user_id)) or self.profiles.get(("*", user_id))
            if status is not None:
                return status
            approved_elsewhere = any(
                user == user_id and course not in (course_id, "*") and value == PROFILE_APPROVED
                for (course, user), value in self.profiles.items()
            )
            return "approved-in-different-course" if approved_elsewhere else PROFILE_NONE

    def profiles_for_course(self, course_id: str) -> list[dict[str, Any]]:
        with self.lock:
            users = sorted({user for course, user in self.profiles if course in (course_id, "*")})
        return [
            {"user_id": user, "status": self.profile_status(user_id=user, course_id=course_id), "expiration_date": None}
            for user in users
        ]

    def snapshot(self) -> dict[str, Any]:
        """Everything, as JSON-able data (for the control endpoint and the instructor page)."""
        with self.lock:
            return {
                "exams": [exam.as_json() for exam in self.exams.values()],
                "attempts": [
                    {**attempt.as_json(), "history": list(attempt.history)} for attempt in self.attempts.values()
                ],
                "faults": [{"mode": f.mode, "scope": f.scope, "times": f.times} for f in self.faults],
                "profiles": [
                    {"course_id": course, "user_id": user, "status": status}
                    for (course, user), status in self.profiles.items()
                ],
            }
