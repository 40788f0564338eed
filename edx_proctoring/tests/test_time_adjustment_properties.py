"""Properties of the deadline under any sequence of extensions, revocations, pauses, resumes and breaks.

Whatever staff and the learner do, in whatever order and with whatever time between: the time remaining
is never below zero, never grows except by an extension or a resume, and the expiry sweep and the
learner's poll agree on whether the attempt is over.
"""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.db import transaction
from hypothesis import given
from hypothesis import strategies as st

from edx_proctoring.attempts.actions import Actor
from edx_proctoring.attempts.expiry import running_attempt_batches
from edx_proctoring.attempts.lifecycle import adjust_attempt_time
from edx_proctoring.attempts.serialization import attempt_rows, serialize_attempt
from edx_proctoring.exceptions import ProctoredExamIllegalStatusTransition
from edx_proctoring.tests.factories import AllowanceFactory, AttemptFactory, TimedExamFactory, UserFactory
from edx_proctoring.timing import deadline_of, get_time_remaining_for_attempt, has_attempt_timed_out, is_past_deadline

pytestmark = pytest.mark.django_db

START = datetime(2026, 5, 4, 8, 0, tzinfo=UTC)
ACTORS = {
    "extend": Actor.staff,
    "revoke_extension": Actor.staff,
    "pause": Actor.staff,
    "resume": Actor.staff,
    "break_start": Actor.learner,
    "break_end": Actor.learner,
}
# Moves that may give time back; every other move, and time passing, may only take it.
MAY_ADD_TIME = {"extend", "resume"}

steps = st.lists(
    st.tuples(
        st.sampled_from(sorted(ACTORS)),
        st.integers(min_value=-90, max_value=90),  # minutes, for extensions and revocations
        st.integers(min_value=0, max_value=45 * 60),  # seconds that pass before the move
    ),
    max_size=12,
)


def _poll_view(attempt_id):
    """What the learner's poll reads: the attempt with its clock, in one query."""
    return serialize_attempt(attempt_rows().get(id=attempt_id))


def _sweep_says_over(attempt_id, *, at) -> bool:
    """What the expiry sweep decides, from the columns it reads in its batch."""
    for batch in running_attempt_batches(batch_size=100):
        for row_id, started_at, allowed, clock in batch:
            if row_id == attempt_id:
                deadline = deadline_of(started_at=started_at, allowed_minutes=allowed, clock=clock, at=at)
                return is_past_deadline(deadline=deadline, clock=clock, at=at)
    return False


def _minutes_for(action, minutes):
    if action == "extend":
        return abs(minutes) or 1
    if action == "revoke_extension":
        return -(abs(minutes) or 1)
    return 0


@given(
    moves=steps,
    break_minutes=st.sampled_from([None, 0, 5, 30]),
    due_in=st.sampled_from([None, 30, 90, 600]),
)
def test_remaining_time_never_grows_but_by_extension_or_resume_and_sweep_and_poll_agree(
    host_services, moves, break_minutes, due_in
):
    with transaction.atomic(), time_machine.travel(START, tick=False) as clock:
        exam = TimedExamFactory(due_date=START + timedelta(minutes=due_in) if due_in else None)
        learner = UserFactory()
        if break_minutes is not None:
            AllowanceFactory(proctored_exam=exam, user=learner, key="break_minutes", value=str(break_minutes))
        attempt = AttemptFactory(
            proctored_exam=exam, user=learner, status="started", started_at=START, allowed_time_limit_mins=60
        )
        before = get_time_remaining_for_attempt(_poll_view(attempt.id))
        for action, minutes, wait in moves:
            clock.shift(timedelta(seconds=wait))
            now = datetime.now(UTC)
            view = _poll_view(attempt.id)
            waited = get_time_remaining_for_attempt(view)
            assert 0 <= waited <= before, "time passing never adds time"
            assert has_attempt_timed_out(view) == _sweep_says_over(attempt.id, at=now)
            try:
                adjust_attempt_time(
                    action=action,
                    actor=ACTORS[action],
                    attempt_id=attempt.id,
                    user=learner,
                    minutes=_minutes_for(action, minutes),
                    reason="property",
                )
            except ProctoredExamIllegalStatusTransition:
                action = "refused"
            after = get_time_remaining_for_attempt(_poll_view(attempt.id))
            assert after >= 0
            if action not in MAY_ADD_TIME:
                assert after <= waited, f"{action} gave time back"
            before = after
        transaction.set_rollback(True)
