"""Base classes of the REST views."""

from __future__ import annotations

from edx_proctoring.http.errors import proctoring_error_response
from edx_proctoring.utils import AuthenticatedAPIView


class ProctoredAPIView(AuthenticatedAPIView):
    """An authenticated API view whose proctoring exceptions become ``{"detail": ...}`` with their status."""

    def handle_exception(self, exc):
        response = proctoring_error_response(exc)
        if response is not None:
            return response
        return super().handle_exception(exc)
