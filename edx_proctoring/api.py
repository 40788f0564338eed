"""The stable Python API edx-platform calls (directly and through `ProctoringService`).

A facade: every function here keeps its historic name and signature and lives in the domain module
named after what it does. Nothing is implemented in this file.
"""

from django.contrib.auth import get_user_model
from django.urls import reverse  # noqa: F401 - historic re-export

from edx_proctoring.allowances import (  # noqa: F401
    add_allowance_for_user,
    add_bulk_allowances,
    get_allowances_for_course,
    remove_allowance_for_user,
)
from edx_proctoring.attempts.context import can_update_credit_grades_and_email  # noqa: F401
from edx_proctoring.attempts.creation import (  # noqa: F401
    _get_verified_name,
    _register_proctored_exam_attempt,
    create_exam_attempt,
)
from edx_proctoring.attempts.effects import REJECTED_GRADE_OVERRIDE_EARNED  # noqa: F401
from edx_proctoring.attempts.getters import (  # noqa: F401
    _check_for_attempt_timeout,
    _get_exam_attempt,
    get_active_exams_for_user,
    get_all_exam_attempts,
    get_current_exam_attempt,
    get_exam_attempt_by_code,
    get_exam_attempt_by_external_id,
    get_exam_attempt_by_id,
    get_filtered_exam_attempts,
    get_user_attempts_by_exam_id,
    is_attempt_in_resume_process,
)
from edx_proctoring.attempts.lifecycle import (  # noqa: F401
    is_state_transition_legal,
    update_attempt_status,
)
from edx_proctoring.attempts.moves import (  # noqa: F401
    mark_exam_attempt_as_ready,
    mark_exam_attempt_as_ready_to_resume,
    mark_exam_attempt_as_resumed,
    mark_exam_attempt_timeout,
    start_exam_attempt,
    start_exam_attempt_by_code,
    stop_exam_attempt,
    update_exam_attempt,
)
from edx_proctoring.attempts.payload import is_attempt_ready_to_resume  # noqa: F401
from edx_proctoring.attempts.practice_retake import reset_practice_exam  # noqa: F401
from edx_proctoring.attempts.removal import (  # noqa: F401
    _remove_exam_attempt_from_backend,
    _remove_exam_attempts_from_backend,
    remove_exam_attempt,
)
from edx_proctoring.backends import get_backend_provider  # noqa: F401
from edx_proctoring.events import emit_event  # noqa: F401
from edx_proctoring.exams import (  # noqa: F401
    create_exam,
    does_backend_support_onboarding,
    get_all_exams_for_course,
    get_exam_by_content_id,
    get_exam_by_id,
    get_exam_configuration_dashboard_url,
    get_exam_type,
    get_exam_url,
    get_integration_specific_email,
    get_proctoring_settings_by_exam_id,
    get_total_allowed_time_for_exam,
    is_backend_dashboard_available,
    update_exam,
)
from edx_proctoring.exams import get_proctoring_escalation_email as _get_proctoring_escalation_email  # noqa: F401
from edx_proctoring.identity import obscured_user_id  # noqa: F401
from edx_proctoring.learner_exam_view import get_exam_attempt_data  # noqa: F401
from edx_proctoring.notifications import (  # noqa: F401
    _get_email_template_paths,
    create_proctoring_attempt_status_email,
)
from edx_proctoring.onboarding import (  # noqa: F401
    get_last_verified_onboarding_attempts_per_user,
    get_onboarding_attempt_data_for_learner,
    get_onboarding_exam_link,
)
from edx_proctoring.prerequisites import (  # noqa: F401
    _are_prerequirements_satisfied,
    _create_and_decline_attempt,
    _resolve_prerequisite_links,
    check_prerequisites,
)
from edx_proctoring.reports import (  # noqa: F401
    get_enrollments_can_take_proctored_exams,
    get_exam_violation_report,
    get_last_exam_completion_date,
)
from edx_proctoring.review_policies import (  # noqa: F401
    _get_review_policy_by_exam_id,
    create_exam_review_policy,
    get_review_policy_by_exam_id,
    remove_review_policy,
    update_review_policy,
)
from edx_proctoring.signals import exam_attempt_status_signal  # noqa: F401 - 6.1.x's api re-exports it
from edx_proctoring.student_view import get_student_view  # noqa: F401
from edx_proctoring.summaries import (  # noqa: F401
    PRACTICE_STATUS_SUMMARY_MAP,
    STATUS_SUMMARY_MAP,
    TIMED_EXAM_STATUS_SUMMARY_MAP,
    get_attempt_status_summary,
)
from edx_proctoring.timing import calculate_allowed_mins as _calculate_allowed_mins  # noqa: F401
from edx_proctoring.timing import (  # noqa: F401
    get_exam_due_date,
    get_time_remaining_for_attempt,
    has_due_date_passed,
    humanized_time,
    is_exam_passed_due,
)

USER_MODEL = get_user_model()
SHOW_EXPIRY_MESSAGE_DURATION = 60
APPROVED_STATUS = "approved"
JUMPTO_SUPPORTED_NAMESPACES = ["proctored_exam"]
