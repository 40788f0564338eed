"""LtiStartAssessment delivered many times at once, on real parallel connections (DB=postgres or DB=mysql only).

A browser that double-posts, or a tool that answers one launch several times, must let the learner in once:
the nonce is unique per registration and the session data is consumed under the launch's row lock.
"""

from __future__ import annotations

import pytest

from edx_proctoring.lti.claims import LtiCheckFailed
from edx_proctoring.lti.start_assessment import start_assessment
from edx_proctoring.models import LtiLaunch, ProctoredExamStudentAttempt
from edx_proctoring.tests.concurrency.conftest import (  # noqa: F401 - _real_database_only: autouse skip
    THREADS,
    _real_database_only,
    race,
    times,
)
from edx_proctoring.tests.factories import UserFactory
from edx_proctoring.tests.lti.launch_helpers import (
    in_process,
    launch_to_tool,
    lti_attempt,
    lti_backend,  # noqa: F401 - fixture
)

pytestmark = [
    pytest.mark.concurrency,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("lti_backend"),
]


def _launched(client, lti_tool, registration):
    learner = UserFactory()
    client.force_login(learner)
    tool = in_process(lti_tool)
    attempt = lti_attempt(registration=registration, user=learner)
    tool.launch(launch_to_tool(client, tool, attempt=attempt).fields)
    return tool, learner, attempt


def _starts(attempt) -> int:
    return list(ProctoredExamStudentAttempt.history.filter(id=attempt.id).values_list("status", flat=True)).count(
        "started"
    )


def test_one_start_assessment_posted_twenty_times_at_once_lets_the_learner_in_once(client, lti_tool, registration):
    tool, learner, attempt = _launched(client, lti_tool, registration)
    token = tool.launches[-1].start_assessment

    outcome = race(*times(lambda: start_assessment(token=token, user=learner)))

    assert len(outcome.results) == 1
    assert {error.code for error in outcome.errors if isinstance(error, LtiCheckFailed)} == {"replayed_nonce"}
    assert len(outcome.errors) == THREADS - 1
    assert _starts(attempt) == 1


def test_twenty_messages_with_the_same_session_data_at_once_consume_it_once(client, lti_tool, registration):
    tool, learner, attempt = _launched(client, lti_tool, registration)
    launch = tool.launches[-1]
    tokens = [tool.start_assessment_jwt(launch) for _ in range(THREADS)]  # a fresh nonce each

    outcome = race(*[lambda token=token: start_assessment(token=token, user=learner) for token in tokens])

    assert len(outcome.results) == 1
    assert {getattr(error, "code", None) for error in outcome.errors} == {"used_session_data"}
    assert _starts(attempt) == 1
    assert LtiLaunch.objects.get(attempt=attempt).session_data_used_at is not None
