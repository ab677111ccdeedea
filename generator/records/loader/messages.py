"""Validate one YAML document against a model, and word what is wrong as located problems.

Every problem is ``path:line:column: message (field path)``: the line and column
come from the document's node tree, the field path names where in the record the
problem is (``gates[2].owners[0]``, with a list file's item named by its id).
:func:`validate_document` is what every reader of record-like files uses (the
loader, the probe plan); :func:`locate` places any further problem the same way.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Mapping
from types import MappingProxyType
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails
from yaml.nodes import Node, ScalarNode

from ...errors import Problem
from .. import yamlstrict
from ..catalog import Origin
from ..models import (
    GATE_PATTERN,
    LINE_PATTERN,
    OPT_LINE_PATTERN,
    REF_KINDS,
    REF_PATTERN,
    SHA256_PATTERN,
    SLUG_PATTERN,
    CollectBreaches,
)
from ..secrets import mask_secrets

M = TypeVar("M", bound=BaseModel)
Loc = tuple[str | int, ...]


def validate_document(
    node: Node | None, value: object, model: type[M], origin: Origin
) -> tuple[M | None, list[Problem]]:
    """``value`` (parsed from the document whose node tree is ``node``; a list file's
    item when ``origin`` has a place) validated as ``model``: the record, or ``None``,
    with the problems found.

    A record that breaks only record rules (:func:`~generator.records.models.evidence_rule_breaches`)
    is returned with them as its problems, so that its other problems are found too."""
    if value is yamlstrict.INVALID:
        return None, []  # already reported by the YAML layer
    rules = CollectBreaches()
    try:
        record = model.model_validate(value, context=rules)
    except ValidationError as exc:
        problems: list[Problem] = []
        misread: set[int] = set()
        for error in exc.errors(include_url=False):
            found = error.get("input")
            if isinstance(found, yamlstrict.Misread):
                if id(found) in misread:
                    continue  # one problem for a value, however many types of a union refused it
                misread.add(id(found))
            problem = _explain(error, node, origin, model)
            if problem is not None:
                problems.append(problem)
        return None, problems
    return record, [locate(origin, breach.loc, node, breach.message) for breach in rules.breaches]


def locate(origin: Origin, loc: Loc, node: Node | None, message: str, *, key: bool = False) -> Problem:
    """A problem at ``loc`` inside the record at ``origin`` (its key, with ``key=True``)."""
    full = origin.loc + loc
    found = yamlstrict.find_node(node, full, key=key)
    line, column = (found.start_mark.line + 1, found.start_mark.column + 1) if found is not None else (1, 1)
    where = field_path(full, origin.label)
    # A key, an id or a path part may be a pasted secret: the whole message is masked, not just values.
    return Problem(origin.path, line, column, mask_secrets(message + (f" ({where})" if where else "")))


def field_path(loc: Loc, label: str | None = None) -> str:
    """``gates[2].owners[0]`` style; a list file's item is named by its id when known."""
    text = ""
    if label is not None and loc and isinstance(loc[0], int):
        text, loc = mask_secrets(label), loc[1:]
    for part in loc:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += ("." if text else "") + part
    return text


_NUMBER = re.compile(r"\d+")


def _unpadded(text: str) -> str:
    return _NUMBER.sub(lambda m: str(int(m.group())), text)


def suggest(word: str, choices: Iterable[str]) -> str:
    """``: did you mean 'x'?`` for the closest of ``choices``, or nothing. A choice that differs
    only by zero padding (``OPS-G3`` for ``OPS-G03``) comes first, whatever looks closer."""
    options = list(choices)
    padded = [choice for choice in options if _unpadded(choice) == _unpadded(word) and choice != word]
    close = padded[:1] or difflib.get_close_matches(word, options, n=1, cutoff=0.6)
    return f": did you mean '{close[0]}'?" if close else ""


def _show(value: object) -> str:
    """A bad value, shortened for a message."""
    if isinstance(value, str):
        value = mask_secrets(value)
    if isinstance(value, dict):
        text = "a mapping"
    elif isinstance(value, list):
        text = "a list"
    elif isinstance(value, str):
        text = f"'{value}'"
    else:
        text = repr(value)
    return text if len(text) <= 60 else text[:57] + "...'"


def _fields_of(model: type[BaseModel], loc: Loc) -> list[str]:
    """Field names of the (nested) model that holds the last part of ``loc``."""
    current: Any = model
    for part in loc[:-1]:
        if isinstance(part, int):
            continue
        if not (isinstance(current, type) and issubclass(current, BaseModel)):
            return []
        info = current.model_fields.get(part)
        if info is None:
            return []
        current = _inner_model(info.annotation)
    if isinstance(current, type) and issubclass(current, BaseModel):
        return list(current.model_fields)
    return []


def _inner_model(annotation: Any) -> Any:
    stack = [annotation]
    while stack:
        item = stack.pop()
        if isinstance(item, type) and issubclass(item, BaseModel):
            return item
        stack.extend(getattr(item, "__args__", ()))
    return None


