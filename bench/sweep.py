"""The expiry sweep (`edx_proctoring.tasks.expire_overdue_attempts`) over many overdue attempts.

Each run seeds `size` started attempts whose deadline passed an hour ago (bulk_create) and runs one sweep.
The exams are proctored by the in-memory `test` vendor and the host's credit and instructor services are
registered, so every side effect of an expiry happens, and each is counted (one per expired attempt is
expected). The sweep's batches queue their host, vendor and email calls as Celery tasks: the timed sweep
sends those messages to a file standing in for the broker, then the worker's share (running each message's
task) is timed on its own, in this one process (production spreads it over the workers). An untraced
run gives the wall time and attempts per second (and the process's peak RSS growth); runs
under tracemalloc give the peak Python memory the sweep allocated. tracemalloc slows the sweep about
threefold, so it traces smaller runs: equal peaks at two sizes show the memory does not grow with the
number of attempts (the sweep reads them in keyset batches). Imported by bench/run.py once Django is set
up on the benchmark database.
"""

from __future__ import annotations

import contextlib
import json
import resource
import tempfile
import time
import tracemalloc
import uuid
from datetime import UTC, datetime, timedelta

from celery import current_app
from django.contrib.auth import get_user_model
from django.test import override_settings

from edx_proctoring.attempts.deferred_calls import run_deferred_status_effects
from edx_proctoring.attempts.expiry import SWEEP_REASON
from edx_proctoring.models import ProctoredExam, ProctoredExamStudentAttempt
from edx_proctoring.tasks import expire_overdue_attempts

SWEEP_EXAMS = 10


class _Counter:
    """Counts one kind of side effect without keeping what it was told (the memory figure stays the sweep's)."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self, *args, **kwargs) -> None:
        self.count += 1


class _CountingTracker:
    def __init__(self) -> None:
        self.emit = _Counter()

    def context(self, name, ctx):
        return contextlib.nullcontext()


class _Host:
    """The host's services and the vendor as counters: credit status, instructor completion, stop call."""

    def __init__(self) -> None:
        self.credit, self.instructor, self.vendor, self.signals = _Counter(), _Counter(), _Counter(), _Counter()
        self.tracker = _CountingTracker()

    @contextlib.contextmanager
    def installed(self):
        from django.apps import apps
        from eventtracking import tracker

        from edx_proctoring import runtime
        from edx_proctoring.signals import exam_attempt_status_signal
        from edx_proctoring.tests.test_services import MockCreditService, MockInstructorService

        credit, instructor = MockCreditService(), MockInstructorService()
        credit.set_credit_requirement_status = self.credit
        instructor.complete_student_attempt = self.instructor
        backend = apps.get_app_config("edx_proctoring").get_backend("test")
        saved_stop, backend.stop_exam_attempt = backend.stop_exam_attempt, self.vendor
        runtime.set_runtime_service("credit", credit)
        runtime.set_runtime_service("instructor", instructor)
        previous_tracker = tracker.TRACKERS.get(tracker.DEFAULT_TRACKER_NAME)
        tracker.register_tracker(self.tracker)
        exam_attempt_status_signal.connect(self.signals, weak=False, dispatch_uid="bench-sweep")
        conf = current_app.conf
        saved_eager = conf.task_always_eager
        conf.task_always_eager = True
        try:
            with override_settings(EMAIL_BACKEND="bench.sweep.CountingEmailBackend"):
                yield self
        finally:
            conf.task_always_eager = saved_eager
            exam_attempt_status_signal.disconnect(dispatch_uid="bench-sweep")
            if previous_tracker is not None:
                tracker.register_tracker(previous_tracker)
            backend.stop_exam_attempt = saved_stop
            runtime.set_runtime_service("credit", None)
            runtime.set_runtime_service("instructor", None)


class _QueuedTo:
    """`run_deferred_status_effects.delay` writing each message to a file, as a broker would hold it."""

    def __init__(self, broker) -> None:
        self.broker, self.count = broker, 0
        self.saved = run_deferred_status_effects.delay
        run_deferred_status_effects.delay = self

    def __call__(self, **kwargs) -> None:
        self.broker.write(json.dumps(kwargs) + "\n")
        self.count += 1

    def undo(self) -> None:
        run_deferred_status_effects.delay = self.saved


def _queue_to(broker) -> _QueuedTo:
    return _QueuedTo(broker)


