"""Which HTTP methods of a view serve which of its routes.

Some views serve several URL patterns (``…/exam`` and ``…/exam/exam_id/<id>``), and not every method takes
every pattern's arguments (PUT and POST take none, GET takes the ids). A method called on a route whose
arguments it does not take answers 405, like any method the view lacks, and the OpenAPI document leaves
it out of that route.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable, Iterable

PATH_PARAMETER = re.compile(r"{(\w+)}")


def handler_accepts(handler: Callable | None, names: Iterable[str]) -> bool:
    """Whether `handler(request, **{name: ...})` binds, for every name (decorators are seen through)."""
    if handler is None:
        return False
    try:
        signature = inspect.signature(handler)
    except (TypeError, ValueError):
        return True
    parameters = signature.parameters.values()
    if any(parameter.kind is inspect.Parameter.VAR_KEYWORD for parameter in parameters):
        return True
    accepted = {
        parameter.name
        for parameter in parameters
        if parameter.kind in (inspect.Parameter.POSITIONAL_OR_KEYWORD, inspect.Parameter.KEYWORD_ONLY)
    }
    required = {
        parameter.name
        for parameter in parameters
        if parameter.default is inspect.Parameter.empty
        and parameter.kind in (inspect.Parameter.POSITIONAL_OR_KEYWORD, inspect.Parameter.KEYWORD_ONLY)
        and parameter.name not in ("self", "request")
    }
    names = set(names)
    return names <= accepted and required <= names


def drop_unroutable_methods(endpoints, **kwargs):  # drf-spectacular preprocessing hook
    """Leave out of the document each (route, method) whose handler does not take the route's parameters."""
    kept = []
    for path, path_regex, method, callback in endpoints:
        view_class = getattr(callback, "cls", None)
        handler = getattr(view_class, method.lower(), None) if view_class is not None else None
        if handler is not None and not handler_accepts(handler, PATH_PARAMETER.findall(path)):
            continue
        kept.append((path, path_regex, method, callback))
    return kept
