"""Everything this package holds about one learner, as JSON: the answer to a subject-access request.

``export_learner_data`` is used by ``manage.py export_learner_data`` and by the staff-only REST route
``GET /api/edx_proctoring/v1/learner_data/<user_id>/`` (``views/learner_data.py``). It reads a fixed number
of queries whatever the learner's number of attempts. Secrets are not exported: attempt codes (they open
the PSI launch), and the encrypted video link (whether one is stored is; the recording is the vendor's).

After ``retire_user_data`` the export still lists the attempts (kept for grades and certificates) and their
history, with every value retirement blanks empty.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from django.db.models import Q

from edx_proctoring.models import (
    ProctoredExamOverdueReview,
    ProctoredExamSoftwareSecureComment,
    ProctoredExamSoftwareSecureReview,
    ProctoredExamSoftwareSecureReviewHistory,
    ProctoredExamStudentAllowance,
    ProctoredExamStudentAllowanceHistory,
    ProctoredExamStudentAttempt,
    ProctoredExamTimeAdjustment,
    ProctoringAuditEntry,
)
from edx_proctoring.timing import now

EXPORT_FORMAT_VERSION = 1
ATTEMPT_FIELDS = (
    "id",
    "proctored_exam_id",
    "proctored_exam__course_id",
    "proctored_exam__content_id",
    "proctored_exam__exam_name",
    "status",
    "created",
    "modified",
    "started_at",
    "completed_at",
    "external_id",
    "allowed_time_limit_mins",
    "taking_as_proctored",
    "is_sample_attempt",
    "review_policy_id",
    "is_status_acknowledged",
    "time_remaining_seconds",
    "is_resumable",
    "ready_to_resume",
    "resumed",
)
HISTORY_FIELDS = (
    "history_id",
    "id",
    "status",
    "history_date",
    "history_type",
    "history_change_reason",
    "history_user_id",
)
ALLOWANCE_FIELDS = ("id", "proctored_exam_id", "key", "value", "created", "modified")
REVIEW_FIELDS = ("id", "attempt_code", "exam_id", "review_status", "raw_data", "reviewed_by_id", "created", "modified")
COMMENT_FIELDS = ("id", "review_id", "start_time", "stop_time", "duration", "comment", "status", "created")
ADJUSTMENT_FIELDS = (
    "id",
    "attempt_id",
    "kind",
    "minutes",
    "past_due_date",
    "actor_id",
    "actor_kind",
    "reason",
    "created",
)
AUDIT_FIELDS = ("id", "created", "action", "actor_id", "attempt_id", "exam_id", "target_user_id", "details")
OVERDUE_FIELDS = ("attempt_id", "backend", "flagged_at", "last_asked_at", "last_answer", "resolved_at")


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    return value


def _rows(queryset, fields) -> list[dict]:
    return [{key: _jsonable(value) for key, value in row.items()} for row in queryset.values(*fields)]


def _payload(raw_data: str) -> Any:
    """The stored review body, decoded when it is JSON (it always is for reviews stored by this package)."""
    if not raw_data:
        return raw_data
    try:
        return json.loads(raw_data)
    except ValueError:
        return raw_data


def _reviews(model, codes: list[str], user_id: int) -> list[dict]:
    reviews = model.objects.filter(Q(attempt_code__in=codes) | Q(student_id=user_id)).order_by("id")
    fields = [name for name in REVIEW_FIELDS if name != "attempt_code"]
    rows = []
    for row in reviews.values(*fields, "encrypted_video_url"):
        video = row.pop("encrypted_video_url")
        row["raw_data"] = _payload(row["raw_data"])
        row["video_link_stored"] = bool(video)
        rows.append({key: _jsonable(value) for key, value in row.items()})
    return rows


def export_learner_data(*, user_id: int) -> dict:
    """The learner's attempts (with their history, time adjustments and overdue records), allowances (with
    their history), reviews (with their archive and comments) and audit entries; JSON-able."""
    attempts = ProctoredExamStudentAttempt.objects.filter(user_id=user_id).order_by("id")
    attempt_ids = list(attempts.values_list("id", flat=True))
    history = ProctoredExamStudentAttempt.history.filter(user_id=user_id).order_by("history_id")
    codes = {
        code
        for code in (
            *attempts.values_list("attempt_code", flat=True),
            *history.values_list("attempt_code", flat=True),
        )
        if code
    }
    live_reviews = _reviews(ProctoredExamSoftwareSecureReview, sorted(codes), user_id)
    comments = ProctoredExamSoftwareSecureComment.objects.filter(
        review_id__in=[review["id"] for review in live_reviews]
    ).order_by("id")
    audit = ProctoringAuditEntry.objects.filter(
        Q(target_user_id=user_id) | Q(actor_id=user_id) | Q(attempt_id__in=attempt_ids)
    ).order_by("id")
    return {
        "format_version": EXPORT_FORMAT_VERSION,
        "user_id": user_id,
        "exported_at": now().isoformat(),
        "attempts": _rows(attempts, ATTEMPT_FIELDS),
        "attempt_history": _rows(history, HISTORY_FIELDS),
        "time_adjustments": _rows(
            ProctoredExamTimeAdjustment.objects.filter(attempt__user_id=user_id).order_by("id"), ADJUSTMENT_FIELDS
        ),
        "overdue_reviews": _rows(
            ProctoredExamOverdueReview.objects.filter(attempt__user_id=user_id).order_by("id"), OVERDUE_FIELDS
        ),
        "allowances": _rows(
            ProctoredExamStudentAllowance.objects.filter(user_id=user_id).order_by("id"), ALLOWANCE_FIELDS
        ),
        "allowance_history": _rows(
            ProctoredExamStudentAllowanceHistory.objects.filter(user_id=user_id).order_by("id"),
            ("allowance_id", *ALLOWANCE_FIELDS),
        ),
        "reviews": live_reviews,
        "review_history": _reviews(ProctoredExamSoftwareSecureReviewHistory, sorted(codes), user_id),
        "review_comments": _rows(comments, COMMENT_FIELDS),
        "audit_entries": _rows(audit, AUDIT_FIELDS),
    }
