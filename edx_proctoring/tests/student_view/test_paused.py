"""A paused attempt, or one on a break, shows a page saying so instead of the exam content."""

from datetime import timedelta

import pytest
import time_machine

from edx_proctoring.attempts.actions import Actor
from edx_proctoring.attempts.lifecycle import adjust_attempt_time
from edx_proctoring.statuses import ProctoredExamStudentAttemptStatus as Status
from edx_proctoring.tests.factories import (
    AllowanceFactory,
    AttemptFactory,
    ProctoredExamFactory,
    TimedExamFactory,
    UserFactory,
)
from edx_proctoring.tests.student_view.helpers import NOW, render_view

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen_clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def _running(exam, user):
    return AttemptFactory(
        user=user,
        proctored_exam=exam,
        status=Status.started,
        started_at=NOW - timedelta(minutes=10),
        allowed_time_limit_mins=60,
    )


@pytest.mark.parametrize("exam_factory", [TimedExamFactory, ProctoredExamFactory])
def test_given_a_paused_attempt_when_rendered_then_the_paused_page_not_the_content(host_services, exam_factory):
    learner = UserFactory()
    exam = exam_factory()
    attempt = _running(exam, learner)
    adjust_attempt_time(action="pause", actor=Actor.staff, attempt_id=attempt.id, reason="fire alarm")

    rendered = render_view(learner, exam)

    assert rendered.page == "common/paused.html"
    assert "Your exam is paused" in rendered.html
    assert "50 minutes" in rendered.html


def test_given_a_resumed_attempt_when_rendered_then_the_content_again(host_services, frozen_clock):
    learner = UserFactory()
    exam = TimedExamFactory()
    attempt = _running(exam, learner)
    adjust_attempt_time(action="pause", actor=Actor.staff, attempt_id=attempt.id, reason="fire alarm")
    frozen_clock.shift(timedelta(minutes=30))
    adjust_attempt_time(action="resume", actor=Actor.staff, attempt_id=attempt.id)

    assert render_view(learner, exam).shows_content


def test_given_a_learner_on_a_break_when_rendered_then_the_break_page(host_services):
    learner = UserFactory()
    exam = TimedExamFactory()
    AllowanceFactory(proctored_exam=exam, user=learner, key="break_minutes", value="5")
    attempt = _running(exam, learner)
    adjust_attempt_time(action="break_start", actor=Actor.learner, attempt_id=attempt.id, user=learner)

    rendered = render_view(learner, exam)

    assert rendered.page == "common/paused.html"
    assert "You are on a break" in rendered.html


def test_given_a_spent_break_when_rendered_then_the_content(host_services, frozen_clock):
    learner = UserFactory()
    exam = TimedExamFactory()
    AllowanceFactory(proctored_exam=exam, user=learner, key="break_minutes", value="5")
    attempt = _running(exam, learner)
    adjust_attempt_time(action="break_start", actor=Actor.learner, attempt_id=attempt.id, user=learner)
    frozen_clock.shift(timedelta(minutes=6))

    assert render_view(learner, exam).shows_content


@pytest.mark.parametrize(
    ("actor", "said", "not_said"),
    [
        (Actor.tool, "The proctoring tool paused your attempt", "The course team paused"),
        (Actor.staff, "The course team paused your attempt", "The proctoring tool paused"),
    ],
)
def test_given_a_pause_when_rendered_then_the_page_says_who_paused_it(host_services, actor, said, not_said):
    learner = UserFactory()
    exam = ProctoredExamFactory()
    attempt = _running(exam, learner)
    adjust_attempt_time(action="pause", actor=actor, attempt_id=attempt.id, reason="checking the room")

    rendered = render_view(learner, exam)

    assert rendered.page == "common/paused.html"
    assert said in rendered.html
    assert not_said not in rendered.html
