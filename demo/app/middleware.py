"""The demo's own error pages for people, also while DEBUG is on."""

from __future__ import annotations

from django.conf import settings

# Paths answered for programs (or by Django's admin), whose 404s stay as they are.
_NOT_PAGES = ("/api/", "/admin/", "/static/")


class DemoErrorPagesMiddleware:
    """With DEBUG on, Django answers an unknown page with its technical 404 (the URL patterns, the settings
    module); a newcomer should see the demo's page with a way back instead."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            settings.DEBUG
            and response.status_code == 404
            and not request.path.startswith(_NOT_PAGES)
            and response.get("Content-Type", "").startswith("text/html")
        ):
            from demo.app.views import not_found  # views import the models, this runs first

            return not_found(request)
        return response
