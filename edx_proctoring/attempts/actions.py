"""Who may move an attempt, and from where: the whole policy of the attempt lifecycle as one table.

Every change of an attempt's status (and the two resume flags, creation and removal) is a named *action*
made by an *actor*. `MOVES` holds one row per (action, actor): the statuses the attempt may be in, the
status it goes to (or the statuses a rule may pick from), the statuses in which the action is accepted
but changes nothing (replays), a guard that may refuse it, and what a refusal does (raise, or leave the
attempt alone as callbacks must). `decide` reads the table; it is pure, so the policy can be read,
tested and drawn (docs/lifecycle.rst) without a database. `edx_proctoring.attempts.lifecycle` applies a
decision under the attempt's row lock and runs the target's side effects; nothing else writes a status.

Who the actor is, is settled before the table is asked: a view decides that the caller is the attempt's
owner (learner), course staff, or the attempt's own vendor; the table then decides what that actor may
do to the attempt as it is now.
"""

from __future__ import annotations

import enum
import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from edx_proctoring.exceptions import (
    AnotherExamInProgressException,
    ProctoredExamIllegalResumeUpdate,
    ProctoredExamIllegalStatusTransition,
    StudentExamAttemptedAlreadyStarted,
)
from edx_proctoring.statuses import (
    AWAITING_SETUP_STATUSES,
    COMPLETED_STATUSES,
    ONBOARDING_ERROR_STATUSES,
    PRE_START_STATUSES,
    RUNNING_STATUSES,
    STAFF_SETTABLE_STATUSES,
)
from edx_proctoring.statuses import ProctoredExamStudentAttemptStatus as Status

log = logging.getLogger(__name__)


class Actor(enum.StrEnum):
    """Who makes a move. The caller's identity is checked by the view; the table checks the move."""

    learner = "learner"  # the attempt's owner: the REST API, the exam pages
    vendor = "vendor"  # the attempt's own proctoring vendor: an authenticated callback, or its backend
    staff = "staff"  # course or global staff: Special Exams tab, staff REST actions, Django admin
    system = "system"  # this package: expiry on read, the expiry sweep, cascades, resume bookkeeping
    host = "host"  # edx-platform calling the Python api: trusted code, 6.1.x semantics
    operator = "operator"  # the site operator's management commands: may force any move, audited
    tool = "tool"  # an LTI proctoring tool acting through its registration (signed messages, control service)


class OnRefusal(enum.StrEnum):
    raise_error = "raise"  # the caller gets ProctoredExamIllegalStatusTransition (HTTP 400)
    ignore = "ignore"  # nothing changes and nothing is raised (callbacks keep their historic answers)


class Legality(enum.StrEnum):
    table = "table"  # the row's own sources decide
    historic = "6.1.x"  # any source, except from a completed status to an incomplete one
    forced = "forced"  # any source, any target (operator commands)


# Pseudo-statuses that only appear in the table: the "status" before creation, after removal, and the
# resume flags, which change without a status change.
NO_ATTEMPT = "(no attempt)"
REMOVED = "(removed)"
READY_TO_RESUME_FLAG = "(ready_to_resume flag)"
RESUMED_FLAG = "(resumed flag)"
# Pseudo-statuses of the clock: time adjustments change the deadline, never the status.
TIME_EXTENDED = "(time extended)"
EXTENSION_REVOKED = "(extension revoked)"
CLOCK_STOPPED = "(clock stopped)"
CLOCK_RUNNING = "(clock running)"
TIME_ADJUSTMENT_TARGETS = frozenset({TIME_EXTENDED, EXTENSION_REVOKED, CLOCK_STOPPED, CLOCK_RUNNING})

# Bounds of staff time adjustments. One extension adds at most a day; all of an attempt's extensions
# together stay within the extra-time allowance limit's default (ten days), so every deadline is a date
# any database holds. A revocation takes back at most what was extended, and never more than is left.
MAX_EXTENSION_MINUTES = 24 * 60
MAX_TOTAL_EXTENSION_MINUTES = 10 * 24 * 60

