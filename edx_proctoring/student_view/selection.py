"""Which interstitial a learner sees for their state on a special exam: one decision function per exam kind.

The functions are pure: every fact they need is gathered beforehand into a `LearnerState`, and they
return a `Page` saying which template to render (``template=None`` means "show the exam content") and
which side effect the caller performs (auto-declining, the ``option-presented`` event). The first
matching rule wins, in the order written below.

Where the historic decision lists fell through to the exam content for a state they did not foresee,
these functions show an interstitial instead; each such choice is noted in the function's docstring.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from edx_proctoring.statuses import (
    AWAITING_REVIEW_STATUSES,
    AWAITING_SETUP_STATUSES,
    FINISHED_STATUSES,
    ONBOARDING_ERROR_STATUSES,
    PRE_START_STATUSES,
)
from edx_proctoring.statuses import ProctoredExamStudentAttemptStatus as Status


@dataclass(frozen=True)
class LearnerState:
    """What the page choice depends on, for one learner and one exam.

    `status` is None when the learner has no attempt. `past_due` is the learner's own due date (or,
    for a timed exam without one, the course end); `past_due_for_everyone` ignores personal dates.
    `wait_deadline` is the end of the grace period (ISO text) while it is still ahead, else None.
    """

    status: str | None
    past_due: bool = False
    past_due_for_everyone: bool = False
    hide_after_due: bool = False
    wait_deadline: str | None = None
    may_take_proctored_exam: bool = True
    user_is_active: bool = True
    ready_to_resume: bool = False
    blocks_exam_material: bool = False
    status_acknowledged: bool = False
    content_viewable_past_due: bool = False
    prerequisites: dict = field(default_factory=dict)

    @property
    def incomplete(self) -> bool:
        return self.status is not None and Status.is_incomplete_status(self.status)


@dataclass(frozen=True)
class Page:
    """The outcome of a decision: a template (None = the exam content) and what else to do."""

    template: str | None
    show_wait_deadline: bool = False
    decline_attempt: bool = False
    option_presented: bool = False
    onboarding_error: bool = False


CONTENT = Page(template=None)


def _page(template: str, **flags: bool) -> Page:
    return Page(template=template, **flags)


# --- timed exams ---------------------------------------------------------------------------------------


def timed_exam_page(state: LearnerState) -> Page:
    """The page of a timed (unproctored) exam.

    The content is shown only while the clock runs (``started``), or once the learner has finished and
    the due date has passed, unless the course hides it after the due date or the grace period is still
    running. Differences from the historic list, all so that content never shows outside those cases:

    * the pre-start statuses a formerly proctored exam may leave behind (``download_software_clicked``,
      ``ready_to_start``) are treated like ``created``: the entrance page, or the expired page past due;
    * ``timed_out`` (kept when ALLOW_TIMED_OUT_STATE is on) is a submission made by the clock, so it
      follows the ``submitted`` rules instead of raising NotImplementedError;
    * ``second_review_required``, ``verified`` and ``rejected`` (an exam that stopped being proctored)
      show the submitted page, whatever the due date;
    * ``error`` shows ``timed_exam/error.html``, a page of our own: the attempt ended abnormally and the
      course team has to act; once staff mark it ready to resume, the entrance page offers to continue
      with the saved time (the expired page past due, since no new attempt can start then);
    * any other status (``declined``, ``expired``, the onboarding statuses...) shows the submitted page:
      the learner's attempt is over and nothing entitles them to the content.
    """
    status = state.status
    if status is None or status in PRE_START_STATUSES:
        return _page("timed_exam/expired.html" if state.past_due else "timed_exam/entrance.html")
    if state.past_due and state.incomplete:
        return _page("timed_exam/expired.html")
    if state.ready_to_resume:
        return _page("timed_exam/expired.html" if state.past_due else "timed_exam/entrance.html")
    if status == Status.started:
        return CONTENT
    if status == Status.ready_to_submit:
        return _page("timed_exam/ready_to_submit.html")
    if status in (Status.submitted, Status.timed_out):
        if state.past_due and not state.hide_after_due:
            if state.wait_deadline:
                return _page("timed_exam/submitted.html", show_wait_deadline=True)
            return CONTENT
        return _page("timed_exam/submitted.html")
    if status == Status.error:
        return _page("timed_exam/error.html")
    return _page("timed_exam/submitted.html")


# --- proctored practice exams --------------------------------------------------------------------------


def practice_exam_page(state: LearnerState) -> Page:
    """The page of a proctored practice exam whose backend has no onboarding.

    Differences from the historic list: ``timed_out``, ``second_review_required``, ``verified`` and
    ``rejected`` show the practice submitted page (where the learner can try again) instead of the bare
    content; ``declined`` and unknown statuses still show the content (a practice exam grades nothing).
    """
    if not state.may_take_proctored_exam:
        return CONTENT
    if not state.user_is_active:
        return _page("proctored_exam/inactive_account.html")
    status = state.status
    if status is None:
        return _page("practice_exam/entrance.html")
    if state.ready_to_resume:
        return _page("proctored_exam/ready_to_resume.html")
    if status == Status.started:
        return _page("proctored_exam/error_wrong_browser.html") if state.blocks_exam_material else CONTENT
    if status in AWAITING_SETUP_STATUSES:
        return _page("proctored_exam/instructions.html")
    if status == Status.ready_to_start:
        return _page("proctored_exam/ready_to_start.html")
    if status == Status.error:
        return _page("practice_exam/error.html")
    if status in FINISHED_STATUSES:
        return _page("practice_exam/submitted.html")
    if status == Status.ready_to_submit:
        return _page("proctored_exam/ready_to_submit.html")
    return CONTENT


# --- onboarding exams ----------------------------------------------------------------------------------


def onboarding_exam_page(state: LearnerState) -> Page:
    """The page of a proctored practice exam whose backend uses it to onboard learners.

    Differences from the historic list: a ``started`` attempt in a browser the backend blocks shows the
    wrong-browser page (as practice and proctored exams do) instead of the content; ``timed_out`` shows
    the onboarding submitted page instead of the content.
    """
    if not state.may_take_proctored_exam:
        return CONTENT
    if not state.user_is_active:
        return _page("proctored_exam/inactive_account.html")
    status = state.status
    if status is None:
        return _page("proctored_exam/expired.html" if state.past_due else "onboarding_exam/entrance.html")
    if state.ready_to_resume:
        return _page("proctored_exam/ready_to_resume.html")
    if status == Status.started:
        return _page("proctored_exam/error_wrong_browser.html") if state.blocks_exam_material else CONTENT
    if status in AWAITING_SETUP_STATUSES:
        return _page("proctored_exam/instructions.html")
    if status == Status.ready_to_start:
        return _page("proctored_exam/ready_to_start.html")
    if status == Status.error:
        return _page("onboarding_exam/error.html")
    if status in AWAITING_REVIEW_STATUSES:
        return _page("onboarding_exam/submitted.html")
    if status == Status.ready_to_submit:
        return _page("onboarding_exam/ready_to_submit.html")
    if status == Status.verified:
        return _page("onboarding_exam/verified.html")
    if status == Status.rejected:
        return _page("onboarding_exam/rejected.html")
    return CONTENT


# --- proctored exams -----------------------------------------------------------------------------------


def _prerequisites_page(state: LearnerState) -> Page:
    prerequisites = state.prerequisites
    if prerequisites.get("are_prerequisites_satisifed", True):
        return _page("proctored_exam/entrance.html", option_presented=True)
    if prerequisites.get("declined_prerequisites"):
        return Page(template=None, decline_attempt=True)
    if prerequisites.get("failed_prerequisites"):
        return _page("proctored_exam/failed-prerequisites.html")
    return _page("proctored_exam/pending-prerequisites.html")


def _review_outcome_page(state: LearnerState, template: str) -> Page:
    """A finished attempt's page, or the content once acknowledged past due when the platform allows it."""
    content_allowed = state.content_viewable_past_due and state.status_acknowledged and state.past_due_for_everyone
    if state.status == Status.verified and state.wait_deadline:
        return _page(template, show_wait_deadline=True)
    return CONTENT if content_allowed else _page(template)


