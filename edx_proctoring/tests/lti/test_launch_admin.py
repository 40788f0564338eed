"""The LTI pages of the Django admin: registrations and course tools are edited there, the rest is read-only."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.urls import include, path, reverse

from edx_proctoring.models import LtiControlEvent, LtiToolRegistration, ProctoringAuditEntry
from edx_proctoring.tests.factories import UserFactory
from edx_proctoring.tests.lti.conftest import launched_attempt

# This module is its own URLconf: the package's routes plus the admin.
urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/", include(("edx_proctoring.urls", "edx_proctoring"), namespace="edx_proctoring")),
]

pytestmark = [pytest.mark.django_db, pytest.mark.urls(__name__)]

MODELS = ("ltitoolregistration", "lticoursetool", "ltilaunch", "lticontrolevent", "ltiplatformkey")


@pytest.fixture
def admin_client(client):
    client.force_login(UserFactory(username="admin", is_staff=True, is_superuser=True))
    return client


@pytest.mark.parametrize("model", MODELS)
def test_given_lti_rows_when_a_superuser_lists_them_then_the_page_opens(admin_client, registration, model):
    attempt, _launch = launched_attempt(registration=registration)
    LtiControlEvent.objects.create(
        registration=registration, attempt=attempt, action="flag", incident_time="2026-01-01T10:00:00Z"
    )

    response = admin_client.get(reverse(f"admin:edx_proctoring_{model}_changelist"))

    assert response.status_code == 200


def test_given_a_registration_when_staff_relax_its_redirect_uri_match_then_the_change_is_audited(
    admin_client, registration
):
    url = reverse("admin:edx_proctoring_ltitoolregistration_change", args=[registration.pk])
    form = admin_client.get(url).context["adminform"].form
    data = {name: form[name].value() for name in form.fields}
    data = {name: value for name, value in data.items() if value is not None}
    for name in ("redirect_uris", "identity_claims", "allowed_actions", "reason_code_mapping", "tool_public_jwk"):
        data[name] = form[name].value()
    data["allow_redirect_uri_prefix"] = "on"

    response = admin_client.post(url, data)

    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    registration.refresh_from_db()
    assert registration.allow_redirect_uri_prefix is True
    entry = ProctoringAuditEntry.objects.get(action="lti_redirect_uri_prefix_changed")
    assert entry.details == {
        "registration_id": registration.pk,
        "client_id": registration.client_id,
        "allow_redirect_uri_prefix": True,
    }
    assert LtiToolRegistration.objects.count() == 1
