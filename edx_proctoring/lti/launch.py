"""The launch (spec §2-§3, §5): OIDC third-party login initiation, then the auth response carrying our id_token.

1. `begin_login` (the learner's ``lti/start/<attempt_id>/``): finds or creates the attempt's `LtiLaunch`
   (its attempt number fixed once) and answers the tool's login initiation URL, with a signed
   `lti_message_hint` naming the message (start or end) and the launch.
2. `authorize` (``lti/authorize/``, the tool's auth request): every check of §2 step 2, then the
   LtiStartProctoring or LtiEndAssessment id_token for the browser to POST to the registered redirect URI.

Nothing here changes an attempt's status; a failed check raises `LtiCheckFailed` before anything is written.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from urllib.parse import urlencode, urlsplit

from django.contrib.auth import get_user_model
from django.core import signing
from django.db import IntegrityError, transaction
from django.db.models import Max

from edx_proctoring import config
from edx_proctoring.lti import claims as lti_claims
from edx_proctoring.lti.claims import LaunchFacts, LtiCheckFailed
from edx_proctoring.lti.keys import sign
from edx_proctoring.models import (
    LtiControlEvent,
    LtiCourseTool,
    LtiLaunch,
    LtiToolRegistration,
    LtiUserSubject,
    ProctoredExamStudentAttempt,
)
from edx_proctoring.statuses import COMPLETED_STATUSES, PRE_START_STATUSES, RUNNING_STATUSES
from edx_proctoring.statuses import ProctoredExamStudentAttemptStatus as Status
from edx_proctoring.timing import now

BACKEND_NAME = "lti_proctoring"
START = "start"
END = "end"
_HINT_SALT = "edx_proctoring.lti.message_hint"
# The browser goes from our login initiation to the tool and back within seconds.
HINT_MAX_AGE_SECONDS = 600
# A start may be (re)launched until the attempt is completed: a learner who closed the tool's window
# mid-exam launches again and the tool lets them back in.
LAUNCHABLE = PRE_START_STATUSES | RUNNING_STATUSES


def session_data_hash(*, session_data: str) -> str:
    return hashlib.sha256(session_data.encode()).hexdigest()


def learner_sub(*, user) -> str:
    """The learner's `sub` towards LTI tools (created on first use; never reassigned)."""
    try:
        with transaction.atomic():
            subject, _created = LtiUserSubject.objects.get_or_create(user=user)
    except IntegrityError:
        # Two first launches at once (two tabs): the other one made it.
        subject = LtiUserSubject.objects.get(user=user)
    return subject.sub


def course_registration(*, course_id: str) -> LtiToolRegistration:
    tool = LtiCourseTool.objects.select_related("registration").filter(course_id=str(course_id)).first()
    if tool is None or not tool.registration.active:
        raise LtiCheckFailed(code="no_tool", message="This course has no active LTI proctoring tool.", http_status=404)
    return tool.registration


def _exam_of(*, attempt: ProctoredExamStudentAttempt):
    return attempt.proctored_exam


def _resource_link_id(*, attempt: ProctoredExamStudentAttempt) -> str:
    exam = _exam_of(attempt=attempt)
    return lti_claims.resource_link_id(course_id=exam.course_id, exam_id=exam.id, content_id=exam.content_id)


def _launch_for(*, attempt: ProctoredExamStudentAttempt, user) -> LtiLaunch:
    """The attempt's launch; a new one gets the next attempt number of this learner on this resource link."""
    launch = LtiLaunch.objects.select_related("registration").filter(attempt=attempt).first()
    if launch is not None:
        return launch
    registration = course_registration(course_id=_exam_of(attempt=attempt).course_id)
    link_id = _resource_link_id(attempt=attempt)
    sub = learner_sub(user=user)
    with transaction.atomic():
        # The learner's row lock serialises two first launches (two tabs), so numbers never collide.
        get_user_model().objects.select_for_update().filter(pk=user.pk).first()
        launch = LtiLaunch.objects.select_related("registration").filter(attempt=attempt).first()
        if launch is not None:
            return launch
        # Launch rows outlive reset attempts, so a reset or a resumed attempt gets a larger number.
        last = LtiLaunch.objects.filter(user=user, resource_link_id=link_id).aggregate(last=Max("attempt_number"))
        return LtiLaunch.objects.create(
            attempt=attempt,
            registration=registration,
            user=user,
            sub=sub,
            resource_link_id=link_id,
            attempt_number=(last["last"] or 0) + 1,
            acs_actions=list(registration.allowed_actions or []),
        )


