"""Signals this app sends to tell other apps what happened.

`exam_attempt_status_signal` is sent when an attempt is created and after every status change, with the
keyword arguments attempt_id, user_id, status, full_name, profile_name, is_practice_exam, is_proctored
and backend_supports_onboarding (sender 'edx_proctoring'). edx-name-affirmation listens to it.
"""

from django.dispatch import Signal

exam_attempt_status_signal = Signal()
