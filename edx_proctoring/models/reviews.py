"""Vendor reviews of proctored attempts, their comments and their audit trail.

The table names say "software secure" for history; the rows hold reviews from every vendor, with the
verdict stored as the PSI vocabulary (Clean, Rules Violation, Suspicious, Not Reviewed).
"""

from django.conf import settings
from django.db import models
from django.db.models.signals import post_delete, pre_delete, pre_save
from django.dispatch import receiver
from model_utils.models import TimeStampedModel

from edx_proctoring.backends import get_backend_provider
from edx_proctoring.models.archiving import archive_model
from edx_proctoring.models.attempts import ProctoredExamStudentAttempt
from edx_proctoring.models.exams import ProctoredExam
from edx_proctoring.statuses import SoftwareSecureReviewStatus


class ProctoredExamSoftwareSecureReview(TimeStampedModel):
    """The vendor's verdict on one attempt (keyed by the attempt code)."""

    attempt_code = models.CharField(max_length=255, db_index=True, unique=True)
    review_status = models.CharField(max_length=255)
    raw_data = models.TextField()
    encrypted_video_url = models.BinaryField(null=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, related_name="+", on_delete=models.CASCADE)
    student = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, related_name="+", on_delete=models.CASCADE)
    exam = models.ForeignKey(ProctoredExam, null=True, on_delete=models.CASCADE)
    is_attempt_active = models.BooleanField(default=True)

    class Meta:
        app_label = "edx_proctoring"
        db_table = "proctoring_proctoredexamsoftwaresecurereview"
        verbose_name = "Proctored exam software secure review"

    def __str__(self):
        return f"Review of attempt {self.attempt_code}: {self.review_status}"

    @property
    def is_passing(self):
        """Whether the verdict passes under the exam backend's own list of passing verdicts."""
        backend = get_backend_provider(name=self.exam.backend if self.exam else None)
        passing = getattr(backend, "passing_statuses", None) or SoftwareSecureReviewStatus.passing_statuses
        return self.review_status in passing

    @property
    def should_notify(self):
        """A vendor (not a human) flagged the attempt as suspicious: support should look at it."""
        return self.review_status == SoftwareSecureReviewStatus.notify_support_for_status and not self.reviewed_by_id

    @classmethod
    def get_review_by_attempt_code(cls, attempt_code):
        return cls.objects.filter(attempt_code=attempt_code).first()


class ProctoredExamSoftwareSecureReviewHistory(TimeStampedModel):
    """Previous versions of reviews, written when a review is overwritten or deleted."""

    attempt_code = models.CharField(max_length=255, db_index=True)
    review_status = models.CharField(max_length=255)
    raw_data = models.TextField()
    encrypted_video_url = models.BinaryField(null=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, related_name="+", on_delete=models.CASCADE)
    student = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, related_name="+", on_delete=models.CASCADE)
    exam = models.ForeignKey(ProctoredExam, null=True, on_delete=models.CASCADE)
    is_attempt_active = models.BooleanField(default=True)

    class Meta:
        app_label = "edx_proctoring"
        db_table = "proctoring_proctoredexamsoftwaresecurereviewhistory"
        verbose_name = "Proctored exam review archive"

    def __str__(self):
        return f"Review of attempt {self.attempt_code}: {self.review_status} (archived)"


class ProctoredExamSoftwareSecureComment(TimeStampedModel):
    """One time-coded observation of a reviewer."""

    review = models.ForeignKey(ProctoredExamSoftwareSecureReview, on_delete=models.CASCADE)
    start_time = models.IntegerField()
    stop_time = models.IntegerField()
    duration = models.IntegerField()
    comment = models.TextField()
    status = models.CharField(max_length=255)

    class Meta:
        app_label = "edx_proctoring"
        db_table = "proctoring_proctoredexamstudentattemptcomment"
        verbose_name = "proctored exam software secure comment"

    def __str__(self):
        return f"{self.status}: {self.comment[:40]}"


@receiver(pre_save, sender=ProctoredExamSoftwareSecureReview)
@receiver(pre_delete, sender=ProctoredExamSoftwareSecureReview)
def _archive_review(sender, instance, **kwargs):
    """Keep the version being overwritten or deleted."""
    if instance.id is None:
        return
    previous = sender.objects.filter(id=instance.id).first()
    if previous is not None:
        archive_model(ProctoredExamSoftwareSecureReviewHistory, previous)


@receiver(post_delete, sender=ProctoredExamStudentAttempt)
def _deactivate_review_of_deleted_attempt(sender, instance, **kwargs):
    """A review outlives its attempt only as a record: mark it as belonging to no live attempt."""
    if instance.attempt_code:
        ProctoredExamSoftwareSecureReview.objects.filter(attempt_code=instance.attempt_code).update(
            is_attempt_active=False
        )
