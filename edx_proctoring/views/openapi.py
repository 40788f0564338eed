"""OpenAPI descriptions of the views' request and response bodies (drf-spectacular).

Kept apart from the views so they stay thin. The schema view (`views/schema.py`) imports this module, which
attaches the descriptions to the view classes; it imports each view module itself, never the `views` package,
so the package and this module do not import each other.
"""

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
    inline_serializer,
)
from rest_framework import serializers

from edx_proctoring.selectors import allowance_list
from edx_proctoring.serializers import (
    ProctoredExamSerializer,
    ProctoredExamStudentAllowanceSerializer,
    ProctoredExamStudentAttemptSerializer,
)
from edx_proctoring.views.allowances import ExamAllowanceView, ExamBulkAllowanceView, GroupedExamAllowancesByStudent
from edx_proctoring.views.attempts import (
    ATTEMPT_ACTIONS,
    ActiveExamsForUserView,
    ProctoredExamActiveAttemptView,
    ProctoredExamAttemptReviewStatus,
    ProctoredExamAttemptView,
    StudentProctoredExamAttempt,
    StudentProctoredExamAttemptCollection,
    StudentProctoredExamResetAttempts,
    StudentProctoredGroupedExamAttemptsByCourse,
)
from edx_proctoring.views.callbacks import AnonymousReviewCallback, ExamReadyCallback, ProctoredExamReviewCallback
from edx_proctoring.views.exams import (
    ExamCreateSerializer,
    ExamUpdateSerializer,
    ProctoredExamReviewPolicyView,
    ProctoredExamView,
    ProctoredSettingsView,
    RegisteredExamSerializer,
    RegisterProctoredExamsView,
)
from edx_proctoring.views.instructor import InstructorDashboard
from edx_proctoring.views.learner_data import LearnerDataExport
from edx_proctoring.views.onboarding import StudentOnboardingStatusByCourseView, StudentOnboardingStatusView
from edx_proctoring.views.retirement import BackendUserManagementAPI, UserRetirement
from edx_proctoring.views.time_adjustments import AttemptTimeAdjustmentsView

