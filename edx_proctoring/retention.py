"""The retention policy: personal data of finished attempts is erased once it is past its date.

What a vendor sent about an attempt -- the review payload, the (encrypted) video link, the reviewers'
notes -- and what requests carried into the audit log are personal data that operators must not keep for
ever. ``PROCTORING_SETTINGS["RETENTION_DAYS"]`` (``config.retention_days``) says, per backend and category,
how many days after an attempt is finished each is kept:

* ``review_payload``: the review's ``raw_data``, live and archived;
* ``video_link``: the review's ``encrypted_video_url``, live and archived;
* ``notes``: the text of the reviewers' comments (the flag each comment raised stays) and staff's reasons
  for time adjustments;
* ``audit_details``: the details of the attempt's audit entries (who acted, when and on what stay);
* ``callback_log``: rows of the vendor call log (by their own age; ``vendor_calls.prune_vendor_calls``).

An attempt is finished when it has its final status (verified, rejected, error, declined, expired or an
onboarding refusal), and its finishing date is its last change (``modified``). What stays: the attempt and
its status, the review's verdict, the attempt's status history, and one audit entry per purge
(``retention.purged``) saying which categories went and why.

:func:`purge_expired_data` (task ``edx_proctoring.tasks.purge_expired_data``) reads attempts in keyset
batches (memory does not grow with their number), locks each batch and skips rows another run holds (two
runs at once erase each thing once), and only touches what is not erased yet (a second run right after
erases nothing). ``manage.py preview_retention_purge`` shows what a run would erase without erasing it.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db import connection, transaction
from django.db.models import Q

from edx_proctoring import config
from edx_proctoring.models import (
    ProctoredExam,
    ProctoredExamSoftwareSecureComment,
    ProctoredExamSoftwareSecureReview,
    ProctoredExamSoftwareSecureReviewHistory,
    ProctoredExamStudentAttempt,
    ProctoredExamTimeAdjustment,
    ProctoringAuditEntry,
)
from edx_proctoring.models.lookups import id_batches
from edx_proctoring.statuses import ProctoredExamStudentAttemptStatus as Status
from edx_proctoring.timing import now
from edx_proctoring.vendor_calls import prune_vendor_calls

log = logging.getLogger(__name__)

BATCH_SIZE = 1000
FINISHED_STATUSES = (
    Status.verified,
    Status.rejected,
    Status.error,
    Status.declined,
    Status.expired,
    *Status.onboarding_errors,
)
ATTEMPT_CATEGORIES = ("review_payload", "video_link", "notes", "audit_details")
PURGE_ACTION = "retention.purged"
# What an audit entry's details become; also how a purged entry is recognised.
PURGED_DETAILS = {"purged": "retention policy"}


@dataclass
class PurgeResult:
    """Rows erased (or that would be, in a preview) per category, and the attempts concerned."""

    rows: dict[str, int] = field(default_factory=lambda: dict.fromkeys((*ATTEMPT_CATEGORIES, "callback_log"), 0))
    attempts: int = 0

    @property
    def total(self) -> int:
        return sum(self.rows.values())

    def as_dict(self) -> dict:
        return {**self.rows, "attempts": self.attempts, "total": self.total}


def _backend_groups() -> list[str | None]:
    """Backend names exams use (None: the default backend), each purged with its own retention."""
    names = {name for name in config.proctoring_backends() if name != "DEFAULT"}
    names |= set(ProctoredExam.objects.order_by().values_list("backend", flat=True).distinct()) - {None, ""}
    return [None, *sorted(names)]


def _cutoffs(*, backend: str | None, as_of: datetime) -> dict[str, datetime]:
    days = config.retention_days(backend=backend or config.default_backend_name())
    return {
        category: as_of - timedelta(days=days[category])
        for category in ATTEMPT_CATEGORIES
        if days[category] is not None
    }


def _finished_attempt_batches(*, backend: str | None, before: datetime, batch_size: int) -> Iterator[list[int]]:
    attempts = ProctoredExamStudentAttempt.objects.filter(status__in=FINISHED_STATUSES, modified__lt=before)
    attempts = (
        attempts.filter(Q(proctored_exam__backend__isnull=True) | Q(proctored_exam__backend=""))
        if backend is None
        else attempts.filter(proctored_exam__backend=backend)
    )
    yield from id_batches(attempts, batch_size=batch_size)


def purge_expired_data(
    *, as_of: datetime | None = None, dry_run: bool = False, batch_size: int = BATCH_SIZE
) -> PurgeResult:
    """Erase (or, with `dry_run`, count) what is past its retention date; see the module docstring."""
    as_of = as_of or now()
    result = PurgeResult()
    for backend in _backend_groups():
        cutoffs = _cutoffs(backend=backend, as_of=as_of)
        if not cutoffs:
            continue
        for ids in _finished_attempt_batches(backend=backend, before=max(cutoffs.values()), batch_size=batch_size):
            _purge_batch(ids=ids, cutoffs=cutoffs, backend=backend, dry_run=dry_run, result=result)
    result.rows["callback_log"] = prune_vendor_calls(as_of=as_of, dry_run=dry_run)
    log.info("Retention purge%s: %s", " (preview)" if dry_run else "", result.as_dict())
    return result


def _purge_batch(*, ids: list[int], cutoffs: dict, backend: str | None, dry_run: bool, result: PurgeResult) -> None:
    with transaction.atomic():
        locked = ProctoredExamStudentAttempt.objects.filter(id__in=ids, status__in=FINISHED_STATUSES)
        if not dry_run:
            locked = locked.select_for_update(skip_locked=connection.features.has_select_for_update_skip_locked)
        rows = list(locked.values_list("id", "attempt_code", "modified", "user_id", "proctored_exam_id"))
        due: dict[str, list[tuple]] = {
            category: [row for row in rows if row[2] < cutoff] for category, cutoff in cutoffs.items()
        }
        purged: dict[int, list[str]] = {}

        def note(category: str, attempt_ids) -> None:
            for attempt_id in attempt_ids:
                purged.setdefault(attempt_id, []).append(category)

        if due.get("review_payload"):
            note(
                "review_payload",
                _erase_reviews(due["review_payload"], field_name="raw_data", dry_run=dry_run, result=result),
            )
        if due.get("video_link"):
            note("video_link", _erase_reviews(due["video_link"], field_name="video", dry_run=dry_run, result=result))
        if due.get("notes"):
            note("notes", _erase_notes(due["notes"], dry_run=dry_run, result=result))
        if due.get("audit_details"):
            note("audit_details", _erase_audit_details(due["audit_details"], dry_run=dry_run, result=result))
        result.attempts += len(purged)
        if purged and not dry_run:
            by_id = {row[0]: row for row in rows}
            ProctoringAuditEntry.objects.bulk_create(
                [
                    ProctoringAuditEntry(
                        action=PURGE_ACTION,
                        attempt_id=attempt_id,
                        exam_id=by_id[attempt_id][4],
                        target_user_id=by_id[attempt_id][3],
                        details={
                            "categories": sorted(set(categories)),
                            "backend": backend,
                            "reason": "retention policy: kept for its configured days after the attempt finished",
                        },
                    )
                    for attempt_id, categories in sorted(purged.items())
                ]
            )


def _codes(rows) -> dict[str, int]:
    return {row[1]: row[0] for row in rows if row[1]}


def _erase_reviews(rows, *, field_name: str, dry_run: bool, result: PurgeResult) -> set[int]:
    """Blank the review payloads (or video links) of `rows`' attempts, live and archived; attempt ids erased."""
    codes = _codes(rows)
    category = "review_payload" if field_name == "raw_data" else "video_link"
    if field_name == "raw_data":
        keep = Q(raw_data="")
        erased = {"raw_data": ""}
    else:
        keep = Q(encrypted_video_url__isnull=True)
        erased = {"encrypted_video_url": None}
    erased_ids: set[int] = set()
    for model in (ProctoredExamSoftwareSecureReview, ProctoredExamSoftwareSecureReviewHistory):
        pending = model.objects.filter(attempt_code__in=list(codes)).exclude(keep)
        found = list(pending.values_list("id", "attempt_code"))
        if not found:
            continue
        erased_ids |= {codes[code] for _id, code in found}
        result.rows[category] += len(found)
        if not dry_run:
            # A plain UPDATE: the review's pre_save archive would copy the very data being erased.
            model.objects.filter(id__in=[row_id for row_id, _code in found]).update(**erased)
    return erased_ids


