"""Status vocabularies: attempt statuses, review verdicts and onboarding states.

The strings are stored in the database and exchanged with vendors and front-ends, so they never change
and are never translated.
"""

from edx_proctoring.exceptions import ProctoredExamBadReviewStatus


class ProctoredExamStudentAttemptStatus:
    """Every status an attempt row can hold, plus the two pseudo-statuses used only in summaries."""

    eligible = "eligible"
    created = "created"
    download_software_clicked = "download_software_clicked"
    ready_to_start = "ready_to_start"
    started = "started"
    ready_to_submit = "ready_to_submit"
    declined = "declined"
    timed_out = "timed_out"
    submitted = "submitted"
    second_review_required = "second_review_required"
    verified = "verified"
    rejected = "rejected"
    error = "error"
    expired = "expired"
    onboarding_reset = "onboarding_reset"
    onboarding_missing = "onboarding_missing"
    onboarding_pending = "onboarding_pending"
    onboarding_failed = "onboarding_failed"
    onboarding_expired = "onboarding_expired"

    onboarding_errors = (onboarding_missing, onboarding_pending, onboarding_failed, onboarding_expired)

    @classmethod
    def is_completed_status(cls, status):
        """A terminal status: the learner can no longer work on the attempt."""
        return status in COMPLETED_STATUSES

    @classmethod
    def is_incomplete_status(cls, status):
        """The attempt has not ended yet (including the `eligible` pseudo-status)."""
        return status in INCOMPLETE_STATUSES

    @classmethod
    def is_valid_status(cls, status):
        """Statuses an operator may set by hand (`expired` and `onboarding_reset` are excluded)."""
        return cls.is_completed_status(status) or cls.is_incomplete_status(status)

    @classmethod
    def is_pre_started_status(cls, status):
        return status in PRE_START_STATUSES

    @classmethod
    def is_in_progress_status(cls, status):
        return status in RUNNING_STATUSES

    @classmethod
    def needs_credit_status_update(cls, to_status):
        return to_status in CREDIT_RELEVANT_STATUSES

    @classmethod
    def needs_grade_override(cls, to_status):
        return to_status == cls.rejected

    @classmethod
    def is_a_cascadable_failure(cls, to_status):
        return to_status == cls.declined


# -- named groups of attempt statuses: every module (and, through `js_config`, the JavaScript) uses these ----

_S = ProctoredExamStudentAttemptStatus

# Before the exam clock starts.
PRE_START_STATUSES = frozenset({_S.created, _S.download_software_clicked, _S.ready_to_start})
# Before the vendor reports the learner's computer ready: the setup instructions are still shown.
AWAITING_SETUP_STATUSES = frozenset({_S.created, _S.download_software_clicked})
# The exam clock runs (or is paused by staff or a break, which the clock knows, not the status).
RUNNING_STATUSES = frozenset({_S.started, _S.ready_to_submit})
INCOMPLETE_STATUSES = frozenset({_S.eligible}) | PRE_START_STATUSES | RUNNING_STATUSES
ONBOARDING_ERROR_STATUSES = frozenset(_S.onboarding_errors)
COMPLETED_STATUSES = (
    frozenset({_S.declined, _S.timed_out, _S.submitted, _S.second_review_required, _S.verified, _S.rejected, _S.error})
    | ONBOARDING_ERROR_STATUSES
)
# The learner finished the exam (a timeout is a submission by the clock).
FINISHED_STATUSES = frozenset({_S.submitted, _S.timed_out, _S.second_review_required, _S.verified, _S.rejected})
# Submitted and still waiting for the review's verdict.
AWAITING_REVIEW_STATUSES = frozenset({_S.submitted, _S.timed_out, _S.second_review_required})
# A move into one of these updates the learner's credit requirement (and its removal removes it).
CREDIT_RELEVANT_STATUSES = frozenset({_S.verified, _S.rejected, _S.declined, _S.submitted, _S.error})
# What staff may set by hand in the Django admin: outcomes, never a running state (that would start clocks).
STAFF_SETTABLE_STATUSES = frozenset(
    {_S.submitted, _S.timed_out, _S.second_review_required, _S.verified, _S.rejected, _S.error, _S.declined}
)
# Every status a row is stored with in the normal course of an attempt, in lifecycle order (admin choices).
LIFECYCLE_ORDER = (
    _S.created,
    _S.download_software_clicked,
    _S.ready_to_start,
    _S.started,
    _S.ready_to_submit,
    _S.declined,
    _S.timed_out,
    _S.submitted,
    _S.second_review_required,
    _S.verified,
    _S.rejected,
    _S.error,
)

