"""The demo LMS app: registers its host services with edx_proctoring, as edx-platform's apps do."""

from django.apps import AppConfig


class DemoAppConfig(AppConfig):
    name = "demo.app"
    label = "demo"
    verbose_name = "Demo LMS"
    default_auto_field = "django.db.models.AutoField"

    def ready(self):
        from demo.app import rules, services  # noqa: F401 - rules registers the host permissions
        from edx_proctoring.runtime import set_runtime_service

        for name, service in services.build_services().items():
            set_runtime_service(name, service)
