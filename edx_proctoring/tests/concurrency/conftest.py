"""Helpers for racing calls on real, parallel database connections."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.db import close_old_connections, connection, connections

THREADS = 20


@dataclass
class RaceOutcome:
    """What each racing call returned or raised, in the order the threads finished."""

    results: list[Any] = field(default_factory=list)
    errors: list[BaseException] = field(default_factory=list)

    def error_types(self) -> set[type]:
        return {type(error) for error in self.errors}


def race(*calls: Callable[[], Any], timeout: float = 60) -> RaceOutcome:
    """Run every call in its own thread (own DB connection); a barrier releases them all at once."""
    barrier = threading.Barrier(len(calls))
    outcome = RaceOutcome()
    lock = threading.Lock()

    def _run(call: Callable[[], Any]) -> None:
        try:
            barrier.wait(timeout=timeout)
            result = call()
        except BaseException as exc:  # noqa: BLE001 - recorded for the test to inspect
            with lock:
                outcome.errors.append(exc)
        else:
            with lock:
                outcome.results.append(result)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=_run, args=(call,), daemon=True) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout)
    assert not any(thread.is_alive() for thread in threads), "a racing call never finished (deadlock?)"
    close_old_connections()
    return outcome


def times(call: Callable[[], Any], n: int = THREADS) -> list[Callable[[], Any]]:
    return [call] * n


@pytest.fixture(autouse=True)
def _real_database_only():
    """SQLite serialises writers on one file lock (and the suite uses an in-memory database a thread cannot share)."""
    if connection.vendor == "sqlite":
        pytest.skip("concurrency tests need a server database with row locks: run with DB=mysql or DB=postgres")
