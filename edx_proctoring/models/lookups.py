"""Turning caller-supplied ids into lookups that cannot fail with a type error, and reading ids in batches."""

from collections.abc import Iterator

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


def row_batches(*, queryset, columns: tuple[str, ...] = (), batch_size: int) -> Iterator[list[tuple]]:
    """`queryset`'s rows as ``(id, *columns)``, `batch_size` at a time, by a keyset on id (bounded memory, no OFFSET).

    Raises ValueError at once for a `batch_size` below 1 (which would read nothing, or fail in the database).
    """
    if isinstance(batch_size, bool) or not isinstance(batch_size, int) or batch_size < 1:
        raise ValueError(f"batch_size must be a whole number of rows, at least 1, not {batch_size!r}.")
    return _keyset_batches(queryset=queryset, columns=columns, batch_size=batch_size)


def _keyset_batches(*, queryset, columns: tuple[str, ...], batch_size: int) -> Iterator[list[tuple]]:
    last_id = 0
    while True:
        rows = list(queryset.filter(id__gt=last_id).order_by("id").values_list("id", *columns)[:batch_size])
        if not rows:
            return
        yield rows
        last_id = rows[-1][0]


def id_batches(queryset, *, batch_size: int) -> Iterator[list[int]]:
    """The ids of `queryset`'s rows, `batch_size` at a time (see `row_batches`)."""
    return ([row[0] for row in rows] for rows in row_batches(queryset=queryset, batch_size=batch_size))
