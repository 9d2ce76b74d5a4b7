"""The one error shape of the whole API (ApiErrorShapeMiddleware writes the same), and the
strict reading of request input that every operation gets from `strict_inputs(api)`.

Pydantic's lax mode reads things the OpenAPI document does not allow: `0` or `"0"` as a date
(1970-01-01), `0.5` as a date-time (a Unix timestamp), `true` or `"5.0"` as an integer, and a
JSON array as an object (Ninja's schemas read attributes, so `[]` passed as "an object with no
fields"); and PostgreSQL refuses text with NUL, so a NUL in any filter was a 500 there.
`strict_inputs` rewrites the validators of every operation's parameter models once, at
start-up, so that dates and date-times are ISO 8601 strings only, integers are integers (or,
in the query string and path, ASCII digits), objects are JSON objects and no string holds
NUL. The documented schemas do not change (the spec already says so); response models are
not touched.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Iterator
from typing import Annotated, Any, Literal

from ninja import Schema
from pydantic import AfterValidator, Field
from pydantic_core import PydanticCustomError, SchemaValidator
from pydantic_core import core_schema as cs


def _no_control_characters(value: str) -> str:
    """No NUL or other control characters (PostgreSQL refuses NUL; none belongs in a name)."""
    if any(ord(ch) < 32 and ch not in "\t\n\r" for ch in value):
        raise ValueError("不能包含控制字符")
    return value


def text(max_length: int, min_length: int = 0) -> Any:
    """A request string field: bounded length, no control characters."""
    return Annotated[
        str,
        Field(min_length=min_length, max_length=max_length),
        AfterValidator(_no_control_characters),
    ]


class ErrorOut(Schema):
    code: str
    message: str
    details: Any = None


# Every status an operation can answer with besides its success: 400 bad input (validation
# and domain rules), 401 no or bad credentials, 403 not allowed (or CSRF), 404 not found or not
# visible, 409 conflict with the current state. Operations list them so the spec is complete.
ERR = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut}


def one_of(values: Iterable[str], *, blank: bool = False) -> Any:
    """`Literal[...]` of `values` (plus "" when `blank`: a query filter left empty means "all"):
    validated by Pydantic and listed as an enum in the OpenAPI document."""
    choices = tuple(dict.fromkeys((("",) if blank else ()) + tuple(values)))
    return Literal[choices]  # type: ignore[valid-type]


def documented(values: Iterable[str], *, blank: bool = False, **field: Any) -> Any:
    """A `Field` whose JSON schema lists `values` as an enum, for a string the operation checks
    itself because its refusal has its own stable error code (e.g. `unknown_stage`)."""
    choices = list(dict.fromkeys((("",) if blank else ()) + tuple(values)))
    return Field(json_schema_extra={"enum": choices}, **field)


# --- strict input ------------------------------------------------------------------------------

_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_DATETIME = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt ][0-9]{2}:[0-9]{2}.*", re.S)
_INT = re.compile(r"[+-]?[0-9]+")


def _iso_date(value: Any) -> Any:
    if isinstance(value, str) and _DATE.fullmatch(value):
        return value
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    raise PydanticCustomError("date_format", "日期须为 YYYY-MM-DD 格式的字符串")


def _iso_datetime(value: Any) -> Any:
    if isinstance(value, str) and _DATETIME.fullmatch(value):
        return value
    if isinstance(value, dt.datetime):
        return value
    raise PydanticCustomError(
        "datetime_format", "时间须为 ISO 8601 格式的字符串，如 2026-05-01T09:00:00+08:00"
    )


def _strict_int(value: Any) -> Any:
    if type(value) is int or (isinstance(value, str) and _INT.fullmatch(value)):
        return value
    raise PydanticCustomError("int_type", "须为整数")


def _no_nul(value: Any) -> Any:
    if isinstance(value, str) and "\x00" in value:
        # PostgreSQL cannot store or compare text with NUL: that was a 500 on any filter.
        raise PydanticCustomError("string_nul", "不能包含 NUL 字符")
    return value


def _json_object(value: Any) -> Any:
    if isinstance(value, dict):
        return value
    raise PydanticCustomError("model_type", "须为 JSON 对象")


_WRAPPERS = {"date": _iso_date, "datetime": _iso_datetime, "int": _strict_int, "str": _no_nul}
_OURS = frozenset((*_WRAPPERS.values(), _json_object))
# Keys of a core schema node that hold values, functions or settings, not schemas.
_KEEP = frozenset(
    ("metadata", "serialization", "function", "cls", "config", "ref", "default", "expected")
    + ("default_factory", "custom_error_context")
)


def _is_object(node: dict) -> bool:
    """A model node, or model validators (function-*) around one: where an object is read."""
    kind = node.get("type")
    if not isinstance(kind, str):
        return False
    if kind == "model":
        return True
    return kind.startswith("function-") and _is_object(node.get("schema") or {})


def _strict(node: Any, *, under_function: bool = False) -> Any:
    if isinstance(node, list):
        return [_strict(item) for item in node]
    if isinstance(node, tuple):
        return tuple(_strict(item) for item in node)
    if not isinstance(node, dict):
        return node
    kind = node.get("type")
    kind = kind if isinstance(kind, str) else None  # "fields" maps names, and one is "type"
    if kind == "function-before" and node.get("function", {}).get("function") in _OURS:
        return node  # already strict
    in_function = kind is not None and kind.startswith("function-")
    out = {
        key: value if key in _KEEP else _strict(value, under_function=in_function)
        for key, value in node.items()
    }
    if kind in _WRAPPERS:
        return _before(_WRAPPERS[kind], out)
    if kind is not None and _is_object(node) and not under_function:
        return _before(_json_object, out)
    return out


def _before(function: Any, node: dict) -> dict:
    """`function` before `node`; a definition's "ref" moves out to the new outer node."""
    ref = node.get("ref")
    inner = {key: value for key, value in node.items() if key != "ref"}
    return cs.no_info_before_validator_function(function, inner, ref=ref)


