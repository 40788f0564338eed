"""The course-wide staff views of one large course, for bench/run.py.

The course is the issue's MOOC final: learners with one attempt each on its proctored exam, 7% of them
with an allowance, one in twenty with an onboarding attempt on its practice exam, one in ten reviewed by the
vendor (two comments each). The host's enrollments service answers as edx-platform's does: a QuerySet of
the course's active enrollments in a proctoring track, with their users, ordered by username, on a table
shaped like edx-platform's CourseEnrollment (its unique (user, course), its course and (user, -created)
indexes, nothing more). The panel reads the ordered ids of it once (the roster snapshot, kept in the cache for
STAFF_LIST_SNAPSHOT_SECONDS) and then one page of enrollments by id; the bench times that host read alone,
which is what a cold page (the "first ms" column) pays on top of a warm one.
"""

from __future__ import annotations

import time
import tracemalloc
import uuid
from datetime import UTC, datetime, timedelta

COURSE_ID = "course-v1:edX+BenchMOOC+2026"
LEARNER_EMAIL_DOMAIN = "@learners.example.org"
ALLOWANCE_SHARE = 0.07
ONBOARDING_EVERY = 20
REVIEWED_EVERY = 10


# The enrollment tracks edx-platform lets take proctored exams.
PROCTORED_MODES = ("verified", "professional", "no-id-professional", "masters", "executive-education")

_models: dict[str, type] = {}


def enrollment_model():
    """The host's enrollment table, defined once per process (the bench's own app label, no migration)."""
    if "enrollment" not in _models:
        from django.conf import settings
        from django.db import models

        class BenchCourseEnrollment(models.Model):
            user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
            course_id = models.CharField(max_length=255, db_index=True)
            created = models.DateTimeField(auto_now_add=True, null=True, db_index=True)
            is_active = models.BooleanField(default=True)
            mode = models.CharField(default="audit", max_length=100)

            class Meta:
                app_label = "bench"
                db_table = "bench_courseenrollment"
                unique_together = [("user", "course_id")]
                indexes = [models.Index(fields=["user", "-created"], name="bench_enrollment_user_created")]

            def __str__(self):
                return f"{self.user_id} in {self.course_id} ({self.mode})"

        _models["enrollment"] = BenchCourseEnrollment
    return _models["enrollment"]


def create_host_tables() -> None:
    from django.db import connection

    with connection.schema_editor() as editor:
        editor.create_model(enrollment_model())


class EnrollmentsService:
    def get_enrollments_can_take_proctored_exams(self, course_id, text_search=None):
        from django.db.models import Q

        enrollments = enrollment_model().objects.filter(course_id=course_id, is_active=True, mode__in=PROCTORED_MODES)
        if text_search:
            enrollments = enrollments.filter(
                Q(user__username__icontains=text_search) | Q(user__email__icontains=text_search)
            )
        return enrollments.select_related("user").order_by("user__username")


def host_roster_read() -> dict:
    """What a cold panel page asks of the host: its learners' ids in its order (kept then as the roster snapshot)."""
    enrollments = EnrollmentsService().get_enrollments_can_take_proctored_exams(COURSE_ID)
    began = time.perf_counter()
    list(enrollments.values_list("user_id", flat=True))
    return {"ms": (time.perf_counter() - began) * 1000}


def register_host() -> None:
    """The enrollments service, and the test backend (it does onboarding) the course's exams use."""
    import edx_proctoring.tests  # noqa: F401 - importing it registers the test backends
    from edx_proctoring import runtime

    runtime.set_runtime_service("enrollments", EnrollmentsService())


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
    from edx_proctoring.models.learner_counts import recount_exams

    user_model = get_user_model()
    user_model.objects.bulk_create(
        [
            user_model(username=f"learner{n:07d}", email=f"learner{n:07d}{LEARNER_EMAIL_DOMAIN}")
            for n in range(first, first + count)
        ],
        batch_size=5000,
    )
    users = list(user_model.objects.filter(email__endswith=LEARNER_EMAIL_DOMAIN).order_by("id")[first : first + count])
    enrollment = enrollment_model()
    enrollment.objects.bulk_create(
        [enrollment(user=user, course_id=COURSE_ID, mode="verified") for user in users], batch_size=5000
    )
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
    recount_exams(exam_ids=[final.id, onboarding.id])


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
