"""`config` is the one reader of Django settings, and each accessor reads the source the spec gives it."""

from __future__ import annotations

import ast
from pathlib import Path

from django.test import override_settings

from edx_proctoring import config

PACKAGE = Path(config.__file__).resolve().parent

# The plugin settings hooks edit the settings object they are handed; migrations and models name the user
# model, which is Django's setting rather than ours.
_EXEMPT_DIRS = ("settings", "tests", "migrations")
_USER_MODEL_ONLY_DIRS = ("models",)


def _package_modules() -> list[Path]:
    return sorted(path for path in PACKAGE.rglob("*.py") if path.relative_to(PACKAGE).parts[0] not in _EXEMPT_DIRS)


def _settings_names(*, tree: ast.AST) -> set[str]:
    """The local names bound to ``django.conf.settings`` (or to ``django.conf`` itself)."""
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module == "django.conf":
            names |= {alias.asname or alias.name for alias in node.names if alias.name == "settings"}
        elif isinstance(node, ast.ImportFrom) and node.module == "django":
            names |= {alias.asname or alias.name for alias in node.names if alias.name == "conf"}
        elif isinstance(node, ast.Import):
            names |= {alias.asname or alias.name for alias in node.names if alias.name.startswith("django.conf")}
    return names


def _settings_reads(*, tree: ast.AST, names: set[str]) -> set[str]:
    """Attributes read from those names (``settings.X``, ``getattr(settings, "X")``); '?' for anything else."""
    reads = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id in names:
            reads.add(node.attr)
        elif isinstance(node, ast.Call) and getattr(node.func, "id", None) in {"getattr", "hasattr"}:
            target = node.args[0] if node.args else None
            if isinstance(target, ast.Name) and target.id in names:
                key = node.args[1] if len(node.args) > 1 else None
                reads.add(key.value if isinstance(key, ast.Constant) else "?")
    return reads


def _offences(*, path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = _settings_names(tree=tree)
    if not names:
        return []
    relative = path.relative_to(PACKAGE)
    if relative == Path("config.py"):
        return []
    if relative.parts[0] in _USER_MODEL_ONLY_DIRS:
        others = _settings_reads(tree=tree, names=names) - {"AUTH_USER_MODEL"}
        return [f"{relative} reads settings.{name}" for name in sorted(others)]
    return [f"{relative} imports django.conf.settings"]


def test_given_the_package_when_scanned_then_only_config_reads_django_settings():
    offences = [offence for path in _package_modules() for offence in _offences(path=path)]

    assert offences == [], "read settings through edx_proctoring.config instead:\n" + "\n".join(offences)


def test_given_a_module_reading_settings_when_scanned_then_the_scan_names_it():
    # The scan itself must catch each way of reaching the settings, or the test above proves nothing.
    sources = {
        "plain.py": "from django.conf import settings\nX = settings.FOO\n",
        "aliased.py": "from django.conf import settings as s\nX = getattr(s, 'FOO', 1)\n",
        "module.py": "from django import conf\nX = conf.settings.FOO\n",
    }
    for name, source in sources.items():
        tree = ast.parse(source)
        assert _settings_names(tree=tree), name
    model_tree = ast.parse("from django.conf import settings\nA = settings.AUTH_USER_MODEL\nB = settings.DEBUG\n")
    assert _settings_reads(tree=model_tree, names={"settings"}) == {"AUTH_USER_MODEL", "DEBUG"}


@override_settings(PLATFORM_NAME="Host", CONTACT_EMAIL="host@example.org")
def test_given_proctoring_overrides_when_the_exam_settings_ask_then_the_top_level_values_win():
    with override_settings(PROCTORING_SETTINGS={"PLATFORM_NAME": "Ours", "CONTACT_EMAIL": "ours@example.org"}):
        assert config.top_level_platform_name() == "Host"
        assert config.top_level_contact_email() == "host@example.org"
        assert config.platform_name() == "Ours"


def test_given_no_link_urls_when_read_then_none_as_the_spec_reports_it():
    with override_settings(PROCTORING_SETTINGS={}):
        assert config.link_urls() is None
    with override_settings(PROCTORING_SETTINGS={"LINK_URLS": {"faq": "/faq"}}):
        assert config.link_urls() == {"faq": "/faq"}


def test_given_no_async_setting_when_read_then_notifications_are_inline():
    with override_settings(PROCTORING_SETTINGS={}):
        assert config.async_notifications() is False
    with override_settings(PROCTORING_SETTINGS={"ASYNC_NOTIFICATIONS": True}):
        assert config.async_notifications() is True


def test_given_no_learning_mfe_when_its_url_is_read_then_it_is_blank():
    with override_settings(LEARNING_MICROFRONTEND_URL="https://learning.example.org"):
        assert config.learning_mfe_url() == "https://learning.example.org"
    with override_settings():
        from django.conf import settings  # deleting the setting needs the object itself

        del settings.LEARNING_MICROFRONTEND_URL
        assert config.learning_mfe_url() == ""
