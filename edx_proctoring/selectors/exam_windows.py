"""One window of a course-wide staff list, read without sorting the course.

The staff lists (the grouped attempts, the allowance pages) are read as one ordered sub-select per exam of
the course, each stopping after the rows the window can need, merged with UNION ALL and cut. A window past
the middle of the list is read from the list's far end and reversed. Either end then touches about a page of
rows per exam whatever the course size, on every database, without relying on the planner to avoid a sort.
"""

from __future__ import annotations

from collections.abc import Callable

from django.db import connection


def window_at_nearer_end(*, count: int, offset: int, size: int, read: Callable[..., list]) -> list:
    """The `size` rows from `offset` of a list of `count` rows.

    `read(from_end=..., skip=...)` returns `size` rows of the list in its order (from_end False) or in
    reverse order (True), after skipping `skip` rows; the nearer end is read, so the last page costs what
    the first does.
    """
    if size <= 0:
        return []
    from_end = count - offset - size
    if offset <= from_end:
        return read(from_end=False, skip=offset)
    return read(from_end=True, skip=from_end)[::-1]


def merged_per_exam(
    *,
    table: str,
    columns: list[str],
    exam_ids: list[int],
    order: list[str],
    descending: bool,
    limit: int,
    offset: int,
    condition: str = "",
) -> list[tuple]:
    """`columns` of rows `offset` to `offset + limit` of `table` (alias ``a``) over `exam_ids`, by `order`.

    Each exam's sub-select reads at most `offset + limit` rows in that order (an index on the exam and the
    order serves it); `condition` (SQL on ``a``, without parameters) filters each exam's rows.
    """
    if not exam_ids:
        return []
    quote = connection.ops.quote_name
    way = "DESC" if descending else "ASC"
    # The merge orders by the order's columns, so each sub-select carries them too.
    carried = list(dict.fromkeys([*columns, *order]))
    inner_columns = ", ".join(f"a.{quote(column)}" for column in carried)
    inner_order = ", ".join(f"a.{quote(column)} {way}" for column in order)
    where = f" AND {condition}" if condition else ""
    per_exam, params = [], []
    for index, exam_id in enumerate(exam_ids):
        per_exam.append(
            f"SELECT * FROM (SELECT {inner_columns} FROM {quote(table)} a WHERE a.proctored_exam_id = %s{where}"
            f" ORDER BY {inner_order} LIMIT %s) exam_{index}"
        )
        params += [exam_id, offset + limit]
    outer_columns = ", ".join(quote(column) for column in columns)
    outer_order = ", ".join(f"{quote(column)} {way}" for column in order)
    sql = f"SELECT {outer_columns} FROM ({' UNION ALL '.join(per_exam)}) page ORDER BY {outer_order} LIMIT %s OFFSET %s"
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, limit, offset])
        return [tuple(row) for row in cursor.fetchall()]
