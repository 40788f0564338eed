"""A database that ran only some of edx-proctoring's 25 historic migrations cannot be migrated by this package.

This package ships those 25 as one squashed migration (``0001_squashed_0025_auto_20230727_2112``) and not
the originals. Django uses a squashed migration only when all or none of the migrations it replaces are
recorded as applied. A site still on an older edx-proctoring has only the first few: Django then drops the
squashed migration from its graph, has nothing left that creates the models, and fails in the middle of
``migrate`` with an error that names none of this. The check below stops ``migrate`` (and ``manage.py
check --database``) before anything is touched, with what to do instead (docs/upgrading.rst).
"""

from __future__ import annotations

from django.core.checks import CheckMessage, Error
from django.db import DatabaseError, connections, router
from django.db.migrations.recorder import MigrationRecorder

APP_LABEL = "edx_proctoring"
SQUASHED_MIGRATION = "0001_squashed_0025_auto_20230727_2112"
LAST_HISTORIC_MIGRATION = "0025_auto_20230727_2112"
CHECK_ID = f"{APP_LABEL}.E010"


def historic_migration_names() -> list[str]:
    """The names of the 25 migrations the squashed one replaces, in order."""
    from django.db.migrations.loader import MigrationLoader  # reads every app's migrations

    loader = MigrationLoader(None, ignore_no_migrations=True)
    return [name for _app, name in loader.disk_migrations[(APP_LABEL, SQUASHED_MIGRATION)].replaces]


def recorded_historic_migrations(*, alias: str, historic: list[str]) -> list[str]:
    """Which historic migrations the database `alias` records as applied (none when it has no record)."""
    try:
        applied = MigrationRecorder(connections[alias]).applied_migrations()
    except DatabaseError:
        return []
    return [name for name in historic if (APP_LABEL, name) in applied]


def check_partially_migrated_database(app_configs=None, databases=None, **kwargs) -> list[CheckMessage]:
    """E010: the database ran some, not all, of the historic migrations; migrate would fail half-way."""
    messages: list[CheckMessage] = []
    if not databases:
        return messages
    historic = historic_migration_names()
    for alias in databases:
        if not router.allow_migrate(alias, APP_LABEL):
            continue
        recorded = recorded_historic_migrations(alias=alias, historic=historic)
        if not recorded or len(recorded) == len(historic):
            continue
        missing = [name for name in historic if name not in recorded]
        messages.append(
            Error(
                f"Database {alias!r} has {len(recorded)} of edx-proctoring's {len(historic)} historic migrations "
                f"(the last recorded is {recorded[-1]}; {missing[0]} and {len(missing) - 1} more are missing). "
                f"This package ships them squashed ({SQUASHED_MIGRATION}) without the originals, so Django "
                f"cannot bring this database up to date: migrate would stop half-way.",
                hint=(
                    "Upgrade the database with upstream edx-proctoring first: install a release that ships "
                    f"{LAST_HISTORIC_MIGRATION} (the 6.1.x series does: pip install 'edx-proctoring>=6.1,<6.2'), "
                    f"run 'python manage.py migrate {APP_LABEL}', then install this package again and run migrate. "
                    "Nothing has been changed in the database. See docs/upgrading.rst."
                ),
                id=CHECK_ID,
            )
        )
    return messages