PRE_START = PRE_START_STATUSES
IN_PROGRESS = RUNNING_STATUSES
INCOMPLETE = PRE_START | IN_PROGRESS
COMPLETED = COMPLETED_STATUSES
ONBOARDING_ERRORS = ONBOARDING_ERROR_STATUSES
# Every status a row may be moved to; the summary-only `eligible`/`expired` and `onboarding_reset` may not.
SETTABLE_STATUSES = INCOMPLETE | COMPLETED
# Trusted host code may store any status of 6.1.x's vocabulary, as 6.1.x's update_attempt_status did: the
# summaries read a stored `eligible`/`expired`, and 6.1.x resets practice attempts to `onboarding_reset`.
HOST_SETTABLE_STATUSES = SETTABLE_STATUSES | {Status.eligible, Status.expired, Status.onboarding_reset}
REVIEW_OUTCOMES = frozenset({Status.verified, Status.rejected, Status.second_review_required, Status.error})
# A vendor reviews an attempt once it has one to review: normally submitted, or still running when the
# vendor ends the session itself (the outcome rule then marks a passing review of it as an error).
REVIEWABLE = IN_PROGRESS | frozenset({Status.submitted, Status.timed_out, Status.second_review_required, Status.error})
FINAL_VERDICTS = frozenset({Status.verified, Status.rejected})
STAFF_TARGETS = STAFF_SETTABLE_STATUSES
ANY = frozenset({"*"})


@dataclass(frozen=True)
class AttemptState:
    """What the policy looks at: the attempt as it is under its row lock (or no attempt yet)."""

    status: str
    attempt_id: int | None = None
    taking_as_proctored: bool = False
    is_practice_exam: bool = False
    is_resumable: bool = False
    ready_to_resume: bool = False
    resumed: bool = False
    has_started: bool = False
    vendor_reports_readiness: bool = False
    review_updates_allowed: bool = False
    # The clock, for time adjustments: stopped by staff, stopped by a break, net extension, what is left,
    # the break budget left (None without a break allowance) and the minutes the caller asks for.
    paused: bool = False
    on_break: bool = False
    extension_minutes: int = 0
    seconds_remaining: float = 0
    break_seconds_left: int | None = None
    requested_minutes: int = 0
    # For a learner's start: the name of another exam of the course the learner is taking, if any.
    other_running_exam: str | None = None


Guard = Callable[[AttemptState, str], str | None]


@dataclass(frozen=True)
class Move:
    """One row: `actor` may make `action` from `sources` to one of `targets` (refusals as `on_refusal`)."""

    action: str
    actor: Actor
    sources: frozenset[str]
    targets: frozenset[str]
    unchanged: frozenset[str] = frozenset()
    guard: Guard | None = None
    on_refusal: OnRefusal = OnRefusal.raise_error
    legality: Legality = Legality.table
    side_effects: bool = True
    summary: str = ""
    guard_summary: str = ""


@dataclass(frozen=True)
class Decision:
    """What the table says: move to `target`, or (target None) leave the attempt as it is."""

    move: Move
    target: str | None
    reason: str = ""
    refused: bool = False

    @property
    def changes(self) -> bool:
        return self.target is not None


# -- guards: each returns why it refuses, or None ---------------------------------------------------------


def _not_started_yet(state: AttemptState, target: str) -> str | None:
    if state.has_started and state.status == Status.started:
        # A second start of a running attempt is its own historic error, not a generic illegal move.
        raise StudentExamAttemptedAlreadyStarted(f"Attempt {state.attempt_id} has already started.")
    return None


def _learner_may_start(state: AttemptState, target: str) -> str | None:
    """One running exam per learner in a course (not a 6.1.x rule), then the vendor's ready step."""
    if state.other_running_exam is not None:
        # Its own error (a 400 naming the exam), so the learner knows which exam to finish first.
        raise AnotherExamInProgressException(
            f'You are taking "{state.other_running_exam}" in this course. Finish it before you start another exam.'
        )
    return _ready_step_done(state, target)


