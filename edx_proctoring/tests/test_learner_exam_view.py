"""What the Learning MFE shows a learner about one exam, and about their active attempt."""

from datetime import timedelta

import pytest
from django.utils.timezone import now

from edx_proctoring.learner_exam_view import learner_exam_view
from edx_proctoring.statuses import ProctoredExamStudentAttemptStatus as Status
from edx_proctoring.tests.factories import COURSE_ID, AttemptFactory, TimedExamFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_given_no_exam_asked_and_no_active_attempt_when_viewed_then_both_are_empty(host_services):
    view = learner_exam_view(user=UserFactory(), course_id=COURSE_ID, content_id=None, is_learning_mfe=True)

    assert view == {"exam": {}, "active_attempt": {}}


def test_given_an_exam_not_yet_attempted_when_viewed_then_it_shows_the_time_allowed_and_no_attempt(host_services):
    exam = TimedExamFactory(time_limit_mins=90)

    view = learner_exam_view(user=UserFactory(), course_id=COURSE_ID, content_id=exam.content_id, is_learning_mfe=True)

    assert view["active_attempt"] == {}
    assert view["exam"]["id"] == exam.id
    assert view["exam"]["attempt"] == {}
    assert view["exam"]["total_time"] == "1 hour and 30 minutes"
    assert (view["exam"]["type"], view["exam"]["passed_due_date"]) == ("timed", False)


def test_given_a_running_attempt_on_the_exam_when_viewed_then_it_is_the_exams_attempt_and_the_active_one(
    host_services,
):
    learner = UserFactory()
    exam = TimedExamFactory()
    attempt = AttemptFactory(
        proctored_exam=exam, user=learner, status=Status.started, started_at=now() - timedelta(minutes=5)
    )

    view = learner_exam_view(user=learner, course_id=COURSE_ID, content_id=exam.content_id, is_learning_mfe=True)

    assert view["exam"]["attempt"]["attempt_id"] == attempt.id
    assert view["active_attempt"]["attempt_id"] == attempt.id


def test_given_an_unknown_exam_when_viewed_then_there_is_no_exam(host_services):
    view = learner_exam_view(user=UserFactory(), course_id=COURSE_ID, content_id="nope", is_learning_mfe=False)

    assert view == {"exam": {}, "active_attempt": {}}
