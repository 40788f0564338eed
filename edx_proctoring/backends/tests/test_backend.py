"""Backends used by test suites (this app's and edx-platform's)."""

from edx_proctoring.backends.backend import ProctoringBackendProvider
from edx_proctoring.exceptions import BackendProviderOnboardingException, BackendProviderSentNoAttemptID


class TestBackendProvider(ProctoringBackendProvider):
    """A vendor stand-in that records what it was asked and can be told to fail."""

    __test__ = False  # not a pytest test class
    verbose_name = "test"
    has_dashboard = True
    supports_onboarding = True
    passing_statuses = None

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.last_exam = None
        self.started_attempts = []
        self.stopped_attempts = []
        self.errored_attempts = []
        self.removed_attempts = []
        self.attempt_error = None
        self.no_attempt_id_error = None
        self.remove_result = True
        self.remove_error = None

    def reset(self):
        self.__init__()

    def register_exam_attempt(self, exam, context):
        if self.attempt_error:
            raise BackendProviderOnboardingException(self.attempt_error)
        if self.no_attempt_id_error:
            raise BackendProviderSentNoAttemptID(self.no_attempt_id_error, 200)
        self.last_exam = exam
        return "testexternalid"

    def start_exam_attempt(self, exam, attempt):
        self.started_attempts.append((exam, attempt))
        return None

    def stop_exam_attempt(self, exam, attempt):
        self.stopped_attempts.append((exam, attempt))
        return None

    def mark_erroneous_exam_attempt(self, exam, attempt):
        self.errored_attempts.append((exam, attempt))
        return None

    def remove_exam_attempt(self, exam, attempt):
        if self.remove_error:
            raise self.remove_error
        self.removed_attempts.append((exam, attempt))
        return self.remove_result

    def get_software_download_url(self):
        return "http://example.com"

    def on_review_callback(self, attempt, payload):
        return payload

    def on_exam_saved(self, exam):
        self.last_exam = exam
        return exam.get("external_id") or None

    def get_instructor_url(
        self,
        course_id,
        user,
        exam_id=None,
        attempt_id=None,
        show_configuration_dashboard=False,
        encrypted_video_review_url=None,
    ):
        url = f"/test_dashboard/{course_id}"
        if exam_id:
            url += f"/{exam_id}"
        if attempt_id:
            url += f"/{attempt_id}"
        return url

    def retire_user(self, user_id):
        return True

    def get_proctoring_config(self):
        return {"name": self.verbose_name, "rules": {}, "download_url": self.get_software_download_url()}


class NoRulesTestBackendProvider(TestBackendProvider):
    """The `mock_proctoring_without_rules` backend of host test settings."""

    verbose_name = "test without rules"
    supports_onboarding = False
