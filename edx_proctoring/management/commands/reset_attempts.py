"""Delete the attempts listed in a file (one id a line), telling their vendors on a best-effort basis.

As in 6.1.x the command deletes the rows itself, on nobody's behalf: it does not ask the host to reset
the learners' courseware state (that call needs a requesting user) and does not touch credit or grades.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from edx_proctoring.attempts.removal import remove_attempts_from_backends
from edx_proctoring.attempts.serialization import serialize_attempt
from edx_proctoring.audit_trail import audit_context, record_audit
from edx_proctoring.events import emit_event
from edx_proctoring.exams import serialize_exam
from edx_proctoring.management.commands.batching import add_batch_arguments, in_batches
from edx_proctoring.models import ProctoredExamStudentAttempt

REASON = "management command: reset_attempts"


class Command(BaseCommand):
    help = (
        "Delete exam attempts by id, read from a file with one id per line. Each attempt is first removed "
        "at its proctoring vendor, best effort (a vendor that cannot be reached is not called again); the "
        "local rows are deleted whatever the vendors answer."
    )

    def add_arguments(self, parser):
        parser.add_argument("-p", "--file_path", required=True, help="file with one attempt id per line")
        add_batch_arguments(parser)

    def handle(self, *args, **options):
        ids = _read_attempt_ids(path=options["file_path"])
        removed = 0
        failed_backends: set = set()
        for batch in in_batches(ids, batch_size=options["batch_size"], sleep_time=options["sleep_time"]):
            attempts = list(
                ProctoredExamStudentAttempt.objects.select_related("proctored_exam", "user")
                .filter(id__in=list(batch))
                .order_by("id")
            )
            failed_backends = remove_attempts_from_backends(attempts=attempts, failed_backends=failed_backends)
            for attempt in attempts:
                _delete_attempt(attempt=attempt)
                removed += 1
        missing = len(ids) - removed
        if failed_backends:
            self.stderr.write(
                f"These proctoring vendors could not be reached; their copies were not removed: "
                f"{', '.join(sorted(str(name) for name in failed_backends))}"
            )
        self.stdout.write(f"Removed {removed} attempts; {missing} did not exist.")


def _read_attempt_ids(*, path: str) -> list[int]:
    try:
        with open(path, encoding="utf-8") as handle:
            lines = [line.strip() for line in handle if line.strip()]
    except OSError as exc:
        raise CommandError(f"Cannot read {path}: {exc}") from exc
    bad = [line for line in lines if not (line.isascii() and line.isdecimal())]
    if bad:
        raise CommandError(f"These lines are not attempt ids: {', '.join(bad[:10])}")
    # Listed twice is removed once; the order of the file is kept.
    return list(dict.fromkeys(int(line) for line in lines))


def _delete_attempt(*, attempt: ProctoredExamStudentAttempt) -> None:
    exam = attempt.proctored_exam
    attempt_data = serialize_attempt(attempt)
    with audit_context(reason=REASON), transaction.atomic():
        record_audit(
            "attempt.removed",
            attempt_id=attempt.id,
            exam_id=exam.id,
            target_user_id=attempt.user_id,
            details={
                "status_before": attempt.status,
                "attempt_code": attempt.attempt_code,
                "course_id": exam.course_id,
            },
        )
        attempt.delete_exam_attempt()
    emit_event(serialize_exam(exam), "deleted", attempt=attempt_data)