def _explain(error: ErrorDetails, node: Node | None, origin: Origin, model: type[BaseModel]) -> Problem | None:
    loc: Loc = tuple(error["loc"])
    kind = error["type"]
    ctx = error.get("ctx") or {}
    value = error.get("input")
    last = loc[-1] if loc else ""
    if value is yamlstrict.INVALID:
        return None  # already reported by the YAML layer
    if kind == "extra_forbidden":
        known = _fields_of(model, loc)
        message = f"unknown field '{last}'{suggest(str(last), known)}"
        if not suggest(str(last), known) and known:
            message += f" (known: {', '.join(known)})"
        return locate(origin, loc, node, message, key=True)
    if kind == "missing":
        return locate(origin, loc[:-1], node, f"missing required field '{last}'")
    if isinstance(value, yamlstrict.Misread):
        return locate(origin, _field_loc(loc), node, _misread(value, kind, ctx, loc))
    found = yamlstrict.find_node(node, origin.loc + loc)
    shown = value
    if isinstance(found, ScalarNode) and not isinstance(value, (str, dict, list)):
        shown = yamlstrict.RawText(found.value)
    message = _message_for(kind, ctx, shown, error.get("msg", ""))
    hint = yamlstrict.describe_scalar(found) if found is not None and kind == "string_type" else None
    if hint:
        message = f"expected text; {hint}"
    return locate(origin, loc, node, message)


_UNION_TAGS = frozenset({"str", "int", "bool", "date", "datetime", "float"})


def _field_loc(loc: Loc) -> Loc:
    """``loc`` without the type names pydantic appends for each member of a union."""
    while (
        loc and isinstance(loc[-1], str) and (loc[-1] in _UNION_TAGS or loc[-1].startswith(("literal[", "function-")))
    ):
        loc = loc[:-1]
    return loc


def _misread(value: yamlstrict.Misread, kind: str, ctx: dict[str, Any], loc: Loc) -> str:
    """A value YAML 1.1 read as another type, worded for the field it is in."""
    raw = mask_secrets(value.raw)
    quote = f'quote it ("{raw}")'
    if kind == "literal_error":
        expected = str(ctx.get("expected", ""))
        if f"'{value.raw}'" not in expected:
            return f"'{raw}' is not allowed here: use one of {expected}"
        kind = "string_type"
    if value.problem is not None and kind != "string_type":
        return f"'{raw}' is not a valid date ({value.problem}): {value.fix}"
    if loc and loc[-1] in _UNION_TAGS:
        return f"'{raw}' unquoted reads as {value.reading} in YAML 1.1: {value.fix}, or {quote} if it is text"
    if kind == "string_type":
        return f"'{raw}' unquoted reads as {value.reading} in YAML 1.1, and this field is text: {quote}"
    takes = {"bool_type": "takes only true or false", "int_type": "takes a whole number"}.get(kind, "is not text")
    return f"'{raw}' reads as {value.reading} in YAML 1.1, and this field {takes}: {value.fix}"


def _message_for(kind: str, ctx: dict[str, Any], value: object, fallback: str) -> str:
    if kind == "string_pattern_mismatch":
        pattern = ctx.get("pattern")
        if pattern == SLUG_PATTERN:
            return f"{_show(value)} is not a valid id: use lowercase letters, digits and '-', starting with a letter or digit"
        if pattern == GATE_PATTERN:
            return f"{_show(value)} is not a valid gate id: use uppercase parts joined by '-', like OPS-G05"
        if pattern == LINE_PATTERN:
            return (
                "must be one line of text, not blank"
                if isinstance(value, str) and value.strip()
                else "must not be blank"
            )
        if pattern == OPT_LINE_PATTERN:
            return "must be a single line of text"
        if pattern == REF_PATTERN:
            return (
                f"{_show(value)} is not a valid reference: write kind:id with kind one of "
                f"{', '.join(REF_KINDS)} (e.g. store:gitea-db)"
            )
        if pattern == SHA256_PATTERN:
            return (
                f"{_show(value)} is not a SHA-256 digest: write the 64 lowercase hexadecimal characters "
                "that sha256sum prints for the file"
            )
        return f"{_show(value)} does not match the pattern {pattern}"
    if kind == "value_error":
        reason = str(ctx.get("error", fallback)).removeprefix("Value error, ")
        return f"{_show(value)} {reason}" if isinstance(value, str) else reason
    template = _TEMPLATES.get(kind)
    return fallback if template is None else template.format_map(_Context(ctx, value=_show(value)))


class _Context(dict[str, object]):
    """An error's context for a template: a key it lacks reads as ``None``."""

    def __missing__(self, key: str) -> None:
        return None


_TEMPLATES: Mapping[str, str] = MappingProxyType(
    {
        "string_too_long": "{value} is too long: at most {max_length} characters",
        "literal_error": "{value} is not allowed here: use one of {expected}",
        "string_type": "expected text, got {value}",
        "int_type": "expected a whole number, got {value}",
        "int_from_float": "expected a whole number, got {value}",
        "greater_than_equal": "{value} must be at least {ge}",
        "less_than_equal": "{value} must be at most {le}",
        "bool_type": "expected true or false, got {value}",
        "list_type": "expected a list, got {value}",
        "dict_type": "expected a mapping of fields, got {value}",
        "model_type": "expected a mapping of fields, got {value}",
        "model_attributes_type": "expected a mapping of fields, got {value}",
    }
)
"""How each kind of model error reads, ``{value}`` being the bad value shown short."""
