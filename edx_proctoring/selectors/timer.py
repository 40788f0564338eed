"""The learner hot path: the timer payload, the active attempt and the Learning-MFE exam view.

The domain's `get_exam_attempt_data(exam_id, attempt_id)` reads the exam, the attempt and the learner's
allowances in separate queries. Here each answer comes from one query (the attempt with its exam and user
joined), and the payload is built from the rows already read, with the domain's timing functions. The
keys and values are those of `edx_proctoring.attempts.payload.get_exam_attempt_data` (a test keeps the
two in step). When an attempt turns out to have timed out, the domain's lazy timeout runs (and writes).
"""

from __future__ import annotations

from datetime import timedelta

from django.db.models import F, FilteredRelation, OuterRef, Q, Subquery
from django.urls import reverse
from django.utils.translation import gettext as _

from edx_proctoring.attempts.payload import low_time_thresholds
from edx_proctoring.attempts.selectors import _check_for_attempt_timeout, is_attempt_ready_to_resume
from edx_proctoring.attempts.serialization import serialize_attempt
from edx_proctoring.backends import get_backend_provider
from edx_proctoring.exams import get_exam_type, get_exam_url, serialize_exam
from edx_proctoring.models import ProctoredExam, ProctoredExamStudentAllowance, ProctoredExamStudentAttempt
from edx_proctoring.statuses import ProctoredExamStudentAttemptStatus as Status
from edx_proctoring.timing import (
    attempt_deadline,
    calculate_allowed_mins,
    get_exam_due_date,
    get_time_remaining_for_attempt,
    has_attempt_timed_out,
    humanized_time,
    now,
)

ACTIVE_STATUSES = (Status.started, Status.ready_to_submit)
_EXTRA_TIME_KEY = ProctoredExamStudentAllowance.ADDITIONAL_TIME_GRANTED[0]


def _attempts():
    return ProctoredExamStudentAttempt.objects.select_related("proctored_exam", "user")


def _extra_minutes_subquery(user_id, exam_ref):
    return Subquery(
        ProctoredExamStudentAllowance.objects.filter(
            proctored_exam_id=exam_ref, user_id=user_id, key=_EXTRA_TIME_KEY
        ).values("value")[:1]
    )


def get_attempt_for_poll(attempt_id: int) -> dict | None:
    """The attempt dict (timeout check applied), from one query."""
    attempt = _attempts().filter(id=attempt_id).first()
    if attempt is None:
        return None
    return _checked(serialize_attempt(attempt))


def _checked(attempt: dict) -> dict:
    if has_attempt_timed_out(attempt):
        return _check_for_attempt_timeout(attempt)
    return attempt


def get_active_attempt_row(user_id: int):
    """The learner's newest started or ready-to-submit attempt (with exam, user and extra time), or None."""
    return (
        _attempts()
        .filter(user_id=user_id, status__in=ACTIVE_STATUSES)
        .annotate(extra_minutes=_extra_minutes_subquery(user_id, OuterRef("proctored_exam_id")))
        .order_by("-created", "-id")
        .first()
    )


def _parse_minutes(value) -> int | None:
    return int(value) if value is not None and str(value).isdecimal() else None


def allowed_minutes(*, exam: dict, current_attempt: dict | None, extra_minutes: int | None, user_id: int) -> int:
    """`timing.calculate_allowed_mins` from values already read (the due date still comes from edx-when)."""
    allowed = exam["time_limit_mins"]
    if current_attempt is not None and current_attempt.get("time_remaining_seconds"):
        allowed = int(current_attempt["time_remaining_seconds"] / 60)
    elif extra_minutes:
        allowed += extra_minutes
    due = get_exam_due_date(exam, user_id)
    if due:
        current_time = now()
        if current_time + timedelta(minutes=allowed) > due:
            allowed = max(int((due - current_time).total_seconds() / 60), 0)
    return allowed


