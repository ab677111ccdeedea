"""Automatic checks: select entities, test each against the check's conditions.

A check yields one :class:`CheckResult` per selected entity (and one failing
result per listed id that does not exist). Results only read the catalog and
the as-of evidence index; they never look at statuses.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..records.kinds import selected_kind
from ..records.models import Check
from .freshness import is_stale

if TYPE_CHECKING:
    from ..records.catalog import Catalog
    from ..records.models import Gate
    from .decisions import Waived
    from .evidence_index import EvidenceIndex


@dataclass(frozen=True, slots=True)
class CheckResult:
    """The outcome of one check for one entity."""

    gate: str
    check: int
    """Index of the check in the gate's ``checks`` (0-based)."""
    entity: str
    """Entity reference, ``kind:id``."""
    passed: bool
    reasons: tuple[str, ...]
    """One per unmet condition; empty when passed."""
    evidence: str | None = None
    """The evidence record the check's ``evidence`` condition looked at, if any."""
    waived: Waived | None = None
    """The waiver that makes a failing result count as passing (``passed`` is then true, and
    ``reasons`` still say what fails)."""


def is_present(value: Any) -> bool:
    """Present: not absent or null; text must be non-blank; an empty list is present."""
    if value is None:
        return False
    if isinstance(value, str):
        return bool(value.strip())
    return True


def field_value(entity: Any, name: str) -> Any:
    """The value at a dotted field path, or ``None`` when any key on the way was not written
    (a field the model fills with a default, like ``aliases: []``, is still absent)."""
    value = entity
    for part in name.split("."):
        if value is None or part not in getattr(value, "model_fields_set", ()):
            return None
        value = getattr(value, part, None)
    return value


