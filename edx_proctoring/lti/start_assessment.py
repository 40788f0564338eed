"""LtiStartAssessment (spec §4): the tool's signed JWT that lets the learner into the exam.

Every check of the checklist, in order; the first that fails raises `LtiCheckFailed` with its code and
nothing about the attempt changes. On success the session data is consumed and the tool actor moves the
attempt through the actions table (ready_to_start, then started), in one transaction.
"""

from __future__ import annotations

from dataclasses import dataclass

import jwt
from django.contrib.auth import get_user_model
from django.db import transaction

from edx_proctoring.attempts.actions import Actor
from edx_proctoring.attempts.lifecycle import perform_action
from edx_proctoring.attempts.running import other_running_attempt
from edx_proctoring.lti.claims import AP, LTI, LTI_VERSION, START_ASSESSMENT, LtiCheckFailed
from edx_proctoring.lti.keys import expiry, remember_nonce, verify_tool_jwt
from edx_proctoring.lti.launch import LAUNCHABLE, session_data_hash
from edx_proctoring.models import LtiLaunch, LtiToolRegistration
from edx_proctoring.timing import now

# The identity claims a tool may say it verified; never iss/sub (spec §4).
_VERIFIABLE = frozenset({"given_name", "family_name", "name", "email", "locale", "picture"})


@dataclass(frozen=True)
class StartedAssessment:
    launch: LtiLaunch
    attempt_id: int
    status: str


def _registration_of(*, token: str) -> LtiToolRegistration:
    """The registration the token claims to come from (its signature is checked against that one's keys)."""
    try:
        unverified = jwt.decode(token, options={"verify_signature": False})
    except jwt.PyJWTError as exc:
        raise LtiCheckFailed(code="malformed", message="The message is not a signed JWT.") from exc
    issuer = unverified.get("iss") if isinstance(unverified, dict) else None
    registration = (
        LtiToolRegistration.objects.filter(client_id=issuer, active=True).first() if isinstance(issuer, str) else None
    )
    if registration is None:
        raise LtiCheckFailed(code="wrong_iss", message="The message's iss is not a registered tool's client id.")
    return registration


def _check_exact(*, claims: dict, name: str, expected: str, code: str) -> None:
    if claims.get(name) != expected:
        raise LtiCheckFailed(code=code, message=f"The message's {name.rsplit('/', 1)[-1]} must be {expected!r}.")


def _pending_launch(*, registration: LtiToolRegistration, session_data, user) -> LtiLaunch:
    if not isinstance(session_data, str) or not session_data:
        raise LtiCheckFailed(code="bad_session_data", message="The message has no session_data.")
    launch = (
        LtiLaunch.objects.select_related("attempt")
        .filter(registration=registration, session_data_hash=session_data_hash(session_data=session_data))
        .first()
    )
    if launch is None:
        raise LtiCheckFailed(code="bad_session_data", message="The session_data is not the one this launch was given.")
    if launch.user_id != user.pk:
        raise LtiCheckFailed(code="foreign_session_data", message="The session_data belongs to another learner.")
    if launch.session_data_used_at is not None:
        raise LtiCheckFailed(code="used_session_data", message="The session_data was already used.")
    return launch


def _verified_user(*, claims: dict) -> dict | None:
    value = claims.get(AP + "verified_user")
    if not isinstance(value, dict):
        return None
    return {key: item for key, item in value.items() if key in _VERIFIABLE and isinstance(item, str | bool)}


def check_start_assessment(*, token: str, user) -> tuple[LtiLaunch, dict]:
    """The pending launch the token starts and its verified claims, after every check but consumption."""
    if not isinstance(token, str) or not token:
        raise LtiCheckFailed(code="malformed", message="The form field JWT is missing.")
    registration = _registration_of(token=token)
    claims = verify_tool_jwt(registration=registration, token=token, audience=registration.issuer)
    remember_nonce(registration=registration, nonce=claims.get("nonce"), expires_at=expiry(claims=claims))
    if claims.get(LTI + "deployment_id") != registration.deployment_id:
        raise LtiCheckFailed(code="unknown_deployment", message="The message's deployment_id is not registered.")
    _check_exact(claims=claims, name=LTI + "message_type", expected=START_ASSESSMENT, code="wrong_message_type")
    _check_exact(claims=claims, name=LTI + "version", expected=LTI_VERSION, code="wrong_version")
    if user is None or not user.is_authenticated:
        raise LtiCheckFailed(code="login_required", message="Sign in to the course first.", http_status=401)
    launch = _pending_launch(registration=registration, session_data=claims.get(AP + "session_data"), user=user)
    resource_link = claims.get(LTI + "resource_link")
    if not isinstance(resource_link, dict) or resource_link.get("id") != launch.resource_link_id:
        raise LtiCheckFailed(code="wrong_resource_link", message="The message's resource_link is not this launch's.")
    attempt_number = claims.get(AP + "attempt_number")
    if isinstance(attempt_number, bool) or attempt_number != launch.attempt_number:
        raise LtiCheckFailed(code="wrong_attempt_number", message="The message's attempt_number is not this launch's.")
    if launch.attempt is None or launch.attempt.status not in LAUNCHABLE:
        raise LtiCheckFailed(code="not_launchable", message="This exam attempt is already over.", http_status=409)
    return launch, claims


def start_assessment(*, token: str, user) -> StartedAssessment:
    """Check an LtiStartAssessment and let the learner in; raises `LtiCheckFailed` (nothing changed) or the
    lifecycle's exception when the actions table refuses the start (also with nothing changed)."""
    launch, claims = check_start_assessment(token=token, user=user)
    attempt = launch.attempt
    with transaction.atomic():
        # The learner's row lock serialises this start with a start of another exam of the course.
        get_user_model().objects.select_for_update().filter(pk=user.pk).first()
        locked = LtiLaunch.objects.select_for_update().get(pk=launch.pk)
        if locked.session_data_hash != launch.session_data_hash:
            # A newer launch of the attempt replaced this session data while the message was being checked.
            raise LtiCheckFailed(
                code="bad_session_data", message="The session_data is not the one this launch was given."
            )
        if locked.session_data_used_at is not None:
            raise LtiCheckFailed(code="used_session_data", message="The session_data was already used.")
        locked.session_data_used_at = now()
        locked.end_assessment_return = claims.get(AP + "end_assessment_return") is True
        locked.verified_user = _verified_user(claims=claims)
        locked.started_at = locked.started_at or now()
        locked.save()
        exam = attempt.proctored_exam
        running = other_running_attempt(user_id=user.pk, course_id=exam.course_id, exam_id=exam.id)
        other_exam = running["proctored_exam"]["exam_name"] if running is not None else None
        perform_action(action="ready", actor=Actor.tool, attempt_id=attempt.id, reason="LTI tool: start assessment")
        perform_action(
            action="start",
            actor=Actor.tool,
            attempt_id=attempt.id,
            facts={"other_running_exam": other_exam},
            reason="LTI tool: start assessment",
        )
    attempt.refresh_from_db(fields=["status"])
    return StartedAssessment(launch=locked, attempt_id=attempt.id, status=attempt.status)
