"""The published lifecycle (docs/lifecycle.rst) is the actions table, and only the lifecycle writes a status."""

import re
from pathlib import Path

from edx_proctoring.attempts import lifecycle_docs

PACKAGE = Path(__file__).resolve().parents[1]
# Files that may assign a `status` attribute: the lifecycle (attempt rows) and the mock vendor, whose own
# in-memory records of the attempts it proctors are not our rows.
STATUS_WRITERS = {PACKAGE / "attempts" / "lifecycle.py", PACKAGE / "mock_vendor" / "state.py"}
STATUS_ASSIGNMENT = re.compile(r"\b\w+\.status\s*=(?!=)|setattr\([^)]*[\"']status[\"']")


def test_the_committed_graph_is_the_one_the_table_draws():
    assert lifecycle_docs.DOT_FILE.read_text(encoding="utf-8") == lifecycle_docs.render_dot(), (
        "docs/lifecycle.dot is out of date: run `python -m edx_proctoring.attempts.lifecycle_docs`"
    )


def test_the_committed_table_is_the_one_in_the_code():
    assert lifecycle_docs.TABLE_FILE.read_text(encoding="utf-8") == lifecycle_docs.render_table(), (
        "docs/lifecycle_table.rst is out of date: run `python -m edx_proctoring.attempts.lifecycle_docs`"
    )


def test_the_committed_picture_was_drawn_from_the_committed_graph():
    svg = lifecycle_docs.SVG_FILE.read_text(encoding="utf-8")
    expected = lifecycle_docs.SOURCE_HASH_MARK + lifecycle_docs.dot_hash(lifecycle_docs.render_dot())
    assert expected in svg, "docs/lifecycle.svg is out of date: run the generator with Graphviz installed"


def test_the_page_shows_the_picture_and_the_table():
    page = (lifecycle_docs.DOCS / "lifecycle.rst").read_text(encoding="utf-8")
    assert ".. image:: lifecycle.svg" in page
    assert ".. include:: lifecycle_table.rst" in page


def test_every_row_of_the_table_is_in_the_page_and_every_actor_has_a_colour():
    table = lifecycle_docs.render_table()
    for move in lifecycle_docs.rows():
        assert f"``{move.action}``" in table
        assert move.actor in lifecycle_docs.ACTOR_COLOURS


def test_nothing_outside_the_lifecycle_assigns_a_status():
    offenders = []
    for path in PACKAGE.rglob("*.py"):
        if "tests" in path.parts or "migrations" in path.parts or path in STATUS_WRITERS:
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if STATUS_ASSIGNMENT.search(line) and "self.status" not in line:
                offenders.append(f"{path.relative_to(PACKAGE)}:{number}: {line.strip()}")
    assert offenders == []
