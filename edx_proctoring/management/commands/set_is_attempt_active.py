"""Mark reviews (live and archived) whose attempt no longer exists as belonging to no active attempt."""

from django.core.management.base import BaseCommand

from edx_proctoring.management.commands.batching import add_batch_arguments, in_batches
from edx_proctoring.models import (
    ProctoredExamSoftwareSecureReview,
    ProctoredExamSoftwareSecureReviewHistory,
    ProctoredExamStudentAttempt,
)


class Command(BaseCommand):
    help = "Set is_attempt_active=False on reviews whose attempt has been deleted."

    def add_arguments(self, parser):
        add_batch_arguments(parser)

    def handle(self, *args, **options):
        live_codes = ProctoredExamStudentAttempt.objects.values("attempt_code")
        updated = 0
        for model in (ProctoredExamSoftwareSecureReview, ProctoredExamSoftwareSecureReviewHistory):
            orphan_ids = list(
                model.objects.filter(is_attempt_active=True)
                .exclude(attempt_code__in=live_codes)
                .order_by("id")
                .values_list("id", flat=True)
            )
            for batch in in_batches(orphan_ids, batch_size=options["batch_size"], sleep_time=options["sleep_time"]):
                updated += model.objects.filter(id__in=list(batch)).update(is_attempt_active=False)
        self.stdout.write(f"Marked {updated} reviews as inactive.")
