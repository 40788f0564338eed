"""What a learner's browser asks of their attempt beyond one move of the actions table: begin an exam (create
the attempt, then decline proctoring or start the clock), and report that the proctoring software failed.
"""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext_lazy
from waffle import switch_is_active

from edx_proctoring.attempts.actions import Actor
from edx_proctoring.attempts.creation import create_attempt
from edx_proctoring.attempts.lifecycle import perform_action
from edx_proctoring.attempts.moves import start_attempt, update_exam_attempt
from edx_proctoring.constants import PING_FAILURE_PASSTHROUGH_TEMPLATE
from edx_proctoring.exams import get_exam_by_id
from edx_proctoring.exceptions import ProctoredExamPermissionDenied
from edx_proctoring.statuses import ProctoredExamStudentAttemptStatus as Status
from edx_proctoring.timing import get_time_remaining_for_attempt, is_exam_passed_due


class ExamPastDue(ProctoredExamPermissionDenied):
    """The learner's due date for the (non-practice) exam has passed: it can no longer be begun (HTTP 403)."""

    default_message = gettext_lazy("The exam is past its due date; it can no longer be started.")


def begin_exam(*, exam_id: int, user, taking_as_proctored: bool, start_clock: bool) -> int:
    """Create the learner's attempt at the exam and return its id.

    A proctored exam taken without proctoring is declined at once; otherwise the clock starts when
    `start_clock` asks for it. One transaction: a refused start leaves no attempt behind. Raises `ExamPastDue`
    for a non-practice exam past the learner's due date.
    """
    exam = get_exam_by_id(exam_id)
    if not exam["is_practice_exam"] and is_exam_passed_due(exam, user):
        raise ExamPastDue()
    with transaction.atomic():
        attempt_id = create_attempt(
            exam_id=exam_id, user_id=user.id, taking_as_proctored=taking_as_proctored, actor=Actor.learner
        )
        if exam["is_proctored"] and not taking_as_proctored:
            perform_action(action="decline", actor=Actor.learner, attempt_id=attempt_id)
        elif start_clock:
            start_attempt(exam_id=exam_id, user_id=user.id, actor=Actor.learner)
    return attempt_id


def report_proctoring_error(*, attempt: dict) -> int | bool:
    """The learner's browser says the proctoring software failed: the attempt goes to ``error``.

    The time left is saved first, so staff can let the learner resume with it. Nothing changes (False) for a
    submitted attempt, or when the backend's ping-failure passthrough switch is on (its vendor decides).
    """
    attempt_id = attempt["id"]
    backend_name = attempt["proctored_exam"]["backend"]
    passthrough = bool(backend_name) and switch_is_active(PING_FAILURE_PASSTHROUGH_TEMPLATE.format(backend_name))
    if passthrough or attempt["status"] == Status.submitted:
        return False
    with transaction.atomic():
        update_exam_attempt(attempt_id, time_remaining_seconds=int(get_time_remaining_for_attempt(attempt)))
        return perform_action(action="error", actor=Actor.learner, attempt_id=attempt_id)
