"""The LTI launch routes (thin: the checks live in ``edx_proctoring.lti``): login initiation, the OIDC auth
endpoint, LtiStartAssessment and the platform's public key set.

Every refusal is an HTML page with a support reference, the same reference in an audit entry, and no change
to the attempt; except that an auth request whose client_id and redirect_uri check out is answered at that
redirect URI with an OIDC error response (the reference in its ``error_description``), as OIDC asks.

The tool's LtiStartAssessment arrives as a cross-site form POST, so it is CSRF-exempt (the signed JWT, the
single-use session data and the session user are its protection) and the session cookie is re-issued
``SameSite=None; Secure`` on the way out to the tool, or the browser would not send it back.
"""

from __future__ import annotations

import logging
import uuid

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import get_language
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from edx_proctoring import config
from edx_proctoring.exams import get_exam_url
from edx_proctoring.exceptions import ProctoredBaseException
from edx_proctoring.lti.claims import LtiCheckFailed
from edx_proctoring.lti.keys import platform_jwks
from edx_proctoring.lti.launch import END, START, OidcErrorResponse, RequestInfo, authorize, begin_login
from edx_proctoring.lti.start_assessment import start_assessment
from edx_proctoring.models import ProctoredExamStudentAttempt, ProctoringAuditEntry

log = logging.getLogger(__name__)

ERROR_TEMPLATE = "lti/error.html"
FORM_POST_TEMPLATE = "lti/form_post.html"


def _exam_url(*, request: HttpRequest, attempt: ProctoredExamStudentAttempt | None) -> str:
    if attempt is None:
        return ""
    exam = attempt.proctored_exam
    url = get_exam_url(exam.course_id, exam.content_id, False)
    return request.build_absolute_uri(url) if url else ""


def _audit_refusal(*, request: HttpRequest, error: LtiCheckFailed, action: str, attempt_id: int | None) -> str:
    """Record the refusal; its support reference."""
    reference = uuid.uuid4().hex[:12].upper()
    user = getattr(request, "user", None)
    user = user if user is not None and user.is_authenticated else None
    ProctoringAuditEntry.objects.create(
        actor=user,
        action=action,
        attempt_id=attempt_id,
        target_user_id=user.pk if user else None,
        details={"code": error.code, "message": error.message, "reference": reference},
    )
    log.warning("%s (%s, support reference %s): %s", action, error.code, reference, error.message)
    return reference


def _refuse(
    *, request: HttpRequest, error: LtiCheckFailed, action: str, attempt_id: int | None = None, return_url: str = ""
) -> HttpResponse:
    reference = _audit_refusal(request=request, error=error, action=action, attempt_id=attempt_id)
    response = render(
        request,
        ERROR_TEMPLATE,
        {"code": error.code, "reference": reference, "return_url": return_url},
        status=error.http_status,
    )
    response["Cache-Control"] = "no-store"
    return response


def _cross_site_session_cookie(*, request: HttpRequest, response: HttpResponse) -> HttpResponse:
    """Re-issue the session cookie so the browser sends it with the tool's cross-site POST back to us."""
    session = getattr(request, "session", None)
    key = getattr(session, "session_key", None)
    if not key:
        return response
    max_age = None if session.get_expire_at_browser_close() else session.get_expiry_age()
    cookie = config.session_cookie()
    set_cookie = response.set_cookie

    def set_cross_site_cookie(name, value="", **kwargs):
        # SessionMiddleware sets the session cookie again after the view when the session is saved (always,
        # under SESSION_SAVE_EVERY_REQUEST), with the host's SameSite: it must not undo this one.
        if name == cookie["name"]:
            kwargs.update(secure=True, samesite="None")
        return set_cookie(name, value, **kwargs)

    response.set_cookie = set_cross_site_cookie
    response.set_cookie(
        cookie["name"],
        key,
        max_age=max_age,
        domain=cookie["domain"],
        path=cookie["path"],
        httponly=cookie["httponly"],
    )
    return response


