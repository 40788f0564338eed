"""Turning caller-supplied ids into lookups that cannot fail with a type error."""

MAX_ID = 2**63 - 1


def as_id(value) -> int | None:
    """`value` as a primary key, or None when it cannot be one (a lookup by None finds nothing).

    Callers pass ids from URLs, JSON bodies and host code; a malformed one must read as "not found",
    never as a database type error.
    """
    if isinstance(value, bool):
        return None
    if isinstance(value, str) and value.strip().isdecimal():
        value = int(value.strip())
    # Past a 64-bit integer no row can have the id, and the database driver would refuse the number.
    if isinstance(value, int) and -MAX_ID <= value <= MAX_ID:
        return value
    return None


def id_batches(queryset, *, batch_size: int):
    """The ids of `queryset`'s rows, `batch_size` at a time, by a keyset on id (bounded memory, no OFFSET)."""
    last_id = 0
    while True:
        ids = list(queryset.filter(id__gt=last_id).order_by("id").values_list("id", flat=True)[:batch_size])
        if not ids:
            return
        yield ids
        last_id = ids[-1]
