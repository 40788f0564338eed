"""factory_boy factories for the proctoring models."""

import uuid

import factory
from django.contrib.auth import get_user_model

from edx_proctoring.models import (
    ProctoredExam,
    ProctoredExamReviewPolicy,
    ProctoredExamSoftwareSecureReview,
    ProctoredExamStudentAllowance,
    ProctoredExamStudentAttempt,
)

COURSE_ID = "course-v1:edX+Proctoring+2026"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"learner{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.org")
    is_active = True


class ProctoredExamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProctoredExam

    course_id = COURSE_ID
    content_id = factory.Sequence(lambda n: f"block-v1:edX+Proctoring+2026+type@sequential+block@exam{n}")
    exam_name = factory.Sequence(lambda n: f"Exam {n}")
    time_limit_mins = 60
    is_proctored = True
    is_practice_exam = False
    is_active = True
    hide_after_due = False
    backend = "test"
    external_id = factory.Sequence(lambda n: f"exam-external-{n}")


class TimedExamFactory(ProctoredExamFactory):
    is_proctored = False
    backend = None
    external_id = None


class PracticeExamFactory(ProctoredExamFactory):
    is_practice_exam = True


class AttemptFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProctoredExamStudentAttempt

    user = factory.SubFactory(UserFactory)
    proctored_exam = factory.SubFactory(ProctoredExamFactory)
    attempt_code = factory.LazyFunction(lambda: str(uuid.uuid4()).upper())
    external_id = factory.Sequence(lambda n: f"attempt-external-{n}")
    status = "created"
    taking_as_proctored = factory.LazyAttribute(lambda attempt: attempt.proctored_exam.is_proctored)
    is_sample_attempt = factory.LazyAttribute(lambda attempt: attempt.proctored_exam.is_practice_exam)


class AllowanceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProctoredExamStudentAllowance

    user = factory.SubFactory(UserFactory)
    proctored_exam = factory.SubFactory(ProctoredExamFactory)
    key = "additional_time_granted"
    value = "30"


class ReviewPolicyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProctoredExamReviewPolicy

    set_by_user = factory.SubFactory(UserFactory)
    proctored_exam = factory.SubFactory(ProctoredExamFactory)
    review_policy = "Notes allowed"


class ReviewFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProctoredExamSoftwareSecureReview

    attempt_code = factory.LazyFunction(lambda: str(uuid.uuid4()).upper())
    review_status = "Clean"
    raw_data = "{}"
