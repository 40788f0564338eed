"""WSGI entry of the load test's gunicorn processes (the Celery app first, so tasks go to Redis)."""

from django.core.wsgi import get_wsgi_application

import loadtest.celery_app  # noqa: F401

application = get_wsgi_application()
