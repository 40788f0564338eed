"""Seed the load test's learners and staff, signed in ahead of the run: `python -m loadtest.seed OUT.json`.

The demo's courses and exams come from `seed_demo`. Here: LEARNERS learners enrolled in the demo course,
STAFF course staff, and for each a session made directly in the session store with a CSRF token, so no
password is hashed during the measured phase. The file written names the exams and the cookies.
"""

import json
import os
import sys

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "loadtest.settings")
django.setup()

from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model  # noqa: E402
from django.contrib.sessions.backends.db import SessionStore  # noqa: E402
from django.db import transaction  # noqa: E402
from django.utils.crypto import get_random_string  # noqa: E402

from demo.app import models as demo_models  # noqa: E402
from demo.app.management.commands.seed_demo import COURSE_ID  # noqa: E402
from edx_proctoring.models import ProctoredExam  # noqa: E402


def _signed_in(user) -> dict:
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return {
        "username": user.username,
        "user_id": user.pk,
        "sessionid": session.session_key,
        "csrftoken": get_random_string(32),
    }


def seed(*, learners: int, staff: int) -> dict:
    user_model = get_user_model()
    with transaction.atomic():
        learner_users = [
            user_model.objects.create(username=f"lt-learner-{n:04d}", email=f"lt-learner-{n:04d}@loadtest.example.org")
            for n in range(learners)
        ]
        staff_users = [
            user_model.objects.create(username=f"lt-staff-{n}", email=f"lt-staff-{n}@loadtest.example.org")
            for n in range(staff)
        ]
        for user in (*learner_users, *staff_users):
            user.set_unusable_password()
            user.save(update_fields=["password"])
        demo_models.Enrollment.objects.bulk_create(
            [demo_models.Enrollment(user=user, course_id=COURSE_ID, mode="verified") for user in learner_users]
        )
        demo_models.CourseStaff.objects.bulk_create(
            [demo_models.CourseStaff(user=user, course_id=COURSE_ID) for user in staff_users]
        )
    exams = ProctoredExam.objects.filter(course_id=COURSE_ID, is_active=True, is_practice_exam=False)
    return {
        "course_id": COURSE_ID,
        "timed_exam_id": exams.get(is_proctored=False).id,
        "proctored_exam_id": exams.get(is_proctored=True).id,
        "proctored_content_id": exams.get(is_proctored=True).content_id,
        "learners": [_signed_in(user) for user in learner_users],
        "staff": [_signed_in(user) for user in staff_users],
    }


if __name__ == "__main__":
    out, learners, staff = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    with open(out, "w") as handle:
        json.dump(seed(learners=learners, staff=staff), handle)
