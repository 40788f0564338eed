"""The interface's drop-in checklist (§14), for the items no other test covers line by line.

docs/checklist.rst maps every item of §14 to its tests, these and the others.
"""

import importlib
import inspect
import json
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.db import connection
from rest_framework.test import APIClient

from edx_proctoring import exceptions
from edx_proctoring.apps import EdxProctoringConfig
from edx_proctoring.serializers import (
    ProctoredExamReviewPolicySerializer,
    ProctoredExamSerializer,
    ProctoredExamStudentAllowanceSerializer,
    ProctoredExamStudentAttemptSerializer,
)
from edx_proctoring.settings import common, production
from edx_proctoring.tests.factories import AllowanceFactory, AttemptFactory, ReviewPolicyFactory, UserFactory

REPO = Path(__file__).resolve().parents[2]
EXAM_FIELDS = [
    "id",
    "course_id",
    "content_id",
    "external_id",
    "exam_name",
    "time_limit_mins",
    "is_proctored",
    "is_practice_exam",
    "is_active",
    "due_date",
    "hide_after_due",
    "backend",
]
TIMESTAMPS = {"id", "created", "modified"}

# §1: model class name -> (table, columns besides id/created/modified).
MODELS = {
    "ProctoredExam": (
        "proctoring_proctoredexam",
        {
            "course_id",
            "content_id",
            "external_id",
            "exam_name",
            "time_limit_mins",
            "due_date",
            "is_proctored",
            "is_practice_exam",
            "is_active",
            "hide_after_due",
            "backend",
        },
    ),
    "ProctoredExamReviewPolicy": (
        "proctoring_proctoredexamreviewpolicy",
        {"set_by_user_id", "proctored_exam_id", "review_policy"},
    ),
    "ProctoredExamReviewPolicyHistory": (
        "proctoring_proctoredexamreviewpolicyhistory",
        {"original_id", "set_by_user_id", "proctored_exam_id", "review_policy"},
    ),
    "ProctoredExamStudentAllowance": (
        "proctoring_proctoredexamstudentallowance",
        {"user_id", "proctored_exam_id", "key", "value"},
    ),
    "ProctoredExamStudentAllowanceHistory": (
        "proctoring_proctoredexamstudentallowancehistory",
        {"allowance_id", "user_id", "proctored_exam_id", "key", "value"},
    ),
    "ProctoredExamSoftwareSecureReview": (
        "proctoring_proctoredexamsoftwaresecurereview",
        {
            "attempt_code",
            "is_attempt_active",
            "review_status",
            "raw_data",
            "encrypted_video_url",
            "reviewed_by_id",
            "student_id",
            "exam_id",
        },
    ),
    "ProctoredExamSoftwareSecureReviewHistory": (
        "proctoring_proctoredexamsoftwaresecurereviewhistory",
        {
            "attempt_code",
            "is_attempt_active",
            "review_status",
            "raw_data",
            "encrypted_video_url",
            "reviewed_by_id",
            "student_id",
            "exam_id",
        },
    ),
    "ProctoredExamSoftwareSecureComment": (
        "proctoring_proctoredexamstudentattemptcomment",
        {"review_id", "start_time", "stop_time", "duration", "comment", "status"},
    ),
    "HistoricalProctoredExam": ("proctoring_proctoredexamhistory", None),
    "HistoricalProctoredExamStudentAttempt": ("proctoring_proctoredexamstudentattempt_history", None),
}


# -- models, tables, columns -----------------------------------------------------------------------------


@pytest.mark.parametrize("model_name", sorted(MODELS))
def test_each_model_keeps_its_class_name_and_table(model_name):
    table, _columns = MODELS[model_name]

    assert apps.get_model("edx_proctoring", model_name)._meta.db_table == table


@pytest.mark.django_db
@pytest.mark.parametrize("model_name", sorted(name for name, (_table, columns) in MODELS.items() if columns))
def test_each_table_has_exactly_the_historic_columns(model_name):
    table, columns = MODELS[model_name]

    with connection.cursor() as cursor:
        found = {column.name for column in connection.introspection.get_table_description(cursor, table)}

    assert found == columns | TIMESTAMPS


def test_the_models_module_exports_every_model_class():
    models = importlib.import_module("edx_proctoring.models")
    for name in [*MODELS, "ProctoredExamStudentAttempt"]:
        assert getattr(models, name).__name__ == name


