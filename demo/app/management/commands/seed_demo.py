"""``manage.py seed_demo``: the two demo courses, their exams, and the demo accounts (idempotent).

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
from edx_proctoring.allowances import add_allowance_for_user
from edx_proctoring.exams import sync_exam_with_backend
from edx_proctoring.models import LtiCourseTool, LtiToolRegistration, ProctoredExam, ProctoredExamStudentAllowance

COURSE_ID = "course-v1:DemoX+Proctoring101+2025"
COURSE_NAME = "Proctoring 101: Exams in Open edX"
PRACTICE_COURSE_ID = "course-v1:DemoX+Practice102+2025"
PRACTICE_COURSE_NAME = "Proctoring 102: A practice round"


def _content_id(course_id: str, block: str) -> str:
    key = course_id.removeprefix("course-v1:")
    return f"block-v1:{key}+type@sequential+block@{block}"


# Two courses as course teams build them: each on one proctoring backend (the vendor dashboard refuses a
# course that mixes backends), and only one of them onboards learners. In "Proctoring 101" the
# onboarding exam runs on the mock vendor, like its proctored final; "Proctoring 102" has a practice
# exam on the `mock` backend (ready at once, no onboarding), which therefore never counts as onboarding.
# `position` is the order of the course outline.
COURSES = [
    {
        "course_id": COURSE_ID,
        "display_name": COURSE_NAME,
        "sections": [
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
                "position": 2,
                "display_name": "Midterm (timed)",
                "kind": models.Section.TIMED,
                "time_limit_mins": 20,
                "backend": "mock_vendor",
                "question": (
                    "Midterm question: explain in two sentences why an exam clock must be kept by the server."
                ),
            },
            {
                "block": "final",
                "position": 3,
                "display_name": "Final exam (proctored)",
                "kind": models.Section.PROCTORED,
                "time_limit_mins": 30,
                "backend": "mock_vendor",
                "question": "Final exam question: name one thing a proctoring review looks for.",
            },
        ],
    },
    {
        "course_id": PRACTICE_COURSE_ID,
        "display_name": PRACTICE_COURSE_NAME,
        "sections": [
            {
                "block": "practice",
                "position": 1,
                "display_name": "Practice proctored exam",
                "kind": models.Section.PRACTICE,
                "time_limit_mins": 10,
                "backend": "mock",
                "question": "Practice question: what is 6 times 7?",
            },
        ],
    },
]
# Only with --lti (run.py --lti): a course whose proctored exam goes to the mock LTI proctoring tool.
LTI_COURSE_ID = "course-v1:DemoX+Lti103+2025"
LTI_COURSE = {
    "course_id": LTI_COURSE_ID,
    "display_name": "Proctoring 103: An LTI proctoring tool",
    "sections": [
        {
            "block": "lti_final",
            "position": 1,
            "display_name": "Final exam (LTI proctoring tool)",
            "kind": models.Section.PROCTORED,
            "time_limit_mins": 30,
            "backend": "lti_proctoring",
            "question": "LTI exam question: what does the proctoring tool check before you start?",
        },
    ],
}
LTI_CLIENT_ID = "mock-lti-tool"
LTI_DEPLOYMENT_ID = "mock-lti-deployment"

# Databases seeded before the practice exam moved to its own course still have it in Proctoring 101.
RETIRED_SECTIONS = [_content_id(COURSE_ID, "practice")]

ACCOUNTS = [
    # username, password, first name, last name, email, role
    ("learner", "learner", "Ada", "Learner", "learner@demo.example.org", "learner"),
    ("learner2", "learner2", "Grace", "Second", "learner2@demo.example.org", "learner"),
    ("staff", "staff", "Sam", "Staff", "staff@demo.example.org", "staff"),
    ("admin", "admin", "Alex", "Admin", "admin@demo.example.org", "admin"),
]

# learner2 may pause their own clock on the midterm for up to 5 minutes ("Take a break" in the timer bar).
BREAK_ALLOWANCE = {"username": "learner2", "block": "midterm", "minutes": 5}


class Command(BaseCommand):
    help = "Create (or complete) the demo courses, their exams and the demo accounts."

    def add_arguments(self, parser):
        parser.add_argument("--quiet", action="store_true", help="do not print the accounts")
        parser.add_argument(
            "--lti", action="store_true", help="also the LTI-proctored course, on the mock LTI tool (run.py --lti)"
        )

    def handle(self, *args, **options):
        specs = [*COURSES, LTI_COURSE] if options["lti"] else COURSES
        with transaction.atomic():
            courses = [self._course(spec=spec) for spec in specs]
            users = self._accounts(courses=courses)
            self._vendor_principal()
            self._retire_old_sections()
            for course, spec in zip(courses, specs, strict=True):
                self._sections(course=course, specs=spec["sections"])
            self._break_allowance()
            if options["lti"]:
                self._lti_tool()
        registered = sum(self._register_with_vendor(course=course) for course in courses)
        if not options["quiet"]:
            self._report(courses=courses, users=users, registered=registered)

    def _course(self, *, spec: dict) -> models.Course:
        now = timezone.now()
        course, _ = models.Course.objects.get_or_create(
            course_id=spec["course_id"],
            defaults={
                "display_name": spec["display_name"],
                "end_date": now + timedelta(days=180),
                "proctoring_escalation_email": "proctoring-escalation@demo.example.org",
                "allow_proctoring_opt_out": False,
            },
        )
        return course

    def _accounts(self, *, courses: list[models.Course]) -> dict:
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
            for course in courses:
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

    def _retire_old_sections(self):
        """Take sections an older seed created out of the outline; their exams become inactive (attempts kept)."""
        for content_id in RETIRED_SECTIONS:
            models.Section.objects.filter(content_id=content_id).delete()
            ProctoredExam.objects.filter(content_id=content_id, is_active=True).update(is_active=False)

    def _sections(self, *, course: models.Course, specs: list[dict]):
        due = timezone.now().replace(microsecond=0) + timedelta(days=30)
        for spec in specs:
            content_id = _content_id(course.course_id, spec["block"])
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
            # Outline order of a database seeded before the practice exam moved out of this course.
            if section.position != spec["position"]:
                section.position = spec["position"]
                section.save(update_fields=["position"])
            # What Studio does when the course is published: the exam row, on the course's backend.
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

    def _break_allowance(self):
        """learner2's break minutes on the midterm, unless staff already set (or changed) them."""
        exam = ProctoredExam.get_exam_by_content_id(COURSE_ID, _content_id(COURSE_ID, BREAK_ALLOWANCE["block"]))
        user = get_user_model().objects.get(username=BREAK_ALLOWANCE["username"])
        key = ProctoredExamStudentAllowance.BREAK_MINUTES[0]
        if ProctoredExamStudentAllowance.get_allowance_for_user(exam.id, user.id, key) is None:
            add_allowance_for_user(exam.id, user.username, key, str(BREAK_ALLOWANCE["minutes"]))

    def _lti_tool(self):
        """The mock LTI tool's registration (its URLs follow the port run.py gives it) as the LTI course's tool."""
        tool = f"http://127.0.0.1:{settings.DEMO_LTI_TOOL_PORT}"
        registration, _ = LtiToolRegistration.objects.update_or_create(
            client_id=LTI_CLIENT_ID,
            defaults={
                "name": "Mock LTI proctoring tool",
                "issuer": settings.LMS_ROOT_URL,
                "deployment_id": LTI_DEPLOYMENT_ID,
                "tool_jwks_url": f"{tool}/jwks",
                "oidc_login_url": f"{tool}/login",
                "launch_url": f"{tool}/launch",
                "end_assessment_url": f"{tool}/end",
                "redirect_uris": [f"{tool}/launch", f"{tool}/end"],
                "identity_claims": ["given_name", "family_name", "email"],
                "allowed_actions": ["pause", "resume", "update", "terminate", "flag"],
                "reason_code_mapping": {"1": "error", "*": "second_review_required"},
                "max_extra_minutes": 30,
                "active": True,
            },
        )
        LtiCourseTool.objects.update_or_create(course_id=LTI_COURSE_ID, defaults={"registration": registration})

    def _register_with_vendor(self, *, course: models.Course) -> int:
        """Push the mock_vendor exams to the vendor again (it forgets them when it restarts); how many have an id."""
        registered = 0
        exams = ProctoredExam.objects.filter(
            course_id=course.course_id, backend="mock_vendor", is_proctored=True, is_active=True
        )
        for exam in exams:
            sync_exam_with_backend(exam=exam)
            exam.refresh_from_db()
            registered += bool(exam.external_id)
        return registered

    def _report(self, *, courses: list[models.Course], users: dict, registered: int):
        for course in courses:
            self.stdout.write(f"Seeded {course.display_name} ({course.course_id}): {course.sections.count()} exams.")
        self.stdout.write(f"Proctored exams registered with the mock vendor: {registered}.")
        self.stdout.write("Accounts (username / password):")
        for username, (_user, password, role) in users.items():
            self.stdout.write(f"  {username:<9} / {password:<9} {role}")
