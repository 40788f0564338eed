"""Base class of the vendors that implement the generic proctoring REST API (docs/backends.rst).

A vendor package subclasses :class:`BaseRestProctoringProvider`, sets ``base_url`` (class attribute or
the ``base_url`` backend option) and registers itself under the ``openedx.proctoring`` entry point.
Every call goes through an OAuth2 client-credentials session against ``<base_url>/oauth2/access_token``
and is bounded by ``timeout`` seconds.
"""

import json
import logging
import time
import uuid
from urllib.parse import urlencode

import jwt
import requests
from django.core.serializers.json import DjangoJSONEncoder
from django.utils import translation
from edx_rest_api_client.client import OAuthAPIClient

from edx_proctoring import config
from edx_proctoring.backends.backend import ProctoringBackendProvider
from edx_proctoring.exceptions import (
    BackendProviderCannotRegisterAttempt,
    BackendProviderCannotRetireUser,
    BackendProviderOnboardingException,
    BackendProviderOnboardingProfilesException,
    BackendProviderSentNoAttemptID,
)
from edx_proctoring.statuses import ProctoredExamStudentAttemptStatus
from edx_proctoring.vendor_calls import logged_vendor_call

log = logging.getLogger(__name__)

# Status reported for our own exceptions when the vendor gave no HTTP answer at all.
BAD_GATEWAY = 502


def _describe_request_error(exc, url, timeout):
    if isinstance(exc, requests.Timeout):
        return f"The proctoring provider did not answer {url} within {timeout} seconds."
    if isinstance(exc, requests.ConnectionError):
        return f"The proctoring provider could not be reached at {url}: {exc}"
    return f"The request to the proctoring provider at {url} failed: {exc}"


