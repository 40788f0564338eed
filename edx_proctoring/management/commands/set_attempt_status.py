"""Set an attempt's status by hand, through the normal lifecycle (its side effects run)."""

from django.core.management.base import BaseCommand, CommandError

from edx_proctoring.attempts.actions import Actor
from edx_proctoring.attempts.lifecycle import perform_action
from edx_proctoring.exceptions import ProctoredBaseException
from edx_proctoring.statuses import ProctoredExamStudentAttemptStatus


class Command(BaseCommand):
    help = (
        "Move an exam attempt to any status (forced: the operator may make any move), running that status "
        "change's side effects; recorded in the attempt's history with this command as the reason."
    )

    def add_arguments(self, parser):
        parser.add_argument("-a", "--attempt", dest="attempt_id", type=int, required=True, help="attempt id")
        parser.add_argument("-t", "--to", dest="to_status", required=True, help="target status")

    def handle(self, *args, **options):
        attempt_id, to_status = options["attempt_id"], options["to_status"]
        if not ProctoredExamStudentAttemptStatus.is_valid_status(to_status):
            raise CommandError(f"{to_status!r} is not a status an attempt can be set to.")
        try:
            perform_action(
                action="set_status",
                actor=Actor.operator,
                attempt_id=attempt_id,
                to_status=to_status,
                reason="management command: set_attempt_status",
            )
        except ProctoredBaseException as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"Attempt {attempt_id} is now {to_status}.")
