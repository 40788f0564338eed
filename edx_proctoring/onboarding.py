"""Onboarding: the proctored practice exam a vendor uses to check a learner before real exams.

What a learner's onboarding status is (here or in another course with the same vendor), where the
onboarding exam of a course lives, and which exams a learner cannot reach in the course outline. The
course's onboarding panel for staff is in `onboarding_dashboard`.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Any

from opaque_keys import InvalidKeyError
from opaque_keys.edx.keys import CourseKey, UsageKey

from edx_proctoring import config
from edx_proctoring.backends import get_backend_provider
from edx_proctoring.constants import VERIFICATION_DAYS_VALID
from edx_proctoring.exams import get_exam_url
from edx_proctoring.exceptions import BackendProviderOnboardingProfilesException
from edx_proctoring.identity import obscured_user_id
from edx_proctoring.models import ProctoredExam, ProctoredExamStudentAttempt
from edx_proctoring.runtime import get_runtime_service
from edx_proctoring.statuses import InstructorDashboardOnboardingAttemptStatus, ProctoredExamStudentAttemptStatus
from edx_proctoring.statuses import VerificientOnboardingProfileStatus as ProfileStatus

log = logging.getLogger(__name__)

_VALIDITY = timedelta(days=VERIFICATION_DAYS_VALID)


# --- Learner onboarding status ---------------------------------------------------------------------


def get_last_verified_onboarding_attempts_per_user(users_list, backend):
    """``{user_id: attempt}``: each user's newest verified onboarding attempt with `backend`, still valid.

    One query, whatever the number of users.
    """
    attempts = ProctoredExamStudentAttempt.objects.get_last_verified_proctored_onboarding_attempts(
        users_list, backend
    ).select_related("proctored_exam")
    newest_by_user: dict[int, ProctoredExamStudentAttempt] = {}
    for attempt in attempts:  # newest first
        newest_by_user.setdefault(attempt.user_id, attempt)
    return newest_by_user


def _relevant_course_attempt(attempts: list[ProctoredExamStudentAttempt]) -> ProctoredExamStudentAttempt | None:
    """The first verified attempt, else the newest one (attempts come newest first)."""
    for attempt in attempts:
        if attempt.status == ProctoredExamStudentAttemptStatus.verified:
            return attempt
    return attempts[0] if attempts else None


def get_onboarding_attempt_data_for_learner(course_id, user, backend):
    """``{'onboarding_status', 'expiration_date'}`` of the learner for the course's onboarding exams.

    Verified here -> ``verified``; verified with the same vendor in another course within the validity
    window -> ``other_course_approved``; otherwise the raw status of the newest attempt, or None.
    """
    attempts = list(
        ProctoredExamStudentAttempt.objects.get_proctored_practice_attempts_by_course_id(course_id, users=[user])
    )
    relevant = _relevant_course_attempt(attempts)
    if relevant is not None and relevant.status == ProctoredExamStudentAttemptStatus.verified:
        return {
            "onboarding_status": ProctoredExamStudentAttemptStatus.verified,
            "expiration_date": relevant.modified + _VALIDITY,
        }

    verified_elsewhere = get_last_verified_onboarding_attempts_per_user([user], backend).get(user.id)
    if verified_elsewhere is not None:
        return {
            "onboarding_status": InstructorDashboardOnboardingAttemptStatus.other_course_approved,
            "expiration_date": verified_elsewhere.modified + _VALIDITY,
        }

    return {
        "onboarding_status": relevant.status if relevant is not None else None,
        "expiration_date": None,
    }


# --- Course outline: which exams can the learner reach -----------------------------------------------


def get_user_course_outline_details(user, course_id):
    """The learner's outline and schedule from the host's learning_sequences service (None without it)."""
    service = get_runtime_service("learning_sequences")
    if service is None:
        log.warning("No learning_sequences service: course outline details unavailable for %s", course_id)
        return None
    course_key = CourseKey.from_string(str(course_id))
    return service.get_user_course_outline_details(course_key, user, datetime.now(UTC))


def get_visibility_check_date(schedule, usage_key):
    """When a sequence stops being visible: its due date, else the course end, else never."""
    sequence_schedule = _lookup(mapping=schedule.sequences, usage_key=usage_key)
    if sequence_schedule is not None and getattr(sequence_schedule, "due", None):
        return sequence_schedule.due
    if getattr(schedule, "course_end", None):
        return schedule.course_end
    return datetime.max.replace(tzinfo=UTC)


def _content_id(exam: Any) -> str:
    return exam["content_id"] if isinstance(exam, dict) else exam.content_id


def _usage_key(content_id: str) -> UsageKey | str:
    try:
        return UsageKey.from_string(content_id)
    except InvalidKeyError:
        return content_id


def _lookup(*, mapping: dict, usage_key: UsageKey | str) -> Any:
    """A schedule entry by usage key, accepting hosts that key their schedule by strings."""
    entry = mapping.get(usage_key)
    if entry is None and not isinstance(usage_key, str):
        entry = mapping.get(str(usage_key))
    return entry


def _is_accessible(*, accessible: Iterable, usage_key: UsageKey | str) -> bool:
    return usage_key in accessible or str(usage_key) in accessible


def categorize_inaccessible_exams_by_date(onboarding_exams, details):
    """Split the exams the learner cannot reach into ``(non_date_inaccessible, future, past_due)``.

    Exams the outline lists as accessible appear in no list. An inaccessible exam is ``future`` when
    its sequence has not started yet, ``past_due`` when its visibility date has passed, and
    ``non_date_inaccessible`` otherwise (hidden, gated, or without a schedule entry).
    """
    non_date_inaccessible, future, past_due = [], [], []
    if details is None:
        return non_date_inaccessible, future, past_due
    accessible = details.outline.accessible_sequences
    schedule = details.schedule
    now = datetime.now(UTC)
    for exam in onboarding_exams:
        usage_key = _usage_key(_content_id(exam))
        if _is_accessible(accessible=accessible, usage_key=usage_key):
            continue
        sequence_schedule = _lookup(mapping=schedule.sequences, usage_key=usage_key)
        if sequence_schedule is None:
            non_date_inaccessible.append(exam)
        elif sequence_schedule.effective_start and sequence_schedule.effective_start > now:
            future.append(exam)
        elif get_visibility_check_date(schedule, usage_key) < now:
            past_due.append(exam)
        else:
            non_date_inaccessible.append(exam)
    return non_date_inaccessible, future, past_due


def course_onboarding_exams(*, course_id: str) -> tuple[list[ProctoredExam], Any]:
    """The course's active proctored practice exams, newest first, and their backend when it onboards learners.

    The newest exam's backend decides whether the course uses onboarding at all: without one that does
    (none configured, or a backend that does not onboard) the backend is None.
    """
    exams = list(ProctoredExam.get_practice_proctored_exams_for_course(course_id).order_by("-created", "-id"))
    if not exams:
        return exams, None
    try:
        backend = get_backend_provider(name=exams[0].backend)
    except NotImplementedError:
        log.warning("Unknown proctoring backend %r", exams[0].backend)
        return exams, None
    if backend is None or not backend.supports_onboarding:
        return exams, None
    return exams, backend


def _reachable(*, exams: list, details) -> tuple[list, set[int], set[int]]:
    """The exams less those the learner cannot reach for reasons other than dates (hidden, gated...), and
    the ids of those not yet open and of those past due."""
    non_date_inaccessible, future, past_due = categorize_inaccessible_exams_by_date(exams, details)
    excluded = {exam.id for exam in non_date_inaccessible}
    reachable = [exam for exam in exams if exam.id not in excluded]
    return reachable, {exam.id for exam in future}, {exam.id for exam in past_due}


def get_onboarding_exam_link(course_id, user, is_learning_mfe):
    """The URL of the course's onboarding exam for this learner, or '' when there is none to offer.

    Exams the learner cannot reach for reasons other than dates are skipped; exams not yet open or
    past due are still linked, so the learner sees when onboarding is available.
    """
    exams, backend = course_onboarding_exams(course_id=course_id)
    if backend is None:
        return ""
    reachable, _future_ids, _past_due_ids = _reachable(
        exams=exams, details=get_user_course_outline_details(user, course_id)
    )
    if not reachable:
        return ""
    return get_exam_url(course_id, reachable[0].content_id, is_learning_mfe)


# --- A learner's onboarding status (the Learning MFE's panel) -------------------------------------------


class Unavailable(StrEnum):
    """Why a learner's onboarding status cannot be given."""

    NO_ONBOARDING_EXAM = "no_onboarding_exam"  # no exam, or its backend does not onboard learners
    NONE_ACCESSIBLE = "none_accessible"  # every onboarding exam is hidden from the learner
    NO_PROFILE_API = "no_profile_api"  # onboarding profiles are read from a vendor that has no such API


