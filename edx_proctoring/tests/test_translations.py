"""The translation catalogues: every string marked, every shipped catalogue complete, safe and compiled.

``make extract_translations`` writes the English source (``edx_proctoring/conf/locale/en/LC_MESSAGES``) and
merges it into the catalogues shipped in ``edx_proctoring/locale``; ``make compile_translations`` builds the
``.mo`` files. These checks hold every shipped language to the same bar: a string added without its
translations, a translation that drops or renames a placeholder, the wrong number of plural forms or a
stale ``.mo`` fails the suite.
"""

import json
import os
import re
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

import polib
import pytest
from django.template import engines
from django.utils import translation
from django.views.i18n import JavaScriptCatalog

PACKAGE = Path(__file__).resolve().parent.parent
ROOT = PACKAGE.parent
SOURCE_DIR = PACKAGE / "conf" / "locale" / "en" / "LC_MESSAGES"
SHIPPED_DIR = PACKAGE / "locale"
DOMAINS = ("django", "djangojs")

sys.path.insert(0, str(ROOT / "tools"))
import i18n  # noqa: E402 - tools/i18n.py, the extraction script

LANGUAGES = sorted(i18n.PLURAL_FORMS)
# Languages whose translation is still being written: their completeness checks are skipped, every other
# check (placeholders, plural rules, compiling) applies.
IN_PROGRESS: set[str] = set()
# CHECK_LANGUAGES=fr,de_DE runs the completeness checks of languages still in progress (a translator's check).
IN_PROGRESS -= set(filter(None, os.environ.get("CHECK_LANGUAGES", "").split(",")))


def _skip_in_progress(language):
    if language in IN_PROGRESS:
        pytest.skip(f"the {language} translation is in progress")


def source(domain):
    return polib.pofile(str(SOURCE_DIR / f"{domain}.po"))


def shipped(language, domain):
    return polib.pofile(str(SHIPPED_DIR / language / "LC_MESSAGES" / f"{domain}.po"))


# -- every learner- and staff-facing string in a template is marked ------------------------------------

# Attributes a person reads (or hears from a screen reader).
READ_ATTRIBUTES = r"(?:title|aria-label|aria-description|placeholder|alt|value|label|data-hide-text|data-show-text)"
WORD = re.compile(r"[A-Za-z]{2}")


def _unmarked(markup):
    """Text and readable attribute values left once every tag of the template language is removed."""
    markup = re.sub(r"<(script|style)\b.*?</\1>", "", markup, flags=re.S)
    markup = re.sub(r"<!--.*?-->", "", markup, flags=re.S)
    found = []
    for match in re.finditer(r"\s" + READ_ATTRIBUTES + r'="([^"]*)"', markup):
        value = match.group(1)
        # Machine values of form controls (value="paused") are not read as text.
        if WORD.search(value) and not re.fullmatch(r"[a-z_]+", value):
            found.append(match.group(0).strip())
    text = re.sub(r"<[^>]*>", "\n", markup)
    found += [line.strip() for line in text.splitlines() if WORD.search(line)]
    return found


def _strip_django_tags(source_text):
    text = re.sub(r"{%\s*comment\s*%}.*?{%\s*endcomment\s*%}", "", source_text, flags=re.S)
    text = re.sub(r"{%\s*blocktrans(?:late)?\b.*?{%\s*endblocktrans(?:late)?\s*%}", "", text, flags=re.S)
    text = re.sub(r"{#.*?#}", "", text, flags=re.S)
    return re.sub(r"{%.*?%}|{{.*?}}", "", text, flags=re.S)


DJANGO_TEMPLATES = sorted((PACKAGE / "templates").glob("**/*.html"))
UNDERSCORE_TEMPLATES = sorted((PACKAGE / "static" / "proctoring" / "templates").glob("*.underscore"))


@pytest.mark.parametrize("path", DJANGO_TEMPLATES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_django_template_has_no_unmarked_text(path):
    assert _unmarked(_strip_django_tags(path.read_text(encoding="utf-8"))) == []


@pytest.mark.parametrize("path", UNDERSCORE_TEMPLATES, ids=lambda p: p.name)
def test_underscore_template_has_no_unmarked_text(path):
    assert _unmarked(re.sub(r"<%[\s\S]*?%>", "", path.read_text(encoding="utf-8"))) == []


def test_the_unmarked_text_check_finds_plain_text_and_labels():
    markup = '<p>{% trans "Marked" %} Plain words</p><button aria-label="Close it">{{ x }}</button><i value="on">'
    assert _unmarked(_strip_django_tags(markup)) == ['aria-label="Close it"', "Plain words"]


# -- the source catalogues are current ----------------------------------------------------------------


def _ids(catalogue):
    return {(entry.msgctxt, entry.msgid, entry.msgid_plural) for entry in catalogue if not entry.obsolete}


@pytest.mark.skipif(not shutil.which("xgettext"), reason="GNU gettext is not installed (apt-get install gettext)")
def test_source_catalogues_match_a_fresh_extraction(tmp_path):
    """`make extract_translations` was run after the last string change (and its merge reached every language)."""
    copy = tmp_path / "edx_proctoring"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("tests", "__pycache__", "*.mo", "locale"))
    (copy / "conf" / "locale" / "en" / "LC_MESSAGES").mkdir(parents=True)
    (copy / "locale").mkdir()
    script = (
        "import sys, i18n; from pathlib import Path; p = Path(sys.argv[1]); i18n.PACKAGE = p;"
        "i18n.SOURCE_DIR = p / 'conf/locale/en/LC_MESSAGES'; i18n.SHIPPED_DIR = p / 'locale';"
        "i18n.UNDERSCORE_DIR = p / 'static/proctoring/templates'; i18n.extract([])"
    )
    subprocess.run(
        [sys.executable, "-c", script, str(copy)],
        cwd=ROOT / "tools",
        check=True,
        capture_output=True,
        env={"PATH": str(Path(sys.executable).parent) + ":/usr/bin:/bin"},
    )
    for domain in DOMAINS:
        fresh = _ids(polib.pofile(str(copy / "conf" / "locale" / "en" / "LC_MESSAGES" / f"{domain}.po")))
        committed = _ids(source(domain))
        assert (sorted(fresh - committed), sorted(committed - fresh)) == ([], []), (
            f"{domain}.po is out of date: run make extract_translations, translate the new strings"
        )


