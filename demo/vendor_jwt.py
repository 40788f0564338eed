"""The demo host's JWT settings for vendor callbacks, set as a production LMS should set them (README,
"Operator notes: JWT settings for vendor callbacks"), and the signing key the mock vendor uses.

In production the vendor gets its JWTs from the LMS's OAuth2 provider, signed with the LMS's private key;
the LMS checks them with the public key set. The demo has no OAuth2 provider, so the mock vendor is given
the private key and mints the tokens itself.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

EDX_JWT_DECODE_HANDLER = "edx_rest_framework_extensions.auth.jwt.decoder.jwt_decode_handler"
SIGNING_KEY_ID = "demo-lms-signing-key"


def vendor_callback_jwt_auth(*, issuer: str, audience: str, secret_key: str, public_jwk_set: str) -> dict:
    """``JWT_AUTH`` for a host whose vendors call back with JWTs: edx-drf-extensions' decoder (which
    requires ``exp`` and ``iat``), expiry and audience verified, and a public key set that is never empty
    (without one, edx-drf-extensions checks the signature against nothing)."""
    if not public_jwk_set:
        raise ValueError("A host verifying vendor JWTs needs JWT_PUBLIC_SIGNING_JWK_SET.")
    return {
        "JWT_DECODE_HANDLER": EDX_JWT_DECODE_HANDLER,
        "JWT_AUTH_HEADER_PREFIX": "JWT",
        "JWT_ISSUER": issuer,
        "JWT_AUDIENCE": audience,
        "JWT_SECRET_KEY": secret_key,
        "JWT_ISSUERS": [{"ISSUER": issuer, "AUDIENCE": audience, "SECRET_KEY": secret_key}],
        "JWT_PUBLIC_SIGNING_JWK_SET": public_jwk_set,
        "JWT_VERIFY_EXPIRATION": True,
        "JWT_VERIFY_AUDIENCE": True,
        "JWT_LEEWAY": 1,
    }


def signing_key_pem(*, path: Path) -> bytes:
    """The demo's RSA private key (PEM), created on first use; readable by its owner only."""
    if not path.exists():
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        pem = key.private_bytes(
            encoding=serialization.Encoding.PEM,
            format=serialization.PrivateFormat.PKCS8,
            encryption_algorithm=serialization.NoEncryption(),
        )
        # Written aside and renamed: two demo processes starting at once must not read half a key.
        partial = path.with_name(f"{path.name}.{os.getpid()}.tmp")
        partial.write_bytes(pem)
        partial.chmod(0o600)
        os.replace(partial, path)
    return path.read_bytes()


def public_jwk_set(*, private_pem: bytes) -> str:
    """The JWK set (JSON) holding the public half of `private_pem`."""
    private_key = serialization.load_pem_private_key(private_pem, password=None)
    public = json.loads(RSAAlgorithm.to_jwk(private_key.public_key()))
    return json.dumps({"keys": [{**public, "kid": SIGNING_KEY_ID, "alg": "RS512", "use": "sig"}]})
