"""The Assessment Control Service (LTI Proctoring Services §6): what a tool may do to an attempt it launched.

A tool, authenticated by an access token bound to its registration (`edx_proctoring.lti.token`), names an
attempt by the learner's `sub`, the resource link and the attempt number it was given at launch. Only
attempts launched through that same registration are found, and only the actions that launch advertised
(and the registration still allows) are accepted. Each action is a move of the attempt lifecycle made by
`Actor.tool`:

* ``pause`` / ``resume``: the time-accommodations pause (`lifecycle.adjust_attempt_time`);
* ``update``: an extension of ``extra_time`` whole minutes, clamped so that the tool's extensions of one
  attempt add up to at most the registration's ``max_extra_minutes``;
* ``terminate``: submit, then error or second review as the registration's reason-code mapping says;
* ``flag``: an incident for the reviewer; the attempt does not change.

Every accepted call is one `LtiControlEvent`, unique by (registration, attempt, action, incident_time): the
same call again changes nothing and gets the answer the first one got. A refused call writes nothing.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime

from django.db import IntegrityError, transaction
from django.db.models import Sum

from edx_proctoring.attempts.actions import Actor
from edx_proctoring.attempts.lifecycle import adjust_attempt_time, perform_action
from edx_proctoring.audit_trail import record_audit
from edx_proctoring.exceptions import ProctoredBaseException
from edx_proctoring.models import LtiControlEvent, LtiLaunch, LtiToolRegistration, ProctoredExamStudentAttempt
from edx_proctoring.models.lti import ACS_ACTIONS
from edx_proctoring.statuses import ProctoredExamStudentAttemptStatus as Status
from edx_proctoring.timing import Clock, now

log = logging.getLogger(__name__)

MEDIA_TYPE = "application/vnd.ims.lti-ap.v1.control+json"
# Bounds of what a tool may send: ids as long as the columns that hold them, a few paragraphs of reason.
MAX_ID_LENGTH = 255
MAX_REASON_MESSAGE_LENGTH = 4000
# The largest integer a tool may send (the columns are 32-bit integers).
MAX_WHOLE_NUMBER = 2**31 - 1
TIME_ACTIONS = {"pause": "pause", "resume": "resume", "update": "extend"}


class ControlError(Exception):
    """A refused control request: the HTTP status and a message for the tool's developers."""

    def __init__(self, message: str, *, http_status: int = 400):
        super().__init__(message)
        self.http_status = http_status


@dataclass(frozen=True)
class ControlRequest:
    sub: str
    iss: str | None
    resource_link_id: str
    attempt_number: int
    action: str
    incident_time: datetime
    incident_severity: float | None = None
    extra_time: int | None = None
    reason_code: str = ""
    reason_msg: str = ""


# -- the request body ------------------------------------------------------------------------------------


def _text(value, *, name: str, required: bool, max_length: int = MAX_ID_LENGTH) -> str | None:
    if value is None and not required:
        return None
    if not isinstance(value, str) or not value.strip():
        raise ControlError(f"'{name}' must be a non-empty string.")
    if len(value) > max_length:
        raise ControlError(f"'{name}' is longer than {max_length} characters.")
    return value


def _whole_number(value, *, name: str) -> int:
    # JSON true is a Python int; 10.0 is not a whole number of minutes a tool meant to send as such.
    if isinstance(value, bool) or not isinstance(value, int):
        raise ControlError(f"'{name}' must be an integer.")
    # JSON has no integer bound; beyond the columns' range the value would reach the database or timedelta.
    if abs(value) > MAX_WHOLE_NUMBER:
        raise ControlError(f"'{name}' is out of range.")
    return value


def _incident_time(value) -> datetime:
    text = _text(value, name="incident_time", required=True, max_length=64)
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        raise ControlError("'incident_time' must be an ISO 8601 date and time, e.g. 2024-01-01T10:00:00Z.")
    if parsed.tzinfo is None:
        raise ControlError("'incident_time' needs a time zone (Z or an offset).")
    try:
        return parsed.astimezone(UTC)
    except OverflowError:
        # An offset can push year 1 or 9999 out of what a datetime holds.
        raise ControlError("'incident_time' is out of range.")


def _severity(value) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ControlError("'incident_severity' must be a number from 0.0 to 1.0.")
    # The range check also refuses NaN and infinity, and unlike math.isfinite it takes any JSON integer.
    if not 0 <= value <= 1:
        raise ControlError("'incident_severity' must be from 0.0 to 1.0.")
    return float(value)