def _ready_step_done(state: AttemptState, target: str) -> str | None:
    refusal = _not_started_yet(state, target)
    if refusal:
        return refusal
    if (
        state.taking_as_proctored
        and state.vendor_reports_readiness
        and state.status in PRE_START - {Status.ready_to_start}
    ):
        return "its proctoring software has not reported the computer ready yet"
    return None


def _practice_exam(state: AttemptState, target: str) -> str | None:
    return None if state.is_practice_exam else "only a practice or onboarding exam can be reset"


def _review_may_change_verdict(state: AttemptState, target: str) -> str | None:
    if state.status in FINAL_VERDICTS and not state.review_updates_allowed:
        return "the attempt already has a final verdict and review updates are off (ALLOW_REVIEW_UPDATES)"
    return None


def _resumable(state: AttemptState, target: str) -> str | None:
    if not state.is_resumable:
        raise ProctoredExamIllegalResumeUpdate(f"Attempt {state.attempt_id} cannot be resumed from its current state.")
    return None


def _in_resume_process(state: AttemptState, target: str) -> str | None:
    if not (state.ready_to_resume or state.resumed):
        raise ProctoredExamIllegalResumeUpdate(f"Attempt {state.attempt_id} was not marked ready to resume.")
    return None


def _time_left(state: AttemptState) -> str | None:
    # Once the time is up the attempt is being submitted (by the sweep or the next poll): nothing may move
    # its deadline any more, so an adjustment racing the expiry is refused instead of half-applied.
    if state.seconds_remaining <= 0 and not (state.paused or state.on_break):
        return "the attempt's time is up"
    return None


def _extension_within_bounds(state: AttemptState, target: str) -> str | None:
    refusal = _time_left(state)
    if refusal:
        return refusal
    minutes = state.requested_minutes
    if not 1 <= minutes <= MAX_EXTENSION_MINUTES:
        return f"an extension is 1 to {MAX_EXTENSION_MINUTES} minutes at a time"
    if state.extension_minutes + minutes > MAX_TOTAL_EXTENSION_MINUTES:
        return f"an attempt's extensions add up to at most {MAX_TOTAL_EXTENSION_MINUTES} minutes"
    return None


def _revocation_within_bounds(state: AttemptState, target: str) -> str | None:
    minutes = -state.requested_minutes
    if not 1 <= minutes <= MAX_EXTENSION_MINUTES:
        return f"a revocation takes back 1 to {MAX_EXTENSION_MINUTES} minutes at a time"
    if minutes > state.extension_minutes:
        return f"only {state.extension_minutes} extended minutes can be taken back, never the original time"
    if minutes * 60 > state.seconds_remaining:
        return "it would take back time the learner has already used"
    return None


def _clock_running(state: AttemptState, target: str) -> str | None:
    if state.paused:
        return "the attempt is already paused"
    if state.on_break:
        return "the learner is on a break"
    return _time_left(state)


def _clock_paused(state: AttemptState, target: str) -> str | None:
    return None if state.paused else "the attempt is not paused"


def _break_budget_left(state: AttemptState, target: str) -> str | None:
    refusal = _clock_running(state, target)
    if refusal:
        return refusal
    if state.break_seconds_left is None:
        return "the learner has no break allowance on this exam"
    if state.break_seconds_left <= 0:
        return "the break allowance is used up"
    return None


def _on_break(state: AttemptState, target: str) -> str | None:
    return None if state.on_break else "the learner is not on a break"


# -- the table -------------------------------------------------------------------------------------------


def _row(action: str, actor: Actor, sources, targets, **options) -> Move:
    targets = frozenset({targets}) if isinstance(targets, str) else frozenset(targets)
    return Move(action=action, actor=actor, sources=frozenset(sources), targets=targets, **options)


_IGNORE = {"on_refusal": OnRefusal.ignore}
_HOST = {"legality": Legality.historic}

