"""What a status change's effects know about it, and the exams they look at (each read once per batch)."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from edx_proctoring.attempts.serialization import serialize_attempt
from edx_proctoring.backends import get_backend_provider
from edx_proctoring.exams import serialize_exam
from edx_proctoring.models import ProctoredExamStudentAttempt
from edx_proctoring.statuses import ProctoredExamStudentAttemptStatus as Status


def can_update_credit_grades_and_email(attempts, to_status, exam):
    """Whether this change may touch credit, grades and email, given all of the learner's attempts.

    `attempts` already includes the changed attempt with its new status. With several attempts (after a
    resume), a submission must not hide an earlier rejection and a verification needs every attempt verified.
    """
    if exam["is_practice_exam"] or len(attempts) == 1:
        return True
    if to_status in (Status.declined, Status.error):
        return True
    statuses = [attempt["status"] for attempt in attempts]
    if to_status == Status.submitted:
        return Status.rejected not in statuses
    if to_status == Status.verified:
        return all(status == Status.verified for status in statuses)
    if to_status == Status.rejected:
        return statuses.count(Status.rejected) <= 1 and Status.declined not in statuses
    return False


@dataclass
class TransitionContext:
    attempt: ProctoredExamStudentAttempt
    exam: dict
    backend: Any
    from_status: str
    to_status: str
    cascade_effects: bool = True
    update_attributable_to: Any = None
    first_start: bool = False
    first_completion: bool = False
    notes: dict = field(default_factory=dict)
    # None: host and vendor calls run inline. A list (the batch form): they are named here instead, and the
    # batch hands them to retried Celery tasks once it commits.
    deferred: list[str] | None = None

    @cached_property
    def attempt_dict(self) -> dict:
        """The attempt as saved with its new status (serialized once, after the save)."""
        return serialize_attempt(self.attempt)

    @cached_property
    def may_update_credit_grades_and_email(self) -> bool:
        """The credit/grade/email gate, evaluated over all of the learner's attempts at this exam."""
        attempts = [
            {"status": status}
            for status in ProctoredExamStudentAttempt.objects.get_user_attempts_by_exam_id(
                self.attempt.user_id, self.exam["id"]
            ).values_list("status", flat=True)
        ]
        return can_update_credit_grades_and_email(attempts, self.to_status, self.exam)


class ExamsSeen:
    """Each exam serialized, and its backend found, once however many of its attempts are handled."""

    def __init__(self) -> None:
        self._seen: dict[int, tuple[dict, object]] = {}

    def of(self, attempt: ProctoredExamStudentAttempt) -> tuple[dict, object]:
        if attempt.proctored_exam_id not in self._seen:
            exam = serialize_exam(attempt.proctored_exam)
            self._seen[attempt.proctored_exam_id] = (exam, get_backend_provider(exam))
        return self._seen[attempt.proctored_exam_id]
