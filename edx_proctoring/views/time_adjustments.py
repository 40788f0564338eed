"""Staff time adjustments of one attempt: GET its time state, POST an extension, a revocation, a pause or a resume."""

from __future__ import annotations

from django.utils.decorators import method_decorator
from rest_framework.response import Response

from edx_proctoring.attempts.actions import Actor
from edx_proctoring.attempts.lifecycle import adjust_attempt_time
from edx_proctoring.attempts.time_adjustments import time_state
from edx_proctoring.exceptions import StudentExamAttemptDoesNotExistsException
from edx_proctoring.http import inputs
from edx_proctoring.http.base import ProctoredAPIView
from edx_proctoring.http.errors import BadRequest
from edx_proctoring.http.permissions import require_course_or_global_staff
from edx_proctoring.models import ProctoredExamStudentAttempt
from edx_proctoring.timing import now

STAFF_KINDS = ("extension", "pause", "resume")
# Why staff adjusted the time is part of the audit trail; a few sentences at most.
MAX_REASON_LENGTH = 1000


def _check_exists(attempt_id: int) -> None:
    if not ProctoredExamStudentAttempt.objects.filter(id=attempt_id).exists():
        raise StudentExamAttemptDoesNotExistsException(f"Attempt with attempt_id={attempt_id} does not exist.")


def _staff_action(data) -> tuple[str, int]:
    """(table action, minutes) of a POST body; bad input is a 400 that says what is wrong."""
    kind = inputs.string(data, "kind", required=True, max_length=32)
    if kind not in STAFF_KINDS:
        raise BadRequest(f"Unknown kind {kind!r}; expected one of: {', '.join(STAFF_KINDS)}.")
    if kind != "extension":
        if data.get("minutes") not in (None, 0, "0", ""):
            raise BadRequest(f"A {kind} takes no minutes.")
        return kind, 0
    minutes = inputs.integer(data, "minutes", required=True, minimum=None)
    if minutes == 0:
        raise BadRequest("An extension needs a number of minutes: positive to add time, negative to take it back.")
    return ("extend" if minutes > 0 else "revoke_extension"), minutes


class AttemptTimeAdjustmentsView(ProctoredAPIView):
    """GET: the attempt's deadline, pause state, net extension and every adjustment, oldest first.

    POST {"kind": "extension"|"pause"|"resume", "minutes": int (extension; negative revokes), "reason": str
    (required for extensions and pauses), "past_due_date": bool}: adjust a running attempt and answer its
    new time state. Course staff of the attempt's course or global staff; a refused move is a 400 saying why.
    """

    @method_decorator(require_course_or_global_staff)
    def get(self, request, attempt_id):
        _check_exists(attempt_id)
        return Response(time_state(attempt_id=attempt_id, at=now()))

    @method_decorator(require_course_or_global_staff)
    def post(self, request, attempt_id):
        data = inputs.body(request)
        action, minutes = _staff_action(data)
        reason = (inputs.string(data, "reason", max_length=MAX_REASON_LENGTH) or "").strip()
        if action in ("extend", "revoke_extension", "pause") and not reason:
            raise BadRequest("Say why (the field 'reason' is required): it goes into the audit trail.")
        past_due_date = inputs.truthy_string(data, "past_due_date")
        if past_due_date and action != "extend":
            raise BadRequest("Only an extension can go past the due date.")
        _check_exists(attempt_id)
        adjust_attempt_time(
            action=action,
            actor=Actor.staff,
            attempt_id=attempt_id,
            user=request.user,
            minutes=minutes,
            reason=reason,
            past_due_date=past_due_date,
        )
        return Response(time_state(attempt_id=attempt_id, at=now()))
