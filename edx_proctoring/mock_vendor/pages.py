"""The mock vendor's HTML pages: the instructor dashboard (exams and attempts) and the software download page."""

from __future__ import annotations

from html import escape
from typing import Any


def _cell(value: Any) -> str:
    return f"<td>{escape('' if value is None else str(value))}</td>"


def instructor_page(*, claims: dict[str, Any], snapshot: dict[str, Any], vendor_name: str) -> str:
    """The page an LMS instructor lands on; scoped to the JWT's course (and exam, when given)."""
    course_id = claims.get("course_id")
    exam_id = claims.get("exam_id")
    highlighted = claims.get("attempt_id")
    user = claims.get("user") if isinstance(claims.get("user"), dict) else {}
    exams = [
        exam
        for exam in snapshot["exams"]
        if (not exam.get("course_id") or exam.get("course_id") == course_id) and (not exam_id or exam["id"] == exam_id)
    ]
    exam_ids = {exam["id"] for exam in exams}
    attempts = [attempt for attempt in snapshot["attempts"] if attempt["exam_id"] in exam_ids]

    exam_rows = "".join(
        "<tr>" + _cell(exam["id"]) + _cell(exam.get("exam_name")) + _cell(exam.get("course_id")) + "</tr>"
        for exam in exams
    )
    attempt_rows = "".join(
        f'<tr class="{"highlight" if attempt["id"] == highlighted else ""}">'
        + _cell(attempt["id"])
        + _cell(attempt["exam_id"])
        + _cell(attempt["user_id"])
        + _cell(attempt["status"])
        + _cell(" → ".join(attempt.get("history", [])))
        + "</tr>"
        for attempt in attempts
    )
    mode = "configuration" if claims.get("config") else "review"
    return f"""<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>{escape(vendor_name)}: instructor dashboard</title>
<style>body{{font-family:sans-serif}} table{{border-collapse:collapse}} td,th{{border:1px solid #999;padding:4px}}
.highlight{{background:#ffd}}</style></head>
<body>
<h1>{escape(vendor_name)} instructor dashboard</h1>
<p>Course: <strong>{escape(str(course_id))}</strong>; signed in as {escape(str(user.get("email") or user.get("id")))};
mode: {mode}.</p>
<h2>Exams ({len(exams)})</h2>
<table id="exams"><tr><th>id</th><th>name</th><th>course</th></tr>{exam_rows}</table>
<h2>Attempts ({len(attempts)})</h2>
<table id="attempts"><tr><th>id</th><th>exam</th><th>user</th><th>status</th><th>history</th></tr>{attempt_rows}</table>
</body></html>
"""


def error_page(*, message: str) -> str:
    return f'<!DOCTYPE html><html lang="en"><body><h1>Access denied</h1><p>{escape(message)}</p></body></html>'


def download_page(*, vendor_name: str) -> str:
    """Where the learner's "download the proctoring software" link leads (the config's ``download_url``).

    There is nothing to install: the mock vendor reports the learner's computer ready on its own, shortly
    after the attempt is registered, so the page says so and sends the learner back to the exam.
    """
    name = escape(vendor_name)
    return f"""<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{name}: proctoring software</title>
<style>body{{font-family:sans-serif;max-width:40em;margin:2em auto;padding:0 1em;line-height:1.5}}</style></head>
<body>
<h1>{name}: proctoring software</h1>
<p>This is a mock proctoring vendor for development and demos: there is no software to download or install.</p>
<p>A real vendor would give you an application that checks your camera, microphone and screen, then tells the
exam site that your computer is ready. The mock vendor does that on its own, a moment after you start the
setup, and reviews your exam shortly after you submit it.</p>
<p>You can close this window and go back to the exam page: select "I have completed the setup" there.</p>
</body></html>
"""
