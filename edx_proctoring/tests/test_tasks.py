"""Celery tasks: the overdue-attempt sweep and the retried vendor notifications and learner emails."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

import pytest
from celery import current_app
from django.core import mail
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from edx_proctoring.attempts import expiry
from edx_proctoring.attempts.expiry import expire_attempt_if_overdue
from edx_proctoring.attempts.lifecycle import update_attempt_status
from edx_proctoring.models import ProctoredExamStudentAttempt
from edx_proctoring.statuses import ProctoredExamStudentAttemptStatus as Status
from edx_proctoring.tasks import (
    expire_overdue_attempts,
    notify_backend_of_status,
    send_status_email,
)
from edx_proctoring.tests.factories import AttemptFactory, TimedExamFactory, UserFactory
from edx_proctoring.timing import now

pytestmark = pytest.mark.django_db

ASYNC = {"ASYNC_NOTIFICATIONS": True}


@pytest.fixture
def eager_celery():
    """Tasks queued with .delay() run at once, in the test's thread, retries included (eagerly, without waiting)."""
    conf = current_app.conf
    saved = (conf.task_always_eager, conf.task_eager_propagates)
    conf.task_always_eager, conf.task_eager_propagates = True, False
    yield current_app
    conf.task_always_eager, conf.task_eager_propagates = saved


@pytest.fixture
def sweep(eager_celery, django_capture_on_commit_callbacks):
    """The sweep as it runs in production: each batch commits, then the tasks it queued run (eagerly here)."""

    def _sweep(**kwargs) -> int:
        with django_capture_on_commit_callbacks(execute=True):
            return expire_overdue_attempts(**kwargs)

    return _sweep


def _overdue(**kwargs) -> ProctoredExamStudentAttempt:
    kwargs.setdefault("status", Status.started)
    return AttemptFactory(started_at=now() - timedelta(minutes=90), allowed_time_limit_mins=60, **kwargs)


def _reload(attempt) -> ProctoredExamStudentAttempt:
    return ProctoredExamStudentAttempt.objects.get(id=attempt.id)


# --- the sweep -----------------------------------------------------------------------------------------


def test_sweep_submits_overdue_attempts_as_of_their_deadline(host_services, test_backend, sweep):
    started = _overdue()
    ready_to_submit = _overdue(status=Status.ready_to_submit)

    assert sweep() == 2

    for attempt in (started, ready_to_submit):
        reloaded = _reload(attempt)
        assert reloaded.status == Status.submitted
        assert reloaded.completed_at == attempt.started_at + timedelta(minutes=60)
    assert len(test_backend.stopped_attempts) == 2
    assert len(host_services["instructor"].completed_attempts) == 2


def test_sweep_leaves_running_unstarted_and_finished_attempts_alone(test_backend):
    running = AttemptFactory(
        status=Status.started, started_at=now() - timedelta(minutes=10), allowed_time_limit_mins=60
    )
    not_started = AttemptFactory(status=Status.ready_to_start)
    finished = _overdue(status=Status.verified)
    errored = _overdue(status=Status.error)

    assert expire_overdue_attempts() == 0

    assert [_reload(a).status for a in (running, not_started, finished, errored)] == [
        Status.started,
        Status.ready_to_start,
        Status.verified,
        Status.error,
    ]
    assert test_backend.stopped_attempts == []


def test_sweep_expires_an_attempt_only_strictly_after_its_deadline(time_machine):
    started_at = now() - timedelta(minutes=60)
    time_machine.move_to(started_at + timedelta(minutes=60), tick=False)
    attempt = AttemptFactory(status=Status.started, started_at=started_at, allowed_time_limit_mins=60)
    assert expire_overdue_attempts() == 0
    time_machine.move_to(started_at + timedelta(minutes=60, seconds=1), tick=False)
    assert expire_overdue_attempts() == 1
    assert _reload(attempt).status == Status.submitted


def test_running_the_sweep_again_changes_and_repeats_nothing(host_services, test_backend, sweep):
    attempt = _overdue()
    assert sweep() == 1
    completed_at = _reload(attempt).completed_at

    assert sweep() == 0

    assert _reload(attempt).completed_at == completed_at
    assert len(test_backend.stopped_attempts) == 1
    assert len(mail.outbox) == 1


def test_expiring_an_attempt_that_moved_on_meanwhile_does_nothing(test_backend):
    attempt = _overdue()
    update_attempt_status(attempt.id, Status.submitted)
    assert expire_attempt_if_overdue(attempt_id=attempt.id, as_of=now()) is False
    assert len(test_backend.stopped_attempts) == 1


@override_settings(PROCTORING_SETTINGS={"ALLOW_TIMED_OUT_STATE": True})
def test_sweep_stores_timed_out_when_the_platform_allows_that_state():
    attempt = _overdue()
    assert expire_overdue_attempts() == 1
    assert _reload(attempt).status == Status.timed_out


