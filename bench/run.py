"""Benchmarks: the hot REST endpoints at 1,000 / 10,000 / 100,000 attempts, and the expiry sweep.

For each database (SQLite in memory; MariaDB/MySQL and PostgreSQL when their server and driver answer, as
``make test DB=...`` connects to them) a worker process creates a throwaway database
(``bench_edx_proctoring``, through Django's test database creation, so the ``test`` database is never
touched), seeds each size with bulk_create on top of the previous one (10 exams, learners with two
attempts on each exam), and requests the timer poll, the first and last page of the grouped attempts
list and one search of it through Django's test client. The SQLite and PostgreSQL workers
(``--sweep-dbs``) also run the expiry sweep (bench/sweep.py): timed over ``--sweep-size`` overdue
attempts (10,000 by default; ``make bench SWEEP=100000`` for the full figure), with the Celery work its
batches queue timed apart as the workers' share, and under tracemalloc over ``--sweep-traced-sizes`` for
the peak memory. One table is printed at the end.

Usage: python bench/run.py [--dbs sqlite,mysql,postgres] [--sizes 1000,10000,100000] [--repeat 30]
       [--real-db-repeat-at-100k 10] [--sweep-size 10000] [--sweep-dbs sqlite,postgres]
       [--sweep-traced-sizes 1000,2000]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "test_settings")
BENCH_DATABASE = "bench_edx_proctoring"
DRIVERS = {"mysql": "MySQLdb", "postgres": "psycopg"}
ROW_PREFIX = "BENCH-ROW "

COURSE_ID = "course-v1:edX+Bench+2026"
EXAMS = 10
ATTEMPTS_PER_PAIR = 2


def _django():
    import django

    django.setup()


def seed_exams():
    from edx_proctoring.models import ProctoredExam

    return [
        ProctoredExam.objects.create(
            course_id=COURSE_ID,
            content_id=f"block-v1:edX+Bench+2026+type@sequential+block@exam{index}",
            exam_name=f"Exam {index}",
            time_limit_mins=60,
            is_proctored=False,
            is_practice_exam=False,
            is_active=True,
            backend=None,
        )
        for index in range(EXAMS)
    ]


def seed_attempts(exams, *, first_user: int, total: int):
    """Add `total` attempts: learners numbered from `first_user`, each with two attempts on every exam."""
    from django.contrib.auth import get_user_model

    from edx_proctoring.models import ProctoredExamStudentAttempt

    users_needed = total // (EXAMS * ATTEMPTS_PER_PAIR)
    user_model = get_user_model()
    user_model.objects.bulk_create(
        [
            user_model(username=f"bench{n}", email=f"bench{n}@example.org")
            for n in range(first_user, first_user + users_needed)
        ],
        batch_size=5000,
    )
    users = list(user_model.objects.filter(username__startswith="bench").order_by("id")[first_user:])
    start = datetime.now(UTC) - timedelta(days=1)
    rows = []
    for offset, user in enumerate(users):
        for exam in exams:
            for repeat in range(ATTEMPTS_PER_PAIR):
                rows.append(
                    ProctoredExamStudentAttempt(
                        user=user,
                        proctored_exam=exam,
                        status="submitted" if repeat == 0 else "error",
                        attempt_code=str(uuid.uuid4()).upper(),
                        created=start + timedelta(seconds=offset),
                        modified=start + timedelta(seconds=offset),
                    )
                )
    ProctoredExamStudentAttempt.objects.bulk_create(rows, batch_size=5000)
    return first_user + users_needed


def measure(client, url, repeat):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    timings, queries, status = [], None, None
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as captured:
            began = time.perf_counter()
            response = client.get(url)
            timings.append((time.perf_counter() - began) * 1000)
        queries = len(captured)
        status = response.status_code
    first = timings[0]
    timings.sort()
    p90 = timings[max(int(round(0.9 * len(timings))) - 1, 0)]
    return statistics.median(timings), p90, queries, status, first


def refresh_statistics(connection) -> None:
    """Let the planner see the bulk-loaded rows, as autovacuum / InnoDB's auto statistics would in service."""
    tables = (
        "proctoring_proctoredexamstudentattempt",
        "proctoring_proctoredexamattempttimestate",
        "proctoring_proctoredexam",
        "auth_user",
        "proctoring_proctoredexamstudentallowance",
        "proctoring_proctoredexamsoftwaresecurereview",
        "proctoring_proctoredexamstudentattemptcomment",
        "bench_courseenrollment",
    )
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # VACUUM too: index-only scans need the visibility map autovacuum keeps in a live database.
            cursor.execute("VACUUM ANALYZE " + ", ".join(tables))
        elif connection.vendor == "mysql":
            cursor.execute("ANALYZE TABLE " + ", ".join(tables))
            cursor.fetchall()
        elif connection.vendor == "sqlite":
            cursor.execute("ANALYZE")


