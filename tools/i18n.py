"""The translation workflow of edx_proctoring: ``make extract_translations`` and ``make compile_translations``.

extract
    Writes the English source catalogues the Open edX way (OEP-58):
    ``edx_proctoring/conf/locale/en/LC_MESSAGES/django.po`` (templates, Python, emails, admin labels) and
    ``djangojs.po`` (the JavaScript and the ``<%t ... %>`` strings of the ``.underscore`` templates, which
    xgettext cannot read). Then it merges the new source into every catalogue the package ships in
    ``edx_proctoring/locale/<lang>/LC_MESSAGES/``: new strings arrive untranslated (the catalogue checks in
    ``edx_proctoring/tests/test_translations.py`` then fail until someone translates them), strings that
    left the source are dropped. ``--new LANG`` starts a catalogue for another language.

compile
    Builds the ``.mo`` files of every shipped language with Django's ``compilemessages`` (GNU gettext's
    ``msgfmt --check-format``). The ``.mo`` files are committed: a site that never compiles still gets them.

GNU gettext (xgettext, msgmerge, msgattrib, msgfmt) does the work, through Django's commands.
"""

import argparse
import os
import re
import shutil
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "edx_proctoring"
SOURCE_DIR = PACKAGE / "conf" / "locale" / "en" / "LC_MESSAGES"
SHIPPED_DIR = PACKAGE / "locale"
UNDERSCORE_DIR = PACKAGE / "static" / "proctoring" / "templates"
DOMAINS = ("django", "djangojs")
DJANGO_ADMIN = str(Path(sys.executable).with_name("django-admin"))

# Each shipped language with its gettext plural rule; the catalogue checks hold every catalogue to these.
PLURAL_FORMS = {
    "es_419": "nplurals=2; plural=(n != 1);",
    "fr": "nplurals=2; plural=(n > 1);",
    "ar": ("nplurals=6; plural=(n==0 ? 0 : n==1 ? 1 : n==2 ? 2 : n%100>=3 && n%100<=10 ? 3 : n%100>=11 ? 4 : 5);"),
    "zh_CN": "nplurals=1; plural=0;",
    "pt_BR": "nplurals=2; plural=(n > 1);",
    "ru": ("nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2);"),
    "de_DE": "nplurals=2; plural=(n != 1);",
    "ja_JP": "nplurals=1; plural=0;",
    "tr_TR": "nplurals=2; plural=(n != 1);",
    "hi": "nplurals=2; plural=(n != 1);",
}

# Files and folders that hold no learner- or staff-facing text: the tests, the migrations, the catalogues
# themselves and the mock vendor (a stand-in for a vendor's own site in development and tests).
IGNORED = ["tests", "locale", "conf", "migrations", "mock_vendor"]

UNDERSCORE_TRANS = re.compile(r"<%t([\s\S]*?)%>")


def run(args):
    subprocess.run(args, cwd=PACKAGE, check=True)


def underscore_messages():
    """(text, "path:line") for every ``<%t text %>``, whitespace collapsed as the template function does."""
    found = []
    for path in sorted(UNDERSCORE_DIR.glob("*.underscore")):
        source = path.read_text(encoding="utf-8")
        for match in UNDERSCORE_TRANS.finditer(source):
            text = " ".join(match.group(1).split())
            line = source.count("\n", 0, match.start()) + 1
            found.append((text, f"{path.relative_to(PACKAGE).as_posix()}:{line}"))
    return found


def add_underscore_messages(po_path):
    catalogue = polib.pofile(str(po_path), wrapwidth=0)
    by_id = {entry.msgid: entry for entry in catalogue if not entry.msgid_plural}
    for text, where in underscore_messages():
        entry = by_id.get(text)
        if entry is None:
            entry = polib.POEntry(msgid=text, msgstr="")
            catalogue.append(entry)
            by_id[text] = entry
        entry.occurrences.append((where.rsplit(":", 1)[0], ""))
    for entry in catalogue:
        # One reference per file (the line numbers only churn the diffs).
        entry.occurrences = sorted({(path, "") for path, _line in entry.occurrences})
    catalogue.save(str(po_path))


def makemessages(domain, extensions):
    args = [DJANGO_ADMIN, "makemessages", "-l", "en", "-d", domain, "--no-wrap", "--add-location=file"]
    args += [f"--extension={ext}" for ext in extensions]
    args += [f"--ignore={pattern}" for pattern in IGNORED]
    run(args)