def parse_request(*, body: object) -> ControlRequest:
    """The control request in a decoded JSON body; ControlError (400) naming what is wrong."""
    if not isinstance(body, dict):
        raise ControlError("The body must be a JSON object.")
    user = body.get("user")
    if not isinstance(user, dict):
        raise ControlError("'user' must be an object with the 'sub' of the launch.")
    resource_link = body.get("resource_link")
    if not isinstance(resource_link, dict):
        raise ControlError("'resource_link' must be an object with the 'id' of the launch.")
    attempt_number = _whole_number(body.get("attempt_number"), name="attempt_number")
    if attempt_number < 1:
        raise ControlError("'attempt_number' must be 1 or more.")
    action = _text(body.get("action"), name="action", required=True, max_length=32)
    if action not in ACS_ACTIONS:
        raise ControlError(f"Unknown action {action!r}; the actions are: {', '.join(ACS_ACTIONS)}.")
    extra_time = body.get("extra_time")
    if action == "update":
        extra_time = _whole_number(extra_time, name="extra_time")
        if extra_time < 1:
            raise ControlError("'extra_time' is the number of minutes to add: 1 or more.")
    else:
        # Other actions do not change the time; a value sent along is not an instruction.
        extra_time = None
    reason_code = body.get("reason_code")
    if isinstance(reason_code, int) and not isinstance(reason_code, bool):
        reason_code = str(reason_code)  # some tools send numeric codes
    return ControlRequest(
        sub=_text(user.get("sub"), name="user.sub", required=True, max_length=64),
        iss=_text(user.get("iss"), name="user.iss", required=False),
        resource_link_id=_text(resource_link.get("id"), name="resource_link.id", required=True),
        attempt_number=attempt_number,
        action=action,
        incident_time=_incident_time(body.get("incident_time")),
        incident_severity=_severity(body.get("incident_severity")),
        extra_time=extra_time,
        reason_code=_text(reason_code, name="reason_code", required=False) or "",
        reason_msg=_text(
            body.get("reason_msg"), name="reason_msg", required=False, max_length=MAX_REASON_MESSAGE_LENGTH
        )
        or "",
    )


# -- finding the attempt ---------------------------------------------------------------------------------


def find_launch(*, registration: LtiToolRegistration, request: ControlRequest) -> LtiLaunch:
    """The launch the request names, among this registration's launches only; ControlError otherwise."""
    if request.iss is not None and request.iss != registration.issuer:
        raise ControlError(f"user.iss {request.iss!r} is not this platform's issuer for your registration.")
    launch = (
        LtiLaunch.objects.select_related("attempt")
        .filter(
            registration=registration,
            sub=request.sub,
            resource_link_id=request.resource_link_id,
            attempt_number=request.attempt_number,
        )
        .first()
    )
    if launch is None:
        if not LtiLaunch.objects.filter(registration=registration, sub=request.sub).exists():
            raise ControlError(
                "Unknown user: no attempt of this sub was launched through your registration.", http_status=404
            )
        raise ControlError(
            "Unknown attempt: this user has no attempt with that resource link and attempt number launched "
            "through your registration.",
            http_status=404,
        )
    if launch.attempt is None:
        raise ControlError("That attempt no longer exists (it was reset).", http_status=404)
    if request.action not in (launch.acs_actions or []) or request.action not in (registration.allowed_actions or []):
        raise ControlError(f"The action {request.action!r} was not advertised for this launch.", http_status=403)
    return launch


# -- the answer ------------------------------------------------------------------------------------------


def answer_for(*, attempt_id: int, registration: LtiToolRegistration) -> dict:
    """``{"status": none|running|paused|terminated|complete, "extra_time": total minutes}`` of the attempt now."""
    attempt = ProctoredExamStudentAttempt.objects.select_related("time_state").get(id=attempt_id)
    clock = Clock.of(getattr(attempt, "time_state", None))
    if Status.is_in_progress_status(attempt.status):
        status = "paused" if clock.is_stopped(at=now()) else "running"
    elif Status.is_completed_status(attempt.status):
        terminated = LtiControlEvent.objects.filter(
            registration=registration, attempt_id=attempt_id, action="terminate"
        ).exists()
        status = "terminated" if terminated else "complete"
    else:
        status = "none"
    return {"status": status, "extra_time": clock.extension_minutes}


# -- the actions -----------------------------------------------------------------------------------------


