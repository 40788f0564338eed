"""The page decisions, as pure functions of the learner's state (every status, every flag)."""

import itertools

import pytest

from edx_proctoring.statuses import ProctoredExamStudentAttemptStatus as Status
from edx_proctoring.student_view.selection import (
    CONTENT,
    LearnerState,
    onboarding_exam_page,
    practice_exam_page,
    proctored_exam_page,
    timed_exam_page,
)

STORED_STATUSES = [value for name, value in vars(Status).items() if isinstance(value, str) and not name.startswith("_")]
ALL_STATES = [None, *STORED_STATUSES]
DEADLINE = "2026-06-02T12:00:00+00:00"


def _timed_states():
    for status, past_due, hide_after_due, wait in itertools.product(
        ALL_STATES, (False, True), (False, True), (None, DEADLINE)
    ):
        yield LearnerState(status=status, past_due=past_due, hide_after_due=hide_after_due, wait_deadline=wait)


@pytest.mark.parametrize("state", list(_timed_states()), ids=repr)
def test_timed_exam_content_only_while_the_clock_runs_or_after_a_finished_exam_is_due(state):
    page = timed_exam_page(state)
    running = state.status == Status.started and not state.past_due
    revealed = (
        state.status in (Status.submitted, Status.timed_out)
        and state.past_due
        and not state.hide_after_due
        and not state.wait_deadline
    )
    assert (page == CONTENT) == (running or revealed)


@pytest.mark.parametrize(
    ("status", "past_due", "template"),
    [
        (None, False, "timed_exam/entrance.html"),
        (None, True, "timed_exam/expired.html"),
        (Status.created, False, "timed_exam/entrance.html"),
        (Status.created, True, "timed_exam/expired.html"),
        (Status.download_software_clicked, False, "timed_exam/entrance.html"),
        (Status.ready_to_start, True, "timed_exam/expired.html"),
        (Status.started, True, "timed_exam/expired.html"),
        (Status.ready_to_submit, False, "timed_exam/ready_to_submit.html"),
        (Status.ready_to_submit, True, "timed_exam/expired.html"),
        (Status.submitted, False, "timed_exam/submitted.html"),
        (Status.timed_out, False, "timed_exam/submitted.html"),
        (Status.error, False, "timed_exam/error.html"),
        (Status.error, True, "timed_exam/error.html"),
        (Status.declined, True, "timed_exam/submitted.html"),
        (Status.verified, True, "timed_exam/submitted.html"),
        (Status.rejected, False, "timed_exam/submitted.html"),
    ],
)
def test_timed_exam_pages(status, past_due, template):
    assert timed_exam_page(LearnerState(status=status, past_due=past_due)).template == template


@pytest.mark.parametrize(
    ("past_due", "template"), [(False, "timed_exam/entrance.html"), (True, "timed_exam/expired.html")]
)
def test_timed_error_ready_to_resume(past_due, template):
    state = LearnerState(status=Status.error, ready_to_resume=True, past_due=past_due)
    assert timed_exam_page(state).template == template


def test_timed_submitted_past_due_waits_for_the_grace_period():
    page = timed_exam_page(LearnerState(status=Status.submitted, past_due=True, wait_deadline=DEADLINE))
    assert page.template == "timed_exam/submitted.html"
    assert page.show_wait_deadline


@pytest.mark.parametrize("decide", [practice_exam_page, onboarding_exam_page, proctored_exam_page])
@pytest.mark.parametrize("status", ALL_STATES)
def test_no_permission_means_content_for_every_proctored_kind(decide, status):
    assert decide(LearnerState(status=status, may_take_proctored_exam=False)) == CONTENT


@pytest.mark.parametrize("status", ALL_STATES)
def test_proctored_exam_shows_content_only_when_started_declined_or_acknowledged(status):
    for flags in itertools.product((False, True), repeat=4):
        past_due, blocks, acknowledged, viewable = flags
        state = LearnerState(
            status=status,
            past_due=past_due,
            past_due_for_everyone=past_due,
            blocks_exam_material=blocks,
            status_acknowledged=acknowledged,
            content_viewable_past_due=viewable,
            prerequisites={"are_prerequisites_satisifed": True},
        )
        finished = status in (
            Status.submitted,
            Status.timed_out,
            Status.second_review_required,
            Status.verified,
            Status.rejected,
        )
        allowed = (
            status == Status.declined
            or (status == Status.started and not past_due and not blocks)
            or (finished and past_due and acknowledged and viewable)
        )
        assert (proctored_exam_page(state) == CONTENT) == allowed, flags


def test_proctored_declined_prerequisite_declines_the_exam():
    page = proctored_exam_page(
        LearnerState(
            status=None,
            prerequisites={
                "are_prerequisites_satisifed": False,
                "declined_prerequisites": [{"name": "x"}],
                "failed_prerequisites": [{"name": "y"}],
            },
        )
    )
    assert page.template is None
    assert page.decline_attempt


def test_proctored_verified_with_a_running_grace_period_keeps_the_verified_page():
    state = LearnerState(
        status=Status.verified,
        past_due=True,
        past_due_for_everyone=True,
        status_acknowledged=True,
        content_viewable_past_due=True,
        wait_deadline=DEADLINE,
    )
    page = proctored_exam_page(state)
    assert page.template == "proctored_exam/verified.html"
    assert page.show_wait_deadline


@pytest.mark.parametrize(
    ("status", "practice", "onboarding"),
    [
        (None, "practice_exam/entrance.html", "onboarding_exam/entrance.html"),
        (Status.created, "proctored_exam/instructions.html", "proctored_exam/instructions.html"),
        (Status.download_software_clicked, "proctored_exam/instructions.html", "proctored_exam/instructions.html"),
        (Status.ready_to_start, "proctored_exam/ready_to_start.html", "proctored_exam/ready_to_start.html"),
        (Status.started, None, None),
        (Status.ready_to_submit, "proctored_exam/ready_to_submit.html", "onboarding_exam/ready_to_submit.html"),
        (Status.error, "practice_exam/error.html", "onboarding_exam/error.html"),
        (Status.submitted, "practice_exam/submitted.html", "onboarding_exam/submitted.html"),
        (Status.second_review_required, "practice_exam/submitted.html", "onboarding_exam/submitted.html"),
        (Status.timed_out, "practice_exam/submitted.html", "onboarding_exam/submitted.html"),
        (Status.verified, "practice_exam/submitted.html", "onboarding_exam/verified.html"),
        (Status.rejected, "practice_exam/submitted.html", "onboarding_exam/rejected.html"),
        (Status.declined, None, None),
    ],
)
def test_practice_and_onboarding_pages(status, practice, onboarding):
    assert practice_exam_page(LearnerState(status=status)).template == practice
    assert onboarding_exam_page(LearnerState(status=status)).template == onboarding


def test_onboarding_past_due_without_attempt_is_expired_but_practice_is_not():
    state = LearnerState(status=None, past_due=True)
    assert onboarding_exam_page(state).template == "proctored_exam/expired.html"
    assert practice_exam_page(state).template == "practice_exam/entrance.html"


@pytest.mark.parametrize("decide", [practice_exam_page, onboarding_exam_page, proctored_exam_page])
def test_wrong_browser_when_the_backend_blocks_a_started_attempt(decide):
    page = decide(LearnerState(status=Status.started, blocks_exam_material=True))
    assert page.template == "proctored_exam/error_wrong_browser.html"
