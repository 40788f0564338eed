"""The sweep as a batch of the lifecycle's `sweep` action: the same outcome and effects as one attempt at a time."""

from __future__ import annotations

from datetime import timedelta

import pytest
from celery import current_app
from django.core import mail
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from edx_proctoring.attempts.actions import Actor
from edx_proctoring.attempts.deferred_calls import run_deferred_status_effects
from edx_proctoring.attempts.expiry import SWEEP_REASON, expire_attempts_if_overdue
from edx_proctoring.attempts.lifecycle import adjust_attempt_time, perform_action
from edx_proctoring.models import ProctoredExamStudentAttempt
from edx_proctoring.statuses import ProctoredExamStudentAttemptStatus as Status
from edx_proctoring.tasks import expire_overdue_attempts
from edx_proctoring.tests.factories import (
    AttemptFactory,
    PracticeExamFactory,
    ProctoredExamFactory,
    TimedExamFactory,
    UserFactory,
)
from edx_proctoring.timing import deadline_of, now

pytestmark = pytest.mark.django_db


@pytest.fixture
def eager_celery():
    conf = current_app.conf
    saved = (conf.task_always_eager, conf.task_eager_propagates)
    conf.task_always_eager, conf.task_eager_propagates = True, False
    yield
    conf.task_always_eager, conf.task_eager_propagates = saved


@pytest.fixture
def credit_calls(host_services):
    calls = []
    original = host_services["credit"].set_credit_requirement_status

    def record(**kwargs):
        calls.append((kwargs["user_id"], kwargs["req_name"], kwargs["status"]))
        return original(**kwargs)

    host_services["credit"].set_credit_requirement_status = record
    return calls


@pytest.fixture
def effects(host_services, test_backend, tracked_events, status_signals, credit_calls, eager_celery):
    """Everything an expiry does outside the attempt row, as one comparable summary per attempt."""

    def of(attempt) -> dict:
        row = ProctoredExamStudentAttempt.objects.get(id=attempt.id)
        return {
            # completed_at as time after the start: the attempts compared start a few microseconds apart.
            "row": (row.status, row.completed_at and row.completed_at - row.started_at, row.is_resumable),
            "history": [h.status for h in row.history.filter(status=row.status)],
            "events": [name for name, data in tracked_events.events if data.get("attempt_id") == attempt.id],
            "signals": [(s["status"], s["is_proctored"]) for s in status_signals if s["attempt_id"] == attempt.id],
            "credit": [status for user, _, status in credit_calls if user == attempt.user_id],
            "instructor": [c for c in host_services["instructor"].completed_attempts if c[0] == attempt.user.username],
            "vendor": [c for c in test_backend.stopped_attempts if c[1] == attempt.external_id],
            "email": [m.subject for m in mail.outbox if attempt.user.email in m.to],
        }

    return of


def _overdue(exam, **kwargs):
    return AttemptFactory(
        proctored_exam=exam,
        user=kwargs.pop("user", None) or UserFactory(),
        status=Status.started,
        started_at=now() - timedelta(minutes=90),
        allowed_time_limit_mins=60,
        taking_as_proctored=exam.is_proctored,
        **kwargs,
    )


EXAMS = {"proctored": ProctoredExamFactory, "timed": TimedExamFactory, "practice": PracticeExamFactory}


@pytest.mark.parametrize("allow_timed_out", [False, True])
@pytest.mark.parametrize("kind", sorted(EXAMS))
def test_a_batch_has_the_outcome_and_effects_of_the_per_attempt_path(
    effects, django_capture_on_commit_callbacks, kind, allow_timed_out
):
    exam = EXAMS[kind]()
    one, batched = _overdue(exam), _overdue(exam)
    with override_settings(PROCTORING_SETTINGS={"ALLOW_TIMED_OUT_STATE": allow_timed_out}):
        deadline = deadline_of(started_at=one.started_at, allowed_minutes=60)
        perform_action(action="sweep", actor=Actor.system, attempt_id=one.id, timeout_timestamp=deadline)
        with django_capture_on_commit_callbacks(execute=True):
            assert expire_attempts_if_overdue(attempt_ids=[batched.id], as_of=now()) == [batched.id]

    expected, got = effects(one), effects(batched)
    expected["vendor"] = [(v[0], "<id>") for v in expected["vendor"]]
    got["vendor"] = [(v[0], "<id>") for v in got["vendor"]]
    expected["instructor"] = [i[1:] for i in expected["instructor"]]
    got["instructor"] = [i[1:] for i in got["instructor"]]
    assert got == expected
    # Stored as timed_out, the attempt keeps no completed_at (as on the per-attempt path).
    assert got["row"][:2] == (
        (Status.timed_out, None) if allow_timed_out else (Status.submitted, timedelta(minutes=60))
    )
    assert len(got["events"]) == len(got["signals"]) == 1


