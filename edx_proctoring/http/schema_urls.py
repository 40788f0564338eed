"""The URL tree the OpenAPI schema describes: this app's routes as the LMS mounts them (under /api/)."""

from django.urls import include, path

urlpatterns = [path("api/", include("edx_proctoring.urls"))]
