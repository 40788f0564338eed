"""Emails to learners about their proctored attempts (submitted, verified, rejected)."""

from __future__ import annotations

import logging

from django.core.mail import EmailMessage
from django.template.loader import select_template
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from edx_proctoring import config, constants
from edx_proctoring.exams import get_course_home_url, get_proctoring_escalation_email
from edx_proctoring.runtime import get_runtime_service
from edx_proctoring.statuses import ProctoredExamStudentAttemptStatus as Status

log = logging.getLogger(__name__)

# Status -> (template name, subject). The subject is translated into the learner's language like the body
# (in English it stays the literal that hosts filter mail on).
STATUS_EMAILS = {
    Status.submitted: ("proctoring_attempt_submitted_email.html", gettext_lazy("Proctoring attempt submitted")),
    Status.verified: ("proctoring_attempt_satisfactory_email.html", gettext_lazy("Proctoring attempt verified")),
    Status.rejected: ("proctoring_attempt_unsatisfactory_email.html", gettext_lazy("Proctoring attempt rejected")),
}


def learner_language(user):
    """The learner's chosen site language (edx-platform's ``pref-lang`` preference), or None for the active one."""
    try:
        from openedx.core.djangoapps.user_api.preferences.api import get_user_preference
    except ImportError:
        return None
    try:
        return get_user_preference(user, "pref-lang") or None
    except Exception:  # noqa: BLE001 - a missing preference service must not stop the email
        log.warning("Could not read the language preference of user %s", getattr(user, "id", None))
        return None


def _get_email_template_paths(template_name, backend):
    """A backend's own template first (emails/proctoring/<backend>/<name>), then the default one."""
    paths = [f"emails/{template_name}"]
    if backend:
        paths.insert(0, f"emails/proctoring/{backend}/{template_name}")
    return paths


def _contact_link(course_id, backend_name):
    escalation_email = get_proctoring_escalation_email(course_id)
    if escalation_email:
        return f"mailto:{escalation_email}", escalation_email
    default_url = f"{config.lms_root()}/support/contact_us"
    link_urls = config.backend_options(backend_name).get("LINK_URLS") or {}
    contact_url = link_urls.get("contact", default_url)
    return contact_url, contact_url


def create_proctoring_attempt_status_email(exam_attempt_obj, course_name, course_id):
    """The email telling a learner about their proctored attempt's new status, or None when none is due."""
    return status_email(attempt=exam_attempt_obj, course_name=course_name, course_id=course_id)


def status_email(*, attempt, course_name: str, course_id: str, status: str | None = None) -> EmailMessage | None:
    """The email about `attempt`'s change to `status` (default: its current status), or None when none is due.

    A queued email keeps describing the change that queued it even if the attempt has moved on since.
    """
    exam_attempt_obj = attempt
    status = status or exam_attempt_obj.status
    if not exam_attempt_obj.taking_as_proctored or exam_attempt_obj.is_sample_attempt:
        return None
    if status not in STATUS_EMAILS:
        return None
    template_name, subject = STATUS_EMAILS[status]
    exam = exam_attempt_obj.proctored_exam
    template = select_template(_get_email_template_paths(template_name, exam.backend))
    contact_url, contact_url_text = _contact_link(course_id, exam.backend)
    language = learner_language(exam_attempt_obj.user) or translation.get_language()
    with translation.override(language):
        body = template.render(
            {
                "course_url": get_course_home_url(course_id),
                "course_name": course_name,
                "exam_name": exam.exam_name,
                "status": status,
                "platform": constants.PLATFORM_NAME,
                "contact_url": contact_url,
                "contact_url_text": contact_url_text,
            }
        )
        subject = str(subject)
    email = EmailMessage(subject=subject, body=body, from_email=constants.FROM_EMAIL, to=[exam_attempt_obj.user.email])
    email.content_subtype = "html"
    return email


def send_attempt_status_email(*, attempt, course_id: str, status: str | None = None) -> bool:
    """Send the email of `attempt`'s change to `status` (default: its current status) if one is due."""
    credit_service = get_runtime_service("credit")
    credit_state = (
        credit_service.get_credit_state(attempt.user_id, course_id, return_course_info=True) if credit_service else None
    )
    course_name = (credit_state or {}).get("course_name", _("your course"))
    email = status_email(attempt=attempt, course_name=course_name, course_id=course_id, status=status)
    if email is None:
        return False
    email.send()
    log.info("Sent the %s email for attempt %s", status or attempt.status, attempt.id)
    return True
