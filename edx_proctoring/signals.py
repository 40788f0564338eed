"""Signals this app sends to tell other apps what happened.

`exam_attempt_status_signal` is sent when an attempt is created and after every status change, with the
keyword arguments attempt_id, user_id, status, full_name, profile_name, is_practice_exam, is_proctored
and backend_supports_onboarding (sender 'edx_proctoring'). edx-name-affirmation listens to it.

`exam_attempt_time_adjusted_signal` is sent after each time adjustment of a running attempt (extension or
its revocation, pause, resume, break start or end), which changes its deadline but not its status, with
attempt_id, user_id, kind, minutes, deadline (the new one, a datetime), paused (whether the clock is now
stopped), is_practice_exam and is_proctored (sender 'edx_proctoring').
"""

from django.dispatch import Signal

exam_attempt_status_signal = Signal()
exam_attempt_time_adjusted_signal = Signal()
