"""The actions table pinned row by row: for every status an attempt can be in, what each (action, actor) does.

`decide` is pure, so each test asks it about every status at once and compares the answers with the
policy written out here by hand: the status moved to, "unchanged" (accepted, nothing to do), "refused"
(ProctoredExamIllegalStatusTransition, a 400 for the learner) or "ignored" (refused without an error, as
callbacks and the system's own moves must be). These are the tests `make mutate` runs against
edx_proctoring/attempts/actions.py.
"""

import pytest

from edx_proctoring.attempts import actions
from edx_proctoring.attempts.actions import (
    NO_ATTEMPT,
    READY_TO_RESUME_FLAG,
    REMOVED,
    RESUMED_FLAG,
    Actor,
    AttemptState,
    decide,
    move_for,
)
from edx_proctoring.exceptions import (
    AnotherExamInProgressException,
    ProctoredExamIllegalResumeUpdate,
    ProctoredExamIllegalStatusTransition,
    StudentExamAttemptedAlreadyStarted,
)
from edx_proctoring.statuses import ProctoredExamStudentAttemptStatus as S

ONBOARDING_ERRORS = {S.onboarding_missing, S.onboarding_pending, S.onboarding_failed, S.onboarding_expired}
PRE_START = {S.created, S.download_software_clicked, S.ready_to_start}
RUNNING = {S.started, S.ready_to_submit}
INCOMPLETE = PRE_START | RUNNING
COMPLETED = {
    S.declined,
    S.timed_out,
    S.submitted,
    S.second_review_required,
    S.verified,
    S.rejected,
    S.error,
} | ONBOARDING_ERRORS
# Every value the status column can hold, the summary-only pseudo-statuses, and "no attempt yet".
EVERY_STATUS = INCOMPLETE | COMPLETED | {S.eligible, S.expired, S.onboarding_reset, NO_ATTEMPT}
VERDICTS = {S.verified, S.rejected}
REVIEW_OUTCOMES = {S.verified, S.rejected, S.second_review_required, S.error}
# What a vendor or staff may review: a running or ended attempt, or one already reviewed.
REVIEWABLE = RUNNING | {S.submitted, S.timed_out, S.second_review_required, S.error, S.verified, S.rejected}


def outcome(action, actor, status, requested=None, **state):
    """What the table answers for one attempt: a target, "unchanged", "refused" or "ignored"."""
    try:
        decision = decide(
            action=action, actor=actor, state=AttemptState(status=status, attempt_id=7, **state), requested=requested
        )
    except ProctoredExamIllegalStatusTransition:
        return "refused"
    if decision.refused:
        assert not decision.changes
        return "ignored"
    if decision.target is None:
        assert not decision.changes
        return "unchanged"
    assert decision.changes
    return decision.target


def table(action, actor, requested=None, **state):
    return {status: outcome(action, actor, status, requested, **state) for status in EVERY_STATUS}


def expected(moves, otherwise, unchanged=()):
    """The answer for every status: `moves` maps sources to a target, `unchanged` are accepted no-ops."""
    answers = dict.fromkeys(EVERY_STATUS, otherwise)
    answers.update(dict.fromkeys(unchanged, "unchanged"))
    for sources, target in moves:
        answers.update(dict.fromkeys(sources, target))
    return answers


# The learner, on their own attempt.


