"""Review policies: creating, updating, removing and reading them, their history, and the vendor sync."""

import pytest

from edx_proctoring.exceptions import (
    ProctoredExamNotFoundException,
    ProctoredExamReviewPolicyAlreadyExists,
    ProctoredExamReviewPolicyNotFoundException,
    UserNotFoundException,
)
from edx_proctoring.models import ProctoredExamReviewPolicy, ProctoredExamReviewPolicyHistory
from edx_proctoring.review_policies import (
    _get_review_policy_by_exam_id,
    create_exam_review_policy,
    get_review_policy_by_exam_id,
    remove_review_policy,
    update_review_policy,
)
from edx_proctoring.tests.factories import ProctoredExamFactory, ReviewPolicyFactory, TimedExamFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def exam():
    return ProctoredExamFactory(external_id="vendor-exam-1")


@pytest.fixture
def staff():
    return UserFactory(username="staff", email="staff@example.org", is_staff=True)


def _policies():
    return list(ProctoredExamReviewPolicy.objects.values_list("proctored_exam_id", "set_by_user_id", "review_policy"))


def _history():
    return list(
        ProctoredExamReviewPolicyHistory.objects.order_by("id").values_list(
            "original_id", "proctored_exam_id", "set_by_user_id", "review_policy"
        )
    )


# create_exam_review_policy


def test_given_exam_without_policy_when_creating_then_it_is_stored_without_history_and_its_id_returned(exam, staff):
    policy_id = create_exam_review_policy(exam.id, staff.id, "Notes allowed")

    policy = ProctoredExamReviewPolicy.objects.get()
    assert policy_id == policy.id
    assert _policies() == [(exam.id, staff.id, "Notes allowed")]
    assert _history() == []


def test_given_proctored_exam_when_creating_a_policy_then_the_vendor_receives_it_as_rule_summary(
    exam, staff, test_backend
):
    create_exam_review_policy(exam.id, staff.id, "Notes allowed")

    assert test_backend.last_exam["id"] == exam.id
    assert test_backend.last_exam["rule_summary"] == "Notes allowed"
    assert test_backend.last_exam["external_id"] == "vendor-exam-1"


def test_given_timed_exam_when_creating_a_policy_then_no_vendor_is_contacted(staff, test_backend):
    timed = TimedExamFactory()

    create_exam_review_policy(timed.id, staff.id, "Notes allowed")

    assert test_backend.last_exam is None
    assert _policies() == [(timed.id, staff.id, "Notes allowed")]


def test_given_exam_with_a_policy_when_creating_another_then_already_exists_and_nothing_changes(exam, staff):
    create_exam_review_policy(exam.id, staff.id, "Notes allowed")

    with pytest.raises(ProctoredExamReviewPolicyAlreadyExists):
        create_exam_review_policy(exam.id, staff.id, "No notes")

    assert _policies() == [(exam.id, staff.id, "Notes allowed")]
    assert _history() == []


@pytest.mark.parametrize("exam_id", [424242, "not-an-id"])
def test_given_unknown_exam_when_creating_a_policy_then_exam_not_found_and_nothing_is_written(staff, exam_id):
    with pytest.raises(ProctoredExamNotFoundException):
        create_exam_review_policy(exam_id, staff.id, "Notes allowed")

    assert _policies() == []


@pytest.mark.parametrize("set_by_user_id", [987654, "not-an-id", None])
def test_given_unknown_author_when_creating_a_policy_then_user_not_found_and_nothing_is_written(
    exam, test_backend, set_by_user_id
):
    with pytest.raises(UserNotFoundException):
        create_exam_review_policy(exam.id, set_by_user_id, "Notes allowed")

    assert _policies() == []
    assert test_backend.last_exam is None


def test_given_exam_with_unknown_backend_when_creating_a_policy_then_the_error_rolls_the_policy_back(staff):
    misconfigured = ProctoredExamFactory(backend="no-such-backend")

    with pytest.raises(NotImplementedError):
        create_exam_review_policy(misconfigured.id, staff.id, "Notes allowed")

    assert _policies() == []


# update_review_policy


def test_given_a_policy_when_updating_its_text_then_author_and_text_change_and_old_version_is_archived(
    exam, staff, test_backend
):
    author = UserFactory()
    policy = ReviewPolicyFactory(proctored_exam=exam, set_by_user=author, review_policy="Notes allowed")

    result = update_review_policy(exam.id, staff.id, "Calculator allowed")

    assert result is None
    assert _policies() == [(exam.id, staff.id, "Calculator allowed")]
    assert _history() == [(policy.id, exam.id, author.id, "Notes allowed")]
    assert test_backend.last_exam["rule_summary"] == "Calculator allowed"


