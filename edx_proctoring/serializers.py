"""JSON shapes of exams, attempts, allowances and review policies (the keys and their order are a contract).

The HTTP layer validates input with these classes; their output is built by ``edx_proctoring.records`` (the
same dicts the Python API returns), so the format is written down once.
"""

from django.contrib.auth import get_user_model
from django.db import models
from rest_framework import serializers

from edx_proctoring import records
from edx_proctoring.models import (
    ProctoredExam,
    ProctoredExamReviewPolicy,
    ProctoredExamStudentAllowance,
    ProctoredExamStudentAttempt,
)


class _RecordOutput:
    """Output from the plain record function of this exact class.

    A subclass (here or in a host or plugin) may declare other fields, and a validated dict is not a row:
    both keep DRF's own walk over the fields.
    """

    def to_representation(self, instance):
        build = _RECORDS.get(type(self))
        if build is not None and isinstance(instance, models.Model):
            return build(instance)
        return super().to_representation(instance)


class ProctoredExamSerializer(_RecordOutput, serializers.ModelSerializer):
    id = serializers.IntegerField(required=False)
    course_id = serializers.CharField(required=True)
    content_id = serializers.CharField(required=True)
    external_id = serializers.CharField(required=True)
    exam_name = serializers.CharField(required=True)
    time_limit_mins = serializers.IntegerField(required=True)
    is_active = serializers.BooleanField(required=True)
    is_practice_exam = serializers.BooleanField(required=True)
    is_proctored = serializers.BooleanField(required=True)
    due_date = serializers.DateTimeField(required=False, format=None)
    hide_after_due = serializers.BooleanField(required=True)
    backend = serializers.CharField(required=False)

    class Meta:
        model = ProctoredExam
        fields = (
            "id",
            "course_id",
            "content_id",
            "external_id",
            "exam_name",
            "time_limit_mins",
            "is_proctored",
            "is_practice_exam",
            "is_active",
            "due_date",
            "hide_after_due",
            "backend",
        )


class ProctoredExamJSONSafeSerializer(ProctoredExamSerializer):
    """The exam with its due date as an ISO string, for sending to vendors."""

    due_date = serializers.DateTimeField(required=False)


class ProctoredExamRegistrationSerializer(ProctoredExamSerializer):
    """An exam as Studio registers it: external id and due date optional; uniqueness is handled by upsert."""

    external_id = serializers.CharField(required=False, allow_null=True)
    due_date = serializers.DateTimeField(required=False, allow_null=True, format=None)

    def get_validators(self):
        return []


class UserSerializer(_RecordOutput, serializers.ModelSerializer):
    id = serializers.IntegerField(required=False)
    username = serializers.CharField(required=True)
    email = serializers.CharField(required=True)

    class Meta:
        model = get_user_model()
        fields = ("id", "username", "email")


class ProctoredExamStudentAttemptSerializer(_RecordOutput, serializers.ModelSerializer):
    proctored_exam = ProctoredExamSerializer()
    user = UserSerializer()
    started_at = serializers.DateTimeField(format=None)
    completed_at = serializers.DateTimeField(format=None)

    class Meta:
        model = ProctoredExamStudentAttempt
        fields = (
            "id",
            "created",
            "modified",
            "user",
            "started_at",
            "completed_at",
            "external_id",
            "status",
            "proctored_exam",
            "allowed_time_limit_mins",
            "attempt_code",
            "is_sample_attempt",
            "taking_as_proctored",
            "review_policy_id",
            "is_status_acknowledged",
            "time_remaining_seconds",
            "is_resumable",
            "ready_to_resume",
            "resumed",
        )


class ProctoredExamStudentAllowanceSerializer(_RecordOutput, serializers.ModelSerializer):
    proctored_exam = ProctoredExamSerializer()
    user = UserSerializer()

    class Meta:
        model = ProctoredExamStudentAllowance
        fields = ("id", "created", "modified", "user", "key", "value", "proctored_exam")


class ProctoredExamReviewPolicySerializer(_RecordOutput, serializers.ModelSerializer):
    proctored_exam = ProctoredExamSerializer()
    set_by_user = UserSerializer()

    class Meta:
        model = ProctoredExamReviewPolicy
        fields = ("id", "created", "modified", "set_by_user", "proctored_exam", "review_policy")


_RECORDS = {
    ProctoredExamSerializer: lambda exam: records.exam_record(exam=exam),
    ProctoredExamJSONSafeSerializer: lambda exam: records.json_safe_exam_record(exam=exam),
    ProctoredExamRegistrationSerializer: lambda exam: records.exam_record(exam=exam),
    UserSerializer: lambda user: records.user_record(user=user),
    ProctoredExamStudentAttemptSerializer: lambda attempt: records.attempt_record(attempt=attempt),
    ProctoredExamStudentAllowanceSerializer: lambda allowance: records.allowance_record(allowance=allowance),
    ProctoredExamReviewPolicySerializer: lambda policy: records.review_policy_record(policy=policy),
}
