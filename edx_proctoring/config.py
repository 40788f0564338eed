"""One accessor for every setting the app reads, with its documented default.

Settings are read when used, never frozen at import, so ``override_settings`` works in tests and a
reloaded configuration takes effect without restarting the import chain.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

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
    # Ours, not 6.1.x's: vendor calls and learner emails of a status change go through retried Celery tasks.
    "ASYNC_NOTIFICATIONS": False,
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


# -- host settings read as-is from the top level (spec §2.1, §9.1) ------------------------------------------


def top_level_platform_name() -> str:
    """``settings.PLATFORM_NAME`` alone: `get_proctoring_settings_by_exam_id` reports the host's own name,
    where the pages and emails prefer ``PROCTORING_SETTINGS["PLATFORM_NAME"]`` (`platform_name`)."""
    return getattr(settings, "PLATFORM_NAME", "")


def top_level_contact_email() -> str:
    """``settings.CONTACT_EMAIL`` alone, for `get_proctoring_settings_by_exam_id` (no proctoring fallbacks)."""
    return getattr(settings, "CONTACT_EMAIL", "")


def tech_support_email() -> str:
    return getattr(settings, "TECH_SUPPORT_EMAIL", "")


def link_urls() -> dict[str, str] | None:
    """``PROCTORING_SETTINGS["LINK_URLS"]`` (contact_us, faq, online_proctoring_rules, tech_requirements), or
    None when absent, as 6.1.x reports it; templates treat None as no links."""
    return proctoring_settings().get("LINK_URLS")


def learning_mfe_url() -> str:
    """The learning micro-frontend's root; without one the MFE links are site-relative rather than a crash."""
    return getattr(settings, "LEARNING_MICROFRONTEND_URL", "") or ""


def lms_root_url() -> str:
    """``settings.LMS_ROOT_URL``: the prefix of the vendors' browser worker bundles served by the LMS."""
    return getattr(settings, "LMS_ROOT_URL", "") or ""


def language_code() -> str:
    return settings.LANGUAGE_CODE


def course_id_pattern(*, default: str) -> str:
    """The host's ``COURSE_ID_PATTERN`` URL regex (a named group ``course_id``), else `default`."""
    return getattr(settings, "COURSE_ID_PATTERN", default)


def user_obfuscation_key() -> str:
    """``PROCTORING_USER_OBFUSCATION_KEY``: required, the HMAC key of the learner ids vendors see."""
    return settings.PROCTORING_USER_OBFUSCATION_KEY


def node_modules_root() -> str | None:
    return getattr(settings, "NODE_MODULES_ROOT", None)


def env_root() -> str | None:
    return getattr(settings, "ENV_ROOT", None)


def debug() -> bool:
    return bool(settings.DEBUG)


def jwt_public_signing_jwk_set() -> Any:
    """``JWT_AUTH["JWT_PUBLIC_SIGNING_JWK_SET"]``: when the host has none, its decoder checks no signature."""
    return (getattr(settings, "JWT_AUTH", None) or {}).get("JWT_PUBLIC_SIGNING_JWK_SET")


def open_api_schema() -> bool:
    """``PROCTORING_OPEN_API_SCHEMA``: anyone may read the OpenAPI document, not only global staff."""
    return bool(getattr(settings, "PROCTORING_OPEN_API_SCHEMA", False))


def secret_key() -> str:
    """Django's ``SECRET_KEY``, for keys derived from it (the LTI platform key)."""
    return settings.SECRET_KEY


def session_cookie() -> dict[str, Any]:
    """The host's session cookie settings, for pages that set a cookie beside it (the LTI launch)."""
    return {
        "name": settings.SESSION_COOKIE_NAME,
        "domain": settings.SESSION_COOKIE_DOMAIN,
        "path": settings.SESSION_COOKIE_PATH,
        "secure": settings.SESSION_COOKIE_SECURE,
        "httponly": settings.SESSION_COOKIE_HTTPONLY,
        "samesite": settings.SESSION_COOKIE_SAMESITE,
    }


def async_notifications() -> bool:
    """``PROCTORING_SETTINGS["ASYNC_NOTIFICATIONS"]``: vendor calls and emails go through retried Celery tasks."""
    return bool(proctoring_setting("ASYNC_NOTIFICATIONS"))


def rest_datetime_format() -> str | None:
    """``REST_FRAMEWORK["DATETIME_FORMAT"]`` (DRF's default ``"iso-8601"``; None leaves datetimes as they are):
    how the exam, attempt and allowance dicts write their dates (``records``), as DRF always did."""
    return (getattr(settings, "REST_FRAMEWORK", None) or {}).get("DATETIME_FORMAT", "iso-8601")


