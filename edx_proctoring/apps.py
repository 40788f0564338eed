"""The Django app: plugin wiring for edx-platform and the registry of proctoring backends."""

from __future__ import annotations

import json
import os
import threading
import warnings
from typing import Any

from django.apps import AppConfig
from django.core.checks import Tags, register
from django.core.exceptions import ImproperlyConfigured
from django.core.signals import setting_changed

from edx_proctoring import config

# Backend options an operator may pass through PROCTORING_BACKENDS; anything else is ignored so a typo or a
# stray secret in the settings dict never becomes an attribute of the backend.
BACKEND_CONFIGURATION_ALLOW_LIST = frozenset(
    {
        "allow_unauthenticated_callbacks",
        "base_url",
        "callback_signature_key",
        "callback_token",
        "client_id",
        "client_secret",
        "crypto_key",
        "default_rules",
        "exam_register_endpoint",
        "exam_sponsor",
        "has_dashboard",
        "help_center_article_url",
        "integration_specific_email",
        "learner_notification_from_email",
        "needs_oauth",
        "organization",
        "passing_statuses",
        "ping_interval",
        "secret_key",
        "secret_key_id",
        "send_email",
        "software_download_url",
        "supports_onboarding",
        "tech_support_email",
        "tech_support_phone",
        "token_expiration_time",
        "verbose_name",
        "video_review_aes_key",
        "timeout",
    }
)

BACKEND_ENTRY_POINT_NAMESPACE = "openedx.proctoring"


def make_worker_config(backends, out="/tmp/workers.json"):  # the historic default path
    """Write the webpack entries of the backends' browser workers; True when a file was written."""
    node_modules = config.node_modules_root()
    if not node_modules:
        return False
    entries = {}
    for backend in backends:
        package = getattr(backend, "npm_module", None)
        if not package:
            continue
        package_file = os.path.join(node_modules, package, "package.json")
        try:
            with open(package_file, encoding="utf-8") as handle:
                main = json.load(handle)["main"]
        except (OSError, ValueError, KeyError):
            warnings.warn(f"Proctoring backend {package!r} has no usable package.json at {package_file}", stacklevel=2)
            continue
        entries[package] = ["babel-polyfill", os.path.join(node_modules, package, main)]
    if not entries:
        return False
    try:
        with open(out, "w", encoding="utf-8") as handle:
            json.dump(entries, handle)
        os.chmod(out, 0o664)
    except OSError:
        warnings.warn(f"Could not write the proctoring worker config to {out}", stacklevel=2)
        return False
    return True


