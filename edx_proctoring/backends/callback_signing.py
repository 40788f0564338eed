"""Optional HMAC signatures on inbound vendor callbacks that carry no authenticated principal.

PSI's anonymous review callback (``/api/edx_proctoring/proctoring_review_callback/``) is historically
"authenticated" only by knowing an attempt code whose attempt has the matching ``ssiRecordLocator``.
When the operator configures a shared key::

    PROCTORING_BACKENDS = {
        "software_secure": {..., "callback_signature_key": "<long random secret>"},
    }

every such callback must carry the header::

    X-Proctoring-Signature: sha256=<hex HMAC-SHA256 of the raw request body, keyed with that secret>

Callbacks without the header, or with a wrong signature, are refused with 403 before the body is
looked at. Without a configured key nothing changes (the original behaviour). The key is taken as its
UTF-8 bytes; the comparison is constant-time.
"""

from __future__ import annotations

import hashlib
import hmac

from django.http.request import RawPostDataException

from edx_proctoring import config
from edx_proctoring.exceptions import ProctoredBaseException

SIGNATURE_HEADER = "X-Proctoring-Signature"
SIGNATURE_SCHEME = "sha256="
KEY_OPTION = "callback_signature_key"


class CallbackSignatureInvalid(ProctoredBaseException):
    """An inbound callback lacks the signature the operator requires, or it does not match (HTTP 403)."""

    http_status = 403
    default_message = "The callback signature is missing or invalid."


def _as_bytes(value: str | bytes) -> bytes:
    return value.encode("utf-8") if isinstance(value, str) else bytes(value)


def sign_callback_body(*, body: str | bytes, key: str | bytes) -> str:
    """The header value for `body`: ``sha256=<lower-case hex HMAC-SHA256>``."""
    digest = hmac.new(_as_bytes(key), _as_bytes(body), hashlib.sha256).hexdigest()
    return SIGNATURE_SCHEME + digest


def callback_signature_key(*, backend=None, backend_name: str | None = None) -> str | bytes | None:
    """The configured key: the backend's ``callback_signature_key`` option, else the raw settings entry."""
    key = getattr(backend, KEY_OPTION, None) if backend is not None else None
    if not key and backend_name:
        key = config.backend_options(backend_name).get(KEY_OPTION)
    return key or None


def verify_callback_signature(*, request, backend=None, backend_name: str | None = None) -> bool:
    """Check the request's signature when a key is configured.

    Returns False when no key is configured (nothing to check), True when the signature is valid, and
    raises :class:`CallbackSignatureInvalid` otherwise. Must run before the request body is parsed.
    """
    key = callback_signature_key(backend=backend, backend_name=backend_name)
    if not key:
        return False
    supplied = request.headers.get(SIGNATURE_HEADER)
    if not supplied:
        raise CallbackSignatureInvalid(f"The callback must be signed: the {SIGNATURE_HEADER} header is missing.")
    try:
        body = request.body
    except RawPostDataException:
        raise CallbackSignatureInvalid("The callback body was read before its signature could be checked.")
    supplied = supplied.strip()
    if supplied[: len(SIGNATURE_SCHEME)].lower() == SIGNATURE_SCHEME:
        supplied = SIGNATURE_SCHEME + supplied[len(SIGNATURE_SCHEME) :].lower()
    expected = sign_callback_body(body=body, key=key)
    if not hmac.compare_digest(_as_bytes(supplied), _as_bytes(expected)):
        raise CallbackSignatureInvalid(f"The {SIGNATURE_HEADER} header does not match the callback body.")
    return True