def use_tz() -> bool:
    """Django's ``USE_TZ``: without it, dates written by ``records`` are naive, as DRF writes them."""
    return bool(settings.USE_TZ)


# -- operations: overdue reviews, retention, the vendor call log (README, "Operating it") -------------------

DEFAULT_REVIEW_OVERDUE_HOURS = 72
# Days each kind of data is kept after its attempt is finished; None keeps it for ever.
RETENTION_CATEGORIES = ("review_payload", "video_link", "notes", "audit_details", "callback_log")
DEFAULT_RETENTION_DAYS: dict[str, int | None] = {
    "review_payload": 365,
    "video_link": 90,
    "notes": 365,
    "audit_details": 730,
    "callback_log": 30,
}
DEFAULT_VENDOR_CALL_LOG_MAX_ROWS = 500_000


def _per_backend(key: str, backend: str | None) -> Any:
    """``PROCTORING_SETTINGS[key]``: a plain value, or ``{"DEFAULT": value, "<backend>": value}``."""
    value = proctoring_settings().get(key, _MISSING)
    if isinstance(value, dict):
        value = value.get(backend or "", value.get("DEFAULT", _MISSING))
    return value


def review_overdue_after(*, backend: str | None) -> timedelta:
    """How long a submitted attempt of `backend` may wait for its review before it is overdue."""
    hours = _per_backend("REVIEW_OVERDUE_HOURS", backend)
    if hours is _MISSING:
        hours = DEFAULT_REVIEW_OVERDUE_HOURS
    if isinstance(hours, bool) or not isinstance(hours, int | float) or hours <= 0:
        raise ImproperlyConfigured(
            f"PROCTORING_SETTINGS['REVIEW_OVERDUE_HOURS'] must be a positive number, not {hours!r}."
        )
    return timedelta(hours=hours)


def overdue_review_operator_email() -> str | None:
    """Where overdue-review digests go for a course without an escalation address (None: not sent)."""
    return proctoring_settings().get("OVERDUE_REVIEW_EMAIL") or None


def retention_days(*, backend: str | None) -> dict[str, int | None]:
    """Days each retention category is kept for attempts of `backend`: the defaults, then the global
    ``RETENTION_DAYS["DEFAULT"]``, then the backend's own entry."""
    configured = proctoring_settings().get("RETENTION_DAYS") or {}
    if not isinstance(configured, dict):
        raise ImproperlyConfigured("PROCTORING_SETTINGS['RETENTION_DAYS'] must be a dict.")
    days = dict(DEFAULT_RETENTION_DAYS)
    for layer_name in ("DEFAULT", backend or ""):
        layer = configured.get(layer_name) or {}
        if not isinstance(layer, dict):
            raise ImproperlyConfigured(f"PROCTORING_SETTINGS['RETENTION_DAYS'][{layer_name!r}] must be a dict.")
        for category, value in layer.items():
            if category not in RETENTION_CATEGORIES:
                raise ImproperlyConfigured(
                    f"Unknown retention category {category!r}; known: {', '.join(RETENTION_CATEGORIES)}."
                )
            if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < 0):
                raise ImproperlyConfigured(
                    f"PROCTORING_SETTINGS['RETENTION_DAYS'][{layer_name!r}][{category!r}] must be a whole number "
                    f"of days or None, not {value!r}."
                )
            days[category] = value
    return days


def vendor_call_log_max_rows() -> int:
    """The most rows the vendor call log keeps (the oldest go first), whatever their age."""
    value = proctoring_settings().get("VENDOR_CALL_LOG_MAX_ROWS", DEFAULT_VENDOR_CALL_LOG_MAX_ROWS)
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ImproperlyConfigured(f"PROCTORING_SETTINGS['VENDOR_CALL_LOG_MAX_ROWS'] must be 1 or more, not {value!r}.")
    return value


DEFAULT_STAFF_LIST_SNAPSHOT_SECONDS = 120


def staff_list_snapshot_seconds() -> int:
    """How long a staff list may reuse its snapshot of the host's learner roster (0: read it every page).

    A large course's roster is costly to read in order, so it is read once and its ids are kept in the default
    cache this long; a learner who enrolls meanwhile shows up when the snapshot expires.
    """
    value = proctoring_settings().get("STAFF_LIST_SNAPSHOT_SECONDS", DEFAULT_STAFF_LIST_SNAPSHOT_SECONDS)
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ImproperlyConfigured(
            f"PROCTORING_SETTINGS['STAFF_LIST_SNAPSHOT_SECONDS'] must be a whole number of seconds, not {value!r}."
        )
    return value
