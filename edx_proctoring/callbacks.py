"""The launch callback of the PSI (software_secure) desktop application: a plain Django view, no login.

The vendor's software opens ``…/proctoring_launch_callback/start_exam/<attempt_code>``; knowing the attempt
code is what identifies the attempt. The learner is sent on to the exam with the code in a signed cookie.
Only attempts whose exam uses a PSI backend are served: any other code gets the answer of an unknown one,
and requests are counted per client address (``http/rate_limits.py``).
"""

from __future__ import annotations

from django.http import HttpResponse, HttpResponseRedirect
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from edx_proctoring.attempts.actions import Actor
from edx_proctoring.attempts.getters import get_exam_attempt_by_code
from edx_proctoring.attempts.lifecycle import perform_action
from edx_proctoring.attempts.moves import mark_exam_attempt_as_ready
from edx_proctoring.audit_trail import audited_attempt_action
from edx_proctoring.backends.callback_signing import psi_backend_name_of
from edx_proctoring.http import rate_limits
from edx_proctoring.models import ProctoredExamStudentAttempt
from edx_proctoring.statuses import RUNNING_STATUSES


def _psi_attempt_by_code(attempt_code: str) -> dict | None:
    """The attempt with this code when its exam uses a PSI backend, else None."""
    if len(attempt_code) > 255:
        return None
    # The backend is checked before the attempt is read through the selector, whose timeout check may
    # change it: an anonymous caller must not be able to act on any other backend's attempt.
    exam = (
        ProctoredExamStudentAttempt.objects.filter(attempt_code=attempt_code)
        .order_by("-created", "-id")
        .values("proctored_exam__backend")
        .first()
    )
    if exam is None or psi_backend_name_of({"backend": exam["proctored_exam__backend"]}) is None:
        return None
    return get_exam_attempt_by_code(attempt_code)


@require_GET
def start_exam_callback(request, attempt_code):
    wait = rate_limits.retry_after(request=request, scope="launch")
    if wait is not None:
        response = HttpResponse(content=_("Too many requests from this address; try again later."), status=429)
        response["Retry-After"] = str(wait)
        return response
    attempt = _psi_attempt_by_code(attempt_code)
    if attempt is None:
        return HttpResponse(content=_("You have entered an exam code that is not valid."), status=404)
    with audited_attempt_action(
        "vendor_callback.launch", attempt_id=attempt["id"], actor=request.user, reason="vendor callback: launch"
    ):
        if attempt["status"] in RUNNING_STATUSES:
            perform_action(action="submit_on_relaunch", actor=Actor.vendor, attempt_id=attempt["id"])
        else:
            # The table leaves any attempt past the ready step as it is.
            mark_exam_attempt_as_ready(attempt["id"], actor=Actor.vendor)
    exam = attempt["proctored_exam"]
    try:
        url = reverse("jump_to", args=[exam["course_id"], exam["content_id"]])
    except NoReverseMatch:
        url = ""
    response = HttpResponseRedirect(url)
    response.set_signed_cookie("exam", attempt["attempt_code"])
    return response
