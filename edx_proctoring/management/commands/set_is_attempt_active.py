"""Mark reviews (live and archived) whose attempt no longer exists as belonging to no active attempt."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from edx_proctoring.management.commands.batching import add_batch_arguments, in_batches
from edx_proctoring.models import (
    ProctoredExamSoftwareSecureReview,
    ProctoredExamSoftwareSecureReviewHistory,
    ProctoredExamStudentAttempt,
)


class Command(BaseCommand):
    help = (
        "Set is_attempt_active=False on the reviews and archived reviews whose attempt has been deleted "
        "(no attempt has their attempt code any more)."
    )

    def add_arguments(self, parser):
        add_batch_arguments(parser)

    def handle(self, *args, **options):
        # A code-less attempt owns no review; leaving it out keeps NULL (which defeats SQL's NOT IN) out of the list.
        live_codes = ProctoredExamStudentAttempt.objects.filter(attempt_code__isnull=False).values("attempt_code")
        counts = {}
        for model in (ProctoredExamSoftwareSecureReview, ProctoredExamSoftwareSecureReviewHistory):
            orphan_ids = list(
                model.objects.filter(is_attempt_active=True)
                .exclude(attempt_code__in=live_codes)
                .order_by("id")
                .values_list("id", flat=True)
            )
            counts[model] = 0
            for batch in in_batches(orphan_ids, batch_size=options["batch_size"], sleep_time=options["sleep_time"]):
                counts[model] += model.objects.filter(id__in=list(batch)).update(is_attempt_active=False)
        self.stdout.write(
            f"Marked {counts[ProctoredExamSoftwareSecureReview]} reviews and "
            f"{counts[ProctoredExamSoftwareSecureReviewHistory]} archived reviews as inactive."
        )