def test_sweep_reads_attempts_in_batches_by_id(host_services):
    attempts = [_overdue(user=UserFactory()) for _ in range(5)]
    AttemptFactory(status=Status.started, started_at=now(), allowed_time_limit_mins=60)

    with CaptureQueriesContext(connection) as queries:
        assert expire_overdue_attempts(batch_size=2) == 5

    # Keyset pages of at most two rows: three full or partial pages and the empty one that ends the scan.
    pages = [q["sql"] for q in queries.captured_queries if "LIMIT 2" in q["sql"] and "FOR UPDATE" not in q["sql"]]
    assert len(pages) == 4
    assert {_reload(a).status for a in attempts} == {Status.submitted}


def test_a_vendor_failure_on_one_attempt_is_retried_by_celery_and_blocks_no_one(test_backend, monkeypatch, sweep):
    # Adapted: the stop call used to run inside the attempt's transaction (a failure rolled the attempt back
    # for the next sweep); it now follows the commit in a task, and a failing call is retried on its own.
    failing = _overdue()
    other = _overdue(user=UserFactory())
    original_stop = test_backend.stop_exam_attempt
    calls = []

    def stop(exam_id, attempt_id):
        calls.append(attempt_id)
        if attempt_id == failing.external_id and calls.count(attempt_id) < 3:
            raise ConnectionError("vendor down")
        return original_stop(exam_id, attempt_id)

    monkeypatch.setattr(test_backend, "stop_exam_attempt", stop)

    assert sweep() == 2

    assert _reload(failing).status == Status.submitted
    assert _reload(other).status == Status.submitted
    assert calls.count(failing.external_id) == 3
    assert calls.count(other.external_id) == 1
    assert sorted(test_backend.stopped_attempts) == sorted(
        [
            (failing.proctored_exam.external_id, failing.external_id),
            (other.proctored_exam.external_id, other.external_id),
        ]
    )


def test_an_effect_failing_inside_a_batch_holds_back_only_its_own_attempt(status_signals, caplog):
    from edx_proctoring.signals import exam_attempt_status_signal

    failing = _overdue()
    others = [_overdue(user=UserFactory()) for _ in range(3)]

    def receiver(sender, attempt_id, **kwargs):
        if attempt_id == failing.id:
            raise RuntimeError("a host receiver failed")

    exam_attempt_status_signal.connect(receiver, dispatch_uid="test-failing-receiver")
    try:
        with caplog.at_level(logging.INFO, logger="edx_proctoring.tasks"):
            assert expire_overdue_attempts() == 3
    finally:
        exam_attempt_status_signal.disconnect(dispatch_uid="test-failing-receiver")

    assert _reload(failing).status == Status.started  # rolled back; the next sweep tries again
    assert {_reload(a).status for a in others} == {Status.submitted}
    assert "Expired 3 overdue attempts (1 failed" in caplog.text


def test_timed_exam_attempts_expire_too():
    attempt = _overdue(proctored_exam=TimedExamFactory(), taking_as_proctored=False)
    assert expire_overdue_attempts() == 1
    assert _reload(attempt).status == Status.submitted


# --- notifications through tasks -----------------------------------------------------------------------


def test_by_default_vendor_calls_and_emails_stay_inline(test_backend, django_capture_on_commit_callbacks):
    attempt = AttemptFactory(status=Status.started, started_at=now())
    with django_capture_on_commit_callbacks() as callbacks:
        update_attempt_status(attempt.id, Status.submitted)
    assert callbacks == []
    assert len(test_backend.stopped_attempts) == 1
    assert len(mail.outbox) == 1


@override_settings(PROCTORING_SETTINGS=ASYNC)
def test_async_notifications_run_after_the_commit(
    eager_celery, host_services, test_backend, django_capture_on_commit_callbacks
):
    attempt = AttemptFactory(status=Status.ready_to_start)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        update_attempt_status(attempt.id, Status.started)
        assert test_backend.started_attempts == []  # not before the commit
    assert len(callbacks) == 1
    exam = attempt.proctored_exam
    assert test_backend.started_attempts == [(exam.external_id, attempt.external_id)]

    with django_capture_on_commit_callbacks(execute=True):
        update_attempt_status(attempt.id, Status.submitted)
    assert test_backend.stopped_attempts == [(exam.external_id, attempt.external_id)]
    assert [m.subject for m in mail.outbox] == ["Proctoring attempt submitted"]

    with django_capture_on_commit_callbacks(execute=True):
        update_attempt_status(attempt.id, Status.error)
    assert test_backend.errored_attempts == [(exam.external_id, attempt.external_id)]


