"""Apply again the reviews received in a period, so attempts whose status missed their review catch up."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from django.core.management.base import BaseCommand, CommandError

from edx_proctoring.attempts.actions import Actor
from edx_proctoring.audit_trail import audit_context
from edx_proctoring.management.commands.batching import add_batch_arguments, in_batches
from edx_proctoring.models import ProctoredExamSoftwareSecureReview

log = logging.getLogger(__name__)

DATE_FORMAT = "%Y-%m-%d %H:%M:%S"
REASON = "management command: update_attempt_status_from_review"


class Command(BaseCommand):
    help = (
        "For every review last modified between --start_date_time and --end_date_time (UTC, "
        f"'{DATE_FORMAT.replace('%', '%%')}'), move its attempt to the status the review calls for, with "
        "that status's side effects (credit, grades, e-mail), as when the review arrived."
    )

    def add_arguments(self, parser):
        parser.add_argument("--start_date_time", required=True, help="UTC, e.g. '2024-01-31 00:00:00'")
        parser.add_argument("--end_date_time", required=True, help="UTC, e.g. '2024-02-01 00:00:00'")
        add_batch_arguments(parser)

    def handle(self, *args, **options):
        from edx_proctoring.reviews import apply_review_outcome  # loads the whole review domain

        start = _parse_date(name="--start_date_time", value=options["start_date_time"])
        end = _parse_date(name="--end_date_time", value=options["end_date_time"])
        if start > end:
            raise CommandError("--start_date_time must not be after --end_date_time.")
        review_ids = list(
            ProctoredExamSoftwareSecureReview.objects.filter(modified__gte=start, modified__lte=end)
            .order_by("id")
            .values_list("id", flat=True)
        )
        applied = failed = 0
        for batch in in_batches(review_ids, batch_size=options["batch_size"], sleep_time=options["sleep_time"]):
            for review in ProctoredExamSoftwareSecureReview.objects.filter(id__in=list(batch)).order_by("id"):
                # A human's verdict is re-applied as staff's (the vendor's row may not change a final verdict).
                actor = Actor.staff if review.reviewed_by_id else Actor.vendor
                try:
                    with audit_context(reason=REASON):
                        apply_review_outcome(review=review, actor=actor)
                except Exception as exc:  # one broken review must not stop the repair of the others
                    failed += 1
                    log.exception("Could not apply review %s (attempt code %s)", review.id, review.attempt_code)
                    self.stderr.write(f"Review {review.id}: {exc}")
                else:
                    applied += 1
        self.stdout.write(f"Applied {applied} reviews; {failed} failed.")
        if failed:
            raise CommandError(f"{failed} of {len(review_ids)} reviews could not be applied; see the log.")


def _parse_date(*, name: str, value: str) -> datetime:
    try:
        return datetime.strptime(value, DATE_FORMAT).replace(tzinfo=UTC)
    except ValueError:
        raise CommandError(f"{name} {value!r} is not a date and time written as '{DATE_FORMAT}'.") from None
