"""The maintained number of learners per exam that the staff list pages by (models/learner_counts.py)."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from django.db.models import Sum
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase as HypothesisTestCase

from edx_proctoring.models import ProctoredExamLearnerCount, ProctoredExamStudentAttempt
from edx_proctoring.models.learner_counts import SHARDS, recount_exams
from edx_proctoring.selectors.staff_lists import grouped_attempts_page
from edx_proctoring.tests.factories import AttemptFactory, ProctoredExamFactory, UserFactory

pytestmark = pytest.mark.django_db


def counted(exam) -> int:
    return ProctoredExamLearnerCount.objects.filter(proctored_exam=exam).aggregate(total=Sum("learners"))["total"]


def distinct_learners(exam) -> int:
    return ProctoredExamStudentAttempt.objects.filter(proctored_exam=exam).values("user_id").distinct().count()


def test_a_new_exam_starts_counting_from_zero():
    # When an exam is created
    exam = ProctoredExamFactory()

    # Then it has its shards, all at zero
    assert ProctoredExamLearnerCount.objects.filter(proctored_exam=exam).count() == SHARDS
    assert counted(exam) == 0


def test_a_learner_counts_once_however_many_attempts_they_make():
    # Given an exam and two learners
    exam = ProctoredExamFactory(is_practice_exam=True)
    first, second = UserFactory(), UserFactory()

    # When the first learner makes three attempts and the second one
    for _ in range(3):
        AttemptFactory(user=first, proctored_exam=exam)
    AttemptFactory(user=second, proctored_exam=exam)

    # Then the exam counts two learners
    assert counted(exam) == 2


def test_a_learner_leaves_the_count_only_with_their_last_attempt():
    # Given a learner with two attempts at an exam
    exam = ProctoredExamFactory(is_practice_exam=True)
    learner = UserFactory()
    older, newer = AttemptFactory(user=learner, proctored_exam=exam), AttemptFactory(user=learner, proctored_exam=exam)

    # When one attempt is deleted, Then the learner still counts
    older.delete()
    assert counted(exam) == 1

    # When the last one is deleted too (a queryset delete, as the removal code does), Then they no longer count
    ProctoredExamStudentAttempt.objects.filter(id=newer.id).delete()
    assert counted(exam) == 0


def test_a_rolled_back_attempt_leaves_the_count_as_it_was():
    # Given an exam with one learner
    exam = ProctoredExamFactory()
    AttemptFactory(proctored_exam=exam)

    # When another learner's attempt is created in a transaction that fails
    with pytest.raises(RuntimeError), transaction.atomic():
        AttemptFactory(proctored_exam=exam)
        raise RuntimeError("the vendor refused")

    # Then the count did not move
    assert counted(exam) == 1


def test_deleting_a_learner_takes_them_out_of_every_exam_they_attempted():
    # Given a learner with attempts at two exams, and another learner
    exams = [ProctoredExamFactory(), ProctoredExamFactory()]
    leaving = UserFactory()
    for exam in exams:
        AttemptFactory(user=leaving, proctored_exam=exam)
    AttemptFactory(proctored_exam=exams[0])

    # When the leaving learner's account is deleted (the attempts cascade)
    leaving.delete()

    # Then each exam counts only who is left
    assert [counted(exam) for exam in exams] == [1, 0]


def test_recount_repairs_an_exam_whose_attempts_were_loaded_around_the_orm():
    # Given attempts bulk-loaded (no signals), so the count missed them
    exam = ProctoredExamFactory(is_practice_exam=True)
    learners = [UserFactory() for _ in range(5)]
    ProctoredExamStudentAttempt.objects.bulk_create(
        [ProctoredExamStudentAttempt(user=user, proctored_exam=exam, status="created") for user in learners * 2]
    )
    assert counted(exam) == 0

    # When the exam is recounted
    totals = recount_exams(exam_ids=[exam.id])

    # Then its shards hold the learners again
    assert totals == {exam.id: 5}
    assert counted(exam) == 5 == distinct_learners(exam)
    assert ProctoredExamLearnerCount.objects.filter(proctored_exam=exam).count() == SHARDS


def test_the_staff_list_counts_an_exam_without_counts_from_its_attempts_until_it_is_recounted(
    django_assert_num_queries,
):
    # Given an exam whose count rows are missing (its attempts were loaded around the ORM)
    exam = ProctoredExamFactory()
    for _ in range(3):
        AttemptFactory(proctored_exam=exam)
    ProctoredExamLearnerCount.objects.filter(proctored_exam=exam).delete()

    # When staff read the list, Then the exam is counted from its attempts (one more query), nothing written
    with django_assert_num_queries(4):
        _rows, pagination = grouped_attempts_page(course_id=exam.course_id, per_page=2)
    assert pagination["total_pages"] == 2
    assert not ProctoredExamLearnerCount.objects.filter(proctored_exam=exam).exists()

    # When an operator recounts the course, Then the list reads the rows again: counts, page, groups
    out = StringIO()
    call_command("recount_exam_learners", "--course-id", exam.course_id, stdout=out)
    assert f"Exam {exam.id}: 3 learner(s)" in out.getvalue()
    with django_assert_num_queries(3):
        _rows, pagination = grouped_attempts_page(course_id=exam.course_id, per_page=2)
    assert pagination["total_pages"] == 2


def test_recounting_a_course_without_exams_is_refused():
    with pytest.raises(CommandError, match="No exams"):
        call_command("recount_exam_learners", "--course-id", "course-v1:None+None+None", stdout=StringIO())


def test_recounting_every_exam_repairs_each():
    # Given two exams whose rows drifted
    exams = [ProctoredExamFactory(), ProctoredExamFactory(content_id="block-v1:x+y+z+type@sequential+block@b")]
    for exam in exams:
        AttemptFactory(proctored_exam=exam)
    ProctoredExamLearnerCount.objects.update(learners=7)

    # When every exam is recounted
    call_command("recount_exam_learners", "--all", stdout=StringIO())

    # Then each holds its learners
    assert [counted(exam) for exam in exams] == [1, 1]


@pytest.mark.parametrize("exams", [1, 6])
def test_the_staff_list_reads_its_page_count_in_one_query_whatever_the_course(exams, django_assert_num_queries):
    # Given a course of one or several exams with learners
    for _ in range(exams):
        exam = ProctoredExamFactory()
        for _ in range(4):
            AttemptFactory(proctored_exam=exam)

    # When staff read the first page, Then the counts, the page and its groups take three queries
    with django_assert_num_queries(3):
        _rows, pagination = grouped_attempts_page(course_id=exam.course_id, per_page=3)
    assert pagination["total_pages"] == -(-4 * exams // 3)


# (create, learner index) or (delete, index into the live attempts)
_STEPS = st.lists(
    st.one_of(
        st.tuples(st.just("create"), st.integers(min_value=0, max_value=3)),
        st.tuples(st.just("delete"), st.integers(min_value=0, max_value=20)),
    ),
    max_size=25,
)


class CountMatchesTheAttemptsTests(HypothesisTestCase):
    """Whatever the order of creations and deletions, the count is the number of distinct learners."""

    @settings(deadline=None)
    @given(steps=_STEPS)
    def test_the_count_always_equals_the_distinct_learners(self, steps):
        exam = ProctoredExamFactory(is_practice_exam=True)
        learners = [UserFactory() for _ in range(4)]
        for action, index in steps:
            if action == "create":
                AttemptFactory(user=learners[index], proctored_exam=exam)
            else:
                live = list(ProctoredExamStudentAttempt.objects.filter(proctored_exam=exam).order_by("id"))
                if live:
                    live[index % len(live)].delete()
            self.assertEqual(counted(exam), distinct_learners(exam))


@pytest.mark.django_db(transaction=True)
def test_upgrading_counts_the_learners_of_every_existing_exam():
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    before, after = (
        [("edx_proctoring", "0032_allowance_exam_user_index")],
        [("edx_proctoring", "0033_exam_learner_count")],
    )
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    try:
        # Given an install from before the counts: one exam with learners, one without
        old_apps = executor.loader.project_state(before).apps
        exam_model = old_apps.get_model("edx_proctoring", "ProctoredExam")
        attempt_model = old_apps.get_model("edx_proctoring", "ProctoredExamStudentAttempt")
        user_model = old_apps.get_model("auth", "User")
        busy = exam_model.objects.create(
            course_id="course-v1:a+b+c", content_id="busy", exam_name="busy", time_limit_mins=60
        )
        quiet = exam_model.objects.create(
            course_id="course-v1:a+b+c", content_id="quiet", exam_name="quiet", time_limit_mins=60
        )
        for index in range(11):
            user = user_model.objects.create(username=f"upgrader{index}", email=f"u{index}@example.org")
            for _ in range(1 + index % 2):
                attempt_model.objects.create(user=user, proctored_exam=busy, status="submitted")

        # When the counts' migration runs
        executor = MigrationExecutor(connection)
        executor.migrate(after)

        # Then every exam has its shards, holding its learners
        totals = {
            exam_id: sum(
                ProctoredExamLearnerCount.objects.filter(proctored_exam_id=exam_id).values_list("learners", flat=True)
            )
            for exam_id in (busy.id, quiet.id)
        }
        assert totals == {busy.id: 11, quiet.id: 0}
        assert ProctoredExamLearnerCount.objects.filter(proctored_exam_id=quiet.id).count() == SHARDS
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
