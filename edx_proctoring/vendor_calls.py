"""The vendor call log: every callback a vendor makes to us and every call we make to a vendor.

One row per call (``ProctoringVendorCall``): when, which backend, which attempt (our id), the outcome, the
HTTP status, the latency and, for a failure, its kind. Nothing sensitive is stored: no URL (instructor links
carry a JWT, PSI's callback URL a token), no body (attempt codes, video links), no error message (which may
quote either). The table is bounded twice: rows older than the backend's ``callback_log`` retention are
deleted by the retention task, and beyond ``VENDOR_CALL_LOG_MAX_ROWS`` the oldest go first.

A row is written in its own savepoint, so a failing write never breaks the call it describes; it is part of
the caller's transaction, though, so a call made inside a transaction that is rolled back leaves no row.
"""

from __future__ import annotations

import functools
import logging
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.apps import apps
from django.db import transaction
from django.db.models import Avg, Count, Max, Q

from edx_proctoring import config
from edx_proctoring.models import (
    ProctoredExamStudentAttempt,
    ProctoringVendorCall,
    VendorCallDirection,
    VendorCallOutcome,
)
from edx_proctoring.timing import now

log = logging.getLogger(__name__)

UNKNOWN_BACKEND = "unknown"
DELETE_BATCH_SIZE = 5000
SLOWEST_CALLS = 10
# Where a callback view leaves what it learned about the attempt, for the log row written after it answers.
_REQUEST_NOTE = "_proctoring_vendor_call"


@dataclass
class CallNote:
    """What the code making a call learns while it runs: the vendor's HTTP status, and the attempt."""

    http_status: int | None = None
    attempt_id: int | None = None
    backend: str | None = None


def backend_name_of(backend: Any) -> str:
    """The name `backend` is configured under (its class name when it is not a configured backend)."""
    name = getattr(backend, "backend_name", None)
    if name:
        return str(name)
    try:
        registry = apps.get_app_config("edx_proctoring").backends
        for configured_name, configured in registry.items():
            if configured is backend:
                return configured_name
    except Exception:  # noqa: BLE001 - a half-configured registry only costs the log its name
        pass
    return type(backend).__name__


def outcome_of(http_status: int | None) -> str:
    if http_status is None or http_status < 400:
        return VendorCallOutcome.OK
    return VendorCallOutcome.REFUSED if http_status < 500 else VendorCallOutcome.FAILED


def record_vendor_call(
    *,
    backend: str,
    direction: str,
    operation: str,
    outcome: str,
    latency_ms: int,
    attempt_id: int | None = None,
    http_status: int | None = None,
    error: str = "",
) -> None:
    """Append one row; never raises (the log must not break the call it describes)."""
    try:
        with transaction.atomic():
            ProctoringVendorCall.objects.create(
                created=now(),
                backend=(backend or UNKNOWN_BACKEND)[:100],
                direction=direction,
                operation=operation[:64],
                attempt_id=attempt_id,
                outcome=outcome,
                http_status=http_status if http_status is not None and 0 <= http_status < 1000 else None,
                latency_ms=max(int(latency_ms), 0),
                error=error[:100],
            )
    except Exception:  # including "no database here" (a worker without one, a test without it)
        log.warning("Could not log the vendor call %s of %s", operation, backend, exc_info=True)


def attempt_id_for_external_id(external_id: str | None) -> int | None:
    if not external_id:
        return None
    try:
        return ProctoredExamStudentAttempt.objects.filter(external_id=external_id).values_list("id", flat=True).first()
    except Exception:  # noqa: BLE001 - like the row itself, the attempt's id is best effort
        return None


@contextmanager
def logged_vendor_call(*, backend: Any, operation: str, attempt_external_id: str | None = None) -> Iterator[CallNote]:
    """Time a call to `backend`'s vendor and log it; the block sets ``note.http_status`` from the answer."""
    note = CallNote()
    began = time.monotonic()
    error = ""
    try:
        yield note
    except Exception as exc:
        error = type(exc).__name__
        raise
    finally:
        latency_ms = round((time.monotonic() - began) * 1000)
        record_vendor_call(
            backend=backend_name_of(backend),
            direction=VendorCallDirection.CALL,
            operation=operation,
            outcome=VendorCallOutcome.FAILED if error else outcome_of(note.http_status),
            latency_ms=latency_ms,
            attempt_id=note.attempt_id or attempt_id_for_external_id(attempt_external_id),
            http_status=note.http_status,
            error=error or (f"HTTP {note.http_status}" if note.http_status and note.http_status >= 400 else ""),
        )


def note_callback_attempt(request: Any, *, attempt: dict) -> None:
    """Tell the callback log which attempt (and so which backend) the callback being served is about."""
    exam = attempt.get("proctored_exam") or {}
    backend = exam.get("backend") or config.default_backend_name()
    setattr(request, _REQUEST_NOTE, CallNote(attempt_id=attempt.get("id"), backend=backend))


