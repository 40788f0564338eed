"""The actions table's time adjustments: only a running attempt, and each within its bounds."""

import pytest

from edx_proctoring.attempts.actions import (
    CLOCK_RUNNING,
    CLOCK_STOPPED,
    EXTENSION_REVOKED,
    TIME_EXTENDED,
    Actor,
    AttemptState,
    decide,
)
from edx_proctoring.exceptions import ProctoredExamIllegalStatusTransition
from edx_proctoring.statuses import ProctoredExamStudentAttemptStatus as S

RUNNING = {S.started, S.ready_to_submit}
NOT_RUNNING = {S.created, S.ready_to_start, S.submitted, S.timed_out, S.verified, S.error, S.declined}
TARGETS = {
    "extend": TIME_EXTENDED,
    "revoke_extension": EXTENSION_REVOKED,
    "pause": CLOCK_STOPPED,
    "resume": CLOCK_RUNNING,
}
LEFT = {"seconds_remaining": 3000.0}


def answer(action, actor, **state):
    fields = {"status": S.started, "attempt_id": 7, **LEFT, **state}
    try:
        return decide(action=action, actor=actor, state=AttemptState(**fields)).target
    except ProctoredExamIllegalStatusTransition as refusal:
        return str(refusal)


@pytest.mark.parametrize("actor", [Actor.staff, Actor.host])
@pytest.mark.parametrize("status", sorted(RUNNING | NOT_RUNNING))
def test_staff_and_host_adjust_only_a_running_attempt(actor, status):
    given = {"requested_minutes": 10, "extension_minutes": 20}
    assert (answer("extend", actor, status=status, **given) == TIME_EXTENDED) == (status in RUNNING)
    assert (answer("pause", actor, status=status) == CLOCK_STOPPED) == (status in RUNNING)


@pytest.mark.parametrize("actor", [Actor.learner, Actor.vendor, Actor.system, Actor.operator])
@pytest.mark.parametrize("action", sorted(TARGETS))
def test_nobody_else_extends_pauses_or_resumes(actor, action):
    assert "cannot be made by a" in answer(action, actor, paused=True, requested_minutes=5, extension_minutes=5)


@pytest.mark.parametrize(
    "minutes,total,allowed",
    [(1, 0, True), (1440, 0, True), (0, 0, False), (1441, 0, False), (1, 14399, True), (2, 14399, False)],
)
def test_an_extension_is_1_to_1440_minutes_and_14400_in_all(minutes, total, allowed):
    target = answer("extend", Actor.staff, requested_minutes=minutes, extension_minutes=total)
    assert (target == TIME_EXTENDED) is allowed


@pytest.mark.parametrize(
    "minutes,extended,remaining,allowed",
    [
        (-10, 10, 3000.0, True),  # back to the original time
        (-11, 10, 3000.0, False),  # below the original time
        (-10, 30, 600.0, True),  # exactly the time left
        (-10, 30, 599.0, False),  # time already used
        (-1441, 2000, 99999.0, False),
    ],
)
def test_a_revocation_stops_at_the_original_time_and_the_time_used(minutes, extended, remaining, allowed):
    target = answer(
        "revoke_extension",
        Actor.staff,
        requested_minutes=minutes,
        extension_minutes=extended,
        seconds_remaining=remaining,
    )
    assert (target == EXTENSION_REVOKED) is allowed


def test_pause_and_resume_alternate():
    assert answer("pause", Actor.staff) == CLOCK_STOPPED
    assert answer("pause", Actor.staff, paused=True).endswith("the attempt is already paused.")
    assert answer("pause", Actor.staff, on_break=True).endswith("the learner is on a break.")
    assert answer("resume", Actor.staff).endswith("the attempt is not paused.")
    assert answer("resume", Actor.staff, paused=True) == CLOCK_RUNNING


def test_nothing_moves_the_deadline_once_the_time_is_up_unless_the_clock_is_stopped():
    up = {"seconds_remaining": 0.0, "requested_minutes": 10}
    assert answer("extend", Actor.staff, **up).endswith("the attempt's time is up.")
    assert answer("pause", Actor.staff, **up).endswith("the attempt's time is up.")
    assert answer("break_start", Actor.learner, break_seconds_left=60, **up).endswith("the attempt's time is up.")
    assert answer("extend", Actor.staff, paused=True, **up) == TIME_EXTENDED
    assert answer("resume", Actor.staff, paused=True, **up) == CLOCK_RUNNING


def test_a_break_needs_an_allowance_with_time_left():
    assert answer("break_start", Actor.learner, break_seconds_left=60) == CLOCK_STOPPED
    assert answer("break_start", Actor.learner).endswith("no break allowance on this exam.")
    assert answer("break_start", Actor.learner, break_seconds_left=0).endswith("the break allowance is used up.")
    assert answer("break_start", Actor.learner, break_seconds_left=60, on_break=True).endswith("on a break.")
    assert answer("break_end", Actor.learner).endswith("the learner is not on a break.")
    assert answer("break_end", Actor.learner, on_break=True) == CLOCK_RUNNING
    assert answer("break_start", Actor.staff, break_seconds_left=60).endswith("cannot be made by a staff.")


def test_the_system_ends_a_spent_break_and_ignores_the_rest():
    decision = decide(action="break_end", actor=Actor.system, state=AttemptState(status=S.submitted, attempt_id=7))
    assert decision.refused
    assert not decision.changes
