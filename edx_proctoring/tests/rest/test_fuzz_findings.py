"""Regressions for what the schemathesis run (make fuzz) found: each was a 500 or a schema violation."""

import pytest

from edx_proctoring.models.lookups import as_id
from edx_proctoring.tests.factories import AttemptFactory
from edx_proctoring.tests.rest.conftest import client_for

pytestmark = pytest.mark.django_db

API = "/api/edx_proctoring/v1/proctored_exam/"
SCHEMA_URL = "/api/edx_proctoring/v1/schema/"


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("put", "course-v1:edX+Proctoring+2026/allowance"),
        ("delete", "course-v1:edX+Proctoring+2026/allowance"),
        ("get", "allowance"),
        ("post", "exam/course_id/course-v1:edX+Proctoring+2026"),
        ("put", "exam/exam_id/1"),
        ("post", "exam/course_id/course-v1:edX+Proctoring+2026/content_id/abc"),
    ],
)
def test_method_on_a_route_it_does_not_serve_is_405(services, global_staff, method, path):
    response = getattr(client_for(global_staff), method)(API + path, {}, format="json")
    assert response.status_code == 405
    assert method.upper() not in response["Allow"]


def test_allow_header_lists_the_routes_methods(services, global_staff):
    response = client_for(global_staff).get(API + "allowance")
    assert response.status_code == 405
    assert set(response["Allow"].replace(" ", "").split(",")) == {"PUT", "DELETE", "OPTIONS"}


def test_schema_leaves_out_methods_a_route_does_not_serve(services):
    paths = client_for().get(SCHEMA_URL, {"format": "json"}).json()["paths"]
    assert set(paths[API + "{course_id}/allowance"]) == {"get"}
    assert set(paths[API + "allowance"]) == {"put", "delete"}
    assert set(paths[API + "exam/exam_id/{exam_id}"]) == {"get"}
    assert set(paths[API + "exam"]) >= {"post", "put"}


def test_nullable_columns_are_nullable_in_the_schema(services):
    schemas = client_for().get(SCHEMA_URL, {"format": "json"}).json()["components"]["schemas"]
    assert schemas["ProctoredExam"]["properties"]["due_date"]["nullable"] is True
    for component in ("ProctoredExamStudentAttempt", "AttemptWithRemainingTime", "GroupedAttempt"):
        assert schemas[component]["properties"]["started_at"]["nullable"] is True
    assert "required" not in schemas["TimerPayloadOrNone"]


def test_huge_ids_are_not_found_not_500(services, exam, learner, global_staff):
    AttemptFactory(proctored_exam=exam, user=learner)
    url = f"{API}exam_id/{exam.id}/user_id/010000000000000000000/reset_attempts"
    assert client_for(global_staff).delete(url).status_code == 404
    assert as_id(2**63) is None and as_id(str(2**70)) is None and as_id(2**63 - 1) == 2**63 - 1


@pytest.mark.parametrize("route", ["retire_user", "retire_backend_user"])
def test_retirement_of_an_impossible_user_id_is_not_500(services, global_staff, route):
    response = client_for(global_staff).post(f"/api/edx_proctoring/v1/{route}/010000000000000000000/")
    assert response.status_code in (200, 204, 403)
