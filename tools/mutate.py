"""make mutate: mutation testing of the policy modules with cosmic-ray, each against its focused tests.

For each target of tools/mutate.toml (all of them, or those named on the command line):

1. copy the working tree (tracked and untracked, not ignored files) into .mutate/<target>/, so that the
   checkout itself is never mutated, even by a run that is interrupted;
2. check that the focused tests pass on the unmutated copy;
3. let cosmic-ray list the mutants of the module, skip the excluded operators, and run the tests once per
   mutant (one at a time, in a fresh pytest process, mutating the copy in place and restoring it);
4. match the survivors against tools/mutate_equivalents.toml (same module, operator, original line and
   mutated line; line numbers are not used so the list survives edits elsewhere in the module).

It then prints one row per module (mutants | killed | survived | equivalent | score) and every survivor
that is not listed as equivalent, and exits 1 when a module scores under the threshold.
score = killed / (killed + survivors not listed as equivalent).
"""

from __future__ import annotations

import argparse
import ast
import os
import shutil
import subprocess
import sys
import time
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CONFIG = ROOT / "tools" / "mutate.toml"
EQUIVALENTS = ROOT / "tools" / "mutate_equivalents.toml"
SCRATCH = ROOT / ".mutate"


@dataclass
class Survivor:
    operator: str
    line_no: int
    line: str
    mutant: str

    def key(self) -> tuple[str, str, str]:
        return (self.operator, self.line, self.mutant)


@dataclass
class Outcome:
    name: str
    module: str
    mutants: int = 0
    killed: int = 0
    incompetent: int = 0
    survivors: list[Survivor] = field(default_factory=list)
    equivalent: list[Survivor] = field(default_factory=list)
    skipped_reason: str = ""
    error: str = ""
    seconds: float = 0.0

    @property
    def unexplained(self) -> list[Survivor]:
        return [s for s in self.survivors if s not in self.equivalent]

    @property
    def score(self) -> float:
        judged = self.killed + len(self.unexplained)
        return 100.0 * self.killed / judged if judged else 100.0


def load_toml(path: Path) -> dict:
    with path.open("rb") as handle:
        return tomllib.load(handle)


def working_tree_files() -> list[Path]:
    """The files of the checkout as they are now: tracked and untracked, not git-ignored."""
    listing = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        check=True,
        capture_output=True,
    ).stdout.decode()
    return [Path(name) for name in listing.split("\0") if name and (ROOT / name).is_file()]


def copy_tree(destination: Path) -> None:
    if destination.exists():
        shutil.rmtree(destination)
    for relative in working_tree_files():
        target = destination / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / relative, target)


def changed_lines(diff: str) -> tuple[str, str]:
    """The original and the mutated source lines of a unified diff, each joined and stripped."""
    removed, added = [], []
    for line in diff.splitlines():
        if line.startswith(("---", "+++")):
            continue
        if line.startswith("-"):
            removed.append(line[1:].strip())
        elif line.startswith("+"):
            added.append(line[1:].strip())
    return " ".join(removed), " ".join(added)


def annotation_spans(module: Path) -> list[tuple[tuple[int, int], tuple[int, int]]]:
    """Where the module's type annotations are: with postponed evaluation they never run, so mutants there
    (``int | None`` -> ``int - None``) are equivalent by construction and are not generated."""
    tree = ast.parse(module.read_text())
    annotations = []
    for node in ast.walk(tree):
        if isinstance(node, ast.arg | ast.AnnAssign) and node.annotation is not None:
            annotations.append(node.annotation)
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.returns is not None:
            annotations.append(node.returns)
    return [((a.lineno, a.col_offset), (a.end_lineno, a.end_col_offset)) for a in annotations]


def skip_annotations(db, module: Path) -> int:
    from cosmic_ray.work_item import WorkerOutcome, WorkResult

    if "from __future__ import annotations" not in module.read_text():
        return 0
    spans = annotation_spans(module)
    skipped = 0
    for item in list(db.pending_work_items):
        position = tuple(item.mutations[0].start_pos)
        if any(start <= position < end for start, end in spans):
            db.set_result(item.job_id, WorkResult(output="type annotation", worker_outcome=WorkerOutcome.SKIPPED))
            skipped += 1
    return skipped