def timer_payload(
    *, exam: dict, attempt: dict, is_learning_mfe: bool = False, extra_minutes=None, is_current: bool = True
) -> dict:
    """The timer payload of §6.5, plus the absolute `deadline` and the server's `server_now` (ISO-8601)."""
    provider = get_backend_provider(exam)
    time_remaining_seconds = get_time_remaining_for_attempt(attempt)
    allowed = attempt["allowed_time_limit_mins"] or 0
    ready_to_resume = is_attempt_ready_to_resume(attempt)
    if allowed and not ready_to_resume:
        total_time = humanized_time(allowed)
    elif is_current:
        total_time = humanized_time(
            allowed_minutes(
                exam=exam,
                current_attempt=attempt,
                extra_minutes=_parse_minutes(extra_minutes),
                user_id=attempt["user"]["id"],
            )
        )
    else:
        total_time = humanized_time(calculate_allowed_mins(exam, attempt["user"]["id"]))
    low_threshold, critically_low_threshold = low_time_thresholds(allowed_minutes=allowed)
    deadline = attempt_deadline(attempt)
    data = {
        "in_timed_exam": True,
        "taking_as_proctored": attempt["taking_as_proctored"],
        "exam_type": get_exam_type(exam, provider)["humanized_type"],
        "exam_display_name": exam["exam_name"],
        "exam_url_path": get_exam_url(exam["course_id"], exam["content_id"], is_learning_mfe),
        "time_remaining_seconds": time_remaining_seconds,
        "total_time": total_time,
        "low_threshold_sec": low_threshold,
        "critically_low_threshold_sec": critically_low_threshold,
        "course_id": exam["course_id"],
        "attempt_id": attempt["id"],
        "external_id": attempt["external_id"],
        "accessibility_time_string": _("you have {remaining_time} remaining").format(
            remaining_time=humanized_time(int(round(time_remaining_seconds / 60.0)))
        ),
        "attempt_status": attempt["status"],
        "exam_started_poll_url": reverse("edx_proctoring:proctored_exam.attempt", args=[attempt["id"]]),
        "attempt_ready_to_resume": ready_to_resume,
        "use_legacy_attempt_api": True,
        "deadline": deadline.isoformat() if deadline else None,
        "server_now": now().isoformat(),
    }
    if provider is None:
        data["desktop_application_js_url"] = ""
        return data
    data["desktop_application_js_url"] = provider.get_javascript()
    data["ping_interval"] = provider.ping_interval
    data["attempt_code"] = attempt["attempt_code"]
    if attempt["status"] in (Status.created, Status.download_software_clicked):
        provider_attempt = provider.get_attempt(attempt) or {}
        data["software_download_url"] = provider_attempt.get("download_url") or provider.get_software_download_url()
    return data


def active_timer_payload(user_id: int, *, is_learning_mfe: bool = False) -> dict | None:
    """The timer payload of the learner's active attempt, or None when there is none."""
    row = get_active_attempt_row(user_id)
    if row is None:
        return None
    attempt = _checked(serialize_attempt(row))
    return timer_payload(
        exam=attempt["proctored_exam"],
        attempt=attempt,
        is_learning_mfe=is_learning_mfe,
        extra_minutes=row.extra_minutes,
    )


# ---- The Learning MFE's exam view: the exam, the learner's attempts on it and the active attempt in one query.

_EXAM_COLUMNS = [field.attname for field in ProctoredExam._meta.concrete_fields]
_ATTEMPT_COLUMNS = [field.attname for field in ProctoredExamStudentAttempt._meta.concrete_fields]


class ExamView:
    """What one query says about an exam and a learner: the exam, the current attempt, the active attempt."""

    def __init__(self, *, exam: dict | None, current: dict | None, active: dict | None, extra_minutes, user):
        self.exam = exam
        self.current = current
        self.active = active
        self.extra_minutes = _parse_minutes(extra_minutes)
        self.user = user


def load_exam_view(*, user, course_id: str, content_id: str) -> ExamView:
    """One query: exams joined with this learner's attempts, keeping the asked exam (with or without attempt)
    and any exam on which the learner has an active attempt."""
    relation = "proctoredexamstudentattempt"
    columns = {f"a_{name}": F(f"mine__{name}") for name in _ATTEMPT_COLUMNS}
    rows = list(
        ProctoredExam.objects.annotate(
            mine=FilteredRelation(relation, condition=Q(**{f"{relation}__user_id": user.id}))
        )
        .filter(Q(course_id=course_id, content_id=content_id) | Q(mine__status__in=ACTIVE_STATUSES))
        .annotate(**columns, extra_minutes=_extra_minutes_subquery(user.id, OuterRef("id")))
        .values(*_EXAM_COLUMNS, *columns, "extra_minutes")
    )
    exams: dict[int, ProctoredExam] = {}
    attempts = []
    target_exam = None
    extra_minutes = None
    for row in rows:
        exam = exams.get(row["id"])
        if exam is None:
            exam = exams[row["id"]] = ProctoredExam(**{name: row[name] for name in _EXAM_COLUMNS})
        if row["course_id"] == course_id and row["content_id"] == content_id:
            target_exam = exam
            extra_minutes = row["extra_minutes"]
        if row["a_id"] is not None:
            attempt = ProctoredExamStudentAttempt(**{name: row[f"a_{name}"] for name in _ATTEMPT_COLUMNS})
            attempt.proctored_exam = exam
            attempt.user = user
            attempts.append(attempt)
    attempts.sort(key=lambda attempt: (attempt.created, attempt.id), reverse=True)
    active = next((a for a in attempts if a.status in ACTIVE_STATUSES), None)
    current = None
    if target_exam is not None:
        current = next((a for a in attempts if a.proctored_exam_id == target_exam.id), None)
    active_dict = _checked(serialize_attempt(active)) if active is not None else None
    if current is not None and active is not None and current.id == active.id:
        current_dict = active_dict
    else:
        current_dict = _checked(serialize_attempt(current)) if current is not None else None
    return ExamView(
        exam=serialize_exam(target_exam) if target_exam is not None else None,
        current=current_dict,
        active=active_dict,
        extra_minutes=extra_minutes,
        user=user,
    )
