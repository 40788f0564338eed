"""Registering a course's exams: the course's exams become exactly those given, in one transaction."""

import pytest

from edx_proctoring.exam_registration import register_course_exams
from edx_proctoring.models import ProctoredExam
from edx_proctoring.tests.factories import COURSE_ID, ProctoredExamFactory

pytestmark = pytest.mark.django_db


def _item(content_id, **fields):
    return {
        "content_id": content_id,
        "exam_name": f"Exam {content_id}",
        "time_limit_mins": 30,
        "is_proctored": True,
        "is_practice_exam": False,
        "is_active": True,
        "hide_after_due": False,
        "backend": "test",
        **fields,
    }


def test_given_new_and_known_exams_when_registered_then_known_ones_are_updated_and_new_ones_created(
    host_services,
):
    known = ProctoredExamFactory(content_id="known", time_limit_mins=10)

    exam_ids = register_course_exams(course_id=COURSE_ID, exams=[_item("new"), _item("known", time_limit_mins=45)])

    new = ProctoredExam.objects.get(course_id=COURSE_ID, content_id="new")
    assert exam_ids == [new.id, known.id]
    known.refresh_from_db()
    assert known.time_limit_mins == 45


def test_given_an_active_exam_left_out_when_registered_then_it_is_deactivated(host_services):
    dropped = ProctoredExamFactory(content_id="dropped")

    register_course_exams(course_id=COURSE_ID, exams=[_item("kept")])

    dropped.refresh_from_db()
    assert (dropped.is_active, dropped.is_proctored) == (False, False)


def test_given_a_failing_exam_when_registered_then_nothing_is_written(host_services):
    ProctoredExamFactory(content_id="dropped")

    with pytest.raises(KeyError):
        register_course_exams(course_id=COURSE_ID, exams=[_item("new"), {"content_id": "broken"}])

    assert list(ProctoredExam.objects.values_list("content_id", "is_active")) == [("dropped", True)]