MOVES_LIST: tuple[Move, ...] = (
    # Creating an attempt: `created`, or an onboarding error when the vendor refuses to register it.
    _row("create", Actor.learner, {NO_ATTEMPT}, {Status.created, *ONBOARDING_ERRORS}, summary="start an exam"),
    _row("create", Actor.system, {NO_ATTEMPT}, {Status.created, *ONBOARDING_ERRORS}, summary="cascade, decline"),
    _row("create", Actor.host, {NO_ATTEMPT}, {Status.created, *ONBOARDING_ERRORS}, summary="api"),
    # The learner, on their own attempt.
    _row(
        "click_download_software",
        Actor.learner,
        {Status.created},
        Status.download_software_clicked,
        # Clicking the download link again once the vendor reported ready must not undo the ready step.
        unchanged={Status.download_software_clicked, Status.ready_to_start},
    ),
    _row(
        "start",
        Actor.learner,
        PRE_START | IN_PROGRESS,
        Status.started,
        guard=_learner_may_start,
        guard_summary=(
            "no other exam of the course running; a proctored attempt waits for its vendor's ready step; "
            "a running attempt cannot start again"
        ),
    ),
    _row("stop", Actor.learner, {Status.started}, Status.ready_to_submit, unchanged={Status.ready_to_submit}),
    _row(
        "submit",
        Actor.learner,
        IN_PROGRESS | {Status.timed_out},
        Status.submitted,
        unchanged={Status.submitted},
    ),
    _row("decline", Actor.learner, PRE_START, Status.declined, unchanged={Status.declined}),
    _row("error", Actor.learner, IN_PROGRESS, Status.error, unchanged={Status.error}),
    _row(
        "break_start",
        Actor.learner,
        IN_PROGRESS,
        CLOCK_STOPPED,
        guard=_break_budget_left,
        guard_summary="a break allowance with time left; not while paused or on a break, nor once the time is up",
        summary="the clock stops until the break ends or its budget is spent",
    ),
    _row("break_end", Actor.learner, IN_PROGRESS, CLOCK_RUNNING, guard=_on_break, guard_summary="on a break"),
    _row(
        "retake_practice",
        Actor.learner,
        COMPLETED - {Status.verified, Status.submitted},
        Status.onboarding_reset,
        guard=_practice_exam,
        side_effects=False,
        guard_summary="practice or onboarding exams only",
        summary="retake a practice exam (a submitted attempt is removed instead)",
    ),
    # The attempt's vendor: authenticated callbacks, or the backend as it registers the attempt.
    _row(
        "ready",
        Actor.vendor,
        AWAITING_SETUP_STATUSES,
        Status.ready_to_start,
        **_IGNORE,
    ),
    _row(
        "review",
        Actor.vendor,
        REVIEWABLE | FINAL_VERDICTS,
        REVIEW_OUTCOMES,
        guard=_review_may_change_verdict,
        guard_summary="a final verdict changes only with ALLOW_REVIEW_UPDATES",
        summary="the review outcome rule picks the target",
        **_IGNORE,
    ),
    _row(
        "submit_on_relaunch",
        Actor.vendor,
        IN_PROGRESS,
        Status.submitted,
        summary="PSI's software opened again on a running attempt",
        **_IGNORE,
    ),
    # An LTI proctoring tool, through the attempt's own launch: a valid LtiStartAssessment is the ready step
    # and lets the learner in; launching again mid-exam changes nothing.
    _row(
        "ready",
        Actor.tool,
        AWAITING_SETUP_STATUSES,
        Status.ready_to_start,
        unchanged={Status.ready_to_start} | IN_PROGRESS,
        summary="a valid LtiStartAssessment",
    ),
    _row(
        "start",
        Actor.tool,
        {Status.ready_to_start},
        Status.started,
        unchanged=IN_PROGRESS,
        guard=_learner_may_start,
        guard_summary="no other exam of the course running (the learner is the one let in)",
        summary="a valid LtiStartAssessment",
    ),
    # The tool's Assessment Control Service: the time moves staff have, and terminate = submit, then the
    # outcome the registration's reason-code mapping names (a review or an error; never a verdict).
    _row(
        "pause",
        Actor.tool,
        IN_PROGRESS,
        CLOCK_STOPPED,
        guard=_clock_running,
        guard_summary="not while paused or on a break, nor once the time is up",
        summary="control service: pause",
    ),
    _row("resume", Actor.tool, IN_PROGRESS, CLOCK_RUNNING, guard=_clock_paused, guard_summary="only a paused attempt"),
    _row(
        "extend",
        Actor.tool,
        IN_PROGRESS,
        TIME_EXTENDED,
        guard=_extension_within_bounds,
        guard_summary="within the registration's max_extra_minutes and the staff bounds; not once the time is up",
        summary="control service: update",
    ),
    _row(
        "submit",
        Actor.tool,
        IN_PROGRESS | {Status.timed_out},
        Status.submitted,
        unchanged={Status.submitted},
        summary="control service: terminate",
    ),
    _row(
        "terminate",
        Actor.tool,
        {Status.submitted},
        {Status.error, Status.second_review_required},
        summary="control service: terminate; the reason-code mapping picks the target",
    ),
    # Course or global staff.
    _row(
        "review",
        Actor.staff,
        REVIEWABLE | FINAL_VERDICTS,
        REVIEW_OUTCOMES,
        summary="second review in the Django admin",
        **_IGNORE,
    ),
    _row(
        "set_status",
        Actor.staff,
        REVIEWABLE | FINAL_VERDICTS | PRE_START | ONBOARDING_ERRORS | {Status.declined},
        STAFF_TARGETS,
        summary="Django admin",
    ),
    _row(
        "mark_ready_to_resume",
        Actor.staff,
        {Status.error},
        READY_TO_RESUME_FLAG,
        guard=_resumable,
        guard_summary="the attempt is resumable",
    ),
    _row("remove", Actor.staff, ANY, REMOVED, summary="reset a learner's attempts"),
    *(
        _row(action, actor, IN_PROGRESS, target, guard=guard, guard_summary=guard_summary, summary=summary)
        for actor in (Actor.staff, Actor.host)
        for action, target, guard, guard_summary, summary in (
            (
                "extend",
                TIME_EXTENDED,
                _extension_within_bounds,
                f"1 to {MAX_EXTENSION_MINUTES} minutes, {MAX_TOTAL_EXTENSION_MINUTES} in all; not once the time is up",
                "more time on a running attempt; the status does not change",
            ),
            (
                "revoke_extension",
                EXTENSION_REVOKED,
                _revocation_within_bounds,
                "never below the original time nor below the time already used",
                "take back extended minutes",
            ),
            (
                "pause",
                CLOCK_STOPPED,
                _clock_running,
                "not while paused or on a break, nor once the time is up",
                "the clock stops",
            ),
            ("resume", CLOCK_RUNNING, _clock_paused, "only a paused attempt", "the paused time is added back"),
        )
    ),
    # This package.
    _row("time_out", Actor.system, IN_PROGRESS, Status.timed_out, summary="expiry when read", **_IGNORE),
    _row("sweep", Actor.system, IN_PROGRESS, Status.timed_out, summary="the expiry sweep", **_IGNORE),
    _row(
        "decline", Actor.system, INCOMPLETE, Status.declined, summary="declining one exam declines the rest", **_IGNORE
    ),
    _row(
        "mark_resumed",
        Actor.system,
        ANY,
        RESUMED_FLAG,
        guard=_in_resume_process,
        guard_summary="staff marked it ready to resume",
        summary="its continuation is created",
    ),
    _row("remove", Actor.system, ANY, REMOVED, summary="a submitted practice attempt is removed for its retake"),
    _row(
        "break_end",
        Actor.system,
        IN_PROGRESS,
        CLOCK_RUNNING,
        summary="a break whose budget is spent is recorded as ended",
        **_IGNORE,
    ),
    # edx-platform through the Python api: 6.1.x semantics (trusted host code).
    _row("update_status", Actor.host, ANY, HOST_SETTABLE_STATUSES, **_HOST, summary="api.update_attempt_status"),
    _row("start", Actor.host, ANY, Status.started, guard=_not_started_yet, **_HOST),
    _row("stop", Actor.host, ANY, Status.ready_to_submit, **_HOST),
    _row("ready", Actor.host, ANY, Status.ready_to_start, **_HOST),
    _row("time_out", Actor.host, ANY, Status.timed_out, **_HOST),
    _row(
        "retake_practice",
        Actor.host,
        COMPLETED - {Status.verified},
        Status.onboarding_reset,
        guard=_practice_exam,
        side_effects=False,
    ),
    _row("mark_ready_to_resume", Actor.host, ANY, READY_TO_RESUME_FLAG, guard=_resumable),
    _row("remove", Actor.host, ANY, REMOVED),
    # The operator's management commands: any move, audited with the command as the reason.
    _row("set_status", Actor.operator, ANY, SETTABLE_STATUSES, legality=Legality.forced, summary="set_attempt_status"),
    _row("remove", Actor.operator, ANY, REMOVED, summary="reset_attempts"),
)

