"""Property-based checks: random sequences of learner, staff, vendor and clock actions on one attempt."""

from datetime import UTC, datetime, timedelta

import time_machine
from django.core import mail
from eventtracking import tracker
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from edx_proctoring import runtime
from edx_proctoring.attempts import creation, getters
from edx_proctoring.attempts import moves as attempt_moves
from edx_proctoring.attempts.lifecycle import update_attempt_status
from edx_proctoring.exceptions import ProctoredBaseException
from edx_proctoring.models import ProctoredExamStudentAttempt
from edx_proctoring.statuses import ProctoredExamStudentAttemptStatus as Status
from edx_proctoring.tests.factories import ProctoredExamFactory, UserFactory
from edx_proctoring.tests.test_services import MockCreditService, MockGradesService, MockInstructorService
from edx_proctoring.timing import get_time_remaining_for_attempt

ACTIONS = [
    "start",
    "stop",
    "submit",
    "error",
    "verify",
    "reject",
    "second_review",
    "decline",
    "download",
    "ready",
    "timeout",
    "read",
    "ready_to_resume",
    "wait_10_min",
    "wait_1_hour",
]


class _Recorder:
    def __init__(self):
        self.names = []

    def emit(self, name=None, data=None):
        self.names.append(name)

    def context(self, name, ctx):
        from contextlib import nullcontext

        return nullcontext()


class AttemptLifecycleProperties(TestCase):
    def _apply(self, action, attempt_id, exam, user, clock):
        moves = {
            "stop": Status.ready_to_submit,
            "submit": Status.submitted,
            "error": Status.error,
            "verify": Status.verified,
            "reject": Status.rejected,
            "second_review": Status.second_review_required,
            "decline": Status.declined,
            "download": Status.download_software_clicked,
            "ready": Status.ready_to_start,
            "timeout": Status.timed_out,
        }
        if action == "start":
            attempt_moves.start_exam_attempt(exam.id, user.id)
        elif action in moves:
            update_attempt_status(attempt_id, moves[action])
        elif action == "read":
            getters.get_exam_attempt_by_id(attempt_id)
        elif action == "ready_to_resume":
            attempt_moves.mark_exam_attempt_as_ready_to_resume(attempt_id)
        elif action == "wait_10_min":
            clock.shift(timedelta(minutes=10))
        elif action == "wait_1_hour":
            clock.shift(timedelta(hours=1))

    @given(st.lists(st.sampled_from(ACTIONS), min_size=1, max_size=14))
    def test_invariants_hold_for_any_sequence_of_actions(self, actions):
        runtime.set_runtime_service("credit", MockCreditService())
        runtime.set_runtime_service("instructor", MockInstructorService())
        runtime.set_runtime_service("grades", MockGradesService())
        recorder = _Recorder()
        tracker.register_tracker(recorder)
        mail.outbox = []
        try:
            with time_machine.travel(datetime(2026, 3, 1, 9, 0, tzinfo=UTC), tick=False) as clock:
                exam = ProctoredExamFactory(time_limit_mins=30, backend="null")
                user = UserFactory()
                attempt_id = creation.create_exam_attempt(exam.id, user.id, taking_as_proctored=True)
                recorder.names.clear()
                observed = [Status.created]
                started_at = None
                for action in actions:
                    before = ProctoredExamStudentAttempt.objects.get(id=attempt_id)
                    try:
                        self._apply(action, attempt_id, exam, user, clock)
                    except ProctoredBaseException:
                        after = ProctoredExamStudentAttempt.objects.get(id=attempt_id)
                        assert after.status == before.status, "a refused action must not change the status"
                    after = ProctoredExamStudentAttempt.objects.get(id=attempt_id)
                    if after.status != observed[-1]:
                        observed.append(after.status)
                    assert not (
                        Status.is_completed_status(before.status) and Status.is_incomplete_status(after.status)
                    ), f"{before.status} -> {after.status} after {action}"
                    if started_at is not None:
                        assert after.started_at == started_at, "the clock must never restart"
                    started_at = after.started_at or started_at
                    remaining = get_time_remaining_for_attempt(getters.serialize_attempt(after))
                    assert remaining >= 0
                    if after.started_at and after.completed_at and after.status == Status.submitted:
                        assert after.completed_at >= after.started_at
            status_events = [name for name in recorder.names if ".attempt." in name]
            assert len(status_events) == len(observed) - 1, (observed, status_events)
            emailed = [s for s in observed[1:] if s in (Status.submitted, Status.verified, Status.rejected)]
            assert len(mail.outbox) <= len(emailed)
            completions = runtime.get_runtime_service("instructor").completed_attempts
            assert len(completions) <= 1
        finally:
            tracker.TRACKERS.pop(tracker.DEFAULT_TRACKER_NAME, None)
            runtime._SERVICES.clear()
