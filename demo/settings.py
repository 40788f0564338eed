"""Settings of the demo site: a small stand-in for the LMS hosting edx_proctoring (`make demo`).

Everything it writes (the SQLite database, the emails it "sends") lives under ``demo/var/`` (ignored by
git) unless ``DEMO_VAR_DIR`` points elsewhere, as the browser tests do. ``DEMO_PORT`` and
``DEMO_VENDOR_PORT`` say where the site and the mock vendor listen; ``demo/run.py`` sets them.
"""

import os
from pathlib import Path

from demo.vendor_jwt import SIGNING_KEY_ID, public_jwk_set, signing_key_pem, vendor_callback_jwt_auth

BASE_DIR = Path(__file__).resolve().parent
VAR_DIR = Path(os.environ.get("DEMO_VAR_DIR") or BASE_DIR / "var")
VAR_DIR.mkdir(parents=True, exist_ok=True)

DEMO_PORT = int(os.environ.get("DEMO_PORT", "8000"))
DEMO_VENDOR_PORT = int(os.environ.get("DEMO_VENDOR_PORT", "11136"))

SECRET_KEY = "demo-only-secret-key-never-use-in-production"  # a local demo
DEBUG = os.environ.get("DEMO_DEBUG", "1") == "1"
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
USE_TZ = True
TIME_ZONE = "UTC"
USE_I18N = True
LANGUAGE_CODE = "en"
# The language switch in the page header: English and every language edx_proctoring ships (Open edX codes).
LANGUAGES = [
    ("en", "English"),
    ("es-419", "Español (Latinoamérica)"),
    ("fr", "Français"),
    ("ar", "العربية"),
    ("zh-cn", "中文 (简体)"),
    ("pt-br", "Português (Brasil)"),
    ("ru", "Русский"),
    ("de-de", "Deutsch"),
    ("ja-jp", "日本語"),
    ("tr-tr", "Türkçe"),
    ("hi", "हिन्दी"),
]
LANGUAGES_BIDI = ["ar"]
SITE_ID = 1
DEFAULT_AUTO_FIELD = "django.db.models.AutoField"

LMS_ROOT_URL = f"http://127.0.0.1:{DEMO_PORT}"
SITE_NAME = f"127.0.0.1:{DEMO_PORT}"
HTTPS = "off"
PLATFORM_NAME = "Proctoring Demo"
CONTACT_EMAIL = "contact@demo.example.org"
TECH_SUPPORT_EMAIL = "support@demo.example.org"
DEFAULT_FROM_EMAIL = "no-reply@demo.example.org"
# The learning MFE is not part of the demo: its links point at the demo's own course pages.
LEARNING_MICROFRONTEND_URL = f"{LMS_ROOT_URL}/learning"
PROCTORING_USER_OBFUSCATION_KEY = "demo-obfuscation-key"

COURSE_KEY_PATTERN = r"(?P<course_key_string>[^/+]+(/|\+)[^/+]+(/|\+)[^/?]+)"
COURSE_ID_PATTERN = COURSE_KEY_PATTERN.replace("course_key_string", "course_id")

DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": str(VAR_DIR / "demo.sqlite3"),
        # Several browser requests (and the vendor's callbacks) may write at once.
        "OPTIONS": {"timeout": 20},
    }
}

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "drf_spectacular",
    "simple_history",
    "waffle",
    "edx_when",
    "edx_proctoring",
    "demo.app",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "crum.CurrentRequestUserMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "demo.app.middleware.DemoErrorPagesMiddleware",
]

# edx-platform consults django-rules for object permissions (edx_proctoring.can_take_proctored_exam).
AUTHENTICATION_BACKENDS = [
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]

ROOT_URLCONF = "demo.urls"
LOGIN_URL = "/login/"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/login/"
STATIC_URL = "/static/"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "demo.app.views.demo_context",
            ]
        },
    }
]

# Emails are written one file per message into the outbox folder; the /outbox/ page lists them.
EMAIL_BACKEND = "demo.app.mail.OutboxEmailBackend"
EMAIL_FILE_PATH = str(VAR_DIR / "outbox")

PROCTORING_SETTINGS = {
    "LINK_URLS": {
        "contact_us": f"{LMS_ROOT_URL}/help/",
        "faq": f"{LMS_ROOT_URL}/help/",
        "online_proctoring_rules": f"{LMS_ROOT_URL}/help/",
        "tech_requirements": f"{LMS_ROOT_URL}/help/",
    },
}

# The proctored and onboarding exams use the bundled mock vendor; the practice exam uses the `mock`
# backend (ready at once, no onboarding); `null` is there for exams without a vendor.
PROCTORING_BACKENDS = {
    "DEFAULT": "mock_vendor",
    "mock_vendor": {
        "base_url": f"http://127.0.0.1:{DEMO_VENDOR_PORT}",
        "client_id": "mock-vendor-client",
        "client_secret": "mock-vendor-secret-not-for-production-use",
        "timeout": 5,
    },
    "mock": {},
    "null": {},
    # The LTI-proctored course (seed_demo --lti, run.py --lti) sends its exam to the mock LTI tool.
    "lti_proctoring": {},
}
# Where run.py --lti starts the mock LTI proctoring tool (python -m edx_proctoring.mock_vendor --lti-tool).
DEMO_LTI_TOOL_PORT = int(os.environ.get("DEMO_LTI_TOOL_PORT", "11138"))

# The mock vendor calls the site back as the LMS user DEMO_VENDOR_USERNAME (a member of the group
# mock_vendor_review) with RS512 JWTs signed by the demo's private key, standing in for the tokens an
# LMS's OAuth2 provider issues; JWT_AUTH is what the README's operator notes ask of a production host.
DEMO_VENDOR_USERNAME = "mock-vendor"
DEMO_JWT_SECRET = "demo-jwt-secret-for-the-local-demo-only"  # a local demo
DEMO_JWT_ISSUER = f"{LMS_ROOT_URL}/oauth2"
DEMO_JWT_AUDIENCE = "demo-lms"
DEMO_JWT_PRIVATE_KEY_FILE = VAR_DIR / "jwt-signing-key.pem"
DEMO_JWT_KEY_ID = SIGNING_KEY_ID
JWT_AUTH = vendor_callback_jwt_auth(
    issuer=DEMO_JWT_ISSUER,
    audience=DEMO_JWT_AUDIENCE,
    secret_key=DEMO_JWT_SECRET,
    public_jwk_set=public_jwk_set(private_pem=signing_key_pem(path=DEMO_JWT_PRIVATE_KEY_FILE)),
)

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["rest_framework.authentication.SessionAuthentication"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
}
PROCTORING_OPEN_API_SCHEMA = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {
        "edx_proctoring": {"level": "INFO"},
        # No event-tracking backend is configured: the dropped-event warnings would drown the log.
        "edx_proctoring.events": {"level": "ERROR"},
        "demo": {"level": "INFO"},
        # A 403 or 404 is an answer, not a fault: the server's request line ("GET /… 403") says enough, so
        # only 5xx tracebacks are printed.
        "django.request": {"level": "ERROR"},
    },
}
# No monitoring backend (edx-django-utils would otherwise look for New Relic).
OPENEDX_TELEMETRY = []
