"""Twenty learners starting one exam at once, and a learner's attempts created and removed side by side: the
maintained learner count (models/learner_counts.py) ends equal to the distinct learners with an attempt."""

from __future__ import annotations

import pytest
from django.db.models import Sum

from edx_proctoring.attempts.creation import create_exam_attempt
from edx_proctoring.models import ProctoredExamLearnerCount, ProctoredExamStudentAttempt
from edx_proctoring.tests.concurrency.conftest import THREADS, race
from edx_proctoring.tests.factories import AttemptFactory, ProctoredExamFactory, UserFactory

pytestmark = [pytest.mark.concurrency, pytest.mark.django_db(transaction=True)]


def _counted(exam) -> int:
    return ProctoredExamLearnerCount.objects.filter(proctored_exam=exam).aggregate(total=Sum("learners"))["total"]


def test_twenty_learners_starting_one_exam_at_once_are_each_counted_once(host_services):
    # Given an exam and twenty learners (several of them on the same shard of its count)
    exam = ProctoredExamFactory()
    learners = [UserFactory() for _ in range(THREADS)]

    # When they all create their attempt at the same moment
    outcome = race(*(lambda user=user: create_exam_attempt(exam.id, user.id) for user in learners))

    # Then every creation succeeded and the exam counts exactly twenty learners
    assert not outcome.errors, outcome.errors
    assert _counted(exam) == THREADS
    attempted = ProctoredExamStudentAttempt.objects.filter(proctored_exam=exam).values("user_id").distinct()
    assert attempted.count() == THREADS


def test_practice_attempts_removed_while_others_are_created_leave_the_count_exact(host_services):
    # Given a practice exam where ten learners have an attempt each
    exam = ProctoredExamFactory(is_practice_exam=True)
    leaving = [AttemptFactory(proctored_exam=exam) for _ in range(THREADS // 2)]
    arriving = [UserFactory() for _ in range(THREADS // 2)]

    # When their attempts are deleted while ten other learners create theirs
    calls = [lambda attempt=attempt: attempt.delete() for attempt in leaving]
    calls += [lambda user=user: create_exam_attempt(exam.id, user.id) for user in arriving]
    outcome = race(*calls)

    # Then the count is the ten newcomers
    assert not outcome.errors, outcome.errors
    assert _counted(exam) == THREADS // 2
