"""The host's Celery app of the load test: Redis broker, late acknowledgement, tasks of edx_proctoring.

Imported by the WSGI module (so the web processes send to it) and run by `celery -A loadtest.celery_app`.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "loadtest.settings")

import django

django.setup()

from django.conf import settings  # noqa: E402

import edx_proctoring.tasks  # noqa: E402, F401 - registers the shared tasks, as the host's autodiscovery would

QUEUE = "edx_proctoring_loadtest"

app = Celery("edx_proctoring_loadtest")
app.conf.update(
    broker_url=settings.CELERY_BROKER_URL,
    task_default_queue=QUEUE,
    task_always_eager=False,
    # A task is acknowledged once done: a worker killed mid-task leaves it to be delivered again.
    task_acks_late=True,
    task_reject_on_worker_lost=True,
    worker_prefetch_multiplier=1,
    # Redis redelivers an unacknowledged task after this many seconds (the worker restarts well before).
    broker_transport_options={"visibility_timeout": 30},
    broker_connection_retry_on_startup=True,
    worker_hijack_root_logger=False,
    task_ignore_result=True,
)
app.set_default()
