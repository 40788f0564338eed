"""Changes to a running attempt's clock: staff extensions, pauses, learner breaks, and their running summary.

`ProctoredExamTimeAdjustment` is the record (append-only, one row per change, with who and why).
`ProctoredExamAttemptTimeState` is the summary the deadline is computed from: one row per adjusted attempt,
written in the same transaction as each adjustment, under the attempt's row lock. It lives in a table of its
own, joined to the attempt in the query that already reads it, so the historic attempt table keeps its
columns (a site can still go back to edx-proctoring) and no poll pays a query per adjustment.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from edx_proctoring.models.attempts import ProctoredExamStudentAttempt


class TimeAdjustmentKind(models.TextChoices):
    extension = "extension", "extension"  # minutes > 0 adds time, < 0 revokes some
    pause = "pause", "pause"
    resume = "resume", "resume"
    break_start = "break_start", "break start"
    break_end = "break_end", "break end"


class ProctoredExamTimeAdjustment(models.Model):
    """One change to an attempt's clock. `minutes` is the extension (signed) or the length of the pause or
    break that a resume or break end closes."""

    attempt = models.ForeignKey(ProctoredExamStudentAttempt, on_delete=models.CASCADE, related_name="time_adjustments")
    kind = models.CharField(max_length=16, choices=TimeAdjustmentKind.choices)
    minutes = models.IntegerField(default=0)
    past_due_date = models.BooleanField(default=False)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    # Who made it in the lifecycle's terms (staff, learner, system, host, vendor): the user may be absent.
    actor_kind = models.CharField(max_length=16)
    reason = models.TextField(blank=True, default="")
    created = models.DateTimeField()

    class Meta:
        app_label = "edx_proctoring"
        db_table = "proctoring_proctoredexamtimeadjustment"
        verbose_name = "proctored exam time adjustment"
        indexes = [models.Index(fields=["attempt", "id"], name="proctoring_timeadj_attempt")]

    def __str__(self):
        return f"{self.kind} {self.minutes:+d} min on attempt {self.attempt_id}"


class ProctoredExamAttemptTimeState(models.Model):
    """The sum of an attempt's adjustments, as the deadline rule reads it (see `timing.Clock`)."""

    attempt = models.OneToOneField(
        ProctoredExamStudentAttempt, primary_key=True, on_delete=models.CASCADE, related_name="time_state"
    )
    extension_minutes = models.IntegerField(default=0)
    # Closed pauses and breaks, in seconds.
    paused_seconds = models.IntegerField(default=0)
    # The open pause or break, if any: since when, which kind, and (a break) when its budget runs out.
    paused_since = models.DateTimeField(null=True)
    paused_kind = models.CharField(max_length=16, blank=True, default="")
    break_ends_by = models.DateTimeField(null=True)
    break_seconds_used = models.IntegerField(default=0)
    # The latest the attempt may end (the learner's due date when last adjusted); null once an extension
    # was granted past the due date (`past_due_date`), or when there is no due date.
    due_cap = models.DateTimeField(null=True)
    past_due_date = models.BooleanField(default=False)

    class Meta:
        app_label = "edx_proctoring"
        db_table = "proctoring_proctoredexamattempttimestate"
        verbose_name = "proctored exam attempt time state"

    def __str__(self):
        return f"Clock of attempt {self.attempt_id}: {self.extension_minutes:+d} min, paused {self.paused_seconds} s"
