"""Retiring a user: at the vendors, and blanking the personal data the proctoring tables keep."""

from __future__ import annotations

from rest_framework import status
from rest_framework.response import Response

from edx_proctoring.http.base import AuthenticatedAPIView
from edx_proctoring.models.lookups import as_id
from edx_proctoring.retirement import retire_user_at_vendors, retire_user_data

RETIRE_PERMISSION = "accounts.can_retire_user"


class BackendUserManagementAPI(AuthenticatedAPIView):
    """POST …/retire_backend_user/<user_id>/: ask each vendor that proctored the user to delete them.

    Body ``{<backend>: true|false}``; 500 when any vendor failed.
    """

    def post(self, request, user_id):
        if not request.user.has_perm(RETIRE_PERMISSION):
            return Response(status=status.HTTP_403_FORBIDDEN)
        user_id = as_id(user_id)  # an id no row can have (too large) was proctored nowhere
        results = retire_user_at_vendors(user_id=user_id) if user_id is not None else {}
        failed = any(value is False for value in results.values())
        return Response(results, status=status.HTTP_500_INTERNAL_SERVER_ERROR if failed else status.HTTP_200_OK)


class UserRetirement(AuthenticatedAPIView):
    """POST …/retire_user/<user_id>/: erase the user's personal data (`edx_proctoring.retirement`); 204."""

    def post(self, request, user_id):
        if not request.user.has_perm(RETIRE_PERMISSION):
            return Response(status=status.HTTP_403_FORBIDDEN)
        user_id = as_id(user_id)
        if user_id is not None:  # an id no row can have (too large) has nothing to erase
            retire_user_data(user_id=user_id)
        return Response(status=status.HTTP_204_NO_CONTENT)