@never_cache
@require_GET
def lti_start(request: HttpRequest, attempt_id: int) -> HttpResponse:
    """The learner's launch of their attempt: redirect to the tool's OIDC login initiation (``?message=end``
    sends the LtiEndAssessment the tool asked for)."""
    message = END if request.GET.get("message") == END else START
    action = "lti_launch_refused" if message == START else "lti_end_assessment_refused"
    if not request.user.is_authenticated:
        error = LtiCheckFailed(code="login_required", message="Sign in to the course first.", http_status=401)
        return _refuse(request=request, error=error, action=action, attempt_id=attempt_id)
    try:
        initiation = begin_login(attempt_id=attempt_id, user=request.user, message=message)
    except LtiCheckFailed as error:
        attempt = ProctoredExamStudentAttempt.objects.filter(id=attempt_id, user_id=request.user.pk).first()
        return _refuse(
            request=request,
            error=error,
            action=action,
            attempt_id=attempt_id,
            return_url=_exam_url(request=request, attempt=attempt),
        )
    return _cross_site_session_cookie(request=request, response=HttpResponseRedirect(initiation.url))


@never_cache
@csrf_exempt
@require_http_methods(["GET", "POST"])
def lti_authorize(request: HttpRequest) -> HttpResponse:
    """The OIDC authorization endpoint: the tool's auth request in, an auto-submitting form with our id_token out."""
    params = request.POST if request.method == "POST" else request.GET

    def info_for(attempt: ProctoredExamStudentAttempt) -> RequestInfo:
        return RequestInfo(
            start_assessment_url=request.build_absolute_uri(reverse("edx_proctoring:lti_start_assessment")),
            acs_url=request.build_absolute_uri(reverse("edx_proctoring:lti_acs")),
            return_url=_exam_url(request=request, attempt=attempt),
            locale=get_language() or "",
        )

    try:
        answer = authorize(params=params, user=getattr(request, "user", None), info_for=info_for)
    except OidcErrorResponse as error:
        reference = _audit_refusal(request=request, error=error, action="lti_authorize_refused", attempt_id=None)
        fields = error.fields(reference=reference)
        response = render(request, FORM_POST_TEMPLATE, {"action": error.redirect_uri, "fields": fields})
        response["Cache-Control"] = "no-store"
        return response
    except LtiCheckFailed as error:
        return _refuse(request=request, error=error, action="lti_authorize_refused")
    response = render(
        request,
        FORM_POST_TEMPLATE,
        {"action": answer.redirect_uri, "fields": [("id_token", answer.id_token), ("state", answer.state)]},
    )
    response["Cache-Control"] = "no-store"
    return _cross_site_session_cookie(request=request, response=response)


@never_cache
@csrf_exempt
@require_POST
def lti_start_assessment(request: HttpRequest) -> HttpResponse:
    """The tool's LtiStartAssessment (form field ``JWT``): checked, then the learner goes to the exam."""
    try:
        started = start_assessment(token=request.POST.get("JWT", ""), user=getattr(request, "user", None))
    except LtiCheckFailed as error:
        return _refuse(request=request, error=error, action="lti_start_assessment_refused")
    except ProctoredBaseException as exc:
        # The actions table refused the start (another exam of the course running, ...): nothing changed.
        error = LtiCheckFailed(code="start_refused", message=str(exc), http_status=409)
        return _refuse(request=request, error=error, action="lti_start_assessment_refused")
    attempt = ProctoredExamStudentAttempt.objects.select_related("proctored_exam").get(id=started.attempt_id)
    ProctoringAuditEntry.objects.create(
        actor=request.user,
        action="lti_start_assessment",
        attempt_id=attempt.id,
        exam_id=attempt.proctored_exam_id,
        target_user_id=attempt.user_id,
        details={
            "registration_id": started.launch.registration_id,
            "attempt_number": started.launch.attempt_number,
            "end_assessment_return": started.launch.end_assessment_return,
            "status": started.status,
        },
    )
    return HttpResponseRedirect(_exam_url(request=request, attempt=attempt) or "/")


@require_GET
def lti_jwks(request: HttpRequest) -> JsonResponse:
    """This platform's public keys (public: tools fetch them to verify our id_tokens)."""
    response = JsonResponse(platform_jwks())
    response["Cache-Control"] = "public, max-age=300"
    return response