def _written(value: object) -> str:
    """A ``where`` value as the records write it (``true``, not Python's ``True``)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def describe_check(check: Check) -> str:
    """A one-line description of what a check requires."""
    parts: list[str] = []
    if check.fields:
        parts.append("has " + ", ".join(check.fields))
    if check.evidence:
        age = f" at most {check.max_age_days} days old" if check.max_age_days is not None else ""
        parts.append(f"latest {check.evidence} record passes{age}")
    scope: str = check.select
    if check.where:
        scope += " where " + "; ".join(f"{k} in {', '.join(map(_written, v))}" for k, v in check.where.items())
    if check.ids:
        scope += " " + ", ".join(check.ids)
    return f"{scope}: " + " and ".join(parts)


def selected_entities(check: Check, catalog: Catalog) -> list[tuple[str, Any]]:
    """What a check selects: (ref, entity or None for a missing id), in a stable order."""
    kind = selected_kind(check.select).name
    table = catalog.table(kind)
    out: list[tuple[str, Any]] = []
    if check.ids is not None:
        seen: set[str] = set()
        for ident in check.ids:
            canonical = catalog.resolve(kind, ident)
            if canonical is None:
                out.append((f"{kind}:{ident}", None))
                continue
            if canonical in seen:
                continue
            seen.add(canonical)
            out.append((f"{kind}:{canonical}", table[canonical]))
    else:
        out = [(f"{kind}:{ident}", table[ident]) for ident in sorted(table)]
    result = []
    for ref, entity in out:
        if entity is not None and catalog.retired(kind, ref.partition(":")[2]):
            continue
        if entity is not None and check.where and not _matches(entity, check.where):
            continue
        result.append((ref, entity))
    return result


def _matches(entity: Any, where: dict[str, list[Any]]) -> bool:
    """Every ``where`` key's written value is among those listed, of the same type (``true`` is
    not ``1``, the text ``'2026-11-15'`` is not the date; the loader reports such values)."""
    for key, allowed in where.items():
        value = field_value(entity, key)
        values = value if isinstance(value, list) else [value]
        if not any(
            type(item) is type(option) and item == option for item in values if item is not None for option in allowed
        ):
            return False
    return True


class CheckCache:
    """What a check's result needs that does not depend on evidence, remembered across
    the commits of a history (records are immutable, so identity is a safe key)."""

    def __init__(self) -> None:
        self._selected: dict[tuple[int, tuple[int, ...]], list[tuple[str, Any]]] = {}
        self._fields: dict[tuple[int, int], list[str]] = {}
        self._catalog: Catalog | None = None  # held, so that its id cannot be reused while cached
        self._tokens: dict[str, tuple[int, ...]] = {}

    def selected(self, check: Check, catalog: Catalog) -> list[tuple[str, Any]]:
        if catalog is not self._catalog:
            self._catalog, self._tokens = catalog, {}
        kind = selected_kind(check.select).name
        token = self._tokens.get(kind)
        if token is None:
            # Records are kept alive by the parse cache, so their ids identify them.
            token = self._tokens[kind] = tuple(id(v) for v in catalog.table(kind).values()) + tuple(
                id(s) for s in catalog.services.values()
            )
        key = (id(check), token)
        found = self._selected.get(key)
        if found is None:
            found = self._selected[key] = selected_entities(check, catalog)
        return found

    def field_reasons(self, check: Check, kind: str, entity: Any) -> list[str]:
        key = (id(check), id(entity))
        found = self._fields.get(key)
        if found is None:
            found = self._fields[key] = static_reasons(check, kind, entity)
        return found


def static_reasons(check: Check, kind: str, entity: Any) -> list[str]:
    """Unmet ``fields`` conditions that do not depend on evidence."""
    reasons = []
    for name in check.fields or ():
        if name == "evidence":
            continue
        if name == "endpoints" and kind == "service":
            ok = any(d.endpoints for d in (entity.deployments or ()))
        else:
            ok = is_present(field_value(entity, name))
        if not ok:
            reasons.append(f"lacks {name}")
    return reasons


def evaluate_check(
    gate_id: str,
    index: int,
    check: Check,
    catalog: Catalog,
    evidence: EvidenceIndex,
    as_of: dt.datetime,
    cache: CheckCache | None = None,
) -> list[CheckResult]:
    """One result per selected entity (a listed id that does not exist fails)."""
    kind = selected_kind(check.select).name
    selected = cache.selected(check, catalog) if cache is not None else selected_entities(check, catalog)
    results: list[CheckResult] = []
    for ref, entity in selected:
        if entity is None:
            static: list[str] = []
        else:
            static = (
                cache.field_reasons(check, kind, entity) if cache is not None else static_reasons(check, kind, entity)
            )
        results.append(check_result(gate_id, index, check, kind, ref, entity, static, catalog, evidence, as_of))
    return results


def check_result(
    gate_id: str,
    index: int,
    check: Check,
    kind: str,
    ref: str,
    entity: Any,
    static: list[str],
    catalog: Catalog,
    evidence: EvidenceIndex,
    as_of: dt.datetime,
) -> CheckResult:
    """The result of one check for one selected entity (``None``: a listed id that does not
    exist); ``static`` is :func:`static_reasons` of the entity."""
    if entity is None:
        return CheckResult(gate_id, index, ref, False, (f"{kind} '{ref.partition(':')[2]}' does not exist",))
    reasons: list[str] = []
    for name in check.fields or ():
        if name == "evidence":
            if not evidence.has_about(ref):
                reasons.append("lacks evidence")
        elif f"lacks {name}" in static:
            reasons.append(f"lacks {name}")
    used: str | None = None
    if check.evidence:
        used = evidence.latest_about(ref, check.evidence)
        if used is None:
            reasons.append(f"no {check.evidence} record")
        else:
            record = catalog.evidence[used]
            day = evidence.observed_day(used)
            if record.result != "pass":
                reasons.append(f"latest {check.evidence} record {used} ({day}) did not pass")
            elif check.max_age_days is not None and is_stale(day, check.max_age_days, as_of.date()):
                age = (as_of.date() - day).days
                reasons.append(
                    f"latest {check.evidence} record {used} is {age} days old (at most "
                    f"{check.max_age_days} {'day' if check.max_age_days == 1 else 'days'})"
                )
    return CheckResult(gate_id, index, ref, not reasons, tuple(reasons), used)


def selected_refs(gate: Gate, catalog: Catalog) -> set[str]:
    """Every entity reference that one of the gate's checks selects (what a waiver may name)."""
    return {ref for check in gate.checks for ref, entity in selected_entities(check, catalog) if entity is not None}
