"""GET …/proctored_exam/<course>/allowance: every allowance of the course, or a page of them."""

import pytest
from django.urls import reverse

from edx_proctoring.models import ProctoredExamStudentAllowance
from edx_proctoring.selectors.allowance_list import course_allowances, course_allowances_page
from edx_proctoring.serializers import ProctoredExamStudentAllowanceSerializer
from edx_proctoring.tests.factories import COURSE_ID, AllowanceFactory, ProctoredExamFactory, UserFactory
from edx_proctoring.tests.rest.conftest import OTHER_COURSE_ID, client_for

pytestmark = pytest.mark.django_db

URL = reverse("edx_proctoring:proctored_exam.allowance", args=[COURSE_ID])


def _seed_course(*, learners: int) -> None:
    """`learners` learners (named out of id order) with two allowances each on the course's two exams."""
    final, midterm = ProctoredExamFactory(exam_name="Final"), ProctoredExamFactory(exam_name="Midterm")
    for index in range(learners):
        user = UserFactory(username=f"learner-{(index * 7) % learners:03d}")
        AllowanceFactory(user=user, proctored_exam=final, key="additional_time_granted", value=str(index))
        AllowanceFactory(user=user, proctored_exam=midterm, key="review_policy_exception", value="notes")


def test_the_whole_list_is_what_the_allowance_serializer_answers(services, course_staff):
    # Given allowances on two exams of the course, and one on another course's exam
    _seed_course(learners=3)
    AllowanceFactory(proctored_exam=ProctoredExamFactory(course_id=OTHER_COURSE_ID))
    expected = ProctoredExamStudentAllowanceSerializer(
        ProctoredExamStudentAllowance.objects.filter(proctored_exam__course_id=COURSE_ID).order_by("id"), many=True
    ).data

    # When course staff ask for the course's allowances without paging
    response = client_for(course_staff).get(URL)

    # Then every allowance of the course comes back as a list, field for field as the serializer says
    assert response.status_code == 200
    assert response.json() == [dict(item) for item in expected]
    assert len(response.json()) == 6


def test_a_page_keeps_each_learners_allowances_together(services, course_staff):
    # Given 12 learners, named out of id order, with two allowances each
    _seed_course(learners=12)
    client = client_for(course_staff)
    learner_ids = sorted(set(ProctoredExamStudentAllowance.objects.values_list("user_id", flat=True)))

    # When staff read the allowances 10 at a time
    first = client.get(URL, {"page": 1, "page_size": 10}).json()
    last = client.get(URL, {"page": 3, "page_size": 10}).json()

    # Then the pages are ordered by learner id (not by name) and say how many there are
    assert (first["count"], first["num_pages"], first["current_page"], first["page_size"]) == (24, 3, 1, 10)
    assert [row["user"]["id"] for row in first["results"]] == [uid for uid in learner_ids[:5] for _ in "ab"]
    assert [row["user"]["id"] for row in last["results"]] == [uid for uid in learner_ids[10:] for _ in "ab"]
    # And each learner's two allowances come exam by exam
    assert [row["proctored_exam"]["exam_name"] for row in first["results"][:2]] == ["Final", "Midterm"]
    pages = [client.get(URL, {"page": number, "page_size": 10}).json()["results"] for number in (1, 2, 3)]
    every = [row["id"] for page in pages for row in page]
    assert sorted(every) == sorted(ProctoredExamStudentAllowance.objects.values_list("id", flat=True))


def _seed_learners_across_exams() -> None:
    """Nine learners, named out of id order, each with one to three allowance types on two or three of three
    exams (45 allowances, three to six a learner, created out of learner order), and one allowance on another
    course's exam."""
    exams = [ProctoredExamFactory(exam_name=name) for name in ("Final", "Midterm", "Quiz")]
    keys = ("review_policy_exception", "additional_time_granted", "break_minutes")
    learners = [UserFactory(username=f"learner-{(index * 4) % 9}") for index in range(9)]
    for turn in range(3):
        for index, user in reversed(list(enumerate(learners))):
            for exam_index, exam in enumerate(exams):
                # Learner `index` holds types 0..(index + exam_index) % 3 on each exam, but none on exam
                # `index % 3` when `index` is even.
                if turn <= (index + exam_index) % 3 and not (index % 2 == 0 and exam_index == index % 3):
                    AllowanceFactory(user=user, proctored_exam=exam, key=keys[turn], value=str(turn))
    AllowanceFactory(user=learners[0], proctored_exam=ProctoredExamFactory(course_id=OTHER_COURSE_ID))


