"""Calls from proctoring vendors: attempt ready, review results (REST spec and the anonymous PSI form)."""

from __future__ import annotations

import importlib
import logging
from collections.abc import Mapping

import rules
from django.http.response import HttpResponseBase
from rest_framework import status
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.response import Response
from rest_framework.views import APIView

import edx_proctoring.rules  # noqa: F401 - registers edx_proctoring.can_review_attempt
from edx_proctoring.attempts.actions import Actor
from edx_proctoring.attempts.getters import get_exam_attempt_by_external_id, locate_attempt_by_attempt_code
from edx_proctoring.attempts.moves import mark_exam_attempt_as_ready
from edx_proctoring.attempts.serialization import serialize_attempt
from edx_proctoring.audit_trail import audited_attempt_action
from edx_proctoring.backends import get_backend_provider
from edx_proctoring.backends.callback_signing import (
    NOT_AUTHENTICATED,
    CallbackNotAuthenticated,
    authenticate_psi_callback,
    exam_backend_name,
    psi_backend_names,
)
from edx_proctoring.http import rate_limits
from edx_proctoring.http.base import ProctoredAPIView
from edx_proctoring.http.errors import BadRequest, proctoring_error_response
from edx_proctoring.models import ProctoredExamSoftwareSecureReview
from edx_proctoring.vendor_calls import logged_callback, note_callback_attempt

log = logging.getLogger(__name__)

REVIEW_PERMISSION = "edx_proctoring.can_review_attempt"
INVALID_CODE_MESSAGE = "You have entered an exam code that is not valid."
NOT_A_PSI_ATTEMPT_MESSAGE = "This exam code does not belong to an exam reviewed through this callback."


def may_review(user, attempt: dict) -> bool:
    """Global staff, or the vendor principal of the attempt's own backend (group ``<backend>_review``)."""
    return user.has_perm(REVIEW_PERMISSION, attempt) or rules.has_perm(REVIEW_PERMISSION, user, attempt)


def _reviews_module():
    """`edx_proctoring.reviews`, or None while that module is not installed."""
    try:
        return importlib.import_module("edx_proctoring.reviews")
    except ImportError as exc:
        if getattr(exc, "name", None) not in ("edx_proctoring.reviews",):
            raise
        return None


def review_response(*, result) -> HttpResponseBase:
    """The HTTP answer to a review: "OK", or 412 with the reason it was refused."""
    if isinstance(result, HttpResponseBase):  # a replacement reviews module may answer for itself
        return result
    if result is not None and not result.accepted:
        return Response(result.detail, status=status.HTTP_412_PRECONDITION_FAILED)
    return Response(data="OK")


class BaseReviewCallback:
    """Hands a vendor's review to the reviews domain and answers with its outcome."""

    def make_review(self, attempt, data, backend=None, audit_details=None):
        """Store and apply a review of `attempt` (a serialized attempt dict); ``Response("OK")``, or 412.

        Callable without a request, as 6.1.x's is (vendor plugins and host tests call it on an instance
        they built): the review is then recorded on nobody's behalf, so its ``reviewed_by`` is not believed
        and no suspicious-review escalation (which needs the request's host for its link) is sent.
        """
        reviews = _reviews_module()
        make_review = getattr(reviews, "make_review", None)
        if make_review is None:
            return Response(
                status=status.HTTP_501_NOT_IMPLEMENTED,
                data={"detail": "Review processing is not available in this installation."},
            )
        request = getattr(self, "request", None)
        attempt_code = attempt["attempt_code"]
        with audited_attempt_action(
            "vendor_callback.review",
            attempt_id=attempt["id"],
            actor=getattr(request, "user", None),
            reason="review callback" if request is not None else "review (no request)",
        ) as details:
            review_before = _review_state(attempt_code)
            response = review_response(result=make_review(attempt=attempt, data=data, backend=backend, request=request))
            review_after = _review_state(attempt_code)
            details.update(
                **(audit_details or {}),
                backend=attempt["proctored_exam"].get("backend"),
                review_status=(review_after or {}).get("review_status"),
                review_changed=review_before != review_after,
                archived=bool(attempt.get("is_archived")),
                http_status=response.status_code,
            )
        return response


def _review_state(attempt_code) -> dict | None:
    return (
        ProctoredExamSoftwareSecureReview.objects.filter(attempt_code=attempt_code)
        .values("review_status", "modified", "reviewed_by_id")
        .first()
    )


