"""Credit prerequisites of proctored exams."""

import pytest

from edx_proctoring import runtime
from edx_proctoring.exams import serialize_exam
from edx_proctoring.models import ProctoredExamStudentAttempt
from edx_proctoring.prerequisites import (
    JUMPTO_SUPPORTED_NAMESPACES,
    _are_prerequirements_satisfied,
    _create_and_decline_attempt,
    _resolve_prerequisite_links,
    check_prerequisites,
)
from edx_proctoring.statuses import ProctoredExamStudentAttemptStatus as Status
from edx_proctoring.tests.factories import COURSE_ID, ProctoredExamFactory, UserFactory
from edx_proctoring.tests.test_services import MockCreditService, MockCreditServiceNone

# A URLconf without the host's `jump_to` route, for the test that needs reversing to fail.
urlpatterns = []


def _requirement(name, status, order, namespace="proctored_exam"):
    return {"namespace": namespace, "name": name, "display_name": name, "order": order, "status": status}


def _names(requirements):
    return [requirement["name"] for requirement in requirements]


def _exam_dict(exam):
    return dict(serialize_exam(exam))


# --- _are_prerequirements_satisfied ---------------------------------------------------------------------


def test_given_no_requirements_when_evaluated_then_satisfied_with_empty_lists():
    result = _are_prerequirements_satisfied([])

    assert result == {
        "are_prerequisites_satisifed": True,
        "satisfied_prerequisites": [],
        "failed_prerequisites": [],
        "pending_prerequisites": [],
        "declined_prerequisites": [],
    }


def test_given_unordered_requirements_when_evaluated_for_none_then_all_are_sorted_by_order_into_outcomes():
    statuses = [
        _requirement("d", None, 4),
        _requirement("b", "failed", 2),
        _requirement("a", "satisfied", 1),
        _requirement("e", "declined", 5),
        _requirement("c", "submitted", 3),
        _requirement("f", "satisfied", 0),
    ]

    result = _are_prerequirements_satisfied(statuses)

    assert result["are_prerequisites_satisifed"] is False
    assert _names(result["satisfied_prerequisites"]) == ["f", "a"]
    assert _names(result["failed_prerequisites"]) == ["b"]
    assert _names(result["pending_prerequisites"]) == ["c", "d"]
    assert _names(result["declined_prerequisites"]) == ["e"]


def test_given_named_requirement_when_evaluated_then_only_requirements_before_it_count():
    statuses = [
        _requirement("later", "failed", 3),
        _requirement("exam", None, 2),
        _requirement("first", "satisfied", 1),
    ]

    result = _are_prerequirements_satisfied(statuses, evaluate_for_requirement_name="exam")

    assert result["are_prerequisites_satisifed"] is True
    assert _names(result["satisfied_prerequisites"]) == ["first"]
    assert result["failed_prerequisites"] == []
    assert result["pending_prerequisites"] == []


def test_given_name_not_listed_when_evaluated_then_every_requirement_counts():
    statuses = [_requirement("first", "satisfied", 1), _requirement("second", "failed", 2)]

    result = _are_prerequirements_satisfied(statuses, evaluate_for_requirement_name="unknown")

    assert result["are_prerequisites_satisifed"] is False
    assert _names(result["failed_prerequisites"]) == ["second"]


def test_given_first_requirement_is_the_exam_when_evaluated_then_nothing_gates_it():
    statuses = [_requirement("exam", "failed", 1), _requirement("other", "failed", 2)]

    result = _are_prerequirements_satisfied(statuses, evaluate_for_requirement_name="exam")

    assert result["are_prerequisites_satisifed"] is True
    assert result["failed_prerequisites"] == []


def test_given_filtered_namespace_when_evaluated_then_its_requirements_are_ignored():
    statuses = [
        _requirement("grade", "failed", 0, namespace="grade"),
        _requirement("reverification", "satisfied", 1, namespace="reverification"),
    ]

    result = _are_prerequirements_satisfied(statuses, filter_out_namespaces=["grade"])

    assert result["are_prerequisites_satisifed"] is True
    assert _names(result["satisfied_prerequisites"]) == ["reverification"]


@pytest.mark.parametrize(
    ("status", "bucket"),
    [
        ("satisfied", "satisfied_prerequisites"),
        ("failed", "failed_prerequisites"),
        ("declined", "declined_prerequisites"),
        ("pending", "pending_prerequisites"),
        ("submitted", "pending_prerequisites"),
        (None, "pending_prerequisites"),
    ],
)
def test_given_single_requirement_status_when_evaluated_then_it_lands_in_its_bucket(status, bucket):
    result = _are_prerequirements_satisfied([_requirement("only", status, 1)])

    assert _names(result[bucket]) == ["only"]
    assert result["are_prerequisites_satisifed"] is (status == "satisfied")


# --- _resolve_prerequisite_links -------------------------------------------------------------------------


def test_jumpto_namespaces_are_only_proctored_exams():
    assert JUMPTO_SUPPORTED_NAMESPACES == ["proctored_exam"]


def test_given_proctored_exam_requirement_when_resolved_then_it_links_to_the_block():
    exam = {"course_id": COURSE_ID}
    prereqs = [_requirement("block-v1:edX+P+1+type@sequential+block@x", "failed", 1)]

    result = _resolve_prerequisite_links(exam, prereqs)

    assert result is prereqs
    assert result[0]["jumpto_url"] == f"/courses/{COURSE_ID}/jump_to/block-v1:edX+P+1+type@sequential+block@x"


