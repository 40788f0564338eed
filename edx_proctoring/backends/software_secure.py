"""PSI RPNow (formerly SoftwareSecure) backend.

Registration is a signed JSON POST to PSI (see ``software_secure_signing`` for the wire details); the
learner then takes the exam in PSI's desktop browser, which comes back through the launch callback
(setting the signed ``exam`` cookie), and PSI posts its review to the anonymous review callback.
"""

import json
import logging
from datetime import UTC, datetime, timedelta

import requests
from crum import get_current_request
from django.urls import NoReverseMatch, reverse

from edx_proctoring import config
from edx_proctoring.backends.backend import ProctoringBackendProvider
from edx_proctoring.backends.software_secure_signing import (
    authorization_header,
    encrypt_exam_password,
    http_date,
    sanitize_exam_name,
    split_full_name,
)
from edx_proctoring.crypto import decode_and_decrypt
from edx_proctoring.exceptions import (
    BackendProviderCannotRegisterAttempt,
    BackendProviderSentNoAttemptID,
    ProctoredBaseException,
    ProctoredExamBadReviewStatus,
    ProctoredExamSuspiciousLookup,
)
from edx_proctoring.statuses import SoftwareSecureReviewStatus

log = logging.getLogger(__name__)

SSI_PRODUCT = "rp-now"
LAUNCH_CALLBACK_URL_NAME = "edx_proctoring:anonymous.proctoring_launch_callback.start_exam"
LAUNCH_CALLBACK_FALLBACK_PATH = "/api/edx_proctoring/proctoring_launch_callback/start_exam/{attempt_code}"
EXAM_COOKIE_NAME = "exam"
# PSI comment fields -> the standard review comment fields (§8.1).
COMMENT_FIELD_MAP = {
    "eventStart": "start",
    "eventFinish": "stop",
    "duration": "duration",
    "comments": "comment",
    "eventStatus": "status",
}
REQUIRED_COMMENT_FIELDS = ("comments", "eventStatus")
COMMENT_LISTS = ("webCamComments", "desktopComments")
# Answered when PSI cannot be reached or answers something that is not a registration.
BAD_GATEWAY = 502


class SoftwareSecureMalformedReview(ProctoredBaseException):
    """A PSI review payload lacks data the review workflow needs (HTTP 400, not a server error)."""

    default_message = "The PSI review payload is malformed."


