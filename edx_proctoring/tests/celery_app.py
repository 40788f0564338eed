"""A Celery app for the tests only: the app defines tasks, the host (edx-platform) owns the real Celery app.

The broker and result backend are the local Redis (``CELERY_TEST_REDIS_URL``, default database 15), and
each test run uses its own queue so parallel runs on one Redis cannot take each other's tasks.
"""

from __future__ import annotations

import os
import socket
import uuid
from urllib.parse import urlparse

from celery import Celery

import edx_proctoring.tasks  # noqa: F401 - registers the shared tasks, as the host's autodiscovery would

REDIS_URL = os.environ.get("CELERY_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
QUEUE = f"edx_proctoring_tests_{uuid.uuid4().hex[:12]}"

# What an operator adds to the host's settings (README, "Expiring overdue attempts").
BEAT_SCHEDULE = {
    "edx_proctoring.expire_overdue_attempts": {
        "task": "edx_proctoring.tasks.expire_overdue_attempts",
        "schedule": 60.0,
    },
    # README, "Operating it".
    "edx_proctoring.chase_overdue_reviews": {"task": "edx_proctoring.tasks.chase_overdue_reviews", "schedule": 3600.0},
    "edx_proctoring.send_overdue_review_digests": {
        "task": "edx_proctoring.tasks.send_overdue_review_digests",
        "schedule": 86400.0,
    },
    "edx_proctoring.purge_expired_data": {"task": "edx_proctoring.tasks.purge_expired_data", "schedule": 86400.0},
}

app = Celery("edx_proctoring_tests")
app.conf.update(
    broker_url=REDIS_URL,
    result_backend=REDIS_URL,
    task_default_queue=QUEUE,
    task_always_eager=False,
    beat_schedule=BEAT_SCHEDULE,
    broker_connection_retry_on_startup=False,
    worker_hijack_root_logger=False,
)


def redis_is_reachable(*, timeout: float = 1.0) -> bool:
    url = urlparse(REDIS_URL)
    try:
        socket.create_connection((url.hostname or "127.0.0.1", url.port or 6379), timeout=timeout).close()
    except OSError:
        return False
    return True
