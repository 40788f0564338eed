"""Who changed an attempt, when, and why: the audit trail of staff and vendor actions.

Two records are kept, both written in the same transaction as the change itself:

* the attempt's own history (django-simple-history, ``ProctoredExamStudentAttempt.history``): every saved
  or deleted version of an attempt gets ``history_user`` (who) and ``history_change_reason`` (why, at most
  100 characters, e.g. ``"vendor callback: ready"``, ``"review callback: Clean"``,
  ``"staff: mark_ready_to_resume"``, ``"admin: status -> verified"``) from the audit context below;
* ``ProctoringAuditEntry`` (table ``proctoring_auditentry``), append-only, one row per staff or vendor
  action, with the details of the request: allowance changes (which have no simple-history table), and
  vendor callbacks whether or not they changed anything.

Callers say who acts and why with ``audit_context`` around the change; the lifecycle and the simple-history
hook below read it. Contexts nest; an inner one inherits what it does not set.

Replays (a vendor sending the same callback twice) write no history row, because the attempt does not
change, but they do write an audit entry with ``"changed": false``: the log records every call a vendor
made, the attempt's history only what changed it.
"""

from __future__ import annotations

import contextvars
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.dispatch import receiver
from simple_history.signals import pre_create_historical_record

from edx_proctoring.models import ProctoredExamStudentAttempt, ProctoringAuditEntry

REASON_MAX_LENGTH = 100  # history_change_reason is a CharField(100)

_INHERIT: Any = object()


@dataclass(frozen=True)
class AuditContext:
    actor: Any = None
    reason: str | None = None


_NO_CONTEXT = AuditContext()
_current: contextvars.ContextVar[AuditContext | None] = contextvars.ContextVar("edx_proctoring_audit", default=None)


def real_user(user) -> Any:
    """The user when it is a saved, signed-in user; None for anonymous callers and missing users."""
    if user is None or not getattr(user, "is_authenticated", False) or getattr(user, "pk", None) is None:
        return None
    return user


@contextmanager
def audit_context(*, actor: Any = _INHERIT, reason: str | None = None) -> Iterator[AuditContext]:
    """Attribute the changes made inside the block to `actor`, for `reason`; unset values are inherited."""
    outer = current_audit()
    context = AuditContext(
        actor=outer.actor if actor is _INHERIT else real_user(actor),
        reason=outer.reason if reason is None else reason[:REASON_MAX_LENGTH],
    )
    token = _current.set(context)
    try:
        yield context
    finally:
        _current.reset(token)


def current_audit() -> AuditContext:
    """The actor and reason in force (both None outside any `audit_context`)."""
    return _current.get() or _NO_CONTEXT


@receiver(pre_create_historical_record, dispatch_uid="edx_proctoring.audit_trail.attribute_attempt_history")
def _attribute_attempt_history(sender, instance, history_instance, **kwargs):
    """Stamp each new attempt history row with the actor and reason of the surrounding audit context."""
    if not isinstance(instance, ProctoredExamStudentAttempt):
        return
    context = current_audit()
    if context.reason and not history_instance.history_change_reason:
        history_instance.history_change_reason = context.reason
    # An explicit attribution on the instance (`_history_user`) wins over the context's actor, which wins
    # over the user of the request simple-history's middleware saw.
    if context.actor is not None and not hasattr(instance, "_history_user"):
        history_instance.history_user = context.actor


def record_audit(
    action: str,
    *,
    actor: Any = _INHERIT,
    attempt_id: int | None = None,
    exam_id: int | None = None,
    target_user_id: int | None = None,
    details: dict | None = None,
) -> ProctoringAuditEntry:
    """Append one entry; the actor defaults to the current audit context's."""
    context = current_audit()
    entry_details = dict(details or {})
    if context.reason and "reason" not in entry_details:
        entry_details["reason"] = context.reason
    return ProctoringAuditEntry.objects.create(
        actor=context.actor if actor is _INHERIT else real_user(actor),
        action=action[:100],
        attempt_id=attempt_id,
        exam_id=exam_id,
        target_user_id=target_user_id,
        details=entry_details,
    )


def _attempt_state(attempt_id) -> dict | None:
    """What an attempt looks like now (None when it does not exist), and its last history row."""
    if attempt_id is None:
        return None
    row = (
        ProctoredExamStudentAttempt.objects.filter(id=attempt_id)
        .values("status", "proctored_exam_id", "user_id")
        .first()
    )
    last_history = (
        ProctoredExamStudentAttempt.history.filter(id=attempt_id)
        .order_by("-history_id")
        .values_list("history_id", flat=True)
        .first()
    )
    return {"row": row, "last_history": last_history}


@contextmanager
def audited_attempt_action(
    action: str, *, attempt_id: int | None, actor: Any = _INHERIT, reason: str | None = None
) -> Iterator[dict]:
    """Run a change to one attempt atomically and log it: status before and after, and whether it changed.

    The block may add to the yielded dict; it becomes part of the entry's details. Nothing is logged when
    the block raises (the change is rolled back too).
    """
    with audit_context(actor=actor, reason=reason or action), transaction.atomic():
        before = _attempt_state(attempt_id)
        extra: dict = {}
        yield extra
        after = _attempt_state(attempt_id)
        row_before = (before or {}).get("row") or {}
        row_after = (after or {}).get("row") or {}
        details = {
            "status_before": row_before.get("status"),
            "status_after": row_after.get("status"),
            "changed": before != after,
            **extra,
        }
        record_audit(
            action,
            attempt_id=attempt_id,
            exam_id=row_before.get("proctored_exam_id") or row_after.get("proctored_exam_id"),
            target_user_id=row_before.get("user_id") or row_after.get("user_id"),
            details=details,
        )


def attempt_audit_trail(attempt_id: int) -> list[dict]:
    """Everything recorded about one attempt, oldest first: its history rows and its audit entries."""
    trail = [
        {
            "when": row.history_date,
            "kind": "history",
            "actor_id": row.history_user_id,
            "what": row.history_change_reason or {"+": "created", "~": "changed", "-": "deleted"}[row.history_type],
            "status": row.status,
        }
        for row in ProctoredExamStudentAttempt.history.filter(id=attempt_id).order_by("history_date", "history_id")
    ]
    trail += [
        {
            "when": entry.created,
            "kind": "audit",
            "actor_id": entry.actor_id,
            "what": entry.action,
            "details": entry.details,
        }
        for entry in ProctoringAuditEntry.objects.filter(attempt_id=attempt_id)
    ]
    return sorted(trail, key=lambda item: item["when"])
