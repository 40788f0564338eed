"""URLs of the test host: the package's own routes plus stand-ins for the LMS routes it reverses."""

from django.http import HttpResponse
from django.urls import include, path, re_path


def _host_page(request, *args, **kwargs):
    return HttpResponse("host page")


urlpatterns = [
    re_path(r"^courses/(?P<course_id>[^/]+)/jump_to/(?P<location>.*)$", _host_page, name="jump_to"),
    re_path(r"^courses/(?P<course_id>[^/]+)/progress$", _host_page, name="progress"),
    path("api/", include(("edx_proctoring.urls", "edx_proctoring"), namespace="edx_proctoring")),
]
