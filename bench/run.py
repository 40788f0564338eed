"""Latency and query counts of the hot REST endpoints on a course with 1,000 / 10,000 / 100,000 attempts.

Runs on the test settings (in-memory SQLite). Each size is seeded with bulk_create on top of the previous
one (10 exams, learners with two attempts on each exam), then the timer poll and the first and last page
of the grouped attempts list are requested repeatedly through Django's test client. Prints a table.

Usage: python bench/run.py [--sizes 1000,10000,100000] [--repeat 30]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "test_settings")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402
from django.urls import reverse  # noqa: E402

from edx_proctoring.models import ProctoredExam, ProctoredExamStudentAttempt  # noqa: E402

COURSE_ID = "course-v1:edX+Bench+2026"
EXAMS = 10
ATTEMPTS_PER_PAIR = 2


def seed_exams():
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
    timings, queries, status = [], None, None
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as captured:
            began = time.perf_counter()
            response = client.get(url)
            timings.append((time.perf_counter() - began) * 1000)
        queries = len(captured)
        status = response.status_code
    timings.sort()
    p90 = timings[max(int(round(0.9 * len(timings))) - 1, 0)]
    return statistics.median(timings), p90, queries, status


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()
    sizes = [int(size) for size in args.sizes.split(",")]

    setup_test_environment()
    connection.creation.create_test_db(verbosity=0)
    connection.force_debug_cursor = False

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
    staff_client, learner_client = Client(), Client()
    staff_client.force_login(staff)
    learner_client.force_login(learner)
    poll_url = reverse("edx_proctoring:proctored_exam.attempt", args=[poll_attempt.id])
    grouped_url = reverse("edx_proctoring:proctored_exam.attempts.grouped.course", args=[COURSE_ID])

    rows = []
    seeded, next_user = 1, 0
    for size in sizes:
        began = time.perf_counter()
        next_user = seed_attempts(exams, first_user=next_user, total=size - seeded)
        seeded = ProctoredExamStudentAttempt.objects.count()
        seed_seconds = time.perf_counter() - began
        for label, client, url in (
            ("poll GET attempt/<id>", learner_client, poll_url),
            ("grouped list, page 1", staff_client, grouped_url),
            ("grouped list, last page", staff_client, grouped_url + "?page=999999"),
        ):
            median, p90, queries, status = measure(client, url, args.repeat)
            rows.append((seeded, label, median, p90, queries, status))
        print(f"  seeded {seeded:,} attempts in {seed_seconds:.1f}s", file=sys.stderr)

    header = f"{'attempts':>9} | {'endpoint':<24} | {'median ms':>9} | {'p90 ms':>8} | {'queries':>7} | status"
    print(header)
    print("-" * len(header))
    for seeded, label, median, p90, queries, status in rows:
        print(f"{seeded:>9,} | {label:<24} | {median:>9.2f} | {p90:>8.2f} | {queries:>7} | {status}")
    by_size = {(seeded, label): median for seeded, label, median, *_ in rows}
    smallest, largest = min(s for s, _l in by_size), max(s for s, _l in by_size)
    for label in ("grouped list, page 1", "grouped list, last page"):
        ratio = by_size[(largest, label)] / by_size[(smallest, label)]
        print(f"{label}: {largest:,} vs {smallest:,} attempts = {ratio:.1f}x")


if __name__ == "__main__":
    main()