Detail = inline_serializer("Detail", {"detail": serializers.CharField()})
ExamId = inline_serializer("ExamId", {"exam_id": serializers.IntegerField()})
AttemptId = inline_serializer("AttemptId", {"exam_attempt_id": serializers.JSONField()})
TimerPayload = inline_serializer(
    "TimerPayload",
    {
        "in_timed_exam": serializers.BooleanField(),
        "taking_as_proctored": serializers.BooleanField(),
        "exam_type": serializers.CharField(),
        "exam_display_name": serializers.CharField(),
        "exam_url_path": serializers.CharField(),
        "time_remaining_seconds": serializers.FloatField(),
        "total_time": serializers.CharField(),
        "low_threshold_sec": serializers.IntegerField(),
        "critically_low_threshold_sec": serializers.IntegerField(),
        "course_id": serializers.CharField(),
        "attempt_id": serializers.IntegerField(),
        "external_id": serializers.CharField(allow_null=True),
        "accessibility_time_string": serializers.CharField(),
        "attempt_status": serializers.CharField(),
        "exam_started_poll_url": serializers.CharField(),
        "attempt_ready_to_resume": serializers.BooleanField(),
        "use_legacy_attempt_api": serializers.BooleanField(),
        "deadline": serializers.DateTimeField(allow_null=True, help_text="When the attempt's time runs out."),
        "server_now": serializers.DateTimeField(help_text="The server's clock, to correct the client's."),
        "desktop_application_js_url": serializers.CharField(),
        "ping_interval": serializers.IntegerField(required=False),
        "attempt_code": serializers.CharField(required=False),
        "software_download_url": serializers.CharField(required=False),
        "paused": serializers.BooleanField(help_text="Staff paused the attempt: the clock does not run."),
        "extension_minutes": serializers.IntegerField(help_text="Minutes staff added (net of revocations)."),
        "break_minutes_allowed": serializers.IntegerField(
            allow_null=True, help_text="The learner's break allowance on this exam (null: none)."
        ),
        "break_minutes_remaining": serializers.IntegerField(allow_null=True),
        "on_break": serializers.BooleanField(help_text="The learner is on a break: the clock does not run."),
    },
)
TimeAdjustmentRequest = inline_serializer(
    "TimeAdjustmentRequest",
    {
        "kind": serializers.ChoiceField(choices=("extension", "pause", "resume")),
        "minutes": serializers.IntegerField(
            required=False,
            help_text="Extension only: 1 to 1440 minutes to add, or -1 to -1440 to take back (never below the "
            "original time nor below the time already used); all extensions add up to at most 14400.",
        ),
        "reason": serializers.CharField(required=False, help_text="Required for extensions and pauses (audited)."),
        "past_due_date": serializers.BooleanField(
            required=False, help_text="Extension only: the new deadline may go past the learner's due date."
        ),
    },
)
TimeAdjustmentEntry = inline_serializer(
    "TimeAdjustment",
    {
        "kind": serializers.ChoiceField(choices=("extension", "pause", "resume", "break_start", "break_end")),
        "minutes": serializers.IntegerField(help_text="The extension (signed), or the length of the pause/break."),
        "reason": serializers.CharField(),
        "actor": serializers.CharField(allow_null=True, help_text="The username of who made it (null: the system)."),
        "actor_kind": serializers.CharField(),
        "past_due_date": serializers.BooleanField(),
        "created": serializers.DateTimeField(),
    },
)
TimeState = inline_serializer(
    "AttemptTimeState",
    {
        "attempt_id": serializers.IntegerField(),
        "deadline": serializers.DateTimeField(allow_null=True),
        "paused": serializers.BooleanField(),
        "on_break": serializers.BooleanField(),
        "extension_minutes": serializers.IntegerField(),
        "adjustments": serializers.ListField(child=TimeAdjustmentEntry),
    },
)


def _optional_copy(name, serializer):
    """The same fields, none of them required: for answers that may be partial or empty."""
    fields = {}
    for field_name, field in serializer().get_fields().items():
        # DRF copies a field by re-creating it from its arguments: the change must be made there.
        fields[field_name] = type(field)(*field._args, **{**field._kwargs, "required": False})
    return inline_serializer(name, fields)


# The learner with no active timed attempt gets ``{}`` (active_attempt) or ``{"in_timed_exam": false,
# "is_proctored": false}`` (attempt); otherwise the whole timer payload.
TimerPayloadOrNone = _optional_copy("TimerPayloadOrNone", TimerPayload.__class__)

