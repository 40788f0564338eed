"""Access tokens of the Assessment Control Service: OAuth 2 client credentials with a JWT client assertion.

A tool asks ``lti/token/`` for a token with a JWT it signed with its registered key (IMS Security Framework
§4.1: ``iss`` = ``sub`` = its client id, ``aud`` = our token URL, ``exp``, ``iat``, a fresh ``jti``) and the
scope ``https://purl.imsglobal.org/spec/lti-ap/scope/control.all``. The token is a value signed with
Django's ``SECRET_KEY`` (``django.core.signing``, a salt of its own) naming the registration and the scope,
valid for an hour: no table to keep, and useless as soon as the registration is switched off. A ``jti`` is
accepted once (`keys.remember_nonce`).

Requests are counted per registration (the client id the assertion claims, before any key is fetched) in
Django's cache: ``PROCTORING_SETTINGS["LTI_TOKEN_RATE"]``, ``"<requests>/<second|minute|hour|day>"``
(default ``"60/minute"``) or None for no limit. A tool needs one token an hour per process; anything near
the limit is a loop or a key being guessed.
"""

from __future__ import annotations

import logging
import secrets
import time

import jwt
from django.core import signing

from edx_proctoring import config
from edx_proctoring.lti import keys
from edx_proctoring.lti.claims import CONTROL_SCOPE, LtiCheckFailed
from edx_proctoring.models import LtiToolRegistration
from edx_proctoring.rate_windows import parse_rate, seconds_until_allowed

log = logging.getLogger(__name__)

TOKEN_SECONDS = 3600
TOKEN_SALT = "edx_proctoring.lti.acs_token"
CLIENT_ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
RATE_SETTING = "LTI_TOKEN_RATE"
DEFAULT_RATE = "60/minute"
_RATE_CACHE_PREFIX = "edx_proctoring.lti.token_rate"


class TokenError(Exception):
    """An OAuth 2 error answer (RFC 6749 §5.2): `error` code, a description, the HTTP status."""

    def __init__(self, error: str, description: str, *, http_status: int = 400, retry_after: int | None = None):
        super().__init__(description)
        self.error, self.description, self.http_status, self.retry_after = error, description, http_status, retry_after


def _rate_limited(*, client_id: str) -> int | None:
    """Count this request of `client_id`; the seconds to wait when it is over the limit, else None."""
    rate = parse_rate(config.proctoring_setting(RATE_SETTING, DEFAULT_RATE), setting=RATE_SETTING)
    return seconds_until_allowed(key=f"{_RATE_CACHE_PREFIX}.{client_id}", rate=rate, what="LTI token")


def _claimed_client_id(assertion: str) -> str:
    try:
        unverified = jwt.decode(assertion, options={"verify_signature": False})
    except jwt.PyJWTError:
        raise TokenError("invalid_client", "The client assertion is not a JWT.", http_status=401)
    client_id = unverified.get("iss")
    if not isinstance(client_id, str) or not client_id or len(client_id) > 255:
        raise TokenError("invalid_client", "The client assertion has no iss (your client id).", http_status=401)
    return client_id


