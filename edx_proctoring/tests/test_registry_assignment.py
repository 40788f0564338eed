"""Backends registered by assigning an instance into the app config's `backends` dict (as host and plugin
test suites do with 6.1.x) stay registered when the registry is rebuilt for a settings change."""

import pytest
from django.apps import apps
from django.test import override_settings

from edx_proctoring.backends import get_backend_provider
from edx_proctoring.backends.null import NullBackendProvider
from edx_proctoring.backends.tests.test_backend import TestBackendProvider


@pytest.fixture
def config():
    config = apps.get_app_config("edx_proctoring")
    yield config
    for name in ("plugin_test", "other_test"):
        config.backends.pop(name, None)
    config.reset_backends()


def test_given_an_instance_assigned_into_the_dict_when_the_settings_change_then_the_same_instance_is_kept(config):
    plugin_backend = TestBackendProvider()
    config.backends["plugin_test"] = plugin_backend

    with override_settings(PROCTORING_BACKENDS={"DEFAULT": "null", "null": {}}):
        assert config.backends["plugin_test"] is plugin_backend
        assert get_backend_provider(name="plugin_test") is plugin_backend
        assert isinstance(config.get_backend("null"), NullBackendProvider)

    config.reset_backends()
    assert config.get_backend("plugin_test") is plugin_backend


def test_given_an_assigned_instance_named_like_a_configured_backend_then_the_assigned_one_wins(config):
    replacement = TestBackendProvider()
    config.backends.update(plugin_test=replacement)
    config.backends["null"] = replacement

    config.reset_backends()

    assert config.get_backend("null") is replacement
    del config.backends["null"]
    config.reset_backends()
    assert isinstance(config.get_backend("null"), NullBackendProvider)


def test_given_an_assigned_instance_is_deleted_then_a_rebuild_forgets_it(config):
    config.backends.setdefault("plugin_test", TestBackendProvider())
    config.backends["other_test"] = TestBackendProvider()

    del config.backends["plugin_test"]
    config.backends.pop("other_test")
    config.reset_backends()

    with pytest.raises(NotImplementedError):
        config.get_backend("plugin_test")
    with pytest.raises(NotImplementedError):
        config.get_backend("other_test")


def test_given_the_whole_dict_is_replaced_then_its_entries_survive_rebuilds_beside_the_configured_ones(config):
    plugin_backend = TestBackendProvider()
    config.backends = {"plugin_test": plugin_backend}

    with override_settings(PROCTORING_BACKENDS={"DEFAULT": "plugin_test", "null": {}}):
        assert get_backend_provider() is plugin_backend
        assert isinstance(config.get_backend("null"), NullBackendProvider)
    assert config.get_backend("plugin_test") is plugin_backend
