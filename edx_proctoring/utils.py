"""Historic helper module: views and vendor plugins import these names from here.

The helpers live in the domain modules; this module re-exports them under their old names.
``AuthenticatedAPIView`` is HTTP layer (``edx_proctoring.http.base``): it is handed out on first use, so
the domain modules that import helpers from here do not load Django REST framework.
"""

from typing import Any

from edx_proctoring.attempts.getters import locate_attempt_by_attempt_code  # noqa: F401
from edx_proctoring.attempts.lifecycle import is_reattempting_exam  # noqa: F401
from edx_proctoring.crypto import (  # noqa: F401
    aes_decrypt,
    aes_encrypt,
    decode_and_decrypt,
    encrypt_and_encode,
    generate_aes_iv,
    pad,
    unpad,
)
from edx_proctoring.events import emit_event  # noqa: F401
from edx_proctoring.exams import (  # noqa: F401
    get_course_home_url,
    get_exam_type,
    get_exam_url,
    resolve_exam_url_for_learning_mfe,
)
from edx_proctoring.identity import obscured_user_id  # noqa: F401
from edx_proctoring.onboarding import get_visibility_check_date  # noqa: F401
from edx_proctoring.timing import (  # noqa: F401
    get_course_end_date,
    get_exam_due_date,
    get_time_remaining_for_attempt,
    has_due_date_passed,
    has_end_date_passed,
    humanized_time,
    verify_and_add_wait_deadline,
)


def __getattr__(name: str) -> Any:
    if name == "AuthenticatedAPIView":
        from edx_proctoring.http.base import AuthenticatedAPIView  # the HTTP layer, on demand

        return AuthenticatedAPIView
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
