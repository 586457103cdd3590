"""The OpenAPI 3.1 document of a Router: paths from the routes, schemas from their types.

Built on demand (`router.openapi()`), never on the request path; typed classes (attrs,
dataclasses) become components referenced by name.
"""

from __future__ import annotations

import dataclasses
import enum
import inspect
import types
import typing
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import attrs

from ..framework import codec
from ..framework.streaming import HttpStream
from .response import HTTPError, Response

if TYPE_CHECKING:
    from .routes import Route

_SCALARS = {str: "string", int: "integer", float: "number", bool: "boolean"}
_ERROR = {"$ref": "#/components/schemas/Error"}
_ERROR_SCHEMA = {
    "type": "object",
    "properties": {
        "message": {"type": "string"},
        "errors": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {"field": {"type": "string"}, "problem": {"type": "string"}},
                "required": ["field", "problem"],
            },
        },
    },
    "required": ["message"],
}
_NOT_JSON = (Response, HTTPError, bytes, str, type(None))


def document(title: str, version: str, routes: Iterable[Route]) -> dict[str, Any]:
    schemas: dict[str, Any] = {"Error": _ERROR_SCHEMA}
    paths: dict[str, Any] = {}
    for route in routes:
        item = paths.setdefault(route.template.replace("+}", "}"), {})
        for method in route.methods:
            item[method.lower()] = _operation(route, method, schemas)
    return {
        "openapi": "3.1.0",
        "info": {"title": title, "version": version},
        "paths": paths,
        "components": {"schemas": schemas},
    }


def _operation(route: Route, method: str, schemas: dict[str, Any]) -> dict[str, Any]:
    name = getattr(route.function, "__name__", "route")
    operation: dict[str, Any] = {
        "operationId": name if len(route.methods) == 1 else f"{name}_{method.lower()}",
    }
    summary = route.summary or (inspect.getdoc(route.function) or "").partition("\n")[0]
    if summary:
        operation["summary"] = summary
    if route.tags:
        operation["tags"] = list(route.tags)
    parameters = []
    for param in route.params:
        if param.kind in ("request", "context"):
            continue
        schema = schema_of(param.annotation, schemas)
        if param.kind == "body":
            media = "application/octet-stream" if param.annotation is bytes else "application/json"
            operation["requestBody"] = {
                "required": param.required,
                "content": {media: {"schema": schema}},
            }
            continue
        if param.many:
            schema = {"type": "array", "items": schema}
        parameters.append({
            "name": param.key,
            "in": param.kind,
            "required": param.kind == "path" or param.required,
            "schema": schema,
            **({"description": param.source.description}
               if param.source is not None and param.source.description else {}),
        })
    if parameters:
        operation["parameters"] = parameters
    responses: dict[str, Any] = {"200": _success(route.output_type, schemas)}
    if parameters or "requestBody" in operation:
        responses["400"] = _error_response("Invalid request: the bad fields are named")
    responses["500"] = _error_response("Internal Server Error")
    operation["responses"] = responses
    return operation


def _success(output_type: Any, schemas: dict[str, Any]) -> dict[str, Any]:
    if output_type is None or output_type in _NOT_JSON or _is_stream(output_type):
        return {"description": "OK"}
    return {"description": "OK",
            "content": {"application/json": {"schema": schema_of(output_type, schemas)}}}


def _is_stream(annotation: Any) -> bool:
    """An HttpStream, or an iterator of chunks: no JSON schema describes the answer."""
    origin = typing.get_origin(annotation) or annotation
    return origin is HttpStream or getattr(origin, "__module__", "") == "collections.abc"


def _error_response(description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": _ERROR}}}


def schema_of(annotation: Any, schemas: dict[str, Any]) -> dict[str, Any]:
    """The JSON Schema (2020-12, as OpenAPI 3.1 has it) of a type the codec reads or writes."""
    if annotation in (Any, object) or annotation is None:
        return {}
    if annotation is type(None):
        return {"type": "null"}
    if annotation in _SCALARS:
        return {"type": _SCALARS[annotation]}
    if annotation is bytes:
        return {"type": "string", "contentMediaType": "application/octet-stream"}
    origin = typing.get_origin(annotation)
    arguments = typing.get_args(annotation)
    if origin in (typing.Union, types.UnionType):
        return {"anyOf": [schema_of(a, schemas) for a in arguments]}
    if origin is typing.Literal:
        return {"enum": list(arguments)}
    if origin in (list, set, frozenset, tuple) or annotation in (list, set, tuple):
        items = schema_of(arguments[0], schemas) if arguments else {}
        return {"type": "array", "items": items}
    if origin is dict or annotation is dict:
        values = schema_of(arguments[1], schemas) if len(arguments) == 2 else {}
        return {"type": "object", "additionalProperties": values}
    if isinstance(annotation, type) and issubclass(annotation, enum.Enum):
        return {"enum": [member.value for member in annotation]}
    if isinstance(annotation, type) and annotation.__name__ in ("datetime", "date", "UUID"):
        return {"type": "string", "format": {"datetime": "date-time", "date": "date",
                                             "UUID": "uuid"}[annotation.__name__]}
    if codec.is_typed_class(annotation):
        return _record(annotation, schemas)
    return {}


def _record(cls: Any, schemas: dict[str, Any]) -> dict[str, Any]:
    name = getattr(cls, "__name__", None) or str(cls)
    reference = {"$ref": f"#/components/schemas/{name}"}
    if name in schemas:
        return reference
    schemas[name] = {}  # a class that refers to itself finds its reference
    hints = typing.get_type_hints(cls)
    fields = attrs.fields(cls) if attrs.has(cls) else dataclasses.fields(cls)
    properties = {}
    required = []
    for field in fields:
        key = field.metadata.get(codec.JSON_KEY) or field.name
        properties[key] = schema_of(hints.get(field.name, Any), schemas)
        if _no_default(field):
            required.append(key)
    schema: dict[str, Any] = {"type": "object", "properties": properties}
    if required:
        schema["required"] = required
    schemas[name] = schema
    return reference


def _no_default(field: Any) -> bool:
    if isinstance(field, attrs.Attribute):
        return field.default is attrs.NOTHING
    return (field.default is dataclasses.MISSING
            and field.default_factory is dataclasses.MISSING)
