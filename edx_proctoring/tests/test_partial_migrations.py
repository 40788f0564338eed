"""Databases of older edx-proctoring releases, which ran only the first N of the 25 historic migrations.

The squashed initial migration replaces all 25 and the originals are not shipped, so Django cannot finish
such a database: it drops the squashed migration and plans our later ones against models nothing creates.
`migrate` must stop before touching anything and say what to do (docs/upgrading.rst).
"""

import pytest
from django.apps import apps
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder

from edx_proctoring.migration_checks import CHECK_ID, check_partially_migrated_database, historic_migration_names
from edx_proctoring.tests.test_migrations import HISTORIC_MIGRATIONS, SQUASHED

APP = "edx_proctoring"


def _recorded():
    return sorted(MigrationRecorder(connection).migration_qs.filter(app=APP).values_list("name", flat=True))


@pytest.fixture
def record_only(transactional_db):
    """Make the database record only the first N historic migrations; restores the real record afterwards."""
    recorder = MigrationRecorder(connection)
    saved = _recorded()

    def _record(count):
        recorder.migration_qs.filter(app=APP).delete()
        for name in HISTORIC_MIGRATIONS[:count]:
            recorder.record_applied(APP, name)

    yield _record
    recorder.migration_qs.filter(app=APP).delete()
    for name in saved:
        recorder.record_applied(APP, name)


@pytest.fixture
def schema_before_0023(record_only):
    """The schema of a site that stopped at 0022: no exam history table yet (0023 adds it)."""
    history_model = apps.get_model(APP, "HistoricalProctoredExam")
    with connection.schema_editor() as editor:
        editor.delete_model(history_model)
    record_only(22)
    yield
    with connection.schema_editor() as editor:
        editor.create_model(history_model)


def _tables():
    return sorted(connection.introspection.table_names())


def test_the_check_knows_the_25_names_the_squashed_migration_replaces():
    assert historic_migration_names() == HISTORIC_MIGRATIONS


def test_given_24_of_25_recorded_then_django_alone_would_plan_our_migrations_on_models_nothing_creates(record_only):
    # 0025 only changes simple-history Meta options, so this database's schema is exactly the final one.
    record_only(24)

    loader = MigrationLoader(connection)

    assert (APP, SQUASHED) not in loader.graph.nodes
    leaf = loader.graph.leaf_nodes(APP)[0]
    plan = [name for app, name in loader.graph.forwards_plan(leaf) if app == APP]
    assert plan[0] == "0026_attempt_list_indexes"
    with pytest.raises((KeyError, LookupError, ValueError)):
        loader.project_state((APP, "0026_attempt_list_indexes")).apps.get_model(APP, "ProctoredExamStudentAttempt")


def test_given_24_of_25_recorded_when_migrating_without_checks_then_django_fails_on_a_model_nothing_created(
    record_only,
):
    record_only(24)
    tables_before = _tables()

    with pytest.raises(KeyError, match="proctoredexamstudentattempt"):
        call_command("migrate", APP, verbosity=0, skip_checks=True)

    assert _tables() == tables_before
    assert _recorded() == sorted(HISTORIC_MIGRATIONS[:24])


@pytest.mark.parametrize("count", [1, 14, 24])
def test_given_only_the_first_migrations_recorded_when_migrating_then_it_stops_untouched_and_says_what_to_do(
    record_only, count
):
    record_only(count)
    tables_before = _tables()

    with pytest.raises(SystemCheckError) as stopped:
        call_command("migrate", APP, verbosity=0, skip_checks=False)

    message = str(stopped.value)
    assert CHECK_ID in message
    assert f"has {count} of edx-proctoring's 25 historic migrations" in message
    assert f"the last recorded is {HISTORIC_MIGRATIONS[count - 1]}" in message
    assert "pip install 'edx-proctoring>=6.1,<6.2'" in message
    assert "Nothing has been changed" in message
    assert _recorded() == sorted(HISTORIC_MIGRATIONS[:count])
    assert _tables() == tables_before


def test_given_a_site_stopped_at_0022_with_its_schema_when_migrating_then_it_stops_untouched(schema_before_0023):
    tables_before = _tables()
    assert "proctoring_proctoredexamhistory" not in tables_before

    with pytest.raises(SystemCheckError, match="the last recorded is 0022_"):
        call_command("migrate", APP, verbosity=0, skip_checks=False)

    assert _tables() == tables_before
    assert _recorded() == sorted(HISTORIC_MIGRATIONS[:22])


def test_given_a_partial_database_then_check_with_the_database_reports_it(record_only):
    record_only(10)

    with pytest.raises(SystemCheckError, match=CHECK_ID):
        call_command("check", "--database", "default")


@pytest.mark.parametrize("count", [0, 25])
def test_given_none_or_all_of_the_historic_migrations_then_nothing_is_reported(record_only, count):
    record_only(count)

    assert check_partially_migrated_database(databases=["default"]) == []
    assert check_partially_migrated_database(databases=None) == []