class OnboardingStatusUnavailable(Exception):
    """The learner's onboarding status cannot be given, for `reason`; `vendor_name` names the backend."""

    def __init__(self, reason: Unavailable, *, vendor_name: str | None = None):
        super().__init__(reason.value)
        self.reason = reason
        self.vendor_name = vendor_name


def learner_onboarding_status(*, course_id: str, user, is_learning_mfe: bool) -> dict:
    """The learner's onboarding status in the course, with the exam to take and its dates.

    The exam is the newest one the learner can take now (linked), else the newest not yet open, else the
    newest past due. With ``USE_ONBOARDING_PROFILE_API`` the vendor's profile decides the status (the local
    attempts still do when the vendor fails to answer). Raises `OnboardingStatusUnavailable`.
    """
    exams, backend = course_onboarding_exams(course_id=course_id)
    if backend is None:
        raise OnboardingStatusUnavailable(Unavailable.NO_ONBOARDING_EXAM)
    details = get_user_course_outline_details(user, course_id)
    exam, is_open, is_past_due = _exam_to_take(exams=exams, details=details)
    data = get_onboarding_attempt_data_for_learner(course_id, user, exam.backend)
    if config.proctoring_setting("USE_ONBOARDING_PROFILE_API"):
        data = _vendor_profile_status(backend=backend, course_id=course_id, user=user, exam=exam) or data
    return {
        "onboarding_status": data["onboarding_status"],
        "onboarding_link": get_exam_url(course_id, exam.content_id, is_learning_mfe) if is_open else None,
        "expiration_date": data["expiration_date"],
        "onboarding_past_due": is_past_due,
        "onboarding_release_date": _release_date(details=details, exam=exam),
        "review_requirements_url": backend.help_center_article_url,
    }


