"""How PSI's anonymous review callback proves it comes from PSI: a URL token or an HMAC signature.

The review callback (``/api/edx_proctoring/proctoring_review_callback/``) has no signed-in principal, and
the attempt code it names is known to the learner (the RPNow software needs it), so the code proves
nothing. Each backend name whose class is the PSI provider (``software_secure``, ``rpnow4`` or any other
name given to it in ``PROCTORING_BACKENDS``) reads its own options:

``callback_token``
    A long random secret (at least ``MIN_TOKEN_LENGTH`` characters) that the operator puts in the
    callback URL configured in PSI's portal: ``https://<lms>/api/edx_proctoring/proctoring_review_callback/?token=<secret>``.
    It is compared in constant time. It travels in the query string, so keep it out of access logs
    that others can read, and rotate it by changing both sides.
``callback_signature_key``
    A shared key for callers that can sign: the header ``X-Proctoring-Signature: sha256=<hex
    HMAC-SHA256 of the raw request body, keyed with the UTF-8 bytes of the key>``.
``allow_unauthenticated_callbacks``
    ``True`` (the literal boolean) accepts unauthenticated reviews for that backend name when it has
    neither of the above: each one is logged as a warning and its audit entry says so. Anything else
    leaves the callback closed.

A request is authenticated *as* the backend names whose credential it carries; it may then review only
attempts whose exam uses one of those names. A credential that matches no backend is refused (403),
before the body is parsed; so is a request with no credential when no backend opted out.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass

from django.apps import apps
from django.http.request import RawPostDataException

from edx_proctoring import config
from edx_proctoring.exceptions import ProctoredBaseException

SIGNATURE_HEADER = "X-Proctoring-Signature"
SIGNATURE_SCHEME = "sha256="
KEY_OPTION = "callback_signature_key"
TOKEN_OPTION = "callback_token"
TOKEN_PARAMETER = "token"
OPT_OUT_OPTION = "allow_unauthenticated_callbacks"
MIN_TOKEN_LENGTH = 32

AUTHENTICATED_BY_SIGNATURE = "signature"
AUTHENTICATED_BY_TOKEN = "token"
NOT_AUTHENTICATED = "none"


class CallbackNotAuthenticated(ProctoredBaseException):
    """An anonymous vendor callback carries no credential its backend accepts (HTTP 403)."""

    http_status = 403
    default_message = "The callback is not authenticated."


class CallbackSignatureInvalid(CallbackNotAuthenticated):
    """The callback's signature header does not match its body under any configured key (HTTP 403)."""

    default_message = "The callback signature is missing or invalid."


@dataclass(frozen=True)
class CallbackCredentials:
    """What one backend name accepts as proof that a callback comes from its vendor."""

    backend_name: str
    signature_key: str | bytes | None
    token: str | None
    allow_unauthenticated: bool

    @property
    def has_credential(self) -> bool:
        return bool(self.signature_key or self.token)

    @property
    def accepts_unauthenticated(self) -> bool:
        # A configured credential always wins over the opt-out: it cannot be bypassed by omitting it.
        return self.allow_unauthenticated and not self.has_credential


@dataclass(frozen=True)
class CallbackAuthentication:
    """Who a callback proved to be: the PSI backend names it may review for, and how it proved it."""

    backend_names: frozenset[str]
    method: str


def _as_bytes(value: str | bytes) -> bytes:
    return value.encode("utf-8") if isinstance(value, str) else bytes(value)


def sign_callback_body(*, body: str | bytes, key: str | bytes) -> str:
    """The header value for `body`: ``sha256=<lower-case hex HMAC-SHA256>``."""
    digest = hmac.new(_as_bytes(key), _as_bytes(body), hashlib.sha256).hexdigest()
    return SIGNATURE_SCHEME + digest