def strict_model(model: type) -> None:
    """Rebuild the validator of one parameter model (Ninja's Query/Path/Body/Form wrapper)."""
    if getattr(model, "__jianguan_strict__", False):
        return
    schema = model.__pydantic_core_schema__
    fields = schema
    while fields.get("type") != "model" and "schema" in fields:
        fields = fields["schema"]
    # The wrapper itself always gets a dict from Ninja: make its fields strict, not the wrapper.
    if fields.get("type") == "model":
        inner = dict(fields, schema=_strict(fields["schema"]))
        strict = _replace(schema, fields, inner)
    else:
        strict = _strict(schema)
    # pydantic-core reuses the validator a complete model class already has ("prebuilt")
    # instead of the schema it is given: mark the classes incomplete while this one is built,
    # so that the strict schemas are compiled in. The classes' own validators do not change.
    classes = _classes(strict)
    try:
        for cls in classes:
            cls.__pydantic_complete__ = False
        model.__pydantic_validator__ = SchemaValidator(strict)
    finally:
        for cls in classes:
            cls.__pydantic_complete__ = True
    model.__jianguan_strict__ = True


def _classes(node: Any, found: set | None = None) -> set:
    found = set() if found is None else found
    if isinstance(node, list | tuple):
        for item in node:
            _classes(item, found)
    elif isinstance(node, dict):
        if node.get("type") == "model":
            found.add(node["cls"])
        for key, value in node.items():
            if key not in _KEEP:
                _classes(value, found)
    return found


def _replace(node: dict, old: dict, new: dict) -> dict:
    if node is old:
        return new
    if node.get("type") == "definitions":
        return {
            **node,
            "schema": _replace(node["schema"], old, new),
            "definitions": _strict(node["definitions"]),
        }
    return {**node, "schema": _replace(node["schema"], old, new)}


def api_operations(api: Any) -> Iterator[tuple[str, Any]]:
    """(path, operation) of every operation of `api`, nested routers included, whether or not
    its URLs were built yet (before that, Ninja's `api._routers` lists the top level only)."""

    def walk(prefix: str, router: Any) -> Iterator[tuple[str, Any]]:
        for path, path_view in router.path_operations.items():
            for operation in path_view.operations:
                yield prefix + path, operation
        for child_prefix, child, *_ in router._routers:
            yield from walk(prefix + child_prefix, child)

    for prefix, router, *_ in api._router_registrations:
        yield from walk(prefix, router)


def strict_inputs(api: Any) -> int:
    """Make every operation's parameter models strict (see the module's docstring); returns how
    many models were rebuilt. Called once in config/api.py after the routers are added."""
    done = 0
    for _path, operation in api_operations(api):
        for model in operation.models:
            if not getattr(model, "__jianguan_strict__", False):
                strict_model(model)
                done += 1
    return done
