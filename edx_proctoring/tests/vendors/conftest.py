"""Fixtures of the vendor tests: a running mock vendor, the mock_vendor backend pointed at it, its LMS principal."""

import copy

import pytest
from django.conf import settings as django_settings
from django.contrib.auth.models import Group

from edx_proctoring import runtime
from edx_proctoring.mock_vendor import LmsAuth, MockVendor
from edx_proctoring.tests.factories import UserFactory
from edx_proctoring.tests.test_services import MockInstructorService

PRINCIPAL_USERNAME = "mock-vendor-principal"
REVIEW_GROUP = "mock_vendor_review"
BACKEND_TIMEOUT = 1


@pytest.fixture
def instructor(host_services):
    """The host's instructor service, in which nobody is course staff unless a test says so."""
    service = MockInstructorService(is_user_course_staff=False)
    runtime.set_runtime_service("instructor", service)
    host_services["instructor"] = service
    return service


@pytest.fixture
def principal(transactional_db):
    """The vendor's LMS user: member of group mock_vendor_review."""
    user = UserFactory(username=PRINCIPAL_USERNAME, email="vendor@example.org")
    group, _ = Group.objects.get_or_create(name=REVIEW_GROUP)
    user.groups.add(group)
    return user


def lms_auth_for(username=PRINCIPAL_USERNAME):
    """JWTs the test LMS accepts: HS256 with its SECRET_KEY, scheme Bearer (drf-jwt's defaults)."""
    return LmsAuth(jwt_secret=django_settings.SECRET_KEY, username=username, jwt_header_prefix="Bearer")


def configure_backend(settings, vendor, **options):
    backends = copy.deepcopy(settings.PROCTORING_BACKENDS)
    backends["mock_vendor"] = {
        "base_url": vendor.url,
        "client_id": vendor.client_id,
        "client_secret": vendor.client_secret,
        "timeout": BACKEND_TIMEOUT,
        **options,
    }
    settings.PROCTORING_BACKENDS = backends


@pytest.fixture
def vendor(settings):
    """A mock vendor (callbacks held until delivered, no LMS) with the mock_vendor backend pointed at it."""
    with MockVendor(hold_callbacks=True, slow_seconds=3, callback_retries=0) as running:
        configure_backend(settings, running)
        yield running


@pytest.fixture
def live_vendor(settings, live_server, principal):
    """A mock vendor calling back the live test LMS as the vendor principal (callbacks held until delivered)."""
    with MockVendor(
        lms_url=live_server.url, lms_auth=lms_auth_for(), hold_callbacks=True, callback_retries=0
    ) as running:
        configure_backend(settings, running)
        yield running
