"""The onboarding panel's roster snapshot: when the host's enrollments are a queryset (as edx-platform's are),
the learners' ids are read once in the host's order and kept in the cache for STAFF_LIST_SNAPSHOT_SECONDS, and a
page reads only its own learners' enrollments."""

import random
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.db.models import CharField, Q, Value
from django.urls import reverse

from edx_proctoring import config, runtime
from edx_proctoring.models import LtiUserSubject
from edx_proctoring.selectors import roster_snapshot
from edx_proctoring.tests.factories import COURSE_ID, AttemptFactory, PracticeExamFactory, UserFactory
from edx_proctoring.tests.rest.conftest import client_for

pytestmark = pytest.mark.django_db

URL = reverse("edx_proctoring:user_onboarding.status.course", args=[COURSE_ID])
NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


class QuerySetEnrollmentsService:
    """The host's enrollments as edx-platform returns them: a queryset with the users, ordered by username.

    Each learner's LTI subject row stands in for their enrollment: a table with a user foreign key that a test
    can add a row to (enroll) or delete one from (unenroll).
    """

    def get_enrollments_can_take_proctored_exams(self, course_id, text_search=None):
        enrollments = LtiUserSubject.objects.select_related("user").annotate(
            mode=Value("verified", output_field=CharField())
        )
        if text_search:
            enrollments = enrollments.filter(
                Q(user__username__icontains=text_search) | Q(user__email__icontains=text_search)
            )
        return enrollments.order_by("user__username")


