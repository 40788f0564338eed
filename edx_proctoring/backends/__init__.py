"""Proctoring backends: the vendor integrations, chosen per exam from PROCTORING_BACKENDS."""

from django.apps import apps


def get_backend_provider(exam=None, name=None):
    """The backend of `exam` (a dict), or the one called `name`, or the DEFAULT one.

    Timed exams (``is_proctored`` present and false) have no backend: None.
    """
    if exam:
        if "is_proctored" in exam and not exam["is_proctored"]:
            return None
        if exam["backend"]:
            name = exam["backend"]
    return apps.get_app_config("edx_proctoring").get_backend(name)
