"""Rendering a learner's student view and seeing which page, with which context, came out."""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from django.test.signals import template_rendered

from edx_proctoring.api import get_student_view

NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
PERMISSION = "edx_proctoring.can_take_proctored_exam"


@dataclass
class Rendered:
    """The student view's answer: the HTML (None = the exam content), the page template and its context."""

    html: str | None
    templates: list[str] = field(default_factory=list)
    context: dict[str, Any] = field(default_factory=dict)

    @property
    def page(self) -> str | None:
        """The page template (the first one rendered; the others are its includes)."""
        return self.templates[0] if self.templates else None

    @property
    def shows_content(self) -> bool:
        return self.html is None


@contextmanager
def _capture_templates():
    captured: list[tuple[str, dict]] = []

    def _receiver(sender, template, context, **kwargs):
        captured.append((template.name, context.flatten()))

    template_rendered.connect(_receiver, dispatch_uid="student-view-capture")
    try:
        yield captured
    finally:
        template_rendered.disconnect(dispatch_uid="student-view-capture")


def host_context(exam, **overrides) -> dict:
    """What edx-platform's sequence block passes for the exam."""
    context = {
        "display_name": exam.exam_name,
        "default_time_limit_mins": exam.time_limit_mins,
        "is_practice_exam": exam.is_practice_exam,
        "is_proctored": exam.is_proctored,
        "allow_proctoring_opt_out": False,
        "due_date": exam.due_date,
        "hide_after_due": exam.hide_after_due,
        "credit_state": None,
    }
    context.update(overrides)
    return context


def render_view(user, exam=None, *, context=None, course_id=None, content_id=None, user_role="student") -> Rendered:
    """Render the student view of `exam` for `user` (context defaults to the host's for that exam)."""
    if context is None:
        context = host_context(exam)
    course_id = course_id or exam.course_id
    content_id = content_id or exam.content_id
    with _capture_templates() as captured:
        html = get_student_view(user.id, course_id, content_id, context, user_role=user_role)
    rendered = Rendered(html=html, templates=[name for name, _ in captured])
    if captured:
        rendered.context = captured[0][1]
    return rendered


def marker(page: str) -> str:
    """The attribute each page's root element carries."""
    return f'data-page="{page}"'