class SoftwareSecureBackendProvider(ProctoringBackendProvider):
    verbose_name = "RPNow"
    passing_statuses = SoftwareSecureReviewStatus.passing_statuses
    vendor_reports_readiness = True

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

    # -- registration ------------------------------------------------------------------------------

    def register_exam_attempt(self, exam, context):
        """POST the signed registration to PSI and return its ``ssiRecordLocator`` (our external id)."""
        payload = self._get_payload(exam, context)
        headers = self._get_headers(payload)
        endpoint = self.exam_register_endpoint
        try:
            response = requests.post(endpoint, headers=headers, data=json.dumps(payload), timeout=self.timeout)
        except requests.RequestException as exc:
            if isinstance(exc, requests.Timeout):
                message = f"PSI did not answer {endpoint} within {self.timeout} seconds."
            else:
                message = f"PSI could not be reached at {endpoint}: {exc}"
            log.error("Could not register attempt %s: %s", context.get("attempt_code"), message)
            raise BackendProviderCannotRegisterAttempt(message, BAD_GATEWAY)

        if response.status_code not in (200, 201):
            log.error(
                "PSI refused to register attempt %s: HTTP %s %r",
                context.get("attempt_code"),
                response.status_code,
                response.content[:500],
            )
            raise BackendProviderCannotRegisterAttempt(response.content, response.status_code)

        try:
            answer = json.loads(response.text)
        except ValueError:
            raise BackendProviderCannotRegisterAttempt(
                f"PSI answered HTTP {response.status_code} with a body that is not JSON: {response.text[:200]!r}",
                BAD_GATEWAY,
            )
        record_locator = answer.get("ssiRecordLocator") if isinstance(answer, dict) else None
        if not record_locator:
            raise BackendProviderSentNoAttemptID(
                f"PSI answered without an ssiRecordLocator: {response.text[:200]!r}", BAD_GATEWAY
            )
        return record_locator

    def _get_payload(self, exam, context):
        attempt_code = context["attempt_code"]
        duration = context["time_limit_mins"]
        now = datetime.now(UTC)
        first_name, last_name = split_full_name(context.get("full_name"))

        # The default applies only to exams without a policy: a course team's empty policy is sent empty.
        reviewer_notes = context.get("review_policy", config.proctoring_setting("DEFAULT_REVIEW_POLICY"))
        if context.get("review_policy_exception"):
            reviewer_notes = f"{reviewer_notes}; {context['review_policy_exception']}"

        org_extra = {
            "examStartDate": http_date(now),
            "examEndDate": http_date(now + timedelta(minutes=duration or 0)),
            "noOfStudents": 1,
            "examID": exam["id"],
            "courseID": exam["course_id"],
            "firstName": first_name,
            "lastName": last_name,
        }
        if self.send_email:
            org_extra["email"] = context.get("email")

        return {
            "examCode": attempt_code,
            "organization": self.organization,
            "duration": duration,
            "reviewedExam": not context.get("is_sample_attempt"),
            "reviewerNotes": reviewer_notes,
            "examPassword": encrypt_exam_password(attempt_code, self.crypto_key),
            "examSponsor": self.exam_sponsor,
            "examName": sanitize_exam_name(exam.get("exam_name")),
            "ssiProduct": SSI_PRODUCT,
            "examUrl": self._launch_url(attempt_code),
            "orgExtra": org_extra,
        }

    @staticmethod
    def _launch_url(attempt_code):
        try:
            path = reverse(LAUNCH_CALLBACK_URL_NAME, args=[attempt_code])
        except NoReverseMatch:
            path = LAUNCH_CALLBACK_FALLBACK_PATH.format(attempt_code=attempt_code)
        return f"{config.lms_root()}{path}"

    def _get_headers(self, payload, date_header=None):
        date_header = date_header or http_date(datetime.now(UTC))
        return {
            "Content-Type": "application/json",
            "Authorization": authorization_header(payload, date_header, self.secret_key_id, self.secret_key),
            "Date": date_header,
        }

    # -- lifecycle notifications: PSI learns everything through its own client ---------------------

    def start_exam_attempt(self, exam, attempt):
        return None

    def stop_exam_attempt(self, exam, attempt):
        return None

    def mark_erroneous_exam_attempt(self, exam, attempt):
        return None

    def remove_exam_attempt(self, exam, attempt):
        return True

    def on_exam_saved(self, exam):
        return None

    def get_software_download_url(self):
        return self.software_download_url

    # -- reviews -----------------------------------------------------------------------------------

    def on_review_callback(self, attempt, payload):
        """Check that the PSI review belongs to `attempt` and convert it to the standard review format."""
        if not isinstance(payload, dict):
            raise SoftwareSecureMalformedReview("The PSI review payload must be a JSON object.")

        if not config.proctoring_setting("ALLOW_CALLBACK_SIMULATION"):
            self._check_record_locator(attempt, payload)

        if "reviewStatus" not in payload:
            raise ProctoredExamBadReviewStatus("The PSI review payload has no reviewStatus.")
        review_status = payload["reviewStatus"]
        SoftwareSecureReviewStatus.validate(review_status)

        comments = []
        for list_name in COMMENT_LISTS:
            comments.extend(self._convert_comments(list_name, payload.get(list_name)))

        return {
            "status": SoftwareSecureReviewStatus.to_standard_status[review_status],
            "comments": comments,
            "payload": payload,
            "reviewed_by": None,
        }

    @staticmethod
    def _check_record_locator(attempt, payload):
        metadata = payload.get("examMetaData")
        record_locator = metadata.get("ssiRecordLocator") if isinstance(metadata, dict) else None
        if not record_locator:
            raise ProctoredExamSuspiciousLookup("The PSI review payload has no examMetaData.ssiRecordLocator.")
        external_id = attempt.get("external_id") if isinstance(attempt, dict) else getattr(attempt, "external_id", None)
        if str(record_locator).lower() != str(external_id or "").lower():
            log.error("PSI review names record %s but the attempt's external id is %s", record_locator, external_id)
            raise ProctoredExamSuspiciousLookup(
                f"The review's ssiRecordLocator {record_locator} does not match the attempt's external id."
            )

    @staticmethod
    def _convert_comments(list_name, items):
        if items is None:
            return []
        if not isinstance(items, list):
            raise SoftwareSecureMalformedReview(f"{list_name} in the PSI review payload must be a list.")
        converted = []
        for index, item in enumerate(items):
            if not isinstance(item, dict):
                raise SoftwareSecureMalformedReview(f"{list_name}[{index}] in the PSI review payload is not an object.")
            missing = [field for field in REQUIRED_COMMENT_FIELDS if field not in item]
            if missing:
                raise SoftwareSecureMalformedReview(
                    f"{list_name}[{index}] in the PSI review payload lacks {', '.join(missing)}."
                )
            converted.append({ours: item[theirs] for theirs, ours in COMMENT_FIELD_MAP.items() if theirs in item})
        return converted

    # -- learner / staff views ---------------------------------------------------------------------

    def should_block_access_to_exam_material(self):
        """Hide exam content unless the request comes from PSI's secure browser.

        The launch callback sets the signed ``exam`` cookie in that browser. Without a current request
        (shell, task) nothing proves where the content would be shown, so access stays blocked.
        """
        request = get_current_request()
        if request is None:
            return True
        return not request.get_signed_cookie(EXAM_COOKIE_NAME, default=None)

    def get_proctoring_config(self):
        return {
            "download_url": self.get_software_download_url(),
            "name": self.verbose_name,
            "rules": {},
            "instructions": [],
        }

    def get_video_review_aes_key(self):
        return self.video_review_aes_key

    def get_instructor_url(
        self,
        course_id,
        user,
        exam_id=None,
        attempt_id=None,
        show_configuration_dashboard=False,
        encrypted_video_review_url=None,
    ):
        """The decrypted review video link (HTML5 player variant), or None when it cannot be produced."""
        aes_key = self.get_video_review_aes_key()
        if not encrypted_video_review_url or not aes_key:
            return None
        try:
            video_url = decode_and_decrypt(encrypted_video_review_url, bytes.fromhex(aes_key)).decode("utf-8")
        except (ValueError, TypeError) as exc:
            log.warning("Could not decrypt the review video URL of attempt %s: %s", attempt_id, exc)
            return None
        return video_url.replace("DirectLink-Generic", "DirectLink-HTML5")
