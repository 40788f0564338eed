"""The retention purge (`edx_proctoring.tasks.purge_expired_data`) over many finished attempts past retention.

Seeds `size` verified attempts whose last change was three years ago, each with a review (payload and video
link), an archived review version, a reviewer's note and an audit entry, plus as many vendor call log rows
older than their retention (bulk_create). One purge is timed (wall time and the process's peak RSS
growth), then a second run right after it is timed and must erase nothing. Runs under tracemalloc at two
smaller sizes give the purge's peak Python memory: equal peaks show it does not grow with the number of
attempts (keyset batches of 1,000). Imported by bench/run.py once Django is set up on the benchmark database.
"""

from __future__ import annotations

import resource
import time
import tracemalloc
import uuid
from datetime import UTC, datetime, timedelta

PURGE_EXAMS = 10
CHUNK = 5000


def _bulk(model, rows: list) -> None:
    for start in range(0, len(rows), CHUNK):
        model.objects.bulk_create(rows[start : start + CHUNK])


def seed_finished_attempts(size: int, *, run: int) -> None:
    # Imported here: bench/run.py imports this module for its options before Django is set up.
    from django.contrib.auth import get_user_model
    from django.db.models import Max

    from edx_proctoring.models import (
        ProctoredExam,
        ProctoredExamSoftwareSecureComment,
        ProctoredExamSoftwareSecureReview,
        ProctoredExamSoftwareSecureReviewHistory,
        ProctoredExamStudentAttempt,
        ProctoringAuditEntry,
        ProctoringVendorCall,
    )

    exams = [
        ProctoredExam.objects.create(
            course_id=f"course-v1:edX+BenchPurge{run}+2026",
            content_id=f"block-v1:edX+BenchPurge{run}+2026+type@sequential+block@exam{index}",
            exam_name=f"Purge exam {index}",
            time_limit_mins=60,
            is_proctored=True,
            is_practice_exam=False,
            is_active=True,
            backend=None,
        )
        for index in range(PURGE_EXAMS)
    ]
    user_model = get_user_model()
    learners = -(-size // PURGE_EXAMS)
    _bulk(
        user_model,
        [user_model(username=f"purge{run}-{n}", email=f"purge{run}-{n}@example.org") for n in range(learners)],
    )
    user_ids = list(
        user_model.objects.filter(username__startswith=f"purge{run}-").order_by("id").values_list("id", flat=True)
    )
    codes = [str(uuid.uuid4()).upper() for _ in range(size)]
    _bulk(
        ProctoredExamStudentAttempt,
        [
            ProctoredExamStudentAttempt(
                user_id=user_ids[index // PURGE_EXAMS],
                proctored_exam=exams[index % PURGE_EXAMS],
                status="verified",
                taking_as_proctored=True,
                attempt_code=codes[index],
            )
            for index in range(size)
        ],
    )
    long_ago = datetime.now(UTC) - timedelta(days=3 * 365)
    attempts = ProctoredExamStudentAttempt.objects.filter(proctored_exam__in=exams)
    attempts.update(modified=long_ago, completed_at=long_ago)
    by_code = dict(attempts.values_list("attempt_code", "id"))
    payload = '{"status": "passed", "comments": [], "notes": "personal"}'
    newest_review = ProctoredExamSoftwareSecureReview.objects.aggregate(newest=Max("id"))["newest"] or 0
    _bulk(
        ProctoredExamSoftwareSecureReview,
        [
            ProctoredExamSoftwareSecureReview(
                attempt_code=code, review_status="Clean", raw_data=payload, encrypted_video_url=b"encrypted-link"
            )
            for code in codes
        ],
    )
    _bulk(
        ProctoredExamSoftwareSecureReviewHistory,
        [
            ProctoredExamSoftwareSecureReviewHistory(
                attempt_code=code, review_status="Suspicious", raw_data=payload, encrypted_video_url=b"old-link"
            )
            for code in codes
        ],
    )
    _bulk(
        ProctoredExamSoftwareSecureComment,
        [
            ProctoredExamSoftwareSecureComment(
                review_id=review_id,
                start_time=0,
                stop_time=1,
                duration=1,
                comment="a note",
                status="violation",
            )
            for review_id in ProctoredExamSoftwareSecureReview.objects.filter(id__gt=newest_review).values_list(
                "id", flat=True
            )
        ],
    )
    _bulk(
        ProctoringAuditEntry,
        [
            ProctoringAuditEntry(
                action="vendor_callback.review", attempt_id=by_code[code], details={"reason": "review"}
            )
            for code in codes
        ],
    )
    _bulk(
        ProctoringVendorCall,
        [
            ProctoringVendorCall(
                created=long_ago,
                backend="bench",
                direction="in",
                operation="callback.reviewed",
                outcome="ok",
                latency_ms=20,
            )
            for _ in range(size)
        ],
    )


def purge_once(size: int, *, run: int, traced: bool) -> dict:
    from edx_proctoring.retention import purge_expired_data

    began = time.perf_counter()
    seed_finished_attempts(size, run=run)
    seed_seconds = time.perf_counter() - began
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    if traced:
        tracemalloc.start()
    began = time.perf_counter()
    first = purge_expired_data()
    seconds = time.perf_counter() - began
    peak = tracemalloc.get_traced_memory()[1] if traced else None
    if traced:
        tracemalloc.stop()
    rss_growth = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss_before  # KiB on Linux
    began = time.perf_counter()
    second = purge_expired_data()
    second_seconds = time.perf_counter() - began
    return {
        "size": size,
        "traced": traced,
        "attempts": first.attempts,
        "rows": first.total,
        "seconds": seconds,
        "second_rows": second.total,
        "second_seconds": second_seconds,
        "peak_mib": peak / 2**20 if peak is not None else None,
        "rss_growth_mib": rss_growth / 1024,
        "seed_seconds": seed_seconds,
    }


def run_purges(size: int, traced_sizes: tuple[int, ...]) -> list[dict]:
    """The timed purge over `size` attempts, then the traced ones (smallest first), each on fresh rows."""
    results = [purge_once(size, run=0, traced=False)]
    for run, traced_size in enumerate(sorted(traced_sizes), start=1):
        results.append(purge_once(traced_size, run=run, traced=True))
    return results


def print_rows(rows: list[dict]) -> None:
    """The purge lines of the bench table."""
    for row in rows:
        if row["kind"] != "purge":
            continue
        label = f"retention purge{' (tracemalloc)' if row['traced'] else ''}"
        memory = (
            f"peak {row['peak_mib']:.1f} MiB traced" if row["traced"] else f"peak RSS +{row['rss_growth_mib']:.0f} MiB"
        )
        print(
            f"{row['db']:<8} | {row['size']:>9,} | {label:<36} | {row['seconds'] * 1000:>9.0f} | {'':>8} | "
            f"{'':>8} | {'':>7} | {1:>4} | {row['attempts']:,} attempts, {row['rows']:,} rows erased, {memory}; "
            f"second run {row['second_rows']} rows in {row['second_seconds'] * 1000:.0f} ms"
        )


# -- the hooks bench/run.py calls ----------------------------------------------------------------------------


def add_arguments(parser) -> None:
    parser.add_argument(
        "--purge-size", type=int, default=100_000, help="finished attempts the timed retention purge erases (0: none)"
    )
    parser.add_argument(
        "--purge-traced-sizes", default="1000,5000", help="sizes of the purges run under tracemalloc (peak memory)"
    )


def worker_arguments(args, *, db: str) -> list[str]:
    """The purge's options for one database's worker (it runs on SQLite only, like the sweep)."""
    return [
        "--purge-size",
        str(args.purge_size if db == "sqlite" else 0),
        "--purge-traced-sizes",
        args.purge_traced_sizes,
    ]


def run_in_worker(args, *, emit) -> None:
    if not args.purge_size:
        return
    traced = tuple(int(n) for n in args.purge_traced_sizes.split(",") if n.strip())
    for result in run_purges(args.purge_size, traced):
        emit({"kind": "purge", "db": args.db, **result})
