"""The course's onboarding panel on the instructor dashboard: every learner who may take proctored exams,
with their onboarding status, from the local attempts or (waffle switch
``ONBOARDING_PROFILE_INSTRUCTOR_DASHBOARD_API``) from the vendor's onboarding profiles.

`course_onboarding_panel` decides where the rows come from and how many there are; the caller asks for the
slice it shows (`OnboardingPanel.rows`), so the local rows of one page are read for that page only. When the
host's enrollments are a queryset, the learners' order and count come from a short-lived snapshot of their ids
(`selectors.roster_snapshot`) rather than from the host's query on every page.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import QuerySet
from waffle import switch_is_active

from edx_proctoring.constants import ONBOARDING_PROFILE_INSTRUCTOR_DASHBOARD_API
from edx_proctoring.exceptions import BackendProviderOnboardingProfilesException
from edx_proctoring.identity import obscured_user_id
from edx_proctoring.onboarding import OnboardingStatusUnavailable, Unavailable, course_onboarding_exams
from edx_proctoring.reports import get_enrollments_can_take_proctored_exams
from edx_proctoring.selectors import onboarding_panel, roster_snapshot
from edx_proctoring.statuses import InstructorDashboardOnboardingAttemptStatus as PanelStatus
from edx_proctoring.statuses import VerificientOnboardingProfileStatus as ProfileStatus

log = logging.getLogger(__name__)


class OnboardingProfilesUnavailable(Exception):
    """The vendor did not answer for the onboarding profiles of the course."""


@dataclass(frozen=True)
class OnboardingPanel:
    """The panel's rows: `count` of them, each ``{username, enrollment_mode, status, modified}``."""

    count: int
    use_onboarding_profile_api: bool
    _fetch: Callable[..., list[dict]]

    def rows(self, *, start: int, stop: int) -> list[dict]:
        """The rows from `start` to `stop` (in enrollment order, or the vendor's order)."""
        return self._fetch(start=start, stop=stop)


def course_onboarding_panel(*, course_id: str, text_search: str | None, statuses: set[str] | None) -> OnboardingPanel:
    """The panel of the course's learners (matching `text_search`), only those in `statuses` when given.

    Raises `OnboardingStatusUnavailable` when the course has no onboarding exam, and
    `OnboardingProfilesUnavailable` when the vendor's profiles are used and the vendor fails.
    """
    exams, backend = course_onboarding_exams(course_id=course_id)
    if backend is None:
        raise OnboardingStatusUnavailable(Unavailable.NO_ONBOARDING_EXAM)
    enrollments = _enrollments(course_id=course_id, text_search=text_search)
    backend_name = exams[0].backend
    if switch_is_active(ONBOARDING_PROFILE_INSTRUCTOR_DASHBOARD_API):
        rows = _vendor_rows(
            backend=backend, backend_name=backend_name, course_id=course_id, enrollments=enrollments, statuses=statuses
        )

        def vendor_page(*, start: int, stop: int) -> list[dict]:
            page = rows[start:stop]
            _add_local_modified(course_id=course_id, rows=page, enrollments=enrollments)
            return page

        return OnboardingPanel(count=len(rows), use_onboarding_profile_api=True, _fetch=vendor_page)
    if statuses:
        # A status is known only once the row is built: every learner's row is built, then filtered.
        rows = onboarding_panel.filtered_rows(
            course_id=course_id, backend=backend_name, enrollments=enrollments, statuses=statuses
        )
        return OnboardingPanel(
            count=len(rows), use_onboarding_profile_api=False, _fetch=lambda *, start, stop: rows[start:stop]
        )

    snapshot = _roster_snapshot(enrollments=enrollments, course_id=course_id, text_search=text_search)
    if snapshot is not None:

        def snapshot_page(*, start: int, stop: int) -> list[dict]:
            window = roster_snapshot.enrollments_of(enrollments=enrollments, user_ids=snapshot[start:stop])
            return onboarding_panel.window_rows(course_id=course_id, backend=backend_name, window=window)

        return OnboardingPanel(count=len(snapshot), use_onboarding_profile_api=False, _fetch=snapshot_page)

    def local_page(*, start: int, stop: int) -> list[dict]:
        return onboarding_panel.page_rows(
            course_id=course_id, backend=backend_name, enrollments=enrollments, start=start, stop=stop
        )

    return OnboardingPanel(
        count=onboarding_panel.count(enrollments), use_onboarding_profile_api=False, _fetch=local_page
    )


def _roster_snapshot(*, enrollments, course_id: str, text_search: str | None):
    """The learners' ids in the host's order when the host answers with a queryset (None otherwise, or when
    snapshots are turned off): sorting every enrollment for each page is what a large course's panel cost."""
    if not isinstance(enrollments, QuerySet):
        return None
    return roster_snapshot.learner_ids(
        enrollments=enrollments, list_name="onboarding", course_id=course_id, text_search=text_search
    )


def _enrollments(*, course_id: str, text_search: str | None):
    """The host's enrollments, sliceable (a queryset stays one, so a page reads only its rows)."""
    enrollments = get_enrollments_can_take_proctored_exams(course_id, text_search)
    if enrollments is None:
        return []
    if not hasattr(enrollments, "__getitem__"):
        return list(enrollments)
    return enrollments


def _vendor_rows(*, backend, backend_name: str, course_id: str, enrollments, statuses: set[str] | None) -> list[dict]:
    """One row per enrolled learner the vendor has a profile of, then (unless filtered out) the others."""
    filters = {}
    if statuses:
        translated = [ProfileStatus.get_profile_status_from_filter(value) for value in statuses]
        filters["status"] = ",".join(value for value in translated if value)
    try:
        profiles = backend.get_onboarding_profile_info(course_id, **filters) or {}
    except BackendProviderOnboardingProfilesException as exc:
        log.warning("Onboarding profile API failed for course %s: %s", course_id, exc)
        raise OnboardingProfilesUnavailable(str(exc)) from exc
    results = profiles.get("results", []) if isinstance(profiles, dict) else list(profiles)
    by_obscured_id = {obscured_user_id(e.user.id, backend_name): e for e in enrollments}
    rows, matched = [], set()
    for profile in results:
        enrollment = by_obscured_id.get(profile.get("user_id"))
        if enrollment is None:
            continue
        matched.add(enrollment.user.id)
        status = ProfileStatus.get_instructor_status_from_profile_status(profile.get("status"))
        rows.append(_row(enrollment=enrollment, status=status))
    if not statuses or PanelStatus.not_started in statuses:
        rows.extend(_row(enrollment=e, status=PanelStatus.not_started) for e in enrollments if e.user.id not in matched)
    return rows


def _row(*, enrollment, status: str) -> dict:
    return {
        "username": enrollment.user.username,
        "enrollment_mode": enrollment.mode,
        "status": status,
        "modified": None,
    }


def _add_local_modified(*, course_id: str, rows: list[dict], enrollments) -> None:
    """Each vendor-reported row's ``modified``: when the learner's local onboarding attempt last changed."""
    ids = {e.user.username: e.user.id for e in enrollments}
    page_ids = [ids[row["username"]] for row in rows if row["username"] in ids]
    modified = onboarding_panel.local_modified(course_id=course_id, user_ids=page_ids)
    for row in rows:
        row["modified"] = modified.get(ids.get(row["username"]))