STATUS_GROUPS: dict[str, frozenset[str]] = {
    "pre_start": PRE_START_STATUSES,
    "awaiting_setup": AWAITING_SETUP_STATUSES,
    "running": RUNNING_STATUSES,
    "incomplete": INCOMPLETE_STATUSES,
    "completed": COMPLETED_STATUSES,
    "finished": FINISHED_STATUSES,
    "awaiting_review": AWAITING_REVIEW_STATUSES,
    "onboarding_errors": ONBOARDING_ERROR_STATUSES,
    "credit_relevant": CREDIT_RELEVANT_STATUSES,
    "staff_settable": STAFF_SETTABLE_STATUSES,
}


class ReviewStatus:
    """The standard (REST provider spec) review verdicts."""

    passed = "passed"
    violation = "violation"
    suspicious = "suspicious"
    not_reviewed = "not_reviewed"

    @classmethod
    def validate(cls, status):
        if status not in (cls.passed, cls.violation, cls.suspicious, cls.not_reviewed):
            raise ProctoredExamBadReviewStatus(status)
        return True


class SoftwareSecureReviewStatus:
    """PSI RPNow verdict strings; review rows always store these."""

    clean = "Clean"
    violation = "Rules Violation"
    suspicious = "Suspicious"
    not_reviewed = "Not Reviewed"

    passing_statuses = [clean, violation]
    failing_statuses = [not_reviewed, suspicious]
    notify_support_for_status = suspicious

    from_standard_status = {
        ReviewStatus.passed: clean,
        ReviewStatus.violation: violation,
        ReviewStatus.suspicious: suspicious,
        ReviewStatus.not_reviewed: not_reviewed,
    }
    to_standard_status = {value: key for key, value in from_standard_status.items()}

    @classmethod
    def validate(cls, status):
        if status not in cls.to_standard_status:
            raise ProctoredExamBadReviewStatus(status)
        return True


class InstructorDashboardOnboardingAttemptStatus:
    """Onboarding states shown to course staff in the onboarding panel."""

    not_started = "not_started"
    setup_started = "setup_started"
    onboarding_started = "onboarding_started"
    other_course_approved = "other_course_approved"
    submitted = ProctoredExamStudentAttemptStatus.submitted
    verified = ProctoredExamStudentAttemptStatus.verified
    rejected = ProctoredExamStudentAttemptStatus.rejected
    error = ProctoredExamStudentAttemptStatus.error
    expired = ProctoredExamStudentAttemptStatus.expired
    onboarding_reset_past_due = "onboarding_reset_past_due"

    onboarding_statuses = {
        ProctoredExamStudentAttemptStatus.created: setup_started,
        ProctoredExamStudentAttemptStatus.download_software_clicked: setup_started,
        ProctoredExamStudentAttemptStatus.ready_to_start: setup_started,
        ProctoredExamStudentAttemptStatus.started: onboarding_started,
        ProctoredExamStudentAttemptStatus.ready_to_submit: onboarding_started,
        ProctoredExamStudentAttemptStatus.submitted: submitted,
        ProctoredExamStudentAttemptStatus.rejected: rejected,
        ProctoredExamStudentAttemptStatus.verified: verified,
        ProctoredExamStudentAttemptStatus.error: error,
        ProctoredExamStudentAttemptStatus.expired: expired,
    }

    @classmethod
    def get_onboarding_status_from_attempt_status(cls, status):
        if not status:
            return cls.not_started
        return cls.onboarding_statuses.get(status)


class VerificientOnboardingProfileStatus:
    """Onboarding-profile states reported by REST vendors, and their instructor-panel equivalents."""

    no_profile = "no-profile"
    approved = "approved-in-course"
    other_course_approved = "approved-in-different-course"
    rejected = "rejected"
    expired = "expired"
    pending = "pending"

    profile_status_mapping = {
        no_profile: None,
        approved: InstructorDashboardOnboardingAttemptStatus.verified,
        other_course_approved: InstructorDashboardOnboardingAttemptStatus.other_course_approved,
        rejected: InstructorDashboardOnboardingAttemptStatus.rejected,
        expired: InstructorDashboardOnboardingAttemptStatus.expired,
        pending: InstructorDashboardOnboardingAttemptStatus.submitted,
    }

    filter_status_mapping = {
        InstructorDashboardOnboardingAttemptStatus.verified: approved,
        InstructorDashboardOnboardingAttemptStatus.other_course_approved: other_course_approved,
        InstructorDashboardOnboardingAttemptStatus.rejected: rejected,
        InstructorDashboardOnboardingAttemptStatus.expired: expired,
        InstructorDashboardOnboardingAttemptStatus.submitted: pending,
        InstructorDashboardOnboardingAttemptStatus.not_started: no_profile,
    }

    @classmethod
    def get_edx_status_from_profile_status(cls, api_status):
        return cls.profile_status_mapping.get(api_status)

    @classmethod
    def get_profile_status_from_filter(cls, filter_status):
        return cls.filter_status_mapping.get(filter_status)

    @classmethod
    def get_instructor_status_from_profile_status(cls, api_status):
        if api_status == cls.no_profile:
            return InstructorDashboardOnboardingAttemptStatus.not_started
        return cls.get_edx_status_from_profile_status(api_status)
