"""How the REST layer turns errors into responses.

A proctoring exception becomes ``{"detail": str(exc)}`` with the exception's own ``http_status``; bad
input (which the original often let become a 500) becomes a 4xx with a message.
"""

from __future__ import annotations

import logging

from django.core.exceptions import ValidationError as DjangoValidationError
from opaque_keys import InvalidKeyError
from rest_framework import status
from rest_framework.exceptions import APIException
from rest_framework.response import Response

from edx_proctoring.exceptions import ProctoredBaseException

log = logging.getLogger(__name__)


class BadRequest(APIException):
    """Malformed input: answered 400 ``{"detail": <message>}`` (or another 4xx given as `status_code`)."""

    status_code = status.HTTP_400_BAD_REQUEST
    default_detail = "The request is malformed."
    default_code = "bad_request"

    def __init__(self, detail=None, status_code=None, extra=None):
        super().__init__(detail)
        if status_code is not None:
            self.status_code = status_code
        self.extra = extra or {}


class NotImplementedYet(APIException):
    status_code = status.HTTP_501_NOT_IMPLEMENTED
    default_detail = "This endpoint is not available in this installation."
    default_code = "not_implemented"


def proctoring_error_response(exc):
    """The response for `exc`, or None when it is not one the proctoring layer maps itself."""
    if isinstance(exc, ProctoredBaseException):
        log.info("Proctoring request refused (%s): %s", type(exc).__name__, exc)
        return Response(status=exc.http_status, data={"detail": str(exc)})
    if isinstance(exc, BadRequest):
        return Response(status=exc.status_code, data={"detail": str(exc.detail), **exc.extra})
    if isinstance(exc, InvalidKeyError):
        return Response(status=status.HTTP_400_BAD_REQUEST, data={"detail": f"Invalid key: {exc}"})
    if isinstance(exc, DjangoValidationError):
        return Response(status=status.HTTP_400_BAD_REQUEST, data={"detail": "; ".join(exc.messages)})
    if isinstance(exc, NotImplementedError):
        # get_backend_provider raises it for an exam naming a backend that is not configured.
        log.error("Proctoring backend not configured: %s", exc)
        return Response(status=status.HTTP_500_INTERNAL_SERVER_ERROR, data={"detail": str(exc)})
    return None
