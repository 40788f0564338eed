"""Retiring a learner at the vendors: each backend that proctored them is asked once, under the id it knows."""

import pytest

from edx_proctoring.exceptions import BackendProviderCannotRetireUser
from edx_proctoring.identity import obscured_user_id
from edx_proctoring.retirement import retire_user_at_vendors
from edx_proctoring.tests.factories import AttemptFactory, ProctoredExamFactory, TimedExamFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def asked(test_backend, monkeypatch):
    """The user ids the `test` backend is asked to retire (it answers True, as it does by default)."""
    calls = []

    def retire_user(user_id):
        calls.append(user_id)
        return True

    monkeypatch.setattr(test_backend, "retire_user", retire_user)
    return calls


def test_given_proctored_attempts_on_one_backend_when_retired_then_that_vendor_is_asked_once_under_its_id(asked):
    learner = UserFactory()
    AttemptFactory(user=learner, proctored_exam=ProctoredExamFactory(backend="test"))
    AttemptFactory(user=learner, proctored_exam=ProctoredExamFactory(backend="test"))

    results = retire_user_at_vendors(user_id=learner.id)

    assert results == {"test": True}
    assert asked == [obscured_user_id(learner.id, "test")]


def test_given_only_timed_attempts_when_retired_then_no_vendor_is_asked(asked):
    learner = UserFactory()
    AttemptFactory(user=learner, proctored_exam=TimedExamFactory())
    AttemptFactory(user=learner, proctored_exam=ProctoredExamFactory(backend="test"), taking_as_proctored=False)

    assert retire_user_at_vendors(user_id=learner.id) == {}
    assert asked == []


def test_given_a_backend_that_keeps_no_users_when_retired_then_it_is_left_out(asked):
    learner = UserFactory()
    AttemptFactory(user=learner, proctored_exam=ProctoredExamFactory(backend="null"))
    AttemptFactory(user=learner, proctored_exam=ProctoredExamFactory(backend="test"))

    assert retire_user_at_vendors(user_id=learner.id) == {"test": True}


def test_given_a_vendor_that_refuses_when_retired_then_it_counts_as_not_deleted(test_backend, monkeypatch):
    learner = UserFactory()
    AttemptFactory(user=learner, proctored_exam=ProctoredExamFactory(backend="test"))

    def refuse(user_id):
        raise BackendProviderCannotRetireUser("vendor said no")

    monkeypatch.setattr(test_backend, "retire_user", refuse)

    assert retire_user_at_vendors(user_id=learner.id) == {"test": False}


def test_given_a_backend_no_longer_configured_when_retired_then_it_counts_as_not_deleted(asked):
    learner = UserFactory()
    AttemptFactory(user=learner, proctored_exam=ProctoredExamFactory(backend="gone"))

    assert retire_user_at_vendors(user_id=learner.id) == {"gone": False}