def run_target(name: str, target: dict, settings: dict, equivalents: list[dict], report_only: bool) -> Outcome:
    from cosmic_ray.mutating import mutate_and_test
    from cosmic_ray.work_db import WorkDB, use_db

    outcome = Outcome(name=name, module=target["module"])
    if not (ROOT / target["module"]).is_file():
        outcome.skipped_reason = f"{target['module']} does not exist yet"
        return outcome
    missing_tests = [test for test in target["tests"] if not (ROOT / test).is_file()]
    if missing_tests:
        outcome.skipped_reason = "missing focused tests: " + ", ".join(missing_tests)
        return outcome

    started = time.monotonic()
    workdir = SCRATCH / name
    tree = workdir / "tree"
    session = workdir / "session.sqlite"
    if report_only:
        if not session.exists():
            outcome.skipped_reason = f"no earlier run in {workdir.relative_to(ROOT)}"
            return outcome
        os.chdir(tree)
        outcome = tally(outcome, session, equivalents, started)
        recorded = workdir / "seconds.txt"
        outcome.seconds = float(recorded.read_text()) if recorded.exists() else 0.0
        return outcome
    if workdir.exists():
        shutil.rmtree(workdir)
    copy_tree(tree)
    plugins = [arg for plugin in settings.get("plugins", []) for arg in ("-p", plugin)]
    test_command = " ".join([sys.executable, "-m", "pytest", *settings["pytest-args"], *plugins, *target["tests"]])
    config = workdir / "cosmic-ray.toml"
    config.write_text(
        "[cosmic-ray]\n"
        f'module-path = "{target["module"]}"\n'
        f"timeout = {float(settings['timeout'])}\n"
        "excluded-modules = []\n"
        f'test-command = "{test_command}"\n'
        "[cosmic-ray.distributor]\n"
        'name = "local"\n'
        "[cosmic-ray.filters.operators-filter]\n"
        f"exclude-operators = {target.get('exclude-operators', settings.get('exclude-operators', []))!r}\n"
    )
    bin_dir = Path(sys.executable).parent
    os.chdir(tree)
    print(f"== {name}: {target['module']} against {len(target['tests'])} test file(s)", flush=True)
    baseline = subprocess.run(test_command.split(), capture_output=True, text=True)
    if baseline.returncode != 0:
        print(baseline.stdout[-3000:], baseline.stderr[-3000:], sep="\n")
        outcome.error = "the focused tests fail on the unmutated code"
        return outcome
    subprocess.run([bin_dir / "cosmic-ray", "init", config, session], check=True)
    subprocess.run([bin_dir / "cr-filter-operators", session, config], check=True)

    with use_db(str(session), WorkDB.Mode.open) as db:
        skip_annotations(db, Path(target["module"]))
        pending = list(db.pending_work_items)
        for index, item in enumerate(pending, 1):
            result = mutate_and_test(item.mutations, test_command, float(settings["timeout"]))
            db.set_result(item.job_id, result)
            mutation = item.mutations[0]
            verdict = (result.test_outcome or result.worker_outcome).value
            print(
                f"  [{index}/{len(pending)}] {verdict:<11} line {mutation.start_pos[0]:<4} {mutation.operator_name}",
                flush=True,
            )
    outcome = tally(outcome, session, equivalents, started)
    (workdir / "seconds.txt").write_text(f"{outcome.seconds:.0f}\n")
    return outcome


