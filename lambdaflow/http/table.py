"""The compiled route table: path template -> methods -> Route, built once.

A request costs one dict lookup for a path without parameters; otherwise the shapes of its
bucket (same segment count and first segment, then same count and a parameter first) are
compared segment by segment, most literal segments first; `{name+}` templates (API Gateway's
greedy parameter) are tried last. No regular expression: compiling one per shape would cost
cold start, and a handful of string comparisons is as fast.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..errors import RegistrationError

if TYPE_CHECKING:
    from .routes import Route

#: {methods} of one path shape, with the parameters' values of a request
Match = tuple[dict[str, "Route"], tuple[str, ...]]
#: A shape's segments: a literal, or None for a parameter.
Segments = tuple[str | None, ...]
#: Dynamic shapes are kept by (segment count, first segment, None when it is a parameter).
Bucket = tuple[int, str | None]


def normal_path(path: str) -> str:
    """Routes and requests alike: one leading slash, no trailing one (but for the root)."""
    if not path.startswith("/"):
        path = "/" + path
    return path[:-1] if len(path) > 1 and path.endswith("/") else path


def _parameter(segment: str) -> tuple[str, bool] | None:
    """(name, greedy) of a `{name}` or `{name+}` segment, None for a literal one."""
    if not (segment.startswith("{") and segment.endswith("}")):
        return None
    name = segment[1:-1]
    greedy = name.endswith("+")
    name = name.removesuffix("+")
    return (name, greedy) if name.isidentifier() else None


def parse_template(template: str) -> tuple[str, tuple[str, ...], bool]:
    """(shape, parameter names, greedy) of `/orders/{order_id}`: shape `/orders/{}`."""
    names: list[str] = []
    shape: list[str] = []
    greedy = False
    for segment in template.split("/")[1:]:
        if greedy:
            raise RegistrationError(f"route {template!r}: a {{name+}} parameter ends a path")
        found = _parameter(segment)
        if found is None:
            if "{" in segment or "}" in segment:
                raise RegistrationError(
                    f"route {template!r}: a parameter is a whole segment, `{{name}}` or "
                    "`{name+}`"
                )
            shape.append(segment)
            continue
        names.append(found[0])
        greedy = found[1]
        shape.append("{+}" if greedy else "{}")
    if len(set(names)) != len(names):
        raise RegistrationError(f"route {template!r} names a parameter twice")
    return "/" + "/".join(shape), tuple(names), greedy


def _segments(shape: str) -> Segments:
    return tuple(None if s in ("{}", "{+}") else s for s in shape.split("/")[1:])


def _values(segments: Segments, parts: list[str]) -> tuple[str, ...] | None:
    """The parameters' values if `parts` (a path's segments) fit `segments`, else None."""
    values = []
    for literal, part in zip(segments, parts):  # noqa: B905 (lengths checked by the caller)
        if literal is None:
            if not part:
                return None
            values.append(part)
        elif literal != part:
            return None
    return tuple(values)


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
        dynamic: dict[Bucket, list[tuple[int, Segments, dict[str, Route]]]] = {}
        greedy: list[tuple[int, Segments, dict[str, Route]]] = []
        for shape, methods in shapes.items():
            if "{" not in shape:
                self._static[shape] = methods
                continue
            segments = _segments(shape)
            entry = (sum(s is not None for s in segments), segments, methods)
            if shape.endswith("{+}"):
                greedy.append(entry)
            else:
                dynamic.setdefault((len(segments), segments[0]), []).append(entry)
        self._dynamic = {
            bucket: tuple((s, m) for _, s, m in sorted(entries, key=lambda e: -e[0]))
            for bucket, entries in dynamic.items()
        }
        self._greedy = tuple((s, m) for _, s, m in sorted(greedy, key=lambda e: -e[0]))

    def find(self, path: str) -> Match | None:
        methods = self._static.get(path)
        if methods is not None:
            return methods, ()
        parts = path.split("/")[1:]
        count = len(parts)
        dynamic = self._dynamic
        for bucket in ((count, parts[0]), (count, None)):
            for segments, methods in dynamic.get(bucket, ()):
                values = _values(segments, parts)
                if values is not None:
                    return methods, values
        for segments, methods in self._greedy:
            fixed = len(segments) - 1
            if count > fixed:
                values = _values(segments[:fixed], parts[:fixed])
                rest = "/".join(parts[fixed:])
                if values is not None and rest:
                    return methods, (*values, rest)
        return None
