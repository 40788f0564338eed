"""The vendor call log: every call both ways, with nothing sensitive in it, and the health figures."""

from datetime import timedelta

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from edx_proctoring.backends import get_backend_provider
from edx_proctoring.models import ProctoringVendorCall
from edx_proctoring.statuses import ProctoredExamStudentAttemptStatus as Status
from edx_proctoring.tests.factories import AttemptFactory, ProctoredExamFactory
from edx_proctoring.timing import now
from edx_proctoring.vendor_calls import slowest_calls, vendor_health

pytestmark = pytest.mark.django_db


def logged_text():
    return repr(list(ProctoringVendorCall.objects.values()))


def test_a_call_to_the_vendor_is_logged_without_its_url_token_or_body(vendor, host_services):
    exam = ProctoredExamFactory(backend="mock_vendor", external_id="vendor-exam")
    attempt = AttemptFactory(proctored_exam=exam, external_id="vendor-attempt-1", status=Status.started)
    backend = get_backend_provider(name="mock_vendor")

    backend.stop_exam_attempt(exam.external_id, attempt.external_id)
    url = backend.get_instructor_url(exam.course_id, {"id": 1}, exam_id=exam.external_id)

    [call] = ProctoringVendorCall.objects.all()
    assert (call.backend, call.direction, call.operation, call.attempt_id) == (
        "mock_vendor",
        "out",
        "PATCH attempt",
        attempt.id,
    )
    assert (call.outcome, call.http_status, call.error) == ("refused", 404, "HTTP 404")  # the vendor does not know it
    text = logged_text()
    for secret in (attempt.attempt_code, vendor.client_secret, url.split("jwt=")[1], "http://"):
        assert secret not in text


def test_an_unreachable_vendor_is_logged_by_the_kind_of_failure(vendor, host_services):
    vendor.set_fault("slow", scope="config")
    backend = get_backend_provider(name="mock_vendor")

    assert backend.get_proctoring_config() == {}

    [call] = ProctoringVendorCall.objects.all()
    assert (call.operation, call.outcome, call.http_status) == ("GET config", "failed", None)
    assert call.error in ("ReadTimeout", "Timeout", "ConnectionError") and call.latency_ms >= 900


def test_a_callback_is_logged_with_the_answer_it_got(vendor, principal, host_services):
    exam = ProctoredExamFactory(backend="mock_vendor")
    attempt = AttemptFactory(proctored_exam=exam, external_id="ext-cb", status=Status.created)
    client = APIClient()
    client.force_authenticate(principal)

    client.post(reverse("edx_proctoring:proctored_exam.attempt.ready_callback", args=["ext-cb"]))
    client.post(
        reverse("edx_proctoring:proctored_exam.attempt.callback", args=["no-such"]), {"status": "passed"}, format="json"
    )

    calls = list(
        ProctoringVendorCall.objects.order_by("id").values_list(
            "operation", "backend", "attempt_id", "outcome", "http_status"
        )
    )
    assert calls == [
        ("callback.ready", "mock_vendor", attempt.id, "ok", 200),
        ("callback.reviewed", "unknown", None, "refused", 400),
    ]


def test_the_health_view_counts_calls_and_failures_per_backend_for_the_day_and_the_week(django_assert_num_queries):
    def call(*, backend, hours_ago, outcome="ok", latency_ms=10):
        ProctoringVendorCall.objects.create(
            created=now() - timedelta(hours=hours_ago),
            backend=backend,
            direction="out",
            operation="GET attempt",
            outcome=outcome,
            latency_ms=latency_ms,
        )

    call(backend="a", hours_ago=1)
    call(backend="a", hours_ago=2, outcome="failed", latency_ms=900)
    call(backend="a", hours_ago=50, outcome="failed")
    call(backend="a", hours_ago=24 * 8)  # older than a week: not counted
    call(backend="b", hours_ago=30)

    with django_assert_num_queries(1):
        health = {row["backend"]: row for row in vendor_health()}

    a, b = health["a"], health["b"]
    assert (a["day_calls"], a["day_failed"], a["week_calls"], a["week_failed"]) == (2, 1, 3, 2)
    assert a["day_failure_rate"] == 0.5 and a["week_failure_rate"] == pytest.approx(2 / 3)
    assert (b["day_calls"], b["day_failure_rate"], b["week_calls"]) == (0, None, 1)
    assert slowest_calls()[0].latency_ms == 900


@pytest.mark.urls("edx_proctoring.tests.vendors.test_overdue_reviews")
def test_the_admin_page_shows_the_health_table(admin_client):
    ProctoringVendorCall.objects.create(
        created=now(), backend="mock_vendor", direction="in", operation="callback.reviewed", outcome="ok", latency_ms=5
    )

    page = admin_client.get(reverse("admin:edx_proctoring_proctoringvendorcall_changelist")).content.decode()

    assert 'id="vendor-health"' in page and "mock_vendor" in page and "callback.reviewed" in page
