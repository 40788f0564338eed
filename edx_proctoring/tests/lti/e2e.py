"""The end-to-end LTI tests' browser (cookies, redirects, auto-submitting forms) and the launch they walk through.

It behaves as Chromium does on loopback for what the launch needs: cookies are per host (not per port, so
the platform and the tool on 127.0.0.1 share a jar, as in a real browser), ``Secure`` cookies are sent over
``http://127.0.0.1`` (a potentially trustworthy origin), redirects are followed with GET, and a page whose
form submits itself on load is submitted by `submit_form`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import requests
from django.conf import settings
from django.test import Client

from edx_proctoring.api import create_exam_attempt
from edx_proctoring.models import ProctoredExamStudentAttempt, ProctoringAuditEntry

TIMEOUT = 15
LTI_PREFIX = "/api/edx_proctoring/v1/lti/"


@dataclass
class Form:
    action: str
    method: str
    fields: dict[str, str] = field(default_factory=dict)


class _FormParser(HTMLParser):
    def __init__(self):
        super().__init__()
        self.forms: list[Form] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "form":
            self.forms.append(Form(action=attributes.get("action") or "", method=(attributes.get("method") or "get")))
        elif tag == "input" and self.forms and attributes.get("name"):
            self.forms[-1].fields[attributes["name"]] = attributes.get("value") or ""


def forms_of(html: str) -> list[Form]:
    parser = _FormParser()
    parser.feed(html)
    return parser.forms


class Browser:
    """One learner's browser. `trail` lists (method, url, status) of every request it made."""

    def __init__(self):
        self.cookies: dict[str, dict[str, str]] = {}
        self.trail: list[tuple[str, str, int]] = []

    @classmethod
    def signed_in(cls, *, user, url: str) -> Browser:
        """A browser with `user`'s session on the site at `url` (the live server)."""
        client = Client()
        client.force_login(user)
        browser = cls()
        browser.cookies.setdefault(urlsplit(url).hostname, {})[settings.SESSION_COOKIE_NAME] = client.cookies[
            settings.SESSION_COOKIE_NAME
        ].value
        return browser

    def request(self, method: str, url: str, data: dict | None = None) -> requests.Response:
        host = urlsplit(url).hostname
        jar = self.cookies.get(host, {})
        headers = {"Cookie": "; ".join(f"{name}={value}" for name, value in jar.items())} if jar else {}
        response = requests.request(method, url, data=data, headers=headers, allow_redirects=False, timeout=TIMEOUT)
        for cookie in response.cookies:
            self.cookies.setdefault(host, {})[cookie.name] = cookie.value
        self.trail.append((method, url, response.status_code))
        return response

    def go(self, method: str, url: str, data: dict | None = None, *, follow: bool = True) -> requests.Response:
        response = self.request(method, url, data)
        while follow and response.status_code in (301, 302, 303, 307) and "Location" in response.headers:
            url = urljoin(url, response.headers["Location"])
            response = self.request("GET", url)
        return response

    def submit_form(self, response: requests.Response, *, follow: bool = True, **changes) -> requests.Response:
        """Submit the page's (first) form as its onload script would, with `changes` to its fields."""
        forms = forms_of(response.text)
        assert forms, f"No form on the page from {response.url}: {response.status_code} {response.text[:500]}"
        form = forms[0]
        return self.go(
            form.method.upper(), urljoin(response.url, form.action), {**form.fields, **changes}, follow=follow
        )


# -- the launch, as the learner's browser walks it ------------------------------------------------------


def new_attempt(exam, user) -> int:
    return create_exam_attempt(exam.id, user.id, taking_as_proctored=True)


def status_of(attempt_id: int) -> str:
    return ProctoredExamStudentAttempt.objects.get(id=attempt_id).status


def start_url(live_server, attempt_id: int) -> str:
    return f"{live_server.url}{LTI_PREFIX}start/{attempt_id}/"


def to_tool_page(browser: Browser, live_server, attempt_id: int):
    """Launch as the learner up to the tool's page holding LtiStartAssessment (not yet posted back)."""
    auth_page = browser.go("GET", start_url(live_server, attempt_id))
    assert auth_page.status_code == 200, auth_page.text[:1000]
    [form] = forms_of(auth_page.text)
    assert set(form.fields) == {"id_token", "state"}
    tool_page = browser.submit_form(auth_page)
    assert tool_page.status_code == 200, tool_page.text[:1000]
    return tool_page


def launch(browser: Browser, live_server, attempt_id: int):
    """The whole launch; the platform's answer to LtiStartAssessment (not followed)."""
    return browser.submit_form(to_tool_page(browser, live_server, attempt_id), follow=False)


def assert_refused(response, *, code: str | None = None):
    """A 4xx page for the learner with a support reference that the audit log also holds."""
    assert 400 <= response.status_code < 500, (response.status_code, response.text[:1000])
    reference = re.search(r"reference: ([0-9A-F]{12})", response.text)
    assert reference, response.text[:1000]
    entry = ProctoringAuditEntry.objects.filter(details__reference=reference.group(1)).get()
    if code is not None:
        assert entry.details["code"] == code, entry.details
    return entry
