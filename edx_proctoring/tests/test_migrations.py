"""The schema: one migration standing for edx-proctoring's 25, and nothing left to migrate."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder

HISTORIC_MIGRATIONS = [
    "0001_initial",
    "0002_proctoredexamstudentattempt_is_status_acknowledged",
    "0003_auto_20160101_0525",
    "0004_auto_20160201_0523",
    "0005_proctoredexam_hide_after_due",
    "0006_allowed_time_limit_mins",
    "0007_proctoredexam_backend",
    "0008_auto_20181116_1551",
    "0009_proctoredexamreviewpolicy_remove_rules",
    "0010_update_backend",
    "0011_allow_multiple_attempts",
    "0012_proctoredexamstudentattempt_time_remaining_seconds",
    "0013_proctoredexamsoftwaresecurereview_is_active_attempt",
    "0014_add_is_resumable_to_proctoredexamstudentattempt",
    "0015_rm_proctoredexamstudentattempt_ips",
    "0016_nullable_proctoredexamstudentattempt_name",
    "0017_rm_proctoredexamstudentattempt_name",
    "0018_historicalproctoredexamstudentattempt",
    "0019_proctoredexamsoftwaresecurereview_encrypted_video_url",
    "0020_auto_20211028_1915",
    "0021_auto_20211029_1353",
    "0022_proctoredexamstudentattempt_add_readytoresume_resumed",
    "0023_historicalproctoredexam",
    "0024_delete_proctoredexamstudentattempthistory",
    "0025_auto_20230727_2112",
]
SQUASHED = "0001_squashed_0025_auto_20230727_2112"


@pytest.mark.django_db
def test_models_and_migrations_agree():
    out = StringIO()
    call_command("makemigrations", "edx_proctoring", "--check", "--dry-run", stdout=out)
    assert "No changes detected" in out.getvalue()


def test_the_initial_migration_replaces_every_historic_migration():
    loader = MigrationLoader(None, ignore_no_migrations=True)
    migration = loader.disk_migrations[("edx_proctoring", SQUASHED)]
    assert migration.replaces == [("edx_proctoring", name) for name in HISTORIC_MIGRATIONS]


@pytest.mark.django_db
def test_given_database_that_ran_the_historic_migrations_then_it_is_taken_as_migrated():
    recorder = MigrationRecorder(connection)
    recorder.migration_qs.filter(app="edx_proctoring").delete()
    for name in HISTORIC_MIGRATIONS:
        recorder.record_applied("edx_proctoring", name)
    loader = MigrationLoader(connection)
    assert ("edx_proctoring", SQUASHED) in loader.applied_migrations
    leaf = loader.graph.leaf_nodes("edx_proctoring")
    pending = [
        name
        for app, name in loader.graph.forwards_plan(leaf[0])
        if app == "edx_proctoring" and (app, name) not in loader.applied_migrations
    ]
    # Only our own later migrations (numbered after the historic 25) remain to run.
    assert all(int(name[:4]) > 25 for name in pending)


@pytest.mark.django_db
def test_tables_carry_the_historic_names():
    tables = set(connection.introspection.table_names())
    assert {
        "proctoring_proctoredexam",
        "proctoring_proctoredexamhistory",
        "proctoring_proctoredexamreviewpolicy",
        "proctoring_proctoredexamreviewpolicyhistory",
        "proctoring_proctoredexamstudentattempt",
        "proctoring_proctoredexamstudentattempt_history",
        "proctoring_proctoredexamstudentallowance",
        "proctoring_proctoredexamstudentallowancehistory",
        "proctoring_proctoredexamsoftwaresecurereview",
        "proctoring_proctoredexamsoftwaresecurereviewhistory",
        "proctoring_proctoredexamstudentattemptcomment",
    } <= tables


@pytest.mark.django_db
def test_attempt_table_has_the_historic_columns():
    with connection.cursor() as cursor:
        columns = {
            c.name
            for c in connection.introspection.get_table_description(cursor, "proctoring_proctoredexamstudentattempt")
        }
    assert columns == {
        "id",
        "created",
        "modified",
        "user_id",
        "proctored_exam_id",
        "started_at",
        "completed_at",
        "attempt_code",
        "external_id",
        "allowed_time_limit_mins",
        "status",
        "taking_as_proctored",
        "is_sample_attempt",
        "review_policy_id",
        "is_status_acknowledged",
        "time_remaining_seconds",
        "is_resumable",
        "ready_to_resume",
        "resumed",
    }