class TestLearner:
    def test_creates_an_attempt_only_where_there_is_none(self):
        assert table("create", Actor.learner, S.created) == expected([({NO_ATTEMPT}, S.created)], "refused")
        assert outcome("create", Actor.learner, NO_ATTEMPT, S.onboarding_failed) == S.onboarding_failed
        assert outcome("create", Actor.learner, NO_ATTEMPT, S.started) == "refused"
        assert outcome("create", Actor.learner, NO_ATTEMPT) == "refused"

    def test_clicks_the_download_link_once_and_again_without_undoing_the_ready_step(self):
        assert table("click_download_software", Actor.learner) == expected(
            [({S.created}, S.download_software_clicked)],
            "refused",
            unchanged={S.download_software_clicked, S.ready_to_start},
        )

    def test_starts_an_attempt_that_has_not_ended(self):
        assert table("start", Actor.learner) == expected([(PRE_START | RUNNING, S.started)], "refused")

    def test_a_proctored_start_waits_for_the_vendors_ready_step_when_the_vendor_reports_it(self):
        assert table("start", Actor.learner, taking_as_proctored=True, vendor_reports_readiness=True) == expected(
            [({S.ready_to_start, S.started, S.ready_to_submit}, S.started)], "refused"
        )

    def test_a_start_needs_no_ready_step_when_the_vendor_reports_none_or_the_attempt_is_not_proctored(self):
        assert outcome("start", Actor.learner, S.created, taking_as_proctored=True) == S.started
        assert outcome("start", Actor.learner, S.created, vendor_reports_readiness=True) == S.started

    def test_a_running_attempt_cannot_start_again(self):
        with pytest.raises(StudentExamAttemptedAlreadyStarted):
            outcome("start", Actor.learner, S.started, has_started=True)
        assert outcome("start", Actor.learner, S.ready_to_submit, has_started=True) == S.started

    def test_a_running_attempt_read_from_the_database_cannot_start_again(self):
        status_from_a_row = "".join(["star", "ted"])  # equal to S.started, but not the same str object
        assert status_from_a_row == S.started and status_from_a_row is not S.started
        with pytest.raises(StudentExamAttemptedAlreadyStarted):
            outcome("start", Actor.learner, status_from_a_row, has_started=True)

    def test_stops_a_running_attempt_to_review_it(self):
        assert table("stop", Actor.learner) == expected(
            [({S.started}, S.ready_to_submit)], "refused", unchanged={S.ready_to_submit}
        )

    def test_submits_a_running_or_timed_out_attempt(self):
        assert table("submit", Actor.learner) == expected(
            [(RUNNING | {S.timed_out}, S.submitted)], "refused", unchanged={S.submitted}
        )

    def test_declines_only_before_starting(self):
        assert table("decline", Actor.learner) == expected([(PRE_START, S.declined)], "refused", unchanged={S.declined})

    def test_reports_an_error_only_while_running(self):
        assert table("error", Actor.learner) == expected([(RUNNING, S.error)], "refused", unchanged={S.error})

    def test_resets_an_ended_practice_attempt_unless_it_was_verified_or_submitted(self):
        resettable = COMPLETED - {S.verified, S.submitted}
        assert table("retake_practice", Actor.learner, is_practice_exam=True) == expected(
            [(resettable, S.onboarding_reset)], "refused"
        )
        assert table("retake_practice", Actor.learner) == expected([], "refused")

    def test_cannot_make_the_moves_of_the_vendor_staff_or_system(self):
        for action in ("ready", "review", "set_status", "mark_ready_to_resume", "remove", "time_out", "sweep"):
            with pytest.raises(ProctoredExamIllegalStatusTransition, match="cannot be made by a learner"):
                move_for(action=action, actor=Actor.learner)

    def test_a_refusal_names_the_action_the_actor_and_the_current_status(self):
        with pytest.raises(ProctoredExamIllegalStatusTransition) as refused:
            decide(action="submit", actor=Actor.learner, state=AttemptState(status=S.rejected, attempt_id=7))
        message = str(refused.value)
        assert "'submit'" in message and "learner" in message and "'rejected'" in message and "7" in message


# The attempt's vendor.


class TestVendor:
    def test_reports_ready_before_the_start_and_is_ignored_after(self):
        assert table("ready", Actor.vendor) == expected(
            [({S.created, S.download_software_clicked}, S.ready_to_start)], "ignored"
        )

    @pytest.mark.parametrize("verdict", sorted(REVIEW_OUTCOMES))
    def test_reviews_a_reviewable_attempt_but_never_rewrites_a_final_verdict(self, verdict):
        assert table("review", Actor.vendor, verdict) == expected([(REVIEWABLE - VERDICTS, verdict)], "ignored")

    def test_rewrites_a_final_verdict_when_review_updates_are_allowed(self):
        assert table("review", Actor.vendor, S.verified, review_updates_allowed=True) == expected(
            [(REVIEWABLE, S.verified)], "ignored"
        )

    def test_a_review_outcome_must_be_a_verdict_and_must_be_named(self):
        assert outcome("review", Actor.vendor, S.submitted, S.started) == "ignored"
        assert outcome("review", Actor.vendor, S.submitted, S.submitted) == "ignored"
        assert outcome("review", Actor.vendor, S.submitted) == "refused"

    def test_submits_a_running_attempt_when_its_software_relaunches(self):
        assert table("submit_on_relaunch", Actor.vendor) == expected([(RUNNING, S.submitted)], "ignored")

    def test_cannot_start_submit_or_remove(self):
        for action in ("start", "submit", "remove", "set_status", "create"):
            with pytest.raises(ProctoredExamIllegalStatusTransition):
                move_for(action=action, actor=Actor.vendor)


