"""Declining proctoring on one exam declines it on the learner's other proctored exams of the course.

The effect `effects.decline_other_proctored_exams` runs this step inside the decline's transaction, after
the declined attempt stopped being proctored. It sits above the lifecycle because it re-enters it: each
other exam's current attempt is read through the getters (so one whose time ran out is timed out first and
then left alone, being completed), an exam the learner never opened gets an attempt created for the
purpose, and every incomplete one is declined by the system without cascading again.
"""

from __future__ import annotations

from edx_proctoring.attempts import effects
from edx_proctoring.attempts.actions import Actor
from edx_proctoring.attempts.context import TransitionContext
from edx_proctoring.attempts.creation import create_attempt
from edx_proctoring.attempts.getters import get_current_exam_attempt
from edx_proctoring.attempts.lifecycle import perform_action
from edx_proctoring.models import ProctoredExam
from edx_proctoring.statuses import ProctoredExamStudentAttemptStatus as Status


def decline_other_proctored_exams(context: TransitionContext) -> None:
    """Decline every other active proctored exam of the course for the learner, unless already completed."""
    user_id = context.attempt.user_id
    other_exams = ProctoredExam.get_all_exams_for_course(
        context.exam["course_id"], active_only=True, proctored_exams_only=True
    ).exclude(content_id=context.exam["content_id"])
    for other_exam in other_exams:
        current = get_current_exam_attempt(other_exam.id, user_id)
        if current and Status.is_completed_status(current["status"]):
            continue
        other_attempt_id = (
            current["id"] if current else create_attempt(exam_id=other_exam.id, user_id=user_id, actor=Actor.system)
        )
        perform_action(action="decline", actor=Actor.system, attempt_id=other_attempt_id, cascade_effects=False)


effects.set_decline_cascade(step=decline_other_proctored_exams)
