"""Choosing a course's LTI tool (PUT lti/course_tool/<course_id>/): bad bodies are refused and change nothing."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from edx_proctoring.models import LtiCourseTool
from edx_proctoring.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

COURSE_ID = "course-v1:edX+LTI+2026"


@pytest.fixture
def staff_client():
    client = Client()
    client.force_login(UserFactory(is_staff=True))
    return client


def put(client: Client, body: str):
    url = reverse("edx_proctoring:lti_course_tool", args=[COURSE_ID])
    return client.put(url, body, content_type="application/json")


@pytest.mark.parametrize(
    "body",
    [
        pytest.param("{", id="malformed_json"),
        pytest.param("[1]", id="not_an_object"),
        pytest.param("{}", id="no_registration_id"),
        pytest.param('{"registration_id": "1"}', id="string"),
        pytest.param('{"registration_id": true}', id="boolean"),
        pytest.param('{"registration_id": 1.5}', id="fraction"),
        pytest.param('{"registration_id": 100000000000000000000000000000}', id="beyond_any_id"),
        pytest.param('{"registration_id": 99}', id="unknown_registration"),
    ],
)
def test_given_a_bad_body_when_staff_choose_the_tool_then_400_and_nothing_is_written(staff_client, body):
    response = put(staff_client, body)

    assert response.status_code == 400, response.content
    assert not LtiCourseTool.objects.exists()