@pytest.mark.parametrize("page_size", [1, 2, 3, 25])
def test_pages_read_forwards_or_backwards_are_the_whole_list_in_learner_order(page_size, django_assert_num_queries):
    # Given learners whose allowances span several exams of the course
    _seed_learners_across_exams()
    whole = course_allowances(course_id=COURSE_ID)
    expected = sorted(whole, key=lambda row: (row["user"]["id"], row["proctored_exam"]["id"], row["key"], row["id"]))
    assert len(expected) == 45 and len({row["proctored_exam"]["id"] for row in expected}) == 3
    pages = -(-len(expected) // page_size)

    def read(page) -> dict:
        # Then every page costs the same four queries: the count, the exams, the page's ids, its rows
        with django_assert_num_queries(4):
            return course_allowances_page(course_id=COURSE_ID, page=page, page_size=page_size)

    # When staff read every page from the first on, and from the last back
    forwards = [read(number) for number in range(1, pages + 1)]
    backwards = [read(number) for number in range(pages, 0, -1)]

    # Then the pages, in order, are exactly the whole list sorted by (learner id, exam, type, id)
    assert [row for page in forwards for row in page["results"]] == expected
    assert [row for page in reversed(backwards) for row in page["results"]] == expected
    assert [page["current_page"] for page in forwards] == list(range(1, pages + 1))
    assert {(page["count"], page["num_pages"], page["page_size"]) for page in forwards} == {(45, pages, page_size)}
    # And a page past the end is the last page
    assert read(pages + 1) == forwards[-1]


def test_page_numbers_are_read_as_the_other_staff_lists_read_them(services, course_staff):
    # Given 30 allowances (the default page is 25)
    _seed_course(learners=15)
    client = client_for(course_staff)

    # When staff ask for a page past the end, a malformed page, or a page size alone
    past_end = client.get(URL, {"page": 99}).json()
    malformed = client.get(URL, {"page": "x"}).json()
    size_only = client.get(URL, {"page_size": 7}).json()

    # Then they get the last page, the first page, and the first page of that size
    assert (past_end["current_page"], len(past_end["results"])) == (2, 5)
    assert (malformed["current_page"], len(malformed["results"])) == (1, 25)
    assert (size_only["current_page"], size_only["num_pages"], len(size_only["results"])) == (1, 5, 7)


@pytest.mark.parametrize("page_size", ["0", "-3", "201", "ten"])
def test_a_page_size_out_of_range_is_refused(services, course_staff, page_size):
    response = client_for(course_staff).get(URL, {"page_size": page_size})
    assert response.status_code == 400
    assert "page_size" in response.json()["detail"]


def test_an_empty_course_answers_an_empty_list_or_one_empty_page(services, course_staff):
    client = client_for(course_staff)
    assert client.get(URL).json() == []
    assert client.get(URL, {"page": 1}).json() == {
        "count": 0,
        "num_pages": 1,
        "current_page": 1,
        "page_size": 25,
        "results": [],
    }


def test_learners_are_refused_the_list_and_its_pages(services, learner):
    client = client_for(learner)
    assert client.get(URL).status_code == 403
    assert client.get(URL, {"page": 1}).status_code == 403


@pytest.mark.parametrize("learners", [1, 40])
def test_the_list_and_a_page_cost_the_same_queries_whatever_the_number_of_allowances(
    services, global_staff, learners, django_assert_num_queries
):
    # Given 2 or 80 allowances
    _seed_course(learners=learners)
    client = client_for(global_staff)

    # Then the whole list costs the session and user reads, the exams and the allowances
    with django_assert_num_queries(4):
        assert len(client.get(URL).json()) == 2 * learners
    # And the first or the last page costs the session and user reads, the count, the exams, the page's ids
    # and the page's rows
    for page in (1, 999):
        with django_assert_num_queries(6):
            assert client.get(URL, {"page": page, "page_size": 25}).json()["count"] == 2 * learners
