"""Turning caller-supplied ids into lookups that cannot fail with a type error."""


def as_id(value) -> int | None:
    """`value` as a primary key, or None when it cannot be one (a lookup by None finds nothing).

    Callers pass ids from URLs, JSON bodies and host code; a malformed one must read as "not found",
    never as a database type error.
    """
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdecimal():
        return int(value.strip())
    return None
