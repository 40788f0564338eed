"""Learner attempts at exams."""

from datetime import UTC, datetime, timedelta

from django.apps import apps
from django.conf import settings
from django.db import models
from model_utils.models import TimeStampedModel
from simple_history.models import HistoricalRecords

from edx_proctoring.constants import VERIFICATION_DAYS_VALID
from edx_proctoring.models.exams import ProctoredExam
from edx_proctoring.models.lookups import as_id
from edx_proctoring.statuses import RUNNING_STATUSES, ProctoredExamStudentAttemptStatus


class ProctoredExamStudentAttemptManager(models.Manager):
    """Historic query helpers; callers in edx-platform and vendor plugins use these names."""

    def get_current_exam_attempt(self, exam_id, user_id):
        return self.filter(proctored_exam_id=as_id(exam_id), user_id=as_id(user_id)).order_by("-created", "-id").first()

    def get_exam_attempt_by_id(self, attempt_id):
        return self.filter(id=as_id(attempt_id)).first()

    def get_exam_attempt_by_code(self, attempt_code):
        try:
            return self.get(attempt_code=attempt_code)
        except self.model.DoesNotExist:
            return None

    def get_exam_attempt_by_external_id(self, external_id):
        try:
            return self.get(external_id=external_id)
        except self.model.DoesNotExist:
            return None

    def get_all_exam_attempts(self, course_id):
        return self.filter(proctored_exam__course_id=course_id).order_by("-created", "-id")

    def get_all_exam_attempts_by_exam_id(self, exam_id):
        return self.filter(proctored_exam_id=exam_id)

    def get_proctored_practice_attempts_by_course_id(self, course_id, users=None):
        attempts = self.filter(
            proctored_exam__course_id=course_id,
            proctored_exam__is_practice_exam=True,
            proctored_exam__is_active=True,
            taking_as_proctored=True,
        )
        if users is not None:
            attempts = attempts.filter(user__in=users)
        return attempts.order_by("-modified")

    def get_last_verified_proctored_onboarding_attempts(self, users, proctoring_backend):
        """Still-valid verified onboarding attempts with the backend, any course, newest first.

        `users=None` means every user (the staff panel filtering a whole course).
        """
        earliest_valid = datetime.now(UTC) - timedelta(days=VERIFICATION_DAYS_VALID)
        attempts = self.filter(
            status=ProctoredExamStudentAttemptStatus.verified,
            taking_as_proctored=True,
            proctored_exam__is_practice_exam=True,
            proctored_exam__backend=proctoring_backend,
            modified__gt=earliest_valid,
        )
        if users is not None:
            attempts = attempts.filter(user__in=users)
        return attempts.order_by("-modified")

    def get_filtered_exam_attempts(self, course_id, search_by):
        return self.filter(
            models.Q(user__username__contains=search_by) | models.Q(user__email__contains=search_by),
            proctored_exam__course_id=course_id,
        ).order_by("-created", "-id")

    def get_proctored_exam_attempts(self, course_id, username):
        return self.filter(
            proctored_exam__course_id=course_id,
            user__username=username,
            taking_as_proctored=True,
            is_sample_attempt=False,
        ).order_by("-completed_at")

    def get_active_student_attempts(self, user_id, course_id=None):
        attempts = self.filter(
            user_id=user_id,
            status__in=RUNNING_STATUSES,
        )
        if course_id is not None:
            attempts = attempts.filter(proctored_exam__course_id=course_id)
        return attempts.order_by("-created", "-id")

    def onboarding_errors(self, user_id, exclude_attempt_id=None):
        """The user's attempts (any course) that a vendor refused for onboarding reasons, with their exams.

        Deleting them, the vendor's copies first, is `attempts.removal.clear_onboarding_errors`: the models
        never call vendors.
        """
        refused = self.filter(user_id=user_id, status__in=ProctoredExamStudentAttemptStatus.onboarding_errors)
        if exclude_attempt_id is not None:
            refused = refused.exclude(id=exclude_attempt_id)
        return refused.select_related("proctored_exam")

    def clear_onboarding_errors(self, user_id):
        """Delete the user's onboarding-refused attempts (any course), the vendors' copies first (best effort).

        The historic entry point plugins call. The vendor step belongs to the removal domain, which the app
        config hands over at start-up, so that the models import no vendor code.
        """
        apps.get_app_config("edx_proctoring").clear_onboarding_errors(user_id=user_id)

    def get_user_attempts_by_exam_id(self, user_id, exam_id):
        return self.filter(user_id=as_id(user_id), proctored_exam_id=as_id(exam_id)).order_by("-created", "-id")


