"""The instructor dashboard's lists, filtered, grouped and paginated in SQL.

Each list costs a fixed number of queries whatever the page size or the number of attempts in the course.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict

from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import Count, Exists, Max, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Coalesce

from edx_proctoring import config
from edx_proctoring.http.pagination import PAGE_SIZE, page_number, total_pages
from edx_proctoring.models import (
    ProctoredExam,
    ProctoredExamAttemptTimeState,
    ProctoredExamLearnerCount,
    ProctoredExamOverdueReview,
    ProctoredExamStudentAttempt,
)
from edx_proctoring.records import attempt_records
from edx_proctoring.selectors import allowance_list, exam_windows, roster_snapshot
from edx_proctoring.timing import PAUSE_KIND_STAFF

# `?filter=` of the grouped list: newest attempts that staff paused, or that have extra time from staff.
CLOCK_FILTERS = {
    "paused": Q(paused_since__isnull=False, paused_kind=PAUSE_KIND_STAFF),
    "extended": ~Q(extension_minutes=0),
}


# A search matching at most this many users passes their ids to the later queries; a broader one passes
# the search itself as a sub-select.
SEARCH_IDS_LIMIT = 500


class _MatchedUsers:
    """The users a `search_by` text matches, read once: their ids, or the search as a sub-select when broad.

    A text search reads every user (no index serves "contains"). Repeated inside each query, and inside each
    exam's part of a query, it read the whole user table twenty times a page; MariaDB also turned it into a
    probe of the user table for every attempt of the course. Read once, the matches' attempts are found
    through the (exam, user, id) index. A narrow search's ids are also kept in the cache for
    ``config.staff_list_snapshot_seconds()``: staff page through the results and the dashboard reloads the
    list after each action, and a user who registers meanwhile matching the text shows up when it expires.
    """

    def __init__(self, *, search_by: str):
        users = get_user_model().objects.filter(Q(username__contains=search_by) | Q(email__contains=search_by))
        self.subquery = users.values("id")
        self.ids = _cached_matches(search_by=search_by, users=users)

    def lookup(self):
        """For `user_id__in=`."""
        return self.ids if self.ids is not None else self.subquery

    def sql(self) -> tuple[str, list]:
        """SQL restricting `a.user_id` to the matched users (Django's escaping for the sub-select)."""
        if self.ids is not None:
            return f" AND a.user_id IN ({', '.join(['%s'] * len(self.ids))})", list(self.ids)
        sql, params = self.subquery.query.sql_with_params()
        return f" AND a.user_id IN ({sql})", list(params)


_BROAD = "broad"


def _cached_matches(*, search_by: str, users) -> list[int] | None:
    """The matched user ids, or None when more than SEARCH_IDS_LIMIT match (from the cache when it has them)."""
    seconds = config.staff_list_snapshot_seconds()
    key = "edx_proctoring:staff-search:v1:" + hashlib.sha256(search_by.encode()).hexdigest()
    what = "staff search's matched users"
    if seconds:
        kept = roster_snapshot.cached(key=key, what=what)
        if kept is not None:
            return None if kept == _BROAD else kept
    ids = list(users.order_by("id").values_list("id", flat=True)[: SEARCH_IDS_LIMIT + 1])
    matches = ids if len(ids) <= SEARCH_IDS_LIMIT else None
    if seconds:
        roster_snapshot.keep(key=key, value=_BROAD if matches is None else matches, seconds=seconds, what=what)
    return matches


def _group_counts(*, course_id: str, users: _MatchedUsers | None) -> list[tuple[int, int]]:
    """(exam id, number of learners with an attempt on it) for the exams of the course, in one query.

    Without a search the counts are the maintained ones (`_learner_counts`). A broad search counts its
    matched learners' groups, and returns only the exams with a matched learner.
    """
    if users is None:
        return _learner_counts(course_id=course_id)
    return list(
        ProctoredExamStudentAttempt.objects.filter(proctored_exam__course_id=course_id, user_id__in=users.lookup())
        .order_by()
        .values("proctored_exam_id")
        .annotate(groups=Count("user_id", distinct=True))
        .order_by("proctored_exam_id")
        .values_list("proctored_exam_id", "groups")
    )


def _counted_from_attempts(*, exam_ids: list[int]) -> dict[int, int]:
    """{exam id: learners} counted from the attempts: a correlated COUNT(DISTINCT user) per exam."""
    per_exam = (
        ProctoredExamStudentAttempt.objects.filter(proctored_exam_id=OuterRef("id"))
        .order_by()
        .values("proctored_exam_id")
        .annotate(groups=Count("user_id", distinct=True))
        .values("groups")
    )
    exams = ProctoredExam.objects.filter(id__in=exam_ids).annotate(groups=Coalesce(Subquery(per_exam), 0))
    return dict(exams.values_list("id", "groups"))


def _learner_counts(*, course_id: str) -> list[tuple[int, int]]:
    """(exam id, learners) from the maintained counts (models/learner_counts.py): one query at any size.

    An exam without counts (its attempts were loaded around the ORM and not recounted since, see the
    ``recount_exam_learners`` command) is counted from its attempts, in one more query.
    """
    totals = (
        ProctoredExamLearnerCount.objects.filter(proctored_exam_id=OuterRef("id"))
        .order_by()
        .values("proctored_exam_id")
        .annotate(total=Sum("learners"))
        .values("total")
    )
    counts = list(
        ProctoredExam.objects.filter(course_id=course_id)
        .annotate(groups=Subquery(totals))
        .order_by("id")
        .values_list("id", "groups")
    )
    uncounted = [exam_id for exam_id, groups in counts if groups is None]
    if not uncounted:
        return counts
    live = _counted_from_attempts(exam_ids=uncounted)
    return [(exam_id, live[exam_id] if groups is None else groups) for exam_id, groups in counts]


def _matched_newest(*, course_id: str, user_ids: list[int]) -> list[tuple[int, int, int]]:
    """(id, user id, exam id) of each matched learner's newest attempt per exam of the course, newest first.

    A narrow search has at most SEARCH_IDS_LIMIT learners, so all their groups are read in one grouped query
    (after the course's exam ids) through the (exam, user, id) index and counted and paged here: a LIMIT over
    the course's attempts in id order would have the planner walk the whole course for the few matched ones.
    """
    if not user_ids:
        return []
    # The exam ids as values, not a join: MariaDB then reads the (exam, user, id) index by group ("index for
    # group-by") instead of every attempt of the matched users through the user index.
    exam_ids = list(ProctoredExam.objects.filter(course_id=course_id).values_list("id", flat=True))
    newest = list(
        ProctoredExamStudentAttempt.objects.filter(proctored_exam_id__in=exam_ids, user_id__in=user_ids)
        .order_by()
        .values("proctored_exam_id", "user_id")
        .annotate(newest=Max("id"))
        .values_list("newest", "user_id", "proctored_exam_id")
    )
    newest.sort(reverse=True)
    return newest


def _clock_matched_newest(
    *, course_id: str, users: _MatchedUsers | None, clock_filter: str
) -> list[tuple[int, int, int]]:
    """(id, user id, exam id) of the newest attempts per (learner, exam) that match the `?filter=`, newest first.

    Read from the time states, of which a course has one per attempt staff adjusted, so the cost follows the
    adjusted attempts rather than the course: one query, counted and paged here.
    """
    newer = ProctoredExamStudentAttempt.objects.filter(
        proctored_exam_id=OuterRef("attempt__proctored_exam_id"),
        user_id=OuterRef("attempt__user_id"),
        id__gt=OuterRef("attempt_id"),
    )
    # The time states lead (a join to each one's attempt by its key), so no attempt outside them is read.
    adjusted = ProctoredExamAttemptTimeState.objects.filter(
        CLOCK_FILTERS[clock_filter], attempt__proctored_exam__course_id=course_id
    ).filter(~Exists(newer))
    if users is not None:
        adjusted = adjusted.filter(attempt__user_id__in=users.lookup())
    return list(
        adjusted.order_by("-attempt_id").values_list("attempt_id", "attempt__user_id", "attempt__proctored_exam_id")
    )


def _page_keys(
    *, exam_ids: list[int], users: _MatchedUsers | None, count: int, offset: int, size: int
) -> list[tuple[int, int, int]]:
    """(id, user id, exam id) of a page of the newest attempts per (learner, exam), newest first.

    An attempt is kept when no later attempt of the same learner at the exam follows it (one probe of the
    (exam, user, id) index each). Without a search each exam's attempts are read in id order from the
    (exam, id) index and merged (`exam_windows`); a broad search reads its matched learners' attempts in one
    select through the (exam, user, id) index, its sub-select read once rather than once per exam.
    """
    table = connection.ops.quote_name(ProctoredExamStudentAttempt._meta.db_table)
    newest = (
        f"NOT EXISTS (SELECT 1 FROM {table} b WHERE b.proctored_exam_id = a.proctored_exam_id"
        " AND b.user_id = a.user_id AND b.id > a.id)"
    )

    def read(*, from_end: bool, skip: int) -> list[tuple]:
        # The list runs newest first: its end is the oldest attempts.
        if users is None:
            return exam_windows.merged_per_exam(
                table=ProctoredExamStudentAttempt._meta.db_table,
                columns=["id", "user_id", "proctored_exam_id"],
                exam_ids=exam_ids,
                order=["id"],
                descending=not from_end,
                limit=size,
                offset=skip,
                condition=newest,
            )
        user_sql, user_params = users.sql()
        exams = ", ".join(["%s"] * len(exam_ids))
        sql = (
            f"SELECT a.id, a.user_id, a.proctored_exam_id FROM {table} a WHERE a.proctored_exam_id IN ({exams})"
            f"{user_sql} AND {newest} ORDER BY a.id {'ASC' if from_end else 'DESC'} LIMIT %s OFFSET %s"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [*exam_ids, *user_params, size, skip])
            return list(cursor.fetchall())

    if not exam_ids:
        return []
    return exam_windows.window_at_nearer_end(count=count, offset=offset, size=size, read=read)


def grouped_attempts_page(
    *,
    course_id: str,
    search_by: str | None = None,
    page=None,
    per_page: int = PAGE_SIZE,
    clock_filter: str | None = None,
):
    """One page of the course's newest attempt per (learner, exam), newest first, each with `all_attempts`.

    Each attempt also says whether staff paused it and how many minutes staff added (`paused`,
    `extension_minutes`), and whether its vendor review is overdue (`review_overdue`); `clock_filter`
    ("paused" or "extended", see CLOCK_FILTERS) keeps only the groups whose newest attempt is so.

    Three queries whatever the course size: the number of groups per exam (kept up to date in
    ProctoredExamLearnerCount), the page's newest attempts, and every attempt of the page's groups (which
    includes the newest ones). A search reads the matched users first (cached for a while), then, when they
    are few, the exam ids and every matched group in one query instead of the first two; a clock filter reads
    the matching newest attempts from the time states in one query instead of the first two. "Newest" and the
    list order follow the attempt id, which grows with creation time. Pages past the middle are read from the
    oldest end and reversed, so the first and the last page cost the same; only middle pages read further.
    """
    users = _MatchedUsers(search_by=search_by) if search_by else None
    matched = None
    if clock_filter:
        matched = _clock_matched_newest(course_id=course_id, users=users, clock_filter=clock_filter)
    elif users is not None and users.ids is not None:
        matched = _matched_newest(course_id=course_id, user_ids=users.ids)
    if matched is not None:
        count = len(matched)

        def read_keys(*, offset: int, size: int) -> list[tuple[int, int, int]]:
            return matched[offset : offset + size]

    else:
        counts = _group_counts(course_id=course_id, users=users)
        count = sum(groups for _exam_id, groups in counts)

        def read_keys(*, offset: int, size: int) -> list[tuple[int, int, int]]:
            exam_ids = [exam_id for exam_id, groups in counts if groups]
            return _page_keys(exam_ids=exam_ids, users=users, count=count, offset=offset, size=size)

    pages = total_pages(count, per_page=per_page)
    number = page_number(page, total_pages=pages)
    offset = (number - 1) * per_page
    keys = read_keys(offset=offset, size=max(min(per_page, count - offset), 0))
    history: dict[tuple[int, int], list] = defaultdict(list)
    rows_by_id: dict[int, dict] = {}
    if keys:
        pairs = Q()
        for _attempt_id, user_id, exam_id in keys:
            pairs |= Q(user_id=user_id, proctored_exam_id=exam_id)
        attempts = list(
            ProctoredExamStudentAttempt.objects.filter(pairs)
            .select_related("proctored_exam", "user", "time_state")
            # Read in the same query: staff see at a glance whose vendor review is late.
            .annotate(
                review_overdue=Exists(
                    ProctoredExamOverdueReview.objects.filter(attempt_id=OuterRef("id"), resolved_at__isnull=True)
                )
            )
            .order_by("-created", "-id")
        )
        # The page's dicts in one pass over the rows already read (no query per row).
        for attempt, data in zip(attempts, attempt_records(attempts=attempts), strict=True):
            _add_clock(data, attempt)
            data["review_overdue"] = attempt.review_overdue
            history[(attempt.user_id, attempt.proctored_exam_id)].append(data)
            rows_by_id[attempt.id] = data
    results = [
        {**rows_by_id[attempt_id], "all_attempts": history[(user_id, exam_id)]}
        for attempt_id, user_id, exam_id in keys
        if attempt_id in rows_by_id
    ]
    pagination = {
        "has_previous": number > 1,
        "has_next": number < pages,
        "current_page": number,
        "total_pages": pages,
    }
    return results, pagination


def _add_clock(data: dict, attempt: ProctoredExamStudentAttempt) -> None:
    state = getattr(attempt, "time_state", None)
    data["paused"] = bool(state and state.paused_since is not None and state.paused_kind == PAUSE_KIND_STAFF)
    data["extension_minutes"] = state.extension_minutes if state else 0


def course_allowances(course_id: str) -> list[dict]:
    """Every allowance on the course's exams, serialized (two queries; see selectors/allowance_list)."""
    return allowance_list.course_allowances(course_id=course_id)


def course_allowances_by_username(course_id: str) -> dict[str, list[dict]]:
    grouped: dict[str, list[dict]] = {}
    for allowance in course_allowances(course_id):
        grouped.setdefault(allowance["user"]["username"], []).append(allowance)
    return grouped
