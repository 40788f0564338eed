"""URLs of the demo LMS: its pages, the LMS routes edx_proctoring reverses, the admin and the proctoring API."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path, re_path
from django.views.i18n import JavaScriptCatalog

from demo.app import views

demo_patterns = [
    path("", views.home, name="home"),
    path("courses/<str:course_id>/", views.course, name="course"),
    path("courses/<str:course_id>/sections/<str:content_id>/", views.section, name="section"),
    path("courses/<str:course_id>/instructor/special_exams/", views.special_exams, name="special_exams"),
    path("outbox/", views.outbox, name="outbox"),
    path("outbox/<str:name>/", views.outbox_message, name="outbox_message"),
    path("help/", views.help_page, name="help"),
    re_path(r"^learning/(?P<path>.*)$", views.learning_mfe, name="learning_mfe"),
]

urlpatterns = [
    path("", include((demo_patterns, "demo"), namespace="demo")),
    # The LMS routes edx_proctoring reverses by name.
    re_path(r"^courses/(?P<course_id>[^/]+)/jump_to/(?P<location>.*)$", views.jump_to, name="jump_to"),
    re_path(r"^courses/(?P<course_id>[^/]+)/progress$", views.progress, name="progress"),
    path(
        "login/",
        auth_views.LoginView.as_view(template_name="demo/login.html", redirect_authenticated_user=True),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("admin/", admin.site.urls),
    # The language switch (set_language) and Django's JavaScript catalogue, which gives the proctoring
    # scripts their global gettext as edx-platform's i18n.js does.
    path("i18n/", include("django.conf.urls.i18n")),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("api/", include(("edx_proctoring.urls", "edx_proctoring"), namespace="edx_proctoring")),
]

# With DEBUG off Django calls this; with DEBUG on, demo.app.middleware.DemoErrorPagesMiddleware does.
handler404 = "demo.app.views.not_found"