def psi_backend_names() -> list[str]:
    """The configured backend names whose class is the PSI provider, in settings order."""
    from edx_proctoring.backends.software_secure import SoftwareSecureBackendProvider

    backends = apps.get_app_config("edx_proctoring").backends
    return [name for name, backend in backends.items() if isinstance(backend, SoftwareSecureBackendProvider)]


def exam_backend_name(exam: dict) -> str | None:
    """The backend name an exam uses: its own, else the DEFAULT one (as `get_backend_provider` resolves it)."""
    return exam.get("backend") or config.default_backend_name()


def psi_backend_name_of(exam: dict) -> str | None:
    """The exam's backend name when that backend is the PSI provider, else None."""
    name = exam_backend_name(exam)
    return name if name in psi_backend_names() else None


def callback_credentials(*, backend_name: str) -> CallbackCredentials:
    """The callback options of one backend name, read from its own PROCTORING_BACKENDS entry."""
    options = config.backend_options(backend_name)
    return CallbackCredentials(
        backend_name=backend_name,
        signature_key=options.get(KEY_OPTION) or None,
        token=options.get(TOKEN_OPTION) or None,
        allow_unauthenticated=options.get(OPT_OUT_OPTION) is True,
    )


def _normalised_signature(supplied: str) -> str:
    supplied = supplied.strip()
    if supplied[: len(SIGNATURE_SCHEME)].lower() == SIGNATURE_SCHEME:
        supplied = SIGNATURE_SCHEME + supplied[len(SIGNATURE_SCHEME) :].lower()
    return supplied


def _raw_body(request) -> bytes:
    try:
        return request.body
    except RawPostDataException:
        raise CallbackSignatureInvalid("The callback body was read before its signature could be checked.") from None


def _names_signed_for(*, request, supplied: str, candidates: list[CallbackCredentials]) -> set[str]:
    body = _raw_body(request)
    supplied_bytes = _as_bytes(_normalised_signature(supplied))
    return {
        credentials.backend_name
        for credentials in candidates
        if credentials.signature_key
        and hmac.compare_digest(supplied_bytes, _as_bytes(sign_callback_body(body=body, key=credentials.signature_key)))
    }


def _names_holding_token(*, supplied: str, candidates: list[CallbackCredentials]) -> set[str]:
    supplied_bytes = _as_bytes(supplied)
    return {
        credentials.backend_name
        for credentials in candidates
        if credentials.token and hmac.compare_digest(supplied_bytes, _as_bytes(credentials.token))
    }


def authenticate_psi_callback(*, request) -> CallbackAuthentication:
    """Check the token and/or signature a PSI callback carries; raise `CallbackNotAuthenticated` when refused.

    Must run before the request body is parsed (the signature covers the raw bytes).
    """
    candidates = [callback_credentials(backend_name=name) for name in psi_backend_names()]
    token = request.GET.get(TOKEN_PARAMETER)
    signature = request.headers.get(SIGNATURE_HEADER)

    if token is None and signature is None:
        open_names = frozenset(c.backend_name for c in candidates if c.accepts_unauthenticated)
        if not open_names:
            raise CallbackNotAuthenticated(
                "The review callback must be authenticated: call the callback URL configured with its token, "
                f"or sign the body in the {SIGNATURE_HEADER} header."
            )
        return CallbackAuthentication(backend_names=open_names, method=NOT_AUTHENTICATED)

    names: set[str] = set()
    methods = []
    if signature is not None:
        signed_for = _names_signed_for(request=request, supplied=signature, candidates=candidates)
        if not signed_for:
            raise CallbackSignatureInvalid(f"The {SIGNATURE_HEADER} header does not match the callback body.")
        names |= signed_for
        methods.append(AUTHENTICATED_BY_SIGNATURE)
    if token is not None:
        holding = _names_holding_token(supplied=token, candidates=candidates)
        if not holding:
            raise CallbackNotAuthenticated("The callback token is not valid.")
        names |= holding
        methods.append(AUTHENTICATED_BY_TOKEN)
    return CallbackAuthentication(backend_names=frozenset(names), method="+".join(methods))
