"""The backend registry built from PROCTORING_BACKENDS and the installed plugins."""

import json
import os
from importlib.metadata import entry_points

import pytest
from django.apps import apps
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings

from edx_proctoring.apps import make_worker_config
from edx_proctoring.backends import get_backend_provider
from edx_proctoring.backends.mock import MockProctoringBackendProvider
from edx_proctoring.backends.null import NullBackendProvider
from edx_proctoring.backends.software_secure import SoftwareSecureBackendProvider


def _config():
    return apps.get_app_config("edx_proctoring")


def test_the_package_declares_its_backend_and_plugin_entry_points():
    backends = {ep.name: ep.value for ep in entry_points(group="openedx.proctoring")}
    assert backends["null"] == "edx_proctoring.backends.null:NullBackendProvider"
    assert backends["mock"] == "edx_proctoring.backends.mock:MockProctoringBackendProvider"
    assert backends["software_secure"] == backends["rpnow4"]
    for group in ("lms.djangoapp", "cms.djangoapp"):
        plugin = {ep.name: ep.value for ep in entry_points(group=group)}
        assert plugin["edx_proctoring"] == "edx_proctoring.apps:EdxProctoringConfig"


def test_only_backends_named_in_the_settings_are_built():
    with override_settings(PROCTORING_BACKENDS={"DEFAULT": "null", "null": {}}):
        assert set(_config().backends) == {"null"}
        assert isinstance(get_backend_provider(), NullBackendProvider)


@override_settings(
    PROCTORING_BACKENDS={
        "DEFAULT": "rpnow4",
        "rpnow4": {"organization": "edX", "crypto_key": "abc", "verbose_name": "PSI", "not_allowed": "x"},
        "mock": {"organization": "ignored"},
    }
)
def test_backend_options_are_filtered_by_the_allow_list():
    backend = _config().get_backend("rpnow4")
    assert isinstance(backend, SoftwareSecureBackendProvider)
    assert (backend.organization, backend.crypto_key, backend.verbose_name) == ("edX", b"abc", "PSI")
    assert not hasattr(backend, "not_allowed")
    mock = _config().get_backend("mock")
    assert isinstance(mock, MockProctoringBackendProvider)
    assert mock.kwargs == {"organization": "ignored"}


def test_unknown_backend_name_lists_the_available_ones():
    with pytest.raises(NotImplementedError, match="available: "):
        _config().get_backend("nope")


@override_settings(PROCTORING_BACKENDS={"null": {}})
def test_missing_default_is_a_configuration_error():
    with pytest.raises(ImproperlyConfigured):
        _config().get_backend()


def test_timed_exams_have_no_backend_and_an_exam_backend_overrides_the_name():
    assert get_backend_provider({"is_proctored": False, "backend": "test"}) is None
    assert get_backend_provider({"backend": "null"}).verbose_name == "Null Backend"
    assert get_backend_provider({"is_proctored": True, "backend": None}, name="null").verbose_name == "Null Backend"


def test_worker_config_lists_backends_with_a_browser_worker(tmp_path):
    package = tmp_path / "vendor-worker"
    package.mkdir()
    (package / "package.json").write_text(json.dumps({"main": "dist/worker.js"}))
    with_worker = type("WithWorker", (), {"npm_module": "vendor-worker"})()
    broken = type("Broken", (), {"npm_module": "missing-package"})()
    out = tmp_path / "workers.json"
    with override_settings(NODE_MODULES_ROOT=str(tmp_path)), pytest.warns(UserWarning):
        assert make_worker_config([with_worker, broken, object()], out=str(out)) is True
    assert json.loads(out.read_text()) == {
        "vendor-worker": ["babel-polyfill", os.path.join(str(tmp_path), "vendor-worker", "dist/worker.js")]
    }
    assert make_worker_config([with_worker], out=str(out)) is False  # NODE_MODULES_ROOT unset
