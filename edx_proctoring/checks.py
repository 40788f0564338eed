"""Django system checks: configurations that would silently lose or accept forged vendor callbacks.

Run by ``manage.py check`` and before ``migrate``/``runserver``, so an upgraded site fails at deploy
instead of refusing (or, before 7.0, trusting) every PSI review in production.
"""

from __future__ import annotations

from django.core.checks import CheckMessage, Error, Tags, Warning, register
from django.core.exceptions import ImproperlyConfigured

from edx_proctoring.backends.callback_signing import (
    KEY_OPTION,
    MIN_TOKEN_LENGTH,
    OPT_OUT_OPTION,
    TOKEN_OPTION,
    callback_credentials,
    psi_backend_names,
)
from edx_proctoring.http import rate_limits

APP_LABEL = "edx_proctoring"


def _option(backend_name: str, option: str) -> str:
    return f'PROCTORING_BACKENDS["{backend_name}"]["{option}"]'


def check_psi_callback_authentication(**kwargs) -> list[CheckMessage]:
    """E001/W001/E002: each PSI backend name must authenticate its review callback, or opt out explicitly."""
    messages: list[CheckMessage] = []
    for name in psi_backend_names():
        credentials = callback_credentials(backend_name=name)
        if credentials.token and len(credentials.token) < MIN_TOKEN_LENGTH:
            messages.append(
                Error(
                    f"{_option(name, TOKEN_OPTION)} is shorter than {MIN_TOKEN_LENGTH} characters.",
                    hint="Use a long random secret, e.g. python -c 'import secrets; print(secrets.token_urlsafe(32))'.",
                    id=f"{APP_LABEL}.E002",
                )
            )
        if credentials.has_credential:
            continue
        if credentials.allow_unauthenticated:
            messages.append(
                Warning(
                    f"The PSI review callback of backend {name!r} accepts unauthenticated reviews "
                    f"({_option(name, OPT_OUT_OPTION)} is True): anyone who knows an attempt code can review it.",
                    hint=f"Set {_option(name, TOKEN_OPTION)} and add ?token=<it> to the callback URL set at PSI.",
                    id=f"{APP_LABEL}.W001",
                )
            )
            continue
        messages.append(
            Error(
                f"The PSI review callback of backend {name!r} has no credential: every review PSI sends is refused.",
                hint=(
                    f"Set {_option(name, TOKEN_OPTION)} to a long random secret and configure the callback URL at "
                    f"PSI as https://<lms>/api/edx_proctoring/proctoring_review_callback/?token=<that secret>; or set "
                    f"{_option(name, KEY_OPTION)} if the caller signs its requests. {_option(name, OPT_OUT_OPTION)} "
                    "= True accepts unauthenticated reviews (not recommended)."
                ),
                id=f"{APP_LABEL}.E001",
            )
        )
    return messages


def check_anonymous_callback_rate(**kwargs) -> list[CheckMessage]:
    """E003: the anonymous callbacks' rate settings must be readable (they are read on every call)."""
    messages: list[CheckMessage] = []
    for read in (rate_limits.configured_rate, rate_limits.configured_trusted_proxies):
        try:
            read()
        except ImproperlyConfigured as exc:
            messages.append(Error(str(exc), id=f"{APP_LABEL}.E003"))
    return messages


def _for_this_app(check):
    def run(app_configs=None, **kwargs):
        if app_configs is not None and APP_LABEL not in {app.label for app in app_configs}:
            return []
        return check(**kwargs)

    run.__name__ = check.__name__
    run.__doc__ = check.__doc__
    return run


_REGISTERED_CHECKS = (
    _for_this_app(check_psi_callback_authentication),
    _for_this_app(check_anonymous_callback_rate),
)


def register_checks() -> None:
    """Called from the app's ``ready()``; registering twice is harmless (the registry is a set)."""
    for check in _REGISTERED_CHECKS:
        register(check, Tags.security)