def test_given_unsupported_namespace_or_no_name_when_resolved_then_no_link():
    exam = {"course_id": COURSE_ID}
    prereqs = [
        _requirement("reverif", "failed", 1, namespace="reverification"),
        _requirement("", "failed", 2),
        _requirement(None, "failed", 3),
    ]

    result = _resolve_prerequisite_links(exam, prereqs)

    assert [requirement["jumpto_url"] for requirement in result] == [None, None, None]


def test_given_jump_to_cannot_be_reversed_when_resolved_then_link_is_none(settings):
    settings.ROOT_URLCONF = __name__
    exam = {"course_id": COURSE_ID}

    result = _resolve_prerequisite_links(exam, [_requirement("block", "failed", 1)])

    assert result[0]["jumpto_url"] is None


# --- check_prerequisites -----------------------------------------------------------------------------------


def _credit_with(statuses):
    service = MockCreditService()
    service.status["credit_requirement_status"] = statuses
    runtime.set_runtime_service("credit", service)
    return service


@pytest.mark.django_db
def test_given_no_credit_service_when_checked_then_exam_is_unchanged():
    exam = _exam_dict(ProctoredExamFactory())
    before = dict(exam)

    assert check_prerequisites(exam, UserFactory().id) == before


@pytest.mark.django_db
def test_given_no_credit_state_when_checked_then_exam_is_unchanged():
    runtime.set_runtime_service("credit", MockCreditServiceNone())
    exam = _exam_dict(ProctoredExamFactory())

    result = check_prerequisites(exam, UserFactory().id)

    assert "prerequisite_status" not in result


@pytest.mark.django_db
def test_given_satisfied_prerequisites_when_checked_then_status_is_attached_without_links():
    exam_obj = ProctoredExamFactory()
    _credit_with(
        [
            _requirement("before", "satisfied", 1),
            _requirement(exam_obj.content_id, None, 2),
            _requirement("grade", "failed", 3, namespace="grade"),
        ]
    )

    result = check_prerequisites(_exam_dict(exam_obj), UserFactory().id)

    status = result["prerequisite_status"]
    assert status["are_prerequisites_satisifed"] is True
    assert _names(status["satisfied_prerequisites"]) == ["before"]
    assert "jumpto_url" not in status["satisfied_prerequisites"][0]


@pytest.mark.django_db
def test_given_grade_requirement_failed_before_exam_when_checked_then_it_is_ignored():
    exam_obj = ProctoredExamFactory()
    _credit_with([_requirement("grade", "failed", 0, namespace="grade"), _requirement(exam_obj.content_id, None, 1)])

    result = check_prerequisites(_exam_dict(exam_obj), UserFactory().id)

    assert result["prerequisite_status"]["are_prerequisites_satisifed"] is True


@pytest.mark.django_db
def test_given_failed_and_pending_prerequisites_when_checked_then_only_failed_get_links():
    exam_obj = ProctoredExamFactory()
    _credit_with(
        [
            _requirement("failed-one", "failed", 1),
            _requirement("pending-one", None, 2),
            _requirement(exam_obj.content_id, None, 3),
        ]
    )

    result = check_prerequisites(_exam_dict(exam_obj), UserFactory().id)

    status = result["prerequisite_status"]
    assert status["are_prerequisites_satisifed"] is False
    assert status["failed_prerequisites"][0]["jumpto_url"] == f"/courses/{COURSE_ID}/jump_to/failed-one"
    assert "jumpto_url" not in status["pending_prerequisites"][0]


@pytest.mark.django_db
def test_given_only_pending_prerequisites_when_checked_then_pending_get_links():
    exam_obj = ProctoredExamFactory()
    _credit_with([_requirement("pending-one", "submitted", 1), _requirement(exam_obj.content_id, None, 2)])

    result = check_prerequisites(_exam_dict(exam_obj), UserFactory().id)

    pending = result["prerequisite_status"]["pending_prerequisites"]
    assert pending[0]["jumpto_url"] == f"/courses/{COURSE_ID}/jump_to/pending-one"
    assert not ProctoredExamStudentAttempt.objects.exists()


@pytest.mark.django_db
def test_given_declined_prerequisite_when_checked_then_a_declined_attempt_is_created():
    exam_obj = ProctoredExamFactory()
    user = UserFactory()
    _credit_with(
        [
            _requirement("declined-one", "declined", 1),
            _requirement("failed-one", "failed", 2),
            _requirement(exam_obj.content_id, None, 3),
        ]
    )

    result = check_prerequisites(_exam_dict(exam_obj), user.id)

    attempt = ProctoredExamStudentAttempt.objects.get(user=user, proctored_exam=exam_obj)
    assert attempt.status == Status.declined
    assert attempt.taking_as_proctored is False
    assert _names(result["prerequisite_status"]["declined_prerequisites"]) == ["declined-one"]
    assert "jumpto_url" not in result["prerequisite_status"]["failed_prerequisites"][0]


@pytest.mark.django_db
def test_given_exam_and_user_when_create_and_decline_then_attempt_exists_declined():
    exam_obj = ProctoredExamFactory()
    user = UserFactory()

    attempt_id = _create_and_decline_attempt(exam_obj.id, user.id)

    attempt = ProctoredExamStudentAttempt.objects.get(id=attempt_id)
    assert attempt.status == Status.declined
    assert attempt.user_id == user.id
