"""Bulk allowances over REST as 6.1.x answers them (interface §6.2 `proctored_exam.bulk_allowance`, §2.3),
plus each pair's outcome in the 207 list, and the grouped-allowances view reading what they wrote."""

import pytest
from django.urls import reverse

from edx_proctoring.models import ProctoredExamStudentAllowance
from edx_proctoring.tests.factories import COURSE_ID, ProctoredExamFactory
from edx_proctoring.tests.rest.conftest import OTHER_COURSE_ID, client_for

UNKNOWN_EXAM = 987654


def _url(name, *args):
    return reverse(f"edx_proctoring:{name}", args=args)


def _body(exam_ids, **changes):
    return {
        "exam_ids": exam_ids,
        "user_ids": "alice,bob@example.org",
        "allowance_type": "additional_time_granted",
        "value": "15",
        **changes,
    }


def _stored():
    return sorted(
        ProctoredExamStudentAllowance.objects.values_list("proctored_exam_id", "user__username", "key", "value")
    )


@pytest.mark.django_db
class TestRouteWithoutACourse:
    def test_given_global_staff_and_no_course_anywhere_then_the_exams_course_is_used(
        self, services, global_staff, exam, learner, other_learner
    ):
        second = ProctoredExamFactory()

        response = client_for(global_staff).put(
            _url("proctored_exam.bulk_allowance"), _body(f"{exam.id},{second.id}"), format="json"
        )

        assert response.status_code == 200
        assert _stored() == [
            (exam.id, "alice", "additional_time_granted", "15"),
            (exam.id, "bob", "additional_time_granted", "15"),
            (second.id, "alice", "additional_time_granted", "15"),
            (second.id, "bob", "additional_time_granted", "15"),
        ]

    def test_given_exams_of_two_courses_and_no_course_then_400_and_nothing_written(
        self, services, global_staff, exam, learner, other_learner
    ):
        foreign = ProctoredExamFactory(course_id=OTHER_COURSE_ID)

        response = client_for(global_staff).put(
            _url("proctored_exam.bulk_allowance"), _body(f"{exam.id},{foreign.id}"), format="json"
        )

        assert response.status_code == 400
        assert response.json()["field"] == "exam_ids"
        assert _stored() == []

    def test_given_course_staff_and_no_course_then_the_course_cannot_be_determined(
        self, services, course_staff, exam, learner
    ):
        response = client_for(course_staff).put(
            _url("proctored_exam.bulk_allowance"), _body(str(exam.id)), format="json"
        )

        assert response.status_code == 403
        assert response.json() == {"detail": "could not determine the course_id"}
        assert _stored() == []


@pytest.mark.django_db
class TestUnknownExams:
    def test_given_an_exam_id_that_does_not_exist_then_its_pairs_fail_in_a_207_and_the_others_are_written(
        self, services, course_staff, exam, learner, other_learner
    ):
        response = client_for(course_staff).put(
            _url("proctored_exam.bulk_allowance", COURSE_ID), _body(f"{exam.id},{UNKNOWN_EXAM}"), format="json"
        )

        assert response.status_code == 207
        pairs = response.json()
        assert [(pair["exam_id"], pair["user_id"]) for pair in pairs] == [
            (exam.id, "alice"),
            (exam.id, "bob@example.org"),
            (UNKNOWN_EXAM, "alice"),
            (UNKNOWN_EXAM, "bob@example.org"),
        ]
        assert [pair["status"] for pair in pairs] == ["success", "success", "failure", "failure"]
        assert f"Exam {UNKNOWN_EXAM} does not exist" in pairs[2]["detail"]
        assert [(exam_id, user) for exam_id, user, _key, _value in _stored()] == [(exam.id, "alice"), (exam.id, "bob")]

    def test_given_only_exam_ids_that_do_not_exist_then_400_as_no_pair_succeeded(self, services, global_staff, learner):
        response = client_for(global_staff).put(
            _url("proctored_exam.bulk_allowance"), _body(str(UNKNOWN_EXAM)), format="json"
        )

        assert response.status_code == 400
        assert response.json() == {"detail": "Enter a valid username or email", "field": "user_info"}

    def test_given_an_existing_exam_of_another_course_then_400_and_nothing_written(
        self, services, global_staff, exam, learner
    ):
        foreign = ProctoredExamFactory(course_id=OTHER_COURSE_ID)

        response = client_for(global_staff).put(
            _url("proctored_exam.bulk_allowance", COURSE_ID),
            _body(f"{exam.id},{foreign.id},{UNKNOWN_EXAM}"),
            format="json",
        )

        assert response.status_code == 400
        assert str(foreign.id) in response.json()["detail"]
        assert _stored() == []


@pytest.mark.django_db
def test_given_an_unknown_learner_then_the_207_names_why_that_pair_failed(services, course_staff, exam, learner):
    response = client_for(course_staff).put(
        _url("proctored_exam.bulk_allowance", COURSE_ID), _body(str(exam.id), user_ids="alice,ghost"), format="json"
    )

    assert response.status_code == 207
    assert response.json()[0] == {
        "exam_id": exam.id,
        "user_id": "alice",
        "status": "success",
        "detail": "Allowance set.",
    }
    failed = response.json()[1]
    assert (failed["exam_id"], failed["user_id"], failed["status"]) == (exam.id, "ghost", "failure")
    assert "ghost" in failed["detail"]


@pytest.mark.django_db
def test_given_bulk_allowances_when_reading_them_grouped_then_each_student_has_theirs(
    services, course_staff, exam, learner, other_learner
):
    client = client_for(course_staff)
    client.put(_url("proctored_exam.bulk_allowance", COURSE_ID), _body(str(exam.id)), format="json")
    client.put(
        _url("proctored_exam.bulk_allowance", COURSE_ID),
        _body(str(exam.id), user_ids="alice", allowance_type="review_policy_exception", value="Notes allowed"),
        format="json",
    )

    grouped = client.get(_url("proctored_exam.allowance.grouped.course", COURSE_ID)).json()

    assert sorted(grouped) == ["alice", "bob"]
    assert sorted((item["key"], item["value"]) for item in grouped["alice"]) == [
        ("additional_time_granted", "15"),
        ("review_policy_exception", "Notes allowed"),
    ]
    assert [(item["key"], item["value"], item["proctored_exam"]["id"]) for item in grouped["bob"]] == [
        ("additional_time_granted", "15", exam.id)
    ]
    assert {item["user"]["username"] for item in grouped["alice"]} == {"alice"}
