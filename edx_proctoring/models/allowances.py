"""Per-learner accommodations on an exam (extra time, review-policy exceptions), with their audit trail."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.db.models.signals import pre_delete, pre_save
from django.dispatch import receiver
from model_utils.models import TimeStampedModel

from edx_proctoring.config import proctoring_setting
from edx_proctoring.exceptions import (
    AllowanceValueNotAllowedException,
    AllowanceValueOverLimitException,
    ProctoredExamNotActiveException,
    ProctoredExamNotFoundException,
    UserNotFoundException,
)
from edx_proctoring.models.archiving import archive_model
from edx_proctoring.models.exams import ProctoredExam

# Extra time is an accommodation, not a way around the time limit: ten days is far beyond any
# accommodation granted in practice, and small enough that every deadline computed from it is a date
# every database and every client can hold. Operators may change it with
# PROCTORING_SETTINGS['MAX_ADDITIONAL_TIME_MINUTES'], up to a year.
DEFAULT_MAX_ADDITIONAL_MINUTES = 10 * 24 * 60
MAX_ADDITIONAL_MINUTES_SETTING = "MAX_ADDITIONAL_TIME_MINUTES"
HIGHEST_ALLOWED_ADDITIONAL_MINUTES_SETTING = 366 * 24 * 60
# Breaks pause the learner's own clock; a day of breaks is beyond any accommodation, and keeps every
# deadline a date all databases hold.
MAX_BREAK_MINUTES = 24 * 60


def max_additional_minutes() -> int:
    """The most extra time, in minutes, an allowance may grant (read from the settings at each call)."""
    configured = proctoring_setting(MAX_ADDITIONAL_MINUTES_SETTING, DEFAULT_MAX_ADDITIONAL_MINUTES)
    if isinstance(configured, bool) or not isinstance(configured, int) or configured < 0:
        raise ImproperlyConfigured(
            f"PROCTORING_SETTINGS['{MAX_ADDITIONAL_MINUTES_SETTING}'] must be a whole number of minutes, 0 or more "
            f"(got {configured!r})."
        )
    return min(configured, HIGHEST_ALLOWED_ADDITIONAL_MINUTES_SETTING)


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
    # Minutes of breaks the learner may take during an attempt, pausing their own clock (not in 6.1.x).
    BREAK_MINUTES = ("break_minutes", "Break Time (minutes)")
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
        # The staff list's pages read each exam's allowances in (learner, type) order from this index
        # (selectors/allowance_list.py); the unique (user, exam, key) index starts with the learner instead.
        indexes = [models.Index(fields=["proctored_exam", "user", "key"], name="proctoring_allowance_exam_user")]
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
        """Extra time must be a whole number of minutes from 0 to the limit; other allowance types take any text."""
        try:
            cls.check_allowance_value(key=allowance_type, value=allowance_value)
        except AllowanceValueNotAllowedException:
            return False
        return True

    @classmethod
    def check_allowance_value(cls, *, key, value) -> None:
        """Raise AllowanceValueNotAllowedException, saying why, when `value` is not a valid value for `key`."""
        if isinstance(key, str) and key in cls.BREAK_MINUTES:
            cls._check_minutes(key=key, value=value, limit=MAX_BREAK_MINUTES, what="Break time")
            return
        if not (isinstance(key, str) and key in cls.ADDITIONAL_TIME_GRANTED):
            return
        cls._check_minutes(key=key, value=value, limit=max_additional_minutes(), what="Additional time")

    @staticmethod
    def _check_minutes(*, key, value, limit: int, what: str) -> None:
        # isdecimal, not isdigit: "²" is a digit that int() cannot read.
        if not (isinstance(value, str | int) and not isinstance(value, bool) and str(value).isdecimal()):
            raise AllowanceValueNotAllowedException(
                f'"{value}" is not a valid value for {key}: enter a whole number of minutes, 0 or more.'
            )
        # Compare lengths first: int() refuses strings of thousands of digits, and such a value is over anyway.
        digits = str(value).lstrip("0")
        if len(digits) > len(str(limit)) or int(digits or "0") > limit:
            raise AllowanceValueOverLimitException(
                f"{what} can be at most {limit} minutes; {digits[:20]}"
                f"{'...' if len(digits) > 20 else ''} minutes is over that limit."
            )

    @classmethod
    def add_allowance_for_user(cls, exam_id, user_info, key, value):
        """Create or replace the allowance `key` of a learner on an exam; returns (allowance, 'created'|'updated')."""
        if isinstance(key, tuple) and key:
            key = key[0]
        cls.check_allowance_value(key=key, value=value)
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
def _archive_allowance(sender, instance, **kwargs):
    """Keep the version being replaced or deleted; the audit trail is part of the model."""
    if instance.id is None:
        return
    previous = sender.objects.filter(id=instance.id).first()
    if previous is not None:
        archive_model(ProctoredExamStudentAllowanceHistory, previous, id="allowance_id")
