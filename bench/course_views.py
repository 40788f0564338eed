"""The course-wide staff views of one large course, for bench/run.py.

The course is the issue's MOOC final: learners with one attempt each on its proctored exam, 7% of them
with an allowance, one in twenty with an onboarding attempt on its practice exam, one in ten reviewed by the
vendor (two comments each). The host's enrollments service answers as edx-platform's does, lazily: a
count query and a slice query of the enrolled learners ordered by username, never the whole course in
Python (the in-memory stand-in of the tests builds every enrollment on each call, which is the host's cost,
not the panel's).
"""

from __future__ import annotations

import time
import tracemalloc
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

COURSE_ID = "course-v1:edX+BenchMOOC+2026"
LEARNER_EMAIL_DOMAIN = "@learners.example.org"
ALLOWANCE_SHARE = 0.07
ONBOARDING_EVERY = 20
REVIEWED_EVERY = 10


@dataclass(frozen=True)
class Enrollment:
    user: object
    mode: str


class LazyEnrollments:
    """The host's enrollments of the course: counted and sliced in SQL, like a QuerySet of enrollments."""

    def __init__(self, users):
        self.users = users

    def __len__(self) -> int:
        return self.users.count()

    def __getitem__(self, window):
        if isinstance(window, slice):
            return [Enrollment(user, "verified") for user in self.users[window]]
        return Enrollment(self.users[window], "verified")

    def __iter__(self):
        return (Enrollment(user, "verified") for user in self.users.iterator(chunk_size=2000))


class LazyEnrollmentsService:
    def get_enrollments_can_take_proctored_exams(self, course_id, text_search=None):
        from django.contrib.auth import get_user_model
        from django.db.models import Q

        users = get_user_model().objects.filter(email__endswith=LEARNER_EMAIL_DOMAIN)
        if text_search:
            users = users.filter(Q(username__icontains=text_search) | Q(email__icontains=text_search))
        return LazyEnrollments(users.order_by("username"))


def register_host() -> None:
    """The lazy enrollments service, and the test backend (it does onboarding) the course's exams use."""
    import edx_proctoring.tests  # noqa: F401 - importing it registers the test backends
    from edx_proctoring import runtime

    runtime.set_runtime_service("enrollments", LazyEnrollmentsService())


def seed_exams():
    from edx_proctoring.models import ProctoredExam

    common = {"course_id": COURSE_ID, "time_limit_mins": 90, "is_proctored": True, "is_active": True}
    final = ProctoredExam.objects.create(
        content_id="block-v1:edX+BenchMOOC+2026+type@sequential+block@final",
        exam_name="Final",
        is_practice_exam=False,
        backend="test",
        **common,
    )
    onboarding = ProctoredExam.objects.create(
        content_id="block-v1:edX+BenchMOOC+2026+type@sequential+block@onboarding",
        exam_name="Onboarding",
        is_practice_exam=True,
        backend="test",
        **common,
    )
    return final, onboarding


def seed_learners(*, final, onboarding, first: int, count: int) -> None:
    """Learners numbered from `first`, each with a submitted attempt on the final, some with more."""
    from django.contrib.auth import get_user_model

    from edx_proctoring.models import (
        ProctoredExamSoftwareSecureComment,
        ProctoredExamSoftwareSecureReview,
        ProctoredExamStudentAllowance,
        ProctoredExamStudentAttempt,
    )

    user_model = get_user_model()
    user_model.objects.bulk_create(
        [
            user_model(username=f"learner{n:07d}", email=f"learner{n:07d}{LEARNER_EMAIL_DOMAIN}")
            for n in range(first, first + count)
        ],
        batch_size=5000,
    )
    users = list(user_model.objects.filter(email__endswith=LEARNER_EMAIL_DOMAIN).order_by("id")[first : first + count])
    now = datetime.now(UTC)
    attempts, allowances, onboarding_attempts, reviews = [], [], [], []
    for user in users:
        n = int(user.username[len("learner") :])
        code = str(uuid.uuid4()).upper()
        attempts.append(
            ProctoredExamStudentAttempt(
                user=user,
                proctored_exam=final,
                status="submitted",
                attempt_code=code,
                taking_as_proctored=True,
                allowed_time_limit_mins=90,
                started_at=now - timedelta(hours=2),
                completed_at=now - timedelta(hours=1),
            )
        )
        # Every 100 learners, seven have an allowance: 7% whatever the size.
        if n % 100 < round(ALLOWANCE_SHARE * 100):
            allowances.append(
                ProctoredExamStudentAllowance(
                    user=user, proctored_exam=final, key="additional_time_granted", value="30"
                )
            )
        if n % ONBOARDING_EVERY == 0:
            onboarding_attempts.append(
                ProctoredExamStudentAttempt(
                    user=user,
                    proctored_exam=onboarding,
                    status="verified" if n % (2 * ONBOARDING_EVERY) == 0 else "submitted",
                    attempt_code=str(uuid.uuid4()).upper(),
                    taking_as_proctored=True,
                    is_sample_attempt=True,
                )
            )
        if n % REVIEWED_EVERY == 0:
            reviews.append(
                ProctoredExamSoftwareSecureReview(
                    attempt_code=code, review_status="Suspicious", raw_data="{}", exam=final, student=user
                )
            )
    ProctoredExamStudentAttempt.objects.bulk_create(attempts + onboarding_attempts, batch_size=5000)
    # bulk_create skips save(), so the allowance history signal is not involved: these are new rows.
    ProctoredExamStudentAllowance.objects.bulk_create(allowances, batch_size=5000)
    ProctoredExamSoftwareSecureReview.objects.bulk_create(reviews, batch_size=5000)
    codes = [review.attempt_code for review in reviews]
    saved = dict(
        ProctoredExamSoftwareSecureReview.objects.filter(attempt_code__in=codes).values_list("attempt_code", "id")
    )
    ProctoredExamSoftwareSecureComment.objects.bulk_create(
        [
            ProctoredExamSoftwareSecureComment(
                review_id=saved[code], start_time=0, stop_time=1, duration=1, comment=text, status=status
            )
            for code in codes
            for status, text in (("Suspicious", "left the room"), ("Rules Violation", "phone visible"))
        ],
        batch_size=5000,
    )


def urls() -> list[tuple[str, str]]:
    from django.urls import reverse

    allowances = reverse("edx_proctoring:proctored_exam.allowance", args=[COURSE_ID])
    return [
        ("allowances, whole list", allowances),
        ("allowances, page 1 (25)", allowances + "?page=1&page_size=25"),
        ("allowances, last page (25)", allowances + "?page=999999&page_size=25"),
        ("onboarding panel, page 1", reverse("edx_proctoring:user_onboarding.status.course", args=[COURSE_ID])),
    ]


def violation_report(*, traced: bool) -> dict:
    """Time the report's list (as the api returns it), or its iterator's peak memory under tracemalloc."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from edx_proctoring.reports import get_exam_violation_report, iter_exam_violation_report

    with CaptureQueriesContext(connection) as captured:
        if traced:
            tracemalloc.start()
            began = time.perf_counter()
            rows = sum(1 for _row in iter_exam_violation_report(COURSE_ID))
            seconds = time.perf_counter() - began
            _current, peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()
        else:
            began = time.perf_counter()
            rows = len(get_exam_violation_report(COURSE_ID))
            seconds = time.perf_counter() - began
            peak = None
    return {"seconds": seconds, "rows": rows, "queries": len(captured), "peak_mib": peak / 2**20 if peak else None}