def _exam_to_take(*, exams: list, details) -> tuple[ProctoredExam, bool, bool]:
    """``(exam, open now, past due)``: the first reachable exam open now, else not yet open, else past due."""
    reachable, future_ids, past_due_ids = _reachable(exams=exams, details=details)
    if not reachable:
        raise OnboardingStatusUnavailable(Unavailable.NONE_ACCESSIBLE)
    open_now = [exam for exam in reachable if exam.id not in future_ids and exam.id not in past_due_ids]
    if open_now:
        return open_now[0], True, False
    if future_ids:
        return next(exam for exam in reachable if exam.id in future_ids), False, False
    return next(exam for exam in reachable if exam.id in past_due_ids), False, True


def _vendor_profile_status(*, backend, course_id: str, user, exam: ProctoredExam) -> dict | None:
    """The status from the vendor's onboarding profile of the learner; None when the vendor failed to answer."""
    try:
        profile = backend.get_onboarding_profile_info(course_id, user_id=obscured_user_id(user.id, exam.backend))
    except BackendProviderOnboardingProfilesException as exc:
        log.warning("Onboarding profile API failed for course %s: %s", course_id, exc)
        return None
    if profile is None:
        raise OnboardingStatusUnavailable(Unavailable.NO_PROFILE_API, vendor_name=backend.verbose_name)
    return {
        "onboarding_status": ProfileStatus.get_edx_status_from_profile_status(profile.get("status")),
        "expiration_date": profile.get("expiration_date"),
    }


def _release_date(*, details, exam: ProctoredExam) -> str | None:
    if details is None:
        return None
    entry = _lookup(mapping=details.schedule.sequences, usage_key=_usage_key(exam.content_id))
    start = getattr(entry, "effective_start", None)
    return start.isoformat() if start else None
