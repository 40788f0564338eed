"""The course onboarding panel of the instructor dashboard: one row per enrolled learner, 25 a page.

The learners come from the host's enrollments service. Their onboarding attempts are read in two queries
(the course's proctored practice attempts, and valid verifications with the same vendor anywhere) for
the page's learners only, or for the whole course when a status filter needs every row first.
"""

from __future__ import annotations

from datetime import datetime

from django.db.models import QuerySet

from edx_proctoring.models import ProctoredExamStudentAttempt
from edx_proctoring.statuses import InstructorDashboardOnboardingAttemptStatus as PanelStatus
from edx_proctoring.statuses import ProctoredExamStudentAttemptStatus as Status

_COLUMNS = ("id", "user_id", "status", "modified")


def _course_attempts(course_id: str, user_ids: list[int] | None) -> dict[int, list[dict]]:
    """The proctored practice attempts on the course's active exams, by user, newest (modified) first."""
    attempts = ProctoredExamStudentAttempt.objects.get_proctored_practice_attempts_by_course_id(course_id)
    if user_ids is not None:
        attempts = attempts.filter(user_id__in=user_ids)
    by_user: dict[int, list[dict]] = {}
    for row in attempts.values(*_COLUMNS):
        by_user.setdefault(row["user_id"], []).append(row)
    return by_user


def _verified_elsewhere(backend: str, user_ids: list[int] | None) -> dict[int, dict]:
    """Each user's newest verified onboarding attempt with `backend` (any course), still valid."""
    attempts = ProctoredExamStudentAttempt.objects.get_last_verified_proctored_onboarding_attempts(user_ids, backend)
    newest: dict[int, dict] = {}
    for row in attempts.values(*_COLUMNS):
        newest.setdefault(row["user_id"], row)
    return newest


def _relevant(attempts: list[dict]) -> dict | None:
    """The newest attempt, a verified one if any; an attempt made after an onboarding reset replaces it."""
    if not attempts:
        return None
    relevant = next((a for a in attempts if a["status"] == Status.verified), attempts[0])
    if relevant["status"] == Status.onboarding_reset:
        newer = [a for a in attempts if a["id"] > relevant["id"]]
        if newer:
            relevant = newer[0]
    return relevant


def learner_row(*, enrollment, attempts: list[dict], verified_elsewhere: dict | None) -> dict:
    relevant = _relevant(attempts)
    if verified_elsewhere is not None and (relevant is None or relevant["status"] != Status.verified):
        status, modified = PanelStatus.other_course_approved, verified_elsewhere["modified"]
    elif relevant is not None and relevant["status"] == Status.onboarding_reset:
        status, modified = PanelStatus.onboarding_reset_past_due, relevant["modified"]
    else:
        status = PanelStatus.get_onboarding_status_from_attempt_status(relevant["status"] if relevant else None)
        modified = relevant["modified"] if relevant else None
    return {
        "username": enrollment.user.username,
        "enrollment_mode": enrollment.mode,
        "status": status,
        "modified": modified,
    }


def page_rows(*, course_id: str, backend: str, enrollments, start: int, stop: int) -> list[dict]:
    """The rows of the enrollments from `start` to `stop` (two queries, for those learners only)."""
    return window_rows(course_id=course_id, backend=backend, window=list(enrollments[start:stop]))


def window_rows(*, course_id: str, backend: str, window: list) -> list[dict]:
    """The rows of the enrollments in `window`, in its order (two queries, for those learners only)."""
    user_ids = [enrollment.user.id for enrollment in window]
    attempts = _course_attempts(course_id, user_ids) if user_ids else {}
    verified = _verified_elsewhere(backend, user_ids) if user_ids else {}
    return [
        learner_row(
            enrollment=enrollment,
            attempts=attempts.get(enrollment.user.id, []),
            verified_elsewhere=verified.get(enrollment.user.id),
        )
        for enrollment in window
    ]


def filtered_rows(*, course_id: str, backend: str, enrollments, statuses: set[str]) -> list[dict]:
    """Every enrolled learner's row whose status is in `statuses` (two queries for the whole course)."""
    enrolled_ids = {enrollment.user.id for enrollment in enrollments}
    attempts = _course_attempts(course_id, None)
    verified = {user_id: row for user_id, row in _verified_elsewhere(backend, None).items() if user_id in enrolled_ids}
    rows = (
        learner_row(
            enrollment=enrollment,
            attempts=attempts.get(enrollment.user.id, []),
            verified_elsewhere=verified.get(enrollment.user.id),
        )
        for enrollment in enrollments
    )
    return [row for row in rows if row["status"] in statuses]


def count(enrollments) -> int:
    """The number of enrollments: a COUNT query for a queryset, else the length of the list."""
    counter = getattr(enrollments, "count", None)
    if isinstance(enrollments, QuerySet) and callable(counter):
        return counter()
    return len(enrollments)


def local_modified(*, course_id: str, user_ids: list[int]) -> dict[int, datetime]:
    """The newest local onboarding-attempt modification time of each user (for vendor-reported rows)."""
    newest: dict[int, datetime] = {}
    for user_id, rows in _course_attempts(course_id, user_ids).items():
        newest[user_id] = rows[0]["modified"]
    return newest
