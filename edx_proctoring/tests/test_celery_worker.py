"""The sweep on a real Celery worker: sent through the local Redis broker as beat would send it."""

from __future__ import annotations

import time
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
    from celery.contrib.testing.worker import start_worker  # only when Redis is there

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
    # The vendor's stop call follows in the task the sweep's batch queued as it committed.
    deadline = time.monotonic() + 30
    while not test_backend.stopped_attempts and time.monotonic() < deadline:
        time.sleep(0.05)
    assert len(test_backend.stopped_attempts) == 1
    assert len(host_services["instructor"].completed_attempts) == 1


def test_the_overdue_review_entry_on_a_worker_verifies_a_review_the_vendor_dropped(worker, host_services, settings):
    from edx_proctoring.mock_vendor import MockVendor
    from edx_proctoring.mock_vendor.state import FAULT_DROP_CALLBACKS
    from edx_proctoring.tests.factories import ProctoredExamFactory
    from edx_proctoring.tests.vendors.conftest import configure_backend

    with MockVendor(hold_callbacks=True, callback_retries=0) as vendor:
        configure_backend(settings, vendor)
        exam = ProctoredExamFactory(backend="mock_vendor", external_id="worker-exam")
        vendor_attempt = vendor.state.create_attempt(exam.external_id, {"user_id": "1"})
        vendor.state.set_attempt_status(vendor_attempt, "submitted")
        vendor.attempt_status_changed(vendor_attempt, "submitted")
        vendor.set_fault(FAULT_DROP_CALLBACKS, scope="all")
        assert vendor.deliver_callbacks()[0].dropped
        attempt = AttemptFactory(
            proctored_exam=exam,
            external_id=vendor_attempt.id,
            status=Status.submitted,
            completed_at=now() - timedelta(days=4),
        )
        entry = BEAT_SCHEDULE["edx_proctoring.chase_overdue_reviews"]

        result = app.send_task(entry["task"], queue=QUEUE)

        assert result.get(timeout=60)["applied"] == 1
    assert ProctoredExamStudentAttempt.objects.get(id=attempt.id).status == Status.verified
