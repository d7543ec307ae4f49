"""OpenAPI 3.0 component schemas generated from the declared response shapes.

The shapes live in capabilities/queries/api_shapes.py as TypedDicts, which the query functions
return; this module turns them into the document's `components/schemas`, so a shape is written
once. Python types map to JSON Schema as follows: str/int/float/bool → string/integer/number/
boolean; `X | None` → nullable; `list[X]` → array; `dict[str, X]` → object of X; a TypedDict →
`$ref` to its own component (`additionalProperties: false`, `required` = the keys it always
has, its docstring as description); `date`/`datetime` → string with format date/date-time;
`Literal[...]` → enum; `Annotated[X, Spec(...)]` adds description, example, format, enum and
bounds.
"""

from __future__ import annotations

import types
import typing
from dataclasses import asdict
from datetime import date, datetime
from typing import Any, Literal, NotRequired, get_args, get_origin, get_type_hints, is_typeddict

from capabilities.queries.api_shapes import Spec

_SCALARS: dict[Any, dict[str, str]] = {
    str: {"type": "string"},
    int: {"type": "integer"},
    float: {"type": "number"},
    bool: {"type": "boolean"},
    datetime: {"type": "string", "format": "date-time"},  # before date: a datetime is a date
    date: {"type": "string", "format": "date"},
}


def ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def component_schemas(roots: typing.Iterable[type]) -> dict[str, Any]:
    """Every TypedDict reachable from ROOTS as a named schema, in the order first met."""
    schemas: dict[str, Any] = {}
    for root in roots:
        _component(root, schemas)
    return schemas


def _component(shape: type, schemas: dict[str, Any]) -> dict[str, str]:
    name = shape.__name__
    if name not in schemas:
        schemas[name] = {}  # claimed first: a shape may refer to itself
        hints = get_type_hints(shape, include_extras=True)
        # Read NotRequired from the hints: Python 3.11's __required_keys__ misses it under
        # `from __future__ import annotations`.
        optional = {key for key, hint in hints.items() if get_origin(hint) is NotRequired}
        schema: dict[str, Any] = {
            "type": "object",
            "properties": {key: _schema(hint, schemas) for key, hint in hints.items()},
            "required": [key for key in hints if key not in optional],
            "additionalProperties": False,
        }
        if shape.__doc__ and not shape.__doc__.startswith(f"{name}("):  # not TypedDict's own
            schema["description"] = " ".join(shape.__doc__.split())
        schemas[name] = schema
    return ref(name)


def _schema(hint: Any, schemas: dict[str, Any]) -> dict[str, Any]:
    specs: list[Spec] = []
    if get_origin(hint) is NotRequired:
        hint = get_args(hint)[0]
    while get_origin(hint) is typing.Annotated:
        specs += [meta for meta in hint.__metadata__ if isinstance(meta, Spec)]
        hint = hint.__origin__
    nullable = False
    if get_origin(hint) in (typing.Union, types.UnionType):
        options = [arg for arg in get_args(hint) if arg is not type(None)]
        nullable = len(options) < len(get_args(hint))
        if len(options) != 1:
            raise TypeError(f"Only X | None unions have a schema: {hint!r}")
        return _with(_schema(options[0], schemas), specs, nullable=nullable)
    return _with(_bare(hint, schemas), specs, nullable=nullable)


def _bare(hint: Any, schemas: dict[str, Any]) -> dict[str, Any]:
    origin = get_origin(hint)
    if origin is Literal:
        return {"type": "string", "enum": list(get_args(hint))}
    if origin is list:
        return {"type": "array", "items": _schema(get_args(hint)[0], schemas)}
    if origin is dict:
        key, value = get_args(hint)
        if key is not str:
            raise TypeError(f"JSON object keys are strings: {hint!r}")
        return {"type": "object", "additionalProperties": _schema(value, schemas)}
    if is_typeddict(hint):
        return _component(hint, schemas)
    if hint in _SCALARS:
        return dict(_SCALARS[hint])
    raise TypeError(f"No JSON Schema for {hint!r}")


def _with(schema: dict[str, Any], specs: list[Spec], *, nullable: bool) -> dict[str, Any]:
    """SCHEMA with the keywords of SPECS and, when NULLABLE, `nullable: true`. OpenAPI 3.0
    ignores what stands beside a $ref, so a $ref that needs more is wrapped in allOf."""
    extra: dict[str, Any] = {}
    for spec in specs:
        extra |= {key: value for key, value in asdict(spec).items() if value is not None}
    if "enum" in extra:
        extra["enum"] = list(extra["enum"])
    if nullable:
        extra["nullable"] = True
    if not extra:
        return schema
    if "$ref" in schema:
        return {"allOf": [schema], **extra}
    return {**schema, **extra}