# Course or global staff.


class TestStaff:
    def test_a_second_review_may_change_a_final_verdict(self):
        assert table("review", Actor.staff, S.rejected) == expected([(REVIEWABLE, S.rejected)], "ignored")

    @pytest.mark.parametrize(
        "target",
        sorted(REVIEW_OUTCOMES | {S.submitted, S.timed_out, S.declined}),
    )
    def test_sets_an_outcome_by_hand_on_any_attempt_but_a_running_or_reset_one(self, target):
        sources = REVIEWABLE | PRE_START | ONBOARDING_ERRORS | {S.declined}
        assert table("set_status", Actor.staff, target) == expected([(sources, target)], "refused")

    @pytest.mark.parametrize("target", sorted(INCOMPLETE | ONBOARDING_ERRORS | {S.expired, S.onboarding_reset}))
    def test_never_sets_a_running_state_or_a_pseudo_status_by_hand(self, target):
        assert table("set_status", Actor.staff, target) == expected([], "refused")

    def test_marks_a_resumable_errored_attempt_ready_to_resume(self):
        assert table("mark_ready_to_resume", Actor.staff, is_resumable=True) == expected(
            [({S.error}, READY_TO_RESUME_FLAG)], "refused"
        )
        with pytest.raises(ProctoredExamIllegalResumeUpdate):
            outcome("mark_ready_to_resume", Actor.staff, S.error)

    def test_removes_an_attempt_in_any_status(self):
        assert table("remove", Actor.staff) == expected([(EVERY_STATUS, REMOVED)], "refused")

    def test_cannot_start_or_submit_for_a_learner(self):
        for action in ("start", "submit", "decline", "error", "create"):
            with pytest.raises(ProctoredExamIllegalStatusTransition, match="cannot be made by a staff"):
                move_for(action=action, actor=Actor.staff)


# This package.


class TestSystem:
    @pytest.mark.parametrize("action", ["time_out", "sweep"])
    def test_times_out_only_a_running_attempt(self, action):
        assert table(action, Actor.system) == expected([(RUNNING, S.timed_out)], "ignored")

    def test_declines_the_other_exams_that_have_not_ended(self):
        assert table("decline", Actor.system) == expected([(INCOMPLETE, S.declined)], "ignored")

    def test_marks_an_attempt_resumed_only_in_a_resume_process(self):
        assert table("mark_resumed", Actor.system, ready_to_resume=True) == expected(
            [(EVERY_STATUS, RESUMED_FLAG)], "refused"
        )
        assert outcome("mark_resumed", Actor.system, S.error, resumed=True) == RESUMED_FLAG
        with pytest.raises(ProctoredExamIllegalResumeUpdate):
            outcome("mark_resumed", Actor.system, S.error)

    def test_creates_and_removes(self):
        assert outcome("create", Actor.system, NO_ATTEMPT, S.created) == S.created
        assert outcome("create", Actor.system, S.created, S.created) == "refused"
        assert table("remove", Actor.system) == expected([(EVERY_STATUS, REMOVED)], "refused")


# edx-platform through the Python api, and the operator's commands.


