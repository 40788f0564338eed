"""The LTI 1.3 Proctoring Services backend (``lti_proctoring``): exams proctored by the course's LTI tool.

The tool is reached through the learner's browser (OIDC launch) and calls us back through the Assessment
Control Service; nothing is called server to server from here, so the contract's vendor calls do nothing.
The "download the software" step of the proctored exam page is the launch: its link goes to
``lti/start/<attempt_id>/``, and the tool's LtiStartAssessment is the ready signal.

Not ``lti_external``: edx-platform hands courses on that name to the separate exams service.
"""

from __future__ import annotations

from django.urls import NoReverseMatch, reverse

from edx_proctoring.backends.backend import ProctoringBackendProvider


# The vendor calls below are no-ops like NullBackendProvider's, written out rather than inherited: the overdue
# review chase counts NullBackendProvider subclasses as backends that never review.
class LtiProctoringBackend(ProctoringBackendProvider):
    verbose_name = "LTI Proctoring"
    vendor_reports_readiness = True
    # The submit and error effects look for a pending LtiEndAssessment only on this backend.
    sends_lti_end_assessment = True

    def register_exam_attempt(self, exam, context):
        # The attempt becomes known to the tool at launch, with its resource link and attempt number.
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
        # Per attempt only: see get_attempt.
        return None

    def get_attempt(self, attempt):
        """The attempt's launch link as its "download" link (the pages read `download_url` from here)."""
        if not isinstance(attempt, dict) or not attempt.get("id"):
            return attempt
        try:
            url = reverse("edx_proctoring:lti_start", args=[attempt["id"]])
        except NoReverseMatch:
            return attempt
        return {**attempt, "download_url": url}

    def on_review_callback(self, attempt, payload):
        return payload

    def on_exam_saved(self, exam):
        return None
