"""Recount the learners per exam that the staff list pages by, after attempts were loaded around the ORM."""

from django.core.management.base import BaseCommand, CommandError

from edx_proctoring.models import ProctoredExam
from edx_proctoring.models.learner_counts import recount_exams


class Command(BaseCommand):
    help = (
        "Set the maintained number of learners of each exam (of one course, or of every course) from its "
        "attempts. Needed only after attempts were written around Django (a bulk import, raw SQL); run it while "
        "the exams are quiet."
    )

    def add_arguments(self, parser):
        scope = parser.add_mutually_exclusive_group(required=True)
        scope.add_argument("--course-id", help="the exams of this course")
        scope.add_argument("--all", action="store_true", help="every exam")

    def handle(self, *args, **options):
        exams = ProctoredExam.objects.order_by("id")
        if options["course_id"]:
            exams = exams.filter(course_id=options["course_id"])
        exam_ids = list(exams.values_list("id", flat=True))
        if options["course_id"] and not exam_ids:
            raise CommandError(f"No exams in course {options['course_id']}.")
        batch = 500
        for start in range(0, len(exam_ids), batch):
            for exam_id, learners in recount_exams(exam_ids=exam_ids[start : start + batch]).items():
                self.stdout.write(f"Exam {exam_id}: {learners} learner(s)")
        self.stdout.write(f"Recounted {len(exam_ids)} exam(s).")
