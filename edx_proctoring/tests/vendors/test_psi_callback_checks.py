"""Issue 9, finding 2: a PSI site whose review callback is unauthenticated fails `manage.py check` at deploy."""

import copy

import pytest
from django.core.checks import Error, Warning, run_checks
from django.core.management import call_command
from django.core.management.base import SystemCheckError

PSI_OPTIONS = {"secret_key_id": "id", "secret_key": "key", "crypto_key": "123456789123456712345678"}
LONG_TOKEN = "x" * 32


def _configure(settings, **backends):
    configured = {"DEFAULT": "mock", "mock": {}, "test": {}}
    configured.update({name: {**PSI_OPTIONS, **options} for name, options in backends.items()})
    settings.PROCTORING_BACKENDS = configured


def _ours(messages):
    return sorted((message.id, type(message), message.msg) for message in messages if "edx_proctoring" in message.id)


def _ids(messages):
    return [message_id for message_id, _kind, _msg in _ours(messages)]


class TestPsiCallbackCredential:
    def test_the_test_settings_are_clean(self):
        assert _ours(run_checks()) == []

    def test_a_psi_backend_without_credential_is_an_error_naming_the_options(self, settings):
        _configure(settings, software_secure={})
        ((message_id, kind, msg),) = _ours(run_checks())
        assert (message_id, kind) == ("edx_proctoring.E001", Error)
        assert "'software_secure'" in msg
        (message,) = [m for m in run_checks() if m.id == "edx_proctoring.E001"]
        for option in ("callback_token", "callback_signature_key", "allow_unauthenticated_callbacks"):
            assert f'PROCTORING_BACKENDS["software_secure"]["{option}"]' in message.hint

    def test_every_psi_name_is_checked_with_its_own_options(self, settings):
        _configure(settings, software_secure={"callback_token": LONG_TOKEN}, rpnow4={}, my_psi={})
        backends = copy.deepcopy(settings.PROCTORING_BACKENDS)
        from edx_proctoring.apps import EdxProctoringConfig
        from edx_proctoring.backends.software_secure import SoftwareSecureBackendProvider

        EdxProctoringConfig.extra_backend_classes["my_psi"] = SoftwareSecureBackendProvider
        try:
            settings.PROCTORING_BACKENDS = backends
            messages = [m for m in run_checks() if m.id == "edx_proctoring.E001"]
        finally:
            del EdxProctoringConfig.extra_backend_classes["my_psi"]
        assert sorted(m.msg.split("'")[1] for m in messages) == ["my_psi", "rpnow4"]

    @pytest.mark.parametrize(
        "options", [{"callback_token": LONG_TOKEN}, {"callback_signature_key": "k"}, {"callback_token": LONG_TOKEN * 2}]
    )
    def test_a_token_or_a_key_is_enough(self, settings, options):
        _configure(settings, software_secure=options)
        assert _ours(run_checks()) == []

    def test_the_explicit_opt_out_is_a_warning(self, settings):
        _configure(settings, rpnow4={"allow_unauthenticated_callbacks": True})
        assert _ids(run_checks()) == ["edx_proctoring.W001"]
        assert _ours(run_checks())[0][1] is Warning

    def test_an_opt_out_that_is_not_literally_true_stays_an_error(self, settings):
        _configure(settings, rpnow4={"allow_unauthenticated_callbacks": "yes"})
        assert _ids(run_checks()) == ["edx_proctoring.E001"]

    def test_a_short_token_is_an_error(self, settings):
        _configure(settings, software_secure={"callback_token": "short"})
        assert _ids(run_checks()) == ["edx_proctoring.E002"]

    def test_a_site_without_psi_has_nothing_to_check(self, settings):
        _configure(settings)
        assert _ours(run_checks()) == []

    def test_manage_py_check_fails_on_the_error(self, settings):
        _configure(settings, software_secure={})
        with pytest.raises(SystemCheckError, match="edx_proctoring.E001"):
            call_command("check")

    def test_checks_of_other_apps_skip_ours(self, settings):
        from django.apps import apps

        _configure(settings, software_secure={})
        assert _ours(run_checks(app_configs=[apps.get_app_config("auth")])) == []


@pytest.mark.parametrize(
    ("setting", "value"),
    [("ANONYMOUS_CALLBACK_RATE", "lots"), ("ANONYMOUS_CALLBACK_TRUSTED_PROXIES", "1")],
)
def test_an_unreadable_rate_setting_is_an_error(settings, setting, value):
    settings.PROCTORING_SETTINGS = {**settings.PROCTORING_SETTINGS, setting: value}
    messages = [m for m in run_checks() if m.id == "edx_proctoring.E003"]
    assert len(messages) == 1 and setting in messages[0].msg
