"""One running exam per learner in a course: a learner's start is refused while another exam of the same
course is started or ready to submit, and the pages that would offer a start say so instead."""

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse

from edx_proctoring.api import start_exam_attempt
from edx_proctoring.models import ProctoredExamStudentAttempt
from edx_proctoring.statuses import ProctoredExamStudentAttemptStatus as Status
from edx_proctoring.tests.factories import AttemptFactory, ProctoredExamFactory, TimedExamFactory, UserFactory
from edx_proctoring.tests.rest.conftest import client_for
from edx_proctoring.tests.student_view.helpers import NOW, render_view

pytestmark = pytest.mark.django_db

OTHER_COURSE = "course-v1:edX+Elsewhere+2026"


@pytest.fixture(autouse=True)
def frozen_clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def learner():
    return UserFactory(username="ada")


@pytest.fixture
def midterm():
    return TimedExamFactory(exam_name="Midterm", time_limit_mins=20)


@pytest.fixture
def quiz():
    return TimedExamFactory(exam_name="Quiz", time_limit_mins=10)


def _running(user, exam, *, status=Status.started, minutes_ago=1):
    return AttemptFactory(
        user=user,
        proctored_exam=exam,
        status=status,
        started_at=NOW - timedelta(minutes=minutes_ago),
        allowed_time_limit_mins=exam.time_limit_mins,
    )


def _create_and_start(user, exam):
    url = reverse("edx_proctoring:proctored_exam.attempt.collection")
    return client_for(user).post(url, {"exam_id": exam.id, "start_clock": "true"}, format="json")


def _put_action(user, attempt, action):
    url = reverse("edx_proctoring:proctored_exam.attempt", args=[attempt.id])
    return client_for(user).put(url, {"action": action}, format="json")


@pytest.mark.parametrize("running_status", [Status.started, Status.ready_to_submit])
def test_given_a_running_exam_when_the_learner_starts_another_of_the_course_then_400_and_nothing_created(
    host_services, learner, midterm, quiz, running_status
):
    _running(learner, midterm, status=running_status)

    response = _create_and_start(learner, quiz)

    assert response.status_code == 400, response.content
    assert response.json()["detail"] == (
        'You are taking "Midterm" in this course. Finish it before you start another exam.'
    )
    assert not ProctoredExamStudentAttempt.objects.filter(proctored_exam=quiz).exists()


def test_given_a_running_exam_when_the_learner_starts_a_ready_proctored_attempt_then_400_and_it_stays_ready(
    host_services, learner, midterm
):
    final = ProctoredExamFactory(exam_name="Final")
    ready = AttemptFactory(user=learner, proctored_exam=final, status=Status.ready_to_start)
    _running(learner, midterm)

    response = _put_action(learner, ready, "start")

    assert response.status_code == 400, response.content
    assert "Midterm" in response.json()["detail"]
    ready.refresh_from_db()
    assert ready.status == Status.ready_to_start
    assert ready.started_at is None


def test_given_a_running_exam_when_the_learner_returns_to_it_then_it_restarts(host_services, learner, midterm, quiz):
    ended = _running(learner, midterm, status=Status.ready_to_submit)

    response = _put_action(learner, ended, "start")

    assert response.status_code == 200, response.content
    ended.refresh_from_db()
    assert ended.status == Status.started


def test_given_a_running_exam_of_another_course_when_the_learner_starts_one_here_then_it_starts(
    host_services, learner, quiz
):
    _running(learner, TimedExamFactory(course_id=OTHER_COURSE, exam_name="Elsewhere"))

    response = _create_and_start(learner, quiz)

    assert response.status_code == 200, response.content
    assert ProctoredExamStudentAttempt.objects.get(proctored_exam=quiz).status == Status.started


def test_given_an_exam_whose_time_ran_out_when_the_learner_starts_another_then_the_first_is_submitted_first(
    host_services, learner, midterm, quiz
):
    abandoned = _running(learner, midterm, minutes_ago=25)

    response = _create_and_start(learner, quiz)

    assert response.status_code == 200, response.content
    abandoned.refresh_from_db()
    assert abandoned.status == Status.submitted


def test_given_another_learners_running_exam_when_this_learner_starts_then_it_starts(
    host_services, learner, midterm, quiz
):
    _running(UserFactory(username="grace"), midterm)

    assert _create_and_start(learner, quiz).status_code == 200


def test_the_hosts_python_api_keeps_the_6_1_behaviour(host_services, learner, midterm, quiz):
    _running(learner, midterm)
    AttemptFactory(user=learner, proctored_exam=quiz, status=Status.created)

    start_exam_attempt(quiz.id, learner.id)

    assert ProctoredExamStudentAttempt.objects.get(proctored_exam=quiz).status == Status.started


def test_given_a_running_exam_the_entrance_of_another_says_finish_it_first_with_a_link(
    host_services, learner, midterm, quiz
):
    _running(learner, midterm)

    rendered = render_view(learner, quiz)

    assert rendered.page == "common/another_exam_running.html"
    assert 'data-page="common/another_exam_running"' in rendered.html
    assert 'You are taking "Midterm" in this course.' in rendered.html
    assert 'data-action="start"' not in rendered.html
    assert rendered.context["running_exam_url"] == reverse("jump_to", args=[midterm.course_id, midterm.content_id])


def test_given_a_running_exam_the_ready_to_start_page_of_a_proctored_exam_offers_no_start(
    host_services, learner, midterm
):
    final = ProctoredExamFactory(exam_name="Final")
    AttemptFactory(user=learner, proctored_exam=final, status=Status.ready_to_start)
    _running(learner, midterm)

    assert render_view(learner, final).page == "common/another_exam_running.html"


def test_given_no_other_running_exam_the_entrance_offers_the_start(host_services, learner, midterm, quiz):
    AttemptFactory(user=learner, proctored_exam=midterm, status=Status.submitted)

    rendered = render_view(learner, quiz)

    assert rendered.page == "timed_exam/entrance.html"
    assert 'data-action="start"' in rendered.html


def test_the_running_exam_itself_still_shows_its_content(host_services, learner, midterm, quiz):
    _running(learner, midterm)
    _running(learner, TimedExamFactory(course_id=OTHER_COURSE))

    assert render_view(learner, midterm).shows_content
