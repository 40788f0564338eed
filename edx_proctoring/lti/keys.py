"""Keys: this platform's signing key and key set, the tools' verification keys, nonce replay protection.

The platform key is an RSA key generated on first use. Its private half is stored encrypted with the
package's AES helpers (``edx_proctoring.crypto``) under a key derived from ``SECRET_KEY``: a database dump
alone does not let anyone sign as the platform. Should ``SECRET_KEY`` change, the stored key no longer
decrypts; a new one is generated and published beside the old public key, so tools that cache our key set
fetch it again by its new ``kid``.

A tool's key comes from its registration: the public JWK (or a key set) pasted into the admin, or its
JWKS URL, fetched with a short timeout and cached; an unknown ``kid`` fetches the set again at most once
per ``JWKS_REFETCH_SECONDS`` so a flood of made-up kids cannot make us hammer the tool.
"""

from __future__ import annotations

import hashlib
import json
import logging
import uuid
from datetime import UTC, datetime, timedelta

import jwt
import requests
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.core.cache import cache
from django.db import IntegrityError, transaction

from edx_proctoring import config
from edx_proctoring.crypto import decode_and_decrypt, encrypt_and_encode
from edx_proctoring.lti.claims import LtiCheckFailed
from edx_proctoring.models import LtiNonce, LtiPlatformKey, LtiToolRegistration
from edx_proctoring.timing import now

log = logging.getLogger(__name__)

ALGORITHM = "RS256"
JWKS_CACHE_SECONDS = 300
JWKS_REFETCH_SECONDS = 30
JWKS_TIMEOUT_SECONDS = 5
# How far a tool's clock may be off from ours, and how old a tool's `iat` may be.
CLOCK_LEEWAY_SECONDS = 60
MAX_TOKEN_AGE_SECONDS = 600
_CACHE_PREFIX = "edx_proctoring.lti.jwks"

# Decrypted platform keys by kid: decryption costs an AES pass and a PEM parse, so do it once per process.
_private_keys: dict[str, rsa.RSAPrivateKey] = {}


def _storage_key() -> str:
    # 32 characters -> AES-256 in edx_proctoring.crypto.
    return hashlib.sha256(f"edx_proctoring.lti.platform_key:{config.secret_key()}".encode()).hexdigest()[:32]


def _public_jwk(*, private_key: rsa.RSAPrivateKey, kid: str) -> dict:
    jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(private_key.public_key()))
    jwk.update({"kid": kid, "alg": ALGORITHM, "use": "sig"})
    return jwk


def _decrypt(*, stored: LtiPlatformKey) -> rsa.RSAPrivateKey | None:
    try:
        pem = decode_and_decrypt(stored.private_key_encrypted, _storage_key())
        key = serialization.load_pem_private_key(pem, password=None)
    except (ValueError, TypeError):
        log.warning("LTI platform key %s does not decrypt with this SECRET_KEY; a new key will be made.", stored.kid)
        return None
    return key if isinstance(key, rsa.RSAPrivateKey) else None


def _generate_key() -> tuple[LtiPlatformKey, rsa.RSAPrivateKey]:
    private_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = private_key.private_bytes(
        encoding=serialization.Encoding.PEM,
        format=serialization.PrivateFormat.PKCS8,
        encryption_algorithm=serialization.NoEncryption(),
    )
    kid = uuid.uuid4().hex
    stored = LtiPlatformKey.objects.create(
        kid=kid,
        private_key_encrypted=encrypt_and_encode(pem, _storage_key()).decode("ascii"),
        public_jwk=_public_jwk(private_key=private_key, kid=kid),
    )
    log.info("Generated LTI platform key %s", kid)
    return stored, private_key


def signing_key() -> tuple[str, rsa.RSAPrivateKey]:
    """The kid and private key this platform signs with, generated on first use."""
    for stored in LtiPlatformKey.objects.filter(active=True).order_by("-id"):
        if stored.kid in _private_keys:
            return stored.kid, _private_keys[stored.kid]
        private_key = _decrypt(stored=stored)
        if private_key is not None:
            _private_keys[stored.kid] = private_key
            return stored.kid, private_key
    with transaction.atomic():
        stored, private_key = _generate_key()
    _private_keys[stored.kid] = private_key
    return stored.kid, private_key


def sign(*, payload: dict) -> str:
    """`payload` as a JWT signed with the platform key (RS256, its kid in the header)."""
    kid, private_key = signing_key()
    return jwt.encode(payload, private_key, algorithm=ALGORITHM, headers={"kid": kid})


def platform_jwks() -> dict:
    """The public key set tools verify our id_tokens with (every active key, newest first)."""
    if not LtiPlatformKey.objects.filter(active=True).exists():
        signing_key()
    return {
        "keys": list(LtiPlatformKey.objects.filter(active=True).order_by("-id").values_list("public_jwk", flat=True))
    }


# -- tool keys -------------------------------------------------------------------------------------------


def _keys_of(*, value) -> list[dict]:
    """The JWKs in a registration's `tool_public_jwk` (a single JWK or a key set)."""
    if isinstance(value, dict) and isinstance(value.get("keys"), list):
        return [key for key in value["keys"] if isinstance(key, dict)]
    return [value] if isinstance(value, dict) else []


def _fetch_jwks(*, url: str) -> list[dict]:
    try:
        response = requests.get(url, timeout=JWKS_TIMEOUT_SECONDS)
        response.raise_for_status()
        keys = _keys_of(value=response.json())
    except (requests.RequestException, ValueError) as exc:
        log.warning("Could not fetch the LTI tool key set at %s: %s", url, exc)
        raise LtiCheckFailed(code="tool_keys_unavailable", message="The tool's key set could not be fetched.") from exc
    cache.set(f"{_CACHE_PREFIX}:{url}", keys, JWKS_CACHE_SECONDS)
    return keys


