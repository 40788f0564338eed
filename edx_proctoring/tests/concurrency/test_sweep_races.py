"""Two expiry sweeps at once (say beat fired twice, or two workers took the same tick): each attempt once."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail

from edx_proctoring.models import ProctoredExamStudentAttempt
from edx_proctoring.statuses import ProctoredExamStudentAttemptStatus as Status
from edx_proctoring.tasks import expire_overdue_attempts
from edx_proctoring.tests.concurrency.conftest import race, times
from edx_proctoring.tests.factories import AttemptFactory, ProctoredExamFactory, UserFactory
from edx_proctoring.timing import now

pytestmark = [pytest.mark.concurrency, pytest.mark.django_db(transaction=True)]

OVERDUE = 40


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
