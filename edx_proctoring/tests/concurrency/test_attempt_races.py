"""Twenty requests at once on one learner's attempt: one attempt, one move, one set of side effects.

Every racing call runs in its own thread with its own database connection, and a barrier releases them
together so they really overlap. The data they race on is committed first (transactional test).
"""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

import pytest
from django.core import mail

from edx_proctoring.attempts.creation import create_exam_attempt
from edx_proctoring.attempts.lifecycle import update_attempt_status
from edx_proctoring.attempts.moves import start_exam_attempt
from edx_proctoring.exceptions import StudentExamAttemptAlreadyExistsException, StudentExamAttemptedAlreadyStarted
from edx_proctoring.models import ProctoredExamStudentAttempt
from edx_proctoring.statuses import ProctoredExamStudentAttemptStatus as Status
from edx_proctoring.tests.concurrency.conftest import THREADS, race, times
from edx_proctoring.tests.factories import AttemptFactory, ProctoredExamFactory, ReviewFactory, UserFactory
from edx_proctoring.timing import now

pytestmark = [pytest.mark.concurrency, pytest.mark.django_db(transaction=True)]


def _history_statuses(attempt_id: int) -> list[str]:
    history = ProctoredExamStudentAttempt.history.filter(id=attempt_id).order_by("history_date", "history_id")
    return list(history.values_list("status", flat=True))


def test_twenty_simultaneous_creations_make_exactly_one_attempt(host_services, status_signals, tracked_events):
    exam = ProctoredExamFactory()
    user = UserFactory()

    outcome = race(*times(lambda: create_exam_attempt(exam.id, user.id, taking_as_proctored=True)))

    assert len(outcome.results) == 1, outcome.errors
    assert outcome.error_types() == {StudentExamAttemptAlreadyExistsException}
    assert len(outcome.errors) == THREADS - 1
    attempts = ProctoredExamStudentAttempt.objects.filter(proctored_exam=exam, user=user)
    assert [a.id for a in attempts] == outcome.results
    assert [s["status"] for s in status_signals] == [Status.created]
    assert tracked_events.names() == ["edx.special_exam.proctored.attempt.created"]


def test_twenty_simultaneous_starts_start_the_clock_once(host_services, test_backend, tracked_events, status_signals):
    attempt = AttemptFactory(status=Status.ready_to_start)

    outcome = race(*times(lambda: start_exam_attempt(attempt.proctored_exam_id, attempt.user_id)))

    assert outcome.results == [attempt.id]
    assert outcome.error_types() == {StudentExamAttemptedAlreadyStarted}
    attempt.refresh_from_db()
    assert attempt.status == Status.started
    assert attempt.started_at is not None
    assert test_backend.started_attempts == [(attempt.proctored_exam.external_id, attempt.external_id)]
    assert tracked_events.names() == ["edx.special_exam.proctored.attempt.started"]
    assert [s["status"] for s in status_signals] == [Status.started]
    assert _history_statuses(attempt.id) == [Status.ready_to_start, Status.started]


def test_twenty_simultaneous_submits_submit_once(host_services, test_backend, tracked_events, status_signals):
    attempt = AttemptFactory(status=Status.started, started_at=now() - timedelta(minutes=5), allowed_time_limit_mins=60)

    outcome = race(*times(lambda: update_attempt_status(attempt.id, Status.submitted)))

    # Every caller is told "done" (a replay is a no-op, not an error), but only one did the work.
    assert outcome.errors == []
    assert outcome.results == [attempt.id] * THREADS
    attempt.refresh_from_db()
    exam = attempt.proctored_exam
    assert attempt.status == Status.submitted
    assert attempt.completed_at is not None
    assert test_backend.stopped_attempts == [(exam.external_id, attempt.external_id)]
    assert host_services["instructor"].completed_attempts == [(attempt.user.username, exam.content_id)]
    assert len(host_services["credit"].status["credit_requirement_status"]) == 1
    assert [m.subject for m in mail.outbox] == ["Proctoring attempt submitted"]
    assert tracked_events.names() == ["edx.special_exam.proctored.attempt.submitted"]
    assert [s["status"] for s in status_signals] == [Status.submitted]
    assert _history_statuses(attempt.id) == [Status.started, Status.submitted]


