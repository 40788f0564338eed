"""The registry of exam kinds: each combination of flags and backend, and the two names 6.1.x gives it."""

from __future__ import annotations

import pytest

from edx_proctoring.exam_kinds import ExamKind, kind_of, mfe_exam_type, tracking_exam_type
from edx_proctoring.tests.factories import ProctoredExamFactory


class _Backend:
    def __init__(self, *, supports_onboarding: bool) -> None:
        self.supports_onboarding = supports_onboarding


ONBOARDS = _Backend(supports_onboarding=True)
NO_ONBOARDING = _Backend(supports_onboarding=False)


@pytest.mark.parametrize(
    ("proctored", "practice", "provider", "kind", "tracked", "mfe", "humanized"),
    [
        (False, False, None, ExamKind.TIMED, "timed", "timed", "a timed exam"),
        (True, False, ONBOARDS, ExamKind.PROCTORED, "proctored", "proctored", "a proctored exam"),
        (True, True, NO_ONBOARDING, ExamKind.PRACTICE, "practice", "practice", "a practice exam"),
        (True, True, None, ExamKind.PRACTICE, "practice", "practice", "a practice exam"),
        (True, True, ONBOARDS, ExamKind.ONBOARDING, "practice", "onboarding", "an onboarding exam"),
        # 6.1.x tracks the unproctored practice flag as timed and tells the MFE it is proctored.
        (False, True, ONBOARDS, ExamKind.UNPROCTORED_PRACTICE, "timed", "proctored", "a proctored exam"),
    ],
)
def test_given_an_exam_when_classified_then_each_output_keeps_its_61x_name(
    proctored, practice, provider, kind, tracked, mfe, humanized
):
    exam = {"is_proctored": proctored, "is_practice_exam": practice}

    assert kind_of(exam, provider=provider) is kind
    assert tracking_exam_type(exam) == tracked
    assert mfe_exam_type(exam, provider=provider) == {"type": mfe, "humanized_type": humanized}


@pytest.mark.django_db
def test_given_an_exam_row_when_classified_then_it_reads_like_its_dict():
    row = ProctoredExamFactory(is_proctored=True, is_practice_exam=True)

    assert kind_of(row, provider=ONBOARDS) is ExamKind.ONBOARDING
    assert tracking_exam_type(row) == "practice"
