"""In-memory stand-ins for the services edx-platform registers (credit, instructor, grades, ...).

edx-platform's tests import these classes; they record what they were asked so tests can assert on it.
"""

from datetime import datetime
from types import SimpleNamespace

from django.contrib.auth import get_user_model
from opaque_keys.edx.keys import CourseKey


class MockCreditService:
    """Credit eligibility of learners, kept in memory."""

    def __init__(self, enrollment_mode="verified", profile_fullname="Wolfgang von Strucken", course_name="edx demo"):
        self.status = {
            "enrollment_mode": enrollment_mode,
            "profile_fullname": profile_fullname,
            "course_name": course_name,
            "credit_requirement_status": [],
        }

    def get_credit_state(self, user_id, course_key_or_id, return_course_info=False):
        user = get_user_model().objects.filter(id=user_id).first()
        if user is None:
            return None
        state = {
            "enrollment_mode": self.status["enrollment_mode"],
            "profile_fullname": self.status["profile_fullname"],
            "student_email": user.email,
            "credit_requirement_status": self.status["credit_requirement_status"],
        }
        if return_course_info:
            state["course_name"] = self.status["course_name"]
            state["course_end_date"] = self.status.get("course_end_date")
        return state

    def set_credit_requirement_status(
        self, user_id, course_key_or_id, req_namespace, req_name, status="satisfied", reason=None
    ):
        found = [r for r in self.status["credit_requirement_status"] if r["name"] == req_name]
        if found:
            found[0]["status"] = status
        else:
            self.status["credit_requirement_status"].append(
                {
                    "namespace": req_namespace,
                    "name": req_name,
                    "display_name": req_name,
                    "order": len(self.status["credit_requirement_status"]),
                    "status": status,
                    "course_id": str(course_key_or_id),
                }
            )

    def remove_credit_requirement_status(self, user_id, course_key_or_id, req_namespace, req_name):
        self.status["credit_requirement_status"] = [
            r for r in self.status["credit_requirement_status"] if r["name"] != req_name
        ]


class MockCreditServiceNone(MockCreditService):
    """A credit service with no state for anyone."""

    def get_credit_state(self, user_id, course_key_or_id, return_course_info=False):
        return None


class MockCreditServiceWithCourseEndDate(MockCreditService):
    """A credit service reporting a course that has already ended."""

    def get_credit_state(self, user_id, course_key_or_id, return_course_info=False):
        state = super().get_credit_state(user_id, course_key_or_id, return_course_info=True)
        if state is not None:
            state["course_end_date"] = datetime(2000, 1, 1).astimezone()
        return state


class MockInstructorService:
    """Course staff membership and the instructor-side hooks, recorded for assertions."""

    def __init__(self, is_user_course_staff=True):
        self.is_user_course_staff = is_user_course_staff
        self.notifications = []
        self.deleted_attempts = []
        self.completed_attempts = []
        self.escalation_email = None

    def delete_student_attempt(self, student_identifier, course_id, content_id, requesting_user):
        self.deleted_attempts.append((student_identifier, course_id, content_id, requesting_user))
        return True

    def is_course_staff(self, user, course_id):
        return self.is_user_course_staff

    def send_support_notification(self, course_id, exam_name, student_username, review_status, review_url=None):
        self.notifications.append((course_id, exam_name, student_username, review_status, review_url))

    def get_proctoring_escalation_email(self, course_id):
        CourseKey.from_string(str(course_id))  # an invalid key raises, as the real service does
        return self.escalation_email

    def complete_student_attempt(self, user_identifier, content_id):
        self.completed_attempts.append((user_identifier, content_id))


class MockGradesService:
    """Subsection grade overrides, kept in memory."""

    def __init__(self, rejected_exam_overrides_grade=True):
        self.overrides = {}
        self.rejected_exam_overrides_grade = rejected_exam_overrides_grade

    def get_subsection_grade_override(self, user_id, course_key_or_id, usage_key_or_id):
        return self.overrides.get(str(course_key_or_id) + str(usage_key_or_id) + str(user_id))

    def override_subsection_grade(
        self,
        user_id,
        course_key_or_id,
        usage_key_or_id,
        earned_all=None,
        earned_graded=None,
        overrider=None,
        comment=None,
    ):
        key = str(course_key_or_id) + str(usage_key_or_id) + str(user_id)
        self.overrides[key] = SimpleNamespace(
            earned_all_override=earned_all, earned_graded_override=earned_graded, overrider=overrider, comment=comment
        )

    def undo_override_subsection_grade(self, user_id, course_key_or_id, usage_key_or_id):
        self.overrides.pop(str(course_key_or_id) + str(usage_key_or_id) + str(user_id), None)

    def should_override_grade_on_rejected_exam(self, course_key_or_id):
        return self.rejected_exam_overrides_grade


class MockCertificateService:
    """Certificate invalidations, recorded."""

    def __init__(self):
        self.invalidated = []

    def invalidate_certificate(self, user_id, course_key_or_id):
        self.invalidated.append((user_id, str(course_key_or_id)))
        return True


class MockEnrollment:
    def __init__(self, user, mode):
        self.user = user
        self.mode = mode


class MockEnrollmentsService:
    """Every user whose username or email matches the search is enrolled in the given mode."""

    def __init__(self, enrollments=None, mode="verified"):
        self.enrollments = enrollments
        self.mode = mode

    def get_enrollments_can_take_proctored_exams(self, course_id, text_search=None):
        if self.enrollments is not None:
            enrollments = self.enrollments
        else:
            enrollments = [MockEnrollment(user, self.mode) for user in get_user_model().objects.order_by("id")]
        if text_search:
            enrollments = [
                e for e in enrollments if text_search in e.user.username or text_search in (e.user.email or "")
            ]
        return enrollments


class MockLearningSequencesService:
    """Course outlines: only the sequences in `accessible_sequences` are accessible (none by default)."""

    def __init__(self, accessible_sequences=None, schedule_sequences=None, course_end=None):
        self.accessible_sequences = accessible_sequences
        self.schedule_sequences = schedule_sequences or {}
        self.course_end = course_end

    def get_user_course_outline_details(self, course_key, user, at_time):
        return SimpleNamespace(
            outline=SimpleNamespace(accessible_sequences=self.accessible_sequences or set()),
            schedule=SimpleNamespace(sequences=self.schedule_sequences, course_end=self.course_end),
        )


class MockNameAffirmationService:
    """Verified names by user, as edx-name-affirmation would return them."""

    def __init__(self, verified_names=None):
        self.verified_names = verified_names or {}

    def get_verified_name(self, user, is_verified=False, statuses_to_exclude=None):
        name = self.verified_names.get(user.id)
        return SimpleNamespace(verified_name=name) if name else None
