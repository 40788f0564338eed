"""The instructor dashboard exam route, which Studio (CMS) mounts on its own and the LMS appends to its routes."""

from django.conf import settings
from django.urls import re_path

from edx_proctoring.views.instructor import InstructorDashboard

app_name = "instructor"

_DEFAULT_COURSE_ID_PATTERN = r"(?P<course_id>[^/+]+(/|\+)[^/+]+(/|\+)[^/?]+)"
COURSE_ID_PATTERN = getattr(settings, "COURSE_ID_PATTERN", _DEFAULT_COURSE_ID_PATTERN)

urlpatterns = [
    re_path(
        rf"edx_proctoring/v1/instructor/{COURSE_ID_PATTERN}/(?P<exam_id>\d+)$",
        InstructorDashboard.as_view(),
        name="instructor_dashboard_exam",
    ),
]
