"""Creating, updating and reading exams, and what depends on the exam's backend."""

import pytest
from django.test import override_settings

from edx_proctoring import constants
from edx_proctoring.exams import (
    create_exam,
    does_backend_support_onboarding,
    get_all_exams_for_course,
    get_exam_by_content_id,
    get_exam_by_id,
    get_exam_configuration_dashboard_url,
    get_exam_type,
    get_proctoring_settings_by_exam_id,
    is_backend_dashboard_available,
    update_exam,
)
from edx_proctoring.exceptions import (
    BackendProviderNotConfigured,
    ProctoredExamAlreadyExists,
    ProctoredExamNotFoundException,
)
from edx_proctoring.models import ProctoredExam
from edx_proctoring.tests.factories import COURSE_ID, ProctoredExamFactory, TimedExamFactory

pytestmark = pytest.mark.django_db
CONTENT = "block-v1:edX+Proctoring+2026+type@sequential+block@final"


def test_given_new_exam_when_created_then_default_backend_is_stored_and_event_sent(tracked_events):
    exam_id = create_exam(COURSE_ID, CONTENT, "Final", 90)
    exam = get_exam_by_id(exam_id)
    assert (exam["backend"], exam["is_active"], exam["is_proctored"]) == ("mock", True, True)
    assert tracked_events.names() == ["edx.special_exam.proctored.created"]


def test_given_existing_exam_when_created_again_then_refused_and_nothing_written():
    create_exam(COURSE_ID, CONTENT, "Final", 90)
    with pytest.raises(ProctoredExamAlreadyExists):
        create_exam(COURSE_ID, CONTENT, "Final again", 30)
    assert ProctoredExam.objects.count() == 1


def test_given_proctored_exam_when_created_then_vendor_receives_it_and_its_id_is_kept(test_backend):
    exam_id = create_exam(COURSE_ID, CONTENT, "Final", 90, backend="test", external_id="vendor-7")
    assert test_backend.last_exam["id"] == exam_id
    assert get_exam_by_id(exam_id)["external_id"] == "vendor-7"


def test_given_unknown_backend_when_creating_proctored_exam_then_nothing_is_written():
    with pytest.raises(NotImplementedError):
        create_exam(COURSE_ID, CONTENT, "Final", 90, backend="nonexistent")
    assert ProctoredExam.objects.count() == 0


def test_update_changes_only_given_fields_and_none_due_date_clears_it(tracked_events):
    exam = ProctoredExamFactory(due_date=constants.MINIMUM_TIME.replace(year=2030), hide_after_due=True)
    update_exam(exam.id, exam_name="Renamed", is_active=False, hide_after_due=False)
    updated = get_exam_by_id(exam.id)
    assert (updated["exam_name"], updated["is_active"], updated["hide_after_due"]) == ("Renamed", False, False)
    assert updated["due_date"] is not None
    update_exam(exam.id, due_date=None)
    assert get_exam_by_id(exam.id)["due_date"] is None
    assert tracked_events.names() == ["edx.special_exam.proctored.updated"] * 2


def test_given_exam_no_longer_proctored_then_vendor_is_told_it_is_inactive(test_backend):
    exam = ProctoredExamFactory()
    update_exam(exam.id, is_proctored=False)
    assert test_backend.last_exam["is_active"] is False


def test_missing_exams_raise_not_found():
    with pytest.raises(ProctoredExamNotFoundException):
        get_exam_by_id(999)
    with pytest.raises(ProctoredExamNotFoundException):
        get_exam_by_content_id(COURSE_ID, "missing")
    with pytest.raises(ProctoredExamNotFoundException):
        update_exam(999, exam_name="x")


def test_course_exam_list_can_be_limited_to_active_exams():
    active, inactive = ProctoredExamFactory(), ProctoredExamFactory(is_active=False)
    assert {e["id"] for e in get_all_exams_for_course(COURSE_ID)} == {active.id, inactive.id}
    assert [e["id"] for e in get_all_exams_for_course(COURSE_ID, active_only=True)] == [active.id]
    assert get_all_exams_for_course("course-v1:none+none+none") == []


def test_proctoring_settings_of_a_proctored_exam_include_the_vendor():
    settings = get_proctoring_settings_by_exam_id(ProctoredExamFactory().id)
    assert settings["provider_name"] == "test"
    assert settings["exam_proctoring_backend"]["name"] == "test"
    assert settings["link_urls"]["faq"] == "http://localhost:8000/faq"
    timed = get_proctoring_settings_by_exam_id(TimedExamFactory().id)
    assert set(timed) == {"platform_name", "contact_us", "link_urls", "exam_proctoring_backend"}


def test_proctoring_settings_of_an_exam_on_an_unconfigured_backend_is_a_configuration_error():
    exam = ProctoredExamFactory(backend="gone")
    with pytest.raises(BackendProviderNotConfigured) as raised:
        get_proctoring_settings_by_exam_id(exam.id)
    assert raised.value.http_status == 500


def test_dashboard_and_onboarding_availability_follow_the_backends():
    assert is_backend_dashboard_available(COURSE_ID) is False
    ProctoredExamFactory(backend="gone")
    ProctoredExamFactory(backend="test")
    assert is_backend_dashboard_available(COURSE_ID) is True
    assert does_backend_support_onboarding("test") is True
    assert does_backend_support_onboarding("null") is False
    assert does_backend_support_onboarding("gone") is False


def test_exam_types():
    assert get_exam_type({"is_proctored": False, "is_practice_exam": False}, None)["type"] == "timed"
    onboarding = {"is_proctored": True, "is_practice_exam": True}
    assert get_exam_type(onboarding, type("B", (), {"supports_onboarding": True}))["type"] == "onboarding"
    assert get_exam_type(onboarding, None)["type"] == "practice"
    assert get_exam_type({"is_proctored": True, "is_practice_exam": False}, None)["type"] == "proctored"


@override_settings(ROOT_URLCONF="test_urls")
def test_configuration_dashboard_url_only_when_exam_and_dashboard_exist():
    assert get_exam_configuration_dashboard_url(COURSE_ID, CONTENT) is None
