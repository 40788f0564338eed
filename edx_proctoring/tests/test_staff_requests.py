"""Course staff removing every attempt of a learner on an exam."""

import pytest

from edx_proctoring.attempts.staff_requests import remove_learner_attempts
from edx_proctoring.exceptions import ProctoredExamNotFoundException
from edx_proctoring.models import ProctoredExamStudentAttempt
from edx_proctoring.tests.factories import AttemptFactory, PracticeExamFactory, ProctoredExamFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_given_a_learners_attempts_when_staff_remove_them_then_only_that_learners_on_that_exam_go(host_services):
    staff, learner = UserFactory(is_staff=True), UserFactory()
    exam = PracticeExamFactory()
    AttemptFactory(proctored_exam=exam, user=learner, status="submitted")
    AttemptFactory(proctored_exam=exam, user=learner, status="error")
    kept = [AttemptFactory(proctored_exam=exam), AttemptFactory(user=learner)]

    removed = remove_learner_attempts(exam_id=exam.id, user_id=learner.id, requesting_user=staff)

    assert removed == 2
    assert set(ProctoredExamStudentAttempt.objects.values_list("id", flat=True)) == {a.id for a in kept}


def test_given_no_attempts_when_staff_remove_them_then_none_are_removed(host_services):
    exam = ProctoredExamFactory()

    assert remove_learner_attempts(exam_id=exam.id, user_id=UserFactory().id, requesting_user=UserFactory()) == 0


def test_given_an_unknown_exam_when_staff_remove_attempts_then_it_is_refused(host_services):
    with pytest.raises(ProctoredExamNotFoundException):
        remove_learner_attempts(exam_id=999, user_id=1, requesting_user=UserFactory())