MOVES: dict[tuple[str, Actor], Move] = {(move.action, move.actor): move for move in MOVES_LIST}
ACTIONS = frozenset(move.action for move in MOVES_LIST)


def is_state_transition_legal(from_status, to_status):
    """6.1.x's only rule: an attempt never goes back from a completed status to an incomplete one."""
    return not (Status.is_completed_status(from_status) and Status.is_incomplete_status(to_status))


def move_for(*, action: str, actor: Actor) -> Move:
    """The table's row for `actor` making `action`; an actor without a row may not make it at all."""
    move = MOVES.get((action, Actor(actor)))
    if move is None:
        if action not in ACTIONS:
            raise ProctoredExamIllegalStatusTransition(f"{action!r} is not an attempt action.")
        raise ProctoredExamIllegalStatusTransition(f"Action {action!r} cannot be made by a {actor}.")
    return move


def _refusal(move: Move, state: AttemptState, why: str) -> Decision:
    message = (
        f"Action {move.action!r} by a {move.actor} is not allowed on attempt {state.attempt_id} "
        f"in status {state.status!r}: {why}."
    )
    if move.on_refusal is OnRefusal.ignore:
        log.info("%s Nothing changes.", message)
        return Decision(move=move, target=None, reason=message, refused=True)
    raise ProctoredExamIllegalStatusTransition(message)


