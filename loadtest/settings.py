"""Settings of `make loadtest`: the demo site served by gunicorn on PostgreSQL, tasks through Redis to Celery.

The demo's settings as they are, with the production-like parts the load test needs instead of the demo's
conveniences: PostgreSQL instead of SQLite, a real Celery app with late acknowledgement (a task a killed
worker had taken is delivered again), no debug, and the demo's files under LOADTEST_VAR_DIR.
"""

import os

os.environ.setdefault("DEMO_VAR_DIR", os.environ.get("LOADTEST_VAR_DIR", "/tmp/edx_proctoring_loadtest"))
os.environ.setdefault("DEMO_DEBUG", "0")

from demo.settings import *  # noqa: F403

DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": os.environ.get("LOADTEST_DB_NAME", "loadtest_edx_proctoring"),
        "USER": os.environ.get("DB_USER", "postgres"),
        "PASSWORD": os.environ.get("DB_PASSWORD", ""),
        "HOST": os.environ.get("DB_HOST", "127.0.0.1"),
        "PORT": os.environ.get("DB_PORT", "5432"),
        # Each gunicorn thread keeps its connection between requests, as a production site would.
        "CONN_MAX_AGE": 60,
    }
}

CELERY_BROKER_URL = os.environ.get("LOADTEST_REDIS_URL", "redis://127.0.0.1:6379/14")
# The learners' cookies are made before the measured phase (password hashing is the host's cost).
SESSION_ENGINE = "django.contrib.sessions.backends.db"
LOGGING["root"]["level"] = "ERROR"  # noqa: F405
LOGGING["loggers"]["edx_proctoring"]["level"] = "WARNING"  # noqa: F405