@override_settings(PROCTORING_SETTINGS=ASYNC)
def test_async_vendor_failures_are_retried_and_never_undo_the_change(
    eager_celery, test_backend, monkeypatch, django_capture_on_commit_callbacks
):
    attempt = AttemptFactory(status=Status.started, started_at=now())
    calls = []

    def flaky_stop(exam_id, attempt_id):
        calls.append(attempt_id)
        if len(calls) < 3:
            raise ConnectionError("vendor down")

    monkeypatch.setattr(test_backend, "stop_exam_attempt", flaky_stop)
    with django_capture_on_commit_callbacks(execute=True):
        update_attempt_status(attempt.id, Status.submitted)

    assert _reload(attempt).status == Status.submitted
    assert calls == [attempt.external_id] * 3


@override_settings(PROCTORING_SETTINGS=ASYNC)
def test_async_mail_failures_are_retried(eager_celery, host_services, monkeypatch, django_capture_on_commit_callbacks):
    from django.core.mail.backends.locmem import EmailBackend

    attempt = AttemptFactory(status=Status.started, started_at=now())
    attempts_to_send = []
    original_send = EmailBackend.send_messages

    def flaky_send(self, messages):
        attempts_to_send.append(len(messages))
        if len(attempts_to_send) < 2:
            raise ConnectionRefusedError("SMTP down")
        return original_send(self, messages)

    monkeypatch.setattr(EmailBackend, "send_messages", flaky_send)
    with django_capture_on_commit_callbacks(execute=True):
        update_attempt_status(attempt.id, Status.submitted)

    assert _reload(attempt).status == Status.submitted
    assert len(attempts_to_send) == 2
    assert [m.subject for m in mail.outbox] == ["Proctoring attempt submitted"]


@override_settings(PROCTORING_SETTINGS=ASYNC)
def test_a_rolled_back_change_queues_nothing(
    eager_celery, host_services, test_backend, django_capture_on_commit_callbacks
):
    attempt = AttemptFactory(status=Status.started, started_at=now())
    host_services["credit"].set_credit_requirement_status = _raise
    with django_capture_on_commit_callbacks() as callbacks, pytest.raises(RuntimeError):
        update_attempt_status(attempt.id, Status.submitted)
    assert callbacks == []
    assert _reload(attempt).status == Status.started


def _raise(*args, **kwargs):
    raise RuntimeError("credit service down")


def test_the_email_task_describes_the_change_that_queued_it(host_services):
    attempt = AttemptFactory(status=Status.verified, started_at=now(), completed_at=now())
    assert send_status_email.apply(kwargs={"attempt_id": attempt.id, "status": Status.submitted}).get() is True
    assert [m.subject for m in mail.outbox] == ["Proctoring attempt submitted"]


def test_notification_tasks_for_a_deleted_attempt_do_nothing(test_backend):
    assert notify_backend_of_status.apply(kwargs={"attempt_id": 999999, "status": Status.submitted}).get() is False
    assert send_status_email.apply(kwargs={"attempt_id": 999999}).get() is False
    assert test_backend.stopped_attempts == []


# --- one bad row never stops the sweep (issue 9, finding 4) ---------------------------------------------


def test_a_row_whose_deadline_is_beyond_the_calendar_does_not_stop_the_sweep(test_backend):
    beyond = AttemptFactory(
        status=Status.started, started_at=datetime(9000, 1, 1, tzinfo=UTC), allowed_time_limit_mins=2**31 - 1
    )
    overdue = _overdue(user=UserFactory())
    assert beyond.id < overdue.id  # the sweep reaches the bad row first

    assert expire_overdue_attempts() == 1

    assert _reload(beyond).status == Status.started
    assert _reload(overdue).status == Status.submitted


def test_an_attempt_whose_deadline_cannot_be_computed_is_logged_counted_and_skipped(monkeypatch, caplog):
    broken = AttemptFactory(status=Status.started, started_at=now() - timedelta(minutes=90), allowed_time_limit_mins=61)
    overdue = _overdue(user=UserFactory())
    real_deadline_of = expiry.deadline_of

    def deadline_of(*, started_at, allowed_minutes, **clock_and_moment):
        if allowed_minutes == 61:
            raise ValueError("corrupt row")
        return real_deadline_of(started_at=started_at, allowed_minutes=allowed_minutes, **clock_and_moment)

    monkeypatch.setattr(expiry, "deadline_of", deadline_of)

    with caplog.at_level(logging.INFO, logger="edx_proctoring.tasks"):
        assert expire_overdue_attempts() == 1

    assert _reload(broken).status == Status.started
    assert _reload(overdue).status == Status.submitted
    assert any(f"attempt {broken.id}" in record.getMessage() for record in caplog.records)
    assert "Expired 1 overdue attempts (1 failed" in caplog.text


@pytest.mark.parametrize("batch_size", [0, -1, True, "500"])
def test_a_sweep_asked_for_batches_of_no_rows_is_refused_before_it_expires_anything(batch_size):
    # Given an overdue attempt
    attempt = _overdue()

    # When the sweep is scheduled with a batch size that cannot read rows, then it says so
    with pytest.raises(ValueError, match="batch_size"):
        expire_overdue_attempts(batch_size=batch_size)

    # And the attempt is left for a sweep that can
    assert _reload(attempt).status == Status.started
