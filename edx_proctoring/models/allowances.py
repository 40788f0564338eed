"""Per-learner accommodations on an exam (extra time, review-policy exceptions), with their audit trail."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import models
from django.db.models.signals import pre_delete, pre_save
from django.dispatch import receiver
from model_utils.models import TimeStampedModel

from edx_proctoring.exceptions import (
    AllowanceValueNotAllowedException,
    ProctoredExamNotActiveException,
    ProctoredExamNotFoundException,
    UserNotFoundException,
)
from edx_proctoring.models.audit import archive_model
from edx_proctoring.models.exams import ProctoredExam


class QuerySetWithUpdateOverride(models.QuerySet):
    """A queryset whose `update` also archives the updated rows, as model saves do."""

    def update(self, **kwargs):
        rows = list(self)
        count = super().update(**kwargs)
        for row in rows:
            archive_model(ProctoredExamStudentAllowanceHistory, row, id="allowance_id")
        return count


class ProctoredExamStudentAllowanceManager(models.Manager):
    def get_queryset(self):
        return QuerySetWithUpdateOverride(self.model, using=self._db)


class ProctoredExamStudentAllowance(TimeStampedModel):
    """An accommodation: `key` is the allowance type, `value` its setting (minutes as digits for extra time)."""

    ADDITIONAL_TIME_GRANTED = ("additional_time_granted", "Additional Time (minutes)")
    REVIEW_POLICY_EXCEPTION = ("review_policy_exception", "Review Policy Exception")
    all_allowances = [ADDITIONAL_TIME_GRANTED + REVIEW_POLICY_EXCEPTION]

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    proctored_exam = models.ForeignKey(ProctoredExam, on_delete=models.CASCADE)
    key = models.CharField(max_length=255)
    value = models.CharField(max_length=255)

    objects = ProctoredExamStudentAllowanceManager()

    class Meta:
        app_label = "edx_proctoring"
        unique_together = (("user", "proctored_exam", "key"),)
        db_table = "proctoring_proctoredexamstudentallowance"
        verbose_name = "proctored allowance"

    def __str__(self):
        return f"{self.key}={self.value} for user {self.user_id} on exam {self.proctored_exam_id}"

    @classmethod
    def get_allowances_for_course(cls, course_id):
        return cls.objects.filter(proctored_exam__course_id=course_id)

    @classmethod
    def get_allowance_for_user(cls, exam_id, user_id, key):
        return cls.objects.filter(proctored_exam_id=exam_id, user_id=user_id, key=key).first()

    @classmethod
    def get_allowances_for_user(cls, exam_id, user_id):
        return cls.objects.filter(proctored_exam_id=exam_id, user_id=user_id)

    @classmethod
    def is_allowance_value_valid(cls, allowance_type, allowance_value):
        """Extra time must be a whole, non-negative number of minutes; other allowance types take any text."""
        if allowance_type in cls.ADDITIONAL_TIME_GRANTED:
            # isdecimal, not isdigit: "²" is a digit that int() cannot read.
            return isinstance(allowance_value, str | int) and str(allowance_value).isdecimal()
        return True

    @classmethod
    def add_allowance_for_user(cls, exam_id, user_info, key, value):
        """Create or replace the allowance `key` of a learner on an exam; returns (allowance, 'created'|'updated')."""
        if isinstance(key, tuple) and key:
            key = key[0]
        if not cls.is_allowance_value_valid(key, value):
            raise AllowanceValueNotAllowedException(
                f'"{value}" is not a valid value for {key}: enter a whole number of minutes, 0 or more.'
            )
        user_id = cls._resolve_user_id(user_info)
        exam = ProctoredExam.get_exam_by_id(exam_id)
        if exam is None:
            raise ProctoredExamNotFoundException(f"Exam {exam_id} does not exist.")
        if not exam.is_active:
            raise ProctoredExamNotActiveException(f"Exam {exam_id} is not active; allowances cannot be changed.")
        allowance = cls.get_allowance_for_user(exam_id, user_id, key)
        if allowance is not None:
            allowance.value = value
            allowance.save()
            return allowance, "updated"
        allowance = cls.objects.create(proctored_exam_id=exam_id, user_id=user_id, key=key, value=value)
        return allowance, "created"

    @staticmethod
    def _resolve_user_id(user_info):
        user_model = get_user_model()
        if isinstance(user_info, int) and not isinstance(user_info, bool):
            if not user_model.objects.filter(id=user_info).exists():
                raise UserNotFoundException(f"No user has the id {user_info}.")
            return user_info
        user = user_model.objects.filter(username=user_info).first()
        if user is None:
            user = user_model.objects.filter(email=user_info).first()
        if user is None:
            raise UserNotFoundException(f'No user has the username or email "{user_info}".')
        return user.id

    @classmethod
    def get_additional_time_granted(cls, exam_id, user_id):
        allowance = cls.get_allowance_for_user(exam_id, user_id, cls.ADDITIONAL_TIME_GRANTED[0])
        return int(allowance.value) if allowance and str(allowance.value).isdecimal() else None

    @classmethod
    def get_review_policy_exception(cls, exam_id, user_id):
        allowance = cls.get_allowance_for_user(exam_id, user_id, cls.REVIEW_POLICY_EXCEPTION[0])
        return allowance.value if allowance else None


class ProctoredExamStudentAllowanceHistory(TimeStampedModel):
    """Previous versions of allowances, written when one is changed or deleted."""

    allowance_id = models.IntegerField()
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    proctored_exam = models.ForeignKey(ProctoredExam, on_delete=models.CASCADE)
    key = models.CharField(max_length=255)
    value = models.CharField(max_length=255)

    class Meta:
        app_label = "edx_proctoring"
        db_table = "proctoring_proctoredexamstudentallowancehistory"
        verbose_name = "proctored allowance history"

    def __str__(self):
        return f"Allowance {self.allowance_id} (archived)"


@receiver(pre_save, sender=ProctoredExamStudentAllowance)
@receiver(pre_delete, sender=ProctoredExamStudentAllowance)
def _archive_allowance(sender, instance, **kwargs):  # noqa: ARG001
    """Keep the version being replaced or deleted; the audit trail is part of the model."""
    if instance.id is None:
        return
    previous = sender.objects.filter(id=instance.id).first()
    if previous is not None:
        archive_model(ProctoredExamStudentAllowanceHistory, previous, id="allowance_id")