def _learner_attempt(*, attempt_id: int, user) -> ProctoredExamStudentAttempt:
    attempt = (
        ProctoredExamStudentAttempt.objects.select_related("proctored_exam")
        .filter(id=attempt_id, user_id=user.pk)
        .first()
    )
    if attempt is None:
        raise LtiCheckFailed(code="unknown_attempt", message="You have no such exam attempt.", http_status=404)
    if attempt.proctored_exam.backend != BACKEND_NAME or not attempt.taking_as_proctored:
        raise LtiCheckFailed(
            code="not_lti", message="This exam attempt is not proctored by an LTI tool.", http_status=404
        )
    return attempt


def message_hint(*, message: str, launch: LtiLaunch, user_id: int) -> str:
    return signing.dumps({"m": message, "l": launch.pk, "u": user_id}, salt=_HINT_SALT, compress=True)


def _read_message_hint(*, hint: str, user) -> tuple[str, int]:
    try:
        data = signing.loads(hint or "", salt=_HINT_SALT, max_age=HINT_MAX_AGE_SECONDS)
    except signing.SignatureExpired as exc:
        raise LtiCheckFailed(code="hint_expired", message="The launch took too long; start again.") from exc
    except signing.BadSignature as exc:
        raise LtiCheckFailed(code="bad_hint", message="The lti_message_hint is not one this platform issued.") from exc
    if not isinstance(data, dict) or data.get("m") not in (START, END) or not isinstance(data.get("l"), int):
        raise LtiCheckFailed(code="bad_hint", message="The lti_message_hint is not one this platform issued.")
    if data.get("u") != user.pk:
        raise LtiCheckFailed(code="wrong_user", message="This launch was started by another user.", http_status=403)
    return data["m"], data["l"]


@dataclass(frozen=True)
class LoginInitiation:
    url: str
    launch: LtiLaunch


def begin_login(*, attempt_id: int, user, message: str) -> LoginInitiation:
    """The tool's OIDC login initiation URL for the learner's attempt (spec §2 step 1, or §5 for `end`)."""
    attempt = _learner_attempt(attempt_id=attempt_id, user=user)
    if message == END:
        launch = LtiLaunch.objects.select_related("registration").filter(attempt=attempt).first()
        if launch is None or not launch.end_assessment_due or attempt.status not in COMPLETED_STATUSES:
            raise LtiCheckFailed(
                code="no_end_due", message="This exam attempt has no end message to send.", http_status=409
            )
    elif message == START:
        if attempt.status not in LAUNCHABLE:
            raise LtiCheckFailed(code="not_launchable", message="This exam attempt is already over.", http_status=409)
        launch = _launch_for(attempt=attempt, user=user)
    else:
        raise LtiCheckFailed(code="bad_message", message="Unknown LTI message.")
    registration = launch.registration
    if not registration.active:
        raise LtiCheckFailed(code="no_tool", message="This course has no active LTI proctoring tool.", http_status=404)
    target = registration.end_assessment_url if message == END and registration.end_assessment_url else None
    params = {
        "iss": registration.issuer,
        "login_hint": launch.sub,
        "target_link_uri": target or registration.launch_url,
        "lti_message_hint": message_hint(message=message, launch=launch, user_id=user.pk),
        "lti_deployment_id": registration.deployment_id,
        "client_id": registration.client_id,
    }
    separator = "&" if urlsplit(registration.oidc_login_url).query else "?"
    return LoginInitiation(url=registration.oidc_login_url + separator + urlencode(params), launch=launch)


# -- the auth request -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AuthResponse:
    """What the browser POSTs to the tool: `id_token` and `state` to `redirect_uri`."""

    redirect_uri: str
    id_token: str
    state: str
    message: str
    launch: LtiLaunch


