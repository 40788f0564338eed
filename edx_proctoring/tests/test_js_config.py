"""The staff and learner JavaScript read the API base path and the status groups from the page, which the
``proctoring_js_config`` tag serves from `statuses`; their one fallback copy stays equal to it."""

from __future__ import annotations

import json
import re
from pathlib import Path

from django.template import Context, Template

from edx_proctoring.statuses import RUNNING_STATUSES, STATUS_GROUPS
from edx_proctoring.templatetags.proctoring_config import DEFAULT_API_BASE

JS_ROOT = Path(__file__).resolve().parent.parent / "static" / "proctoring" / "js"
UTILS_JS = (JS_ROOT / "proctoring_utils.js").read_text(encoding="utf-8")


def _rendered_config() -> dict:
    html = Template("{% load proctoring_config %}{% proctoring_js_config %}").render(Context())
    match = re.fullmatch(r'<script id="edx-proctoring-config" type="application/json">(.*)</script>', html, re.S)
    assert match, html
    return json.loads(match.group(1))


def test_given_a_page_with_the_tag_when_rendered_then_it_serves_the_mounted_base_and_every_group():
    config = _rendered_config()

    assert config["apiBase"] == "/api/edx_proctoring/v1"
    assert config["statusGroups"] == {name: sorted(group) for name, group in STATUS_GROUPS.items()}


def test_given_a_page_without_the_tag_when_the_scripts_fall_back_then_they_agree_with_python():
    default_base = re.search(r"const DEFAULT_API_BASE = '([^']+)';", UTILS_JS).group(1)
    default_running = re.search(r"const DEFAULT_STATUS_GROUPS = \{running: \[([^\]]*)\]\};", UTILS_JS).group(1)

    assert default_base == DEFAULT_API_BASE
    assert sorted(re.findall(r"'(\w+)'", default_running)) == sorted(RUNNING_STATUSES)


def test_given_the_scripts_when_read_then_only_the_fallback_names_the_api_path_or_a_status_list():
    code_lines = [
        (path.relative_to(JS_ROOT), line)
        for path in JS_ROOT.rglob("*.js")
        if "tests" not in path.relative_to(JS_ROOT).parts
        for line in path.read_text(encoding="utf-8").splitlines()
        if not line.lstrip().startswith(("*", "/*", "//"))
    ]

    api_paths = [(str(path), line.strip()) for path, line in code_lines if "/api/edx_proctoring" in line]
    status_lists = [(str(path), line.strip()) for path, line in code_lines if "['started'" in line]

    assert api_paths == [("proctoring_utils.js", "const DEFAULT_API_BASE = '/api/edx_proctoring/v1';")]
    assert status_lists == [
        ("proctoring_utils.js", "const DEFAULT_STATUS_GROUPS = {running: ['started', 'ready_to_submit']};")
    ]
