"""What a check may name: the fields of the kind it selects, and the virtual fields no model has;
and what a ``where`` value can match: the field's type.

A fact of the record schema, used by the loader's cross-checks (a check naming a field that
does not exist, or listing a value its field can never hold, is a validation error) and by the
engine (which evaluates virtual fields)."""

from __future__ import annotations

import datetime as dt
import re
import types
from typing import Annotated, Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel

from .kinds import selected_kind


def virtual_fields(kind: str) -> tuple[str, ...]:
    """Fields a check can require that no model has: ``evidence`` (a record about the entity)
    and, for services, ``endpoints`` (an endpoint in any deployment)."""
    return ("endpoints", "evidence") if kind == "service" else ("evidence",)


def check_field_problem(select: str, name: str, *, top_level: bool = False) -> str | None:
    """Why ``name`` is not a field a check on ``select`` can test, or ``None``."""
    kind = selected_kind(select)
    model: Any = kind.model
    virtual = virtual_fields(kind.name)
    if name in virtual and not top_level:
        return None
    parts = name.split(".")
    if top_level and len(parts) > 1:
        return f"'where' filters on top-level fields only, not '{name}'"
    for depth, part in enumerate(parts):
        fields = model.model_fields if isinstance(model, type) and issubclass(model, BaseModel) else {}
        if part not in fields:
            known = sorted(fields) + ([] if depth or top_level else list(virtual))
            if not known:
                return f"{select} have no field '{name}': '{'.'.join(parts[:depth])}' holds no fields"
            return f"{select} have no field '{name}' (known: {', '.join(known)})"
        model = _sub_model(fields[part].annotation)
    return None


def _sub_model(annotation: Any) -> Any:
    for arg in getattr(annotation, "__args__", ()) or (annotation,):
        if isinstance(arg, type) and issubclass(arg, BaseModel):
            return arg
    return None


_HOLDS: dict[type, tuple[str, str]] = {
    str: ("text", "a list of text"),
    int: ("a whole number", "a list of whole numbers"),
    bool: ("true or false", "a list of true or false values"),
    dt.date: ("a date", "a list of dates"),
    BaseModel: ("a mapping of fields", "a list of mappings"),
}
"""How a field that holds values of a type reads in a message: (the field, a list field)."""
_VALUE: dict[type, str] = {str: "text", int: "a number", bool: "a boolean", dt.date: "a date"}
"""What a ``where`` value is, by its type."""
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def where_value_problem(select: str, name: str, value: object) -> str | None:
    """Why ``value``, listed in a check's ``where`` for the top-level field ``name`` of the
    kind ``select`` selects, can never match, or ``None`` (also for a name that is no field).

    ``where`` compares as the field's type (``true`` is not ``1``, the text ``'2026-11-15'``
    is not the date 2026-11-15). A value of another type, a value outside a closed set
    (``Literal``), and the value that retires a record (checks never select a retired
    record) match nothing, whatever the catalog comes to hold."""
    kind = selected_kind(select)
    info = kind.model.model_fields.get(name)
    holds, many = _holds(info.annotation) if info is not None else (None, False)
    if holds is None:
        return None
    shown = _shown(value)
    if isinstance(holds, tuple):  # a closed set of values
        if not any(type(value) is type(option) and value == option for option in holds):
            among = "a list of values among " if many else "one of "
            return f"{shown} never matches {name}, which is {among}{', '.join(map(str, holds))}"
    elif type(value) is not holds:
        field = f"{name}, which is {_HOLDS[holds][many]}"
        if holds is dt.date and isinstance(value, str) and _is_date(value):
            return f"{shown} is quoted, so it is text and never matches {field}: write {value} without quotes"
        fix = {
            str: f': quote it ("{_raw(value)}")',
            dt.date: ": write a date like 2026-06-14, without quotes",
        }.get(holds, "")
        return f"{shown} is {_VALUE[type(value)]} and never matches {field}{fix}"
    if kind.retired_by == (name, value) and type(value) is type(kind.retired_by[1]):
        return f"{shown} never matches {name}: checks never select retired {select}"
    return None


def _holds(annotation: Any) -> tuple[type | tuple[object, ...] | None, bool]:
    """What a field holds (a list field: each item), with whether it is a list: a type of
    ``_HOLDS`` (``BaseModel`` for any mapping of fields), a closed set of values, or ``None``
    when it is none of these (then nothing is said about the values ``where`` lists for it)."""
    many = False
    while True:
        origin = get_origin(annotation)
        args = [arg for arg in get_args(annotation) if arg is not type(None)]
        if origin in (Union, types.UnionType):
            if len(args) != 1:
                return None, many
            annotation = args[0]
        elif origin is Annotated:
            annotation = args[0]
        elif origin is list and not many:
            annotation, many = args[0], True
        elif origin is Literal:
            return tuple(args), many
        elif isinstance(annotation, type) and issubclass(annotation, BaseModel):
            return BaseModel, many
        else:
            return (annotation if annotation in _HOLDS and origin is None else None), many


def _is_date(text: str) -> bool:
    """Whether ``text`` is a date as YAML reads one unquoted (2026-11-15)."""
    if not _ISO_DATE.fullmatch(text):
        return False
    try:
        dt.date.fromisoformat(text)
    except ValueError:
        return False
    return True


def _raw(value: object) -> str:
    """A value as it is written unquoted in YAML."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return value.isoformat() if isinstance(value, dt.date) else str(value)


def _shown(value: object) -> str:
    """A value for a message: text in quotes, shortened; anything else as written."""
    if not isinstance(value, str):
        return _raw(value)
    return f"'{value}'" if len(value) <= 58 else f"'{value[:55]}...'"
