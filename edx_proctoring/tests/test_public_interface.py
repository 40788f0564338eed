"""What edx-platform, vendor plugins and edx-name-affirmation import from us, with the signatures they call."""

import importlib
import inspect

import pytest

from edx_proctoring import api
from edx_proctoring.services import ProctoringService

# (module, symbol) pairs imported by edx-platform (§13) and third-party plugins.
IMPORTED_SYMBOLS = [
    ("edx_proctoring.api", name)
    for name in (
        "create_exam",
        "update_exam",
        "get_exam_by_content_id",
        "get_exam_by_id",
        "get_all_exams_for_course",
        "create_exam_review_policy",
        "update_review_policy",
        "remove_review_policy",
        "does_backend_support_onboarding",
        "get_exam_configuration_dashboard_url",
        "get_attempt_status_summary",
        "is_backend_dashboard_available",
        "get_exam_violation_report",
        "get_last_exam_completion_date",
        "create_exam_attempt",
        "update_attempt_status",
        "get_current_exam_attempt",
        "get_student_view",
        "get_backend_provider",
    )
] + [
    ("edx_proctoring.exceptions", "ProctoredExamNotFoundException"),
    ("edx_proctoring.exceptions", "ProctoredExamReviewPolicyNotFoundException"),
    ("edx_proctoring.runtime", "set_runtime_service"),
    ("edx_proctoring.runtime", "get_runtime_service"),
    ("edx_proctoring.services", "ProctoringService"),
    ("edx_proctoring.models", "ProctoredExamStudentAttempt"),
    ("edx_proctoring.statuses", "ProctoredExamStudentAttemptStatus"),
    ("edx_proctoring.signals", "exam_attempt_status_signal"),
    ("edx_proctoring.backends.backend", "ProctoringBackendProvider"),
    ("edx_proctoring.backends.rest", "BaseRestProctoringProvider"),
    ("edx_proctoring.backends.tests.test_backend", "TestBackendProvider"),
    ("edx_proctoring.tests.test_services", "MockCreditService"),
    ("edx_proctoring.tests.test_services", "MockGradesService"),
    ("edx_proctoring.tests.test_services", "MockCertificateService"),
    ("edx_proctoring.tests.test_services", "MockInstructorService"),
    ("edx_proctoring.serializers", "ProctoredExamSerializer"),
    ("edx_proctoring.serializers", "ProctoredExamStudentAttemptSerializer"),
    ("edx_proctoring.utils", "obscured_user_id"),
    ("edx_proctoring.utils", "humanized_time"),
    ("edx_proctoring.utils", "AuthenticatedAPIView"),
    ("edx_proctoring.constants", "MINIMUM_TIME"),
    ("edx_proctoring.apps", "EdxProctoringConfig"),
]


@pytest.mark.parametrize(("module", "symbol"), IMPORTED_SYMBOLS)
def test_symbol_is_importable(module, symbol):
    assert hasattr(importlib.import_module(module), symbol)