def logged_callback(operation: str) -> Callable:
    """Decorate a callback view's handler: log the call with the status it answered and how long it took."""

    def decorator(handler: Callable) -> Callable:
        @functools.wraps(handler)
        def wrapper(view, request, *args, **kwargs):
            began = time.monotonic()
            http_status: int | None = None
            error = ""
            try:
                response = handler(view, request, *args, **kwargs)
                http_status = getattr(response, "status_code", None)
                return response
            except Exception as exc:
                # Mapped to an answer by the view's exception handler: a proctoring or DRF error has its status.
                http_status = getattr(exc, "http_status", None) or getattr(exc, "status_code", None)
                error = type(exc).__name__
                raise
            finally:
                note = getattr(request, _REQUEST_NOTE, None) or CallNote()
                record_vendor_call(
                    backend=note.backend or UNKNOWN_BACKEND,
                    direction=VendorCallDirection.CALLBACK,
                    operation=operation,
                    outcome=outcome_of(http_status) if http_status else VendorCallOutcome.FAILED,
                    latency_ms=round((time.monotonic() - began) * 1000),
                    attempt_id=note.attempt_id,
                    http_status=http_status if isinstance(http_status, int) else None,
                    error=error
                    or (f"HTTP {http_status}" if isinstance(http_status, int) and http_status >= 400 else ""),
                )

        return wrapper

    return decorator


# -- the health view (Django admin) ------------------------------------------------------------------------


def vendor_health(*, as_of: datetime | None = None) -> list[dict]:
    """Per backend and direction: calls and failures in the last day and week, failure rates, latencies.

    One grouped query whatever the number of calls.
    """
    as_of = as_of or now()
    day, week = as_of - timedelta(days=1), as_of - timedelta(days=7)
    failed = ~Q(outcome=VendorCallOutcome.OK)
    rows = (
        ProctoringVendorCall.objects.filter(created__gte=week)
        .values("backend", "direction")
        .annotate(
            week_calls=Count("id"),
            week_failed=Count("id", filter=failed),
            day_calls=Count("id", filter=Q(created__gte=day)),
            day_failed=Count("id", filter=Q(created__gte=day) & failed),
            week_avg_ms=Avg("latency_ms"),
            week_max_ms=Max("latency_ms"),
        )
        .order_by("backend", "direction")
    )
    health = []
    for row in rows:
        health.append(
            {
                **row,
                "direction_label": VendorCallDirection(row["direction"]).label,
                "day_failure_rate": row["day_failed"] / row["day_calls"] if row["day_calls"] else None,
                "week_failure_rate": row["week_failed"] / row["week_calls"],
            }
        )
    return health


def slowest_calls(*, as_of: datetime | None = None, days: int = 7, limit: int = SLOWEST_CALLS) -> list:
    as_of = as_of or now()
    return list(
        ProctoringVendorCall.objects.filter(created__gte=as_of - timedelta(days=days)).order_by("-latency_ms", "-id")[
            :limit
        ]
    )


# -- bounding the table (run by the retention task) ---------------------------------------------------------


def _delete_in_batches(queryset) -> int:
    deleted = 0
    while True:
        ids = list(queryset.order_by("id").values_list("id", flat=True)[:DELETE_BATCH_SIZE])
        if not ids:
            return deleted
        deleted += ProctoringVendorCall.objects.filter(id__in=ids).delete()[0]


def prune_vendor_calls(*, as_of: datetime | None = None, dry_run: bool = False) -> int:
    """Delete rows past their backend's ``callback_log`` retention, then the oldest beyond the cap.

    Deletes by id batches, so no statement holds many locks; two runs at once delete each row once.
    Returns how many rows went (would go, with `dry_run`).
    """
    as_of = as_of or now()
    removed = 0
    backends = ProctoringVendorCall.objects.order_by().values_list("backend", flat=True).distinct()
    for backend in list(backends):
        days = config.retention_days(backend=backend)["callback_log"]
        if days is None:
            continue
        expired = ProctoringVendorCall.objects.filter(backend=backend, created__lt=as_of - timedelta(days=days))
        removed += expired.count() if dry_run else _delete_in_batches(expired)
    cap = config.vendor_call_log_max_rows()
    beyond_cap = list(ProctoringVendorCall.objects.order_by("-id").values_list("id", flat=True)[cap : cap + 1])
    if beyond_cap:
        newest_beyond_cap = beyond_cap[0]
        beyond = ProctoringVendorCall.objects.filter(id__lte=newest_beyond_cap)
        removed += beyond.count() if dry_run else _delete_in_batches(beyond)
    return removed
