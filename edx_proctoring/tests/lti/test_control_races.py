"""Control-service calls racing on real, parallel database connections (DB=postgres or DB=mysql only).

A tool that retries on a timeout may deliver one call several times at once; a tool granting time may
send several updates at once. Under the attempt's row lock: one delivery changes the attempt and every
delivery gets its answer; concurrent updates never add up to more than the registration allows.
"""

from __future__ import annotations

import pytest

from edx_proctoring.lti.control import control
from edx_proctoring.models import LtiControlEvent, ProctoredExamStudentAttempt, ProctoredExamTimeAdjustment
from edx_proctoring.tests.concurrency.conftest import _real_database_only, race, times  # noqa: F401 - autouse skip
from edx_proctoring.tests.lti.conftest import launched_attempt
from edx_proctoring.tests.lti.test_control import tool_side

pytestmark = [pytest.mark.concurrency, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize(("action", "fields"), [("update", {"extra_time": 5}), ("terminate", {"reason_code": "1"})])
def test_the_same_call_delivered_twenty_times_at_once_changes_the_attempt_once(
    host_services, test_backend, lti_tool, registration, action, fields
):
    attempt, launch = launched_attempt(registration=registration)
    body = lti_tool.control_body(action, launch=tool_side(launch), incident_time="2026-03-01T10:00:00Z", **fields)

    outcome = race(*times(lambda: control(registration=registration, body=body)))

    assert outcome.errors == []
    assert len({str(result) for result in outcome.results}) == 1
    assert LtiControlEvent.objects.filter(attempt=attempt).count() == 1
    if action == "update":
        assert ProctoredExamTimeAdjustment.objects.filter(attempt=attempt).count() == 1
    else:
        statuses = list(ProctoredExamStudentAttempt.history.filter(id=attempt.id).values_list("status", flat=True))
        assert statuses.count("submitted") == 1 and statuses.count("error") == 1


def test_concurrent_updates_never_grant_more_than_the_registration_allows(
    host_services, test_backend, lti_tool, registration
):
    attempt, launch = launched_attempt(registration=registration)  # 30 minutes at most for this tool
    side = tool_side(launch)
    bodies = [
        lti_tool.control_body("update", launch=side, extra_time=4, incident_time=f"2026-03-01T10:00:{i:02d}Z")
        for i in range(20)
    ]

    outcome = race(*[lambda body=body: control(registration=registration, body=body) for body in bodies])

    granted = sum(LtiControlEvent.objects.filter(attempt=attempt).values_list("extra_time", flat=True))
    assert granted == 30
    assert len(outcome.results) == 8  # 7 x 4 minutes, then the 2 left; the other 12 are refused
    assert {getattr(error, "http_status", None) for error in outcome.errors} == {409}
