"""HTTP of the LTI Assessment Control Service and its course settings (domain: `edx_proctoring.lti.control`,
`edx_proctoring.lti.token`).

* ``POST lti/token/``: OAuth 2 client credentials with a JWT client assertion (form-encoded, RFC 6749 §4.4,
  RFC 7523); answers ``{access_token, token_type, expires_in, scope}`` or an OAuth 2 error object.
* ``POST lti/acs/``: ``Authorization: Bearer <token>``, body and answer of the media type
  ``application/vnd.ims.lti-ap.v1.control+json``.
* ``GET|PUT lti/course_tool/<course_id>/``: the course's tool registration (course or global staff).
* ``GET lti/attempt/<attempt_id>/incidents/``: the control events of an attempt (course or global staff).

The first two are server-to-server calls of a tool, authenticated by what they carry, not by a session:
no CSRF token, no session cookie.
"""

from __future__ import annotations

import json

from django.http import HttpResponse, JsonResponse
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from rest_framework.response import Response

from edx_proctoring.exceptions import StudentExamAttemptDoesNotExistsException
from edx_proctoring.http.base import ProctoredAPIView
from edx_proctoring.http.errors import BadRequest
from edx_proctoring.http.permissions import require_course_or_global_staff
from edx_proctoring.lti import control as acs
from edx_proctoring.lti.token import TokenError, issue_token, registration_for
from edx_proctoring.models import LtiCourseTool, LtiToolRegistration, ProctoredExamStudentAttempt

# A control request is a few hundred bytes; anything much bigger is not one.
MAX_CONTROL_BODY = 64 * 1024
NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}


def _oauth_error(exc: TokenError) -> JsonResponse:
    response = JsonResponse({"error": exc.error, "error_description": exc.description}, status=exc.http_status)
    for name, value in NO_STORE.items():
        response[name] = value
    if exc.retry_after is not None:
        response["Retry-After"] = str(exc.retry_after)
    if exc.http_status == 401 and exc.error in ("invalid_token", "insufficient_scope"):
        response["WWW-Authenticate"] = f'Bearer error="{exc.error}"'
    return response


@csrf_exempt
@require_POST
def token(request):
    """The control service's token endpoint."""
    token_url = request.build_absolute_uri(reverse("edx_proctoring:lti_token"))
    try:
        answer = issue_token(form=request.POST, token_url=token_url)
    except TokenError as exc:
        return _oauth_error(exc)
    response = JsonResponse(answer)
    for name, value in NO_STORE.items():
        response[name] = value
    return response


def _media_type(request) -> str:
    return (request.content_type or "").split(";")[0].strip().lower()


@csrf_exempt
@require_POST
def assessment_control(request):
    """One Assessment Control Service request of a tool."""
    try:
        registration = registration_for(authorization=request.headers.get("Authorization"))
    except TokenError as exc:
        return _oauth_error(exc)
    if _media_type(request) != acs.MEDIA_TYPE:
        return JsonResponse({"detail": f"Send the request as {acs.MEDIA_TYPE}."}, status=415)
    if len(request.body) > MAX_CONTROL_BODY:
        return JsonResponse({"detail": "The request body is too large."}, status=413)
    try:
        body = json.loads(request.body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        # RecursionError: nesting deeper than the decoder's stack, well within the size limit.
        return JsonResponse({"detail": "The body is not JSON."}, status=400)
    try:
        answer = acs.control(registration=registration, body=body)
    except acs.ControlError as exc:
        return JsonResponse({"detail": str(exc)}, status=exc.http_status)
    return HttpResponse(json.dumps(answer), content_type=acs.MEDIA_TYPE)


def _registration_json(registration: LtiToolRegistration | None) -> dict | None:
    if registration is None:
        return None
    return {"id": registration.id, "name": registration.name, "client_id": registration.client_id}


class LtiCourseToolView(ProctoredAPIView):
    """GET: the course's LTI proctoring tool and the active registrations to choose from.

    PUT {"registration_id": int | null}: choose the course's tool (null: none). Course or global staff.
    """

    def _answer(self, course_id: str) -> Response:
        chosen = LtiCourseTool.objects.select_related("registration").filter(course_id=course_id).first()
        choices = LtiToolRegistration.objects.filter(active=True).order_by("name", "id")
        return Response(
            {
                "course_id": course_id,
                "registration": _registration_json(chosen.registration if chosen else None),
                "registrations": [_registration_json(registration) for registration in choices],
            }
        )

    @method_decorator(require_course_or_global_staff)
    def get(self, request, course_id):
        return self._answer(course_id)

    @method_decorator(require_course_or_global_staff)
    def put(self, request, course_id):
        data = request.data if isinstance(request.data, dict) else {}
        if "registration_id" not in data:
            raise BadRequest("Name the tool: 'registration_id' (null for none).")
        registration_id = data["registration_id"]
        if registration_id is None:
            LtiCourseTool.objects.filter(course_id=course_id).delete()
            return self._answer(course_id)
        if isinstance(registration_id, bool) or not isinstance(registration_id, int):
            raise BadRequest("'registration_id' must be an integer or null.")
        registration = LtiToolRegistration.objects.filter(id=registration_id, active=True).first()
        if registration is None:
            raise BadRequest(f"There is no active LTI tool registration {registration_id}.")
        LtiCourseTool.objects.update_or_create(course_id=course_id, defaults={"registration": registration})
        return self._answer(course_id)


class LtiAttemptIncidentsView(ProctoredAPIView):
    """GET: what the attempt's LTI tool reported about it (flags, pauses, extensions, terminations)."""

    @method_decorator(require_course_or_global_staff)
    def get(self, request, attempt_id):
        if not ProctoredExamStudentAttempt.objects.filter(id=attempt_id).exists():
            raise StudentExamAttemptDoesNotExistsException(f"Attempt with attempt_id={attempt_id} does not exist.")
        return Response({"attempt_id": attempt_id, "events": acs.incidents(attempt_id=attempt_id)})
