"""A learner's data, exported for a subject-access request (``learner_export.export_learner_data``)."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from rest_framework import status
from rest_framework.response import Response

import edx_proctoring.rules  # noqa: F401 - registers edx_proctoring.can_export_learner_data
from edx_proctoring.http.base import ProctoredAPIView
from edx_proctoring.learner_export import export_learner_data
from edx_proctoring.models.lookups import as_id

EXPORT_PERMISSION = "edx_proctoring.can_export_learner_data"


def may_export(user) -> bool:
    """Global staff, or a user the host granted ``edx_proctoring.can_export_learner_data``."""
    return bool(user.is_staff or user.has_perm(EXPORT_PERMISSION))


class LearnerDataExport(ProctoredAPIView):
    """GET …/learner_data/<user_id>/: everything the proctoring tables hold about that learner, as JSON.

    403 for anyone else than global staff or holders of the permission (learners included: their own data
    goes to them through the host's privacy process, which calls this); 404 for a user that does not exist.
    """

    def get(self, request, user_id):
        if not may_export(request.user):
            return Response(status=status.HTTP_403_FORBIDDEN)
        user_id = as_id(user_id)
        if user_id is None or not get_user_model().objects.filter(id=user_id).exists():
            return Response(status=status.HTTP_404_NOT_FOUND, data={"detail": "No such user."})
        return Response(export_learner_data(user_id=user_id))