@pytest.fixture(autouse=True)
def _fresh_cache():
    """The local-memory cache lives as long as the process: no snapshot comes from another test."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def queryset_host(services):
    runtime.set_runtime_service("enrollments", QuerySetEnrollmentsService())


@pytest.fixture
def onboarding_exam(db):
    return PracticeExamFactory()


@pytest.fixture
def staff_client(course_staff):
    return client_for(course_staff)


def _enroll(*usernames):
    return [LtiUserSubject.objects.create(user=UserFactory(username=name)).user for name in usernames]


def _usernames(response):
    return [row["username"] for row in response.json()["results"]]


def _snapshot_setting(settings, seconds):
    settings.PROCTORING_SETTINGS = {**(getattr(settings, "PROCTORING_SETTINGS", None) or {}), **seconds}


# --- what staff see ----------------------------------------------------------------------------------------


def test_given_a_snapshot_when_a_learner_enrolls_then_they_appear_once_it_expires(
    queryset_host, onboarding_exam, staff_client
):
    _enroll("amy", "cid")
    with time_machine.travel(NOW, tick=False) as traveller:
        assert _usernames(staff_client.get(URL)) == ["amy", "cid"]

        _enroll("bea")
        traveller.shift(timedelta(seconds=config.DEFAULT_STAFF_LIST_SNAPSHOT_SECONDS - 1))
        still = staff_client.get(URL).json()
        traveller.shift(timedelta(seconds=2))
        later = staff_client.get(URL).json()

    assert (still["count"], [row["username"] for row in still["results"]]) == (2, ["amy", "cid"])
    assert (later["count"], [row["username"] for row in later["results"]]) == (3, ["amy", "bea", "cid"])


def test_given_a_snapshot_when_a_learner_unenrolls_then_they_drop_out_of_the_page(
    queryset_host, onboarding_exam, staff_client
):
    _amy, bea, _cid = _enroll("amy", "bea", "cid")
    staff_client.get(URL)

    LtiUserSubject.objects.filter(user=bea).delete()
    data = staff_client.get(URL).json()

    assert [row["username"] for row in data["results"]] == ["amy", "cid"]
    assert data["count"] == 3  # the snapshot's length, until it expires


def test_given_a_snapshot_when_staff_page_through_it_then_each_page_has_its_learners_with_their_status(
    queryset_host, onboarding_exam, staff_client
):
    learners = _enroll(*(f"learner{index:02d}" for index in range(30)))
    AttemptFactory(proctored_exam=onboarding_exam, user=learners[26], status="verified")

    first = staff_client.get(URL).json()
    second = staff_client.get(URL, {"page": 2}).json()

    assert (first["count"], first["num_pages"], len(first["results"])) == (30, 2, 25)
    assert [row["username"] for row in second["results"]] == [f"learner{index:02d}" for index in range(25, 30)]
    assert [row["status"] for row in second["results"]] == ["not_started", "verified"] + ["not_started"] * 3
    assert second["results"][0] == {
        "username": "learner25",
        "enrollment_mode": "verified",
        "status": "not_started",
        "modified": None,
    }


def test_given_a_snapshot_when_staff_search_then_the_search_has_its_own_snapshot(
    queryset_host, onboarding_exam, staff_client
):
    _enroll("amy", "bob")
    assert _usernames(staff_client.get(URL)) == ["amy", "bob"]
    assert _usernames(staff_client.get(URL, {"text_search": "amy"})) == ["amy"]

    _enroll("bobby")
    searched = staff_client.get(URL, {"text_search": "bob"}).json()

    assert (searched["count"], [row["username"] for row in searched["results"]]) == (2, ["bob", "bobby"])
    assert _usernames(staff_client.get(URL)) == ["amy", "bob"]
    assert _usernames(staff_client.get(URL, {"text_search": "amy"})) == ["amy"]


def test_given_snapshots_turned_off_when_a_learner_enrolls_then_the_next_page_shows_them(
    queryset_host, onboarding_exam, staff_client, settings
):
    _snapshot_setting(settings, {"STAFF_LIST_SNAPSHOT_SECONDS": 0})
    _enroll("amy")
    staff_client.get(URL)

    _enroll("bea")
    data = staff_client.get(URL).json()

    assert (data["count"], [row["username"] for row in data["results"]]) == (2, ["amy", "bea"])
    assert cache.get(_onboarding_key()) is None


def test_given_a_shorter_snapshot_setting_when_it_passes_then_a_new_learner_shows(
    queryset_host, onboarding_exam, staff_client, settings
):
    _snapshot_setting(settings, {"STAFF_LIST_SNAPSHOT_SECONDS": 5})
    _enroll("amy")
    with time_machine.travel(NOW, tick=False) as traveller:
        staff_client.get(URL)
        _enroll("bea")
        traveller.shift(timedelta(seconds=6))
        data = staff_client.get(URL).json()

    assert data["count"] == 2


def test_given_a_host_that_returns_a_list_when_a_learner_enrolls_then_the_next_page_shows_them(
    services, onboarding_exam, staff_client
):
    UserFactory(username="amy")
    staff_client.get(URL)

    UserFactory(username="bea")
    data = staff_client.get(URL).json()

    assert "amy" in _usernames_of(data) and "bea" in _usernames_of(data)
    assert cache.get(_onboarding_key()) is None


def test_given_a_status_filter_when_a_learner_enrolls_then_the_filtered_list_shows_them_at_once(
    queryset_host, onboarding_exam, staff_client
):
    (amy,) = _enroll("amy")
    AttemptFactory(proctored_exam=onboarding_exam, user=amy, status="verified")
    staff_client.get(URL, {"statuses": "verified"})

    (bea,) = _enroll("bea")
    AttemptFactory(proctored_exam=onboarding_exam, user=bea, status="verified")
    data = staff_client.get(URL, {"statuses": "verified"}).json()

    assert _usernames_of(data) == ["amy", "bea"]


def test_given_a_failing_cache_when_the_panel_is_read_then_it_is_served_from_the_database(
    queryset_host, onboarding_exam, staff_client, monkeypatch
):
    _enroll("amy", "bea")

    class DownCache:
        def get(self, *args, **kwargs):
            raise ConnectionError("memcached is down")

        set = get

    monkeypatch.setattr(roster_snapshot, "cache", DownCache())
    data = staff_client.get(URL).json()

    assert (data["count"], _usernames_of(data)) == (2, ["amy", "bea"])


def _usernames_of(data):
    return [row["username"] for row in data["results"]]


def _onboarding_key(text_search=None):
    return roster_snapshot.snapshot_key(list_name="onboarding", course_id=COURSE_ID, text_search=text_search)


# --- what a page costs -------------------------------------------------------------------------------------


@pytest.mark.parametrize("learners", [3, 60])
def test_given_any_number_of_learners_when_a_page_is_read_then_its_queries_are_fixed(
    queryset_host, onboarding_exam, staff_client, learners, django_assert_num_queries
):
    enrolled = _enroll(*(f"learner{index:03d}" for index in range(learners)))
    for learner in enrolled[::2]:
        AttemptFactory(proctored_exam=onboarding_exam, user=learner, status="submitted")
    staff_client.get(URL)  # warms waffle's switch cache (in the same cache)
    cache.delete(_onboarding_key())

    # session, user, onboarding exams, the learners' ordered ids (the snapshot), the page's enrollments, the
    # page's attempts, the page's verifications elsewhere
    with django_assert_num_queries(7):
        cold = staff_client.get(URL)
    # the same, less the ids: the count and the page's learners come from the snapshot
    with django_assert_num_queries(6):
        warm = staff_client.get(URL)
    with django_assert_num_queries(6):
        last = staff_client.get(URL, {"page": 3 if learners > 50 else 1})

    assert cold.json() == warm.json()
    assert cold.json()["count"] == learners
    assert _usernames(last)[-1] == f"learner{learners - 1:03d}"


def test_given_snapshots_turned_off_when_a_page_is_read_then_the_host_counts_and_slices(
    queryset_host, onboarding_exam, staff_client, settings, django_assert_num_queries
):
    _snapshot_setting(settings, {"STAFF_LIST_SNAPSHOT_SECONDS": 0})
    _enroll(*(f"learner{index:02d}" for index in range(30)))
    staff_client.get(URL)

    # session, user, onboarding exams, the host's count, the host's page, the page's attempts, verifications
    with django_assert_num_queries(7):
        staff_client.get(URL)
    with django_assert_num_queries(7):
        staff_client.get(URL)


# --- the snapshot itself ------------------------------------------------------------------------------------


@pytest.mark.parametrize("highest_id", [300_000, 2**32 - 1])
def test_given_200k_learners_when_their_ids_are_kept_then_they_fit_a_memcached_item(highest_id):
    ids = random.Random(7).sample(range(1, highest_id), 200_000)

    payload = roster_snapshot.encode_ids(ids)

    assert len(payload) < 850_000 < roster_snapshot.MAX_STORED_BYTES < 1024 * 1024
    assert list(roster_snapshot.decode_ids(payload)) == ids


def test_given_ids_beyond_32_bits_when_kept_then_they_read_back_the_same():
    ids = [2**40 + 3, 5, 2**63 + 1, 0]

    assert list(roster_snapshot.decode_ids(roster_snapshot.encode_ids(ids))) == ids
    assert list(roster_snapshot.decode_ids(roster_snapshot.encode_ids([]))) == []


def test_given_any_course_and_search_when_keyed_then_the_key_is_safe_for_memcached():
    keys = {
        roster_snapshot.snapshot_key(list_name="onboarding", course_id=course_id, text_search=text)
        for course_id in (COURSE_ID, "course-v1:" + "x" * 400)
        for text in (None, "", "bob", "jean claude\n\t", "é" * 300)
    }

    assert len(keys) == 8  # None and "" are the same search; every other pair has its own key
    assert all(len(key) < 250 and key.isascii() and key.isprintable() and " " not in key for key in keys)


def test_given_no_setting_when_read_then_snapshots_last_two_minutes(settings):
    settings.PROCTORING_SETTINGS = {}

    assert config.staff_list_snapshot_seconds() == 120


@pytest.mark.parametrize("value", [-1, "60", 1.5, True, None])
def test_given_a_bad_setting_when_read_then_it_is_refused(settings, value):
    _snapshot_setting(settings, {"STAFF_LIST_SNAPSHOT_SECONDS": value})

    with pytest.raises(ImproperlyConfigured):
        config.staff_list_snapshot_seconds()
