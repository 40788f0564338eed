"""Template contexts of the learner interstitials.

Every page gets the host's context (``display_name``, ``allow_proctoring_opt_out``, ``credit_state``...)
plus the keys below. URLs that cannot be reversed (a host without the route, or no attempt yet) are ''.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

import requests
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _

from edx_proctoring import config
from edx_proctoring.exams import get_integration_specific_email, get_proctoring_escalation_email
from edx_proctoring.exceptions import ProctoredBaseException
from edx_proctoring.lti.end_assessment import end_assessment_url
from edx_proctoring.models import ProctoredExam
from edx_proctoring.prerequisites import _resolve_prerequisite_links
from edx_proctoring.review_policies import _get_review_policy_by_exam_id
from edx_proctoring.statuses import AWAITING_SETUP_STATUSES, COMPLETED_STATUSES
from edx_proctoring.statuses import ProctoredExamStudentAttemptStatus as Status
from edx_proctoring.timing import (
    attempt_deadline,
    calculate_allowed_mins,
    does_time_remain,
    get_exam_due_date,
    humanized_time,
    is_exam_passed_due,
    now,
)

log = logging.getLogger(__name__)

# How long after an attempt ran out of time the submitted page says so.
SHOW_EXPIRY_MESSAGE_DURATION = 60
# Exams longer than this (minutes) do not mention extra time: WCAG exempts them from time limits.
_EXTRA_TIME_FOOTER_LIMIT_MINS = 1200


def reverse_or_blank(name: str, *, args: list | None = None) -> str:
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return ""


def _attempt_url(attempt: dict | None, name: str = "edx_proctoring:proctored_exam.attempt") -> str:
    if not attempt:
        return ""
    return reverse_or_blank(name, args=[attempt["id"]])


def _as_datetime(value: Any) -> datetime | None:
    if isinstance(value, str):
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    return value


def total_time_text(*, exam: dict, attempt: dict | None, user_id: int) -> str:
    """The learner's time for the exam: the attempt's fixed allowance once set, else what they would get now.

    A ready-to-resume attempt shows the time it has left (which becomes the next attempt's allowance).
    """
    if attempt and attempt.get("allowed_time_limit_mins") and not attempt.get("ready_to_resume"):
        return humanized_time(attempt["allowed_time_limit_mins"])
    return humanized_time(calculate_allowed_mins(exam, user_id))


def has_time_expired(attempt: dict | None) -> bool:
    """The attempt used all its time, and it ended less than a minute ago (the submitted page says so).

    A ``timed_out`` attempt (kept when ALLOW_TIMED_OUT_STATE is on) has no completion time; it ended
    at its deadline.
    """
    if not attempt:
        return False
    started_at = _as_datetime(attempt.get("started_at"))
    completed_at = _as_datetime(attempt.get("completed_at"))
    if completed_at is None and attempt.get("status") == Status.timed_out:
        completed_at = attempt_deadline(attempt)
    allowed = attempt.get("allowed_time_limit_mins")
    if not started_at or not completed_at or allowed is None:
        return False
    used_all_time = (completed_at - started_at).total_seconds() >= allowed * 60
    return used_all_time and (now() - completed_at).total_seconds() < SHOW_EXPIRY_MESSAGE_DURATION


def _common_context(*, exam: dict, attempt: dict | None, course_id: str) -> dict:
    return {
        "exam_id": exam["id"],
        "exam_name": exam["exam_name"],
        "course_id": course_id,
        "attempt_id": attempt["id"] if attempt else None,
        "attempt_status": attempt["status"] if attempt else None,
        "progress_page_url": reverse_or_blank("progress", args=[course_id]),
        "enter_exam_endpoint": reverse_or_blank("edx_proctoring:proctored_exam.attempt.collection"),
        "change_state_url": _attempt_url(attempt),
    }


def timed_exam_context(
    *, exam: dict, attempt: dict | None, user_id: int, course_id: str, wait_deadline: str | None
) -> dict:
    """The context of the timed-exam pages (§2.8 keys, plus `wait_deadline` for the waiting banner)."""
    due = get_exam_due_date(exam, user_id)
    context = _common_context(exam=exam, attempt=attempt, course_id=course_id)
    context.update(
        {
            "total_time": total_time_text(exam=exam, attempt=attempt, user_id=user_id),
            "hide_extra_time_footer": exam["time_limit_mins"] > _EXTRA_TIME_FOOTER_LIMIT_MINS,
            "will_be_revealed": due is not None and not exam["hide_after_due"],
            "does_time_remain": does_time_remain(attempt) if attempt else False,
            "has_time_expired": has_time_expired(attempt),
            "ready_to_resume": bool(attempt and attempt.get("ready_to_resume") and not attempt.get("resumed")),
        }
    )
    if wait_deadline:
        context["wait_deadline"] = wait_deadline
    return context


def _vendor_attempt_details(*, provider, attempt: dict) -> dict:
    """Instructions and download link the vendor gives for this attempt; {} when the vendor cannot be reached."""
    try:
        details = provider.get_attempt(attempt) or {}
    except (requests.RequestException, ProctoredBaseException) as exc:
        log.warning("Could not read attempt %s from its vendor: %s", attempt["id"], exc)
        details = {}
    return details if isinstance(details, dict) else {}


def _software_download_url(*, provider, details: dict) -> str | None:
    url = details.get("software_download_url") or details.get("download_url")
    if url:
        return url
    try:
        return provider.get_software_download_url()
    except (requests.RequestException, ProctoredBaseException, NotImplementedError) as exc:
        log.warning("No software download link from the vendor: %s", exc)
        return None


def proctored_exam_context(
    *,
    exam: dict,
    attempt: dict | None,
    user_id: int,
    course_id: str,
    provider,
    is_practice_exam: bool,
    wait_deadline: str | None,
) -> dict:
    """The context of practice, onboarding and proctored pages (the historic `_get_proctored_exam_context`)."""
    due = get_exam_due_date(exam, user_id)
    blocks_material = bool(provider and provider.should_block_access_to_exam_material())
    context = _common_context(exam=exam, attempt=attempt, course_id=course_id)
    context.update(
        {
            "platform_name": config.platform_name(),
            "total_time": total_time_text(exam=exam, attempt=attempt, user_id=user_id),
            "exam_display_name": exam["exam_name"],
            "is_sample_attempt": is_practice_exam,
            "has_due_date": due is not None,
            "has_due_date_passed": is_exam_passed_due(exam, user_id),
            "able_to_reenter_exam": bool(attempt and does_time_remain(attempt)) and not blocks_material,
            "exam_started_poll_url": _attempt_url(attempt),
            "update_is_status_acknowledge_url": _attempt_url(
                attempt, "edx_proctoring:proctored_exam.attempt.review_status"
            ),
            "reset_link": _attempt_url(attempt),
            "link_urls": config.link_urls(),
            "tech_support_email": config.tech_support_email(),
            "proctoring_escalation_email": get_proctoring_escalation_email(course_id),
            "exam_review_policy": _get_review_policy_by_exam_id(exam["id"]),
            "backend_js_bundle": provider.get_javascript() if provider else "",
            "provider_tech_support_email": getattr(provider, "tech_support_email", ""),
            "provider_tech_support_phone": getattr(provider, "tech_support_phone", ""),
            "provider_name": getattr(provider, "verbose_name", ""),
            "learner_notification_from_email": getattr(provider, "learner_notification_from_email", ""),
            "integration_specific_email": get_integration_specific_email(provider),
            "ping_interval": getattr(provider, "ping_interval", None),
            "can_view_content_past_due": config.content_viewable_past_due(),
            "exam_code": attempt["attempt_code"] if attempt else None,
            # Lets the page hand the attempt to the vendor's browser worker before starting or ending it.
            "attempt_external_id": attempt["external_id"] if attempt else None,
        }
    )
    if attempt and attempt["status"] in AWAITING_SETUP_STATUSES:
        details = _vendor_attempt_details(provider=provider, attempt=attempt)
        context["backend_instructions"] = details.get("instructions")
        context["software_download_url"] = _software_download_url(provider=provider, details=details)
    if attempt and getattr(provider, "sends_lti_end_assessment", False) and attempt["status"] in COMPLETED_STATUSES:
        context["lti_end_assessment_url"] = end_assessment_url(attempt_id=attempt["id"])
    if wait_deadline:
        context["wait_deadline"] = wait_deadline
    return context


def prerequisites_context(*, exam: dict, prerequisite_status: dict) -> dict:
    """`prerequisite_status` with jump-to links on the failed and the pending requirements.

    The historic view linked only the failed ones; linking the pending ones too lets the learner go
    straight to what is still missing.
    """
    _resolve_prerequisite_links(exam, prerequisite_status.get("failed_prerequisites") or [])
    _resolve_prerequisite_links(exam, prerequisite_status.get("pending_prerequisites") or [])
    return {"prerequisite_status": prerequisite_status}


def onboarding_error_context(*, course_id: str, status: str) -> dict:
    """What the onboarding error page of a proctored exam needs: the status and a link to onboarding."""
    onboarding_exam = (
        ProctoredExam.get_practice_proctored_exams_for_course(course_id).order_by("id").only("content_id").first()
    )
    link = reverse_or_blank("jump_to", args=[course_id, onboarding_exam.content_id]) if onboarding_exam else ""
    return {
        "onboarding_status": status,
        "onboarding_link": link,
        "support_email_subject": _("Onboarding status question"),
    }
