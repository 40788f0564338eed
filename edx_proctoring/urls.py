"""REST routes of the LMS, mounted under /api/ by the plugin url config (namespace ``edx_proctoring``).

Route names, paths and methods are those of edx-proctoring 6.1; the CMS mounts only the instructor
dashboard exam route (`instructor_dashboard_exam_urls`), which the LMS appends here too.
"""

from django.urls import include, path, re_path

import edx_proctoring.rules  # noqa: F401 - registers edx_proctoring.can_review_attempt
from edx_proctoring import callbacks, instructor_dashboard_exam_urls, views
from edx_proctoring.instructor_dashboard_exam_urls import COURSE_ID_PATTERN
from edx_proctoring.views import lti, lti_control
from edx_proctoring.views.schema import ProctoringSchemaView

app_name = "edx_proctoring"

CONTENT_ID_PATTERN = r"(?P<content_id>([A-Za-z0-9-_:.~]|%[0-9A-Fa-f]{2})+)"

V1 = "edx_proctoring/v1/"
EXAM = V1 + "proctored_exam/"

urlpatterns = [
    path(EXAM + "exam", views.ProctoredExamView.as_view(), name="proctored_exam.exam"),
    path(EXAM + "exam/exam_id/<int:exam_id>", views.ProctoredExamView.as_view(), name="proctored_exam.exam_by_id"),
    re_path(
        EXAM + rf"exam/course_id/{COURSE_ID_PATTERN}/content_id/(?P<content_id>[A-z0-9]+)$",
        views.ProctoredExamView.as_view(),
        name="proctored_exam.exam_by_content_id",
    ),
    re_path(
        EXAM + rf"exam/course_id/{COURSE_ID_PATTERN}$",
        views.ProctoredExamView.as_view(),
        name="proctored_exam.exams_by_course_id",
    ),
    re_path(
        EXAM + rf"exam_registration/course_id/{COURSE_ID_PATTERN}$",
        views.RegisterProctoredExamsView.as_view(),
        name="proctored_exam.register_exams_by_course_id",
    ),
    path(
        EXAM + "attempt/<int:attempt_id>",
        views.StudentProctoredExamAttempt.as_view(),
        name="proctored_exam.attempt",
    ),
    re_path(
        EXAM + rf"attempt/grouped/course_id/{COURSE_ID_PATTERN}$",
        views.StudentProctoredGroupedExamAttemptsByCourse.as_view(),
        name="proctored_exam.attempts.grouped.course",
    ),
    re_path(
        EXAM + rf"attempt/grouped/course_id/{COURSE_ID_PATTERN}/search/(?P<search_by>.+)$",
        views.StudentProctoredGroupedExamAttemptsByCourse.as_view(),
        name="proctored_exam.attempts.grouped.search",
    ),
    path(
        EXAM + "attempt",
        views.StudentProctoredExamAttemptCollection.as_view(),
        name="proctored_exam.attempt.collection",
    ),
    path(
        EXAM + "attempt/<int:attempt_id>/time_adjustments",
        views.AttemptTimeAdjustmentsView.as_view(),
        name="proctored_exam.attempt.time_adjustments",
    ),
    path(
        EXAM + "attempt/<int:attempt_id>/review_status",
        views.ProctoredExamAttemptReviewStatus.as_view(),
        name="proctored_exam.attempt.review_status",
    ),
    path(
        EXAM + "attempt/<slug:external_id>/ready",
        views.ExamReadyCallback.as_view(),
        name="proctored_exam.attempt.ready_callback",
    ),
    path(
        EXAM + "attempt/<slug:external_id>/reviewed",
        views.ProctoredExamReviewCallback.as_view(),
        name="proctored_exam.attempt.callback",
    ),
    re_path(
        EXAM + rf"{COURSE_ID_PATTERN}/allowance$",
        views.ExamAllowanceView.as_view(),
        name="proctored_exam.allowance",
    ),
    path(EXAM + "allowance", views.ExamAllowanceView.as_view(), name="proctored_exam.allowance"),
    re_path(
        EXAM + rf"{COURSE_ID_PATTERN}/bulk_allowance$",
        views.ExamBulkAllowanceView.as_view(),
        name="proctored_exam.bulk_allowance",
    ),
    path(EXAM + "bulk_allowance", views.ExamBulkAllowanceView.as_view(), name="proctored_exam.bulk_allowance"),
    re_path(
        EXAM + rf"{COURSE_ID_PATTERN}/grouped/allowance$",
        views.GroupedExamAllowancesByStudent.as_view(),
        name="proctored_exam.allowance.grouped.course",
    ),
    path(
        EXAM + "active_exams_for_user",
        views.ActiveExamsForUserView.as_view(),
        name="proctored_exam.active_exams_for_user",
    ),
    path(V1 + "user_onboarding/status", views.StudentOnboardingStatusView.as_view(), name="user_onboarding.status"),
    re_path(
        V1 + rf"user_onboarding/status/course_id/{COURSE_ID_PATTERN}$",
        views.StudentOnboardingStatusByCourseView.as_view(),
        name="user_onboarding.status.course",
    ),
    re_path(
        V1 + rf"instructor/{COURSE_ID_PATTERN}$",
        views.InstructorDashboard.as_view(),
        name="instructor_dashboard_course",
    ),
    re_path(
        V1 + r"retire_backend_user/(?P<user_id>[\d]+)/$",
        views.BackendUserManagementAPI.as_view(),
        name="backend_user_deletion_api",
    ),
    re_path(V1 + r"retire_user/(?P<user_id>[\d]+)/$", views.UserRetirement.as_view(), name="user_retirement_api"),
    re_path(V1 + r"learner_data/(?P<user_id>[\d]+)/$", views.LearnerDataExport.as_view(), name="learner_data_export"),
    re_path(
        EXAM + rf"attempt/course_id/{COURSE_ID_PATTERN}$",
        views.ProctoredExamAttemptView.as_view(),
        name="proctored_exam.exam_attempts",
    ),
    re_path(
        EXAM + "active_attempt",
        views.ProctoredExamActiveAttemptView.as_view(),
        name="proctored_exam.active_attempt",
    ),
    path(
        EXAM + "settings/exam_id/<int:exam_id>/",
        views.ProctoredSettingsView.as_view(),
        name="proctored_exam.proctoring_settings",
    ),
    path(
        EXAM + "review_policy/exam_id/<int:exam_id>/",
        views.ProctoredExamReviewPolicyView.as_view(),
        name="proctored_exam.review_policy",
    ),
    path(
        "edx_proctoring/proctoring_launch_callback/start_exam/<slug:attempt_code>",
        callbacks.start_exam_callback,
        name="anonymous.proctoring_launch_callback.start_exam",
    ),
    path(
        "edx_proctoring/proctoring_review_callback/",
        views.AnonymousReviewCallback.as_view(),
        name="anonymous.proctoring_review_callback",
    ),
    re_path(
        EXAM + r"exam_id/(?P<exam_id>\d+)/user_id/(?P<user_id>[\d]+)/reset_attempts$",
        views.StudentProctoredExamResetAttempts.as_view(),
        name="proctored_exam.attempts.reset",
    ),
    path(V1 + "schema/", ProctoringSchemaView.as_view(), name="proctored_exam.schema"),
    # LTI 1.3 Proctoring Services: the launch (OIDC login, auth response, LtiStartAssessment, our key set).
    path(V1 + "lti/start/<int:attempt_id>/", lti.lti_start, name="lti_start"),
    path(V1 + "lti/authorize/", lti.lti_authorize, name="lti_authorize"),
    path(V1 + "lti/start_assessment/", lti.lti_start_assessment, name="lti_start_assessment"),
    path(V1 + "lti/jwks/", lti.lti_jwks, name="lti_jwks"),
    # LTI 1.3 Proctoring Services: the Assessment Control Service and the course's tool (docs/lti.rst).
    path(V1 + "lti/token/", lti_control.token, name="lti_token"),
    path(V1 + "lti/acs/", lti_control.assessment_control, name="lti_acs"),
    re_path(
        V1 + rf"lti/course_tool/{COURSE_ID_PATTERN}/$", lti_control.LtiCourseToolView.as_view(), name="lti_course_tool"
    ),
    path(
        V1 + "lti/attempt/<int:attempt_id>/incidents/",
        lti_control.LtiAttemptIncidentsView.as_view(),
        name="lti_attempt_incidents",
    ),
    path("", include("rest_framework.urls", namespace="rest_framework")),
]

urlpatterns += instructor_dashboard_exam_urls.urlpatterns
