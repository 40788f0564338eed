"""Staff extend (or pause) an attempt while the expiry sweep is timing it out: one consistent outcome.

The two are released together right at the attempt's deadline. Either the adjustment commits first and
the sweep, reading the clock under the attempt's row lock, finds time left; or the sweep submits the
attempt first (as of its original deadline) and the adjustment, asked under the same lock, is refused and
writes nothing; or the adjustment comes after the deadline and is refused (the time is up) while the sweep
came just before it, and the attempt is left for the next sweep. Never a submitted attempt with an
adjustment, never a running attempt with an adjustment and no time left.
"""

from __future__ import annotations

import time
from datetime import timedelta

import pytest

from edx_proctoring.attempts.actions import Actor
from edx_proctoring.attempts.expiry import expire_attempt_if_overdue
from edx_proctoring.attempts.lifecycle import adjust_attempt_time
from edx_proctoring.exceptions import ProctoredExamIllegalStatusTransition
from edx_proctoring.models import ProctoredExamStudentAttempt, ProctoredExamTimeAdjustment
from edx_proctoring.statuses import ProctoredExamStudentAttemptStatus as Status
from edx_proctoring.tests.concurrency.conftest import race
from edx_proctoring.tests.factories import AttemptFactory, ProctoredExamFactory, UserFactory
from edx_proctoring.timing import get_time_remaining_for_attempt, now

pytestmark = [pytest.mark.concurrency, pytest.mark.django_db(transaction=True)]

ROUNDS = 10
# How far ahead of the start of the race the deadline lies, per round: from just ahead to just behind.
DEADLINE_OFFSETS_MS = [400, 200, 100, 50, 25, 10, 0, -10, -25, -50]


def _attempt_due_in(exam, *, milliseconds: int):
    return AttemptFactory(
        proctored_exam=exam,
        user=UserFactory(),
        status=Status.started,
        started_at=now() - timedelta(minutes=60) + timedelta(milliseconds=milliseconds),
        allowed_time_limit_mins=60,
    )


@pytest.mark.parametrize("action,minutes", [("extend", 30), ("pause", 0)])
def test_an_adjustment_racing_the_sweep_either_wins_whole_or_is_refused(host_services, test_backend, action, minutes):
    exam = ProctoredExamFactory()
    outcomes = set()
    for offset in DEADLINE_OFFSETS_MS[:ROUNDS]:
        attempt = _attempt_due_in(exam, milliseconds=offset)
        deadline = attempt.started_at + timedelta(minutes=60)

        def adjust(attempt_id=attempt.id):
            return adjust_attempt_time(
                action=action, actor=Actor.staff, attempt_id=attempt_id, minutes=minutes, reason="race"
            )

        def sweep(attempt_id=attempt.id, deadline=deadline):
            # The sweep picked the attempt from its batch once overdue, then locks it to expire it.
            while now() <= deadline:
                time.sleep(0.001)
            return expire_attempt_if_overdue(attempt_id=attempt_id, as_of=now())

        outcome = race(adjust, sweep)

        row = ProctoredExamStudentAttempt.objects.get(id=attempt.id)
        adjustments = ProctoredExamTimeAdjustment.objects.filter(attempt_id=attempt.id).count()
        assert set(outcome.error_types()) <= {ProctoredExamIllegalStatusTransition}
        if row.status == Status.submitted:
            outcomes.add("swept")
            assert adjustments == 0
            assert len(outcome.errors) == 1
            assert row.completed_at == deadline
        elif adjustments:
            outcomes.add("adjusted")
            assert row.status == Status.started
            assert outcome.errors == []
            assert outcome.results.count(False) == 1
            attempt_dict = {"id": row.id, "started_at": row.started_at, "allowed_time_limit_mins": 60}
            assert get_time_remaining_for_attempt(attempt_dict) > 0
        else:
            outcomes.add("refused, left for the next sweep")
            assert row.status == Status.started
            assert len(outcome.errors) == 1
    # From a deadline well ahead to one already behind, the adjustment wins some rounds and loses others.
    assert "adjusted" in outcomes
    assert len(outcomes) >= 2
