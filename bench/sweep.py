"""The expiry sweep (`edx_proctoring.tasks.expire_overdue_attempts`) over many overdue attempts.

Each run seeds `size` started attempts whose deadline passed an hour ago (bulk_create) and runs one sweep.
An untraced run gives the wall time and attempts per second (and the process's peak RSS growth); runs
under tracemalloc give the peak Python memory the sweep allocated. tracemalloc slows the sweep about
threefold, so it traces smaller runs: equal peaks at two sizes show the memory does not grow with the
number of attempts (the sweep reads them in keyset batches). Imported by bench/run.py once Django is set
up on the benchmark database.
"""

from __future__ import annotations

import resource
import time
import tracemalloc
import uuid
from datetime import UTC, datetime, timedelta

from django.contrib.auth import get_user_model

from edx_proctoring.models import ProctoredExam, ProctoredExamStudentAttempt
from edx_proctoring.tasks import expire_overdue_attempts

SWEEP_EXAMS = 10


def seed_overdue_attempts(size: int, *, run: int = 0) -> None:
    """`size` started attempts, one per (learner, exam), each 60 minutes long and started two hours ago."""
    exams = [
        ProctoredExam.objects.create(
            course_id=f"course-v1:edX+BenchSweep{run}+2026",
            content_id=f"block-v1:edX+BenchSweep{run}+2026+type@sequential+block@exam{index}",
            exam_name=f"Sweep exam {index}",
            time_limit_mins=60,
            is_proctored=False,
            is_practice_exam=False,
            is_active=True,
            backend=None,
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
    if traced:
        tracemalloc.start()
    began = time.perf_counter()
    expired = expire_overdue_attempts()
    seconds = time.perf_counter() - began
    peak = tracemalloc.get_traced_memory()[1] if traced else None
    if traced:
        tracemalloc.stop()
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
    }


def run_sweeps(size: int, traced_sizes: tuple[int, ...]) -> list[dict]:
    """The timed sweep over `size` attempts, then the traced ones (smallest first)."""
    results = [sweep_once(size, run=0, traced=False)]
    for run, traced_size in enumerate(sorted(traced_sizes), start=1):
        results.append(sweep_once(traced_size, run=run, traced=True))
    return results