AttemptWithTime = inline_serializer(
    "AttemptWithRemainingTime",
    {
        **ProctoredExamStudentAttemptSerializer().get_fields(),
        "accessibility_time_string": serializers.CharField(),
    },
)
AttemptAction = inline_serializer(
    "AttemptAction",
    {
        "action": serializers.ChoiceField(choices=ATTEMPT_ACTIONS),
        "detail": serializers.CharField(required=False),
        "user_id": serializers.IntegerField(required=False, help_text="Course staff, for mark_ready_to_resume."),
    },
)
NewAttempt = inline_serializer(
    "NewAttempt",
    {
        "exam_id": serializers.IntegerField(),
        "start_clock": serializers.CharField(required=False, help_text="'true' or 'false'"),
        "attempt_proctored": serializers.CharField(required=False, help_text="'true' or 'false'"),
    },
)
GroupedAttempt = inline_serializer(
    "GroupedAttempt",
    {
        **ProctoredExamStudentAttemptSerializer().get_fields(),
        "paused": serializers.BooleanField(help_text="Staff paused the attempt."),
        "extension_minutes": serializers.IntegerField(help_text="Minutes staff added (net of revocations)."),
        "all_attempts": ProctoredExamStudentAttemptSerializer(many=True),
    },
)
GroupedAttempts = inline_serializer(
    "GroupedAttempts",
    {
        "proctored_exam_attempts": serializers.ListField(child=GroupedAttempt),
        "pagination_info": inline_serializer(
            "PaginationInfo",
            {
                "has_previous": serializers.BooleanField(),
                "has_next": serializers.BooleanField(),
                "current_page": serializers.IntegerField(),
                "total_pages": serializers.IntegerField(),
            },
        ),
        "attempt_url": serializers.CharField(),
    },
)
ActiveExam = inline_serializer(
    "ActiveExam",
    {
        "exam": ProctoredExamSerializer(),
        "attempt": ProctoredExamStudentAttemptSerializer(),
        "allowances": ProctoredExamStudentAllowanceSerializer(many=True),
    },
)
MfeExamView = inline_serializer(
    "LearningMfeExam",
    {"exam": serializers.DictField(), "active_attempt": serializers.DictField()},
)
AllowanceBody = inline_serializer(
    "AllowanceBody",
    {
        "exam_id": serializers.IntegerField(),
        "user_info": serializers.CharField(help_text="Username, email or user id."),
        "key": serializers.CharField(),
        "value": serializers.CharField(),
    },
)
AllowanceDelete = inline_serializer(
    "AllowanceDelete",
    {"exam_id": serializers.IntegerField(), "user_id": serializers.IntegerField(), "key": serializers.CharField()},
)
BulkAllowance = inline_serializer(
    "BulkAllowance",
    {
        "course_id": serializers.CharField(required=False),
        "exam_ids": serializers.CharField(help_text="Comma-separated exam ids."),
        "user_ids": serializers.CharField(help_text="Comma-separated usernames or emails."),
        "allowance_type": serializers.CharField(),
        "value": serializers.CharField(),
    },
)
OnboardingStatus = inline_serializer(
    "OnboardingStatus",
    {
        "onboarding_status": serializers.CharField(allow_null=True),
        "onboarding_link": serializers.CharField(allow_null=True),
        "expiration_date": serializers.DateTimeField(allow_null=True),
        "onboarding_past_due": serializers.BooleanField(),
        "onboarding_release_date": serializers.DateTimeField(allow_null=True),
        "review_requirements_url": serializers.CharField(allow_blank=True),
    },
)
OnboardingPanel = inline_serializer(
    "OnboardingPanel",
    {
        "count": serializers.IntegerField(),
        "previous": serializers.CharField(allow_null=True),
        "next": serializers.CharField(allow_null=True),
        "num_pages": serializers.IntegerField(),
        "results": inline_serializer(
            "OnboardingPanelRow",
            {
                "username": serializers.CharField(),
                "enrollment_mode": serializers.CharField(),
                "status": serializers.CharField(),
                "modified": serializers.DateTimeField(allow_null=True),
            },
            many=True,
        ),
        "use_onboarding_profile_api": serializers.BooleanField(),
    },
)
PAGE = OpenApiParameter("page", int, description="Page number (25 rows a page); invalid -> 1, too large -> last.")
ERRORS = {400: Detail, 403: Detail}
# Create/update answer a bad body with the serializer's field errors, ``{"field": ["message", ...]}``.
FIELD_ERRORS = {400: OpenApiTypes.OBJECT, 403: Detail}

extend_schema_view(
    get=extend_schema(responses={200: ProctoredExamSerializer, **ERRORS}),
    post=extend_schema(request=ExamCreateSerializer, responses={200: ExamId, **FIELD_ERRORS}),
    put=extend_schema(request=ExamUpdateSerializer, responses={200: ExamId, **FIELD_ERRORS}),
)(ProctoredExamView)
extend_schema_view(
    patch=extend_schema(
        request=RegisteredExamSerializer(many=True),
        responses={
            200: inline_serializer("ExamIds", {"exam_id": serializers.IntegerField()}, many=True),
            403: Detail,
            # One entry per exam of the request with that exam's field errors (empty for a valid exam), or
            # {"non_field_errors": [...]} when the body is not a list at all.
            422: {
                "anyOf": [
                    {"type": "array", "items": {}},  # an exam's error object, or a list for a null entry
                    {"type": "object", "additionalProperties": True},
                ]
            },
        },
    )
)(RegisterProctoredExamsView)
extend_schema_view(get=extend_schema(responses={200: OpenApiTypes.OBJECT, **ERRORS}))(ProctoredSettingsView)
extend_schema_view(
    get=extend_schema(
        responses={200: inline_serializer("ReviewPolicy", {"review_policy": serializers.CharField(allow_null=True)})}
    )
)(ProctoredExamReviewPolicyView)

