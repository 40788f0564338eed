"""The contract every proctoring backend implements."""

import abc


class ProctoringBackendProvider(abc.ABC):
    """A proctoring vendor as the exam lifecycle sees it.

    Options from PROCTORING_BACKENDS (allow-listed) arrive as keyword arguments and become attributes.
    """

    verbose_name = "Unknown"
    ping_interval = 60
    tech_support_email = ""
    learner_notification_from_email = ""
    tech_support_phone = ""
    has_dashboard = False
    supports_onboarding = False
    # Whether the vendor tells us (ready callback, PSI launch) that the learner's computer is ready; a
    # proctored attempt on such a backend can only be started once it has. Plugins inherit the answer.
    vendor_reports_readiness = False
    help_center_article_url = ""
    integration_specific_email = ""

    def __init__(self, **kwargs):
        for key, value in kwargs.items():
            setattr(self, key, value)

    @abc.abstractmethod
    def register_exam_attempt(self, exam, context):
        """Create the attempt at the vendor; return the vendor's attempt id."""

    @abc.abstractmethod
    def start_exam_attempt(self, exam, attempt):
        """Tell the vendor the learner started (called with the exam's and attempt's external ids)."""

    @abc.abstractmethod
    def stop_exam_attempt(self, exam, attempt):
        """Tell the vendor the attempt was submitted."""

    @abc.abstractmethod
    def mark_erroneous_exam_attempt(self, exam, attempt):
        """Tell the vendor the attempt ended in error."""

    @abc.abstractmethod
    def remove_exam_attempt(self, exam, attempt):
        """Delete the attempt at the vendor: True when gone, False when unconfirmed; raise when unreachable."""

    @abc.abstractmethod
    def get_software_download_url(self):
        """Where the learner downloads the vendor's desktop software."""

    @abc.abstractmethod
    def on_review_callback(self, attempt, payload):
        """Normalise a vendor review into ``{status, comments, reviewed_by?, payload?}``."""

    @abc.abstractmethod
    def on_exam_saved(self, exam):
        """Sync an exam's configuration to the vendor; return the vendor's exam id or None."""

    def get_javascript(self):
        return ""

    def get_exam(self, exam):
        return exam

    def get_attempt(self, attempt):
        return attempt

    def get_instructor_url(
        self,
        course_id,
        user,
        exam_id=None,
        attempt_id=None,
        show_configuration_dashboard=False,
        encrypted_video_review_url=None,
    ):
        return None

    def retire_user(self, user_id):
        return None

    def should_block_access_to_exam_material(self):
        return False

    def get_onboarding_profile_info(self, course_id, **kwargs):
        return None

    def get_proctoring_config(self):
        return None

    def get_video_review_aes_key(self):
        return None

    def fetch_review(self, attempt):
        """Ask the vendor for its review of `attempt` (a serialized attempt) when the callback never came.

        Optional: None (the default) means this backend cannot be asked. Otherwise the review in the
        standard callback format (``{status, comments[]}``), or ``{}`` when the vendor has none yet; raise
        when the vendor cannot be reached.
        """
        return None
