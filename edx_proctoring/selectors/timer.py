"""The learner hot path: the timer payload, the active attempt and the Learning-MFE exam view.

The domain's `learner_exam_view.get_exam_attempt_data(exam_id, attempt_id)` reads the exam, the attempt and
the learner's allowances in separate queries. Here each answer comes from one query (the attempt with its exam, user and
extra-time allowance joined), and the payload is built by the domain's own `build_timer_payload` and
`timing.allowed_minutes_for` from the rows already read. Nothing here writes: timing an overdue attempt
out is the caller's explicit step (`attempts.expiry`, see `learner_exam_view`).
"""

from __future__ import annotations

from django.db.models import F, FilteredRelation, OuterRef, Q, Subquery

from edx_proctoring.attempts.payload import build_timer_payload
from edx_proctoring.attempts.serialization import attempt_rows as _attempts
from edx_proctoring.attempts.serialization import serialize_attempt
from edx_proctoring.attempts.time_adjustments import BREAK_MINUTES_KEY, break_allowance_minutes, parse_break_minutes
from edx_proctoring.exams import serialize_exam
from edx_proctoring.models import (
    ProctoredExam,
    ProctoredExamAttemptTimeState,
    ProctoredExamStudentAllowance,
    ProctoredExamStudentAttempt,
)
from edx_proctoring.models.lookups import as_id
from edx_proctoring.statuses import RUNNING_STATUSES
from edx_proctoring.timing import allowed_minutes_for, calculate_allowed_mins

# "The caller did not read this allowance": read it when needed.
UNREAD = object()
_EXTRA_TIME_KEY = ProctoredExamStudentAllowance.ADDITIONAL_TIME_GRANTED[0]


def _allowance_values(user_id, exam_ref) -> dict:
    """The learner's extra-time and break allowances of the exam, as annotations read in the same query."""
    return {
        name: Subquery(
            ProctoredExamStudentAllowance.objects.filter(proctored_exam_id=exam_ref, user_id=user_id, key=key).values(
                "value"
            )[:1]
        )
        for name, key in (("extra_minutes", _EXTRA_TIME_KEY), ("break_minutes", BREAK_MINUTES_KEY))
    }


def _parse_minutes(value) -> int | None:
    return int(value) if value is not None and str(value).isdecimal() else None


def timer_payload(
    *,
    exam: dict,
    attempt: dict,
    is_learning_mfe: bool = False,
    extra_minutes=None,
    break_minutes=UNREAD,
    is_current: bool = True,
) -> dict:
    """The domain's timer payload; for the learner's current attempt the allowed time comes from the
    extra-time allowance read in the same query instead of two more, and the break budget from the break
    allowance when the caller read it too (`break_minutes`, the raw value)."""
    user_id = attempt["user"]["id"]

    def break_allowance() -> int | None:
        if break_minutes is UNREAD:
            return break_allowance_minutes(exam_id=exam["id"], user_id=user_id)
        return parse_break_minutes(break_minutes)

    if is_current:

        def fallback_total_minutes() -> int:
            resume_seconds = attempt.get("time_remaining_seconds")
            return allowed_minutes_for(
                exam=exam,
                user_id=user_id,
                resume_seconds=resume_seconds,
                extra_minutes=None if resume_seconds else _parse_minutes(extra_minutes),
            )

    else:

        def fallback_total_minutes() -> int:
            return calculate_allowed_mins(exam, user_id)

    return build_timer_payload(
        exam=exam,
        attempt=attempt,
        is_learning_mfe=is_learning_mfe,
        fallback_total_minutes=fallback_total_minutes,
        break_minutes=break_allowance,
    )


def is_clock_stopped(payload: dict) -> bool:
    """A timer payload of a paused attempt or one on a break: the Learning MFE gets no active attempt for it,
    so it has nothing to count down (see `build_timer_payload`)."""
    return bool(payload.get("paused") or payload.get("on_break"))


def active_attempt_row(user_id: int) -> tuple[dict, ProctoredExamStudentAttempt] | None:
    """The learner's newest started or ready-to-submit attempt as read (not yet checked for expiry) with its
    row (exam, user and the learner's allowances joined), or None."""
    row = (
        _attempts()
        .filter(user_id=as_id(user_id), status__in=RUNNING_STATUSES)
        .annotate(**_allowance_values(user_id, OuterRef("proctored_exam_id")))
        .order_by("-created", "-id")
        .first()
    )
    if row is None:
        return None
    return serialize_attempt(row), row