extend_schema_view(
    get=extend_schema(responses={200: AttemptWithTime, **ERRORS}),
    put=extend_schema(request=AttemptAction, responses={200: AttemptId, **ERRORS}),
    delete=extend_schema(responses={200: None, **ERRORS, 502: Detail}),
)(StudentProctoredExamAttempt)
extend_schema_view(
    get=extend_schema(responses={200: TimerPayloadOrNone}),
    post=extend_schema(request=NewAttempt, responses={200: AttemptId, **ERRORS}),
)(StudentProctoredExamAttemptCollection)
extend_schema_view(put=extend_schema(request=None, responses={200: None, 404: Detail, **ERRORS}))(
    ProctoredExamAttemptReviewStatus
)
extend_schema_view(
    get=extend_schema(responses={200: TimeState, **ERRORS}),
    post=extend_schema(request=TimeAdjustmentRequest, responses={200: TimeState, **ERRORS}),
)(AttemptTimeAdjustmentsView)
CLOCK_FILTER = OpenApiParameter(
    "filter", str, enum=["paused", "extended"], description="Only attempts staff paused, or gave more time."
)
extend_schema_view(get=extend_schema(parameters=[PAGE, CLOCK_FILTER], responses={200: GroupedAttempts, **ERRORS}))(
    StudentProctoredGroupedExamAttemptsByCourse
)
extend_schema_view(
    get=extend_schema(
        parameters=[OpenApiParameter("user_id", int), OpenApiParameter("course_id", str)],
        responses={200: serializers.ListSerializer(child=ActiveExam), **ERRORS},
    )
)(ActiveExamsForUserView)
extend_schema_view(
    get=extend_schema(parameters=[OpenApiParameter("user_id", int)], responses={200: TimerPayloadOrNone, **ERRORS})
)(ProctoredExamActiveAttemptView)
extend_schema_view(
    get=extend_schema(
        parameters=[
            OpenApiParameter("content_id", str),
            OpenApiParameter("is_learning_mfe", str),
            OpenApiParameter("user_id", int),
        ],
        responses={200: MfeExamView, **ERRORS},
    )
)(ProctoredExamAttemptView)
extend_schema_view(delete=extend_schema(responses={200: None, 404: OpenApiTypes.STR, **ERRORS, 502: Detail}))(
    StudentProctoredExamResetAttempts
)

