"""Re-apply each attempt's current status on one exam, so its side effects (credit, grades) run again."""

from django.core.management.base import BaseCommand, CommandError

from edx_proctoring.attempts.lifecycle import reapply_attempt_status
from edx_proctoring.management.commands.batching import add_batch_arguments, in_batches
from edx_proctoring.models import ProctoredExam, ProctoredExamStudentAttempt


class Command(BaseCommand):
    help = "Re-run the side effects of every attempt's current status on an exam."

    def add_arguments(self, parser):
        parser.add_argument("--exam_id", type=int, required=True)
        add_batch_arguments(parser)

    def handle(self, *args, **options):
        exam_id = options["exam_id"]
        if not ProctoredExam.objects.filter(id=exam_id).exists():
            raise CommandError(f"Exam {exam_id} does not exist.")
        attempt_ids = list(
            ProctoredExamStudentAttempt.objects.filter(proctored_exam_id=exam_id)
            .order_by("id")
            .values_list("id", flat=True)
        )
        for batch in in_batches(attempt_ids, batch_size=options["batch_size"], sleep_time=options["sleep_time"]):
            for attempt_id in batch:
                reapply_attempt_status(attempt_id=attempt_id)
        self.stdout.write(f"Re-applied the status of {len(attempt_ids)} attempts on exam {exam_id}.")
