"""Settings for running this app's own test suite (`make test`).

The database comes from the DB environment variable: sqlite (default), mysql or postgres, with the
connection details of the local servers overridable through DB_HOST, DB_PORT, DB_USER, DB_PASSWORD, DB_NAME.
"""

import os

SECRET_KEY = "test-only-secret-key"
DEBUG = False
USE_TZ = True
TIME_ZONE = "UTC"
SITE_ID = 1
SITE_NAME = "localhost:8000"
PLATFORM_NAME = "Open edX"
CONTACT_EMAIL = "contact@example.org"
TECH_SUPPORT_EMAIL = "support@example.org"
DEFAULT_FROM_EMAIL = "no-reply@example.org"
LMS_ROOT_URL = "http://localhost:8000"
LEARNING_MICROFRONTEND_URL = "http://learning.localhost:2000"
HTTPS = "off"
DEFAULT_AUTO_FIELD = "django.db.models.AutoField"
PROCTORING_USER_OBFUSCATION_KEY = "test-obfuscation-key"
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"

COURSE_KEY_PATTERN = r"(?P<course_key_string>[^/+]+(/|\+)[^/+]+(/|\+)[^/?]+)"
COURSE_ID_PATTERN = COURSE_KEY_PATTERN.replace("course_key_string", "course_id")

_DB = os.environ.get("DB", "sqlite").lower()
if _DB == "mysql":
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.mysql",
            "NAME": os.environ.get("DB_NAME", "test"),
            "USER": os.environ.get("DB_USER", "root"),
            "PASSWORD": os.environ.get("DB_PASSWORD", ""),
            "HOST": os.environ.get("DB_HOST", "127.0.0.1"),
            "PORT": os.environ.get("DB_PORT", "3306"),
            "OPTIONS": {"charset": "utf8mb4"},
            "TEST": {"NAME": os.environ.get("DB_TEST_NAME", "test_edx_proctoring"), "CHARSET": "utf8mb4"},
        }
    }
elif _DB == "postgres":
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": os.environ.get("DB_NAME", "test"),
            "USER": os.environ.get("DB_USER", "postgres"),
            "PASSWORD": os.environ.get("DB_PASSWORD", ""),
            "HOST": os.environ.get("DB_HOST", "127.0.0.1"),
            "PORT": os.environ.get("DB_PORT", "5432"),
            "TEST": {"NAME": os.environ.get("DB_TEST_NAME", "test_edx_proctoring")},
        }
    }
else:
    DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}}

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
]

MIDDLEWARE = [
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "crum.CurrentRequestUserMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
]

AUTHENTICATION_BACKENDS = [
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]

ROOT_URLCONF = "test_urls"
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
            ]
        },
    }
]

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

PROCTORING_SETTINGS = {
    "LINK_URLS": {
        "contact_us": "http://localhost:8000/contact",
        "faq": "http://localhost:8000/faq",
        "online_proctoring_rules": "http://localhost:8000/rules",
        "tech_requirements": "http://localhost:8000/tech",
    },
}

PROCTORING_BACKENDS = {
    "DEFAULT": "mock",
    "mock": {},
    "mock_proctoring_without_rules": {},
    "null": {},
    "test": {},
    "software_secure": {
        "secret_key_id": "foo",
        "secret_key": "4B230FA45A6EC0A1",
        "crypto_key": "123456789123456712345678",
        "exam_register_endpoint": "http://127.0.0.1:9/register",
        "organization": "edX",
        "exam_sponsor": "edX LMS",
        "software_download_url": "http://example.org/download",
        "send_email": True,
        "video_review_aes_key": "B886E0ACE9E5EE8E1AD15FDFB2187F4C",
        # PSI's review callback is refused unless authenticated (system check edx_proctoring.E001).
        "callback_token": "test-psi-review-callback-token-0123456789",
    },
}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["rest_framework.authentication.SessionAuthentication"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
}
# The OpenAPI schema of the proctoring API is open to everyone here (staff only by default).
PROCTORING_OPEN_API_SCHEMA = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"null": {"class": "logging.NullHandler"}},
    "root": {"handlers": ["null"], "level": "WARNING"},
}
