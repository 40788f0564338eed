"""Two expiry sweeps at once (say beat fired twice, or two workers took the same tick): each attempt once."""

from __future__ import annotations

from datetime import timedelta

import pytest
from celery import _state as celery_state
from celery import current_app
from django.core import mail

from edx_proctoring.attempts.actions import Actor
from edx_proctoring.attempts.expiry import expire_attempts_if_overdue
from edx_proctoring.attempts.lifecycle import perform_action
from edx_proctoring.models import ProctoredExamStudentAttempt
from edx_proctoring.statuses import ProctoredExamStudentAttemptStatus as Status
from edx_proctoring.tasks import expire_overdue_attempts
from edx_proctoring.tests.concurrency.conftest import race, times
from edx_proctoring.tests.factories import AttemptFactory, ProctoredExamFactory, UserFactory
from edx_proctoring.timing import now

pytestmark = [pytest.mark.concurrency, pytest.mark.django_db(transaction=True)]

OVERDUE = 40


@pytest.fixture(autouse=True)
def _eager_celery():
    """The tasks each committed batch queues (vendor, instructor, email) run at once, in the sweeping thread.

    Celery's current app is per thread: the racing threads see the default app, the main thread the test
    suite's Redis app once tests/celery_app.py is imported. Every app is made eager, or the threads' tasks
    would go to a broker and never run.
    """
    apps = {current_app._get_current_object(), *celery_state._get_active_apps()}
    saved = {app: app.conf.task_always_eager for app in apps}
    for app in apps:
        app.conf.task_always_eager = True
    yield
    for app, eager in saved.items():
        app.conf.task_always_eager = eager


def _overdue_attempts(exam, count: int):
    started_at = now() - timedelta(hours=2)
    return [
        AttemptFactory(
            proctored_exam=exam,
            user=UserFactory(),
            status=Status.started,
            started_at=started_at,
            allowed_time_limit_mins=60,
        )
        for _ in range(count)
    ]


def test_concurrent_sweeps_expire_each_overdue_attempt_exactly_once(host_services, test_backend):
    exam = ProctoredExamFactory()
    started_at = now() - timedelta(hours=2)
    attempts = [
        AttemptFactory(
            proctored_exam=exam,
            user=UserFactory(),
            status=Status.started,
            started_at=started_at,
            allowed_time_limit_mins=60,
        )
        for _ in range(OVERDUE)
    ]

    outcome = race(*times(lambda: expire_overdue_attempts(batch_size=7), 4))

    assert outcome.errors == []
    assert sum(outcome.results) == OVERDUE
    rows = ProctoredExamStudentAttempt.objects.filter(id__in=[a.id for a in attempts])
    assert {(row.status, row.completed_at) for row in rows} == {(Status.submitted, started_at + timedelta(minutes=60))}
    assert len(test_backend.stopped_attempts) == OVERDUE
    assert len(host_services["instructor"].completed_attempts) == OVERDUE
    assert len(mail.outbox) == OVERDUE


def test_learners_submitting_while_sweep_batches_run_are_each_submitted_once(host_services, test_backend):
    # The row lock decides: a learner's submit and the sweep's batch never both move an attempt.
    exam = ProctoredExamFactory()
    attempts = _overdue_attempts(exam, OVERDUE)
    ids = [a.id for a in attempts]

    def submit(attempt_id):
        return lambda: perform_action(action="submit", actor=Actor.learner, attempt_id=attempt_id)

    def sweep_batch(batch):
        return lambda: len(expire_attempts_if_overdue(attempt_ids=batch, as_of=now()))

    outcome = race(*(submit(i) for i in ids[::3]), *(sweep_batch(ids[n : n + 10]) for n in range(0, OVERDUE, 10)))

    assert outcome.errors == []
    # Rows a learner held were skipped by the batch and left for the next sweep: nothing is moved twice.
    left = expire_overdue_attempts()
    rows = ProctoredExamStudentAttempt.objects.filter(id__in=ids)
    assert {row.status for row in rows} == {Status.submitted}
    for attempt_id in ids:
        submitted = ProctoredExamStudentAttempt.history.filter(id=attempt_id, status=Status.submitted).count()
        assert submitted == 1, f"attempt {attempt_id} was submitted {submitted} times"
    stopped = [external_id for _, external_id in test_backend.stopped_attempts]
    assert sorted(stopped) == sorted(a.external_id for a in attempts)
    assert len(host_services["instructor"].completed_attempts) == OVERDUE
    assert len(mail.outbox) == OVERDUE
    assert left <= OVERDUE