_ALLOWANCE = {"$ref": "#/components/schemas/ProctoredExamStudentAllowance"}
# Raw schema: the answer is a JSON list without paging and an object with it, which no serializer describes.
AllowancesOrPage = {
    "oneOf": [
        {"type": "array", "items": _ALLOWANCE},
        {
            "type": "object",
            "properties": {
                "count": {"type": "integer", "description": "Allowances of the course."},
                "num_pages": {"type": "integer"},
                "current_page": {"type": "integer"},
                "page_size": {"type": "integer"},
                "results": {"type": "array", "items": _ALLOWANCE},
            },
            "required": ["count", "num_pages", "current_page", "page_size", "results"],
        },
    ]
}
extend_schema_view(
    get=extend_schema(
        description=(
            "Every allowance of the course as a list, in id order. With `page` or `page_size`, one page of them "
            "ordered by learner (a learner's allowances stay together) as an object with the count."
        ),
        parameters=[
            OpenApiParameter(
                "page",
                int,
                description="Page number from 1; malformed -> 1, past the end -> the last page. Asks for paging.",
            ),
            OpenApiParameter(
                "page_size",
                int,
                description=f"Allowances a page (default {allowance_list.DEFAULT_PAGE_SIZE}, at most "
                f"{allowance_list.MAX_PAGE_SIZE}). Asks for paging.",
            ),
        ],
        responses={
            200: OpenApiResponse(response=AllowancesOrPage),
            **ERRORS,
        },
    ),
    put=extend_schema(request=AllowanceBody, responses={200: None, **ERRORS}),
    delete=extend_schema(request=AllowanceDelete, responses={200: None, **ERRORS}),
)(ExamAllowanceView)
extend_schema_view(
    put=extend_schema(
        request=BulkAllowance,
        responses={200: None, 207: OpenApiTypes.OBJECT, 400: OpenApiTypes.OBJECT, 403: Detail},
    )
)(ExamBulkAllowanceView)
extend_schema_view(get=extend_schema(responses={200: OpenApiTypes.OBJECT, **ERRORS}))(GroupedExamAllowancesByStudent)

extend_schema_view(
    get=extend_schema(
        parameters=[
            OpenApiParameter("course_id", str, required=True),
            OpenApiParameter("username", str),
            OpenApiParameter("is_learning_mfe", str),
        ],
        responses={200: OnboardingStatus, 404: Detail, **ERRORS},
    )
)(StudentOnboardingStatusView)
extend_schema_view(
    get=extend_schema(
        parameters=[PAGE, OpenApiParameter("text_search", str), OpenApiParameter("statuses", str)],
        responses={200: OnboardingPanel, 404: Detail, 503: Detail, **ERRORS},
    )
)(StudentOnboardingStatusByCourseView)

extend_schema_view(
    get=extend_schema(
        parameters=[OpenApiParameter("attempt", str), OpenApiParameter("config", str)],
        responses={302: None, 400: OpenApiTypes.STR, 403: Detail, 404: OpenApiTypes.STR},
    )
)(InstructorDashboard)

extend_schema_view(
    post=extend_schema(request=None, responses={200: OpenApiTypes.STR, 403: None, 404: OpenApiTypes.STR})
)(ExamReadyCallback)
extend_schema_view(
    post=extend_schema(
        request=OpenApiTypes.OBJECT, responses={200: OpenApiTypes.STR, 400: Detail, 403: None, 412: OpenApiTypes.STR}
    )
)(ProctoredExamReviewCallback)
extend_schema_view(
    post=extend_schema(
        request=OpenApiTypes.OBJECT,
        parameters=[
            OpenApiParameter("token", str, description="The PSI backend's callback_token (or sign the body instead).")
        ],
        responses={200: OpenApiTypes.STR, 400: Detail, 403: Detail, 412: OpenApiTypes.STR, 429: Detail},
    )
)(AnonymousReviewCallback)

extend_schema_view(
    post=extend_schema(request=None, responses={200: OpenApiTypes.OBJECT, 403: None, 500: OpenApiTypes.OBJECT})
)(BackendUserManagementAPI)
extend_schema_view(post=extend_schema(request=None, responses={204: None, 403: None}))(UserRetirement)
extend_schema_view(
    get=extend_schema(
        summary="Everything the package holds about one learner (subject-access request)",
        description=(
            "Global staff, or holders of the permission edx_proctoring.can_export_learner_data. The learner's "
            "attempts (with their status history, time adjustments and overdue-review records), allowances "
            "(with their history), reviews (with their archive and comments) and audit entries. Attempt codes "
            "and video links are not exported (video_link_stored says whether one is kept). After retirement "
            "the attempts remain, with the values retirement blanks empty."
        ),
        request=None,
        responses={
            200: inline_serializer(
                "LearnerDataExport",
                {
                    "format_version": serializers.IntegerField(),
                    "user_id": serializers.IntegerField(),
                    "exported_at": serializers.DateTimeField(),
                    "attempts": serializers.ListField(child=serializers.DictField()),
                    "attempt_history": serializers.ListField(child=serializers.DictField()),
                    "time_adjustments": serializers.ListField(child=serializers.DictField()),
                    "overdue_reviews": serializers.ListField(child=serializers.DictField()),
                    "allowances": serializers.ListField(child=serializers.DictField()),
                    "allowance_history": serializers.ListField(child=serializers.DictField()),
                    "reviews": serializers.ListField(child=serializers.DictField()),
                    "review_history": serializers.ListField(child=serializers.DictField()),
                    "review_comments": serializers.ListField(child=serializers.DictField()),
                    "audit_entries": serializers.ListField(child=serializers.DictField()),
                },
            ),
            403: None,
            404: Detail,
        },
    )
)(LearnerDataExport)