# Parameter lists edx-platform relies on (names, order, defaults).
SIGNATURES = {
    "create_exam": "(course_id, content_id, exam_name, time_limit_mins, due_date=None, is_proctored=True, "
    "is_practice_exam=False, external_id=None, is_active=True, hide_after_due=False, backend=None)",
    "update_exam": "(exam_id, exam_name=None, time_limit_mins=None, due_date=datetime.datetime(1970, 1, 1, 0, 0, "
    "tzinfo=datetime.timezone.utc), is_proctored=None, is_practice_exam=None, external_id=None, is_active=None, "
    "hide_after_due=None, backend=None)",
    "get_exam_by_content_id": "(course_id, content_id)",
    "get_all_exams_for_course": "(course_id, active_only=False)",
    "create_exam_review_policy": "(exam_id, set_by_user_id, review_policy)",
    "update_review_policy": "(exam_id, set_by_user_id, review_policy)",
    "remove_review_policy": "(exam_id)",
    "does_backend_support_onboarding": "(backend)",
    "get_exam_configuration_dashboard_url": "(course_id, content_id)",
    "get_attempt_status_summary": "(user_id, course_id, content_id)",
    "is_backend_dashboard_available": "(course_id)",
    "get_exam_violation_report": "(course_id, include_practice_exams=False)",
    "get_last_exam_completion_date": "(course_id, username)",
    "create_exam_attempt": "(exam_id, user_id, taking_as_proctored=False)",
    "update_attempt_status": "(attempt_id, to_status, raise_if_not_found=True, cascade_effects=True, "
    "timeout_timestamp=None, update_attributable_to=None)",
    "get_current_exam_attempt": "(exam_id, user_id)",
    "get_student_view": "(user_id, course_id, content_id, context, user_role='student')",
    "start_exam_attempt": "(exam_id, user_id)",
    "stop_exam_attempt": "(attempt_id)",
    "remove_exam_attempt": "(attempt_id, requesting_user, require_backend_removal=True)",
    "reset_practice_exam": "(exam_id, user_id, requesting_user)",
    "is_state_transition_legal": "(from_status, to_status)",
    "can_update_credit_grades_and_email": "(attempts, to_status, exam)",
    "add_allowance_for_user": "(exam_id, user_info, key, value)",
    "add_bulk_allowances": "(exam_ids, user_ids, allowance_type, value)",
    "get_exam_attempt_data": "(exam_id, attempt_id, is_learning_mfe=False)",
    "get_onboarding_attempt_data_for_learner": "(course_id, user, backend)",
    "create_proctoring_attempt_status_email": "(exam_attempt_obj, course_name, course_id)",
    "update_exam_attempt": "(attempt_id, **kwargs)",
}


@pytest.mark.parametrize(("name", "signature"), sorted(SIGNATURES.items()))
def test_api_signature_is_unchanged(name, signature):
    assert str(inspect.signature(getattr(api, name))) == signature


def test_every_public_api_function_of_the_historic_interface_exists():
    expected = {
        "get_exam_by_id",
        "get_proctoring_settings_by_exam_id",
        "get_integration_specific_email",
        "get_total_allowed_time_for_exam",
        "get_onboarding_exam_link",
        "get_review_policy_by_exam_id",
        "get_allowances_for_course",
        "remove_allowance_for_user",
        "start_exam_attempt_by_code",
        "mark_exam_attempt_timeout",
        "mark_exam_attempt_as_ready",
        "mark_exam_attempt_as_resumed",
        "mark_exam_attempt_as_ready_to_resume",
        "is_attempt_ready_to_resume",
        "is_attempt_in_resume_process",
        "is_exam_passed_due",
        "get_exam_attempt_by_id",
        "get_exam_attempt_by_external_id",
        "get_exam_attempt_by_code",
        "get_all_exam_attempts",
        "get_filtered_exam_attempts",
        "get_user_attempts_by_exam_id",
        "get_active_exams_for_user",
        "get_last_verified_onboarding_attempts_per_user",
        "get_enrollments_can_take_proctored_exams",
        "check_prerequisites",
        "_are_prerequirements_satisfied",
        "_resolve_prerequisite_links",
        "_get_email_template_paths",
        "_get_proctoring_escalation_email",
        "_get_review_policy_by_exam_id",
        "_check_for_attempt_timeout",
        "_calculate_allowed_mins",
        "_remove_exam_attempt_from_backend",
        "_remove_exam_attempts_from_backend",
    }
    missing = {name for name in expected if not callable(getattr(api, name, None))}
    assert missing == set()


def test_proctoring_service_is_a_singleton_proxying_public_api_functions():
    service = ProctoringService()
    assert service is ProctoringService()
    assert service.get_student_view is api.get_student_view
    assert service.create_exam is api.create_exam
    assert not hasattr(service, "_calculate_allowed_mins")


def test_every_exception_maps_to_an_http_status():
    from edx_proctoring import exceptions

    classes = [
        obj
        for obj in vars(exceptions).values()
        if inspect.isclass(obj) and issubclass(obj, exceptions.ProctoredBaseException)
    ]
    assert len(classes) >= 26
    for cls in classes:
        assert cls.http_status in (400, 403, 500, 502)
    assert exceptions.BackendProviderCannotRegisterAttempt("boom", 503).http_status == 503
    assert exceptions.BackendProviderOnboardingException("onboarding_missing").status == "onboarding_missing"
    assert issubclass(exceptions.BackendProviderRemovalNotConfirmed, exceptions.BackendProviderCannotRemoveAttempt)
