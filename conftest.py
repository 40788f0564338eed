"""Fixtures shared by the whole suite, and the Hypothesis profiles of its property tests."""

import os
from pathlib import Path

import pytest
from django.apps import apps
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

import edx_proctoring.tests  # noqa: F401 - registers the test backends and permissive rules
from edx_proctoring import runtime
from edx_proctoring.tests.test_services import (
    MockCertificateService,
    MockCreditService,
    MockEnrollmentsService,
    MockGradesService,
    MockInstructorService,
    MockLearningSequencesService,
)

# Each property example builds exams, users and attempts in the database, so examples are what the property
# tests cost. A local run explores a few dozen sequences; CI (HYPOTHESIS_PROFILE=ci, set by .ci/run) the
# full count. The tests themselves name no count, so the profile decides.
PROPERTY_EXAMPLES = {"fast": 25, "ci": 150}
for _profile, _examples in PROPERTY_EXAMPLES.items():
    hypothesis_settings.register_profile(
        _profile,
        max_examples=_examples,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    )
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "fast"))

FUZZ_DIR = Path(__file__).resolve().parent / "edx_proctoring" / "tests" / "fuzz"


def pytest_ignore_collect(collection_path, config):
    """Leave out the fuzz tests when the run's -m expression cannot select them (make test's 'not fuzz').

    Collecting them loads the OpenAPI document and builds every generated test (seconds on each run),
    only for the default expression to deselect them all.
    """
    if collection_path != FUZZ_DIR:
        return None
    expression = config.getoption("markexpr") or ""
    selects_fuzz = not expression or ("fuzz" in expression and "not fuzz" not in expression)
    return None if selects_fuzz else True


@pytest.fixture(autouse=True)
def _isolated_runtime_services():
    """Each test starts with no host services and fresh backends."""
    saved = dict(runtime._SERVICES)
    runtime._SERVICES.clear()
    apps.get_app_config("edx_proctoring").reset_backends()
    yield
    runtime._SERVICES.clear()
    runtime._SERVICES.update(saved)


@pytest.fixture
def host_services():
    """The host's services, as in-memory stand-ins, registered for the test."""
    services = {
        "credit": MockCreditService(),
        "instructor": MockInstructorService(),
        "grades": MockGradesService(),
        "certificates": MockCertificateService(),
        "enrollments": MockEnrollmentsService(),
        "learning_sequences": MockLearningSequencesService(),
    }
    for name, service in services.items():
        runtime.set_runtime_service(name, service)
    return services


@pytest.fixture
def test_backend():
    """The `test` backend instance exams with backend='test' use."""
    return apps.get_app_config("edx_proctoring").get_backend("test")


@pytest.fixture(autouse=True)
def _clear_cache():
    """edx-when caches course dates (per request and in the cache); tests must not see each other's."""
    from django.core.cache import cache
    from edx_django_utils.cache import RequestCache

    cache.clear()
    RequestCache.clear_all_namespaces()
    yield
    cache.clear()
    RequestCache.clear_all_namespaces()


class RecordingTracker:
    """An event-tracking tracker that keeps what it was sent."""

    def __init__(self):
        self.events = []

    def emit(self, name=None, data=None):
        self.events.append((name, data))

    def context(self, name, ctx):
        from contextlib import nullcontext

        return nullcontext()

    def names(self):
        return [name for name, _data in self.events]


@pytest.fixture
def tracked_events():
    """Every tracking event emitted during the test, in order."""
    from eventtracking import tracker

    recorder = RecordingTracker()
    previous = tracker.TRACKERS.get(tracker.DEFAULT_TRACKER_NAME)
    tracker.register_tracker(recorder)
    yield recorder
    if previous is None:
        tracker.TRACKERS.pop(tracker.DEFAULT_TRACKER_NAME, None)
    else:
        tracker.register_tracker(previous)


@pytest.fixture
def status_signals():
    """Every exam_attempt_status_signal sent during the test (its keyword arguments)."""
    from edx_proctoring.signals import exam_attempt_status_signal

    received = []

    def _receiver(sender, **kwargs):
        kwargs.pop("signal", None)
        received.append(kwargs)

    exam_attempt_status_signal.connect(_receiver, dispatch_uid="test-recorder")
    yield received
    exam_attempt_status_signal.disconnect(dispatch_uid="test-recorder")
