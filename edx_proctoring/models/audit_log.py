"""The append-only audit log of staff and vendor actions (who, when, what).

Attempt rows keep their own history (django-simple-history); this log adds what that history cannot hold:
actions on other tables (allowances), vendor callbacks that changed nothing (replays), and the details of
each request. Rows are never changed or deleted by the application.
"""

from django.conf import settings
from django.db import models


class AuditEntryIsAppendOnly(Exception):
    """Raised on any attempt to change or delete an audit entry."""


class ProctoringAuditEntryQuerySet(models.QuerySet):
    def delete(self):
        raise AuditEntryIsAppendOnly("Audit entries cannot be deleted.")

    delete.queryset_only = True

    def update(self, **kwargs):
        raise AuditEntryIsAppendOnly("Audit entries cannot be changed.")

    def redact_details(self, *, keys: tuple[str, ...]) -> int:
        """Blank the values under `keys` in the details of these entries; the number of entries changed.

        The one change the log allows: erasing personal data when a learner is retired. Who acted, when
        and on what stays.
        """
        changed = 0
        for entry_id, details in self.values_list("id", "details"):
            if not isinstance(details, dict) or not any(details.get(key) not in (None, "") for key in keys):
                continue
            redacted = {**details, **{key: "" for key in keys if key in details}}
            models.QuerySet.update(self.model.objects.all().filter(id=entry_id), details=redacted)
            changed += 1
        return changed

    def replace_details(self, *, details: dict) -> int:
        """Replace the details of these entries with `details`; the number of entries changed.

        The retention policy's erasure: once an attempt's data is past its date, what a request carried goes
        and a marker saying so stays. Who acted, when and on what stays too.
        """
        # Ids first: MySQL cannot update a table filtered by a sub-select of itself.
        ids = list(self.values_list("id", flat=True))
        if not ids:
            return 0
        return models.QuerySet.update(self.model.objects.all().filter(id__in=ids), details=details)


class ProctoringAuditEntry(models.Model):
    """One staff or vendor action: who (`actor`, null for anonymous vendors and system jobs), when, what."""

    created = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    action = models.CharField(max_length=100)
    # Plain integers, not foreign keys: the entry outlives a deleted attempt, exam or learner.
    attempt_id = models.IntegerField(null=True, blank=True)
    exam_id = models.IntegerField(null=True, blank=True)
    target_user_id = models.IntegerField(null=True, blank=True)
    details = models.JSONField(default=dict, blank=True)

    objects = ProctoringAuditEntryQuerySet.as_manager()

    class Meta:
        app_label = "edx_proctoring"
        db_table = "proctoring_auditentry"
        verbose_name = "proctoring audit entry"
        verbose_name_plural = "proctoring audit entries"
        ordering = ("id",)
        indexes = [
            models.Index(fields=["attempt_id"], name="proctoring_audit_attempt"),
            models.Index(fields=["exam_id"], name="proctoring_audit_exam"),
        ]

    def __str__(self):
        return f"{self.created:%Y-%m-%d %H:%M:%S} {self.action} by {self.actor_id or '-'} on attempt {self.attempt_id}"

    def save(self, *args, **kwargs):
        if self.pk is not None and not self._state.adding:
            raise AuditEntryIsAppendOnly("Audit entries cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AuditEntryIsAppendOnly("Audit entries cannot be deleted.")