class BaseRestProctoringProvider(ProctoringBackendProvider):
    """A proctoring vendor speaking the generic REST API."""

    base_url = None
    token_expiration_time = 60
    needs_oauth = True
    has_dashboard = True
    supports_onboarding = True
    vendor_reports_readiness = True
    passing_statuses = ("Clean",)
    default_rules = None
    timeout = 30

    def __init__(self, client_id=None, client_secret=None, **kwargs):
        super().__init__(**kwargs)
        self.client_id = client_id
        self.client_secret = client_secret
        self.session = OAuthAPIClient(self.base_url or "", client_id, client_secret, timeout=self.timeout)

    # -- URLs (vendors may override any of these) ----------------------------------------------------

    @property
    def _root(self):
        return (self.base_url or "").rstrip("/")

    @property
    def exam_attempt_url(self):
        return self._root + "/api/v1/exam/{exam_id}/attempt/{attempt_id}/"

    @property
    def create_exam_attempt_url(self):
        return self._root + "/api/v1/exam/{exam_id}/attempt/"

    @property
    def create_exam_url(self):
        return self._root + "/api/v1/exam/"

    @property
    def exam_url(self):
        return self._root + "/api/v1/exam/{exam_id}/"

    @property
    def config_url(self):
        return self._root + "/api/v1/config/"

    @property
    def instructor_url(self):
        return self._root + "/api/v1/instructor/{client_id}/?jwt={jwt}"

    @property
    def user_info_url(self):
        return self._root + "/api/v1/user/{user_id}/"

    @property
    def onboarding_statuses_url(self):
        return self._root + "/api/v1/courses/{course_id}/onboarding_statuses"

    @property
    def proctoring_instructions(self):
        """Instructions shown to learners; when empty, the vendor's per-attempt instructions are used."""
        return []

    # -- helpers -------------------------------------------------------------------------------------

    @staticmethod
    def _language_headers():
        """``<learner's language>;<site default>`` (e.g. ``es;en-us``), as 6.1.x sends it on every call."""
        current = translation.get_language()
        default = config.language_code()
        return {"Accept-Language": f"{current};{default}" if current else default}

    def _request(self, method, url, *, headers=None, log_as="call", attempt_external_id=None, **kwargs):
        """Every call to the vendor: the language header added, bounded by ``timeout``, and logged in the
        vendor call log as ``<method> <log_as>`` (never with its URL, which may carry a token)."""
        with logged_vendor_call(
            backend=self, operation=f"{method} {log_as}", attempt_external_id=attempt_external_id
        ) as note:
            response = self.session.request(
                method, url, headers={**self._language_headers(), **(headers or {})}, timeout=self.timeout, **kwargs
            )
            note.http_status = getattr(response, "status_code", None)
        return response

    @staticmethod
    def _json_or(response, fallback):
        try:
            return response.json()
        except ValueError:
            log.warning(
                "Undecodable answer from the proctoring provider (%s): %r", response.url, response.content[:200]
            )
            return fallback

    def _make_attempt_request(self, exam, attempt, method="POST", status=None, headers=None, **payload):
        """Call the attempt URL of (exam external id, attempt external id); ``{}`` when there is no attempt id."""
        if not attempt:
            return {}
        if status:
            payload["status"] = status
        url = self.exam_attempt_url.format(exam_id=exam, attempt_id=attempt)
        response = self._request(
            method, url, json=payload or None, headers=headers, log_as="attempt", attempt_external_id=attempt
        )
        data = self._json_or(response, {})
        log.debug("%s %s answered %s: %r", method, url, response.status_code, data)
        return data if isinstance(data, dict) else {}

    # -- vendor configuration ------------------------------------------------------------------------

    def get_proctoring_config(self):
        """The vendor's ``{rules, name, download_url, instructions}``; ``{}`` when it cannot be fetched."""
        url = self.config_url
        try:
            response = self._request("GET", url, log_as="config")
        except requests.RequestException as exc:
            log.error(
                "Could not fetch the proctoring configuration: %s", _describe_request_error(exc, url, self.timeout)
            )
            return {}
        data = self._json_or(response, {})
        return data if isinstance(data, dict) else {}

    def get_software_download_url(self):
        return self.get_proctoring_config().get("download_url")

    def get_javascript(self):
        """URL of the vendor's browser worker bundle (webpack-loader ``WORKERS`` config), '' when unknown."""
        package = getattr(self, "npm_module", None) or type(self).__module__.split(".")[0]
        try:
            from webpack_loader.utils import get_files
        except ImportError:
            return ""
        try:
            js_url = get_files(package, config="WORKERS")[0]["url"]
        except Exception as exc:  # noqa: BLE001 - any lookup failure means "no worker"
            log.warning("No proctoring worker bundle found for %s: %s", package, exc)
            return ""
        if not js_url.startswith(("http://", "https://")):
            js_url = config.lms_root_url() + js_url
        return js_url

    # -- exams and attempts --------------------------------------------------------------------------

    def get_exam(self, exam):
        """The vendor's copy of `exam`, fetched by the dict's ``id`` (what 6.1.x formats the URL with)."""
        url = self.exam_url.format(exam_id=exam["id"])
        response = self._request("GET", url, log_as="exam")
        return self._json_or(response, {})

    def get_attempt(self, attempt):
        data = self._make_attempt_request(
            attempt["proctored_exam"]["external_id"],
            attempt["external_id"],
            method="GET",
        )
        data["instructions"] = self.proctoring_instructions or data.get("instructions", [])
        return data

    def fetch_review(self, attempt):
        """Ask the vendor about a review that never arrived, on its attempt read (``GET`` attempt URL).

        A vendor that has reviewed the attempt answers with a ``review`` object in the standard review
        format (``{status, comments}``, docs/backends.rst); that object is returned. ``{}``: the vendor
        answered without a review (not reviewed yet, or it does not know the attempt). Raises
        ``requests.RequestException`` when the vendor cannot be reached.
        """
        exam_external_id = attempt["proctored_exam"]["external_id"]
        if not attempt.get("external_id"):
            return {}
        url = self.exam_attempt_url.format(exam_id=exam_external_id, attempt_id=attempt["external_id"])
        response = self._request("GET", url, log_as="attempt.review", attempt_external_id=attempt["external_id"])
        if response.status_code == 404:
            return {}
        response.raise_for_status()
        data = self._json_or(response, {})
        review = data.get("review") if isinstance(data, dict) else None
        return review if isinstance(review, dict) and review.get("status") else {}

    def register_exam_attempt(self, exam, context):
        """Create the attempt at the vendor and return the vendor's attempt id.

        `context` is sent as the JSON body, with ``status: created`` added and ``attempt_code`` (a secret
        the vendor does not need) removed; the caller's dict is changed in place.
        """
        url = self.create_exam_attempt_url.format(exam_id=exam["external_id"])
        context["status"] = "created"
        context.pop("attempt_code", None)
        try:
            response = self._request("POST", url, json=context, log_as="attempt.create")
        except requests.RequestException as exc:
            message = _describe_request_error(exc, url, self.timeout)
            log.error("Could not register an exam attempt: %s", message)
            raise BackendProviderCannotRegisterAttempt(message, BAD_GATEWAY)

        if response.status_code != 200:
            log.error("The proctoring provider refused the attempt: HTTP %s %r", response.status_code, response.content)
            raise BackendProviderCannotRegisterAttempt(response.content, response.status_code)

        try:
            data = response.json()
        except ValueError:
            raise BackendProviderCannotRegisterAttempt(
                f"The proctoring provider answered with a body that is not JSON: {response.text[:200]!r}",
                BAD_GATEWAY,
            )
        if not isinstance(data, dict):
            data = {}
        status = data.get("status")
        if status in ProctoredExamStudentAttemptStatus.onboarding_errors:
            raise BackendProviderOnboardingException(status)
        attempt_id = data.get("id")
        if not attempt_id:
            raise BackendProviderSentNoAttemptID(data, response.status_code)
        return attempt_id

    def start_exam_attempt(self, exam, attempt):
        return self._make_attempt_request(exam, attempt, method="PATCH", status="started").get("status")

    def stop_exam_attempt(self, exam, attempt):
        return self._make_attempt_request(exam, attempt, method="PATCH", status="submitted").get("status")

    def mark_erroneous_exam_attempt(self, exam, attempt):
        return self._make_attempt_request(exam, attempt, method="PATCH", status="error").get("status")

    def remove_exam_attempt(self, exam, attempt):
        """True when the vendor deleted it or never had it, False when unconfirmed; raises when unreachable."""
        if not attempt:
            return False
        url = self.exam_attempt_url.format(exam_id=exam, attempt_id=attempt)
        response = self._request("DELETE", url, log_as="attempt", attempt_external_id=attempt)
        if response.status_code == 404:
            return True
        response.raise_for_status()
        data = self._json_or(response, None)
        return isinstance(data, dict) and data.get("status") == "deleted"

    def on_review_callback(self, attempt, payload):
        """REST vendors already post reviews in the standard format."""
        return payload

    def on_exam_saved(self, exam):
        """Create or update the exam at the vendor (always a POST); the vendor's exam id, or None on failure."""
        if self.default_rules and not exam.get("rules"):
            exam["rules"] = self.default_rules
        external_id = exam.get("external_id")
        url = self.exam_url.format(exam_id=external_id) if external_id else self.create_exam_url
        try:
            response = self._request(
                "POST",
                url,
                data=json.dumps(exam, cls=DjangoJSONEncoder),
                headers={"Content-Type": "application/json"},
                log_as="exam",
            )
            data = response.json()
            return data.get("id")
        except Exception:  # saving an exam must not fail because the vendor is down
            log.exception("Could not save exam %s at the proctoring provider (%s)", exam.get("id"), url)
            return None

    # -- instructor dashboard, users, onboarding -----------------------------------------------------

    def get_instructor_url(
        self,
        course_id,
        user,
        exam_id=None,
        attempt_id=None,
        show_configuration_dashboard=False,
        encrypted_video_review_url=None,
    ):
        """The vendor dashboard URL, authenticated with a short-lived HS256 JWT signed with the client secret."""
        claims = {
            "course_id": course_id,
            "user": user,
            "iss": self.client_id,
            "jti": uuid.uuid4().hex,
            "exp": time.time() + self.token_expiration_time,
        }
        if exam_id:
            claims["exam_id"] = exam_id
            if show_configuration_dashboard:
                claims["config"] = True
            if attempt_id:
                claims["attempt_id"] = attempt_id
        token = jwt.encode(claims, self.client_secret)
        return self.instructor_url.format(client_id=self.client_id, jwt=token)

    def retire_user(self, user_id):
        """Ask the vendor to delete the user's data; its JSON true/false answer is returned."""
        url = self.user_info_url.format(user_id=user_id)
        try:
            response = self._request("DELETE", url, log_as="user")
        except requests.RequestException as exc:
            raise BackendProviderCannotRetireUser(_describe_request_error(exc, url, self.timeout))
        data = self._json_or(response, None)
        if not isinstance(data, bool):
            raise BackendProviderCannotRetireUser(
                f"The proctoring provider answered HTTP {response.status_code} to the user retirement "
                f"without a true/false result: {response.content[:200]!r}"
            )
        return data

    def get_onboarding_profile_info(self, course_id, **kwargs):
        """The vendor's onboarding statuses for a course (filters: user_id, status, page, page_size)."""
        url = self.onboarding_statuses_url.format(course_id=course_id)
        query = {key: value for key, value in kwargs.items() if value is not None}
        if query:
            url = f"{url}?{urlencode(query)}"
        try:
            response = self._request("GET", url, log_as="onboarding")
        except requests.RequestException as exc:
            raise BackendProviderOnboardingProfilesException(
                _describe_request_error(exc, url, self.timeout), BAD_GATEWAY
            )
        if response.status_code != 200:
            raise BackendProviderOnboardingProfilesException(response.content, response.status_code)
        try:
            return response.json()
        except ValueError:
            raise BackendProviderOnboardingProfilesException(
                f"The proctoring provider answered with a body that is not JSON: {response.text[:200]!r}",
                BAD_GATEWAY,
            )
