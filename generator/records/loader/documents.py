"""What each record file holds: its records validated against their models, or its problems."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel
from yaml.nodes import Node

from ... import textsafe
from ...errors import Problem
from ...probes.planschema import NOT_A_PLAN, Plan
from .. import yamlstrict
from ..catalog import Origin
from ..kinds import Kind, kinds_inside
from ..tree import Tree
from .files import WHOLE_FILE, FileResult, read
from .messages import locate, validate_document


def list_file(tree: Tree, rel: str, model: type[BaseModel], kind: str, title: str | None) -> FileResult:
    """A file holding a list of records (``data/gates.yaml``), each named by its id; ``title``
    says what it holds (``None``: an empty file is allowed)."""
    result = FileResult()
    parsed = read(tree, rel, result.problems, result.secrets)
    if parsed is None or parsed.value is yamlstrict.INVALID:
        result.broken.append((kind, WHOLE_FILE))
        return result
    if parsed.value is None:
        if title is not None:
            result.broken.append((kind, WHOLE_FILE))
            result.problems.append(
                Problem(
                    rel,
                    1,
                    1,
                    f"this file is empty: it holds the {title} as a list, each item starting with "
                    "'- id: ...' (write [] for none)",
                )
            )
        return result
    if not isinstance(parsed.value, list):
        result.broken.append((kind, WHOLE_FILE))
        result.problems.append(
            locate(Origin(rel), (), parsed.node, "expected a list of records (each starting with '- id: ...')")
        )
        return result
    for index, item in enumerate(parsed.value):
        label = item.get("id") if isinstance(item, dict) else None
        origin = Origin(rel, (index,), label if isinstance(label, str) and len(label) <= 64 else None)
        record, problems = validate_document(parsed.node, item, model, origin)
        result.problems.extend(problems)
        if record is not None:
            result.records.append((record, origin))
        else:
            result.add_broken(kind, item)
    return result


def one_file(tree: Tree, rel: str, kind: Kind[Any]) -> FileResult:
    """A file holding one record of ``kind`` (a service, an evidence record)."""
    result = FileResult()
    stem = rel.rsplit("/", 1)[1][: -len(".yaml")]
    parsed = read(tree, rel, result.problems, result.secrets)
    value = parsed.value if parsed is not None else yamlstrict.INVALID
    node = parsed.node if parsed is not None else None
    record = None
    if value is yamlstrict.INVALID:
        # What it held cannot be known: references to what it would hold are not reported.
        result.broken.extend((inner.name, WHOLE_FILE) for inner in kinds_inside(kind))
    elif value is None:
        required = [name for name, info in kind.model.model_fields.items() if info.is_required() and name != "id"]
        result.problems.append(
            Problem(
                rel,
                1,
                1,
                f"this file is empty: it holds {kind.title} as 'key: value' lines, at least "
                f"{textsafe.and_list(required)}",
            )
        )
    elif not isinstance(value, dict):
        result.problems.append(locate(Origin(rel), (), node, "expected a mapping of fields (key: value)"))
    else:
        record, problems = validate_document(node, value, kind.model, Origin(rel))
        (result.problems if record is None else result.held).extend(problems)
        if record is None:
            result.add_broken(kind.name, value)
            for inner in kinds_inside(kind):
                items = value.get(inner.layout.path)
                for item in items if isinstance(items, list) else []:
                    result.add_broken(inner.name, item)
    if record is None:
        result.broken.append((kind.name, stem))
    else:
        result.records.append((record, Origin(rel)))
    return result


def plan_file(tree: Tree, rel: str) -> FileResult:
    """The optional probe plan: validated and scanned for secrets like every record file."""
    result = FileResult()
    parsed = read(tree, rel, result.problems, result.secrets)
    if parsed is None or parsed.value is yamlstrict.INVALID or parsed.value is None:
        return result
    if not isinstance(parsed.value, dict):
        result.problems.append(locate(Origin(rel), (), parsed.node, NOT_A_PLAN))
        return result
    plan, problems = plan_document(rel, parsed.node, parsed.value)
    result.problems.extend(problems)
    if plan is not None:
        result.records.append((plan, Origin(rel)))
    return result


def plan_document(rel: str, node: Node | None, value: object) -> tuple[Plan | None, list[Problem]]:
    """A probe plan's mapping validated as a :class:`Plan`, with its credential bindings checked."""
    plan, problems = validate_document(node, value, Plan, Origin(rel))
    if plan is not None:
        problems += [locate(Origin(rel), loc, node, message) for loc, message in plan.credential_problems()]
    return plan, problems