# -- plugin wiring ---------------------------------------------------------------------------------------


def test_the_plugin_mounts_the_lms_urls_and_the_studio_dashboard_under_api():
    urls = EdxProctoringConfig.plugin_app["url_config"]

    assert urls["lms.djangoapp"] == {"namespace": "edx_proctoring", "regex": "^api/", "relative_path": "urls"}
    assert urls["cms.djangoapp"] == {
        "namespace": "edx_proctoring",
        "regex": "^api/",
        "relative_path": "instructor_dashboard_exam_urls",
    }
    for platform in ("lms.djangoapp", "cms.djangoapp"):
        assert EdxProctoringConfig.plugin_app["settings_config"][platform] == {
            "common": {"relative_path": "settings.common"},
            "production": {"relative_path": "settings.production"},
        }


@pytest.mark.parametrize("pipeline_attribute", ["PIPELINE", "PIPELINE_JS"])
def test_the_common_settings_set_the_defaults_and_the_proctoring_js_group(pipeline_attribute):
    settings = SimpleNamespace(**({"PIPELINE": {}} if pipeline_attribute == "PIPELINE" else {}))

    common.plugin_settings(settings)

    assert settings.PROCTORING_SETTINGS == {}
    assert settings.PROCTORING_BACKENDS == {"DEFAULT": "null", "null": {}}
    groups = settings.PIPELINE["JAVASCRIPT"] if pipeline_attribute == "PIPELINE" else settings.PIPELINE_JS
    assert groups["proctoring"]["output_filename"] == "js/lms-proctoring.js"
    assert groups["proctoring"]["source_filenames"]


def test_the_production_settings_read_auth_tokens_before_env_tokens():
    settings = SimpleNamespace(
        PROCTORING_SETTINGS={},
        PROCTORING_BACKENDS={"DEFAULT": "null", "null": {}},
        ENV_TOKENS={"PROCTORING_SETTINGS": {"LINK_URLS": {}}, "PROCTORING_BACKENDS": {"DEFAULT": "env"}},
        AUTH_TOKENS={"PROCTORING_BACKENDS": {"DEFAULT": "auth"}},
    )

    production.plugin_settings(settings)

    assert settings.PROCTORING_SETTINGS == {"LINK_URLS": {}}
    assert settings.PROCTORING_BACKENDS == {"DEFAULT": "auth"}
    del settings.AUTH_TOKENS
    production.plugin_settings(settings)
    assert settings.PROCTORING_BACKENDS == {"DEFAULT": "env"}


def test_the_npm_package_exports_the_worker_wrapper():
    package = json.loads((REPO / "package.json").read_text())

    assert package["name"] == "@edx/edx-proctoring"
    assert package["main"] == "edx_proctoring/static/index.js"
    assert "module.exports = {handlerWrapper" in (REPO / package["main"]).read_text()


# -- public module paths and exceptions ------------------------------------------------------------------

PUBLIC_MODULES = [
    "edx_proctoring.api",
    "edx_proctoring.exceptions",
    "edx_proctoring.models",
    "edx_proctoring.runtime",
    "edx_proctoring.services",
    "edx_proctoring.statuses",
    "edx_proctoring.signals",
    "edx_proctoring.serializers",
    "edx_proctoring.utils",
    "edx_proctoring.constants",
    "edx_proctoring.backends",
    "edx_proctoring.backends.backend",
    "edx_proctoring.backends.rest",
    "edx_proctoring.backends.null",
    "edx_proctoring.backends.mock",
    "edx_proctoring.backends.software_secure",
    "edx_proctoring.views",
    "edx_proctoring.urls",
    "edx_proctoring.callbacks",
    "edx_proctoring.tests",
    "edx_proctoring.tests.test_services",
    "edx_proctoring.backends.tests.test_backend",
]


@pytest.mark.parametrize("module_path", PUBLIC_MODULES)
def test_each_public_module_path_imports(module_path):
    assert importlib.import_module(module_path).__name__ == module_path


def test_the_backends_package_offers_get_backend_provider():
    from edx_proctoring.backends import get_backend_provider

    assert callable(get_backend_provider)


