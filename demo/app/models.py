"""The few LMS tables the demo needs: courses and their exam sections, enrollments, course staff, and the
state the host services keep (credit requirements, grade overrides, certificates, support notifications,
completions, saved answers)."""

from django.conf import settings
from django.db import models

USER = settings.AUTH_USER_MODEL


class Course(models.Model):
    course_id = models.CharField(max_length=255, unique=True)
    display_name = models.CharField(max_length=255)
    end_date = models.DateTimeField(null=True, blank=True)
    allow_proctoring_opt_out = models.BooleanField(default=False)
    proctoring_escalation_email = models.EmailField(blank=True, default="")
    # Whether a rejected proctored exam zeroes the learner's subsection grade (edx-platform's waffle flag).
    override_grade_on_rejected_exam = models.BooleanField(default=True)

    def __str__(self):
        return self.display_name


class Section(models.Model):
    """A subsection of the course that is a special exam (the sequential block of edx-platform)."""

    TIMED, PROCTORED, PRACTICE, ONBOARDING = "timed", "proctored", "practice", "onboarding"
    KINDS = [(TIMED, "Timed"), (PROCTORED, "Proctored"), (PRACTICE, "Practice"), (ONBOARDING, "Onboarding")]

    course = models.ForeignKey(Course, related_name="sections", on_delete=models.CASCADE)
    content_id = models.CharField(max_length=255, unique=True)
    display_name = models.CharField(max_length=255)
    kind = models.CharField(max_length=16, choices=KINDS)
    time_limit_mins = models.PositiveIntegerField(default=30)
    due_date = models.DateTimeField(null=True, blank=True)
    position = models.PositiveIntegerField(default=0)
    question = models.TextField(default="")

    class Meta:
        ordering = ["course", "position"]

    def __str__(self):
        return self.display_name

    @property
    def is_proctored(self):
        return self.kind in (self.PROCTORED, self.PRACTICE, self.ONBOARDING)

    @property
    def is_practice_exam(self):
        return self.kind in (self.PRACTICE, self.ONBOARDING)


class Enrollment(models.Model):
    user = models.ForeignKey(USER, related_name="demo_enrollments", on_delete=models.CASCADE)
    course_id = models.CharField(max_length=255)
    mode = models.CharField(max_length=32, default="verified")
    is_active = models.BooleanField(default=True)

    class Meta:
        unique_together = [("user", "course_id")]

    def __str__(self):
        return f"{self.user} in {self.course_id} ({self.mode})"


class CourseStaff(models.Model):
    user = models.ForeignKey(USER, related_name="demo_staff_roles", on_delete=models.CASCADE)
    course_id = models.CharField(max_length=255)
    role = models.CharField(max_length=32, default="staff")

    class Meta:
        unique_together = [("user", "course_id")]
        verbose_name_plural = "course staff"

    def __str__(self):
        return f"{self.user} ({self.role} of {self.course_id})"


class CreditRequirementStatus(models.Model):
    user = models.ForeignKey(USER, on_delete=models.CASCADE)
    course_id = models.CharField(max_length=255)
    namespace = models.CharField(max_length=64)
    name = models.CharField(max_length=255)
    display_name = models.CharField(max_length=255, blank=True, default="")
    order = models.PositiveIntegerField(default=0)
    status = models.CharField(max_length=32)
    reason = models.JSONField(null=True, blank=True)
    modified = models.DateTimeField(auto_now=True)

    class Meta:
        unique_together = [("user", "course_id", "namespace", "name")]
        verbose_name_plural = "credit requirement statuses"

    def __str__(self):
        return f"{self.user} {self.namespace}/{self.name}: {self.status}"


class GradeOverride(models.Model):
    user = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="+")
    course_id = models.CharField(max_length=255)
    usage_key = models.CharField(max_length=255)
    earned_all_override = models.FloatField(null=True, blank=True)
    earned_graded_override = models.FloatField(null=True, blank=True)
    overrider = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    comment = models.CharField(max_length=300, blank=True, default="")
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        unique_together = [("user", "course_id", "usage_key")]

    def __str__(self):
        return f"{self.user} {self.usage_key}: {self.earned_graded_override}"


class Certificate(models.Model):
    user = models.ForeignKey(USER, on_delete=models.CASCADE)
    course_id = models.CharField(max_length=255)
    status = models.CharField(max_length=32, default="downloadable")
    invalidated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        unique_together = [("user", "course_id")]

    def __str__(self):
        return f"{self.user} {self.course_id}: {self.status}"


class SupportNotification(models.Model):
    """A ticket for the support team about a suspicious review (edx-platform files a Zendesk ticket)."""

    course_id = models.CharField(max_length=255)
    exam_name = models.CharField(max_length=255)
    student_username = models.CharField(max_length=150)
    review_status = models.CharField(max_length=64)
    review_url = models.URLField(blank=True, default="")
    created = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return f"{self.student_username} {self.exam_name}: {self.review_status}"


class Completion(models.Model):
    """The learner completed the section (edx-platform's block completion)."""

    user = models.ForeignKey(USER, on_delete=models.CASCADE)
    content_id = models.CharField(max_length=255)
    completed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        unique_together = [("user", "content_id")]

    def __str__(self):
        return f"{self.user} completed {self.content_id}"


class Answer(models.Model):
    """The learner's saved answer to a section's question (edx-platform's student module state)."""

    user = models.ForeignKey(USER, on_delete=models.CASCADE)
    content_id = models.CharField(max_length=255)
    text = models.TextField(blank=True, default="")
    modified = models.DateTimeField(auto_now=True)

    class Meta:
        unique_together = [("user", "content_id")]

    def __str__(self):
        return f"{self.user} on {self.content_id}"
