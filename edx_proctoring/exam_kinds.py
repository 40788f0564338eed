"""The kinds of special exam, from an exam's two flags and its backend, and the names 6.1.x gives each.

6.1.x names the kinds two ways, and both are public: tracking events (``edx.special_exam.<type>.*``)
and outline badges use three types, where onboarding counts as practice; the MFE and the timer payload
(`get_exam_type`) tell onboarding apart and call anything proctored-or-practice that is not both
"proctored". The row for each kind below is the one place those names are written.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


class ExamKind(StrEnum):
    TIMED = "timed"
    PRACTICE = "practice"
    # A proctored practice exam on a backend that onboards learners.
    ONBOARDING = "onboarding"
    PROCTORED = "proctored"
    # The practice flag without proctoring: no authoring tool makes one, but rows can hold it, and 6.1.x
    # shows its content as is.
    UNPROCTORED_PRACTICE = "unproctored_practice"


@dataclass(frozen=True)
class KindNames:
    tracking_type: str
    mfe_type: str
    humanized: Promise


KINDS: dict[ExamKind, KindNames] = {
    ExamKind.TIMED: KindNames("timed", "timed", _("a timed exam")),
    ExamKind.PRACTICE: KindNames("practice", "practice", _("a practice exam")),
    ExamKind.ONBOARDING: KindNames("practice", "onboarding", _("an onboarding exam")),
    ExamKind.PROCTORED: KindNames("proctored", "proctored", _("a proctored exam")),
    ExamKind.UNPROCTORED_PRACTICE: KindNames("timed", "proctored", _("a proctored exam")),
}

# The ungraded kinds, which get the practice badges and pages.
PRACTICE_KINDS = frozenset({ExamKind.PRACTICE, ExamKind.ONBOARDING})
# The kinds without proctoring, which get the timed exam's badge.
UNPROCTORED_KINDS = frozenset({ExamKind.TIMED, ExamKind.UNPROCTORED_PRACTICE})


def _flag(exam: Mapping[str, Any] | Any, name: str) -> bool:
    return bool(exam.get(name) if isinstance(exam, Mapping) else getattr(exam, name))


def kind_of(exam: Mapping[str, Any] | Any, *, provider: Any = None) -> ExamKind:
    """The kind of `exam` (a dict or a row). Onboarding needs the exam's backend: without `provider`, or
    with one that does not onboard, a proctored practice exam is PRACTICE."""
    proctored, practice = _flag(exam, "is_proctored"), _flag(exam, "is_practice_exam")
    if not proctored:
        return ExamKind.UNPROCTORED_PRACTICE if practice else ExamKind.TIMED
    if not practice:
        return ExamKind.PROCTORED
    return ExamKind.ONBOARDING if provider and provider.supports_onboarding else ExamKind.PRACTICE


def tracking_exam_type(exam: Mapping[str, Any] | Any) -> str:
    """timed, practice or proctored: the ``<type>`` of ``edx.special_exam.<type>.*`` events."""
    return KINDS[kind_of(exam)].tracking_type


def mfe_exam_type(exam: Mapping[str, Any] | Any, *, provider: Any) -> dict[str, str]:
    """``{"type", "humanized_type"}`` as the learning MFE and the timer payload read it."""
    names = KINDS[kind_of(exam, provider=provider)]
    return {"type": names.mfe_type, "humanized_type": str(names.humanized)}
