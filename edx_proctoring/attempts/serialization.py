"""Attempt rows as the dicts the API returns."""

from edx_proctoring.serializers import ProctoredExamStudentAttemptSerializer


def serialize_attempt(attempt) -> dict:
    return ProctoredExamStudentAttemptSerializer(attempt).data
