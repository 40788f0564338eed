"""The OpenAPI document: served, valid, complete, and staff-only unless opened by settings."""

import pytest
from django.test import override_settings
from django.urls import reverse
from openapi_spec_validator import validate

from edx_proctoring import urls
from edx_proctoring.tests.rest.conftest import client_for

pytestmark = pytest.mark.django_db

SCHEMA_URL = "/api/edx_proctoring/v1/schema/"


def test_schema_route_name():
    assert reverse("edx_proctoring:proctored_exam.schema") == SCHEMA_URL


def test_schema_is_valid_openapi_and_lists_every_route(services):
    response = client_for().get(SCHEMA_URL, {"format": "json"})
    assert response.status_code == 200
    document = response.json()
    validate(document)
    paths = document["paths"]
    documented = {pattern.name for pattern in urls.urlpatterns if getattr(pattern, "name", None)}
    assert len(paths) >= 25
    assert "/api/edx_proctoring/v1/proctored_exam/attempt/{attempt_id}" in paths
    assert set(paths["/api/edx_proctoring/v1/proctored_exam/attempt/{attempt_id}"]) >= {"get", "put", "delete"}
    assert "proctored_exam.attempt" in documented


@override_settings(PROCTORING_OPEN_API_SCHEMA=False)
def test_schema_is_staff_only_by_default(services, learner, global_staff):
    assert client_for().get(SCHEMA_URL).status_code == 403
    assert client_for(learner).get(SCHEMA_URL).status_code == 403
    assert client_for(global_staff).get(SCHEMA_URL, {"format": "json"}).status_code == 200