# §14: class -> HTTP status (400 unless said otherwise).
EXCEPTIONS = {
    "ProctoredExamAlreadyExists": 400,
    "ProctoredExamNotFoundException": 400,
    "ProctoredExamReviewPolicyNotFoundException": 400,
    "ProctoredExamReviewPolicyAlreadyExists": 400,
    "ProctoredExamNotActiveException": 400,
    "StudentExamAttemptAlreadyExistsException": 400,
    "StudentExamAttemptDoesNotExistsException": 400,
    "StudentExamAttemptedAlreadyStarted": 400,
    "StudentExamAttemptOnPastDueProctoredExam": 400,
    "UserNotFoundException": 400,
    "AllowanceValueNotAllowedException": 400,
    "BackendProviderCannotRegisterAttempt": 400,
    "BackendProviderSentNoAttemptID": 400,
    "BackendProviderOnboardingException": 400,
    "BackendProviderOnboardingProfilesException": 400,
    "ProctoredExamPermissionDenied": 403,
    "ProctoredExamSuspiciousLookup": 400,
    "ProctoredExamReviewAlreadyExists": 400,
    "ProctoredExamBadReviewStatus": 400,
    "ProctoredExamIllegalStatusTransition": 400,
    "BackendProviderCannotRetireUser": 400,
    "BackendProviderNotConfigured": 500,
    "ProctoredExamIllegalResumeUpdate": 400,
    "BackendProviderCannotRemoveAttempt": 502,
    "BackendProviderRemovalNotConfirmed": 502,
}


@pytest.mark.parametrize("name", sorted(EXCEPTIONS))
def test_each_exception_is_a_proctoring_exception_with_its_http_status(name):
    cls = getattr(exceptions, name)

    assert inspect.isclass(cls) and issubclass(cls, exceptions.ProctoredBaseException)
    assert cls.http_status == EXCEPTIONS[name]


def test_the_vendor_exceptions_take_the_vendors_answer_and_status():
    assert issubclass(exceptions.BackendProviderSentNoAttemptID, exceptions.BackendProviderCannotRegisterAttempt)
    assert exceptions.BackendProviderCannotRegisterAttempt("refused", 409).http_status == 409
    assert exceptions.BackendProviderSentNoAttemptID({"id": None}, 200).http_status == 200
    assert exceptions.BackendProviderOnboardingProfilesException("down", 503).http_status == 503
    assert exceptions.BackendProviderOnboardingException("onboarding_pending").status == "onboarding_pending"


# -- JSON shapes (§6.4) ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_serializers_give_the_historic_keys_in_order():
    attempt = AttemptFactory()
    allowance = AllowanceFactory(proctored_exam=attempt.proctored_exam)
    policy = ReviewPolicyFactory(proctored_exam=attempt.proctored_exam)

    assert list(ProctoredExamSerializer(attempt.proctored_exam).data) == EXAM_FIELDS
    assert list(ProctoredExamStudentAttemptSerializer(attempt).data) == [
        "id",
        "created",
        "modified",
        "user",
        "started_at",
        "completed_at",
        "external_id",
        "status",
        "proctored_exam",
        "allowed_time_limit_mins",
        "attempt_code",
        "is_sample_attempt",
        "taking_as_proctored",
        "review_policy_id",
        "is_status_acknowledged",
        "time_remaining_seconds",
        "is_resumable",
        "ready_to_resume",
        "resumed",
    ]
    assert list(ProctoredExamStudentAttemptSerializer(attempt).data["user"]) == ["id", "username", "email"]
    assert list(ProctoredExamStudentAllowanceSerializer(allowance).data) == [
        "id",
        "created",
        "modified",
        "user",
        "key",
        "value",
        "proctored_exam",
    ]
    assert list(ProctoredExamReviewPolicySerializer(policy).data) == [
        "id",
        "created",
        "modified",
        "set_by_user",
        "proctored_exam",
        "review_policy",
    ]


@pytest.mark.django_db
def test_the_exam_endpoints_answer_exam_dicts_with_the_serializer_keys():
    attempt = AttemptFactory()
    exam = attempt.proctored_exam
    client = APIClient()
    client.force_login(UserFactory(username="reader"))

    by_id = client.get(f"/api/edx_proctoring/v1/proctored_exam/exam/exam_id/{exam.id}").json()
    by_course = client.get(f"/api/edx_proctoring/v1/proctored_exam/exam/course_id/{exam.course_id}").json()

    assert list(by_id) == EXAM_FIELDS
    assert [list(item) for item in by_course] == [EXAM_FIELDS]
