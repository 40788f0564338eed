"""Exams: create/update (Studio), read, bulk registration, learner-facing settings and review policy."""

from __future__ import annotations

from django.utils.decorators import method_decorator
from rest_framework import serializers, status
from rest_framework.response import Response

from edx_proctoring.exam_registration import register_course_exams
from edx_proctoring.exams import (
    create_exam,
    get_all_exams_for_course,
    get_exam_by_content_id,
    get_exam_by_id,
    get_proctoring_settings_by_exam_id,
    update_exam,
)
from edx_proctoring.http import inputs
from edx_proctoring.http.base import ProctoredAPIView
from edx_proctoring.http.errors import BadRequest
from edx_proctoring.http.permissions import require_staff
from edx_proctoring.models import ProctoredExamReviewPolicy
from edx_proctoring.serializers import ProctoredExamRegistrationSerializer, ProctoredExamSerializer

_KEY_MAX = inputs.MAX_STRING_LENGTH


class ExamUpdateSerializer(serializers.Serializer):
    """The body of PUT exam: the exam id and the fields to change (absent fields are left as they are)."""

    exam_id = serializers.IntegerField(min_value=1)
    exam_name = serializers.CharField(required=False)
    time_limit_mins = serializers.IntegerField(required=False, min_value=0, max_value=2**31 - 1)
    is_proctored = serializers.BooleanField(required=False)
    is_practice_exam = serializers.BooleanField(required=False)
    external_id = serializers.CharField(required=False, max_length=_KEY_MAX)
    is_active = serializers.BooleanField(required=False)
    hide_after_due = serializers.BooleanField(required=False)


class ExamCreateSerializer(ProctoredExamSerializer):
    """POST exam: the exam serializer with the database's length limits and a course-key check."""

    course_id = serializers.CharField(required=True, max_length=_KEY_MAX)
    content_id = serializers.CharField(required=True, max_length=_KEY_MAX)
    external_id = serializers.CharField(required=True, max_length=_KEY_MAX)
    time_limit_mins = serializers.IntegerField(required=True, min_value=0, max_value=2**31 - 1)

    def validate_course_id(self, value):
        try:
            return inputs.course_id(value)
        except BadRequest as exc:
            raise serializers.ValidationError(str(exc.detail)) from None


class ProctoredExamView(ProctoredAPIView):
    """Create and update exams (global staff), and read them (any signed-in user).

    GET …/exam/exam_id/<exam_id>, …/exam/course_id/<course>/content_id/<content>, …/exam/course_id/<course>;
    POST and PUT …/exam.
    """

    def get(self, request, exam_id=None, course_id=None, content_id=None):
        if exam_id is not None:
            return Response(get_exam_by_id(exam_id))
        if course_id is not None:
            inputs.course_id(course_id)
            if content_id is not None:
                return Response(get_exam_by_content_id(course_id, content_id))
            return Response(get_all_exams_for_course(course_id, active_only=True))
        raise BadRequest("Name an exam: by exam id, or by course id (and content id).")

    @method_decorator(require_staff)
    def post(self, request):
        serializer = ExamCreateSerializer(data=inputs.body(request))
        if not serializer.is_valid():
            return Response(status=status.HTTP_400_BAD_REQUEST, data=serializer.errors)
        data = serializer.validated_data
        exam_id = create_exam(
            course_id=data["course_id"],
            content_id=data["content_id"],
            exam_name=data["exam_name"],
            time_limit_mins=data["time_limit_mins"],
            is_proctored=data["is_proctored"],
            is_practice_exam=data["is_practice_exam"],
            external_id=data["external_id"],
            is_active=data["is_active"],
            hide_after_due=data["hide_after_due"],
        )
        return Response({"exam_id": exam_id})

    @method_decorator(require_staff)
    def put(self, request):
        serializer = ExamUpdateSerializer(data=inputs.body(request))
        if not serializer.is_valid():
            return Response(status=status.HTTP_400_BAD_REQUEST, data=serializer.errors)
        data = serializer.validated_data
        exam_id = update_exam(
            exam_id=data["exam_id"],
            exam_name=data.get("exam_name"),
            time_limit_mins=data.get("time_limit_mins"),
            is_proctored=data.get("is_proctored"),
            is_practice_exam=data.get("is_practice_exam"),
            external_id=data.get("external_id"),
            is_active=data.get("is_active"),
            hide_after_due=data.get("hide_after_due"),
        )
        return Response({"exam_id": exam_id})


class RegisteredExamSerializer(ProctoredExamRegistrationSerializer):
    """One item of a registration body, with the database's length limits."""

    course_id = serializers.CharField(required=True, max_length=_KEY_MAX)
    content_id = serializers.CharField(required=True, max_length=_KEY_MAX)
    external_id = serializers.CharField(required=False, allow_null=True, max_length=_KEY_MAX)
    backend = serializers.CharField(required=False, allow_null=True, max_length=_KEY_MAX)
    time_limit_mins = serializers.IntegerField(required=True, min_value=0, max_value=2**31 - 1)


class RegisterProctoredExamsView(ProctoredAPIView):
    """PATCH …/exam_registration/course_id/<course>: make the course's exams exactly those in the body.

    Exams in the body are created or updated in body order; active exams of the course missing from the
    body are deactivated. Invalid body -> 422 with the per-item errors. All or nothing.
    """

    @method_decorator(require_staff)
    def patch(self, request, course_id):
        inputs.course_id(course_id)
        serializer = RegisteredExamSerializer(data=request.data, many=True)
        if not serializer.is_valid():
            errors = serializer.errors
            if isinstance(request.data, list) and isinstance(errors, dict):
                # Some DRF versions key the per-item errors by index; the contract is a list in body order.
                errors = [errors.get(str(index)) or errors.get(index) or {} for index in range(len(request.data))]
            return Response(status=status.HTTP_422_UNPROCESSABLE_ENTITY, data=errors)
        exam_ids = register_course_exams(course_id=course_id, exams=serializer.validated_data)
        return Response([{"exam_id": exam_id} for exam_id in exam_ids])


class ProctoredSettingsView(ProctoredAPIView):
    """GET …/settings/exam_id/<exam_id>/: platform and vendor details a learner page shows."""

    def get(self, request, exam_id):
        return Response(get_proctoring_settings_by_exam_id(exam_id))


class ProctoredExamReviewPolicyView(ProctoredAPIView):
    """GET …/review_policy/exam_id/<exam_id>/: ``{"review_policy": <text or null>}`` (null for unknown exams)."""

    def get(self, request, exam_id):
        policy = ProctoredExamReviewPolicy.get_review_policy_for_exam(exam_id)
        return Response({"review_policy": policy.review_policy if policy else None})