def test_each_side_effect_happens_once_per_swept_attempt(effects, django_capture_on_commit_callbacks):
    exam = ProctoredExamFactory()
    attempts = [_overdue(exam) for _ in range(7)]

    for _ in range(2):  # a second sweep finds nothing left to do
        with django_capture_on_commit_callbacks(execute=True):
            expire_overdue_attempts(batch_size=3)

    for attempt in attempts:
        summary = effects(attempt)
        assert summary["row"][0] == Status.submitted
        assert summary["history"] == [Status.submitted]
        assert len(summary["events"]) == 1
        assert summary["signals"] == [(Status.submitted, True)]
        assert summary["credit"] == ["submitted"]
        assert len(summary["instructor"]) == 1
        assert len(summary["vendor"]) == 1
        assert summary["email"] == ["Proctoring attempt submitted"]
        last = ProctoredExamStudentAttempt.history.filter(id=attempt.id).order_by("-history_id").first()
        assert last.history_change_reason == SWEEP_REASON


def test_the_gate_holds_back_credit_and_email_after_an_earlier_rejection(effects, django_capture_on_commit_callbacks):
    exam = ProctoredExamFactory()
    user = UserFactory()
    AttemptFactory(proctored_exam=exam, user=user, status=Status.rejected, started_at=now(), completed_at=now())
    resumed = _overdue(exam, user=user)

    with django_capture_on_commit_callbacks(execute=True):
        assert expire_overdue_attempts() == 1

    summary = effects(resumed)
    assert (summary["credit"], summary["email"]) == ([], [])
    assert len(summary["instructor"]) == len(summary["vendor"]) == 1


def test_an_attempt_whose_clock_is_stopped_or_deadline_moved_is_left_alone(time_machine, test_backend):
    exam = ProctoredExamFactory()
    started_at = now() - timedelta(minutes=50)
    paused, extended = (
        AttemptFactory(
            proctored_exam=exam,
            user=UserFactory(),
            status=Status.started,
            started_at=started_at,
            allowed_time_limit_mins=60,
        )
        for _ in range(2)
    )
    adjust_attempt_time(action="pause", actor=Actor.staff, attempt_id=paused.id, reason="fire alarm")
    adjust_attempt_time(action="extend", actor=Actor.staff, attempt_id=extended.id, minutes=60, reason="accessibility")
    time_machine.move_to(started_at + timedelta(minutes=100), tick=False)

    assert expire_overdue_attempts() == 0
    # Selected as overdue by a stale read, they are still checked under the row lock.
    assert expire_attempts_if_overdue(attempt_ids=[paused.id, extended.id], as_of=now()) == []
    assert set(ProctoredExamStudentAttempt.objects.values_list("status", flat=True)) == {Status.started}


def test_deferred_host_calls_are_retried_alone_and_skip_credit_once_the_attempt_moved_on(
    host_services, credit_calls, eager_celery
):
    exam = ProctoredExamFactory()
    flaky, moved_on = _overdue(exam), _overdue(exam)
    ProctoredExamStudentAttempt.objects.filter(id__in=[flaky.id, moved_on.id]).update(status=Status.submitted)
    ProctoredExamStudentAttempt.objects.filter(id=moved_on.id).update(status=Status.verified)
    original = host_services["instructor"].complete_student_attempt
    failures = []

    def complete(username, content_id):
        if username == flaky.user.username and len(failures) < 2:
            failures.append(username)
            raise ConnectionError("host busy")
        return original(username, content_id)

    host_services["instructor"].complete_student_attempt = complete
    items = [
        {"attempt_id": a.id, "status": Status.submitted, "first_completion": True, "calls": ["instructor", "credit"]}
        for a in (flaky, moved_on)
    ]

    assert run_deferred_status_effects.apply(kwargs={"items": items}).get() == 1

    assert len(failures) == 2  # the batch's try, then the retried task's first try
    completed = [username for username, _ in host_services["instructor"].completed_attempts]
    assert sorted(completed) == sorted([flaky.user.username, moved_on.user.username])
    assert credit_calls == [(flaky.user_id, exam.content_id, "submitted")]


def _attempt_table_queries(queries) -> list[str]:
    return [q["sql"] for q in queries.captured_queries if "proctoring_proctoredexamstudentattempt" in q["sql"]]


@pytest.mark.parametrize("learners", [2, 12])
def test_a_batch_and_its_deferred_calls_cost_the_same_queries_however_many_learners_it_moves(
    host_services, test_backend, eager_celery, django_capture_on_commit_callbacks, learners
):
    # Given overdue attempts at a proctored and a timed exam
    exams = [ProctoredExamFactory(), TimedExamFactory()]
    attempts = [_overdue(exams[i % 2]) for i in range(learners)]

    # When one batch expires them all
    with django_capture_on_commit_callbacks(execute=False) as deferred, CaptureQueriesContext(connection) as batch:
        expired = expire_attempts_if_overdue(attempt_ids=[a.id for a in attempts], as_of=now())
    with CaptureQueriesContext(connection) as calls:
        for callback in deferred:
            callback()

    # Then the batch locks, reads, updates, writes history and checks the gate once each,
    # and its deferred calls read the attempts once (the gate is not asked again per learner)
    assert len(expired) == learners
    assert len(_attempt_table_queries(batch)) == 5
    assert len(_attempt_table_queries(calls)) == 1
    assert len(host_services["instructor"].completed_attempts) == learners
