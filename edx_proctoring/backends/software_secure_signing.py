"""Wire-format helpers of the PSI RPNow (SoftwareSecure) registration call.

Everything here is pure: the request signature, the exam password and the text clean-ups that PSI
expects. PSI verifies the signature over its own rendering of the JSON body, so the canonical form
below must be reproduced byte-for-byte, historic quirks included:

* one ``key:value`` line per leaf, keys sorted at every level;
* the keys of a nested dict are prefixed with the name of that dict only; the prefix does not
  accumulate, so ``{"a": {"b": {"c": 1}}}`` yields ``b.c:1``;
* list items are named ``<list key>.<index>`` without any outer prefix; an item that is a dict is
  rendered with the prefix ``<list key>.<index>.``, any other item with ``str()`` (``None`` -> ``None``);
* booleans render as ``true`` / ``false``; a falsy scalar other than ``""`` (``None``, ``0``, ``0.0``)
  renders as ``null``; everything else with ``str()``.
"""

import base64
import hashlib
import hmac
import unicodedata
from datetime import UTC
from email.utils import format_datetime

from Crypto.Cipher import DES3

SIGNATURE_METHOD = "POST"
SIGNATURE_CONTENT_TYPE = "application/json"
DES3_BLOCK_SIZE = 8
EXAM_NAME_FORBIDDEN_CHARACTERS = "[]<>#:|!?/'\"*\\"
DEFAULT_EXAM_NAME = "Proctored Exam"


def _render_scalar(value):
    if isinstance(value, bool):
        return "true" if value else "false"
    if not value and value != "":
        return "null"
    return str(value)


def canonical_body_lines(body, prefix=""):
    """The ``key:value`` lines (str, no newline) PSI signs for the dict `body`."""
    lines = []
    for key in sorted(body):
        value = body[key]
        if isinstance(value, dict):
            # Deliberately the bare key: the prefix carries one level only.
            lines.extend(canonical_body_lines(value, prefix=f"{key}."))
        elif isinstance(value, list | tuple):
            for index, item in enumerate(value):
                item_key = f"{key}.{index}"
                if isinstance(item, dict):
                    lines.extend(canonical_body_lines(item, prefix=f"{item_key}."))
                else:
                    lines.append(f"{item_key}:{item}")
        else:
            lines.append(f"{prefix}{key}:{_render_scalar(value)}")
    return lines


def canonical_body(body):
    """The signed rendering of `body` as UTF-8 bytes: every line followed by a newline."""
    return "".join(f"{line}\n" for line in canonical_body_lines(body)).encode("utf-8")


def signature_message(body, date_header):
    """The full byte string that is HMAC'ed: method, empty MD5 line, content type, date, canonical body."""
    header = f"{SIGNATURE_METHOD}\n\n{SIGNATURE_CONTENT_TYPE}\n{date_header}\n".encode()
    return header + canonical_body(body)


def sign_body(body, date_header, secret_key):
    """Base64 HMAC-SHA256 of the signature message, keyed with `secret_key` (str or bytes)."""
    key = secret_key.encode("utf-8") if isinstance(secret_key, str) else secret_key
    digest = hmac.new(key, signature_message(body, date_header), hashlib.sha256).digest()
    return base64.b64encode(digest).decode("ascii")


def authorization_header(body, date_header, secret_key_id, secret_key):
    """The ``Authorization`` header value: ``SSI <key id>:<signature>``."""
    return f"SSI {secret_key_id}:{sign_body(body, date_header, secret_key)}"


def http_date(moment):
    """RFC 1123 date in GMT (``Tue, 02 Jan 2024 03:04:05 GMT``) for an aware or naive-UTC datetime.

    Built without strftime so the process locale cannot change the day and month names.
    """
    moment = moment.astimezone(UTC) if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
    return format_datetime(moment, usegmt=True)


def pkcs5_pad(data, block_size=DES3_BLOCK_SIZE):
    """Pad to a multiple of `block_size` with n bytes of value n (1..block_size)."""
    count = block_size - len(data) % block_size
    return data + bytes([count]) * count


def encrypt_exam_password(attempt_code, crypto_key):
    """Base64 of the 3DES-ECB encryption of the attempt code, as PSI decodes the exam password."""
    key = crypto_key.encode("utf-8") if isinstance(crypto_key, str) else crypto_key
    cipher = DES3.new(key, DES3.MODE_ECB)
    encrypted = cipher.encrypt(pkcs5_pad(str(attempt_code).encode("utf-8")))
    return base64.b64encode(encrypted).decode("ascii")


def sanitize_exam_name(exam_name):
    """ASCII-fold the exam name and replace the characters PSI rejects with ``_``."""
    folded = unicodedata.normalize("NFKD", exam_name or "").encode("ascii", "ignore").decode("ascii")
    cleaned = "".join("_" if char in EXAM_NAME_FORBIDDEN_CHARACTERS else char for char in folded)
    return cleaned or DEFAULT_EXAM_NAME


def split_full_name(full_name):
    """``(first, last)`` split on the first space; missing parts are empty strings."""
    first_name, _, last_name = (full_name or "").partition(" ")
    return first_name, last_name