class ExamReadyCallback(ProctoredAPIView):
    """POST …/attempt/<external_id>/ready: the vendor says the learner may start.

    Only global staff or the vendor principal of the attempt's backend may call it (the original let any
    signed-in user who knew the external id).
    """

    @logged_callback("callback.ready")
    def post(self, request, external_id):
        attempt = get_exam_attempt_by_external_id(external_id)
        if attempt is None:
            return Response(status=status.HTTP_404_NOT_FOUND, data=INVALID_CODE_MESSAGE)
        note_callback_attempt(request, attempt=attempt)
        if not may_review(request.user, attempt):
            return Response(status=status.HTTP_403_FORBIDDEN)
        with audited_attempt_action(
            "vendor_callback.ready", attempt_id=attempt["id"], actor=request.user, reason="vendor callback: ready"
        ):
            # An attempt already past the ready step is left as it is (the table ignores the call): still "OK".
            mark_exam_attempt_as_ready(attempt["id"], actor=Actor.vendor)
        return Response(data="OK")


class ProctoredExamReviewCallback(ProctoredAPIView, BaseReviewCallback):
    """POST …/attempt/<external_id>/reviewed: a REST-spec vendor's review of an attempt."""

    @logged_callback("callback.reviewed")
    def post(self, request, external_id):
        if not isinstance(request.data, Mapping):
            raise BadRequest("The review must be a JSON object.")
        attempt = get_exam_attempt_by_external_id(external_id)
        if attempt is None:
            raise BadRequest(f"No attempt has the external id {external_id}.")
        note_callback_attempt(request, attempt=attempt)
        if not may_review(request.user, attempt):
            return Response(status=status.HTTP_403_FORBIDDEN)
        backend = get_backend_provider(attempt["proctored_exam"])
        return self.make_review(attempt, request.data, backend=backend)


class IgnoreClientContentNegotiation(BaseContentNegotiation):
    """Always the first parser and renderer: PSI sends whatever content type it likes."""

    def select_parser(self, request, parsers):
        return parsers[0]

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


class AnonymousReviewCallback(BaseReviewCallback, APIView):
    """POST …/proctoring_review_callback/: the PSI review, located by its exam code.

    No signed-in principal: PSI proves who it is with the token of its configured callback URL or an
    HMAC signature (``backends/callback_signing.py``), and may review only attempts whose exam uses the
    PSI backend name it authenticated as. The learner knows their attempt code, so the code alone must
    never be enough. Requests are counted per client address (``http/rate_limits.py``).
    """

    content_negotiation_class = IgnoreClientContentNegotiation

    def handle_exception(self, exc):
        response = proctoring_error_response(exc)
        return response if response is not None else super().handle_exception(exc)

    @logged_callback("callback.psi_review")
    def post(self, request):
        wait = rate_limits.retry_after(request=request, scope="review")
        if wait is not None:
            return too_many_requests(wait)
        # Before request.data: the signature covers the raw body, and nobody unauthenticated gets to learn
        # from our answers whether an exam code exists.
        authentication = authenticate_psi_callback(request=request)
        data = request.data
        meta = data.get("examMetaData") if isinstance(data, Mapping) else None
        attempt_code = meta.get("examCode") if isinstance(meta, Mapping) else None
        if not isinstance(attempt_code, str) or not attempt_code or len(attempt_code) > 255:
            raise BadRequest("The review has no examMetaData.examCode.")
        attempt_obj, is_archived = locate_attempt_by_attempt_code(attempt_code)
        if attempt_obj is None:
            raise BadRequest(INVALID_CODE_MESSAGE)
        attempt = serialize_attempt(attempt_obj)
        attempt["is_archived"] = is_archived
        note_callback_attempt(request, attempt=attempt)
        backend_name = exam_backend_name(attempt["proctored_exam"])
        if backend_name not in psi_backend_names():
            raise BadRequest(NOT_A_PSI_ATTEMPT_MESSAGE)
        if backend_name not in authentication.backend_names:
            raise CallbackNotAuthenticated("The callback is not authenticated for the exam of this exam code.")
        if authentication.method == NOT_AUTHENTICATED:
            log.warning(
                "Accepting an unauthenticated PSI review of attempt %s: backend %s opted out of callback "
                "authentication (allow_unauthenticated_callbacks)",
                attempt["id"],
                backend_name,
            )
        backend = get_backend_provider(name=backend_name)
        return self.make_review(attempt, data, backend=backend, audit_details={"authentication": authentication.method})


def too_many_requests(retry_after: int) -> Response:
    """429 with the seconds to wait, for a client over the anonymous callback rate."""
    response = Response(
        status=status.HTTP_429_TOO_MANY_REQUESTS, data={"detail": rate_limits.TOO_MANY_REQUESTS_MESSAGE}
    )
    response["Retry-After"] = str(retry_after)
    return response