def test_starts_and_submits_racing_together_end_submitted_with_each_effect_once(host_services, test_backend):
    attempt = AttemptFactory(status=Status.started, started_at=now() - timedelta(minutes=5), allowed_time_limit_mins=60)

    def submit():
        return update_attempt_status(attempt.id, Status.submitted)

    def start():
        return update_attempt_status(attempt.id, Status.started)

    outcome = race(*times(submit, 10), *times(start, 10))

    attempt.refresh_from_db()
    assert attempt.status == Status.submitted
    # A completed attempt cannot be restarted: late starts are refused, never half-applied.
    assert all(isinstance(error, Exception) and "cannot move" in str(error) for error in outcome.errors)
    assert len(test_backend.stopped_attempts) == 1
    assert test_backend.started_attempts == []
    assert len(mail.outbox) == 1
    assert _history_statuses(attempt.id) == [Status.started, Status.submitted]


def _final_state_matches_its_history(attempt: ProctoredExamStudentAttempt) -> list[str]:
    statuses = _history_statuses(attempt.id)
    assert statuses[-1] == attempt.status
    # Each change is recorded once: no status is written twice in a row.
    assert all(a != b for a, b in zip(statuses, statuses[1:], strict=False))
    return statuses


@pytest.mark.parametrize("repeat", range(5))
def test_review_outcome_racing_the_learners_submit_ends_consistent(repeat, host_services, test_backend):
    """The learner submits while the vendor's "verified" arrives: both orders are legal, neither is lost."""
    attempt = AttemptFactory(status=Status.started, started_at=now() - timedelta(minutes=5), allowed_time_limit_mins=60)

    outcome = race(
        *times(lambda: update_attempt_status(attempt.id, Status.submitted), 5),
        *times(lambda: update_attempt_status(attempt.id, Status.verified), 5),
    )

    assert outcome.errors == []
    attempt.refresh_from_db()
    statuses = _final_state_matches_its_history(attempt)
    assert attempt.completed_at is not None or attempt.status == Status.verified
    assert set(statuses[1:]) <= {Status.submitted, Status.verified}
    assert statuses[0] == Status.started
    # Each status is entered once per time it appears in the history, and its effects ran that often.
    moves = Counter(statuses[1:])
    assert len(test_backend.stopped_attempts) == moves[Status.submitted]
    credit_statuses = [entry["status"] for entry in host_services["credit"].status["credit_requirement_status"]]
    assert credit_statuses[-1] == {"submitted": "submitted", "verified": "satisfied"}[attempt.status]


@pytest.mark.parametrize("repeat", range(5))
def test_review_callback_racing_the_learners_submit_ends_consistent(repeat, host_services, test_backend):
    """A passing review stored while the learner submits: the attempt ends verified, or the learner's
    submission stands, but a submitted attempt is never turned into an error by a review that passed."""
    reviews = pytest.importorskip("edx_proctoring.reviews")
    attempt = AttemptFactory(status=Status.started, started_at=now() - timedelta(minutes=5), allowed_time_limit_mins=60)
    review = ReviewFactory(attempt_code=attempt.attempt_code, exam=attempt.proctored_exam, student=attempt.user)

    outcome = race(
        lambda: update_attempt_status(attempt.id, Status.submitted),
        lambda: reviews.apply_review_outcome(review=review),
    )

    assert outcome.errors == []
    attempt.refresh_from_db()
    statuses = _final_state_matches_its_history(attempt)
    assert attempt.completed_at is not None
    assert attempt.status in {Status.submitted, Status.verified}, statuses
