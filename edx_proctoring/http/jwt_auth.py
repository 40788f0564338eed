"""JWT authentication of the proctoring API: edx-drf-extensions' ``JwtAuthentication``, plus the refusals no
host configuration may switch off.

The host's JWT settings decide which keys, issuers and audiences are trusted (see the README's operator
notes). Two host configurations are easy to get wrong and let anyone act as a vendor on the callbacks:

* drf-jwt's own decoder (the default when ``JWT_DECODE_HANDLER`` is not set) verifies ``exp`` only when
  the token has one, so a token without ``exp`` never expires;
* edx-drf-extensions' decoder with no ``JWT_PUBLIC_SIGNING_JWK_SET`` verifies the signature against an
  empty key set, which it counts as a success: an unsigned (``alg: none``) or wrongly signed token passes.

So, before the host's decoder runs, a token must name a signing algorithm and carry an ``exp`` that has
not passed; and when the host's decoder is edx-drf-extensions' and no public key set is configured, the
signature is checked here against the configured issuers' secret keys, as the decoder meant to.
"""

from __future__ import annotations

import time
from typing import Any

import jwt
from edx_rest_framework_extensions.auth.jwt import decoder as edx_decoder
from edx_rest_framework_extensions.auth.jwt.authentication import JwtAuthentication
from edx_rest_framework_extensions.settings import get_jwt_issuers
from rest_framework import exceptions
from rest_framework_jwt.blacklist.exceptions import MissingToken
from rest_framework_jwt.settings import api_settings as drf_jwt_settings

from edx_proctoring import config

SIGNING_ALGORITHMS = frozenset(
    {
        "HS256",
        "HS384",
        "HS512",
        "RS256",
        "RS384",
        "RS512",
        "PS256",
        "PS384",
        "PS512",
        "ES256",
        "ES384",
        "ES512",
        "EdDSA",
    }
)


class ProctoringJwtAuthentication(JwtAuthentication):
    """``JwtAuthentication`` that also refuses unsigned, never-expiring and expired tokens whatever the host
    configured, and checks signatures the host's decoder would skip (see the module docstring)."""

    def authenticate(self, request):
        token = self._token(request)
        if token is not None:
            try:
                refuse_unsafe_token(token=token)
            except exceptions.AuthenticationFailed:
                # A JWT cookie that fails is forgiven by edx-drf-extensions (the session may still sign
                # the user in); a failing Authorization header is final. The same here.
                if self.is_authenticating_with_jwt_cookie(request):
                    return None
                raise
        return super().authenticate(request)

    def _token(self, request) -> str | None:
        try:
            return self.get_token_from_request(request)
        except MissingToken:
            return None


def refuse_unsafe_token(*, token: str) -> None:
    """Raise AuthenticationFailed when `token` is unsigned, never expires, has expired, or is signed with a
    key the host does not hold while its decoder would not check the signature."""
    try:
        header = jwt.get_unverified_header(token)
        claims = jwt.decode(token, options={"verify_signature": False})
    except jwt.PyJWTError as exc:
        raise exceptions.AuthenticationFailed("Error decoding token.") from exc
    if header.get("alg") not in SIGNING_ALGORITHMS:
        raise exceptions.AuthenticationFailed("The token is not signed with a supported algorithm.")
    _check_expiry(claims=claims)
    if _host_decoder_skips_signature():
        _verify_with_issuer_secrets(token=token)


def _check_expiry(*, claims: dict[str, Any]) -> None:
    expiry = claims.get("exp")
    if isinstance(expiry, bool) or not isinstance(expiry, int | float):
        raise exceptions.AuthenticationFailed("The token must carry an expiry time (exp).")
    leeway = drf_jwt_settings.JWT_LEEWAY
    leeway_seconds = leeway.total_seconds() if hasattr(leeway, "total_seconds") else float(leeway or 0)
    if expiry + leeway_seconds <= time.time():
        raise exceptions.AuthenticationFailed("Token has expired.")


def _host_decoder_skips_signature() -> bool:
    uses_edx_decoder = drf_jwt_settings.JWT_DECODE_HANDLER is edx_decoder.jwt_decode_handler
    return uses_edx_decoder and not config.jwt_public_signing_jwk_set()


def _verify_with_issuer_secrets(*, token: str) -> None:
    for issuer in get_jwt_issuers() or ():
        secret = issuer.get("SECRET_KEY")
        if not secret:
            continue
        keys = edx_decoder.get_verification_jwk_key_set(secret_key=secret)
        try:
            edx_decoder.verify_jwk_signature_using_keyset(token, keys, aud=issuer.get("AUDIENCE"))
        except Exception:  # noqa: BLE001, S112 - any failure means "not this issuer's key"; the next may match
            continue
        return
    raise exceptions.AuthenticationFailed("The token's signature does not match any configured issuer key.")