class EdxProctoringConfig(AppConfig):
    name = "edx_proctoring"
    verbose_name = "Proctoring"
    default_auto_field = "django.db.models.AutoField"

    plugin_app = {
        "url_config": {
            "lms.djangoapp": {
                "namespace": "edx_proctoring",
                "regex": "^api/",
                "relative_path": "urls",
            },
            "cms.djangoapp": {
                "namespace": "edx_proctoring",
                "regex": "^api/",
                "relative_path": "instructor_dashboard_exam_urls",
            },
        },
        "settings_config": {
            "lms.djangoapp": {
                "common": {"relative_path": "settings.common"},
                "production": {"relative_path": "settings.production"},
            },
            "cms.djangoapp": {
                "common": {"relative_path": "settings.common"},
                "production": {"relative_path": "settings.production"},
            },
        },
    }

    # Backend classes registered in code rather than through entry points (test suites use this).
    extra_backend_classes: dict[str, type] = {}

    def __init__(self, app_name, app_module):
        super().__init__(app_name, app_module)
        self._backends: BackendRegistry | None = None
        # Instances code put into `backends` itself; they outlive every rebuild, as they did in 6.1.x.
        self._assigned_backends: dict[str, Any] = {}
        self._lock = threading.Lock()

    def ready(self):
        # Attributes attempt history rows to the actor and reason of the surrounding audit context.
        from edx_proctoring import audit_trail  # noqa: F401

        # Installs the decline cascade into the effects, which cannot import it (it re-enters the lifecycle).
        from edx_proctoring.attempts import decline_cascade  # noqa: F401
        from edx_proctoring.checks import register_checks
        from edx_proctoring.migration_checks import check_partially_migrated_database

        register_checks()
        register(check_partially_migrated_database, Tags.database)
        setting_changed.connect(self._on_setting_changed, dispatch_uid="edx_proctoring.backends")
        self._build_backends()
        env_root = config.env_root()
        if env_root:
            make_worker_config(self.backends.values(), out=os.path.join(str(env_root), "workers.json"))

    def clear_onboarding_errors(self, *, user_id: int) -> None:
        """What `ProctoredExamStudentAttempt.objects.clear_onboarding_errors` runs (see the removal domain)."""
        # Imported here: the removal domain imports the models, which exist only once the apps are ready.
        from edx_proctoring.attempts.removal import clear_onboarding_errors

        clear_onboarding_errors(user_id=user_id)

    @property
    def backends(self) -> BackendRegistry:
        """Backend instances by name, built on first use from PROCTORING_BACKENDS.

        An instance assigned into this dict (``config.backends["test"] = TestBackend()``, as host and
        plugin test suites register theirs) is kept across rebuilds until it is deleted from the dict.
        """
        if self._backends is None:
            self._build_backends()
        return self._backends

    @backends.setter
    def backends(self, value: dict[str, Any]) -> None:
        # Replacing the whole dict (6.1.x code may) assigns every entry: all of them survive rebuilds.
        self._assigned_backends.clear()
        self._assigned_backends.update(value)
        self._build_backends()

    def reset_backends(self) -> None:
        """Forget the built backends so the next use rebuilds them from the current settings.

        Instances assigned into `backends` by code are kept.
        """
        self._backends = None

    def _on_setting_changed(self, setting=None, **kwargs):
        if setting == "PROCTORING_BACKENDS":
            self.reset_backends()

    def _build_backends(self) -> None:
        configured = config.proctoring_backends()
        classes = dict(_entry_point_backend_classes())
        classes.update(self.extra_backend_classes)
        backends = {}
        for name, backend_class in classes.items():
            if name == "DEFAULT" or name not in configured:
                continue
            options = configured.get(name) or {}
            kwargs = {key: value for key, value in options.items() if key in BACKEND_CONFIGURATION_ALLOW_LIST}
            backends[name] = backend_class(**kwargs)
        with self._lock:
            self._backends = BackendRegistry(built=backends, assigned=self._assigned_backends)

    def get_backend(self, name=None):
        """The backend called `name` (the DEFAULT one when None)."""
        if name is None:
            try:
                name = config.proctoring_backends()["DEFAULT"]
            except (AttributeError, KeyError, TypeError):
                raise ImproperlyConfigured(
                    "PROCTORING_BACKENDS has no DEFAULT entry naming the backend to use."
                ) from None
        try:
            return self.backends[name]
        except KeyError:
            available = ", ".join(sorted(self.backends)) or "none"
            raise NotImplementedError(
                f"No proctoring backend named {name!r} is configured (available: {available})."
            ) from None

    def get_backend_choices(self):
        for name, backend in self.backends.items():
            yield name, getattr(backend, "verbose_name", None) or "Unknown"


class BackendRegistry(dict):
    """The backends by name: those built from the settings, overlaid with those code assigned.

    Writes through the dict interface (item assignment, ``update``, ``setdefault``) are recorded in
    `assigned`, a dict the app config keeps, so a rebuild after a change of PROCTORING_BACKENDS puts
    them back; deleting an entry forgets it.
    """

    def __init__(self, *, built: dict[str, Any], assigned: dict[str, Any]):
        super().__init__(built)
        super().update(assigned)
        self.assigned = assigned

    def __setitem__(self, name, backend):
        self.assigned[name] = backend
        super().__setitem__(name, backend)

    def __delitem__(self, name):
        super().__delitem__(name)
        self.assigned.pop(name, None)

    def pop(self, name, *default):
        self.assigned.pop(name, None)
        return super().pop(name, *default)

    def popitem(self):
        name, backend = super().popitem()
        self.assigned.pop(name, None)
        return name, backend

    def clear(self):
        self.assigned.clear()
        super().clear()

    def update(self, *args, **kwargs):
        for name, backend in dict(*args, **kwargs).items():
            self[name] = backend

    def setdefault(self, name, default=None):
        if name not in self:
            self[name] = default
        return self[name]

    def __ior__(self, other):
        self.update(other)
        return self


def _entry_point_backend_classes():
    """(name, class) of every installed `openedx.proctoring` plugin; a broken plugin is skipped with a warning."""
    from importlib.metadata import entry_points

    for entry_point in entry_points(group=BACKEND_ENTRY_POINT_NAMESPACE):
        try:
            yield entry_point.name, entry_point.load()
        except Exception as exc:  # noqa: BLE001 - a third-party plugin failing to import must not break the LMS
            warnings.warn(f"Proctoring backend plugin {entry_point.name!r} failed to load: {exc}", stacklevel=2)
