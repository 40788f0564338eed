"""PSI's reviewerNotes (interface §7.5): the exam's review policy as the course team wrote it, the default
policy only for an exam that has none, and the learner's exception after "; "."""

import pytest
from django.apps import apps
from django.conf import settings

from edx_proctoring.api import create_exam_attempt
from edx_proctoring.backends.software_secure import SoftwareSecureBackendProvider
from edx_proctoring.tests.factories import AllowanceFactory, ProctoredExamFactory, ReviewPolicyFactory, UserFactory
from edx_proctoring.tests.http_peer import HttpPeer

REGISTER_PATH = "/register"


@pytest.fixture
def psi(db):
    """A PSI backend registering against a loopback peer, assigned into the registry as plugin tests do."""
    config = apps.get_app_config("edx_proctoring")
    with HttpPeer() as peer:
        peer.respond("POST", REGISTER_PATH, status=201, json={"ssiRecordLocator": "SSI-REC"})
        options = dict(settings.PROCTORING_BACKENDS["software_secure"], exam_register_endpoint=peer.url + REGISTER_PATH)
        config.backends["psi_notes"] = SoftwareSecureBackendProvider(**options)
        try:
            yield peer
        finally:
            del config.backends["psi_notes"]


def _registered_notes(peer):
    return peer.requests[-1].json()["reviewerNotes"]


@pytest.mark.parametrize(
    "policy, exception, expected",
    [
        ("", None, ""),
        ("", "Calculator", "; Calculator"),
        ("Notes allowed", None, "Notes allowed"),
        ("Notes allowed", "Calculator", "Notes allowed; Calculator"),
        (None, None, "Closed Book"),
        (None, "Calculator", "Closed Book; Calculator"),
    ],
)
def test_given_an_exam_policy_when_a_learner_registers_then_psi_gets_it_verbatim(psi, policy, exception, expected):
    exam = ProctoredExamFactory(backend="psi_notes")
    learner = UserFactory()
    if policy is not None:
        ReviewPolicyFactory(proctored_exam=exam, review_policy=policy)
    if exception is not None:
        AllowanceFactory(proctored_exam=exam, user=learner, key="review_policy_exception", value=exception)

    create_exam_attempt(exam.id, learner.id, taking_as_proctored=True)

    assert _registered_notes(psi) == expected
