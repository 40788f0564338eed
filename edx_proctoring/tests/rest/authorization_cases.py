"""The cases of the authorization matrix (test_authorization_matrix.py): every route, every caller, the answer.

Callers: anonymous, the learner who owns the attempt and allowance (``owner``), another learner, staff of another
course, staff of the course, global staff, and the vendor review principal of the exam's backend (group
``test_review``). Besides the plain call of each route, variants name objects the caller must not reach through
the route: another course's exam or another learner in the body, and exams, attempts and users that do not exist,
in the URL and in the body. A route authorizes on what its URL names; a body contradicting the URL is a 400; an
unknown object gets the route's not-found answer (mostly 400), never a pass.
"""

from dataclasses import dataclass
from urllib.parse import urlencode

from django.urls import reverse

from edx_proctoring.backends.callback_signing import TOKEN_PARAMETER
from edx_proctoring.tests.factories import (
    COURSE_ID,
)
from edx_proctoring.tests.rest.conftest import OTHER_COURSE_ID

ROLES = ("anonymous", "owner", "other_learner", "other_course_staff", "course_staff", "global_staff", "vendor")
WRITE_METHODS = ("post", "put", "patch", "delete")
UNKNOWN = 987654
UNKNOWN_COURSE_ID = "course-v1:edX+Nobody+2026"
PSI_COURSE_ID = "course-v1:edX+PSI+2026"
PSI_CALLBACK_TOKEN = "test-psi-review-callback-token-0123456789"


def _url(name, *args):
    return reverse(f"edx_proctoring:{name}", args=args)


def codes(default, *, anonymous=403, **per_role):
    """The status each caller gets: `default`, anonymous 403 (DRF's unauthenticated answer), unless overridden."""
    expected = dict.fromkeys(ROLES, default)
    expected["anonymous"] = anonymous
    unknown = set(per_role) - set(ROLES)
    assert not unknown, unknown
    expected.update(per_role)
    return expected


def everyone(code, anonymous=403):
    return codes(code, anonymous=anonymous)


def course_staff_only(code, *, refused=403, **per_role):
    return codes(refused, course_staff=code, global_staff=code, **per_role)


def global_staff_only(code, others=403):
    return codes(others, global_staff=code)


def allowance_body(s, **changes):
    return {"exam_id": s["exam"].id, "user_info": "alice", "key": "additional_time_granted", "value": "10", **changes}


def allowance_delete_body(s, **changes):
    return {"exam_id": s["exam"].id, "user_id": s["alice"].id, "key": "additional_time_granted", **changes}


def bulk_body(s, **changes):
    return {
        "exam_ids": str(s["exam"].id),
        "user_ids": "alice",
        "allowance_type": "additional_time_granted",
        "value": "5",
        **changes,
    }


def reset_url(exam_key="exam", user_key="alice"):
    def url(s):
        exam_id = s[exam_key].id if exam_key in s else UNKNOWN
        user_id = s[user_key].id if user_key in s else UNKNOWN
        return _url("proctored_exam.attempts.reset", exam_id, user_id)

    return url


def instructor_exam_url(course_id=COURSE_ID, exam_key="exam", attempt=None):
    def url(s):
        exam_id = s[exam_key].id if exam_key in s else UNKNOWN
        path = _url("instructor_dashboard_exam", course_id, exam_id)
        return path + ("?" + urlencode({"attempt": attempt}) if attempt else "")

    return url


@dataclass(frozen=True)
class Case:
    id: str
    method: str
    url: object
    expected: dict
    body: object = None
    settings: dict | None = None