def redirect_uri_allowed(*, registration: LtiToolRegistration, redirect_uri: str) -> bool:
    """Exact match against the registered URIs, or (the audited relaxation) a registered URI as prefix."""
    registered = [uri for uri in registration.redirect_uris or [] if isinstance(uri, str) and uri]
    if redirect_uri in registered:
        return True
    return bool(registration.allow_redirect_uri_prefix) and any(redirect_uri.startswith(uri) for uri in registered)


def _check_auth_request(*, params, registration: LtiToolRegistration) -> None:
    expected = {"response_type": "id_token", "response_mode": "form_post", "prompt": "none"}
    for name, value in expected.items():
        if params.get(name) != value:
            raise LtiCheckFailed(code=f"bad_{name}", message=f"The auth request's {name} must be {value!r}.")
    if "openid" not in (params.get("scope") or "").split():
        raise LtiCheckFailed(code="bad_scope", message="The auth request's scope must include 'openid'.")
    if not params.get("nonce"):
        raise LtiCheckFailed(code="missing_nonce", message="The auth request has no nonce.")


@dataclass(frozen=True)
class RequestInfo:
    """What the view knows about the request: absolute URLs of our routes and the learner's language."""

    start_assessment_url: str
    acs_url: str
    return_url: str
    locale: str


# OIDC Core §3.1.2.6 error codes for our check codes; any other failed check is an invalid_request.
OIDC_ERRORS = {
    "bad_response_type": "unsupported_response_type",
    "bad_scope": "invalid_scope",
    "login_required": "login_required",
    # prompt=none forbids us to ask the learner to sign in as the user the tool named.
    "wrong_login_hint": "login_required",
    "wrong_user": "login_required",
    "wrong_client": "unauthorized_client",
}


class OidcErrorResponse(LtiCheckFailed):
    """A failed check of an auth request whose client_id and redirect_uri are verified: per OIDC, the error
    goes back to the tool at that redirect URI (``error``, ``error_description``, ``state``), not to a page
    of ours the tool never sees."""

    def __init__(self, *, failed: LtiCheckFailed, redirect_uri: str, state: str):
        super().__init__(code=failed.code, message=failed.message, http_status=failed.http_status)
        self.redirect_uri = redirect_uri
        self.state = state
        self.error = OIDC_ERRORS.get(failed.code, "invalid_request")

    def fields(self, *, reference: str) -> list[tuple[str, str]]:
        description = f"{self.message} (support reference {reference})"
        fields = [("error", self.error), ("error_description", description)]
        return fields + ([("state", self.state)] if self.state else [])


def authorize(*, params, user, info_for) -> AuthResponse:
    """Check the tool's auth request (spec §2 step 2) and build the id_token for the learner's browser.

    `params` is the request's GET or POST data. `info_for(attempt)` gives the `RequestInfo` of the
    attempt. Raises `LtiCheckFailed` for an unknown client or redirect URI, then `OidcErrorResponse` for
    each failed check, before anything is stored.
    """
    registration = LtiToolRegistration.objects.filter(client_id=params.get("client_id") or "", active=True).first()
    if registration is None:
        raise LtiCheckFailed(code="unknown_client", message="No active LTI tool has this client_id.")
    redirect_uri = params.get("redirect_uri") or ""
    if not redirect_uri_allowed(registration=registration, redirect_uri=redirect_uri):
        raise LtiCheckFailed(code="bad_redirect_uri", message="The redirect_uri is not registered for this tool.")
    try:
        return _authorize_verified(params=params, user=user, info_for=info_for, registration=registration)
    except LtiCheckFailed as failed:
        raise OidcErrorResponse(failed=failed, redirect_uri=redirect_uri, state=params.get("state") or "") from failed