@pytest.mark.parametrize("empty_text", ["", None])
def test_given_a_policy_when_updating_with_empty_text_then_it_is_deleted_archived_and_vendor_gets_no_rules(
    exam, staff, test_backend, empty_text
):
    author = UserFactory()
    policy = ReviewPolicyFactory(proctored_exam=exam, set_by_user=author, review_policy="Notes allowed")

    result = update_review_policy(exam.id, staff.id, empty_text)

    assert result is None
    assert _policies() == []
    assert _history() == [(policy.id, exam.id, author.id, "Notes allowed")]
    assert test_backend.last_exam["id"] == exam.id
    assert "rule_summary" not in test_backend.last_exam


def test_given_exam_without_policy_when_updating_then_not_found_and_nothing_is_written(exam, staff):
    with pytest.raises(ProctoredExamReviewPolicyNotFoundException):
        update_review_policy(exam.id, staff.id, "Notes allowed")

    assert _policies() == []
    assert _history() == []


def test_given_a_policy_when_updating_with_an_unknown_author_then_user_not_found_and_nothing_changes(exam):
    author = UserFactory()
    ReviewPolicyFactory(proctored_exam=exam, set_by_user=author, review_policy="Notes allowed")

    with pytest.raises(UserNotFoundException):
        update_review_policy(exam.id, 987654, "Calculator allowed")

    assert _policies() == [(exam.id, author.id, "Notes allowed")]
    assert _history() == []


def test_given_a_policy_updated_twice_when_reading_history_then_each_previous_version_is_kept(exam, staff):
    policy = ReviewPolicyFactory(proctored_exam=exam, set_by_user=staff, review_policy="v1")

    update_review_policy(exam.id, staff.id, "v2")
    update_review_policy(exam.id, staff.id, "v3")

    assert [row[3] for row in _history()] == ["v1", "v2"]
    assert {row[0] for row in _history()} == {policy.id}
    assert _get_review_policy_by_exam_id(exam.id) == "v3"


# remove_review_policy


def test_given_a_policy_when_removing_then_it_is_deleted_archived_and_the_vendor_resynced(exam, staff, test_backend):
    policy = ReviewPolicyFactory(proctored_exam=exam, set_by_user=staff, review_policy="Notes allowed")

    result = remove_review_policy(exam.id)

    assert result is None
    assert _policies() == []
    assert _history() == [(policy.id, exam.id, staff.id, "Notes allowed")]
    assert test_backend.last_exam["id"] == exam.id
    assert "rule_summary" not in test_backend.last_exam


def test_given_exam_without_policy_when_removing_then_not_found(exam):
    with pytest.raises(ProctoredExamReviewPolicyNotFoundException):
        remove_review_policy(exam.id)


def test_given_unknown_exam_when_removing_a_policy_then_not_found():
    with pytest.raises(ProctoredExamReviewPolicyNotFoundException):
        remove_review_policy(424242)


# get_review_policy_by_exam_id / _get_review_policy_by_exam_id


def test_given_a_policy_when_getting_it_then_it_is_serialized_with_author_and_exam(exam, staff):
    policy = ReviewPolicyFactory(proctored_exam=exam, set_by_user=staff, review_policy="Notes allowed")

    serialized = get_review_policy_by_exam_id(exam.id)

    assert list(serialized) == ["id", "created", "modified", "set_by_user", "proctored_exam", "review_policy"]
    assert serialized["id"] == policy.id
    assert serialized["set_by_user"] == {"id": staff.id, "username": "staff", "email": "staff@example.org"}
    assert serialized["proctored_exam"]["id"] == exam.id
    assert serialized["proctored_exam"]["content_id"] == exam.content_id
    assert serialized["review_policy"] == "Notes allowed"


def test_given_a_policy_when_getting_it_then_one_query_is_made(exam, staff, django_assert_num_queries):
    ReviewPolicyFactory(proctored_exam=exam, set_by_user=staff)

    with django_assert_num_queries(1):
        get_review_policy_by_exam_id(exam.id)


def test_given_exam_without_policy_when_getting_it_then_not_found(exam):
    with pytest.raises(ProctoredExamReviewPolicyNotFoundException):
        get_review_policy_by_exam_id(exam.id)


def test_given_unknown_exam_when_getting_its_policy_then_not_found():
    with pytest.raises(ProctoredExamReviewPolicyNotFoundException):
        get_review_policy_by_exam_id(424242)


def test_given_a_policy_when_getting_its_text_then_the_text_is_returned(exam, staff):
    create_exam_review_policy(exam.id, staff.id, "Notes allowed")

    assert _get_review_policy_by_exam_id(exam.id) == "Notes allowed"


def test_given_no_policy_when_getting_its_text_then_none_is_returned(exam):
    assert _get_review_policy_by_exam_id(exam.id) is None
    assert _get_review_policy_by_exam_id(424242) is None
