"""``manage.py seed_demo``: the demo course, its four exams, and the demo accounts (idempotent).

Run it again at any time: what exists is kept (attempts, allowances, answers), what is missing is
created, passwords are reset to the documented ones, and the proctored exams are registered again with
the mock vendor (which keeps its exams in memory only) when it answers.
"""

from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from demo.app import models
from edx_proctoring import api as proctoring_api
from edx_proctoring.exams import sync_exam_with_backend
from edx_proctoring.models import ProctoredExam

COURSE_ID = "course-v1:DemoX+Proctoring101+2025"
COURSE_NAME = "Proctoring 101: Exams in Open edX"


def _content_id(block):
    return f"block-v1:DemoX+Proctoring101+2025+type@sequential+block@{block}"


# In creation order: the newest proctored practice exam of a course decides whether the course uses
# onboarding (edx_proctoring.onboarding), so the practice exam (`mock` backend, no onboarding) is created
# before the onboarding exam (mock vendor). `position` is the order of the course outline.
SECTIONS = [
    {
        "block": "practice",
        "position": 2,
        "display_name": "Practice proctored exam",
        "kind": models.Section.PRACTICE,
        "time_limit_mins": 10,
        "backend": "mock",
        "question": "Practice question: what is 6 times 7?",
    },
    {
        "block": "onboarding",
        "position": 1,
        "display_name": "Onboarding: check your proctoring setup",
        "kind": models.Section.ONBOARDING,
        "time_limit_mins": 15,
        "backend": "mock_vendor",
        "question": "Onboarding check: type your full name as it appears on your ID.",
    },
    {
        "block": "midterm",
        "position": 3,
        "display_name": "Midterm (timed)",
        "kind": models.Section.TIMED,
        "time_limit_mins": 20,
        "backend": "mock_vendor",
        "question": "Midterm question: explain in two sentences why an exam clock must be kept by the server.",
    },
    {
        "block": "final",
        "position": 4,
        "display_name": "Final exam (proctored)",
        "kind": models.Section.PROCTORED,
        "time_limit_mins": 30,
        "backend": "mock_vendor",
        "question": "Final exam question: name one thing a proctoring review looks for.",
    },
]

ACCOUNTS = [
    # username, password, first name, last name, email, role
    ("learner", "learner", "Ada", "Learner", "learner@demo.example.org", "learner"),
    ("learner2", "learner2", "Grace", "Second", "learner2@demo.example.org", "learner"),
    ("staff", "staff", "Sam", "Staff", "staff@demo.example.org", "staff"),
    ("admin", "admin", "Alex", "Admin", "admin@demo.example.org", "admin"),
]


class Command(BaseCommand):
    help = "Create (or complete) the demo course, its exams and the demo accounts."

    def add_arguments(self, parser):
        parser.add_argument("--quiet", action="store_true", help="do not print the accounts")

    def handle(self, *args, **options):
        with transaction.atomic():
            course = self._course()
            users = self._accounts(course)
            self._vendor_principal()
            self._sections(course)
        registered = self._register_with_vendor(course)
        if not options["quiet"]:
            self._report(course, users, registered)

    def _course(self):
        now = timezone.now()
        course, _ = models.Course.objects.get_or_create(
            course_id=COURSE_ID,
            defaults={
                "display_name": COURSE_NAME,
                "end_date": now + timedelta(days=180),
                "proctoring_escalation_email": "proctoring-escalation@demo.example.org",
                "allow_proctoring_opt_out": False,
            },
        )
        return course

    def _accounts(self, course):
        users = {}
        user_model = get_user_model()
        for username, password, first, last, email, role in ACCOUNTS:
            user, _ = user_model.objects.get_or_create(username=username)
            user.first_name, user.last_name, user.email = first, last, email
            user.is_active = True
            user.is_staff = role == "admin"
            user.is_superuser = role == "admin"
            user.set_password(password)
            user.save()
            if role == "learner":
                models.Enrollment.objects.update_or_create(
                    user=user, course_id=course.course_id, defaults={"mode": "verified", "is_active": True}
                )
                models.Certificate.objects.get_or_create(user=user, course_id=course.course_id)
            if role == "staff":
                models.CourseStaff.objects.get_or_create(user=user, course_id=course.course_id)
            users[username] = (user, password, role)
        return users

    def _vendor_principal(self):
        """The mock vendor's LMS user: its JWTs name it, and the group lets it call back for mock_vendor exams."""
        user, created = get_user_model().objects.get_or_create(
            username=settings.DEMO_VENDOR_USERNAME, defaults={"email": "vendor@demo.example.org"}
        )
        if created:
            user.set_unusable_password()
            user.save()
        group, _ = Group.objects.get_or_create(name="mock_vendor_review")
        user.groups.add(group)

    def _sections(self, course):
        due = timezone.now().replace(microsecond=0) + timedelta(days=30)
        for spec in SECTIONS:
            content_id = _content_id(spec["block"])
            section, _ = models.Section.objects.get_or_create(
                content_id=content_id,
                defaults={
                    "course": course,
                    "display_name": spec["display_name"],
                    "kind": spec["kind"],
                    "time_limit_mins": spec["time_limit_mins"],
                    "due_date": due,
                    "position": spec["position"],
                    "question": spec["question"],
                },
            )
            # What Studio does when the course is published: the exam row, on the course's backends.
            if ProctoredExam.get_exam_by_content_id(course.course_id, content_id) is None:
                proctoring_api.create_exam(
                    course_id=course.course_id,
                    content_id=content_id,
                    exam_name=section.display_name,
                    time_limit_mins=section.time_limit_mins,
                    due_date=section.due_date,
                    is_proctored=section.is_proctored,
                    is_practice_exam=section.is_practice_exam,
                    backend=spec["backend"],
                )

    def _register_with_vendor(self, course):
        """Push the mock_vendor exams to the vendor again (it forgets them when it restarts); how many have an id."""
        registered = 0
        for exam in ProctoredExam.objects.filter(course_id=course.course_id, backend="mock_vendor", is_proctored=True):
            sync_exam_with_backend(exam=exam)
            exam.refresh_from_db()
            registered += bool(exam.external_id)
        return registered

    def _report(self, course, users, registered):
        self.stdout.write(f"Seeded {course.display_name} ({course.course_id}): {course.sections.count()} exams.")
        self.stdout.write(f"Proctored exams registered with the mock vendor: {registered}.")
        self.stdout.write("Accounts (username / password):")
        for username, (_user, password, role) in users.items():
            self.stdout.write(f"  {username:<9} / {password:<9} {role}")