def _emit(row: dict) -> None:
    print(ROW_PREFIX + json.dumps(row), flush=True)


def worker(args) -> None:
    """Runs in a process whose DB variable selects the database; prints one BENCH-ROW line per result."""
    _django()
    from django.contrib.auth import get_user_model
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.test.utils import setup_test_environment
    from django.urls import reverse

    from edx_proctoring.models import ProctoredExamAttemptTimeState, ProctoredExamStudentAttempt
    from edx_proctoring.models.learner_counts import recount_exams

    setup_test_environment()
    # The throwaway database: created here (dropped first if an earlier run left it), destroyed at the end.
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    connection.force_debug_cursor = False
    try:
        user_model = get_user_model()
        staff = user_model.objects.create(username="benchstaff", email="staff@example.org", is_staff=True)
        learner = user_model.objects.create(username="benchlearner", email="learner@example.org")
        exams = seed_exams()
        poll_attempt = ProctoredExamStudentAttempt.objects.create(
            user=learner,
            proctored_exam=exams[0],
            status="started",
            started_at=datetime.now(UTC),
            allowed_time_limit_mins=600,
            attempt_code="BENCH-POLL",
        )
        adjusted_learner = user_model.objects.create(username="benchadjusted", email="adjusted@example.org")
        adjusted_attempt = _attempt_with_adjustments(
            learner=adjusted_learner, exam=exams[1], staff=staff, model=ProctoredExamStudentAttempt
        )
        staff_client, learner_client, adjusted_client = Client(), Client(), Client()
        staff_client.force_login(staff)
        learner_client.force_login(learner)
        adjusted_client.force_login(adjusted_learner)
        poll_url = reverse("edx_proctoring:proctored_exam.attempt", args=[poll_attempt.id])
        adjusted_poll_url = reverse("edx_proctoring:proctored_exam.attempt", args=[adjusted_attempt.id])
        grouped_url = reverse("edx_proctoring:proctored_exam.attempts.grouped.course", args=[COURSE_ID])
        grouped_search_url = reverse(
            "edx_proctoring:proctored_exam.attempts.grouped.search", args=[COURSE_ID, "bench12"]
        )

        from bench import course_views

        course_views.create_host_tables()
        course_views.register_host()
        course_final, course_onboarding = course_views.seed_exams()
        course_learners = 0

        seeded, next_user = 1, 0
        for size in args.sizes:
            began = time.perf_counter()
            next_user = seed_attempts(exams, first_user=next_user, total=size - seeded)
            seeded = ProctoredExamStudentAttempt.objects.count()
            # bulk_create bypasses the per-exam learner counts, as a bulk import would: recount, as after one.
            recount_exams(exam_ids=[exam.id for exam in exams])
            # One newest attempt of this size extended by staff, for the ?filter=extended row (seeded directly).
            newest = ProctoredExamStudentAttempt.objects.filter(proctored_exam__in=exams).order_by("-id").first()
            ProctoredExamAttemptTimeState.objects.get_or_create(attempt=newest, defaults={"extension_minutes": 10})
            refresh_statistics(connection)
            seed_seconds = time.perf_counter() - began
            # Each size starts with empty caches, so a measure's first request is a cold one.
            cache.clear()
            repeat = args.repeat
            if args.db != "sqlite" and size >= 100_000:
                repeat = min(repeat, args.real_db_repeat_at_100k)
            for label, client, url in (
                ("poll GET attempt/<id>", learner_client, poll_url),
                ("poll, attempt with extension + pause", adjusted_client, adjusted_poll_url),
                ("grouped list, page 1", staff_client, grouped_url),
                ("grouped list, last page", staff_client, grouped_url + "?page=999999"),
                # About 2% of the learners match (1 of 49 at 1k, 111 of 5,000 at 100k); a text search reads every user.
                ("grouped list, search", staff_client, grouped_search_url),
                # The newest attempts staff extended (one per size here): read from the time states.
                ("grouped list, filter=extended", staff_client, grouped_url + "?filter=extended"),
            ):
                median, p90, queries, status, first = measure(client, url, repeat)
                _emit(
                    {
                        "kind": "endpoint",
                        "db": args.db,
                        "attempts": seeded,
                        "label": label,
                        "median": median,
                        "p90": p90,
                        "first": first,
                        "queries": queries,
                        "status": status,
                        "repeat": repeat,
                    }
                )
            print(f"  {args.db}: seeded {seeded:,} attempts in {seed_seconds:.1f}s", file=sys.stderr, flush=True)
            if args.course_views:
                course_learners = course_size(
                    args, size=size, learners=course_learners, exams=(course_final, course_onboarding)
                )
                measure_course_views(args, learners=course_learners, client=staff_client, repeat=repeat)

        if args.sweep_size:
            from bench.sweep import run_sweeps

            # The poll's started attempt would be swept too: it is not overdue (600 minutes), so it stays.
            traced = tuple(int(n) for n in args.sweep_traced_sizes.split(",") if n.strip())
            for result in run_sweeps(args.sweep_size, traced):
                _emit({"kind": "sweep", "db": args.db, **result})
        from bench import purge

        purge.run_in_worker(args, emit=_emit)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


