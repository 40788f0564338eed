"""A per-address request limit for the anonymous vendor callbacks (PSI's review and launch callbacks).

Those routes have no signed-in principal, so the only thing to count by is the client address. The count
is a fixed window kept in Django's default cache: the N+1-th request of an address within a window is
answered 429 with ``Retry-After``, and the count starts again with the next window.

``PROCTORING_SETTINGS["ANONYMOUS_CALLBACK_RATE"]``
    ``"<requests>/<unit>"`` with unit ``second``, ``minute``, ``hour`` or ``day`` (default ``"300/minute"``),
    or ``None`` to switch the limit off. Each callback has its own count.
``PROCTORING_SETTINGS["ANONYMOUS_CALLBACK_TRUSTED_PROXIES"]``
    How many reverse proxies of yours append to ``X-Forwarded-For`` in front of the LMS (default 0: the
    address is ``REMOTE_ADDR``, the header is ignored because anybody can write it). edx-platform already
    rewrites ``REMOTE_ADDR`` from that header in its own middleware, so leave this at 0 there.

When the cache cannot be reached the request is served: the limit is a second line of defence, and a PSI
review must not be lost because a cache node is down.
"""

from __future__ import annotations

import hashlib

from django.core.exceptions import ImproperlyConfigured

from edx_proctoring import config
from edx_proctoring.rate_windows import Rate, parse_rate, seconds_until_allowed

RATE_SETTING = "ANONYMOUS_CALLBACK_RATE"
TRUSTED_PROXIES_SETTING = "ANONYMOUS_CALLBACK_TRUSTED_PROXIES"
DEFAULT_RATE = "300/minute"
TOO_MANY_REQUESTS_MESSAGE = "Too many requests from this address; try again later."
_CACHE_PREFIX = "edx_proctoring.callback_rate"


def configured_rate() -> Rate | None:
    return parse_rate(config.proctoring_setting(RATE_SETTING, DEFAULT_RATE), setting=RATE_SETTING)


def configured_trusted_proxies() -> int:
    value = config.proctoring_setting(TRUSTED_PROXIES_SETTING, 0)
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ImproperlyConfigured(f'PROCTORING_SETTINGS["{TRUSTED_PROXIES_SETTING}"] must be a whole number >= 0.')
    return value


def client_address(request) -> str:
    """The address to count: REMOTE_ADDR, or the one the outermost trusted proxy saw."""
    remote = request.META.get("REMOTE_ADDR") or "unknown"
    proxies = configured_trusted_proxies()
    if not proxies:
        return remote
    hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
    # Entries left of the one our outermost proxy appended were written by the client and prove nothing.
    return hops[-proxies] if len(hops) >= proxies else remote


def retry_after(*, request, scope: str) -> int | None:
    """Count this request; the seconds until its window ends when the address is over the limit, else None."""
    rate = configured_rate()
    if rate is None:
        return None
    address = hashlib.sha256(client_address(request).encode("utf-8")).hexdigest()[:32]
    return seconds_until_allowed(key=f"{_CACHE_PREFIX}.{scope}.{address}", rate=rate, what=f"{scope} callback")