CASES = [
    # Exams (global staff write, everyone reads).
    Case("exam.post", "post", lambda s: _url("proctored_exam.exam"), global_staff_only(400), body=lambda s: {}),
    Case("exam.put", "put", lambda s: _url("proctored_exam.exam"), global_staff_only(400), body=lambda s: {}),
    Case(
        "exam.put.rename",
        "put",
        lambda s: _url("proctored_exam.exam"),
        global_staff_only(200),
        body=lambda s: {"exam_id": s["exam"].id, "exam_name": "Renamed"},
    ),
    Case(
        "exam.put.unknown_exam",
        "put",
        lambda s: _url("proctored_exam.exam"),
        global_staff_only(400),
        body=lambda s: {"exam_id": UNKNOWN, "exam_name": "Renamed"},
    ),
    Case("exam_by_id", "get", lambda s: _url("proctored_exam.exam_by_id", s["exam"].id), everyone(200)),
    Case("exam_by_id.unknown", "get", lambda s: _url("proctored_exam.exam_by_id", UNKNOWN), everyone(400)),
    Case("exams_by_course", "get", lambda s: _url("proctored_exam.exams_by_course_id", COURSE_ID), everyone(200)),
    Case(
        "register_exams",
        "patch",
        lambda s: _url("proctored_exam.register_exams_by_course_id", "course-v1:edX+Empty+2026"),
        global_staff_only(200),
        body=lambda s: [],
    ),
    Case(
        "register_exams.deactivates_course",
        "patch",
        lambda s: _url("proctored_exam.register_exams_by_course_id", COURSE_ID),
        global_staff_only(200),
        body=lambda s: [],
    ),
    # One attempt: its owner reads and acts on it; staff delete it.
    Case("attempt.get", "get", lambda s: _url("proctored_exam.attempt", s["attempt"].id), codes(403, owner=200)),
    Case("attempt.get.unknown", "get", lambda s: _url("proctored_exam.attempt", UNKNOWN), everyone(400)),
    Case(
        "attempt.put",
        "put",
        lambda s: _url("proctored_exam.attempt", s["attempt"].id),
        codes(403, owner=200),
        body=lambda s: {"action": "error"},
    ),
    Case(
        "attempt.put.unknown",
        "put",
        lambda s: _url("proctored_exam.attempt", UNKNOWN),
        everyone(400),
        body=lambda s: {"action": "error"},
    ),
    Case(
        "attempt.put_user_id",
        "put",
        lambda s: _url("proctored_exam.attempt", s["attempt"].id),
        everyone(403),
        body=lambda s: {"action": "submit", "user_id": s["alice"].id},
    ),
    Case(
        "attempt.put_other_learner_id",
        "put",
        lambda s: _url("proctored_exam.attempt", s["attempt"].id),
        everyone(403),
        body=lambda s: {"action": "submit", "user_id": s["bob"].id},
    ),
    Case(
        "attempt.put_unknown_user_id",
        "put",
        lambda s: _url("proctored_exam.attempt", s["attempt"].id),
        everyone(403),
        body=lambda s: {"action": "mark_ready_to_resume", "user_id": UNKNOWN},
    ),
    Case("attempt.delete", "delete", lambda s: _url("proctored_exam.attempt", s["attempt"].id), course_staff_only(200)),
    Case(
        "attempt.delete.other_course",
        "delete",
        lambda s: _url("proctored_exam.attempt", s["attempt_b"].id),
        codes(403, other_course_staff=200, global_staff=200),
    ),
    Case(
        "attempt.delete.unknown",
        "delete",
        lambda s: _url("proctored_exam.attempt", UNKNOWN),
        everyone(400),
    ),
    Case(
        "attempt.delete.body_other_course_exam",
        "delete",
        lambda s: _url("proctored_exam.attempt", s["attempt"].id),
        course_staff_only(400),
        body=lambda s: {"exam_id": s["other_exam"].id},
    ),
    Case(
        "attempt.delete.body_unknown_exam",
        "delete",
        lambda s: _url("proctored_exam.attempt", s["attempt"].id),
        course_staff_only(400),
        body=lambda s: {"exam_id": UNKNOWN},
    ),
    Case(
        "attempt.delete.body_other_course",
        "delete",
        lambda s: _url("proctored_exam.attempt", s["attempt"].id),
        course_staff_only(400),
        body=lambda s: {"course_id": OTHER_COURSE_ID},
    ),
    # Staff lists of a course.
    Case(
        "grouped",
        "get",
        lambda s: _url("proctored_exam.attempts.grouped.course", COURSE_ID),
        course_staff_only(200),
    ),
    Case(
        "grouped.unknown_course",
        "get",
        lambda s: _url("proctored_exam.attempts.grouped.course", UNKNOWN_COURSE_ID),
        global_staff_only(200),
    ),
    Case(
        "grouped.search",
        "get",
        lambda s: _url("proctored_exam.attempts.grouped.search", COURSE_ID, "ali"),
        course_staff_only(200),
    ),
    # The learner's own timer and attempt creation.
    Case("collection.get", "get", lambda s: _url("proctored_exam.attempt.collection"), everyone(200)),
    Case(
        "collection.post",
        "post",
        lambda s: _url("proctored_exam.attempt.collection"),
        everyone(200),
        body=lambda s: {"exam_id": s["timed"].id},
    ),
    Case(
        "collection.post.unknown_exam",
        "post",
        lambda s: _url("proctored_exam.attempt.collection"),
        everyone(400),
        body=lambda s: {"exam_id": UNKNOWN},
    ),
    Case(
        "review_status",
        "put",
        lambda s: _url("proctored_exam.attempt.review_status", s["attempt"].id),
        everyone(404),
    ),
    Case(
        "review_status.viewable_past_due",
        "put",
        lambda s: _url("proctored_exam.attempt.review_status", s["attempt"].id),
        codes(403, owner=200),
        settings={"PROCTORED_EXAM_VIEWABLE_PAST_DUE": True},
    ),
    Case(
        "review_status.unknown",
        "put",
        lambda s: _url("proctored_exam.attempt.review_status", UNKNOWN),
        everyone(400),
        settings={"PROCTORED_EXAM_VIEWABLE_PAST_DUE": True},
    ),
    # Staff time adjustments of a running attempt, and the learner's own breaks.
    Case(
        "time_adjustments.get",
        "get",
        lambda s: _url("proctored_exam.attempt.time_adjustments", s["attempt"].id),
        course_staff_only(200),
    ),
    Case(
        "time_adjustments.get.other_course",
        "get",
        lambda s: _url("proctored_exam.attempt.time_adjustments", s["attempt_b"].id),
        codes(403, other_course_staff=200, global_staff=200),
    ),
    Case(
        "time_adjustments.get.unknown",
        "get",
        lambda s: _url("proctored_exam.attempt.time_adjustments", UNKNOWN),
        everyone(400),
    ),
    Case(
        "time_adjustments.extend",
        "post",
        lambda s: _url("proctored_exam.attempt.time_adjustments", s["attempt"].id),
        course_staff_only(200),
        body=lambda s: {"kind": "extension", "minutes": 10, "reason": "crash"},
    ),
    Case(
        "time_adjustments.pause",
        "post",
        lambda s: _url("proctored_exam.attempt.time_adjustments", s["attempt"].id),
        course_staff_only(200),
        body=lambda s: {"kind": "pause", "reason": "fire alarm"},
    ),
    Case(
        "time_adjustments.resume_running",
        "post",
        lambda s: _url("proctored_exam.attempt.time_adjustments", s["attempt"].id),
        course_staff_only(400),
        body=lambda s: {"kind": "resume"},
    ),
    Case(
        "time_adjustments.extend.not_running",
        "post",
        lambda s: _url("proctored_exam.attempt.time_adjustments", s["attempt_b"].id),
        codes(403, other_course_staff=400, global_staff=400),
        body=lambda s: {"kind": "extension", "minutes": 10, "reason": "crash"},
    ),
    Case(
        "time_adjustments.extend.unknown",
        "post",
        lambda s: _url("proctored_exam.attempt.time_adjustments", UNKNOWN),
        everyone(400),
        body=lambda s: {"kind": "extension", "minutes": 10, "reason": "crash"},
    ),
    Case(
        "time_adjustments.extend.body_other_course_exam",
        "post",
        lambda s: _url("proctored_exam.attempt.time_adjustments", s["attempt"].id),
        course_staff_only(400),
        body=lambda s: {"kind": "extension", "minutes": 10, "reason": "crash", "exam_id": s["other_exam"].id},
    ),
    Case(
        "attempt.put_start_break",
        "put",
        lambda s: _url("proctored_exam.attempt", s["attempt"].id),
        codes(403, owner=200),
        body=lambda s: {"action": "start_break"},
    ),
    Case(
        "attempt.put_end_break_not_on_break",
        "put",
        lambda s: _url("proctored_exam.attempt", s["attempt"].id),
        codes(403, owner=400),
        body=lambda s: {"action": "end_break"},
    ),
    # Vendor callbacks.
    Case(
        "ready_callback",
        "post",
        lambda s: _url("proctored_exam.attempt.ready_callback", "ext-1"),
        codes(403, global_staff=200, vendor=200),
    ),
    Case(
        "ready_callback.unknown",
        "post",
        lambda s: _url("proctored_exam.attempt.ready_callback", "no-such-attempt"),
        everyone(404),
    ),
    Case(
        "review_callback",
        "post",
        lambda s: _url("proctored_exam.attempt.callback", "ext-1"),
        codes(403, global_staff=200, vendor=200),
        body=lambda s: {"status": "passed"},
    ),
    Case(
        "review_callback.unknown",
        "post",
        lambda s: _url("proctored_exam.attempt.callback", "no-such-attempt"),
        everyone(400),
        body=lambda s: {"status": "passed"},
    ),
    # Allowances: the list and the bulk route name the course in the URL; PUT/DELETE only in the body.
    Case("allowance.list", "get", lambda s: _url("proctored_exam.allowance", COURSE_ID), course_staff_only(200)),
    Case(
        "allowance.list.unknown_course",
        "get",
        lambda s: _url("proctored_exam.allowance", UNKNOWN_COURSE_ID),
        global_staff_only(200),
    ),
    Case(
        "allowance.put", "put", lambda s: _url("proctored_exam.allowance"), course_staff_only(200), body=allowance_body
    ),
    Case(
        "allowance.put.other_course_exam",
        "put",
        lambda s: _url("proctored_exam.allowance"),
        codes(403, other_course_staff=200, global_staff=200),
        body=lambda s: allowance_body(s, exam_id=s["other_exam"].id),
    ),
    Case(
        "allowance.put.exam_and_course_disagree",
        "put",
        lambda s: _url("proctored_exam.allowance"),
        course_staff_only(400),
        body=lambda s: allowance_body(s, course_id=OTHER_COURSE_ID),
    ),
    Case(
        "allowance.put.unknown_exam",
        "put",
        lambda s: _url("proctored_exam.allowance"),
        everyone(400),
        body=lambda s: allowance_body(s, exam_id=UNKNOWN),
    ),
    Case(
        "allowance.put.malformed_exam",
        "put",
        lambda s: _url("proctored_exam.allowance"),
        everyone(400),
        body=lambda s: allowance_body(s, exam_id="x"),
    ),
    Case(
        "allowance.put.no_exam",
        "put",
        lambda s: _url("proctored_exam.allowance"),
        codes(403, global_staff=400),
        body=lambda s: {k: v for k, v in allowance_body(s).items() if k != "exam_id"},
    ),
    Case(
        "allowance.put.unknown_user",
        "put",
        lambda s: _url("proctored_exam.allowance"),
        course_staff_only(400),
        body=lambda s: allowance_body(s, user_info="nobody-at-all"),
    ),
    Case(
        "allowance.delete",
        "delete",
        lambda s: _url("proctored_exam.allowance"),
        course_staff_only(200),
        body=allowance_delete_body,
    ),
    Case(
        "allowance.delete.unknown_exam",
        "delete",
        lambda s: _url("proctored_exam.allowance"),
        # Global staff reach the view, which (as in 6.1) answers 200 for an allowance that is not there.
        codes(400, global_staff=200),
        body=lambda s: allowance_delete_body(s, exam_id=UNKNOWN),
    ),
    Case(
        "allowance.delete.exam_and_course_disagree",
        "delete",
        lambda s: _url("proctored_exam.allowance"),
        course_staff_only(400),
        body=lambda s: allowance_delete_body(s, course_id=OTHER_COURSE_ID),
    ),
    Case(
        "bulk_allowance.course",
        "put",
        lambda s: _url("proctored_exam.bulk_allowance", COURSE_ID),
        course_staff_only(200),
        body=bulk_body,
    ),
    Case(
        "bulk_allowance.course.body_names_other_course",
        "put",
        lambda s: _url("proctored_exam.bulk_allowance", COURSE_ID),
        everyone(400),
        body=lambda s: bulk_body(s, course_id=OTHER_COURSE_ID),
    ),
    Case(
        "bulk_allowance.course.other_course_exam",
        "put",
        lambda s: _url("proctored_exam.bulk_allowance", COURSE_ID),
        course_staff_only(400),
        body=lambda s: bulk_body(s, exam_ids=f"{s['exam'].id},{s['other_exam'].id}"),
    ),
    Case(
        "bulk_allowance.course.unknown_exam",
        "put",
        lambda s: _url("proctored_exam.bulk_allowance", COURSE_ID),
        course_staff_only(400),
        body=lambda s: bulk_body(s, exam_ids=str(UNKNOWN)),
    ),
    Case(
        "bulk_allowance",
        "put",
        lambda s: _url("proctored_exam.bulk_allowance"),
        course_staff_only(200),
        body=lambda s: bulk_body(s, course_id=COURSE_ID),
    ),
    Case(
        "bulk_allowance.no_course",
        "put",
        lambda s: _url("proctored_exam.bulk_allowance"),
        # As in 6.1.x: global staff act on the exams' course; nobody else can tell which course it is.
        global_staff_only(200),
        body=bulk_body,
    ),
    Case(
        "bulk_allowance.exams_of_another_course",
        "put",
        lambda s: _url("proctored_exam.bulk_allowance"),
        codes(403, other_course_staff=400, global_staff=400),
        body=lambda s: bulk_body(s, course_id=OTHER_COURSE_ID),
    ),
    Case(
        "allowance.grouped",
        "get",
        lambda s: _url("proctored_exam.allowance.grouped.course", COURSE_ID),
        course_staff_only(200),
    ),
    Case(
        "active_exams_for_user",
        "get",
        lambda s: (
            _url("proctored_exam.active_exams_for_user")
            + "?"
            + urlencode({"user_id": s["alice"].id, "course_id": COURSE_ID})
        ),
        course_staff_only(200, owner=200),
    ),
    Case(
        "active_exams_for_user.unknown_user",
        "get",
        lambda s: (
            _url("proctored_exam.active_exams_for_user") + "?" + urlencode({"user_id": UNKNOWN, "course_id": COURSE_ID})
        ),
        course_staff_only(200),
    ),
    # Onboarding.
    Case(
        "onboarding.status",
        "get",
        lambda s: _url("user_onboarding.status") + "?" + urlencode({"course_id": COURSE_ID, "username": "alice"}),
        codes(403, owner=404, course_staff=404, global_staff=404),
    ),
    Case(
        "onboarding.status.unknown_user",
        "get",
        lambda s: _url("user_onboarding.status") + "?" + urlencode({"course_id": COURSE_ID, "username": "nobody"}),
        course_staff_only(400),
    ),
    Case(
        "onboarding.course",
        "get",
        lambda s: _url("user_onboarding.status.course", COURSE_ID),
        course_staff_only(200),
    ),
    # The vendor's instructor dashboard.
    Case(
        "instructor.course",
        "get",
        lambda s: _url("instructor_dashboard_course", COURSE_ID),
        course_staff_only(302),
    ),
    Case("instructor.exam", "get", instructor_exam_url(), course_staff_only(302)),
    Case("instructor.exam.own_attempt", "get", instructor_exam_url(attempt="ext-1"), course_staff_only(302)),
    Case(
        "instructor.exam.other_course_attempt",
        "get",
        instructor_exam_url(attempt="ext-b"),
        course_staff_only(400),
    ),
    Case(
        "instructor.exam.unknown_attempt",
        "get",
        instructor_exam_url(attempt="no-such-attempt"),
        course_staff_only(400),
    ),
    Case(
        "instructor.exam.other_courses_exam",
        "get",
        instructor_exam_url(exam_key="other_exam"),
        global_staff_only(404),
    ),
    Case("instructor.exam.unknown_exam", "get", instructor_exam_url(exam_key="none"), course_staff_only(400)),
    # Retirement (the host's `accounts.can_retire_user`, permissive for staff in the test package).
    Case(
        "retire_backend_user",
        "post",
        lambda s: _url("backend_user_deletion_api", s["alice"].id),
        global_staff_only(200),
    ),
    Case("retire_user", "post", lambda s: _url("user_retirement_api", s["alice"].id), global_staff_only(204)),
    Case("retire_user.unknown", "post", lambda s: _url("user_retirement_api", UNKNOWN), global_staff_only(204)),
    # A learner's data for a subject-access request: global staff (or edx_proctoring.can_export_learner_data)
    # only, the learner included; the URL's user must exist.
    Case("learner_data", "get", lambda s: _url("learner_data_export", s["alice"].id), global_staff_only(200)),
    Case(
        "learner_data.other_learner", "get", lambda s: _url("learner_data_export", s["bob"].id), global_staff_only(200)
    ),
    Case("learner_data.unknown", "get", lambda s: _url("learner_data_export", UNKNOWN), global_staff_only(404)),
    # The Learning MFE's reads.
    Case(
        "exam_attempts",
        "get",
        lambda s: _url("proctored_exam.exam_attempts", COURSE_ID) + f"?content_id={s['exam'].content_id}",
        everyone(200),
    ),
    Case(
        "exam_attempts.user_id",
        "get",
        lambda s: _url("proctored_exam.exam_attempts", COURSE_ID) + f"?user_id={s['alice'].id}",
        global_staff_only(200),
    ),
    Case("active_attempt", "get", lambda s: _url("proctored_exam.active_attempt"), everyone(200)),
    Case(
        "active_attempt.user_id",
        "get",
        lambda s: _url("proctored_exam.active_attempt") + f"?user_id={s['alice'].id}",
        global_staff_only(200),
    ),
    Case(
        "active_attempt.unknown_user_id",
        "get",
        lambda s: _url("proctored_exam.active_attempt") + f"?user_id={UNKNOWN}",
        global_staff_only(400),
    ),
    Case(
        "proctoring_settings",
        "get",
        lambda s: _url("proctored_exam.proctoring_settings", s["exam"].id),
        everyone(200),
    ),
    Case(
        "proctoring_settings.unknown",
        "get",
        lambda s: _url("proctored_exam.proctoring_settings", UNKNOWN),
        everyone(400),
    ),
    Case("review_policy", "get", lambda s: _url("proctored_exam.review_policy", s["exam"].id), everyone(200)),
    Case("review_policy.unknown", "get", lambda s: _url("proctored_exam.review_policy", UNKNOWN), everyone(200)),
    # PSI's anonymous callbacks serve only PSI attempts; the review callback needs the configured token.
    Case(
        "launch_callback",
        "get",
        lambda s: _url("anonymous.proctoring_launch_callback.start_exam", s["psi_attempt"].attempt_code),
        everyone(302, anonymous=302),
    ),
    Case(
        "launch_callback.not_psi",
        "get",
        lambda s: _url("anonymous.proctoring_launch_callback.start_exam", s["attempt"].attempt_code),
        everyone(404, anonymous=404),
    ),
    Case(
        "launch_callback.unknown",
        "get",
        lambda s: _url("anonymous.proctoring_launch_callback.start_exam", "NO-SUCH-CODE"),
        everyone(404, anonymous=404),
    ),
    Case(
        "anonymous_review_callback",
        "post",
        lambda s: _url("anonymous.proctoring_review_callback") + "?" + urlencode({TOKEN_PARAMETER: PSI_CALLBACK_TOKEN}),
        everyone(200, anonymous=200),
        body=lambda s: {"examMetaData": {"examCode": s["psi_attempt"].attempt_code}},
    ),
    Case(
        "anonymous_review_callback.without_token",
        "post",
        lambda s: _url("anonymous.proctoring_review_callback"),
        everyone(403, anonymous=403),
        body=lambda s: {"examMetaData": {"examCode": s["psi_attempt"].attempt_code}},
    ),
    Case(
        "anonymous_review_callback.not_psi",
        "post",
        lambda s: _url("anonymous.proctoring_review_callback") + "?" + urlencode({TOKEN_PARAMETER: PSI_CALLBACK_TOKEN}),
        everyone(400, anonymous=400),
        body=lambda s: {"examMetaData": {"examCode": s["attempt"].attempt_code}},
    ),
    Case(
        "anonymous_review_callback.unknown",
        "post",
        lambda s: _url("anonymous.proctoring_review_callback") + "?" + urlencode({TOKEN_PARAMETER: PSI_CALLBACK_TOKEN}),
        everyone(400, anonymous=400),
        body=lambda s: {"examMetaData": {"examCode": "NO-SUCH-CODE"}},
    ),
    # Reset: authorized on the URL's exam, whatever the body says (issue 9, finding 1).
    Case("reset_attempts", "delete", reset_url(), course_staff_only(200)),
    Case(
        "reset_attempts.body_unknown_exam",
        "delete",
        reset_url(),
        everyone(400),
        body=lambda s: {"exam_id": UNKNOWN},
    ),
    Case(
        "reset_attempts.body_other_course_exam",
        "delete",
        reset_url(),
        everyone(400),
        body=lambda s: {"exam_id": s["other_exam"].id},
    ),
    Case(
        "reset_attempts.body_other_learner",
        "delete",
        reset_url(),
        everyone(400),
        body=lambda s: {"user_id": s["bob"].id},
    ),
    Case(
        "reset_attempts.body_repeats_url",
        "delete",
        reset_url(),
        course_staff_only(200),
        body=lambda s: {"exam_id": s["exam"].id, "user_id": s["alice"].id, "course_id": COURSE_ID},
    ),
    Case(
        "reset_attempts.body_other_course",
        "delete",
        reset_url(),
        course_staff_only(400),
        body=lambda s: {"course_id": OTHER_COURSE_ID},
    ),
    Case("reset_attempts.unknown_exam", "delete", reset_url(exam_key="none"), everyone(400)),
    Case("reset_attempts.unknown_user", "delete", reset_url(user_key="none"), course_staff_only(404)),
    Case(
        "reset_attempts.other_course_exam",
        "delete",
        reset_url(exam_key="other_exam"),
        codes(403, other_course_staff=200, global_staff=200),
    ),
    Case("schema", "get", lambda s: _url("proctored_exam.schema"), everyone(200, anonymous=200)),
    # LTI launch: the learner's own LTI-proctored attempt only (the matrix's exam is on another backend, so the
    # owner hears it is not an LTI launch and everyone else that there is no such attempt of theirs).
    Case("lti_start", "get", lambda s: _url("lti_start", s["attempt"].id), everyone(404, anonymous=401)),
    Case("lti_start.unknown", "get", lambda s: _url("lti_start", UNKNOWN), everyone(404, anonymous=401)),
    Case("lti_start.post", "post", lambda s: _url("lti_start", s["attempt"].id), everyone(405, anonymous=405)),
    # The tool's requests through the browser: checked by what they carry, so every caller gets the same answer.
    Case("lti_authorize", "get", lambda s: _url("lti_authorize"), everyone(400, anonymous=400)),
    Case(
        "lti_authorize.post", "post", lambda s: _url("lti_authorize"), everyone(400, anonymous=400), body=lambda s: {}
    ),
    Case(
        "lti_start_assessment",
        "post",
        lambda s: _url("lti_start_assessment"),
        everyone(400, anonymous=400),
        body=lambda s: {},
    ),
    Case("lti_start_assessment.get", "get", lambda s: _url("lti_start_assessment"), everyone(405, anonymous=405)),
    Case("lti_jwks", "get", lambda s: _url("lti_jwks"), everyone(200, anonymous=200)),
    Case("lti_jwks.post", "post", lambda s: _url("lti_jwks"), everyone(405, anonymous=405), body=lambda s: {}),
    # LTI Assessment Control Service: authenticated by what the tool sends, never by a session.
    Case("lti_token", "post", lambda s: _url("lti_token"), everyone(400, anonymous=400), body=lambda s: {}),
    Case("lti_token.get", "get", lambda s: _url("lti_token"), everyone(405, anonymous=405)),
    Case("lti_acs", "post", lambda s: _url("lti_acs"), everyone(401, anonymous=401), body=lambda s: {}),
    Case("lti_course_tool", "get", lambda s: _url("lti_course_tool", COURSE_ID), course_staff_only(200)),
    Case(
        "lti_course_tool.other_course",
        "get",
        lambda s: _url("lti_course_tool", OTHER_COURSE_ID),
        codes(403, other_course_staff=200, global_staff=200),
    ),
    Case(
        "lti_course_tool.put_none",
        "put",
        lambda s: _url("lti_course_tool", COURSE_ID),
        course_staff_only(200),
        body=lambda s: {"registration_id": None},
    ),
    Case(
        "lti_course_tool.put_unknown_registration",
        "put",
        lambda s: _url("lti_course_tool", COURSE_ID),
        course_staff_only(400),
        body=lambda s: {"registration_id": UNKNOWN},
    ),
    Case(
        "lti_course_tool.body_other_course",
        "put",
        lambda s: _url("lti_course_tool", COURSE_ID),
        everyone(400),
        body=lambda s: {"registration_id": None, "course_id": OTHER_COURSE_ID},
    ),
    Case(
        "lti_attempt_incidents",
        "get",
        lambda s: _url("lti_attempt_incidents", s["attempt"].id),
        course_staff_only(200),
    ),
    Case(
        "lti_attempt_incidents.other_course",
        "get",
        lambda s: _url("lti_attempt_incidents", s["attempt_b"].id),
        codes(403, other_course_staff=200, global_staff=200),
    ),
    Case("lti_attempt_incidents.unknown", "get", lambda s: _url("lti_attempt_incidents", UNKNOWN), everyone(400)),
]
