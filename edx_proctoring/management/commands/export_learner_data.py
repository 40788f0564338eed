"""Print (or write to a file) everything the proctoring tables hold about one learner, as JSON."""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.core.serializers.json import DjangoJSONEncoder

from edx_proctoring.learner_export import export_learner_data

MAX_USER_ID = 2**63 - 1


class Command(BaseCommand):
    help = (
        "Export, as JSON, what edx-proctoring holds about one learner (attempts and their history, allowances, "
        "reviews, comments, audit entries), for a subject-access request."
    )

    def add_arguments(self, parser):
        parser.add_argument("--user-id", dest="user_id", type=int, required=True, help="the learner's user id")
        parser.add_argument("-o", "--output", dest="output", help="write to this file instead of standard output")

    def handle(self, *args, **options):
        user_id = options["user_id"]
        if not 0 < user_id <= MAX_USER_ID:
            raise CommandError(f"{user_id} is not a user id.")
        text = json.dumps(export_learner_data(user_id=user_id), cls=DjangoJSONEncoder, indent=2, sort_keys=True)
        if options.get("output"):
            path = Path(options["output"])
            try:
                path.write_text(text + "\n", encoding="utf-8")
            except OSError as exc:
                raise CommandError(f"Could not write {path}: {exc}") from exc
            self.stderr.write(f"Wrote the data of user {user_id} to {path}.")
        else:
            self.stdout.write(text)