def set_header(catalogue, language):
    catalogue.header = (
        f"Translations of edx-proctoring ({language}).\n"
        "This file is distributed under the same license as edx-proctoring (AGPL-3.0)."
    )
    catalogue.metadata_is_fuzzy = False
    catalogue.metadata.update(
        {
            "Project-Id-Version": "edx-proctoring",
            "Report-Msgid-Bugs-To": "",
            "Language": language,
            "MIME-Version": "1.0",
            "Content-Type": "text/plain; charset=UTF-8",
            "Content-Transfer-Encoding": "8bit",
        }
    )
    if language in PLURAL_FORMS:
        catalogue.metadata["Plural-Forms"] = PLURAL_FORMS[language]
    if language == "en":
        for key in ("Last-Translator", "Language-Team", "PO-Revision-Date"):
            catalogue.metadata.pop(key, None)
    else:
        catalogue.metadata.setdefault("PO-Revision-Date", "")
        if not re.match(r"\d{4}-\d\d-\d\d \d\d:\d\d[+-]\d{4}$", catalogue.metadata["PO-Revision-Date"]):
            catalogue.metadata["PO-Revision-Date"] = datetime.now(UTC).strftime("%Y-%m-%d %H:%M+0000")
        catalogue.metadata["Last-Translator"] = "edx-proctoring maintainers"
        catalogue.metadata["Language-Team"] = f"edx-proctoring {language}"


def merge_into(language):
    """Bring the catalogues of one shipped language in line with the source (creating them if needed)."""
    target_dir = SHIPPED_DIR / language / "LC_MESSAGES"
    target_dir.mkdir(parents=True, exist_ok=True)
    for domain in DOMAINS:
        source = SOURCE_DIR / f"{domain}.po"
        target = target_dir / f"{domain}.po"
        if target.exists():
            run(["msgmerge", "--quiet", "--no-wrap", "--no-fuzzy-matching", "--update", "--backup=none",
                 str(target), str(source)])  # fmt: skip
            run(["msgattrib", "--no-wrap", "--no-obsolete", "-o", str(target), str(target)])
        else:
            shutil.copyfile(source, target)
        catalogue = polib.pofile(str(target), wrapwidth=0)
        set_header(catalogue, language)
        nplurals = int(re.search(r"nplurals=(\d+)", catalogue.metadata["Plural-Forms"]).group(1))
        for entry in catalogue:
            if entry.msgid_plural:
                entry.msgstr_plural = {n: entry.msgstr_plural.get(n, "") for n in range(nplurals)}
        catalogue.save(str(target))


def extract(new_languages):
    SOURCE_DIR.mkdir(parents=True, exist_ok=True)
    for domain in DOMAINS:
        # A fresh extraction each time: merging into the old source would keep the .underscore strings obsolete.
        (SOURCE_DIR / f"{domain}.po").unlink(missing_ok=True)
    makemessages("django", ["html", "txt", "py"])
    makemessages("djangojs", ["js"])
    add_underscore_messages(SOURCE_DIR / "djangojs.po")
    for domain in DOMAINS:
        catalogue = polib.pofile(str(SOURCE_DIR / f"{domain}.po"), wrapwidth=0)
        set_header(catalogue, "en")
        catalogue.metadata["Plural-Forms"] = "nplurals=2; plural=(n != 1);"
        catalogue.save(str(SOURCE_DIR / f"{domain}.po"))
    languages = sorted({path.name for path in SHIPPED_DIR.iterdir() if path.is_dir()} | set(new_languages))
    for language in languages:
        merge_into(language)
    for domain in DOMAINS:
        count = len(polib.pofile(str(SOURCE_DIR / f"{domain}.po")))
        print(f"{domain}: {count} strings; merged into {', '.join(languages)}")


def compile_catalogues():
    languages = sorted(path.name for path in SHIPPED_DIR.iterdir() if path.is_dir())
    run([DJANGO_ADMIN, "compilemessages", *[f"--locale={language}" for language in languages]])


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    extract_parser = commands.add_parser("extract", help="write the source catalogues and merge them")
    extract_parser.add_argument("--new", action="append", default=[], metavar="LANG", help="start a language")
    commands.add_parser("compile", help="build the .mo files of the shipped languages")
    options = parser.parse_args()
    os.environ.pop("DJANGO_SETTINGS_MODULE", None)
    if options.command == "extract":
        extract(options.new)
    else:
        compile_catalogues()


if __name__ == "__main__":
    main()
