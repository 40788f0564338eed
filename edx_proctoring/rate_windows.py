"""Fixed-window request counts in Django's cache, shared by the anonymous vendor callbacks and the LTI token endpoint.

A rate is ``"<requests>/<second|minute|hour|day>"``. The N+1-th request of a key within a window is over the
limit until the window ends; the count starts again with the next window. A cache that cannot be reached
lets the request through: these limits are a second line of defence, never a reason to lose a request.
"""

from __future__ import annotations

import logging
import math
import time
from dataclasses import dataclass

from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured

log = logging.getLogger(__name__)

_UNITS = {"second": 1, "minute": 60, "hour": 3600, "day": 86400}


@dataclass(frozen=True)
class Rate:
    limit: int
    window_seconds: int


def parse_rate(value: object, *, setting: str) -> Rate | None:
    """The rate `value` describes (None: no limit); `ImproperlyConfigured` naming `setting` when it describes none."""
    if value is None:
        return None
    if isinstance(value, str) and "/" in value:
        count, _, unit = value.partition("/")
        unit = unit.strip().lower().removesuffix("s")
        # isdecimal, not isdigit: "²" is a digit that int() cannot read.
        if count.strip().isdecimal() and unit in _UNITS and int(count) > 0:
            return Rate(limit=int(count), window_seconds=_UNITS[unit])
    raise ImproperlyConfigured(
        f'PROCTORING_SETTINGS["{setting}"] must be "<requests>/<second|minute|hour|day>" or None, not {value!r}.'
    )


def _count(key: str, timeout: int) -> int:
    if cache.add(key, 1, timeout=timeout):
        return 1
    try:
        return cache.incr(key)
    except ValueError:  # the entry expired between add and incr
        cache.set(key, 1, timeout=timeout)
        return 1


def seconds_until_allowed(*, key: str, rate: Rate | None, what: str) -> int | None:
    """Count one request under `key`; the seconds until its window ends when over `rate`, else None.

    `what` names the limit in the warning logged when the cache fails (the request is then let through).
    """
    if rate is None:
        return None
    now = time.time()
    window = int(now // rate.window_seconds)
    try:
        count = _count(f"{key}.{window}", timeout=rate.window_seconds + 1)
    except Exception:  # any cache backend failure lets the request through (module docstring)
        log.warning("The %s rate limit is not enforced: the cache failed", what, exc_info=True)
        return None
    if count <= rate.limit:
        return None
    return max(1, math.ceil((window + 1) * rate.window_seconds - now))