def _attempt_with_adjustments(*, learner, exam, staff, model):
    """A running attempt that staff extended, paused and resumed: the poll reads its clock too."""
    from edx_proctoring.attempts.actions import Actor
    from edx_proctoring.attempts.lifecycle import adjust_attempt_time

    attempt = model.objects.create(
        user=learner,
        proctored_exam=exam,
        status="started",
        started_at=datetime.now(UTC),
        allowed_time_limit_mins=600,
        attempt_code="BENCH-POLL-ADJUSTED",
    )
    for action, minutes, reason in (("extend", 15, "bench"), ("pause", 0, "bench"), ("resume", 0, "")):
        adjust_attempt_time(
            action=action, actor=Actor.staff, attempt_id=attempt.id, user=staff, minutes=minutes, reason=reason
        )
    return attempt


def course_size(args, *, size: int, learners: int, exams) -> int:
    """Grow the large course to `size` learners (one attempt each on its final); the learners it now has."""
    from django.db import connection

    from bench import course_views

    began = time.perf_counter()
    final, onboarding = exams
    course_views.seed_learners(final=final, onboarding=onboarding, first=learners, count=size - learners)
    refresh_statistics(connection)
    print(
        f"  {args.db}: large course grown to {size:,} learners in {time.perf_counter() - began:.1f}s",
        file=sys.stderr,
        flush=True,
    )
    return size


def measure_course_views(args, *, learners: int, client, repeat: int) -> None:
    from bench import course_views

    for label, url in course_views.urls():
        median, p90, queries, status, first = measure(client, url, repeat)
        _emit(
            {
                "kind": "endpoint",
                "db": args.db,
                "attempts": learners,
                "label": label,
                "median": median,
                "p90": p90,
                "first": first,
                "queries": queries,
                "status": status,
                "repeat": repeat,
            }
        )
    host = sorted(course_views.host_roster_read()["ms"] for _ in range(repeat))
    _emit(
        {
            "kind": "endpoint",
            "db": args.db,
            "attempts": learners,
            "label": "  host's ordered roster (cold page)",
            "median": statistics.median(host),
            "p90": host[max(int(round(0.9 * len(host))) - 1, 0)],
            "queries": 1,
            "status": "-",
            "repeat": repeat,
        }
    )
    runs = [course_views.violation_report(traced=False) for _ in range(3 if learners < 100_000 else 1)]
    traced = course_views.violation_report(traced=True)
    _emit(
        {
            "kind": "report",
            "db": args.db,
            "attempts": learners,
            "seconds": statistics.median(run["seconds"] for run in runs),
            "rows": runs[0]["rows"],
            "queries": runs[0]["queries"],
            "repeat": len(runs),
            "traced_seconds": traced["seconds"],
            "peak_mib": traced["peak_mib"],
        }
    )


