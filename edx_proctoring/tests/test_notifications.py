"""Learner emails about proctored attempts."""

import pytest
from django.core import mail
from django.test import override_settings

from edx_proctoring.notifications import (
    _get_email_template_paths,
    create_proctoring_attempt_status_email,
    send_attempt_status_email,
)
from edx_proctoring.statuses import ProctoredExamStudentAttemptStatus as Status
from edx_proctoring.tests.factories import AttemptFactory, PracticeExamFactory, ProctoredExamFactory, TimedExamFactory

pytestmark = pytest.mark.django_db
TEST_TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": ["edx_proctoring/tests/templates"],
        "APP_DIRS": True,
    }
]


def test_template_paths_put_the_backend_override_first():
    assert _get_email_template_paths("x.html", "rpnow") == ["emails/proctoring/rpnow/x.html", "emails/x.html"]
    assert _get_email_template_paths("x.html", None) == ["emails/x.html"]


@pytest.mark.parametrize(
    ("status", "subject"),
    [
        (Status.submitted, "Proctoring attempt submitted"),
        (Status.verified, "Proctoring attempt verified"),
        (Status.rejected, "Proctoring attempt rejected"),
    ],
)
def test_each_outcome_has_its_html_email(status, subject):
    attempt = AttemptFactory(status=status, proctored_exam=ProctoredExamFactory(exam_name="Midterm"))
    email = create_proctoring_attempt_status_email(attempt, "Physics 101", attempt.proctored_exam.course_id)
    assert (email.subject, email.to, email.content_subtype) == (subject, [attempt.user.email], "html")
    assert "Midterm" in email.body and "Physics 101" in email.body
    assert "http://learning.localhost:2000/course/course-v1:edX+Proctoring+2026/home" in email.body
    assert email.from_email == "no-reply@example.org"


@pytest.mark.parametrize("status", [Status.error, Status.declined, Status.second_review_required, Status.started])
def test_other_statuses_send_no_email(status):
    attempt = AttemptFactory(status=status)
    assert create_proctoring_attempt_status_email(attempt, "c", attempt.proctored_exam.course_id) is None


def test_practice_and_non_proctored_attempts_send_no_email():
    practice = AttemptFactory(status=Status.submitted, proctored_exam=PracticeExamFactory())
    timed = AttemptFactory(status=Status.submitted, proctored_exam=TimedExamFactory())
    assert create_proctoring_attempt_status_email(practice, "c", practice.proctored_exam.course_id) is None
    assert create_proctoring_attempt_status_email(timed, "c", timed.proctored_exam.course_id) is None


def test_contact_link_prefers_the_course_escalation_email(host_services):
    host_services["instructor"].escalation_email = "proctoring@course.example.org"
    attempt = AttemptFactory(status=Status.verified)
    email = create_proctoring_attempt_status_email(attempt, "c", attempt.proctored_exam.course_id)
    assert "mailto:proctoring@course.example.org" in email.body


@override_settings(PROCTORING_BACKENDS={"DEFAULT": "test", "test": {"LINK_URLS": {"contact": "https://help.vendor"}}})
def test_contact_link_falls_back_to_the_backend_contact_url():
    attempt = AttemptFactory(status=Status.verified)
    email = create_proctoring_attempt_status_email(attempt, "c", attempt.proctored_exam.course_id)
    assert 'href="https://help.vendor"' in email.body


def test_contact_link_defaults_to_the_platform_support_page():
    attempt = AttemptFactory(status=Status.verified)
    email = create_proctoring_attempt_status_email(attempt, "c", attempt.proctored_exam.course_id)
    assert "http://localhost:8000/support/contact_us" in email.body


@override_settings(TEMPLATES=TEST_TEMPLATES)
def test_a_backend_can_override_an_email_template():
    attempt = AttemptFactory(status=Status.submitted)
    email = create_proctoring_attempt_status_email(attempt, "c", attempt.proctored_exam.course_id)
    assert email.body.strip() == f"Vendor-specific submission notice for {attempt.proctored_exam.exam_name}."


def test_course_name_comes_from_the_credit_service_with_a_default(host_services):
    attempt = AttemptFactory(status=Status.submitted)
    assert send_attempt_status_email(attempt=attempt, course_id=attempt.proctored_exam.course_id) is True
    assert "edx demo" in mail.outbox[-1].body
    del host_services  # the course name falls back when the host has no credit service
