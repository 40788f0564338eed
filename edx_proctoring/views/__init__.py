"""The REST views, split by resource. The historic class names stay importable from here.

The OpenAPI descriptions are attached by `views.openapi`, which the schema view imports (not this package).
"""

from edx_proctoring.http.base import AuthenticatedAPIView, ProctoredAPIView
from edx_proctoring.http.permissions import (
    is_user_course_or_global_staff,
    require_course_or_global_staff,
    require_staff,
)
from edx_proctoring.views.allowances import ExamAllowanceView, ExamBulkAllowanceView, GroupedExamAllowancesByStudent
from edx_proctoring.views.attempts import (
    ActiveExamsForUserView,
    ProctoredExamActiveAttemptView,
    ProctoredExamAttemptReviewStatus,
    ProctoredExamAttemptView,
    StudentProctoredExamAttempt,
    StudentProctoredExamAttemptCollection,
    StudentProctoredExamResetAttempts,
    StudentProctoredGroupedExamAttemptsByCourse,
)
from edx_proctoring.views.callbacks import (
    AnonymousReviewCallback,
    BaseReviewCallback,
    ExamReadyCallback,
    IgnoreClientContentNegotiation,
    ProctoredExamReviewCallback,
)
from edx_proctoring.views.exams import (
    ProctoredExamReviewPolicyView,
    ProctoredExamView,
    ProctoredSettingsView,
    RegisterProctoredExamsView,
)
from edx_proctoring.views.instructor import InstructorDashboard
from edx_proctoring.views.learner_data import LearnerDataExport
from edx_proctoring.views.onboarding import StudentOnboardingStatusByCourseView, StudentOnboardingStatusView
from edx_proctoring.views.retirement import BackendUserManagementAPI, UserRetirement
from edx_proctoring.views.time_adjustments import AttemptTimeAdjustmentsView

__all__ = [
    "ActiveExamsForUserView",
    "AnonymousReviewCallback",
    "AttemptTimeAdjustmentsView",
    "AuthenticatedAPIView",
    "BackendUserManagementAPI",
    "BaseReviewCallback",
    "ExamAllowanceView",
    "ExamBulkAllowanceView",
    "ExamReadyCallback",
    "GroupedExamAllowancesByStudent",
    "IgnoreClientContentNegotiation",
    "InstructorDashboard",
    "LearnerDataExport",
    "ProctoredAPIView",
    "ProctoredExamActiveAttemptView",
    "ProctoredExamAttemptReviewStatus",
    "ProctoredExamAttemptView",
    "ProctoredExamReviewCallback",
    "ProctoredExamReviewPolicyView",
    "ProctoredExamView",
    "ProctoredSettingsView",
    "RegisterProctoredExamsView",
    "StudentOnboardingStatusByCourseView",
    "StudentOnboardingStatusView",
    "StudentProctoredExamAttempt",
    "StudentProctoredExamAttemptCollection",
    "StudentProctoredExamResetAttempts",
    "StudentProctoredGroupedExamAttemptsByCourse",
    "UserRetirement",
    "is_user_course_or_global_staff",
    "require_course_or_global_staff",
    "require_staff",
]