def _erase_notes(rows, *, dry_run: bool, result: PurgeResult) -> set[int]:
    codes = _codes(rows)
    pending = ProctoredExamSoftwareSecureComment.objects.filter(review__attempt_code__in=list(codes)).exclude(
        comment=""
    )
    found = list(pending.values_list("id", "review__attempt_code"))
    reasons = list(
        ProctoredExamTimeAdjustment.objects.filter(attempt_id__in=[row[0] for row in rows])
        .exclude(reason="")
        .values_list("id", "attempt_id")
    )
    result.rows["notes"] += len(found) + len(reasons)
    if found and not dry_run:
        ProctoredExamSoftwareSecureComment.objects.filter(id__in=[row_id for row_id, _code in found]).update(comment="")
    if reasons and not dry_run:
        ProctoredExamTimeAdjustment.objects.filter(id__in=[row_id for row_id, _a in reasons]).update(reason="")
    return {codes[code] for _id, code in found} | {attempt_id for _id, attempt_id in reasons}


def _erase_audit_details(rows, *, dry_run: bool, result: PurgeResult) -> set[int]:
    entries = ProctoringAuditEntry.objects.filter(attempt_id__in=[row[0] for row in rows]).exclude(action=PURGE_ACTION)
    found = [
        (entry_id, attempt_id)
        for entry_id, attempt_id, details in entries.values_list("id", "attempt_id", "details")
        if details and details != PURGED_DETAILS
    ]
    result.rows["audit_details"] += len(found)
    if found and not dry_run:
        ProctoringAuditEntry.objects.filter(id__in=[entry_id for entry_id, _a in found]).replace_details(
            details=PURGED_DETAILS
        )
    return {attempt_id for _e, attempt_id in found}