class TestHostKeeps61xSemantics:
    @pytest.mark.parametrize("target", sorted(INCOMPLETE))
    def test_sets_any_incomplete_status_unless_the_attempt_has_ended(self, target):
        assert table("update_status", Actor.host, target) == expected([(EVERY_STATUS - COMPLETED, target)], "refused")

    @pytest.mark.parametrize("target", sorted(COMPLETED))
    def test_sets_any_completed_status_from_anywhere(self, target):
        assert table("update_status", Actor.host, target) == expected([(EVERY_STATUS, target)], "refused")

    @pytest.mark.parametrize("target", [S.expired, S.onboarding_reset])
    def test_sets_the_6_1_statuses_outside_both_classes_from_anywhere(self, target):
        assert table("update_status", Actor.host, target) == expected([(EVERY_STATUS, target)], "refused")

    def test_sets_the_legacy_eligible_status_like_any_incomplete_one_except_on_an_ended_attempt(self):
        assert table("update_status", Actor.host, S.eligible) == expected(
            [(EVERY_STATUS - COMPLETED, S.eligible)], "refused"
        )

    @pytest.mark.parametrize(
        ("action", "target"),
        [("start", S.started), ("stop", S.ready_to_submit), ("ready", S.ready_to_start)],
    )
    def test_moves_to_a_running_state_from_anything_but_an_ended_attempt(self, action, target):
        assert table(action, Actor.host) == expected([(EVERY_STATUS - COMPLETED, target)], "refused")

    def test_times_out_an_attempt_in_any_status(self):
        assert table("time_out", Actor.host) == expected([(EVERY_STATUS, S.timed_out)], "refused")

    def test_a_host_start_of_a_running_attempt_is_the_already_started_error(self):
        with pytest.raises(StudentExamAttemptedAlreadyStarted):
            outcome("start", Actor.host, S.started, has_started=True)

    def test_resets_any_ended_practice_attempt_but_a_verified_one(self):
        assert table("retake_practice", Actor.host, is_practice_exam=True) == expected(
            [(COMPLETED - {S.verified}, S.onboarding_reset)], "refused"
        )
        assert outcome("retake_practice", Actor.host, S.error) == "refused"

    def test_marks_any_resumable_attempt_ready_to_resume_and_removes_any(self):
        assert table("mark_ready_to_resume", Actor.host, is_resumable=True) == expected(
            [(EVERY_STATUS, READY_TO_RESUME_FLAG)], "refused"
        )
        with pytest.raises(ProctoredExamIllegalResumeUpdate):
            outcome("mark_ready_to_resume", Actor.host, S.started)
        assert table("remove", Actor.host) == expected([(EVERY_STATUS, REMOVED)], "refused")

    def test_creates_where_there_is_no_attempt(self):
        assert outcome("create", Actor.host, NO_ATTEMPT, S.onboarding_missing) == S.onboarding_missing
        assert outcome("create", Actor.host, S.submitted, S.created) == "refused"


class TestOperator:
    @pytest.mark.parametrize("target", sorted(INCOMPLETE | COMPLETED))
    def test_forces_any_real_status_from_any_status(self, target):
        assert table("set_status", Actor.operator, target) == expected([(EVERY_STATUS, target)], "refused")

    def test_never_forces_a_pseudo_status_and_may_remove(self):
        assert table("set_status", Actor.operator, S.expired) == expected([], "refused")
        assert table("remove", Actor.operator) == expected([(EVERY_STATUS, REMOVED)], "refused")


# The table as a whole.


class TestTool:
    """An LTI proctoring tool through its registration: the launch side (a valid LtiStartAssessment)."""

    def test_a_start_assessment_is_the_ready_step_and_a_relaunch_changes_nothing(self):
        assert table("ready", Actor.tool) == expected(
            [({S.created, S.download_software_clicked}, S.ready_to_start)],
            "refused",
            unchanged={S.ready_to_start, S.started, S.ready_to_submit},
        )

    def test_lets_the_learner_in_once_ready_and_a_relaunch_of_a_running_attempt_changes_nothing(self):
        assert table("start", Actor.tool, taking_as_proctored=True, vendor_reports_readiness=True) == expected(
            [({S.ready_to_start}, S.started)], "refused", unchanged={S.started, S.ready_to_submit}
        )
        assert outcome("start", Actor.tool, S.started, has_started=True) == "unchanged"

    def test_one_running_exam_per_course_holds_for_the_tools_start_too(self):
        with pytest.raises(AnotherExamInProgressException):
            outcome("start", Actor.tool, S.ready_to_start, other_running_exam="Midterm")
        assert outcome("start", Actor.tool, S.ready_to_start, other_running_exam=None) == S.started


