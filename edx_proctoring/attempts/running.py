"""One running exam per learner in a course.

6.1.x let a learner start an exam while another exam of the same course was running; the timer then
followed whichever attempt was created last (``get_active_exams_for_user`` lists them newest first), so
the bar could name, and end, an exam that was not on screen. A learner expects one exam at a time, so
a learner's start (the REST routes their browser calls) is refused while another exam of the course is
``started`` or ``ready_to_submit`` (a guard of the learner's ``start`` row in the actions table, fed with
what this module finds), and the entrance pages do not offer it. The host's Python API
(``start_exam_attempt``) keeps 6.1.x's behaviour, and exams of different courses never block each other.
"""

from __future__ import annotations

from edx_proctoring.attempts.actions import IN_PROGRESS
from edx_proctoring.attempts.expiry import expire_if_overdue
from edx_proctoring.attempts.serialization import attempt_rows, serialize_attempt
from edx_proctoring.models.lookups import as_id


def other_running_attempt(*, user_id: int, course_id: str, exam_id: int) -> dict | None:
    """The learner's attempt running on another exam of the course, or None.

    An attempt whose time ran out is submitted first (as a timer poll would), so an exam the learner
    abandoned does not block the next one once its clock has run out.
    """
    rows = (
        attempt_rows()
        .filter(user_id=as_id(user_id), status__in=IN_PROGRESS, proctored_exam__course_id=str(course_id))
        .exclude(proctored_exam_id=as_id(exam_id))
        .order_by("-created", "-id")
    )
    for row in rows:
        attempt = expire_if_overdue(serialize_attempt(row))
        if attempt["status"] in IN_PROGRESS:
            return attempt
    return None