# ---- The Learning MFE's exam view: the exam, the learner's attempts on it and the active attempt in one query.

_EXAM_COLUMNS = [field.attname for field in ProctoredExam._meta.concrete_fields]
_ATTEMPT_COLUMNS = [field.attname for field in ProctoredExamStudentAttempt._meta.concrete_fields]
_TIME_STATE_COLUMNS = [
    field.attname for field in ProctoredExamAttemptTimeState._meta.concrete_fields if field.attname != "attempt_id"
]


def _attach_time_state(attempt: ProctoredExamStudentAttempt, row: dict) -> None:
    """Give the attempt its clock from the joined columns, as `select_related("time_state")` would."""
    if row["t_extension_minutes"] is None:
        attempt._state.fields_cache["time_state"] = None
        return
    state = ProctoredExamAttemptTimeState(
        attempt_id=attempt.id, **{name: row[f"t_{name}"] for name in _TIME_STATE_COLUMNS}
    )
    attempt._state.fields_cache["time_state"] = state


class ExamView:
    """What one query says about an exam and a learner: the exam, the current attempt, the active attempt."""

    def __init__(self, *, exam: dict | None, current: dict | None, active: dict | None, extra_minutes, break_minutes):
        self.exam = exam
        self.current = current
        self.active = active
        self.extra_minutes = _parse_minutes(extra_minutes)
        # The raw break allowance value per exam id (of the asked exam and of the active attempt's).
        self.break_minutes = break_minutes


def load_exam_view(*, user, course_id: str, content_id: str) -> ExamView:
    """One query: exams joined with this learner's attempts, keeping the asked exam (with or without attempt)
    and any exam on which the learner has an active attempt."""
    relation = "proctoredexamstudentattempt"
    columns = {f"a_{name}": F(f"mine__{name}") for name in _ATTEMPT_COLUMNS}
    clock_columns = {f"t_{name}": F(f"mine__time_state__{name}") for name in _TIME_STATE_COLUMNS}
    rows = list(
        ProctoredExam.objects.annotate(
            mine=FilteredRelation(relation, condition=Q(**{f"{relation}__user_id": user.id}))
        )
        .filter(Q(course_id=course_id, content_id=content_id) | Q(mine__status__in=RUNNING_STATUSES))
        .annotate(
            **columns,
            **clock_columns,
            **_allowance_values(user.id, OuterRef("id")),
        )
        .values(*_EXAM_COLUMNS, *columns, *clock_columns, "extra_minutes", "break_minutes")
    )
    exams: dict[int, ProctoredExam] = {}
    attempts = []
    target_exam = None
    extra_minutes = None
    break_minutes = {}
    for row in rows:
        exam = exams.get(row["id"])
        if exam is None:
            exam = exams[row["id"]] = ProctoredExam(**{name: row[name] for name in _EXAM_COLUMNS})
        break_minutes[exam.id] = row["break_minutes"]
        if row["course_id"] == course_id and row["content_id"] == content_id:
            target_exam = exam
            extra_minutes = row["extra_minutes"]
        if row["a_id"] is not None:
            attempt = ProctoredExamStudentAttempt(**{name: row[f"a_{name}"] for name in _ATTEMPT_COLUMNS})
            attempt.proctored_exam = exam
            attempt.user = user
            _attach_time_state(attempt, row)
            attempts.append(attempt)
    attempts.sort(key=lambda attempt: (attempt.created, attempt.id), reverse=True)
    active = next((a for a in attempts if a.status in RUNNING_STATUSES), None)
    current = None
    if target_exam is not None:
        current = next((a for a in attempts if a.proctored_exam_id == target_exam.id), None)
    active_dict = serialize_attempt(active) if active is not None else None
    if current is not None and active is not None and current.id == active.id:
        current_dict = active_dict
    else:
        current_dict = serialize_attempt(current) if current is not None else None
    return ExamView(
        exam=serialize_exam(target_exam) if target_exam is not None else None,
        current=current_dict,
        active=active_dict,
        extra_minutes=extra_minutes,
        break_minutes=break_minutes,
    )
