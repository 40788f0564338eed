"""Credit prerequisites of proctored exams: which requirements before an exam the learner has met.

The host's credit service reports, per learner, an ordered list of requirement statuses
(``{'namespace', 'name', 'order', 'status', ...}``). A proctored exam is open only when every
requirement ordered before it is satisfied; a declined requirement means the learner chose the open
(unproctored) path, so the exam is declined for them too.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from django.urls import NoReverseMatch, reverse

from edx_proctoring.attempts.actions import Actor
from edx_proctoring.attempts.creation import create_attempt
from edx_proctoring.attempts.lifecycle import perform_action
from edx_proctoring.runtime import get_runtime_service

log = logging.getLogger(__name__)

# Requirement namespaces whose requirements are course content a learner can be sent to.
JUMPTO_SUPPORTED_NAMESPACES = ["proctored_exam"]

# Namespaces that never gate an exam (the final grade comes after every exam).
_NAMESPACES_NOT_GATING_EXAMS = ["grade"]

_SATISFIED = "satisfied"
_FAILED = "failed"
_DECLINED = "declined"


def _requirement_order(requirement: dict) -> int:
    order = requirement.get("order")
    return order if order is not None else 0


def _requirements_before(*, ordered: list[dict], requirement_name: str | None) -> list[dict]:
    """The requirements ordered before `requirement_name`; all of them when it is None or not listed."""
    if requirement_name is None:
        return ordered
    for position, requirement in enumerate(ordered):
        if requirement.get("name") == requirement_name:
            return ordered[:position]
    return ordered


def _are_prerequirements_satisfied(statuses, evaluate_for_requirement_name=None, filter_out_namespaces=None):
    """Sort the requirements before the named one by outcome.

    Returns the historic shape, including its misspelled key ``are_prerequisites_satisifed``.
    """
    excluded = set(filter_out_namespaces or ())
    relevant = [requirement for requirement in statuses or () if requirement.get("namespace") not in excluded]
    ordered = sorted(relevant, key=_requirement_order)
    inspected = _requirements_before(ordered=ordered, requirement_name=evaluate_for_requirement_name)

    satisfied, failed, pending, declined = [], [], [], []
    for requirement in inspected:
        outcome = requirement.get("status")
        if outcome == _SATISFIED:
            satisfied.append(requirement)
        elif outcome == _FAILED:
            failed.append(requirement)
        elif outcome == _DECLINED:
            declined.append(requirement)
        else:
            pending.append(requirement)

    return {
        "are_prerequisites_satisifed": not failed and not pending and not declined,
        "satisfied_prerequisites": satisfied,
        "failed_prerequisites": failed,
        "pending_prerequisites": pending,
        "declined_prerequisites": declined,
    }


def _jump_to_url(*, course_id: str, requirement: dict) -> str | None:
    name = requirement.get("name")
    if requirement.get("namespace") not in JUMPTO_SUPPORTED_NAMESPACES or not name:
        return None
    try:
        return reverse("jump_to", args=[course_id, name])
    except NoReverseMatch:
        log.warning("No jump_to link for requirement %s of course %s", name, course_id)
        return None


def _resolve_prerequisite_links(exam, prereqs):
    """Set ``jumpto_url`` on every requirement (None when it is not content the learner can be sent to)."""
    for requirement in prereqs:
        requirement["jumpto_url"] = _jump_to_url(course_id=exam["course_id"], requirement=requirement)
    return prereqs


def _create_and_decline_attempt(exam_id, user_id):
    """Record that the learner takes the exam unproctored: a new attempt, declined at once."""
    attempt_id = create_attempt(exam_id=exam_id, user_id=user_id, actor=Actor.system)
    perform_action(action="decline", actor=Actor.system, attempt_id=attempt_id, raise_if_not_found=False)
    return attempt_id


def _links_to_show(*, prerequisite_status: dict) -> Iterable[dict]:
    return prerequisite_status["failed_prerequisites"] or prerequisite_status["pending_prerequisites"]


def check_prerequisites(exam, user_id):
    """Add ``prerequisite_status`` to the exam dict for this learner (the learning MFE shows it).

    A declined prerequisite declines the exam as well. Without a credit service, or without credit
    state for the learner, the exam is returned unchanged.
    """
    credit_service = get_runtime_service("credit")
    if credit_service is None:
        return exam
    credit_state = credit_service.get_credit_state(user_id, exam["course_id"])
    if not credit_state:
        return exam

    prerequisite_status = _are_prerequirements_satisfied(
        credit_state.get("credit_requirement_status") or [],
        evaluate_for_requirement_name=exam["content_id"],
        filter_out_namespaces=_NAMESPACES_NOT_GATING_EXAMS,
    )
    exam["prerequisite_status"] = prerequisite_status
    if prerequisite_status["are_prerequisites_satisifed"]:
        return exam

    if prerequisite_status["declined_prerequisites"]:
        _create_and_decline_attempt(exam["id"], user_id)
        return exam

    _resolve_prerequisite_links(exam, _links_to_show(prerequisite_status=prerequisite_status))
    return exam