def proctored_exam_page(state: LearnerState) -> Page:
    """The page of a proctored (non-practice) exam.

    Differences from the historic list: ``timed_out`` (ALLOW_TIMED_OUT_STATE) shows the submitted page,
    with the same "acknowledged past due" rule, instead of raising NotImplementedError; an ``expired``
    attempt shows the expired page and any other unforeseen status (``onboarding_reset``...) shows the
    error page, instead of the content of a proctored exam taken without proctoring. An attempt ready
    to resume past the due date shows the expired page rather than a resume button that could only
    fail (no attempt at a proctored exam can be created past its due date).
    """
    if not state.may_take_proctored_exam:
        return CONTENT
    status = state.status
    if status == Status.declined:
        return CONTENT
    if not state.user_is_active:
        return _page("proctored_exam/inactive_account.html")
    if status is None:
        if state.past_due:
            return _page("proctored_exam/expired.html")
        return _prerequisites_page(state)
    if state.past_due and (state.incomplete or state.ready_to_resume):
        return _page("proctored_exam/expired.html")
    if state.ready_to_resume:
        return _page("proctored_exam/ready_to_resume.html")
    if status == Status.started:
        return _page("proctored_exam/error_wrong_browser.html") if state.blocks_exam_material else CONTENT
    if status in AWAITING_SETUP_STATUSES:
        return _page("proctored_exam/instructions.html")
    if status == Status.ready_to_start:
        return _page("proctored_exam/ready_to_start.html")
    if status == Status.error:
        return _page("proctored_exam/error.html")
    if status in AWAITING_REVIEW_STATUSES:
        return _review_outcome_page(state, "proctored_exam/submitted.html")
    if status == Status.verified:
        return _review_outcome_page(state, "proctored_exam/verified.html")
    if status == Status.rejected:
        return _review_outcome_page(state, "proctored_exam/rejected.html")
    if status == Status.ready_to_submit:
        return _page("proctored_exam/ready_to_submit.html")
    if status in ONBOARDING_ERROR_STATUSES:
        return _page("proctored_exam/onboarding_error.html", onboarding_error=True)
    if status == Status.expired:
        return _page("proctored_exam/expired.html")
    return _page("proctored_exam/error.html")
