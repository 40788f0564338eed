"""One accessor for every setting the app reads, with its documented default.

Settings are read when used, never frozen at import, so ``override_settings`` works in tests and a
reloaded configuration takes effect without restarting the import chain.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings

_SETTING_DEFAULTS: dict[str, Any] = {
    "ALLOW_REVIEW_UPDATES": True,
    "DEFAULT_REVIEW_POLICY": "Closed Book",
    "REQUIRE_FAILURE_SECOND_REVIEWS": True,
    "SOFTWARE_SECURE_CLIENT_TIMEOUT": 30,
    "SOFTWARE_SECURE_SHUT_DOWN_GRACEPERIOD": 10,
    "DESKTOP_APPLICATION_PING_INTERVAL_SECONDS": 60,
    "USE_ONBOARDING_PROFILE_API": False,
    "ALLOW_TIMED_OUT_STATE": False,
    "ALLOW_CALLBACK_SIMULATION": False,
    "low_threshold_pct": 0.2,
    "critically_low_threshold_pct": 0.05,
}

# Keys that, when missing from PROCTORING_SETTINGS, are also looked up at the top level of Django settings.
_TOP_LEVEL_FALLBACKS = frozenset(
    {
        "ALLOW_REVIEW_UPDATES",
        "DEFAULT_REVIEW_POLICY",
        "REQUIRE_FAILURE_SECOND_REVIEWS",
        "SOFTWARE_SECURE_CLIENT_TIMEOUT",
        "SOFTWARE_SECURE_SHUT_DOWN_GRACEPERIOD",
        "DESKTOP_APPLICATION_PING_INTERVAL_SECONDS",
        "USE_ONBOARDING_PROFILE_API",
    }
)

_MISSING = object()


def proctoring_settings() -> dict[str, Any]:
    return getattr(settings, "PROCTORING_SETTINGS", None) or {}


def proctoring_setting(key: str, default: Any = _MISSING) -> Any:
    """A PROCTORING_SETTINGS value, else the top-level fallback where one exists, else the default."""
    value = proctoring_settings().get(key, _MISSING)
    if value is _MISSING and key in _TOP_LEVEL_FALLBACKS:
        value = getattr(settings, key, _MISSING)
    if value is _MISSING:
        value = _SETTING_DEFAULTS.get(key) if default is _MISSING else default
    return value


def proctoring_backends() -> dict[str, Any]:
    return getattr(settings, "PROCTORING_BACKENDS", None) or {}


def default_backend_name() -> str | None:
    return proctoring_backends().get("DEFAULT")


def backend_options(name: str | None) -> dict[str, Any]:
    options = proctoring_backends().get(name or "", {})
    return options if isinstance(options, dict) else {}


def site_name() -> str:
    return proctoring_settings().get("SITE_NAME") or getattr(settings, "SITE_NAME", "") or ""


def platform_name() -> str:
    return proctoring_settings().get("PLATFORM_NAME") or getattr(settings, "PLATFORM_NAME", "") or ""


def from_email() -> str | None:
    return proctoring_settings().get("STATUS_EMAIL_FROM_ADDRESS") or getattr(settings, "DEFAULT_FROM_EMAIL", None)


def default_contact_email() -> str | None:
    return proctoring_settings().get("CONTACT_EMAIL") or getattr(settings, "CONTACT_EMAIL", None) or from_email()


def content_viewable_past_due() -> bool:
    return bool(getattr(settings, "PROCTORED_EXAM_VIEWABLE_PAST_DUE", False))


def lms_scheme() -> str:
    return "https" if getattr(settings, "HTTPS", "on") == "on" else "http"


def lms_root() -> str:
    return f"{lms_scheme()}://{getattr(settings, 'SITE_NAME', '') or ''}"