class ProctoredExamStudentAttempt(TimeStampedModel):
    """One learner's attempt at one exam. Practice exams and resumed attempts may have several per learner."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, db_index=True, on_delete=models.CASCADE)
    proctored_exam = models.ForeignKey(ProctoredExam, db_index=True, on_delete=models.CASCADE)
    started_at = models.DateTimeField(null=True)
    completed_at = models.DateTimeField(null=True)
    attempt_code = models.CharField(max_length=255, null=True, db_index=True)
    external_id = models.CharField(max_length=255, null=True, db_index=True)
    allowed_time_limit_mins = models.IntegerField(null=True)
    status = models.CharField(max_length=64)
    taking_as_proctored = models.BooleanField(default=False, verbose_name="Taking as Proctored")
    is_sample_attempt = models.BooleanField(default=False, verbose_name="Is Sample Attempt")
    review_policy_id = models.IntegerField(null=True)
    is_status_acknowledged = models.BooleanField(default=False)
    time_remaining_seconds = models.IntegerField(null=True)
    is_resumable = models.BooleanField(default=False, verbose_name="Is Resumable")
    ready_to_resume = models.BooleanField(default=False, verbose_name="Ready to Resume")
    resumed = models.BooleanField(default=False, verbose_name="Resumed")

    objects = ProctoredExamStudentAttemptManager()
    history = HistoricalRecords(table_name="proctoring_proctoredexamstudentattempt_history")

    class Meta:
        app_label = "edx_proctoring"
        db_table = "proctoring_proctoredexamstudentattempt"
        verbose_name = "proctored exam attempt"
        indexes = [
            # Finds a learner's attempts at an exam, newest last, from the index alone: the staff list's
            # "newest attempt per (learner, exam)" and its count read only this index.
            models.Index(fields=["proctored_exam", "user", "id"], name="proctoring_attempt_exam_user"),
            # An exam's attempts in id order, on databases whose single-column index does not carry the key.
            models.Index(fields=["proctored_exam", "id"], name="proctoring_attempt_exam_id"),
        ]

    def __str__(self):
        return f"Attempt {self.id} of user {self.user_id} on exam {self.proctored_exam_id}: {self.status}"

    @classmethod
    def create_exam_attempt(
        cls,
        exam_id,
        user_id,
        attempt_code,
        taking_as_proctored,
        is_sample_attempt,
        external_id,
        review_policy_id=None,
        status=None,
        time_remaining_seconds=None,
    ):
        return cls.objects.create(
            proctored_exam_id=exam_id,
            user_id=user_id,
            attempt_code=attempt_code,
            taking_as_proctored=taking_as_proctored,
            is_sample_attempt=is_sample_attempt,
            external_id=external_id,
            review_policy_id=review_policy_id,
            status=status or ProctoredExamStudentAttemptStatus.created,
            time_remaining_seconds=time_remaining_seconds,
        )

    def delete_exam_attempt(self):
        self.delete()

    @classmethod
    def get_historic_attempt_by_code(cls, attempt_code):
        """The last recorded version of a deleted (or live) attempt with this code, as a model instance."""
        snapshot = cls.history.filter(attempt_code=attempt_code).order_by("-modified", "-history_id").first()
        return snapshot.instance if snapshot else None
