"""The host permissions edx_proctoring consults through django-rules (edx-platform's courseware rules)."""

import rules

from demo.app.models import Enrollment
from demo.app.services import PROCTORED_MODES


@rules.predicate
def is_track_ok_for_exam(user, exam):
    """An active enrollment in a mode that may take proctored exams, in the exam's course."""
    if not getattr(user, "is_authenticated", False) or not exam:
        return False
    return Enrollment.objects.filter(
        user=user, course_id=exam["course_id"], is_active=True, mode__in=PROCTORED_MODES
    ).exists()


rules.set_perm("edx_proctoring.can_take_proctored_exam", is_track_ok_for_exam)
rules.set_perm("accounts.can_retire_user", rules.is_superuser)