def _authorize_verified(*, params, user, info_for, registration: LtiToolRegistration) -> AuthResponse:
    redirect_uri = params.get("redirect_uri") or ""
    _check_auth_request(params=params, registration=registration)
    if user is None or not user.is_authenticated:
        raise LtiCheckFailed(code="login_required", message="Sign in to the course first.", http_status=401)
    message, launch_id = _read_message_hint(hint=params.get("lti_message_hint") or "", user=user)
    launch = (
        LtiLaunch.objects.select_related("registration", "attempt__proctored_exam")
        .filter(pk=launch_id, user=user)
        .first()
    )
    if launch is None or launch.attempt is None:
        raise LtiCheckFailed(code="unknown_launch", message="This exam attempt no longer exists.", http_status=404)
    if launch.registration_id != registration.pk:
        raise LtiCheckFailed(code="wrong_client", message="This launch belongs to another tool.", http_status=403)
    if params.get("login_hint") != launch.sub:
        raise LtiCheckFailed(
            code="wrong_login_hint", message="The login_hint is not the signed-in user.", http_status=403
        )
    attempt = launch.attempt
    info = info_for(attempt)
    exam = attempt.proctored_exam
    facts = LaunchFacts(
        issuer=registration.issuer,
        client_id=registration.client_id,
        deployment_id=registration.deployment_id,
        target_link_uri=(message == END and registration.end_assessment_url) or registration.launch_url,
        sub=launch.sub,
        nonce=params["nonce"],
        resource_link_id=launch.resource_link_id,
        exam_name=exam.exam_name,
        course_id=exam.course_id,
        attempt_number=launch.attempt_number,
        return_url=info.return_url,
        locale=info.locale,
        platform_name=config.platform_name(),
    )
    identity = lti_claims.identity_claims(user=user, requested=registration.identity_claims or [], locale=info.locale)
    issued_at = int(now().timestamp())
    state = params.get("state") or ""
    with transaction.atomic():
        locked = LtiLaunch.objects.select_for_update().get(pk=launch.pk)
        if message == START:
            if attempt.status not in LAUNCHABLE:
                raise LtiCheckFailed(
                    code="not_launchable", message="This exam attempt is already over.", http_status=409
                )
            session_data = secrets.token_urlsafe(32)
            payload = lti_claims.start_proctoring_claims(
                facts=facts,
                issued_at=issued_at,
                session_data=session_data,
                start_assessment_url=info.start_assessment_url,
                acs_url=info.acs_url,
                acs_actions=list(registration.allowed_actions or []),
                identity=identity,
            )
            # The control service accepts what the latest launch advertised.
            locked.acs_actions = list(registration.allowed_actions or [])
            # A new launch of the same attempt replaces the pending session data; the old one is dead.
            locked.session_data_hash = session_data_hash(session_data=session_data)
            locked.session_data_used_at = None
        else:
            if not locked.end_assessment_due:
                raise LtiCheckFailed(code="no_end_due", message="No end message is owed to the tool.", http_status=409)
            errormsg, errorlog = end_errors(attempt=attempt)
            payload = lti_claims.end_assessment_claims(
                facts=facts, issued_at=issued_at, identity=identity, errormsg=errormsg, errorlog=errorlog
            )
            locked.end_assessment_due = False
            locked.end_assessment_sent_at = now()
        locked.oidc_nonce = params["nonce"][:255]
        locked.oidc_state = state[:1024]
        locked.message_type = lti_claims.START_PROCTORING if message == START else lti_claims.END_ASSESSMENT
        locked.save()
    return AuthResponse(
        redirect_uri=redirect_uri, id_token=sign(payload=payload), state=state, message=message, launch=locked
    )


def end_errors(*, attempt: ProctoredExamStudentAttempt) -> tuple[str, str]:
    """errormsg/errorlog of an LtiEndAssessment: set only when the platform ended the attempt in error (§5).

    An attempt the tool itself terminated to ``error`` (its reason code mapped so) is the tool's own verdict:
    reporting it back as a platform-side error would tell the tool something false.
    """
    if attempt.status != Status.error:
        return "", ""
    if LtiControlEvent.objects.filter(attempt_id=attempt.pk, action="terminate").exists():
        return "", ""
    return (
        "The exam attempt ended because of an error on the platform.",
        f"attempt {attempt.pk} status error at {attempt.modified:%Y-%m-%dT%H:%M:%SZ}",
    )
