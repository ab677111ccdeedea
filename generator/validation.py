"""The whole validation: every record loaded and cross-checked (:mod:`generator.records.loader`),
then the rules of decisions that need the status rules to check:

- a waiver names, for each gate, entities that the gate's checks select;
- a sign-off's ``accepted`` gates are gates of its wave, and a ``go`` was valid at its
  moment: every gate of the wave ready then, or accepted.

Everything that validates records goes through here (``validate``, the build, the history,
``diff``, ``evidence new``), so a catalog that one of them accepts, all of them accept.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from .engine.checks import selected_refs
from .engine.decisions import invalid_go
from .engine.status import derive, wave_gates
from .errors import Problem, ValidationFailed
from .records.catalog import Catalog
from .records.loader import ParseCache, load_catalog, load_tree, locate_in
from .records.models import DECISION_KINDS, observed_moment
from .records.tree import Tree, WorkTree


def load_valid(root: Path, *, now: dt.datetime | None = None) -> Catalog:
    """:func:`~generator.records.loader.load_catalog`, then the decision rules; raises
    :class:`ValidationFailed` with every problem."""
    catalog = load_catalog(root, now=now)
    _raise(decision_problems(catalog, WorkTree(Path(root))))
    return catalog


def load_valid_tree(
    tree: Tree, root: Path, *, now: dt.datetime | None = None, cache: ParseCache | None = None
) -> Catalog:
    """:func:`~generator.records.loader.load_tree` (a revision's tree), then the decision rules."""
    catalog = load_tree(tree, root, now=now, cache=cache)
    _raise(decision_problems(catalog, tree))
    return catalog


def _raise(problems: list[Problem]) -> None:
    if problems:
        raise ValidationFailed(problems)


def decision_problems(catalog: Catalog, tree: Tree) -> list[Problem]:
    """The problems of the waivers and sign-offs that count today (not superseded)."""
    decisions = sorted(e for e, record in catalog.evidence.items() if record.kind in DECISION_KINDS)
    if not decisions:
        return []  # most catalogs, and most commits of a history
    superseded = {target for record in catalog.evidence.values() for target in record.supersedes}
    superseded = {catalog.resolve("evidence", target) or target for target in superseded}
    problems: list[Problem] = []
    for evidence_id in decisions:
        if evidence_id in superseded:
            continue
        origin = catalog.origins[("evidence", evidence_id)]
        for loc, message in _waiver_problems(catalog, evidence_id) + _sign_off_problems(catalog, evidence_id):
            problems.append(locate_in(tree, origin, loc, message))
    return problems


Found = list[tuple[tuple[str | int, ...], str]]


def _waiver_problems(catalog: Catalog, evidence_id: str) -> Found:
    record = catalog.evidence[evidence_id]
    found: Found = []
    for gate_ref, entities in (record.waive or {}).items():
        gate_id = catalog.resolve("gate", gate_ref)
        if gate_id is None:
            continue
        gate = catalog.gates[gate_id]
        if not gate.checks:
            found.append(
                (("waive", gate_ref), f"{gate_id} has no automatic checks: a waiver covers check results only")
            )
            continue
        selected = selected_refs(gate, catalog)
        for index, entity in enumerate(entities):
            resolved = catalog.resolve_ref(entity)
            if resolved is not None and f"{resolved[0]}:{resolved[1]}" not in selected:
                shown = ", ".join(sorted(selected)[:5]) + (", ..." if len(selected) > 5 else "")
                found.append(
                    (
                        ("waive", gate_ref, index),
                        f"{entity} is not selected by {gate_id}'s checks, so it has no result to waive "
                        f"(they select: {shown or 'nothing'})",
                    )
                )
    return found


def _sign_off_problems(catalog: Catalog, evidence_id: str) -> Found:
    record = catalog.evidence[evidence_id]
    wave_id = catalog.resolve("wave", record.wave) if record.wave is not None else None
    if wave_id is None:
        return []
    required = wave_gates(wave_id, catalog)
    found: Found = []
    for index, gate_ref in enumerate(record.accepted):
        gate_id = catalog.resolve("gate", gate_ref)
        if gate_id is not None and gate_id not in required:
            found.append((("accepted", index), f"{gate_id} is not a gate of {wave_id}: accept only the wave's gates"))
    if record.decision != "go":
        return found
    moment = observed_moment(record.observed)
    statuses = {g: s.status for g, s in derive(catalog, moment, decisions=False).gates.items()}
    accepted = {catalog.resolve("gate", a) or a for a in record.accepted}
    missing = invalid_go(statuses, required, accepted)
    if missing:
        listed = ", ".join(f"{g} ({statuses.get(g, 'unknown')})" for g in missing)
        found.append(
            (
                ("decision",),
                f"a go needs every gate of {wave_id} ready at its moment, or listed in accepted; not ready then: "
                f"{listed}: accept them knowingly (accepted: [...]) or decide no-go",
            )
        )
    return found