def _verified_assertion(*, registration: LtiToolRegistration, assertion: str, token_url: str) -> dict:
    try:
        header = jwt.get_unverified_header(assertion)
        if header.get("alg") != keys.ALGORITHM:
            raise TokenError(
                "invalid_client", f"The client assertion must be signed with {keys.ALGORITHM}.", http_status=401
            )
        key = keys.tool_key(registration=registration, kid=header.get("kid"))
        claims = jwt.decode(
            assertion,
            key=key,
            algorithms=[keys.ALGORITHM],
            audience=token_url,
            issuer=registration.client_id,
            leeway=keys.CLOCK_LEEWAY_SECONDS,
            options={"require": ["iss", "sub", "aud", "exp", "iat", "jti"]},
        )
    except LtiCheckFailed as exc:
        raise TokenError("invalid_client", exc.message, http_status=401)
    except jwt.PyJWTError as exc:
        raise TokenError("invalid_client", f"The client assertion does not verify: {exc}.", http_status=401)
    if claims["sub"] != registration.client_id:
        raise TokenError("invalid_client", "The client assertion's sub must be your client id.", http_status=401)
    issued_at = claims["iat"]
    if not isinstance(issued_at, int | float) or issued_at < time.time() - keys.MAX_TOKEN_AGE_SECONDS:
        raise TokenError("invalid_client", "The client assertion was issued too long ago.", http_status=401)
    try:
        expires_at = keys.expiry(claims=claims)
    except LtiCheckFailed:
        raise TokenError("invalid_client", "The client assertion's expiry is out of range.", http_status=401)
    try:
        keys.remember_nonce(registration=registration, nonce=f"jti:{claims['jti']}", expires_at=expires_at)
    except LtiCheckFailed as exc:
        if exc.code == "replayed_nonce":
            raise TokenError("invalid_client", "This client assertion (jti) was already used.", http_status=401)
        raise TokenError("invalid_client", "The client assertion's jti is too long.", http_status=401)
    return claims


def issue_token(*, form, token_url: str) -> dict:
    """The token answer for a client-credentials request (`form`: the POSTed fields); TokenError if refused."""
    if form.get("grant_type") != "client_credentials":
        raise TokenError("unsupported_grant_type", "Only grant_type=client_credentials is supported.")
    if form.get("client_assertion_type") != CLIENT_ASSERTION_TYPE:
        raise TokenError(
            "invalid_client", f"Authenticate with client_assertion_type={CLIENT_ASSERTION_TYPE}.", http_status=401
        )
    assertion = form.get("client_assertion") or ""
    client_id = _claimed_client_id(assertion)
    if form.get("client_id") not in (None, "", client_id):
        raise TokenError("invalid_client", "client_id is not the client the assertion is from.", http_status=401)
    wait = _rate_limited(client_id=client_id)
    if wait is not None:
        raise TokenError(
            "slow_down", "Too many token requests for this client; try again later.", http_status=429, retry_after=wait
        )
    registration = LtiToolRegistration.objects.filter(client_id=client_id, active=True).first()
    if registration is None:
        raise TokenError("invalid_client", "Unknown or inactive client.", http_status=401)
    _verified_assertion(registration=registration, assertion=assertion, token_url=token_url)
    requested = set((form.get("scope") or "").split())
    if CONTROL_SCOPE not in requested:
        raise TokenError("invalid_scope", f"Ask for the scope {CONTROL_SCOPE}.")
    token = signing.dumps(
        {"r": registration.id, "c": registration.client_id, "s": CONTROL_SCOPE, "n": secrets.token_hex(8)},
        salt=TOKEN_SALT,
        compress=True,
    )
    log.info("LTI tool %s got a control-service token", registration.client_id)
    return {"access_token": token, "token_type": "Bearer", "expires_in": TOKEN_SECONDS, "scope": CONTROL_SCOPE}


def registration_for(*, authorization: str | None) -> LtiToolRegistration:
    """The active registration a ``Bearer`` token was issued to; TokenError (401) for any other header."""
    scheme, _, token = (authorization or "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise TokenError(
            "invalid_token",
            "Send the control-service access token as 'Authorization: Bearer <token>'.",
            http_status=401,
        )
    try:
        granted = signing.loads(token.strip(), salt=TOKEN_SALT, max_age=TOKEN_SECONDS)
    except signing.SignatureExpired:
        raise TokenError("invalid_token", "The access token has expired; ask for a new one.", http_status=401)
    except signing.BadSignature:
        raise TokenError("invalid_token", "The access token is not one this platform issued.", http_status=401)
    if not isinstance(granted, dict) or granted.get("s") != CONTROL_SCOPE:
        raise TokenError("insufficient_scope", f"The access token lacks the scope {CONTROL_SCOPE}.", http_status=403)
    registration = LtiToolRegistration.objects.filter(
        id=granted.get("r"), client_id=granted.get("c"), active=True
    ).first()
    if registration is None:
        raise TokenError("invalid_token", "The access token's registration is no longer active.", http_status=401)
    return registration
