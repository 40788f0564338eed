"""Retiring a learner: at the vendors that proctored them, and in the proctoring tables (the LMS retirement
pipeline calls both).

What goes (interface §6.2, ``user_retirement_api``): allowance values, review payloads (``raw_data``), the
encrypted review video URLs and the reviewers' comments, in the live tables and in every table that keeps
an older copy of them. Attempts stay: grades and certificates rely on them. The time adjustments this
package added later carry a free-text reason written about the learner ("laptop crashed"): it goes too,
from the adjustment and from its audit entry; so do what an LTI proctoring tool reported (the identity it
verified, the notes of its incidents).

Every write to an allowance or a review archives the version it replaces (the models' ``pre_save`` /
``pre_delete`` receivers and the allowance queryset's ``update``), and the audit log records each allowance
value set. Blanking a live row therefore writes a fresh archive row holding the very value being erased.
This module does not count on its statements being in the right order to cope with that: it works in two
phases inside one transaction, every live row first, then every archive, so whatever the first phase (or
any receiver added later) archives is erased by the second.
"""

from __future__ import annotations

from django.db import transaction

from edx_proctoring.backends import get_backend_provider
from edx_proctoring.exceptions import ProctoredBaseException
from edx_proctoring.identity import obscured_user_id
from edx_proctoring.models import (
    LtiControlEvent,
    LtiLaunch,
    ProctoredExamSoftwareSecureComment,
    ProctoredExamSoftwareSecureReview,
    ProctoredExamSoftwareSecureReviewHistory,
    ProctoredExamStudentAllowance,
    ProctoredExamStudentAllowanceHistory,
    ProctoredExamStudentAttempt,
    ProctoredExamTimeAdjustment,
    ProctoringAuditEntry,
)

# Audit entries of allowance changes carry the values themselves under these keys.
ALLOWANCE_AUDIT_PREFIX = "allowance."
ALLOWANCE_AUDIT_VALUE_KEYS = ("value", "previous_value")
# Audit entries of time adjustments (``attempt.paused``, ``attempt.time_extended``...) carry staff's reason.
TIME_ADJUSTMENT_AUDIT_PREFIX = "attempt."
TIME_ADJUSTMENT_AUDIT_KEYS = ("reason",)


def retire_user_at_vendors(*, user_id: int) -> dict[str, bool]:
    """Ask every backend that proctored the user to delete them: ``{backend name: deleted}``.

    Once per backend of the user's proctored attempts, in name order, with the user's id as that vendor
    knows it. A vendor that refuses (or is no longer configured) counts as not deleted; a backend that
    keeps nothing about users (answers None) is left out.
    """
    backend_names = (
        ProctoredExamStudentAttempt.objects.filter(user_id=user_id, taking_as_proctored=True)
        .order_by()
        .values_list("proctored_exam__backend", flat=True)
        .distinct()
    )
    results = {}
    for name in sorted({name for name in backend_names if name}):
        try:
            result = get_backend_provider(name=name).retire_user(obscured_user_id(user_id, name))
        except (ProctoredBaseException, NotImplementedError):
            result = False
        if result is not None:
            results[name] = bool(result)
    return results


def retire_user_data(*, user_id: int) -> None:
    """Blank the personal data the proctoring tables hold about the user `user_id`; attempts are kept.

    All or nothing: one transaction. A user with no data (or an id no row can have) is a no-op.
    """
    with transaction.atomic():
        codes = _attempt_codes(user_id=user_id)
        _blank_live_rows(user_id=user_id, codes=codes)
        _blank_archives(user_id=user_id, codes=codes)


def _attempt_codes(*, user_id: int) -> set[str]:
    """The codes of every attempt of the user, including attempts staff removed (kept only in the
    attempt history) whose reviews outlive them."""
    live = ProctoredExamStudentAttempt.objects.filter(user_id=user_id).values_list("attempt_code", flat=True)
    archived = ProctoredExamStudentAttempt.history.filter(user_id=user_id).values_list("attempt_code", flat=True)
    reviewed = ProctoredExamSoftwareSecureReview.objects.filter(student_id=user_id).values_list(
        "attempt_code", flat=True
    )
    return {code for code in (*live, *archived, *reviewed) if code}


def _blank_live_rows(*, user_id: int, codes: set[str]) -> None:
    ProctoredExamStudentAllowance.objects.filter(user_id=user_id).update(value="")
    # One by one, as the historic endpoint did: hosts may listen to the reviews' save signals.
    for review in ProctoredExamSoftwareSecureReview.objects.filter(attempt_code__in=codes):
        review.raw_data = ""
        review.encrypted_video_url = b""
        review.save()
    ProctoredExamSoftwareSecureComment.objects.filter(review__attempt_code__in=codes).update(comment="", status="")
    ProctoredExamTimeAdjustment.objects.filter(attempt__user_id=user_id).exclude(reason="").update(reason="")
    # What an LTI proctoring tool said about the learner: the identity it verified, its incident notes.
    LtiLaunch.objects.filter(user_id=user_id).exclude(verified_user=None).update(verified_user=None)
    LtiControlEvent.objects.filter(attempt__user_id=user_id).exclude(reason_msg="").update(reason_msg="")


def _blank_archives(*, user_id: int, codes: set[str]) -> None:
    ProctoredExamStudentAllowanceHistory.objects.filter(user_id=user_id).update(value="")
    ProctoredExamSoftwareSecureReviewHistory.objects.filter(attempt_code__in=codes).update(
        raw_data="", encrypted_video_url=b""
    )
    ProctoredExamSoftwareSecureReviewHistory.objects.filter(student_id=user_id).update(
        raw_data="", encrypted_video_url=b""
    )
    ProctoringAuditEntry.objects.filter(
        target_user_id=user_id, action__startswith=ALLOWANCE_AUDIT_PREFIX
    ).redact_details(keys=ALLOWANCE_AUDIT_VALUE_KEYS)
    ProctoringAuditEntry.objects.filter(
        target_user_id=user_id, action__startswith=TIME_ADJUSTMENT_AUDIT_PREFIX
    ).redact_details(keys=TIME_ADJUSTMENT_AUDIT_KEYS)
