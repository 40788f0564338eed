"""The Special Exams list searched by learner: the same groups, pages and counts as reading every attempt.

The search path matches users once for the whole course instead of once per exam; these tests pin that it
answers exactly what a plain reading of the attempts answers, alone and with a clock filter.
"""

import pytest
from django.core.cache import cache

from edx_proctoring.models import ProctoredExamAttemptTimeState, ProctoredExamStudentAttempt
from edx_proctoring.selectors import staff_lists
from edx_proctoring.selectors.staff_lists import grouped_attempts_page
from edx_proctoring.tests.factories import AttemptFactory, ProctoredExamFactory, UserFactory

pytestmark = pytest.mark.django_db

OTHER_COURSE_ID = "course-v1:edX+Other+2026"


def _expected_newest_ids(*, search: str, extended_only: bool = False) -> list[int]:
    """Newest attempt per (learner, exam) of the course among matching learners, newest first."""
    newest: dict[tuple[int, int], ProctoredExamStudentAttempt] = {}
    attempts = ProctoredExamStudentAttempt.objects.filter(proctored_exam__course_id=ProctoredExamFactory.course_id)
    for attempt in attempts.select_related("user").order_by("id"):
        if search in attempt.user.username or search in attempt.user.email:
            newest[(attempt.user_id, attempt.proctored_exam_id)] = attempt
    ids = sorted((attempt.id for attempt in newest.values()), reverse=True)
    if extended_only:
        extended = set(
            ProctoredExamAttemptTimeState.objects.exclude(extension_minutes=0).values_list("attempt_id", flat=True)
        )
        ids = [attempt_id for attempt_id in ids if attempt_id in extended]
    return ids


@pytest.fixture
def course():
    """Two exams, 14 learners with one to three attempts on each; one learner also in another course."""
    exams = [ProctoredExamFactory(), ProctoredExamFactory()]
    elsewhere = ProctoredExamFactory(course_id=OTHER_COURSE_ID)
    for index in range(14):
        user = UserFactory(username=f"pupil{index}", email=f"p{index}@school{index % 3}.example.org")
        for exam in exams:
            for repeat in range(1 + (index + exam.id) % 3):
                AttemptFactory(user=user, proctored_exam=exam, status="submitted" if repeat == 0 else "error")
        if index == 1:
            AttemptFactory(user=user, proctored_exam=elsewhere)
    return exams


def _all_pages(*, search: str, per_page: int, clock_filter: str | None = None) -> tuple[list[dict], list]:
    first, pagination = grouped_attempts_page(
        course_id=ProctoredExamFactory.course_id, search_by=search, per_page=per_page, clock_filter=clock_filter
    )
    rows, infos = list(first), [pagination]
    for number in range(2, pagination["total_pages"] + 1):
        page, info = grouped_attempts_page(
            course_id=ProctoredExamFactory.course_id,
            search_by=search,
            page=number,
            per_page=per_page,
            clock_filter=clock_filter,
        )
        rows += page
        infos.append(info)
    return rows, infos


@pytest.fixture(params=["ids", "sub-select"])
def match_limit(request, monkeypatch):
    """Narrow searches pass the matched ids on; broader ones (here: more than two users) a sub-select."""
    if request.param == "sub-select":
        monkeypatch.setattr(staff_lists, "SEARCH_IDS_LIMIT", 2)
    return request.param


