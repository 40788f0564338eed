"""Delete the attempts listed in a file (one id a line), telling their vendors on a best-effort basis."""

from django.core.management.base import BaseCommand, CommandError

from edx_proctoring.attempts.actions import Actor
from edx_proctoring.attempts.removal import remove_attempt
from edx_proctoring.exceptions import StudentExamAttemptDoesNotExistsException
from edx_proctoring.management.commands.batching import add_batch_arguments, in_batches


class Command(BaseCommand):
    help = "Delete exam attempts by id, read from a file with one id per line."

    def add_arguments(self, parser):
        parser.add_argument("-p", "--file_path", required=True)
        add_batch_arguments(parser)

    def handle(self, *args, **options):
        try:
            with open(options["file_path"], encoding="utf-8") as handle:
                lines = [line.strip() for line in handle if line.strip()]
        except OSError as exc:
            raise CommandError(f"Cannot read {options['file_path']}: {exc}") from exc
        bad = [line for line in lines if not line.isdecimal()]
        if bad:
            raise CommandError(f"These lines are not attempt ids: {', '.join(bad[:10])}")
        removed = missing = 0
        ids = [int(line) for line in lines]
        for batch in in_batches(ids, batch_size=options["batch_size"], sleep_time=options["sleep_time"]):
            for attempt_id in batch:
                try:
                    remove_attempt(
                        attempt_id=attempt_id, requesting_user=None, require_backend_removal=False, actor=Actor.operator
                    )
                    removed += 1
                except StudentExamAttemptDoesNotExistsException:
                    missing += 1
        self.stdout.write(f"Removed {removed} attempts; {missing} did not exist.")
