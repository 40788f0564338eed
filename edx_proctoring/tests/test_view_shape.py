"""The HTTP layer only translates HTTP: view functions stay short, and the domain never imports DRF.

Read from the source with `ast`: an import inside a function body counts as much as one at the top. "Never
imports" is transitive: importing a package module that imports DRF (say `serializers`) loads DRF as surely.
"""

from __future__ import annotations

import ast
from collections import deque
from pathlib import Path

import edx_proctoring
from edx_proctoring.tests.test_import_graph import import_graph

ROOT = Path(edx_proctoring.__file__).resolve().parent
MAX_VIEW_FUNCTION_LINES = 40
HTTP_FRAMEWORKS = ("rest_framework", "drf_spectacular")
# The HTTP layer (and the tests), which may use the REST framework; every other module is domain.
HTTP_LAYER_DIRS = ("views", "http", "tests")
HTTP_LAYER_MODULES = ("urls.py", "serializers.py", "instructor_dashboard_exam_urls.py")
# For the transitive check: the modules that serve or wire up HTTP (tests and migrations are not in the graph).
NOT_DOMAIN = tuple(
    f"edx_proctoring.{name}"
    for name in (
        "views",
        "http",
        "urls",
        "serializers",
        "admin",
        "student_view",
        "templatetags",
        "mock_vendor",
        "instructor_dashboard_exam_urls",
        "utils",
        "callbacks",
        "checks",
    )
)
# Domain modules that still reach DRF, each with the reason; listed so no new one appears. Drop a line when
# its import goes (the test says so).
DOMAIN_MODULES_STILL_REACHING_DRF: dict[str, str] = {}


def _functions(tree: ast.AST):
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            yield node


def function_length(node: ast.FunctionDef | ast.AsyncFunctionDef) -> int:
    """Lines from the ``def`` to the end of the body, less the docstring (decorators not counted)."""
    length = node.end_lineno - node.lineno + 1
    first = node.body[0]
    if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) and isinstance(first.value.value, str):
        length -= first.end_lineno - first.lineno + 1
    return length


def long_functions(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    return [
        f"{path.relative_to(ROOT)}:{node.lineno} {node.name} ({function_length(node)} lines)"
        for node in _functions(tree)
        if function_length(node) > MAX_VIEW_FUNCTION_LINES
    ]


def framework_imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        else:
            continue
        found += [
            f"{path.relative_to(ROOT)}:{node.lineno} {name}"
            for name in names
            if any(name == framework or name.startswith(f"{framework}.") for framework in HTTP_FRAMEWORKS)
        ]
    return found


def _is_http_layer(path: Path) -> bool:
    relative = path.relative_to(ROOT)
    return relative.parts[0] in HTTP_LAYER_DIRS or str(relative) in HTTP_LAYER_MODULES


def test_given_the_views_when_their_functions_are_measured_then_none_is_over_40_lines():
    too_long = [line for path in sorted((ROOT / "views").rglob("*.py")) for line in long_functions(path)]

    assert not too_long, "View functions over 40 lines (move the rules into a domain service):\n" + "\n".join(too_long)


def test_given_the_domain_modules_when_their_imports_are_read_then_none_imports_the_rest_framework():
    domain = [path for path in sorted(ROOT.rglob("*.py")) if not _is_http_layer(path)]

    offending = [line for path in domain for line in framework_imports(path)]

    assert not offending, "Domain modules importing the REST framework:\n" + "\n".join(offending)


def _module_paths() -> dict[str, Path]:
    paths = {}
    for path in ROOT.rglob("*.py"):
        parts = list(path.relative_to(ROOT).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        paths[".".join(["edx_proctoring", *parts])] = path
    return paths


def chain_to_framework(*, module: str, graph: dict[str, set[str]], importers: set[str]) -> list[str]:
    """The shortest chain of package imports from `module` to a module importing DRF ([] if there is none)."""
    previous: dict[str, str | None] = {module: None}
    queue = deque([module])
    while queue:
        current = queue.popleft()
        if current in importers:
            chain = []
            while current is not None:
                chain.append(current)
                current = previous[current]
            return chain[::-1]
        for target in sorted(graph.get(current, ())):
            if target not in previous:
                previous[target] = current
                queue.append(target)
    return []


def _is_domain(module: str) -> bool:
    return not any(module == name or module.startswith(f"{name}.") for name in NOT_DOMAIN)


def test_given_the_domain_modules_when_their_imports_are_followed_then_none_reaches_the_rest_framework():
    graph = import_graph()
    paths = _module_paths()
    importers = {module for module in graph if framework_imports(paths[module])}

    chains = {
        module: chain_to_framework(module=module, graph=graph, importers=importers)
        for module in sorted(graph)
        if _is_domain(module)
    }
    offenders = {module for module, chain in chains.items() if chain}

    unexpected = sorted(offenders - set(DOMAIN_MODULES_STILL_REACHING_DRF))
    assert not unexpected, "Domain modules reaching the REST framework:\n" + "\n".join(
        " -> ".join(chains[module]) for module in unexpected
    )
    listed = {module for module in DOMAIN_MODULES_STILL_REACHING_DRF if module in graph}
    assert listed - offenders == set(), "no longer reaching DRF: drop from DOMAIN_MODULES_STILL_REACHING_DRF"


def test_given_a_small_graph_when_chains_are_followed_then_the_shortest_one_to_an_importer_is_found():
    graph = {"a": {"b", "c"}, "b": {"d"}, "c": {"e"}, "d": set(), "e": {"a"}, "f": set()}

    assert chain_to_framework(module="a", graph=graph, importers={"d"}) == ["a", "b", "d"]
    assert chain_to_framework(module="e", graph=graph, importers={"d"}) == ["e", "a", "b", "d"]
    assert chain_to_framework(module="f", graph=graph, importers={"d"}) == []
    assert chain_to_framework(module="d", graph=graph, importers={"d"}) == ["d"]


def test_given_a_long_function_and_a_framework_import_when_checked_then_both_are_found(tmp_path, monkeypatch):
    monkeypatch.setattr(f"{__name__}.ROOT", tmp_path)
    module = tmp_path / "module.py"
    body = "\n".join(f"    x{index} = {index}" for index in range(40))
    module.write_text(
        f'def long():\n    """Docstring lines\n    do not count."""\n{body}\n\n\n'
        f'def short():\n    """Only the docstring is long.\n\n\n\n"""\n    return 1\n\n\n'
        "def lazy():\n    from rest_framework.response import Response\n\n    return Response\n"
    )

    assert long_functions(module) == ["module.py:1 long (41 lines)"]
    assert framework_imports(module) == ["module.py:56 rest_framework.response"]
