"""Page numbers as Django's `Paginator.get_page` reads them, for lists paginated in SQL."""

from __future__ import annotations

import math

PAGE_SIZE = 25


def page_number(raw, *, total_pages: int) -> int:
    """`?page` read like `Paginator.get_page`: missing or not a whole number -> 1; below 1 or past the end ->
    the last page."""
    try:
        value = float(raw)
        number = int(value)
    except (TypeError, ValueError, OverflowError):
        return 1
    if value != number:
        return 1
    last = max(total_pages, 1)
    if number < 1 or number > last:
        return last
    return number


def total_pages(count: int, *, per_page: int = PAGE_SIZE) -> int:
    """Pages needed for `count` rows (1 for an empty list, as Django's Paginator says with allow_empty)."""
    return max(math.ceil(count / per_page), 1)
