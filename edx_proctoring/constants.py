"""Constants of the proctoring app.

Historic code reads settings-derived values such as ``constants.SITE_NAME`` as module attributes. They
are computed on access (module ``__getattr__``) so they always reflect the current settings.
"""

from datetime import UTC, datetime

from edx_proctoring import config

# The sentinel `update_exam` uses to tell "due_date not given" from "clear the due date".
MINIMUM_TIME = datetime.fromtimestamp(0, UTC)

VERIFICATION_DAYS_VALID = 365
PING_FAILURE_PASSTHROUGH_TEMPLATE = "edx_proctoring.{}_ping_failure_passthrough"
TIME_MULTIPLIER = "time_multiplier"
ONBOARDING_PROFILE_INSTRUCTOR_DASHBOARD_API = "edx_proctoring.onboarding_profile_instructor_dashboard_api"
REDS_API_REDIRECT = "edx_proctoring.reds_api_redirect"

_LAZY = {
    "SITE_NAME": config.site_name,
    "PLATFORM_NAME": config.platform_name,
    "FROM_EMAIL": config.from_email,
    "DEFAULT_CONTACT_EMAIL": config.default_contact_email,
    "ALLOW_REVIEW_UPDATES": lambda: config.proctoring_setting("ALLOW_REVIEW_UPDATES"),
    "DEFAULT_SOFTWARE_SECURE_REVIEW_POLICY": lambda: config.proctoring_setting("DEFAULT_REVIEW_POLICY"),
    "REQUIRE_FAILURE_SECOND_REVIEWS": lambda: config.proctoring_setting("REQUIRE_FAILURE_SECOND_REVIEWS"),
    "SOFTWARE_SECURE_CLIENT_TIMEOUT": lambda: config.proctoring_setting("SOFTWARE_SECURE_CLIENT_TIMEOUT"),
    "SOFTWARE_SECURE_SHUT_DOWN_GRACEPERIOD": lambda: config.proctoring_setting("SOFTWARE_SECURE_SHUT_DOWN_GRACEPERIOD"),
    "DEFAULT_DESKTOP_APPLICATION_PING_INTERVAL_SECONDS": lambda: config.proctoring_setting(
        "DESKTOP_APPLICATION_PING_INTERVAL_SECONDS"
    ),
    "ONBOARDING_PROFILE_API": lambda: config.proctoring_setting("USE_ONBOARDING_PROFILE_API"),
    "CONTENT_VIEWABLE_PAST_DUE_DATE": config.content_viewable_past_due,
}


def __getattr__(name):
    try:
        return _LAZY[name]()
    except KeyError:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}") from None
