"""The claims of the messages this platform sends (LtiStartProctoring, LtiEndAssessment) and their names.

Pure functions of what the caller read: no database, no request. What we send is listed for tool vendors
in docs/lti.rst.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

LTI = "https://purl.imsglobal.org/spec/lti/claim/"
AP = "https://purl.imsglobal.org/spec/lti-ap/claim/"
LTI_VERSION = "1.3.0"
LEARNER_ROLE = "http://purl.imsglobal.org/vocab/lis/v2/membership#Learner"
CONTROL_SCOPE = "https://purl.imsglobal.org/spec/lti-ap/scope/control.all"

START_PROCTORING = "LtiStartProctoring"
START_ASSESSMENT = "LtiStartAssessment"
END_ASSESSMENT = "LtiEndAssessment"

# Our id_tokens are short-lived: the browser posts them to the tool at once.
ID_TOKEN_SECONDS = 300


class LtiCheckFailed(Exception):
    """A message or request failed one of the checks; `code` names which (for the audit log and the tests)."""

    def __init__(self, *, code: str, message: str, http_status: int = 400):
        super().__init__(message)
        self.code = code
        self.message = message
        self.http_status = http_status


def resource_link_id(*, course_id: str, exam_id: int, content_id: str) -> str:
    """The opaque, stable id of an exam as a resource link.

    A copied course has new exam rows, so the copy's link differs, as the spec requires. Not keyed with
    SECRET_KEY: a key rotation must not renumber every learner's attempts.
    """
    digest = hashlib.sha256(f"edx_proctoring:{course_id}:{exam_id}:{content_id}".encode()).hexdigest()
    return digest[:40]


@dataclass(frozen=True)
class LaunchFacts:
    """What one message is about, as read by the caller."""

    issuer: str
    client_id: str
    deployment_id: str
    target_link_uri: str
    sub: str
    nonce: str
    resource_link_id: str
    exam_name: str
    course_id: str
    attempt_number: int
    return_url: str
    locale: str = ""
    platform_name: str = ""


def identity_claims(*, user, requested: list[str], locale: str) -> dict:
    """Only the identity claims the registration asks for (PII minimisation, spec §3); empty ones are left out.

    `picture` is never sent: the platform holds no photo of its own of the learner, and the spec wants a
    platform-held photo, not one the learner uploaded.
    """
    available = {
        "given_name": getattr(user, "first_name", ""),
        "family_name": getattr(user, "last_name", ""),
        "name": user.get_full_name() if hasattr(user, "get_full_name") else "",
        "email": getattr(user, "email", ""),
        "locale": locale,
    }
    claims = {name: available[name] for name in requested if available.get(name)}
    if "email" in claims:
        # edx-platform activates an account only through a link mailed to its address.
        claims["email_verified"] = bool(getattr(user, "is_active", False))
    return claims


def _core(*, facts: LaunchFacts, message_type: str, issued_at: int) -> dict:
    claims = {
        "iss": facts.issuer,
        "sub": facts.sub,
        "aud": facts.client_id,
        "iat": issued_at,
        "exp": issued_at + ID_TOKEN_SECONDS,
        "nonce": facts.nonce,
        LTI + "message_type": message_type,
        LTI + "version": LTI_VERSION,
        LTI + "deployment_id": facts.deployment_id,
        LTI + "target_link_uri": facts.target_link_uri,
        LTI + "resource_link": {"id": facts.resource_link_id, "title": facts.exam_name},
        LTI + "roles": [LEARNER_ROLE],
        LTI + "context": {
            "id": facts.course_id,
            "type": ["http://purl.imsglobal.org/vocab/lis/v2/course#CourseOffering"],
        },
        AP + "attempt_number": facts.attempt_number,
    }
    presentation = {"document_target": "window"}
    if facts.return_url:
        presentation["return_url"] = facts.return_url
    if facts.locale:
        presentation["locale"] = facts.locale
    claims[LTI + "launch_presentation"] = presentation
    if facts.platform_name:
        claims[LTI + "tool_platform"] = {"guid": facts.issuer, "name": facts.platform_name}
    return claims


def start_proctoring_claims(
    *,
    facts: LaunchFacts,
    issued_at: int,
    session_data: str,
    start_assessment_url: str,
    acs_url: str,
    acs_actions: list[str],
    identity: dict,
) -> dict:
    """The LtiStartProctoring id_token payload (spec §3)."""
    claims = _core(facts=facts, message_type=START_PROCTORING, issued_at=issued_at)
    claims.update(identity)
    claims[AP + "start_assessment_url"] = start_assessment_url
    claims[AP + "session_data"] = session_data
    if acs_actions:
        claims[AP + "acs"] = {"assessment_control_url": acs_url, "actions": list(acs_actions)}
    return claims


def end_assessment_claims(
    *, facts: LaunchFacts, issued_at: int, identity: dict, errormsg: str = "", errorlog: str = ""
) -> dict:
    """The LtiEndAssessment id_token payload (spec §5); errormsg/errorlog when the platform ended it in error.

    The claim names are exact (no leading space, unlike one library's constants).
    """
    claims = _core(facts=facts, message_type=END_ASSESSMENT, issued_at=issued_at)
    claims.update(identity)
    if errormsg:
        claims[AP + "errormsg"] = errormsg
    if errorlog:
        claims[AP + "errorlog"] = errorlog
    return claims
