"""The package's modules import each other one way: no cycles, and models import nothing from the layers above.

The graph is read from the source with `ast`, not from `sys.modules`, so an import hidden inside a function
body counts as much as one at the top of the module: a cycle that only closes at call time is still a
cycle a reader has to untangle. Test code and migrations are left out (they may import anything).
"""

from __future__ import annotations

import ast
from pathlib import Path

import edx_proctoring

PACKAGE = "edx_proctoring"
ROOT = Path(edx_proctoring.__file__).resolve().parent
EXCLUDED_DIRS = frozenset({"tests", "migrations"})


# The foundation every layer may import: settings, constants, exceptions, the status vocabulary and the
# backend registry's accessor. None of them imports anything else from the package (asserted below).
FOUNDATION = (
    "edx_proctoring.config",
    "edx_proctoring.constants",
    "edx_proctoring.exceptions",
    "edx_proctoring.statuses",
    "edx_proctoring.backends",  # `backends/__init__.py` only: `get_backend_provider`, a lookup in the app registry
)
# What `models` may import from the package: they sit below every domain and HTTP module.
MODEL_LAYER_ALLOWED = ("edx_proctoring.models", *FOUNDATION)

# The HTTP layer: domain modules (and models) never reach up into it.
HTTP_LAYER = ("edx_proctoring.views", "edx_proctoring.http", "edx_proctoring.urls")
# Modules that are part of the HTTP layer or wire it up (URL confs, admin pages, rendered pages, the mock
# vendor's own server, the historic `utils` re-exports, the system checks of its settings).
HTTP_AWARE = (
    *HTTP_LAYER,
    "edx_proctoring.instructor_dashboard_exam_urls",
    "edx_proctoring.student_view",
    "edx_proctoring.mock_vendor",
    "edx_proctoring.utils",
    "edx_proctoring.admin",
    "edx_proctoring.admin_operations",
    "edx_proctoring.checks",
    "edx_proctoring.callbacks",  # PSI's launch callback: a plain Django view at its historic module path
)
# Domain modules that still import a helper of the HTTP layer, each for a value that belongs below it (a
# page size, a rate parser). Listed so that no new one appears; remove a line when its import goes.
DOMAIN_MODULES_STILL_IMPORTING_HTTP = {
    "edx_proctoring.selectors.allowance_list": "http.pagination (page numbers)",
    "edx_proctoring.selectors.staff_lists": "http.pagination (page size and numbers)",
}


# The attempts package bottom up, as its docstring lists it: each module imports only modules before it.
ATTEMPTS_LAYERS = (
    "actions",
    "serialization",
    "context",
    "notification_tasks",
    "removal",
    "effects",
    "time_adjustments",
    "payload",
    "lifecycle",
    "deferred_calls",
    "batch",
    "expiry",
    "getters",
    "running",
    "moves",
    "creation",
    "practice_retake",
    "decline_cascade",
    "learner_requests",
    "lifecycle_docs",
)


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join([PACKAGE, *parts])


def _package_modules() -> dict[str, Path]:
    modules = {}
    for path in ROOT.rglob("*.py"):
        if EXCLUDED_DIRS.intersection(path.relative_to(ROOT).parts):
            continue
        modules[_module_name(path)] = path
    return modules


def _resolve_relative(*, module: str, is_package: bool, level: int, target: str | None) -> str:
    base = module.split(".") if is_package else module.split(".")[:-1]
    base = base[: len(base) - (level - 1)]
    return ".".join([*base, target] if target else base)


