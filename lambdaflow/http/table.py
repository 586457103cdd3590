"""The compiled route table: path template -> methods -> Route, built at registration.

A request costs one dict lookup for a path without parameters; otherwise the patterns of its
bucket (same segment count and first segment, then same count and a parameter first) are
tried, most literal segments first; `{name+}` templates (API Gateway's
greedy parameter) are tried last.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from ..errors import RegistrationError

if TYPE_CHECKING:
    from .routes import Route

_PARAMETER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)(\+?)\}")
#: {methods} of one path shape, with the parameters' values of a request
Match = tuple[dict[str, "Route"], tuple[str, ...]]
#: Dynamic shapes are kept by (segment count, first segment, None when it is a parameter).
Bucket = tuple[int, str | None]


def normal_path(path: str) -> str:
    """Routes and requests alike: one leading slash, no trailing one (but for the root)."""
    if not path.startswith("/"):
        path = "/" + path
    return path[:-1] if len(path) > 1 and path.endswith("/") else path


def parse_template(template: str) -> tuple[str, tuple[str, ...], bool]:
    """(shape, parameter names, greedy) of `/orders/{order_id}`: shape `/orders/{}`."""
    names: list[str] = []
    greedy = False
    for segment in template.split("/")[1:]:
        if greedy:
            raise RegistrationError(f"route {template!r}: a {{name+}} parameter ends a path")
        found = _PARAMETER.fullmatch(segment)
        if found is not None:
            names.append(found.group(1))
            greedy = bool(found.group(2))
        elif "{" in segment or "}" in segment:
            raise RegistrationError(
                f"route {template!r}: a parameter is a whole segment, `{{name}}` or `{{name+}}`"
            )
    if len(set(names)) != len(names):
        raise RegistrationError(f"route {template!r} names a parameter twice")
    shape = _PARAMETER.sub(lambda m: "{+}" if m.group(2) else "{}", template)
    return shape, tuple(names), greedy


def _pattern(shape: str) -> re.Pattern[str]:
    parts = []
    for segment in shape.split("/")[1:]:
        if segment == "{}":
            parts.append("([^/]+)")
        elif segment == "{+}":
            parts.append("(.+)")
        else:
            parts.append(re.escape(segment))
    return re.compile("/" + "/".join(parts))


class Table:
    """Lookup of a request path in every registered route."""

    __slots__ = ("_dynamic", "_greedy", "_static")

    def __init__(self, routes: list[Route]) -> None:
        shapes: dict[str, dict[str, Route]] = {}
        for route in routes:  # the Router refused duplicates as they were registered
            methods = shapes.setdefault(route.shape, {})
            for method in route.methods:
                methods[method] = route
        self._static: dict[str, dict[str, Route]] = {}
        dynamic: dict[Bucket, list[tuple[int, re.Pattern[str], dict[str, Route]]]] = {}
        greedy: list[tuple[int, re.Pattern[str], dict[str, Route]]] = []
        for shape, methods in shapes.items():
            if "{" not in shape:
                self._static[shape] = methods
                continue
            segments = shape.split("/")[1:]
            literal = sum("{" not in s for s in segments)
            entry = (literal, _pattern(shape), methods)
            if shape.endswith("{+}"):
                greedy.append(entry)
            else:
                first = segments[0] if segments[0] != "{}" else None
                dynamic.setdefault((len(segments), first), []).append(entry)
        self._dynamic = {
            bucket: tuple((p, m) for _, p, m in sorted(entries, key=lambda e: -e[0]))
            for bucket, entries in dynamic.items()
        }
        self._greedy = tuple((p, m) for _, p, m in sorted(greedy, key=lambda e: -e[0]))

    def find(self, path: str) -> Match | None:
        methods = self._static.get(path)
        if methods is not None:
            return methods, ()
        count = path.count("/")
        end = path.find("/", 1)
        first = path[1:end] if end > 0 else path[1:]
        dynamic = self._dynamic
        for bucket in ((count, first), (count, None)):
            for pattern, methods in dynamic.get(bucket, ()):
                found = pattern.fullmatch(path)
                if found is not None:
                    return methods, found.groups()
        for pattern, methods in self._greedy:
            found = pattern.fullmatch(path)
            if found is not None:
                return methods, found.groups()
        return None
