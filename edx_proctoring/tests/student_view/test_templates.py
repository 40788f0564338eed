"""Every interstitial page: translatable, one heading, labelled buttons, and its `data-page` marker."""

from datetime import timedelta
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.template.loader import render_to_string
from django.utils import translation

import edx_proctoring

TEMPLATES = Path(edx_proctoring.__file__).parent / "templates"
INCLUDES = {
    "timed_exam/footer.html",
    "proctored_exam/footer.html",
    "proctored_exam/confirm-decline.html",
    "proctored_exam/proctoring_opt_out_button.html",
    "proctored_exam/error_modal.html",
    "proctored_exam/visit_exam_content.html",
    "common/waiting_banner.html",
    "common/retry_button.html",
    "common/submit_or_return.html",
}
# Button partials with no wording of their own: the including page passes labels it has translated.
WORDLESS_INCLUDES = {"common/retry_button.html", "common/submit_or_return.html"}
ALL = sorted(
    str(path.relative_to(TEMPLATES))
    for folder in ("timed_exam", "practice_exam", "onboarding_exam", "proctored_exam", "common")
    for path in (TEMPLATES / folder).glob("*.html")
)
PAGES = [name for name in ALL if name not in INCLUDES]

SPEC_TEMPLATES = {
    "timed_exam/entrance.html",
    "timed_exam/expired.html",
    "timed_exam/ready_to_submit.html",
    "timed_exam/submitted.html",
    "timed_exam/footer.html",
    "practice_exam/entrance.html",
    "practice_exam/error.html",
    "practice_exam/submitted.html",
    "onboarding_exam/entrance.html",
    "onboarding_exam/error.html",
    "onboarding_exam/ready_to_submit.html",
    "onboarding_exam/rejected.html",
    "onboarding_exam/submitted.html",
    "onboarding_exam/verified.html",
    "proctored_exam/entrance.html",
    "proctored_exam/expired.html",
    "proctored_exam/failed-prerequisites.html",
    "proctored_exam/pending-prerequisites.html",
    "proctored_exam/instructions.html",
    "proctored_exam/ready_to_start.html",
    "proctored_exam/ready_to_submit.html",
    "proctored_exam/ready_to_resume.html",
    "proctored_exam/submitted.html",
    "proctored_exam/verified.html",
    "proctored_exam/rejected.html",
    "proctored_exam/error.html",
    "proctored_exam/error_wrong_browser.html",
    "proctored_exam/inactive_account.html",
    "proctored_exam/onboarding_error.html",
    "proctored_exam/footer.html",
    "proctored_exam/confirm-decline.html",
    "proctored_exam/proctoring_opt_out_button.html",
    "proctored_exam/error_modal.html",
    "proctored_exam/visit_exam_content.html",
    "proctored_exam/proctoring_launch_callback.html",
    "common/waiting_banner.html",
}

# A context that switches every optional part of every page on.
FULL_CONTEXT = {
    "exam_id": 7,
    "attempt_id": 11,
    "course_id": "course-v1:edX+Proctoring+2026",
    "exam_name": "Final",
    "exam_display_name": "Final",
    "total_time": "1 hour",
    "provider_name": "Vendor",
    "platform_name": "Open edX",
    "enter_exam_endpoint": "/attempt",
    "change_state_url": "/attempt/11",
    "exam_started_poll_url": "/attempt/11",
    "update_is_status_acknowledge_url": "/attempt/11/review_status",
    "reset_link": "/attempt/11",
    "progress_page_url": "/progress",
    "allow_proctoring_opt_out": True,
    "can_view_content_past_due": True,
    "has_due_date_passed": True,
    "will_be_revealed": True,
    "does_time_remain": True,
    "has_time_expired": True,
    "wait_deadline": "2026-06-02T12:00:00+00:00",
    "exam_code": "ABC-123",
    "software_download_url": "http://example.org/download",
    "backend_instructions": ["Close other applications"],
    "exam_review_policy": "Notes allowed",
    "proctoring_escalation_email": "escalation@example.org",
    "integration_specific_email": "vendor@example.org",
    "provider_tech_support_email": "help@example.org",
    "provider_tech_support_phone": "+1 555 0100",
    "link_urls": {"faq": "/faq", "online_proctoring_rules": "/rules", "tech_requirements": "/tech", "contact_us": "/c"},
    "onboarding_status": "onboarding_missing",
    "onboarding_link": "/onboarding",
    "support_email_subject": "Onboarding status question",
    "prerequisite_status": {
        "failed_prerequisites": [{"name": "a", "display_name": "A", "jumpto_url": "/a"}],
        "pending_prerequisites": [{"name": "b", "display_name": "B", "jumpto_url": None}],
    },
    "grace_period": timedelta(hours=1),
}


class _PageParser(HTMLParser):
    def __init__(self):
        super().__init__()
        self.headings = 0
        self.buttons: list[dict] = []
        self.roots: list[dict] = []
        self._depth = 0
        self._button = None

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if self._depth == 0:
            self.roots.append({"tag": tag, **attributes})
        self._depth += 1
        if tag in ("h1", "h2", "h3", "h4"):
            self.headings += 1
        if tag == "button":
            self._button = {**attributes, "text": ""}
            self.buttons.append(self._button)

    def handle_endtag(self, tag):
        self._depth -= 1
        if tag == "button":
            self._button = None

    def handle_data(self, data):
        if self._button is not None:
            self._button["text"] += data


def _parse(html):
    parser = _PageParser()
    parser.feed(html)
    return parser


def test_every_template_of_the_spec_exists():
    assert set(ALL) >= SPEC_TEMPLATES


@pytest.mark.parametrize("name", [name for name in ALL if name not in WORDLESS_INCLUDES])
def test_template_is_translatable(name):
    source = (TEMPLATES / name).read_text()
    assert source.startswith("{% load i18n %}")
    assert "{% trans" in source or "{% blocktrans" in source


@pytest.mark.parametrize("name", PAGES)
def test_page_has_its_marker_one_heading_and_labelled_buttons(name):
    parser = _parse(render_to_string(name, FULL_CONTEXT))

    assert len(parser.roots) == 1
    assert parser.roots[0]["data-page"] == name.removesuffix(".html")
    assert parser.headings == 1
    for button in parser.buttons:
        assert button.get("type") == "button"
        assert button["text"].strip()
        assert button.get("data-action")


@pytest.mark.parametrize("name", PAGES)
def test_page_renders_in_another_language(name):
    with translation.override("fr"):
        assert render_to_string(name, FULL_CONTEXT).strip()


@pytest.mark.parametrize("name", sorted(WORDLESS_INCLUDES))
def test_wordless_includes_only_show_labels_the_page_translated(name):
    source = (TEMPLATES / name).read_text()
    body = source.split("#}", 1)[1]
    assert "{{ " in body and "{% trans" not in body and "{% blocktrans" not in body
    assert all(label in body for label in ("label }}",))


def test_errors_are_announced():
    html = render_to_string("proctored_exam/error_modal.html", FULL_CONTEXT)
    assert 'role="alert"' in html
    assert 'aria-live="assertive"' in html
