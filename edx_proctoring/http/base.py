"""Base classes of the REST views."""

from __future__ import annotations

from rest_framework.authentication import SessionAuthentication
from rest_framework.exceptions import MethodNotAllowed
from rest_framework.permissions import IsAuthenticated
from rest_framework.views import APIView

from edx_proctoring.http.errors import proctoring_error_response
from edx_proctoring.http.jwt_auth import ProctoringJwtAuthentication
from edx_proctoring.http.routes import handler_accepts


class AuthenticatedAPIView(APIView):
    """An API view for signed-in users (browser session or JWT); historically imported from `edx_proctoring.utils`."""

    # edx-drf-extensions' JwtAuthentication, refusing unsigned and never-expiring tokens whatever the host set.
    authentication_classes = (SessionAuthentication, ProctoringJwtAuthentication)
    permission_classes = (IsAuthenticated,)


class ProctoredAPIView(AuthenticatedAPIView):
    """An authenticated API view whose proctoring exceptions become ``{"detail": ...}`` with their status."""

    @property
    def allowed_methods(self):
        """The methods that serve the route this request came in on (see `edx_proctoring.http.routes`)."""
        route_kwargs = getattr(self, "kwargs", None)
        if route_kwargs is None:  # not serving a request (the schema generator lists the view's methods)
            return super().allowed_methods
        return [
            method
            for method in super().allowed_methods
            if method == "OPTIONS" or handler_accepts(getattr(self, method.lower(), None), route_kwargs)
        ]

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        handler = getattr(self, request.method.lower(), None)
        if handler is not None and request.method != "OPTIONS" and not handler_accepts(handler, kwargs):
            raise MethodNotAllowed(request.method)

    def handle_exception(self, exc):
        response = proctoring_error_response(exc)
        if response is not None:
            return response
        return super().handle_exception(exc)
