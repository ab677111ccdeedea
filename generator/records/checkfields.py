"""What a check may name: the fields of the kind it selects, and the virtual fields no model has.

A fact of the record schema, used by the loader's cross-checks (a check naming a field that
does not exist is a validation error) and by the engine (which evaluates virtual fields)."""

from __future__ import annotations

from typing import Any

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
