"""A backend for development: registration succeeds at once and the attempt is immediately ready to start.

Unlike a vendor, it needs no callback: the lifecycle moves the new attempt to `ready_to_start` right
after creating it (see `marks_ready_on_registration`), so behaviour is deterministic and no thread or
timer runs inside a web worker.
"""

from edx_proctoring.backends.backend import ProctoringBackendProvider


class MockProctoringBackendProvider(ProctoringBackendProvider):
    verbose_name = "Mock Backend"
    marks_ready_on_registration = True

    def __init__(self, *args, **kwargs):
        super().__init__()
        self.args = args
        self.kwargs = kwargs

    def register_exam_attempt(self, exam, context):
        return context["attempt_code"]

    def start_exam_attempt(self, exam, attempt):
        return None

    def stop_exam_attempt(self, exam, attempt):
        return None

    def mark_erroneous_exam_attempt(self, exam, attempt):
        return None

    def remove_exam_attempt(self, exam, attempt):
        return True

    def get_software_download_url(self):
        return "mockurl"

    def on_review_callback(self, attempt, payload):
        return payload

    def on_exam_saved(self, exam):
        return None
