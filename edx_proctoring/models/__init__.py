"""The proctoring data model. Table and column names are those of edx-proctoring, so existing databases work."""

from edx_proctoring.models.allowances import (
    ProctoredExamStudentAllowance,
    ProctoredExamStudentAllowanceHistory,
    ProctoredExamStudentAllowanceManager,
    QuerySetWithUpdateOverride,
)
from edx_proctoring.models.archiving import archive_model
from edx_proctoring.models.attempts import (
    HistoricalProctoredExamStudentAttempt,
    ProctoredExamStudentAttempt,
    ProctoredExamStudentAttemptManager,
)
from edx_proctoring.models.audit_log import AuditEntryIsAppendOnly, ProctoringAuditEntry
from edx_proctoring.models.exams import (
    HistoricalProctoredExam,
    ProctoredExam,
    ProctoredExamReviewPolicy,
    ProctoredExamReviewPolicyHistory,
)
from edx_proctoring.models.learner_counts import ProctoredExamLearnerCount
from edx_proctoring.models.lti import (
    LtiControlEvent,
    LtiCourseTool,
    LtiLaunch,
    LtiNonce,
    LtiPlatformKey,
    LtiToolRegistration,
    LtiUserSubject,
)
from edx_proctoring.models.operations import (
    ProctoredExamOverdueReview,
    ProctoringVendorCall,
    VendorCallDirection,
    VendorCallOutcome,
)
from edx_proctoring.models.reviews import (
    ProctoredExamSoftwareSecureComment,
    ProctoredExamSoftwareSecureReview,
    ProctoredExamSoftwareSecureReviewHistory,
)
from edx_proctoring.models.time_adjustments import (
    ProctoredExamAttemptTimeState,
    ProctoredExamTimeAdjustment,
    TimeAdjustmentKind,
)

__all__ = [
    "AuditEntryIsAppendOnly",
    # simple-history's models, which 6.1.x's single models module exposed beside the others
    "HistoricalProctoredExam",
    "HistoricalProctoredExamStudentAttempt",
    "LtiControlEvent",
    "LtiCourseTool",
    "LtiLaunch",
    "LtiNonce",
    "LtiPlatformKey",
    "LtiToolRegistration",
    "LtiUserSubject",
    "ProctoredExam",
    "ProctoredExamAttemptTimeState",
    "ProctoredExamLearnerCount",
    "ProctoredExamOverdueReview",
    "ProctoredExamReviewPolicy",
    "ProctoredExamReviewPolicyHistory",
    "ProctoredExamSoftwareSecureComment",
    "ProctoredExamSoftwareSecureReview",
    "ProctoredExamSoftwareSecureReviewHistory",
    "ProctoredExamStudentAllowance",
    "ProctoredExamStudentAllowanceHistory",
    "ProctoredExamStudentAllowanceManager",
    "ProctoredExamStudentAttempt",
    "ProctoredExamStudentAttemptManager",
    "ProctoredExamTimeAdjustment",
    "ProctoringAuditEntry",
    "ProctoringVendorCall",
    "QuerySetWithUpdateOverride",
    "TimeAdjustmentKind",
    "VendorCallDirection",
    "VendorCallOutcome",
    "archive_model",
]
