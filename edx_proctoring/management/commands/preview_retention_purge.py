"""Show what the retention purge (``edx_proctoring.tasks.purge_expired_data``) would erase now, or run it."""

from django.core.management.base import BaseCommand

from edx_proctoring.retention import purge_expired_data


class Command(BaseCommand):
    help = (
        "Count, per category, the rows the retention purge would erase now (review payloads, video links, "
        "notes, audit details, vendor call log rows), without erasing anything. --apply runs the purge."
    )

    def add_arguments(self, parser):
        parser.add_argument("--apply", action="store_true", help="erase them (what the periodic task does)")

    def handle(self, *args, **options):
        apply = options["apply"]
        result = purge_expired_data(dry_run=not apply)
        verb = "Erased" if apply else "Would erase"
        for category, count in result.rows.items():
            self.stdout.write(f"{verb} {count} {category} row(s)")
        self.stdout.write(f"{verb} data of {result.attempts} attempt(s); {result.total} row(s) in all.")
