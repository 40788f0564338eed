"""REST routes of the LMS, mounted under /api/ by the plugin url config."""

app_name = "edx_proctoring"

urlpatterns = []