class CountingEmailBackend:
    """An email backend that renders nothing further and keeps nothing: it counts the emails sent."""

    sent = 0

    def __init__(self, *args, **kwargs) -> None:
        pass

    def send_messages(self, messages) -> int:
        CountingEmailBackend.sent += len(messages)
        return len(messages)


def seed_overdue_attempts(size: int, *, run: int = 0) -> None:
    """`size` started attempts, one per (learner, exam), each 60 minutes long and started two hours ago."""
    exams = [
        ProctoredExam.objects.create(
            course_id=f"course-v1:edX+BenchSweep{run}+2026",
            content_id=f"block-v1:edX+BenchSweep{run}+2026+type@sequential+block@exam{index}",
            exam_name=f"Sweep exam {index}",
            time_limit_mins=60,
            is_proctored=True,
            is_practice_exam=False,
            is_active=True,
            backend="test",
        )
        for index in range(SWEEP_EXAMS)
    ]
    learners = -(-size // SWEEP_EXAMS)
    user_model = get_user_model()
    user_model.objects.bulk_create(
        [user_model(username=f"sweep{run}-{n}", email=f"sweep{run}-{n}@example.org") for n in range(learners)],
        batch_size=5000,
    )
    user_ids = list(
        user_model.objects.filter(username__startswith=f"sweep{run}-").order_by("id").values_list("id", flat=True)
    )
    started = datetime.now(UTC) - timedelta(hours=2)
    rows = []
    for index in range(size):
        rows.append(
            ProctoredExamStudentAttempt(
                user_id=user_ids[index // SWEEP_EXAMS],
                proctored_exam=exams[index % SWEEP_EXAMS],
                status="started",
                taking_as_proctored=True,
                external_id=f"sweep{run}-{index}",
                started_at=started,
                allowed_time_limit_mins=60,
                attempt_code=str(uuid.uuid4()).upper(),
            )
        )
        if len(rows) == 5000:
            ProctoredExamStudentAttempt.objects.bulk_create(rows)
            rows = []
    ProctoredExamStudentAttempt.objects.bulk_create(rows)


def sweep_once(size: int, *, run: int, traced: bool) -> dict:
    """Seed `size` overdue attempts and sweep them once; returns what bench/run.py prints."""
    began = time.perf_counter()
    seed_overdue_attempts(size, run=run)
    seed_seconds = time.perf_counter() - began
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    CountingEmailBackend.sent = 0
    swept_from = datetime.now(UTC)
    with _Host().installed() as host:
        if traced:
            tracemalloc.start()
        with tempfile.TemporaryFile("w+") as broker:
            queued = _queue_to(broker)
            began = time.perf_counter()
            expired = expire_overdue_attempts()
            seconds = time.perf_counter() - began
            peak = tracemalloc.get_traced_memory()[1] if traced else None
            if traced:
                tracemalloc.stop()
            queued.undo()
            began = time.perf_counter()
            broker.seek(0)
            for line in broker:
                run_deferred_status_effects.apply(kwargs=json.loads(line))
            worker_seconds = time.perf_counter() - began
    rss_growth = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss_before  # KiB on Linux
    left = ProctoredExamStudentAttempt.objects.filter(status="started", started_at__isnull=False).count()
    return {
        "size": size,
        "traced": traced,
        "expired": expired,
        "left_running": left,
        "seconds": seconds,
        "per_second": expired / seconds if seconds else 0.0,
        "peak_mib": peak / 2**20 if peak is not None else None,
        "rss_growth_mib": rss_growth / 1024,
        "seed_seconds": seed_seconds,
        "worker_seconds": worker_seconds,
        "messages": queued.count,
        # Each side effect's count; every one should equal `expired`.
        "effects": {
            "history": ProctoredExamStudentAttempt.history.filter(
                history_change_reason=SWEEP_REASON, history_date__gte=swept_from
            ).count(),
            "event": host.tracker.emit.count,
            "signal": host.signals.count,
            "credit": host.credit.count,
            "instructor": host.instructor.count,
            "email": CountingEmailBackend.sent,
            "vendor": host.vendor.count,
        },
    }


def run_sweeps(size: int, traced_sizes: tuple[int, ...]) -> list[dict]:
    """The timed sweep over `size` attempts, then the traced ones (smallest first)."""
    results = [sweep_once(size, run=0, traced=False)]
    for run, traced_size in enumerate(sorted(traced_sizes), start=1):
        results.append(sweep_once(traced_size, run=run, traced=True))
    return results
