"""The per-exam learner counts of the staff list (models/learner_counts.py), filled from the attempts."""

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import Count
from django.db.models.functions import Mod

SHARDS = 8  # models.learner_counts.SHARDS when this migration was written
BATCH = 500


def count_existing_exams(apps, schema_editor):
    """Every exam gets its rows; those with attempts start from a count of their learners, shard by shard."""
    exam_model = apps.get_model("edx_proctoring", "ProctoredExam")
    attempt_model = apps.get_model("edx_proctoring", "ProctoredExamStudentAttempt")
    count_model = apps.get_model("edx_proctoring", "ProctoredExamLearnerCount")
    database = schema_editor.connection.alias
    exam_ids = list(exam_model.objects.using(database).order_by("id").values_list("id", flat=True))
    for start in range(0, len(exam_ids), BATCH):
        batch = exam_ids[start : start + BATCH]
        learners = {
            (exam_id, shard): total
            for exam_id, shard, total in attempt_model.objects.using(database)
            .filter(proctored_exam_id__in=batch)
            .annotate(shard=Mod("user_id", SHARDS))
            .order_by()
            .values("proctored_exam_id", "shard")
            .annotate(total=Count("user_id", distinct=True))
            .values_list("proctored_exam_id", "shard", "total")
        }
        count_model.objects.using(database).bulk_create(
            [
                count_model(proctored_exam_id=exam_id, shard=shard, learners=learners.get((exam_id, shard), 0))
                for exam_id in batch
                for shard in range(SHARDS)
            ]
        )


class Migration(migrations.Migration):
    dependencies = [
        ("edx_proctoring", "0032_allowance_exam_user_index"),
    ]

    operations = [
        migrations.CreateModel(
            name="ProctoredExamLearnerCount",
            fields=[
                ("id", models.AutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("shard", models.PositiveSmallIntegerField()),
                ("learners", models.IntegerField(default=0)),
                (
                    "proctored_exam",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="edx_proctoring.proctoredexam",
                    ),
                ),
            ],
            options={
                "verbose_name": "proctored exam learner count",
                "db_table": "proctoring_proctoredexamlearnercount",
                "unique_together": {("proctored_exam", "shard")},
            },
        ),
        migrations.RunPython(count_existing_exams, migrations.RunPython.noop),
    ]