def decide(*, action: str, actor: Actor, state: AttemptState, requested: str | None = None) -> Decision:
    """May `actor` make `action` on an attempt in `state` now, and to which status?

    `requested` names the target where the row lets a rule or a person pick one (review, admin, host,
    operator); otherwise the row's single target is used. Raises ProctoredExamIllegalStatusTransition
    (or the guard's own exception) for a refused move whose row says so; a refusal that must be ignored
    returns a decision with no target.
    """
    move = move_for(action=action, actor=actor)
    if requested is None:
        if len(move.targets) != 1:
            raise ProctoredExamIllegalStatusTransition(f"Action {action!r} needs a target status.")
        (target,) = move.targets
    else:
        target = requested
    if target not in move.targets:
        return _refusal(move, state, f"it cannot lead to {target!r}")
    if state.status in move.unchanged:
        return Decision(move=move, target=None, reason="already done")
    if move.legality is Legality.table and move.sources != ANY and state.status not in move.sources:
        return _refusal(move, state, "not from this status")
    if move.legality is Legality.historic and not is_state_transition_legal(state.status, target):
        return _refusal(move, state, f"a completed attempt cannot move from {state.status} to {target}")
    if move.guard is not None:
        why = move.guard(state, target)
        if why:
            return _refusal(move, state, why)
    return Decision(move=move, target=target)


def rows() -> Iterator[Move]:
    """The table in reading order (for docs/lifecycle.rst and its diagram)."""
    yield from MOVES_LIST
