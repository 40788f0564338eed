"""``{% proctoring_js_config %}``: what the proctoring JavaScript needs from the server, served by the page.

A host page that loads the proctoring scripts adds ``{% load proctoring_config %}{% proctoring_js_config %}``
once: the API's base path (where the host mounted our URLs) and the named status groups of `statuses`, so
the scripts never keep their own copies.
"""

from __future__ import annotations

from django import template
from django.urls import NoReverseMatch, reverse
from django.utils.html import json_script
from django.utils.safestring import SafeString

from edx_proctoring.statuses import STATUS_GROUPS

register = template.Library()

CONFIG_ELEMENT_ID = "edx-proctoring-config"
DEFAULT_API_BASE = "/api/edx_proctoring/v1"
# A route whose path is the API base plus this suffix; Studio mounts only the instructor route, so there
# the default stands.
_ANCHOR_ROUTE, _ANCHOR_SUFFIX = "edx_proctoring:proctored_exam.exam", "/proctored_exam/exam"


def api_base() -> str:
    try:
        path = reverse(_ANCHOR_ROUTE)
    except NoReverseMatch:
        return DEFAULT_API_BASE
    return path.removesuffix(_ANCHOR_SUFFIX) if path.endswith(_ANCHOR_SUFFIX) else DEFAULT_API_BASE


def js_config() -> dict:
    return {
        "apiBase": api_base(),
        "statusGroups": {name: sorted(group) for name, group in STATUS_GROUPS.items()},
    }


@register.simple_tag
def proctoring_js_config() -> SafeString:
    return json_script(js_config(), CONFIG_ELEMENT_ID)