class JwtAuthenticationScheme(OpenApiAuthenticationExtension):
    """edx-drf-extensions' JWT: ``Authorization: JWT <token>``."""

    target_class = "edx_rest_framework_extensions.auth.jwt.authentication.JwtAuthentication"
    match_subclasses = True  # the API uses edx_proctoring.http.jwt_auth.ProctoringJwtAuthentication
    name = "jwtAuth"

    def get_security_definition(self, auto_schema):
        return {"type": "apiKey", "in": "header", "name": "Authorization", "description": "JWT <token>"}


# -- corrections the per-view descriptions cannot express (a postprocessing hook of the schema view) -------

API = "/api/edx_proctoring/v1/"
EXAM_REF = {"$ref": "#/components/schemas/ProctoredExam"}
DETAIL_REF = {"$ref": "#/components/schemas/Detail"}
# Components that show model rows, and the model whose nullable columns they carry.
MODEL_COMPONENTS = {
    "ProctoredExam": "ProctoredExam",
    "ProctoredExamStudentAttempt": "ProctoredExamStudentAttempt",
    "AttemptWithRemainingTime": "ProctoredExamStudentAttempt",
    "GroupedAttempt": "ProctoredExamStudentAttempt",
}


def _json_schema(operation, status_code):
    response = (operation or {}).get("responses", {}).get(status_code)
    return (response or {}).get("content", {}).get("application/json")


def _mark_nullable_columns(schemas):
    """A property read from a nullable column may be null (a not yet started attempt has no started_at)."""
    from django.apps import apps

    for component, model_name in MODEL_COMPONENTS.items():
        properties = schemas.get(component, {}).get("properties", {})
        model = apps.get_model("edx_proctoring", model_name)
        for field in model._meta.concrete_fields:
            prop = properties.get(field.name)
            if field.null and prop is not None and "$ref" not in prop:
                prop["nullable"] = True


def correct_schema(result, generator, request, public):  # drf-spectacular postprocessing hook
    _mark_nullable_columns(result.get("components", {}).get("schemas", {}))
    paths = result.get("paths", {})
    exam_list = {"type": "array", "items": EXAM_REF}
    # One view serves the exam routes: by course it lists the course's active exams. The content id route
    # lists too when the course id pattern (which allows slashes) takes the whole path.
    by_course = _json_schema(paths.get(API + "proctored_exam/exam/course_id/{course_id}", {}).get("get"), "200")
    if by_course is not None:
        by_course["schema"] = exam_list
    by_content = paths.get(API + "proctored_exam/exam/course_id/{course_id}/content_id/{content_id}", {}).get("get")
    if _json_schema(by_content, "200") is not None:
        _json_schema(by_content, "200")["schema"] = {"anyOf": [EXAM_REF, exam_list]}
    # The instructor dashboard redirect answers its own refusals as text, bad ids as {"detail": ...}.
    for path in (API + "instructor/{course_id}", API + "instructor/{course_id}/{exam_id}"):
        operation = paths.get(path, {}).get("get")
        for status_code in ("400", "404"):
            content = _json_schema(operation, status_code)
            if content is not None:
                content["schema"] = {"anyOf": [{"type": "string"}, DETAIL_REF]}
    return result
