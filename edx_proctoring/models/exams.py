"""Exams and their review policies."""

from django.conf import settings
from django.db import models
from model_utils.models import TimeStampedModel
from simple_history.models import HistoricalRecords

from edx_proctoring.models.lookups import as_id


class ProctoredExam(TimeStampedModel):
    """A timed, proctored, practice or onboarding exam: one per (course, sequential). Deactivated, never deleted."""

    course_id = models.CharField(max_length=255, db_index=True)
    content_id = models.CharField(max_length=255, db_index=True)
    external_id = models.CharField(max_length=255, null=True, db_index=True)
    exam_name = models.TextField()
    time_limit_mins = models.IntegerField()
    due_date = models.DateTimeField(null=True)
    is_proctored = models.BooleanField(default=False)
    is_practice_exam = models.BooleanField(default=False)
    is_active = models.BooleanField(default=False)
    hide_after_due = models.BooleanField(default=False)
    backend = models.CharField(max_length=255, null=True, default=None)

    history = HistoricalRecords(table_name="proctoring_proctoredexamhistory")

    class Meta:
        app_label = "edx_proctoring"
        unique_together = (("course_id", "content_id"),)
        db_table = "proctoring_proctoredexam"

    def __str__(self):
        state = "active" if self.is_active else "inactive"
        return f"{self.course_id}: {self.exam_name} ({state})"

    @classmethod
    def get_exam_by_content_id(cls, course_id, content_id):
        return cls.objects.filter(course_id=course_id, content_id=content_id).first()

    @classmethod
    def get_exam_by_id(cls, exam_id):
        return cls.objects.filter(id=as_id(exam_id)).first()

    @classmethod
    def get_all_exams_for_course(cls, course_id, active_only=False, proctored_exams_only=False):
        exams = cls.objects.filter(course_id=course_id)
        if active_only:
            exams = exams.filter(is_active=True)
        if proctored_exams_only:
            exams = exams.filter(is_proctored=True, is_practice_exam=False)
        return exams

    @classmethod
    def get_practice_proctored_exams_for_course(cls, course_id):
        return cls.objects.filter(course_id=course_id, is_active=True, is_practice_exam=True, is_proctored=True)


class ProctoredExamReviewPolicy(TimeStampedModel):
    """Free-text rules a vendor's reviewers apply to an exam."""

    set_by_user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    proctored_exam = models.ForeignKey(ProctoredExam, db_index=True, on_delete=models.CASCADE)
    review_policy = models.TextField(default="")

    class Meta:
        app_label = "edx_proctoring"
        db_table = "proctoring_proctoredexamreviewpolicy"
        verbose_name = "Proctored exam review policy"
        verbose_name_plural = "Proctored exam review policies"

    def __str__(self):
        return f"Review policy of exam {self.proctored_exam_id}"

    @classmethod
    def get_review_policy_for_exam(cls, exam_id):
        return cls.objects.filter(proctored_exam_id=as_id(exam_id)).order_by("-id").first()


class ProctoredExamReviewPolicyHistory(TimeStampedModel):
    """Previous versions of review policies, written when a policy is changed or deleted."""

    original_id = models.IntegerField(db_index=True)
    set_by_user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    proctored_exam = models.ForeignKey(ProctoredExam, db_index=True, on_delete=models.CASCADE)
    review_policy = models.TextField()

    class Meta:
        app_label = "edx_proctoring"
        db_table = "proctoring_proctoredexamreviewpolicyhistory"
        verbose_name = "proctored exam review policy history"

    def __str__(self):
        return f"Review policy {self.original_id} (archived)"

    def delete(self, *args, **kwargs):
        raise NotImplementedError("Review policy history is an audit trail and cannot be deleted.")
