"""Test support: importing this package registers the test backends and permissive host permissions.

edx-platform's test-suite imports it (through ``edx_proctoring.tests.test_services``), so it must stay
import-safe and must not require pytest.
"""

import rules
from django.apps import apps as django_apps

from edx_proctoring.backends.tests.test_backend import NoRulesTestBackendProvider, TestBackendProvider


def _register_test_backends():
    from edx_proctoring.apps import EdxProctoringConfig

    EdxProctoringConfig.extra_backend_classes.setdefault("test", TestBackendProvider)
    EdxProctoringConfig.extra_backend_classes.setdefault("mock_proctoring_without_rules", NoRulesTestBackendProvider)
    if django_apps.ready:
        django_apps.get_app_config("edx_proctoring").reset_backends()


def _register_permissive_rules():
    # The host (edx-platform) defines these; a test host gets permissive stand-ins.
    if not rules.perm_exists("edx_proctoring.can_take_proctored_exam"):
        rules.add_perm("edx_proctoring.can_take_proctored_exam", rules.is_authenticated)
    if not rules.perm_exists("accounts.can_retire_user"):
        rules.add_perm("accounts.can_retire_user", rules.is_staff)


_register_test_backends()
_register_permissive_rules()
