"""The mock vendor's instructor dashboard: a plain HTML page listing exams and attempts."""

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