def test_every_underscore_string_is_in_the_javascript_catalogue():
    ids = {entry.msgid for entry in source("djangojs")}
    assert [text for text, _where in i18n.underscore_messages() if text not in ids] == []


# -- each shipped catalogue: complete, safe placeholders, plural rules, compiled ------------------------

PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%[sd]|\{[\w.$]+\}|</?[a-zA-Z][^>]*>")


def placeholders(text):
    return Counter(PLACEHOLDER.findall(text))


CATALOGUES = [(language, domain) for language in LANGUAGES for domain in DOMAINS]


@pytest.mark.parametrize(("language", "domain"), CATALOGUES)
def test_catalogue_has_every_source_string_translated(language, domain):
    _skip_in_progress(language)
    catalogue = shipped(language, domain)
    assert _ids(catalogue) == _ids(source(domain)), "run make extract_translations"
    untranslated = [entry.msgid for entry in catalogue if not entry.translated()]
    assert untranslated == []
    assert [entry.msgid for entry in catalogue if "fuzzy" in entry.flags] == []


@pytest.mark.parametrize(("language", "domain"), CATALOGUES)
def test_translations_keep_the_placeholders_and_tags_of_the_source(language, domain):
    wrong = []
    for entry in shipped(language, domain):
        if entry.msgid_plural:
            expected = placeholders(entry.msgid_plural)
            wrong += [(entry.msgid, t) for t in entry.msgstr_plural.values() if t and placeholders(t) != expected]
        elif entry.msgstr and placeholders(entry.msgstr) != placeholders(entry.msgid):
            wrong.append((entry.msgid, entry.msgstr))
    assert wrong == []


@pytest.mark.parametrize(("language", "domain"), CATALOGUES)
def test_catalogue_follows_the_plural_rules_of_its_language(language, domain):
    catalogue = shipped(language, domain)
    assert catalogue.metadata["Language"] == language
    assert catalogue.metadata["Plural-Forms"] == i18n.PLURAL_FORMS[language]
    nplurals = int(re.search(r"nplurals=(\d+)", i18n.PLURAL_FORMS[language]).group(1))
    assert [e.msgid for e in catalogue if e.msgid_plural and sorted(e.msgstr_plural) != list(range(nplurals))] == []


@pytest.mark.skipif(not shutil.which("msgfmt"), reason="GNU gettext is not installed (apt-get install gettext)")
@pytest.mark.parametrize(("language", "domain"), CATALOGUES)
def test_catalogue_compiles_clean(language, domain, tmp_path):
    po_path = SHIPPED_DIR / language / "LC_MESSAGES" / f"{domain}.po"
    result = subprocess.run(
        ["msgfmt", "--check", "-o", str(tmp_path / "out.mo"), str(po_path)], capture_output=True, text=True
    )
    assert (result.returncode, result.stderr) == (0, "")


@pytest.mark.parametrize(("language", "domain"), CATALOGUES)
def test_committed_mo_file_matches_its_catalogue(language, domain):
    """The package ships the compiled catalogue: run make compile_translations after editing a .po file."""
    po_path = SHIPPED_DIR / language / "LC_MESSAGES" / f"{domain}.po"
    compiled = polib.mofile(str(po_path.with_suffix(".mo")))

    def table(catalogue):
        return {
            (e.msgctxt, e.msgid): (e.msgstr, tuple(sorted(e.msgstr_plural.items())))
            for e in catalogue
            if e.msgid and (e.msgstr or any(e.msgstr_plural.values())) and "fuzzy" not in e.flags
        }

    assert table(compiled) == table(polib.pofile(str(po_path)))


def test_package_data_ships_the_compiled_catalogues():
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert '"locale/**/*"' in pyproject


# -- Django serves them ---------------------------------------------------------------------------------


def _translation_of(language, domain, msgid):
    return next(entry.msgstr for entry in shipped(language, domain) if entry.msgid == msgid)


@pytest.mark.parametrize("language", LANGUAGES)
def test_templates_render_in_the_active_language(language):
    """A shipped translation reaches a rendered template (Django finds the app's locale directory)."""
    _skip_in_progress(language)
    template = engines["django"].from_string('{% load i18n %}{% trans "Exam code" %}')
    with translation.override(translation.to_language(language)):
        rendered = template.render({})
    assert rendered == _translation_of(language, "django", "Exam code") != "Exam code"


@pytest.mark.parametrize("language", LANGUAGES)
def test_javascript_catalogue_serves_the_strings_and_plural_rule(language, rf):
    """Django's JavaScript catalogue (what edx-platform's i18n.js and the demo load) carries our djangojs.po."""
    _skip_in_progress(language)
    view = JavaScriptCatalog.as_view(packages=["edx_proctoring"])
    with translation.override(translation.to_language(language)):
        body = view(rf.get("/jsi18n/")).content.decode("utf-8")
    expected = _translation_of(language, "djangojs", "Cancel")
    assert json.dumps(expected)[1:-1] in body
    rule = re.search(r"plural=(.*);$", i18n.PLURAL_FORMS[language]).group(1)
    assert f"const v = {rule};" in body
