"""The instructor dashboard exam route, which Studio (CMS) mounts on its own and the LMS appends to its routes."""

from django.urls import re_path

from edx_proctoring import config
from edx_proctoring.views.instructor import InstructorDashboard

app_name = "instructor"

_DEFAULT_COURSE_ID_PATTERN = r"(?P<course_id>[^/+]+(/|\+)[^/+]+(/|\+)[^/?]+)"
COURSE_ID_PATTERN = config.course_id_pattern(default=_DEFAULT_COURSE_ID_PATTERN)

urlpatterns = [
    re_path(
        rf"edx_proctoring/v1/instructor/{COURSE_ID_PATTERN}/(?P<exam_id>\d+)$",
        InstructorDashboard.as_view(),
        name="instructor_dashboard_exam",
    ),
]
