"""Reading request input strictly: every malformed value becomes a 400 with a message, never a 500."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from opaque_keys import InvalidKeyError
from opaque_keys.edx.keys import CourseKey

from edx_proctoring.http.errors import BadRequest

# Longest string accepted in any free-text input; the columns behind them are CharField(255).
MAX_STRING_LENGTH = 255
# Longest search text: it goes into a LIKE pattern, nothing longer is useful.
MAX_SEARCH_LENGTH = 255
_MISSING = object()


def body(request) -> Mapping:
    """The request body as a mapping (a JSON object or form data); anything else is a 400."""
    data = request.data
    if not isinstance(data, Mapping):
        raise BadRequest("The request body must be a JSON object.")
    return data


def string(data: Mapping, key: str, *, required: bool = False, default=None, max_length: int = MAX_STRING_LENGTH):
    """A string field (numbers are accepted and turned into text); too long or of another type -> 400."""
    value = data.get(key, _MISSING)
    if value is _MISSING or value is None:
        if required:
            raise BadRequest(f"The field '{key}' is required.")
        return default
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise BadRequest(f"The field '{key}' must be a string.")
    value = str(value)
    if len(value) > max_length:
        raise BadRequest(f"The field '{key}' is too long (at most {max_length} characters).")
    return value


def integer(data: Mapping, key: str, *, required: bool = False, default=None, minimum: int | None = 0):
    """An integer field, given as a number or as decimal digits; anything else -> 400."""
    value = data.get(key, _MISSING)
    if value is _MISSING or value is None or value == "":
        if required:
            raise BadRequest(f"The field '{key}' is required.")
        return default
    return parse_int(value, name=key, minimum=minimum)


def parse_int(value: Any, *, name: str, minimum: int | None = 0) -> int:
    if isinstance(value, bool):
        raise BadRequest(f"The field '{name}' must be an integer.")
    if isinstance(value, int):
        number = value
    elif isinstance(value, str) and value.strip().lstrip("-").isdecimal() and len(value) <= 18:
        number = int(value.strip())
    else:
        raise BadRequest(f"The field '{name}' must be an integer.")
    if minimum is not None and number < minimum:
        raise BadRequest(f"The field '{name}' must be at least {minimum}.")
    if number > 2**31 - 1:
        raise BadRequest(f"The field '{name}' is too large.")
    return number


def truthy_string(data: Mapping, key: str, *, default: str = "false") -> bool:
    """The historic boolean-as-string inputs: true when the value, as text, is 'true' in any case.

    JSON booleans are accepted too.
    """
    value = data.get(key, default)
    if isinstance(value, bool):
        return value
    if not isinstance(value, str | int):
        raise BadRequest(f"The field '{key}' must be 'true' or 'false'.")
    return str(value).lower() == "true"


def query_flag(request, key: str) -> bool:
    """A query flag in the MFE style: '1', 'true' or 'True' mean yes."""
    return request.query_params.get(key) in ("1", "true", "True")


def course_id(value: Any, *, name: str = "course_id") -> str:
    """A course key as a string, checked to be parseable; a bad key -> 400."""
    if not isinstance(value, str) or not value or len(value) > MAX_STRING_LENGTH:
        raise BadRequest(f"The field '{name}' must be a course key.")
    try:
        CourseKey.from_string(value)
    except InvalidKeyError:
        raise BadRequest(f"'{value}' is not a valid course key.") from None
    return value


def comma_list(value: Any, *, name: str, max_items: int = 1000) -> list[str]:
    """A comma-separated list given as a string: all whitespace removed, empty items dropped."""
    if value is None:
        return []
    if isinstance(value, list):
        value = ",".join(str(item) for item in value)
    if not isinstance(value, str | int):
        raise BadRequest(f"The field '{name}' must be a comma-separated string.")
    items = ["".join(item.split()) for item in str(value).split(",")]
    items = [item for item in items if item]
    if len(items) > max_items:
        raise BadRequest(f"The field '{name}' lists too many items (at most {max_items}).")
    for item in items:
        if len(item) > MAX_STRING_LENGTH:
            raise BadRequest(f"An item of '{name}' is too long (at most {MAX_STRING_LENGTH} characters).")
    return items
