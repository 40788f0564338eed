"""Declining one proctored exam declines the learner's others: the step installed into the effects at app ready."""

from datetime import timedelta

import pytest
from django.core.exceptions import ImproperlyConfigured

from edx_proctoring.attempts import decline_cascade, effects
from edx_proctoring.attempts.lifecycle import update_attempt_status
from edx_proctoring.models import ProctoredExamStudentAttempt
from edx_proctoring.statuses import ProctoredExamStudentAttemptStatus as Status
from edx_proctoring.tests.factories import AttemptFactory, ProctoredExamFactory
from edx_proctoring.timing import now

pytestmark = pytest.mark.django_db


def _reload(attempt):
    return ProctoredExamStudentAttempt.objects.get(id=attempt.id)


@pytest.fixture
def uninstalled_cascade():
    effects._decline_elsewhere.clear()
    yield
    effects.set_decline_cascade(step=decline_cascade.decline_other_proctored_exams)


def test_given_the_app_is_ready_then_the_effects_run_the_decline_cascade():
    assert effects._decline_elsewhere == [decline_cascade.decline_other_proctored_exams]


def test_given_an_overdue_attempt_on_another_exam_when_the_learner_declines_then_it_is_timed_out_not_declined(
    host_services,
):
    declined = AttemptFactory(status=Status.created)
    overdue = AttemptFactory(
        user=declined.user,
        proctored_exam=ProctoredExamFactory(course_id=declined.proctored_exam.course_id),
        status=Status.started,
        started_at=now() - timedelta(minutes=90),
        allowed_time_limit_mins=60,
    )

    update_attempt_status(declined.id, Status.declined)

    overdue = _reload(overdue)
    assert overdue.status == Status.submitted
    assert overdue.completed_at == overdue.started_at + timedelta(minutes=60)


def test_given_no_cascade_installed_when_a_decline_cascades_then_it_fails_loudly_and_nothing_is_written(
    host_services, uninstalled_cascade
):
    declined = AttemptFactory(status=Status.created)
    other = ProctoredExamFactory(course_id=declined.proctored_exam.course_id)

    with pytest.raises(ImproperlyConfigured):
        update_attempt_status(declined.id, Status.declined)

    assert _reload(declined).status == Status.created
    assert not ProctoredExamStudentAttempt.objects.filter(proctored_exam=other).exists()
