"""PSI RPNow (formerly SoftwareSecure) backend."""

from edx_proctoring.backends.backend import ProctoringBackendProvider
from edx_proctoring.statuses import SoftwareSecureReviewStatus


class SoftwareSecureBackendProvider(ProctoringBackendProvider):
    verbose_name = "RPNow"
    passing_statuses = SoftwareSecureReviewStatus.passing_statuses

    def __init__(
        self,
        organization=None,
        exam_sponsor=None,
        exam_register_endpoint=None,
        secret_key_id=None,
        secret_key=None,
        crypto_key=None,
        software_download_url=None,
        video_review_aes_key=None,
        send_email=False,
        **kwargs,
    ):
        super().__init__(**kwargs)
        self.organization = organization
        self.exam_sponsor = exam_sponsor
        self.exam_register_endpoint = exam_register_endpoint
        self.secret_key_id = secret_key_id
        self.secret_key = secret_key
        self.crypto_key = crypto_key.encode("utf-8") if isinstance(crypto_key, str) else crypto_key
        self.software_download_url = software_download_url
        self.video_review_aes_key = video_review_aes_key
        self.send_email = send_email
        # PSI's own timeout; the generic `timeout` option is deliberately not honoured for this vendor.
        self.timeout = 10

    def register_exam_attempt(self, exam, context):
        raise NotImplementedError("SoftwareSecure registration is provided by the vendor integration module.")

    def start_exam_attempt(self, exam, attempt):
        return None

    def stop_exam_attempt(self, exam, attempt):
        return None

    def mark_erroneous_exam_attempt(self, exam, attempt):
        return None

    def remove_exam_attempt(self, exam, attempt):
        return True

    def get_software_download_url(self):
        return self.software_download_url

    def on_review_callback(self, attempt, payload):
        raise NotImplementedError("SoftwareSecure reviews are provided by the vendor integration module.")

    def on_exam_saved(self, exam):
        return None

    def get_video_review_aes_key(self):
        return self.video_review_aes_key
