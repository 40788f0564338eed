"""The vendor's instructor dashboard: where to send course staff for a course, an exam or one attempt's review.

Staff are authorized on the course (and exam) they name, so everything here stays inside them: an exam of
another course, or an attempt of another exam, is refused rather than handed to the vendor.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from waffle import switch_is_active

from edx_proctoring.backends import get_backend_provider
from edx_proctoring.constants import REDS_API_REDIRECT
from edx_proctoring.exams import get_all_exams_for_course, get_exam_by_id
from edx_proctoring.identity import obscured_user_id
from edx_proctoring.models import ProctoredExamSoftwareSecureReview, ProctoredExamStudentAttempt


class Unavailable(StrEnum):
    """Why there is no dashboard to send staff to."""

    EXAM_NOT_IN_COURSE = "exam_not_in_course"
    NO_EXAMS = "no_exams"
    NO_PROCTORED_EXAMS = "no_proctored_exams"
    MULTIPLE_BACKENDS = "multiple_backends"  # the course's proctored exams use two vendors
    NO_SUCH_ATTEMPT = "no_such_attempt"  # the attempt named is not one of the exam's
    NO_DASHBOARD = "no_dashboard"  # the vendor has no instructor dashboard


class DashboardUnavailable(Exception):
    """No dashboard, for `reason`; `backends` are the two vendors of MULTIPLE_BACKENDS, `vendor_name` the
    vendor of NO_DASHBOARD."""

    def __init__(self, reason: Unavailable, *, backends: tuple[str, str] | None = None, vendor_name: str = ""):
        super().__init__(reason.value)
        self.reason = reason
        self.backends = backends
        self.vendor_name = vendor_name


def instructor_dashboard_url(
    *,
    user,
    course_id: str,
    exam_id: int | None = None,
    attempt_external_id: str | None = None,
    show_configuration_dashboard: bool = False,
) -> str:
    """The vendor's dashboard URL for `user` (course staff): the course's, or the exam's, or one attempt's.

    Without `exam_id` the course's proctored exams decide the vendor (they must share one). With
    ``REDS_API_REDIRECT`` on, an attempt's dashboard also gets the review's encrypted video link.
    Raises `DashboardUnavailable` (and the exam getter's not-found exception for an unknown exam).
    """
    if exam_id is not None:
        exam, backend = _exam_and_backend(course_id=course_id, exam_id=exam_id)
    else:
        exam, backend = _course_exam_and_backend(course_id=course_id)
        attempt_external_id, show_configuration_dashboard = None, False
    encrypted_video_review_url = None
    if attempt_external_id:
        encrypted_video_review_url = _encrypted_video_url(external_id=attempt_external_id, exam_id=exam["id"])
    url = backend.get_instructor_url(
        exam["course_id"],
        _dashboard_user(user=user, backend_name=exam["backend"]),
        exam_id=exam["external_id"] if exam_id is not None else None,
        attempt_id=attempt_external_id,
        show_configuration_dashboard=show_configuration_dashboard,
        encrypted_video_review_url=encrypted_video_review_url,
    )
    if not url:
        raise DashboardUnavailable(Unavailable.NO_DASHBOARD, vendor_name=backend.verbose_name)
    return url


def _exam_and_backend(*, course_id: str, exam_id: int) -> tuple[dict, Any]:
    exam = get_exam_by_id(exam_id)
    if exam["course_id"] != course_id:
        raise DashboardUnavailable(Unavailable.EXAM_NOT_IN_COURSE)
    backend = get_backend_provider(exam)
    if backend is None:
        raise DashboardUnavailable(Unavailable.NO_PROCTORED_EXAMS)
    return exam, backend


def _course_exam_and_backend(*, course_id: str) -> tuple[dict, Any]:
    """The course's last proctored exam and the backend every proctored exam of the course shares."""
    exams = get_all_exams_for_course(course_id, active_only=True)
    if not exams:
        raise DashboardUnavailable(Unavailable.NO_EXAMS)
    exam, backend, backend_name = None, None, None
    for candidate in exams:
        if not candidate["is_proctored"]:
            continue
        if backend_name is not None and candidate["backend"] != backend_name:
            raise DashboardUnavailable(Unavailable.MULTIPLE_BACKENDS, backends=(backend_name, candidate["backend"]))
        backend_name = candidate["backend"]
        backend = get_backend_provider(name=backend_name)
        exam = candidate
    if backend is None:
        raise DashboardUnavailable(Unavailable.NO_PROCTORED_EXAMS)
    return exam, backend


def _encrypted_video_url(*, external_id: str, exam_id: int) -> bytes | None:
    attempt_code = _attempt_code_on_exam(external_id=external_id, exam_id=exam_id)
    if attempt_code is None:
        raise DashboardUnavailable(Unavailable.NO_SUCH_ATTEMPT)
    if not switch_is_active(REDS_API_REDIRECT):
        return None
    review = ProctoredExamSoftwareSecureReview.get_review_by_attempt_code(attempt_code)
    return review.encrypted_video_url if review is not None else None


def _attempt_code_on_exam(*, external_id: str, exam_id: int) -> str | None:
    """The code of the attempt with this vendor id on this exam (live, else its archived version), or None.

    An attempt of any other exam, whose review video staff could otherwise have the vendor open, must read
    as not found.
    """
    attempt_code = (
        ProctoredExamStudentAttempt.objects.filter(external_id=external_id, proctored_exam_id=exam_id)
        .values_list("attempt_code", flat=True)
        .first()
    )
    if attempt_code is None:
        attempt_code = (
            ProctoredExamStudentAttempt.history.filter(external_id=external_id, proctored_exam_id=exam_id)
            .order_by("-history_date", "-history_id")
            .values_list("attempt_code", flat=True)
            .first()
        )
    return attempt_code


def _dashboard_user(*, user, backend_name: str | None) -> dict:
    """Who is looking, as the vendor is told: the id it knows the user by, the name and the email."""
    return {
        "id": obscured_user_id(user.id, backend_name),
        "full_name": getattr(getattr(user, "profile", None), "name", "") or "",
        "email": user.email,
    }
