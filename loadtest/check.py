"""The database after the load test: what every learner's script left, each review once, no task left behind."""

import os

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "loadtest.settings")
django.setup()

from django.db.models import Count  # noqa: E402

from edx_proctoring.models import (  # noqa: E402
    ProctoredExamSoftwareSecureReview,
    ProctoredExamSoftwareSecureReviewHistory,
    ProctoredExamStudentAttempt,
)


def expected_status(*, proctored: bool, outcome: str | None) -> str | None:
    """The state a learner's script leaves: a timed attempt submitted, a proctored one reviewed (passed)."""
    if outcome != "submitted":
        return None
    return "verified" if proctored else "submitted"


def check(*, users: dict, outcomes: dict, queue_length: int) -> list[str]:
    """Every failed check, as a sentence (empty when the database is consistent)."""
    failures = []
    learners = users["learners"]
    attempts = ProctoredExamStudentAttempt.objects.filter(user__username__startswith="lt-learner-")
    by_user = {}
    for username, status, exam_id, code in attempts.values_list(
        "user__username", "status", "proctored_exam_id", "attempt_code"
    ):
        by_user.setdefault(username, []).append((status, exam_id, code))
    wrong = []
    for index, learner in enumerate(learners):
        proctored = index % 2 == 1
        rows = by_user.get(learner["username"], [])
        want = expected_status(proctored=proctored, outcome=outcomes.get(learner["username"]))
        if len(rows) != 1 or (want is not None and rows[0][0] != want):
            wrong.append(f"{learner['username']}: {rows} (expected one attempt, {want})")
    if wrong:
        failures.append(f"{len(wrong)} learners without exactly one attempt in their script's state, e.g. {wrong[:3]}")
    unfinished = [name for name, outcome in outcomes.items() if outcome != "submitted"]
    if len(outcomes) != len(learners) or unfinished:
        failures.append(f"{len(learners) - len(outcomes)} learners never finished and {len(unfinished)} did not submit")
    proctored_codes = [
        code for rows in by_user.values() for _s, exam, code in rows if exam == users["proctored_exam_id"]
    ]
    reviews = ProctoredExamSoftwareSecureReview.objects.filter(attempt_code__in=proctored_codes)
    if reviews.count() != len(proctored_codes):
        failures.append(f"{reviews.count()} reviews for {len(proctored_codes)} proctored attempts")
    twice = (
        ProctoredExamSoftwareSecureReviewHistory.objects.filter(attempt_code__in=proctored_codes)
        .values("attempt_code")
        .annotate(n=Count("id"))
        .count()
    )
    if twice:
        failures.append(f"{twice} reviews were applied more than once (review history rows)")
    if queue_length:
        failures.append(f"{queue_length} tasks still waiting in the Celery queue")
    return failures
