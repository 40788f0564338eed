"""How many learners have attempted each exam, kept up to date so the staff list need not count them.

The staff list's page count is the number of (learner, exam) pairs with an attempt. Counting them reads one
index entry per attempt of the course, which grows with the course; this table holds the answer instead.

Each exam's count is spread over ``SHARDS`` rows, a learner's changes landing on the row their user id picks:
the update is made inside the transaction that creates (or deletes) the attempt, so it commits or rolls back
with it, and concurrent starts of one exam wait on one another's row locks only one time in ``SHARDS``.

The rows change in the same statement that decides whether they must: an attempt adds its learner only when
no other attempt of that learner at that exam exists, and a deleted attempt removes its learner only when it
was the last. Attempts written around the ORM (bulk_create, raw SQL) are not counted; `recount_exams` (the
``recount_exam_learners`` command) sets an exam's rows from its attempts, and the staff list counts an exam
that has no rows from its attempts.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import connection, connections, models
from django.db.models import Count
from django.db.models.functions import Mod
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from edx_proctoring.models.attempts import ProctoredExamStudentAttempt
from edx_proctoring.models.exams import ProctoredExam

SHARDS = 8


class ProctoredExamLearnerCount(models.Model):
    """One shard of the number of learners with at least one attempt at an exam (see the module's doc)."""

    proctored_exam = models.ForeignKey(ProctoredExam, on_delete=models.CASCADE, related_name="+")
    shard = models.PositiveSmallIntegerField()
    learners = models.IntegerField(default=0)

    class Meta:
        app_label = "edx_proctoring"
        db_table = "proctoring_proctoredexamlearnercount"
        verbose_name = "proctored exam learner count"
        unique_together = (("proctored_exam", "shard"),)

    def __str__(self):
        return f"Exam {self.proctored_exam_id}, shard {self.shard}: {self.learners} learners"


def _shift(*, using: str, delta: int, exam_id: int, user_id: int, other_than: int | None = None) -> None:
    """Add `delta` to the learner's shard of the exam unless the learner has another attempt at it."""
    database = connections[using]
    counts = database.ops.quote_name(ProctoredExamLearnerCount._meta.db_table)
    attempts = database.ops.quote_name(ProctoredExamStudentAttempt._meta.db_table)
    excluded, params = "", [exam_id, user_id % SHARDS, exam_id, user_id]
    if other_than is not None:
        excluded = " AND id <> %s"
        params.append(other_than)
    with database.cursor() as cursor:
        cursor.execute(
            f"UPDATE {counts} SET learners = learners + %s WHERE proctored_exam_id = %s AND shard = %s"
            f" AND NOT EXISTS (SELECT 1 FROM {attempts} WHERE proctored_exam_id = %s AND user_id = %s{excluded})",
            [delta, *params],
        )


@receiver(post_save, sender=ProctoredExamStudentAttempt, dispatch_uid="edx_proctoring.learner_count.added")
def _count_learner_added(sender, instance, created, using, **kwargs):
    if created:
        exam_id, user_id = instance.proctored_exam_id, instance.user_id
        _shift(using=using, delta=1, exam_id=exam_id, user_id=user_id, other_than=instance.id)


@receiver(post_delete, sender=ProctoredExamStudentAttempt, dispatch_uid="edx_proctoring.learner_count.removed")
def _count_learner_removed(sender, instance, using, **kwargs):
    _shift(using=using, delta=-1, exam_id=instance.proctored_exam_id, user_id=instance.user_id)


@receiver(post_save, sender=ProctoredExam, dispatch_uid="edx_proctoring.learner_count.exam_created")
def _start_counting_exam(sender, instance, created, using, **kwargs):
    # A new exam has no attempts: its rows start at zero, so every later attempt is counted exactly.
    if created:
        ProctoredExamLearnerCount.objects.using(using).bulk_create(
            [ProctoredExamLearnerCount(proctored_exam_id=instance.id, shard=shard) for shard in range(SHARDS)],
            ignore_conflicts=True,
        )


def recount_exams(*, exam_ids: Iterable[int]) -> dict[int, int]:
    """Set the exams' rows from their attempts (one read, one write); returns {exam id: learners}.

    For exams whose attempts were written around the ORM. An attempt another transaction creates meanwhile
    may be missed, so run it while the exam is quiet.
    """
    exam_ids = sorted(set(exam_ids))
    if not exam_ids:
        return {}
    per_shard = {
        (exam_id, shard): learners
        for exam_id, shard, learners in ProctoredExamStudentAttempt.objects.filter(proctored_exam_id__in=exam_ids)
        .annotate(shard=Mod("user_id", SHARDS))
        .order_by()
        .values("proctored_exam_id", "shard")
        .annotate(learners=Count("user_id", distinct=True))
        .values_list("proctored_exam_id", "shard", "learners")
    }
    # MySQL's ON DUPLICATE KEY names no target; the others need the unique pair named.
    target = ["proctored_exam", "shard"] if connection.features.supports_update_conflicts_with_target else None
    ProctoredExamLearnerCount.objects.bulk_create(
        [
            ProctoredExamLearnerCount(
                proctored_exam_id=exam_id, shard=shard, learners=per_shard.get((exam_id, shard), 0)
            )
            for exam_id in exam_ids
            for shard in range(SHARDS)
        ],
        update_conflicts=True,
        unique_fields=target,
        update_fields=["learners"],
    )
    totals = dict.fromkeys(exam_ids, 0)
    for (exam_id, _shard), learners in per_shard.items():
        totals[exam_id] += learners
    return totals