def _find(*, keys: list[dict], kid: str | None) -> dict | None:
    for key in keys:
        if key.get("kid") == kid:
            return key
    # A lone registered key without a kid is the tool's key whatever the token says.
    if len(keys) == 1 and "kid" not in keys[0]:
        return keys[0]
    return None


def tool_key(*, registration: LtiToolRegistration, kid: str | None) -> jwt.PyJWK:
    """The tool's public key with this `kid`; `LtiCheckFailed("unknown_kid")` when it has none."""
    if registration.tool_public_jwk:
        jwk = _find(keys=_keys_of(value=registration.tool_public_jwk), kid=kid)
    elif registration.tool_jwks_url:
        url = registration.tool_jwks_url
        keys = cache.get(f"{_CACHE_PREFIX}:{url}")
        if keys is None:
            keys = _fetch_jwks(url=url)
        jwk = _find(keys=keys, kid=kid)
        if jwk is None and cache.add(f"{_CACHE_PREFIX}:refetch:{url}", True, JWKS_REFETCH_SECONDS):
            # The tool may have rotated its key since we cached its set.
            jwk = _find(keys=_fetch_jwks(url=url), kid=kid)
    else:
        jwk = None
    if jwk is None:
        raise LtiCheckFailed(code="unknown_kid", message="The message is signed with a key the tool did not register.")
    try:
        return jwt.PyJWK(jwk, algorithm=ALGORITHM)
    except (jwt.PyJWKError, jwt.InvalidKeyError, ValueError, TypeError) as exc:
        raise LtiCheckFailed(code="unknown_kid", message="The tool's registered key is not an RSA key.") from exc


def verify_tool_jwt(*, registration: LtiToolRegistration, token: str, audience: str | list[str]) -> dict:
    """The claims of a JWT the tool signed, checked: RS256 signature by kid, `iss` == the registration's
    client id, `aud` (one of `audience`), `exp` in the future and `iat` recent. Raises `LtiCheckFailed`
    naming the first check that failed; the nonce is the caller's (see `remember_nonce`)."""
    try:
        header = jwt.get_unverified_header(token)
    except jwt.PyJWTError as exc:
        raise LtiCheckFailed(code="malformed", message="The message is not a signed JWT.") from exc
    if header.get("alg") != ALGORITHM:
        raise LtiCheckFailed(code="bad_signature", message=f"The message must be signed with {ALGORITHM}.")
    key = tool_key(registration=registration, kid=header.get("kid"))
    try:
        claims = jwt.decode(
            token,
            key=key,
            algorithms=[ALGORITHM],
            audience=audience,
            issuer=registration.client_id,
            leeway=CLOCK_LEEWAY_SECONDS,
            options={"require": ["iss", "aud", "exp", "iat", "nonce"]},
        )
    except jwt.InvalidSignatureError as exc:
        raise LtiCheckFailed(code="bad_signature", message="The message's signature does not verify.") from exc
    except jwt.ExpiredSignatureError as exc:
        raise LtiCheckFailed(code="expired", message="The message has expired.") from exc
    except jwt.InvalidIssuerError as exc:
        raise LtiCheckFailed(code="wrong_iss", message="The message's iss is not the tool's client id.") from exc
    except jwt.InvalidAudienceError as exc:
        raise LtiCheckFailed(code="wrong_aud", message="The message is not addressed to this platform.") from exc
    except jwt.MissingRequiredClaimError as exc:
        raise LtiCheckFailed(code="missing_claim", message=f"The message has no {exc.claim} claim.") from exc
    except jwt.ImmatureSignatureError as exc:
        raise LtiCheckFailed(code="stale_iat", message="The message was issued in the future.") from exc
    except jwt.PyJWTError as exc:
        raise LtiCheckFailed(code="malformed", message=f"The message is not a valid JWT: {exc}.") from exc
    issued_at = claims["iat"]
    if not isinstance(issued_at, int | float) or issued_at < now().timestamp() - MAX_TOKEN_AGE_SECONDS:
        raise LtiCheckFailed(code="stale_iat", message="The message was issued too long ago.")
    return claims


def expiry(*, claims: dict) -> datetime:
    """When the verified JWT `claims` expire; `LtiCheckFailed` if `exp`, an integer to PyJWT, is past any date."""
    try:
        return datetime.fromtimestamp(claims["exp"], tz=UTC)
    except (OverflowError, OSError, ValueError) as exc:
        raise LtiCheckFailed(code="malformed", message="The message's exp is out of range.") from exc


def remember_nonce(*, registration: LtiToolRegistration, nonce: str, expires_at: datetime) -> None:
    """Record that the tool used `nonce`; `LtiCheckFailed("replayed_nonce")` if it already did."""
    if not isinstance(nonce, str) or not nonce or len(nonce) > 255:
        raise LtiCheckFailed(code="missing_claim", message="The message's nonce is missing or too long.")
    at = now()
    # Keep the table to the nonces that could still be replayed; a nonce is refused at least until its
    # token expired (and our leeway passed).
    LtiNonce.objects.filter(registration=registration, expires_at__lt=at).delete()
    try:
        with transaction.atomic():
            LtiNonce.objects.create(
                registration=registration,
                nonce=nonce,
                expires_at=max(expires_at, at) + timedelta(seconds=CLOCK_LEEWAY_SECONDS),
            )
    except IntegrityError as exc:
        raise LtiCheckFailed(code="replayed_nonce", message="The message was already used.") from exc