def _imports_of(*, module: str, path: Path, known: set[str]) -> set[str]:
    """The package modules `module` imports anywhere in its body (`from pkg import sub` imports `pkg.sub`)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    is_package = path.name == "__init__.py"
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            source = (
                _resolve_relative(module=module, is_package=is_package, level=node.level, target=node.module)
                if node.level
                else node.module
            )
            names = [source] + [f"{source}.{alias.name}" for alias in node.names]
        else:
            continue
        for name in names:
            if name in known:
                found.add(name)
            elif name.startswith(f"{PACKAGE}."):
                # `import edx_proctoring.a.b` executes the package `a` too; record the deepest module that exists.
                parent = name.rsplit(".", 1)[0]
                while parent not in known and "." in parent:
                    parent = parent.rsplit(".", 1)[0]
                if parent in known and parent != PACKAGE:
                    found.add(parent)
    found.discard(module)
    found.discard(PACKAGE)
    return found


def import_graph() -> dict[str, set[str]]:
    modules = _package_modules()
    known = set(modules)
    return {name: _imports_of(module=name, path=path, known=known) for name, path in modules.items()}


def strongly_connected_components(graph: dict[str, set[str]]) -> list[set[str]]:
    """Tarjan's algorithm, iteratively (the graph is deep enough to worry Python's recursion limit)."""
    index: dict[str, int] = {}
    lowlink: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    components: list[set[str]] = []
    counter = 0
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = lowlink[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            advanced = False
            for child in children:
                if child not in index:
                    index[child] = lowlink[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.get(child, ())))))
                    advanced = True
                    break
                if child in on_stack:
                    lowlink[node] = min(lowlink[node], index[child])
            if advanced:
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                lowlink[parent] = min(lowlink[parent], lowlink[node])
            if lowlink[node] == index[node]:
                component = set()
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.add(member)
                    if member == node:
                        break
                if len(component) > 1:
                    components.append(component)
    return components


def _under(module: str, prefixes: tuple[str, ...]) -> bool:
    return any(module == prefix or module.startswith(f"{prefix}.") for prefix in prefixes)


def test_given_the_package_source_when_its_imports_are_graphed_then_no_module_imports_itself_through_others():
    cycles = strongly_connected_components(import_graph())

    assert not cycles, "Import cycles (each line one strongly connected set of modules):\n" + "\n".join(
        ", ".join(sorted(cycle)) for cycle in cycles
    )


def test_given_the_models_when_their_imports_are_read_then_they_import_only_models_and_the_foundation():
    graph = import_graph()

    reaching_up = {
        module: sorted(target for target in targets if not _under(target, MODEL_LAYER_ALLOWED))
        for module, targets in graph.items()
        if _under(module, ("edx_proctoring.models",))
    }

    assert not {module: targets for module, targets in reaching_up.items() if targets}


def test_given_the_foundation_when_its_imports_are_read_then_it_imports_nothing_else_from_the_package():
    graph = import_graph()

    reaching_up = {module: sorted(t for t in graph[module] if t not in FOUNDATION) for module in FOUNDATION}

    assert not {module: targets for module, targets in reaching_up.items() if targets}


def test_given_the_domain_modules_when_their_imports_are_read_then_none_reaches_the_http_layer():
    graph = import_graph()

    reaching_up = {
        module: sorted(target for target in targets if _under(target, HTTP_LAYER))
        for module, targets in graph.items()
        if not _under(module, HTTP_AWARE)
    }
    offenders = {module for module, targets in reaching_up.items() if targets}

    assert offenders - set(DOMAIN_MODULES_STILL_IMPORTING_HTTP) == set(), {m: reaching_up[m] for m in offenders}
    listed = {module for module in DOMAIN_MODULES_STILL_IMPORTING_HTTP if module in graph}
    assert listed - offenders == set(), "no longer importing HTTP: drop from the list"


def test_given_the_attempts_package_when_its_imports_are_read_then_each_module_imports_only_lower_ones():
    graph = import_graph()
    prefix = "edx_proctoring.attempts."

    upward = {}
    for position, name in enumerate(ATTEMPTS_LAYERS):
        imported = {target.removeprefix(prefix) for target in graph.get(prefix + name, ()) if target.startswith(prefix)}
        higher = imported & set(ATTEMPTS_LAYERS[position:])
        if higher:
            upward[name] = sorted(higher)

    assert not upward, f"imports from higher up the attempts package: {upward}"


def test_given_a_small_graph_with_one_cycle_when_components_are_found_then_only_the_cycle_is_reported():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}, "e": set()}

    assert strongly_connected_components(graph) == [{"a", "b", "c"}]


def _reachable(graph: dict[str, set[str]], start: str) -> set[str]:
    seen: set[str] = set()
    stack = [start]
    while stack:
        for target in graph.get(stack.pop(), ()):
            if target not in seen:
                seen.add(target)
                stack.append(target)
    return seen


def test_given_the_page_readers_when_their_imports_are_followed_then_none_reaches_the_status_writer_or_expiry():
    # The selectors read for pages; timing an overdue attempt out is the caller's explicit step.
    graph = import_graph()
    writers = {"edx_proctoring.attempts.lifecycle", "edx_proctoring.attempts.expiry"}

    reaching = {
        module: sorted(_reachable(graph, module) & writers)
        for module in graph
        if _under(module, ("edx_proctoring.selectors",))
    }

    assert not {module: found for module, found in reaching.items() if found}