class TestToolControlService:
    """An LTI proctoring tool through the Assessment Control Service: the staff's time moves, and terminate."""

    @pytest.mark.parametrize(
        ("action", "target", "state"),
        [
            ("pause", actions.CLOCK_STOPPED, {"seconds_remaining": 60}),
            ("resume", actions.CLOCK_RUNNING, {"paused": True}),
            ("extend", actions.TIME_EXTENDED, {"seconds_remaining": 60, "requested_minutes": 10}),
        ],
    )
    def test_moves_the_clock_of_a_running_attempt_only(self, action, target, state):
        assert table(action, Actor.tool, **state) == expected([(RUNNING, target)], "refused")

    def test_the_clock_moves_keep_the_staff_guards(self):
        assert outcome("pause", Actor.tool, S.started, paused=True, seconds_remaining=60) == "refused"
        assert outcome("pause", Actor.tool, S.started, on_break=True, seconds_remaining=60) == "refused"
        assert outcome("pause", Actor.tool, S.started, seconds_remaining=0) == "refused"
        assert outcome("resume", Actor.tool, S.started) == "refused"
        assert outcome("extend", Actor.tool, S.started, seconds_remaining=60, requested_minutes=0) == "refused"
        too_much = {"seconds_remaining": 60, "requested_minutes": 10, "extension_minutes": 14395}
        assert outcome("extend", Actor.tool, S.started, **too_much) == "refused"
        assert outcome("extend", Actor.tool, S.started, paused=True, requested_minutes=5) == actions.TIME_EXTENDED

    def test_terminate_submits_a_running_attempt_once(self):
        assert table("submit", Actor.tool) == expected(
            [(RUNNING | {S.timed_out}, S.submitted)], "refused", unchanged={S.submitted}
        )

    @pytest.mark.parametrize("target", [S.error, S.second_review_required])
    def test_then_the_reason_code_mapping_picks_error_or_a_second_review(self, target):
        assert table("terminate", Actor.tool, target) == expected([({S.submitted}, target)], "refused")

    @pytest.mark.parametrize("target", [S.verified, S.rejected, S.submitted, S.declined])
    def test_a_tool_never_gives_a_verdict(self, target):
        assert outcome("terminate", Actor.tool, S.submitted, target) == "refused"

    @pytest.mark.parametrize("action", ["revoke_extension", "review", "set_status", "remove", "decline", "error"])
    def test_nothing_else(self, action):
        with pytest.raises(ProctoredExamIllegalStatusTransition, match="cannot be made by a tool"):
            move_for(action=action, actor=Actor.tool)


class TestTheTable:
    def test_an_unknown_action_is_not_an_attempt_action(self):
        with pytest.raises(ProctoredExamIllegalStatusTransition, match="not an attempt action"):
            move_for(action="teleport", actor=Actor.learner)

    def test_an_unknown_actor_is_refused(self):
        with pytest.raises(ValueError):
            move_for(action="submit", actor="hacker")

    def test_only_the_practice_reset_moves_have_no_side_effects(self):
        without = {(move.action, move.actor) for move in actions.rows() if not move.side_effects}
        assert without == {("retake_practice", Actor.learner), ("retake_practice", Actor.host)}

    def test_each_action_actor_pair_has_exactly_one_row(self):
        pairs = [(move.action, move.actor) for move in actions.rows()]
        assert len(pairs) == len(set(pairs)) == len(actions.MOVES)
        assert {action for action, _actor in pairs} == actions.ACTIONS

    def test_the_6_1_x_rule_forbids_only_going_back_from_ended_to_not_ended(self):
        assert not actions.is_state_transition_legal(S.verified, S.started)
        assert not actions.is_state_transition_legal(S.error, S.created)
        assert actions.is_state_transition_legal(S.started, S.verified)
        assert actions.is_state_transition_legal(S.verified, S.rejected)
        assert actions.is_state_transition_legal(S.created, S.started)