def _extension_minutes(*, registration: LtiToolRegistration, attempt_id: int, requested: int) -> int:
    granted = LtiControlEvent.objects.filter(
        registration=registration, attempt_id=attempt_id, action="update"
    ).aggregate(total=Sum("extra_time"))["total"]
    left = registration.max_extra_minutes - (granted or 0)
    if left <= 0:
        raise ControlError(
            f"This tool's extensions of the attempt already add up to {registration.max_extra_minutes} minutes, "
            "the most its registration allows.",
            http_status=409,
        )
    return min(requested, left)


def _apply(*, registration: LtiToolRegistration, attempt: ProctoredExamStudentAttempt, request: ControlRequest) -> int:
    """Make the request's move; the minutes granted (update), else 0."""
    reason = f"LTI tool {registration.client_id}: {request.action}" + (
        f" ({request.reason_code})" if request.reason_code else ""
    )
    if request.action in TIME_ACTIONS:
        minutes = 0
        if request.action == "update":
            minutes = _extension_minutes(registration=registration, attempt_id=attempt.id, requested=request.extra_time)
        adjust_attempt_time(
            action=TIME_ACTIONS[request.action], actor=Actor.tool, attempt_id=attempt.id, minutes=minutes, reason=reason
        )
        return minutes
    if request.action == "terminate":
        perform_action(action="submit", actor=Actor.tool, attempt_id=attempt.id, reason=reason)
        outcome = registration.terminate_outcome(reason_code=request.reason_code or None)
        if outcome != Status.submitted:
            perform_action(
                action="terminate", actor=Actor.tool, attempt_id=attempt.id, to_status=outcome, reason=reason
            )
    return 0


def control(*, registration: LtiToolRegistration, body: object) -> dict:
    """Carry out one control request of `registration`'s tool; the answer. Raises ControlError when refused."""
    request = parse_request(body=body)
    launch = find_launch(registration=registration, request=request)
    once = {
        "registration": registration,
        "attempt_id": launch.attempt_id,
        "action": request.action,
        "incident_time": request.incident_time,
    }
    try:
        with transaction.atomic():
            # Under the attempt's row lock, so two deliveries of one call cannot both pass the replay check.
            attempt = ProctoredExamStudentAttempt.objects.select_for_update().filter(id=launch.attempt_id).first()
            if attempt is None:  # reset since the launch was read
                raise ControlError("That attempt no longer exists (it was reset).", http_status=404)
            replayed = LtiControlEvent.objects.filter(**once).first()
            if replayed is not None:
                return replayed.result
            try:
                granted = _apply(registration=registration, attempt=attempt, request=request)
            except ProctoredBaseException as exc:
                raise ControlError(str(exc), http_status=409)
            event = LtiControlEvent(
                **once,
                incident_severity=request.incident_severity,
                reason_code=request.reason_code,
                reason_msg=request.reason_msg,
                extra_time=granted,
            )
            event.save()
            event.result = answer_for(attempt_id=attempt.id, registration=registration)
            event.save(update_fields=["result"])
            _audit(registration=registration, attempt=attempt, request=request, granted=granted, answer=event.result)
            return event.result
    except IntegrityError:
        # A concurrent delivery of the same call committed first: its answer is this one's too.
        replayed = LtiControlEvent.objects.filter(**once).first()
        if replayed is None:
            raise
        return replayed.result


def _audit(*, registration, attempt, request: ControlRequest, granted: int, answer: dict) -> None:
    record_audit(
        f"lti.control.{request.action}",
        actor=None,
        attempt_id=attempt.id,
        exam_id=attempt.proctored_exam_id,
        target_user_id=attempt.user_id,
        details={
            "client_id": registration.client_id,
            "incident_time": request.incident_time.isoformat(),
            "incident_severity": request.incident_severity,
            "reason_code": request.reason_code,
            "reason_msg": request.reason_msg,
            "extra_time_requested": request.extra_time,
            "extra_time_granted": granted,
            "answer": answer,
        },
    )
    log.info("LTI tool %s: %s on attempt %s -> %s", registration.client_id, request.action, attempt.id, answer)


def incidents(*, attempt_id: int) -> list[dict]:
    """The control events of an attempt, oldest first, as the Special Exams tab shows them to reviewers."""
    events = LtiControlEvent.objects.filter(attempt_id=attempt_id).select_related("registration").order_by("id")
    return [
        {
            "action": event.action,
            "tool": event.registration.name,
            "incident_time": event.incident_time.isoformat(),
            "incident_severity": event.incident_severity,
            "reason_code": event.reason_code,
            "reason_msg": event.reason_msg,
            "extra_time": event.extra_time,
            "result": event.result,
            "created": event.created.isoformat(),
        }
        for event in events
    ]
