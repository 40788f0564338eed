"""A plain ``pip install`` of the built wheel brings everything the package imports at run time.

The suite runs in a virtualenv holding the test requirements, where a dependency the package forgot to
declare is present anyway. Here the wheel goes into an empty virtualenv, pip resolves its
declared dependencies from the index (through pip's cache), and every module of the installed package is
imported there: all of them but the tests, and the modules of an optional extra only once that extra is
installed. About 20-30 s, most of it pip fetching the index pages (its cache holds the files).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
import venv
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
# What the build reads: the metadata, the readme it names, the requirements file its dependencies come from
# (pyproject.toml), and the package with its templates, static files and catalogues.
BUILD_INPUTS = ("pyproject.toml", "setup.py", "README.rst", "requirements/base.in", "edx_proctoring")
# Modules importable only with an optional extra installed: module (or package) name -> extra. None yet;
# a module of an extra that is missing here fails the plain install's import.
EXTRA_MODULES: dict[str, str] = {}

pytestmark = pytest.mark.slow

# Runs inside the fresh virtualenv: configures the apps the package's models and admin need, imports the
# modules named on stdin and prints, as JSON, where the package came from and what failed with why (setting
# Django up imports the models and the admin, so it can fail on a missing dependency too).
IMPORT_EVERY_MODULE = textwrap.dedent(
    """
    import importlib, json, sys, traceback

    import django
    from django.conf import settings

    settings.configure(
        SECRET_KEY="wheel-install-check",
        USE_TZ=True,
        DATABASES={"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}},
        INSTALLED_APPS=[
            "django.contrib.admin",
            "django.contrib.auth",
            "django.contrib.contenttypes",
            "django.contrib.sessions",
            "django.contrib.messages",
            "rest_framework",
            "drf_spectacular",
            "simple_history",
            "waffle",
            "edx_when",
            "edx_proctoring",
        ],
        ROOT_URLCONF="edx_proctoring.urls",
    )
    import edx_proctoring

    failures = {}
    try:
        django.setup()
    except Exception:
        failures["django.setup()"] = traceback.format_exc(limit=-3)
    else:
        for name in json.load(sys.stdin):
            try:
                importlib.import_module(name)
            except Exception:
                failures[name] = traceback.format_exc(limit=-3)
    print(json.dumps({"package_file": edx_proctoring.__file__, "failures": failures}))
    """
)


def _run(*args: str | Path, cwd: Path, stdin: str | None = None) -> str:
    # The virtualenv is thrown away: bytecode of its modules would only pile up (make test caches bytecode).
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    done = subprocess.run(
        [str(arg) for arg in args], cwd=cwd, env=env, input=stdin, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, f"{' '.join(map(str, args))[:200]} failed:\n{done.stdout}\n{done.stderr}"
    return done.stdout


def _build_wheel(*, work: Path) -> Path:
    # Built from a copy: an in-tree build would leave build/ and *.egg-info in the shared checkout.
    source = work / "source"
    for name in BUILD_INPUTS:
        origin = REPO / name
        if origin.is_dir():
            shutil.copytree(origin, source / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        elif origin.exists():
            (source / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(origin, source / name)
    _run(
        sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation",
        "--wheel-dir", work / "dist", source, cwd=work,
    )  # fmt: skip
    (wheel,) = (work / "dist").glob("edx_proctoring-*.whl")
    return wheel


def _fresh_virtualenv(*, work: Path) -> Path:
    # No pip of its own (ensurepip costs seconds): this interpreter's pip installs into it with --python.
    venv.EnvBuilder(with_pip=False, clear=True).create(work / "venv")
    return work / "venv" / "bin" / "python"


def _install(*, python: Path, requirement: str, work: Path) -> None:
    _run(sys.executable, "-m", "pip", "--python", python, "install", "--quiet", "--no-compile", requirement, cwd=work)


def _installed_modules(*, python: Path, work: Path) -> list[str]:
    site = Path(_run(python, "-I", "-c", "import sysconfig; print(sysconfig.get_path('purelib'))", cwd=work).strip())
    package_dir = site / "edx_proctoring"
    names = []
    for path in sorted(package_dir.rglob("*.py")):
        parts = list(path.relative_to(site).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        names.append(".".join(parts))
    return names


def _is_under(name: str, prefix: str) -> bool:
    return name == prefix or name.startswith(f"{prefix}.")


def _import_in(*, python: Path, modules: list[str], work: Path) -> dict:
    # -I: neither the checkout nor PYTHONPATH is on the path, only what the wheel installed.
    return json.loads(_run(python, "-I", "-c", IMPORT_EVERY_MODULE, cwd=work, stdin=json.dumps(modules)))


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    return _build_wheel(work=tmp_path_factory.mktemp("wheel"))


def test_given_the_wheel_in_a_fresh_virtualenv_then_every_module_but_the_tests_imports(wheel, tmp_path):
    python = _fresh_virtualenv(work=tmp_path)
    _install(python=python, requirement=str(wheel), work=tmp_path)
    modules = [
        name
        for name in _installed_modules(python=python, work=tmp_path)
        if not _is_under(name, "edx_proctoring.tests") and not any(_is_under(name, m) for m in EXTRA_MODULES)
    ]

    result = _import_in(python=python, modules=modules, work=tmp_path)

    assert Path(result["package_file"]).is_relative_to(tmp_path / "venv"), "imported the checkout, not the wheel"
    assert len(modules) > 100, modules  # the walk found the package, not an empty directory
    assert not result["failures"], "\n".join(f"{name}:\n{why}" for name, why in result["failures"].items())


NO_EXTRA = pytest.param(None, marks=pytest.mark.skip(reason="the package declares no optional extra"))


@pytest.mark.parametrize("extra", sorted(set(EXTRA_MODULES.values())) or [NO_EXTRA])
def test_given_an_extra_installed_then_its_modules_import(wheel, tmp_path, extra):
    # A virtualenv of its own: the plain install's check must never see an extra's dependencies.
    python = _fresh_virtualenv(work=tmp_path)
    _install(python=python, requirement=f"edx-proctoring[{extra}] @ {wheel.as_uri()}", work=tmp_path)
    modules = [
        name
        for name in _installed_modules(python=python, work=tmp_path)
        if any(_is_under(name, module) for module, needs in EXTRA_MODULES.items() if needs == extra)
    ]

    result = _import_in(python=python, modules=modules, work=tmp_path)

    assert modules, f"no module of the {extra!r} extra was found in the wheel"
    assert not result["failures"], "\n".join(f"{name}:\n{why}" for name, why in result["failures"].items())
