"""Text from learners and vendors, made safe to write into logs."""

from __future__ import annotations

MAX_LOGGED_LENGTH = 500


def loggable_text(value: object, *, max_length: int = MAX_LOGGED_LENGTH) -> str:
    """`value` as one quoted line: control characters (newlines included) escaped, length bounded.

    A log line that a learner can end and restart can forge entries (say, a fake "attempt verified"
    line); escaping keeps every learner-provided text inside its own entry.
    """
    text = "" if value is None else str(value)
    truncated = len(text) > max_length
    text = text[:max_length]
    escaped = "".join(_escape(char) for char in text)
    return f'"{escaped}"' + (" (truncated)" if truncated else "")


def _escape(char: str) -> str:
    if char in '\\"':
        return "\\" + char
    if char.isprintable():
        return char
    return char.encode("unicode_escape").decode("ascii")
