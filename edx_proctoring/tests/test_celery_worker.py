"""The sweep on a real Celery worker: sent through the local Redis broker as beat would send it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from celery import signals
from django.db import connection

from edx_proctoring.models import ProctoredExamStudentAttempt
from edx_proctoring.statuses import ProctoredExamStudentAttemptStatus as Status
from edx_proctoring.tests.celery_app import BEAT_SCHEDULE, QUEUE, REDIS_URL, app, redis_is_reachable
from edx_proctoring.tests.factories import AttemptFactory, UserFactory
from edx_proctoring.timing import now

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def worker():
    """A worker thread consuming this run's queue on Redis; it closes its DB connection after each task."""
    if not redis_is_reachable():
        pytest.skip(f"no Redis broker answers at {REDIS_URL}")
    from celery.contrib.testing.worker import start_worker  # noqa: PLC0415 - only when Redis is there

    def _close_db(**_kwargs):
        connection.close()

    signals.task_postrun.connect(_close_db, weak=False, dispatch_uid="edx-proctoring-test-close-db")
    try:
        with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10) as started:
            yield started
    finally:
        signals.task_postrun.disconnect(dispatch_uid="edx-proctoring-test-close-db")


def test_beat_entry_sent_through_redis_submits_an_expired_attempt(worker, host_services, test_backend):
    started_at = now() - timedelta(minutes=90)
    expired = AttemptFactory(status=Status.started, started_at=started_at, allowed_time_limit_mins=60)
    running = AttemptFactory(user=UserFactory(), status=Status.started, started_at=now(), allowed_time_limit_mins=60)
    entry = BEAT_SCHEDULE["edx_proctoring.expire_overdue_attempts"]

    # What beat does at each tick: send the entry's task by name to the broker.
    result = app.send_task(entry["task"], args=entry.get("args", ()), kwargs=entry.get("kwargs", {}), queue=QUEUE)

    assert result.get(timeout=60) == 1
    expired = ProctoredExamStudentAttempt.objects.get(id=expired.id)
    assert expired.status == Status.submitted
    assert expired.completed_at == started_at + timedelta(minutes=60)
    assert ProctoredExamStudentAttempt.objects.get(id=running.id).status == Status.started
    assert len(test_backend.stopped_attempts) == 1