def _unavailable(db: str) -> str | None:
    """Why `db` cannot be benchmarked here (no driver, no server), or None."""
    if db == "sqlite":
        return None
    try:
        __import__(DRIVERS[db])
    except ImportError:
        return f"driver {DRIVERS[db]} is not installed (pip install -r requirements/{db}.txt)"
    env = {**os.environ, "DB": db}
    probe = (
        "import django; django.setup(); from django.db import connection; connection.ensure_connection(); print('ok')"
    )
    try:
        result = subprocess.run(
            [sys.executable, "-c", probe], env=env, cwd=ROOT, capture_output=True, text=True, timeout=30
        )
    except subprocess.TimeoutExpired:
        return "server did not answer within 30 s"
    if result.returncode != 0 or "ok" not in result.stdout:
        last = (result.stderr.strip().splitlines() or ["no answer"])[-1]
        return f"server not reachable ({last[:120]})"
    return None


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dbs", default="sqlite,mysql,postgres")
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--real-db-repeat-at-100k", type=int, default=10)
    parser.add_argument(
        "--sweep-size", type=int, default=10_000, help="overdue attempts the timed sweep expires (0: no sweep)"
    )
    parser.add_argument("--sweep-dbs", default="sqlite,postgres", help="the databases the expiry sweep is measured on")
    parser.add_argument(
        "--sweep-traced-sizes", default="1000,2000", help="sizes of the sweeps run under tracemalloc (peak memory)"
    )
    from bench import purge

    purge.add_arguments(parser)
    parser.add_argument(
        "--no-course-views",
        dest="course_views",
        action="store_false",
        help="skip the large course's allowances list, onboarding panel and violation report",
    )
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--db", default="sqlite", help=argparse.SUPPRESS)
    args = parser.parse_args()
    args.sizes = [int(size) for size in args.sizes.split(",")]

    if args.worker:
        worker(args)
        return

    rows, skipped = [], []
    started = time.perf_counter()
    for db in [name.strip() for name in args.dbs.split(",") if name.strip()]:
        reason = _unavailable(db)
        if reason:
            skipped.append(f"{db}: skipped: {reason}")
            print(f"  {db}: skipped: {reason}", file=sys.stderr, flush=True)
            continue
        command = [
            sys.executable,
            str(Path(__file__).resolve()),
            "--worker",
            "--db",
            db,
            "--sizes",
            ",".join(map(str, args.sizes)),
            "--repeat",
            str(args.repeat),
            "--real-db-repeat-at-100k",
            str(args.real_db_repeat_at_100k),
            "--sweep-size",
            str(args.sweep_size if db in args.sweep_dbs.split(",") else 0),
            "--sweep-traced-sizes",
            args.sweep_traced_sizes,
            *([] if args.course_views else ["--no-course-views"]),
            *purge.worker_arguments(args, db=db),
        ]
        env = {**os.environ, "DB": db, "DB_TEST_NAME": BENCH_DATABASE}
        result = subprocess.run(command, env=env, cwd=ROOT, stdout=subprocess.PIPE, text=True)
        lines = result.stdout.splitlines()
        rows += [json.loads(line[len(ROW_PREFIX) :]) for line in lines if line.startswith(ROW_PREFIX)]
        if result.returncode != 0:
            skipped.append(f"{db}: worker failed (exit {result.returncode}); its rows so far are shown")
    print_table(rows, skipped, time.perf_counter() - started)


def print_table(rows: list[dict], notes: list[str], seconds: float) -> None:
    header = (
        f"{'db':<8} | {'attempts':>9} | {'measure':<36} | {'median ms':>9} | {'p90 ms':>8} | {'first ms':>8} | "
        f"{'queries':>7} | {'runs':>4} | status"
    )
    print(header)
    print("-" * len(header))
    for row in rows:
        if row["kind"] == "endpoint":
            first = f"{row['first']:>8.2f}" if row.get("first") is not None else f"{'':>8}"
            print(
                f"{row['db']:<8} | {row['attempts']:>9,} | {row['label']:<36} | {row['median']:>9.2f} | "
                f"{row['p90']:>8.2f} | {first} | {row['queries']:>7} | {row['repeat']:>4} | {row['status']}"
            )
    for row in rows:
        if row["kind"] == "report":
            print(
                f"{row['db']:<8} | {row['attempts']:>9,} | {'violation report (list)':<36} | "
                f"{row['seconds'] * 1000:>9.0f} | {'':>8} | {'':>8} | {row['queries']:>7} | {row['repeat']:>4} | "
                f"{row['rows']:,} rows; iterated under tracemalloc: peak {row['peak_mib']:.1f} MiB"
            )
    for row in rows:
        if row["kind"] == "sweep":
            label = f"expiry sweep{' (tracemalloc)' if row['traced'] else ''}"
            memory = (
                f"peak {row['peak_mib']:.1f} MiB traced"
                if row["traced"]
                else f"peak RSS +{row['rss_growth_mib']:.0f} MiB"
            )
            effects = row.get("effects", {})
            complete = all(count == row["expired"] for count in effects.values())
            print(
                f"{row['db']:<8} | {row['size']:>9,} | {label:<36} | {row['seconds'] * 1000:>9.0f} | {'':>8} | "
                f"{'':>8} | {'':>7} | {1:>4} | {row['expired']:,} expired, {row['left_running']} left, "
                f"{row['per_second']:,.0f}/s, {memory}; then {row.get('messages', 0)} task messages, "
                f"{row.get('worker_seconds', 0):.1f} s of worker time; each side effect once per attempt: "
                f"{'yes' if complete else effects}"
            )
    from bench import purge

    purge.print_rows(rows)
    for db in sorted({row["db"] for row in rows if row["kind"] == "endpoint"}):
        medians: dict[str, dict[int, float]] = {}
        for row in rows:
            if row["kind"] == "endpoint" and row["db"] == db:
                medians.setdefault(row["label"].strip(), {})[row["attempts"]] = row["median"]
        for label, by_size in medians.items():
            if len(by_size) > 1:
                smallest, largest = min(by_size), max(by_size)
                ratio = by_size[largest] / by_size[smallest]
                print(f"{db}: {label}: {largest:,} vs {smallest:,} = {ratio:.1f}x")
    for note in notes:
        print(note)
    print(f"bench: {seconds:.0f} s")


if __name__ == "__main__":
    main()