def tally(outcome: Outcome, session: Path, equivalents: list[dict], started: float) -> Outcome:
    """Count the session's results and set aside the survivors listed as equivalent."""
    from cosmic_ray.work_db import WorkDB, use_db
    from cosmic_ray.work_item import TestOutcome, WorkerOutcome

    with use_db(str(session), WorkDB.Mode.open) as db:
        for item, result in db.completed_work_items:
            if result.worker_outcome == WorkerOutcome.SKIPPED:
                continue
            outcome.mutants += 1
            if result.test_outcome == TestOutcome.KILLED:
                outcome.killed += 1
            elif result.test_outcome == TestOutcome.SURVIVED:
                mutation = item.mutations[0]
                line, mutant = changed_lines(result.diff or "")
                outcome.survivors.append(Survivor(mutation.operator_name, mutation.start_pos[0], line, mutant))
            else:
                outcome.incompetent += 1
    listed = {
        (entry["operator"], entry["line"].strip(), entry["mutant"].strip())
        for entry in equivalents
        if entry["module"] == outcome.module
    }
    outcome.equivalent = [s for s in outcome.survivors if s.key() in listed]
    outcome.survivors.sort(key=lambda s: s.line_no)
    outcome.seconds = time.monotonic() - started
    return outcome


def report(outcomes: list[Outcome], threshold: float, equivalents: list[dict]) -> bool:
    columns = ["mutants", "killed", "survived", "equivalent"]
    header = f"{'module':<38} | " + " | ".join(columns) + f" | {'score':>6} | time"
    lines = ["", header, "-" * len(header)]
    passed = True
    for outcome in outcomes:
        if outcome.error:
            lines.append(f"{outcome.module:<38} | FAILED: {outcome.error}")
            passed = False
            continue
        if outcome.skipped_reason:
            lines.append(f"{outcome.module:<38} | skipped: {outcome.skipped_reason}")
            continue
        ok = outcome.score >= threshold
        passed = passed and ok
        lines.append(
            f"{outcome.module:<38} | {outcome.mutants:>7} | {outcome.killed:>6} | {len(outcome.survivors):>8} | "
            f"{len(outcome.equivalent):>10} | {outcome.score:>5.1f}% | {outcome.seconds / 60:.1f} min"
            + ("" if ok else f"  < {threshold}%")
        )
        if outcome.incompetent:
            lines.append(f"{'':<38}   ({outcome.incompetent} incompetent mutants not counted)")
    for outcome in outcomes:
        for survivor in outcome.unexplained:
            lines.append("")
            lines.append(f"SURVIVED {outcome.module}:{survivor.line_no} {survivor.operator}")
            lines.append(f"  - {survivor.line}")
            lines.append(f"  + {survivor.mutant}")
        ran = {o.module for o in outcomes if not (o.skipped_reason or o.error)}
        seen = {s.key() for s in outcome.equivalent}
        for entry in equivalents:
            key = (entry["operator"], entry["line"].strip(), entry["mutant"].strip())
            if entry["module"] == outcome.module and outcome.module in ran and key not in seen:
                lines.append(f"note: listed equivalent no longer survives (drop it?): {entry['module']} {key}")
    text = "\n".join(lines)
    print(text)
    SCRATCH.mkdir(exist_ok=True)
    (SCRATCH / "report.txt").write_text(text + "\n")
    return passed


def main() -> int:
    config = load_toml(CONFIG)
    targets = config["targets"]
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--report-only",
        action="store_true",
        help="re-read the last run's results in .mutate/ (e.g. after editing the equivalents) without running",
    )
    parser.add_argument("targets", nargs="*", help=f"targets to run (default: all of {', '.join(targets)})")
    args = parser.parse_args()
    unknown = [name for name in args.targets if name not in targets]
    if unknown:
        parser.error(f"unknown target(s) {', '.join(unknown)}; choose from {', '.join(targets)}")
    settings = config["settings"]
    equivalents = load_toml(EQUIVALENTS).get("equivalent", []) if EQUIVALENTS.exists() else []
    os.environ["DB"] = "sqlite"
    os.environ["PYTHONDONTWRITEBYTECODE"] = "1"
    if "plugins" in settings:
        os.environ["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"
    outcomes = []
    for name in args.targets or list(targets):
        outcomes.append(run_target(name, targets[name], settings, equivalents, args.report_only))
        os.chdir(ROOT)
    passed = report(outcomes, float(settings["threshold"]), equivalents)
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
