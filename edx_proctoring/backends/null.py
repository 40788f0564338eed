"""A backend that proctors nothing: every call succeeds and does nothing."""

from edx_proctoring.backends.backend import ProctoringBackendProvider


class NullBackendProvider(ProctoringBackendProvider):
    verbose_name = "Null Backend"

    def register_exam_attempt(self, exam, context):
        return None

    def start_exam_attempt(self, exam, attempt):
        return None

    def stop_exam_attempt(self, exam, attempt):
        return None

    def mark_erroneous_exam_attempt(self, exam, attempt):
        return None

    def remove_exam_attempt(self, exam, attempt):
        return True

    def get_software_download_url(self):
        return None

    def on_review_callback(self, attempt, payload):
        return None

    def on_exam_saved(self, exam):
        return None
