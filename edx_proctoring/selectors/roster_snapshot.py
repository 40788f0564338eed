"""A short-lived snapshot of a staff list's learners: the ids of the host's enrollments, in the host's order.

The host's enrollments service (edx-platform's) returns its enrollments ordered by username. Counting them and
slicing one page of them makes the database join and sort every enrollment of the course on each page: at
100,000 learners MariaDB spends a quarter of a second on it. So the ordered ids are read once and kept in the
default cache for ``config.staff_list_snapshot_seconds()``; a page then reads only its own learners' enrollments
by id, and the count is the snapshot's length. A learner who enrolls meanwhile shows up when the snapshot
expires; one who unenrolls drops out of the pages at once (their enrollment is no longer found).

The ids are stored as the little-endian bytes of fixed-width integers, grouped byte by byte (all the ids' first
bytes, then all their second bytes...) so that the nearly constant high bytes compress to almost nothing, and
zlib-compressed: 200,000 ids take under 800 kB even when spread over the whole 32-bit range, below memcached's
1 MB item limit.
"""

from __future__ import annotations

import hashlib
import logging
import sys
import zlib
from array import array
from collections.abc import Sequence

from django.core.cache import cache
from django.db.models import QuerySet

from edx_proctoring import config

log = logging.getLogger(__name__)

_KEY_PREFIX = "edx_proctoring:roster:v1"
# Memcached's default item limit is 1 MiB, key and bookkeeping included: a larger snapshot is not stored (each
# page then reads the ordered ids itself, still cheaper than counting and sorting for the page).
MAX_STORED_BYTES = 1_000_000
_TYPECODES = {4: "I", 8: "Q"}
_ZLIB_LEVEL = 3  # level 6 and above take twice as long for one percent less


def snapshot_key(*, list_name: str, course_id: str, text_search: str | None) -> str:
    """The cache key of a list's snapshot: safe for memcached (no spaces, well under 250 characters)."""
    digest = hashlib.sha256(f"{course_id}\n{text_search or ''}".encode()).hexdigest()
    return f"{_KEY_PREFIX}:{list_name}:{digest}"


def encode_ids(ids: Sequence[int]) -> bytes:
    """`ids` (whole numbers from 0 to 2**64 - 1) as compact bytes; `decode_ids` reads them back."""
    width = 4 if not ids or max(ids) < 2**32 else 8
    values = array(_TYPECODES[width], ids)
    if sys.byteorder == "big":
        values.byteswap()
    raw = values.tobytes()
    planes = b"".join(raw[offset::width] for offset in range(width))
    return bytes([width]) + zlib.compress(planes, _ZLIB_LEVEL)


def decode_ids(payload: bytes) -> array:
    width = payload[0]
    planes = zlib.decompress(payload[1:])
    count = len(planes) // width
    raw = bytearray(len(planes))
    for offset in range(width):
        raw[offset::width] = planes[offset * count : (offset + 1) * count]
    values = array(_TYPECODES[width], bytes(raw))
    if sys.byteorder == "big":
        values.byteswap()
    return values


def learner_ids(
    *, enrollments: QuerySet, list_name: str, course_id: str, text_search: str | None
) -> Sequence[int] | None:
    """The user ids of `enrollments` in their order, from the snapshot when there is one, else read and kept;
    None when snapshots are turned off (``STAFF_LIST_SNAPSHOT_SECONDS`` is 0).

    A learner listed twice by the host is kept once, where first listed. The cache is an optimisation: when it
    fails, the ids are read from the database and the page is still served.
    """
    seconds = config.staff_list_snapshot_seconds()
    if not seconds:
        return None
    key = snapshot_key(list_name=list_name, course_id=course_id, text_search=text_search)
    what = f"{list_name} roster of {course_id}"
    payload = cached(key=key, what=what)
    if payload is not None:
        return decode_ids(payload)
    ids = list(dict.fromkeys(enrollments.values_list("user_id", flat=True)))
    _store(key=key, ids=ids, seconds=seconds, what=what)
    return ids


def cached(*, key: str, what: str):
    """The cache's value for `key`, or None when it has none or fails: a staff list's cache only saves work."""
    try:
        return cache.get(key)
    except Exception:  # any cache backend failure: the caller reads the database instead
        log.warning("The %s could not be read from the cache", what, exc_info=True)
        return None


def keep(*, key: str, value, seconds: int, what: str) -> None:
    """Put `value` in the cache for `seconds`; a failing cache is logged, and the next page reads it again."""
    try:
        cache.set(key, value, seconds)
    except Exception:  # any cache backend failure (see `cached`)
        log.warning("The %s could not be kept in the cache", what, exc_info=True)


def _store(*, key: str, ids: list[int], seconds: int, what: str) -> None:
    try:
        payload = encode_ids(ids)
    except (TypeError, OverflowError):  # a host whose user ids are not unsigned integers (a custom user model)
        log.info("The %s is not kept: its user ids are not unsigned integers", what)
        return
    if len(payload) > MAX_STORED_BYTES:
        log.info("The %s is not kept: %d learners take %d bytes", what, len(ids), len(payload))
        return
    keep(key=key, value=payload, seconds=seconds, what=what)


def enrollments_of(*, enrollments: QuerySet, user_ids: Sequence[int]) -> list:
    """The enrollments of `user_ids`, in that order (one query); a learner no longer enrolled is left out."""
    if not user_ids:
        return []
    by_user = {enrollment.user_id: enrollment for enrollment in enrollments.filter(user_id__in=list(user_ids))}
    return [by_user[user_id] for user_id in user_ids if user_id in by_user]
