"""What operators watch: reviews that never arrived, and every call between us and the vendors.

Neither table holds personal data: attempts are named by their id, vendors by their backend name, and a
failed call by the kind of failure (an exception class, an HTTP status), never by a message or a URL, which
could carry tokens, attempt codes or video links.
"""

from django.db import models

from edx_proctoring.models.attempts import ProctoredExamStudentAttempt


class ProctoredExamOverdueReview(models.Model):
    """An attempt whose vendor review is late: recorded once, when it first becomes overdue."""

    attempt = models.OneToOneField(ProctoredExamStudentAttempt, on_delete=models.CASCADE, related_name="overdue_review")
    backend = models.CharField(max_length=255)
    course_id = models.CharField(max_length=255)
    flagged_at = models.DateTimeField()
    last_asked_at = models.DateTimeField(null=True, blank=True)
    times_asked = models.PositiveIntegerField(default=0)
    # The vendor's last answer, in the words of OverdueAnswer (no payload is kept here).
    last_answer = models.CharField(max_length=32, blank=True)
    # Set when the attempt went out in a daily digest: each overdue attempt is e-mailed once.
    digest_sent_at = models.DateTimeField(null=True, blank=True)
    # Set once a verdict arrived (by callback, by asking, or by a person): the attempt leaves the list.
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        app_label = "edx_proctoring"
        db_table = "proctoring_overduereview"
        verbose_name = "overdue review"
        verbose_name_plural = "overdue reviews"
        indexes = [
            models.Index(fields=["resolved_at", "flagged_at"], name="proctoring_overdue_open"),
            models.Index(fields=["digest_sent_at", "resolved_at"], name="proctoring_overdue_digest"),
        ]

    def __str__(self):
        return f"Review of attempt {self.attempt_id} overdue since {self.flagged_at:%Y-%m-%d}"


class VendorCallDirection(models.TextChoices):
    CALLBACK = "in", "vendor callback"
    CALL = "out", "call to the vendor"


class VendorCallOutcome(models.TextChoices):
    OK = "ok", "ok"
    REFUSED = "refused", "refused (4xx)"
    FAILED = "failed", "failed"


class ProctoringVendorCall(models.Model):
    """One call between the LMS and a vendor: when, which backend, about which attempt, how it went, how long."""

    created = models.DateTimeField(db_index=True)
    backend = models.CharField(max_length=100)
    direction = models.CharField(max_length=3, choices=VendorCallDirection.choices)
    operation = models.CharField(max_length=64)
    attempt_id = models.IntegerField(null=True, blank=True)
    outcome = models.CharField(max_length=8, choices=VendorCallOutcome.choices)
    http_status = models.PositiveSmallIntegerField(null=True, blank=True)
    latency_ms = models.PositiveIntegerField()
    # The kind of failure only ("Timeout", "HTTP 503"): messages and URLs may carry secrets.
    error = models.CharField(max_length=100, blank=True)

    class Meta:
        app_label = "edx_proctoring"
        db_table = "proctoring_vendorcall"
        verbose_name = "vendor call"
        verbose_name_plural = "vendor calls"
        ordering = ("-id",)
        indexes = [
            models.Index(fields=["backend", "created"], name="proctoring_vendorcall_backend"),
            models.Index(fields=["attempt_id"], name="proctoring_vendorcall_attempt"),
        ]

    def __str__(self):
        return f"{self.created:%Y-%m-%d %H:%M:%S} {self.backend} {self.operation}: {self.outcome}"