@pytest.mark.parametrize("search", ["pupil1", "school2", "pupil", "nobody"])
def test_a_search_pages_through_exactly_the_matching_learners_newest_attempts(course, match_limit, search):
    # Given learners whose usernames or emails match the text, each with several attempts per exam
    expected = _expected_newest_ids(search=search)

    # When staff page through the search three groups at a time
    rows, infos = _all_pages(search=search, per_page=3)

    # Then every matching group appears once, newest first, with all its attempts, and the pages add up
    assert [row["id"] for row in rows] == expected
    for row in rows:
        assert row["all_attempts"][0]["id"] == row["id"]
        assert {attempt["user"]["id"] for attempt in row["all_attempts"]} == {row["user"]["id"]}
    assert infos[0]["total_pages"] == max(1, -(-len(expected) // 3))


def test_a_page_past_the_end_of_a_search_is_its_last_page(course, match_limit):
    # Given a search matching more than one page
    expected = _expected_newest_ids(search="pupil1")

    # When staff ask for a page far past the end
    rows, pagination = grouped_attempts_page(
        course_id=ProctoredExamFactory.course_id, search_by="pupil1", page=99, per_page=4
    )

    # Then they get the last page, read from the oldest end
    last_size = len(expected) % 4 or 4
    assert [row["id"] for row in rows] == expected[-last_size:]
    assert pagination["current_page"] == pagination["total_pages"] and not pagination["has_next"]


def test_a_search_with_a_clock_filter_keeps_only_groups_whose_newest_attempt_matches(course, match_limit):
    # Given some newest attempts extended by staff, and one learner whose extension is on an older attempt
    newest = _expected_newest_ids(search="pupil")
    for attempt_id in newest[::4]:
        ProctoredExamAttemptTimeState.objects.create(attempt_id=attempt_id, extension_minutes=10)
    older = ProctoredExamStudentAttempt.objects.exclude(id__in=newest).order_by("id").first()
    ProctoredExamAttemptTimeState.objects.create(attempt=older, extension_minutes=10)

    # When staff search and keep only extended attempts
    rows, infos = _all_pages(search="pupil", per_page=2, clock_filter="extended")

    # Then the older extended attempt's group is not listed, and the count matches the rows
    assert [row["id"] for row in rows] == _expected_newest_ids(search="pupil", extended_only=True)
    assert older.id not in [row["id"] for row in rows]
    assert infos[0]["total_pages"] == -(-len(rows) // 2)


@pytest.mark.parametrize("search", ["pupil", "pupil13"])
def test_a_search_costs_a_fixed_number_of_queries_however_many_learners_match(
    course, match_limit, search, django_assert_num_queries
):
    # Given a broad and a narrow search (a few learners' ids, or more than the limit: a sub-select)
    # When a page is read the first time, Then the matched users and then, for a narrow search, the exam
    # ids, every matched group in one query and the page's attempts; for a broad one the counts, the page
    # and its groups' attempts
    with django_assert_num_queries(4):
        first, _pagination = grouped_attempts_page(course_id=ProctoredExamFactory.course_id, search_by=search)

    # And when it is read again (the next page, a reload), the matched users come from the cache
    with django_assert_num_queries(3):
        again, _pagination = grouped_attempts_page(course_id=ProctoredExamFactory.course_id, search_by=search)
    assert [row["id"] for row in again] == [row["id"] for row in first]


def test_a_cached_search_finds_a_learner_who_registers_once_the_snapshot_expires(course, settings):
    # Given a search whose matches are cached
    settings.PROCTORING_SETTINGS = {**settings.PROCTORING_SETTINGS, "STAFF_LIST_SNAPSHOT_SECONDS": 60}
    grouped_attempts_page(course_id=ProctoredExamFactory.course_id, search_by="newcomer")

    # When a matching learner starts an exam meanwhile
    AttemptFactory(user=UserFactory(username="newcomer"), proctored_exam=course[0])

    # Then the list shows them once the cached matches expire (here: are evicted), and at once when caching is off
    rows, _pagination = grouped_attempts_page(course_id=ProctoredExamFactory.course_id, search_by="newcomer")
    assert rows == []
    cache.clear()
    rows, _pagination = grouped_attempts_page(course_id=ProctoredExamFactory.course_id, search_by="newcomer")
    assert [row["user"]["username"] for row in rows] == ["newcomer"]
    AttemptFactory(user=UserFactory(username="newcomer2"), proctored_exam=course[0])
    settings.PROCTORING_SETTINGS = {**settings.PROCTORING_SETTINGS, "STAFF_LIST_SNAPSHOT_SECONDS": 0}
    rows, _pagination = grouped_attempts_page(course_id=ProctoredExamFactory.course_id, search_by="newcomer")
    assert [row["user"]["username"] for row in rows] == ["newcomer2", "newcomer"]


def test_a_search_is_answered_when_the_cache_fails(course, monkeypatch):
    # Given a cache backend that fails on every call
    def broken(*args, **kwargs):
        raise ConnectionError("memcached is down")

    monkeypatch.setattr(cache, "get", broken)
    monkeypatch.setattr(cache, "set", broken)

    # When staff search, Then the matches are read from the database and the page is served
    rows, _pagination = grouped_attempts_page(course_id=ProctoredExamFactory.course_id, search_by="pupil1", per_page=50)
    assert [row["id"] for row in rows] == _expected_newest_ids(search="pupil1")
