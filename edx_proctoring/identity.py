"""How learners are identified to vendors without revealing their platform ids."""

import hashlib
import hmac

from edx_proctoring import config


def obscured_user_id(user_id, *extra):
    """A stable pseudonym: HMAC-SHA1 of the user id (and, from callers, the backend name) as 40 hex chars."""
    message = str(user_id).encode("utf-8") + b"".join(str(part).encode("utf-8") for part in extra)
    key = config.user_obfuscation_key().encode("ascii")
    return hmac.new(key, message, hashlib.sha1).hexdigest()
