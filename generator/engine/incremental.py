"""Statuses catalog after catalog, recomputing only what a change can affect (the history).

:class:`StatusTracker` gives, for one catalog and as-of moment after another, the gate and
wave statuses that :func:`~.status.derive` gives for each, applying the same rules
(:func:`~.status.gate_state`, :func:`~.status.wave_state`, :func:`~.checks.check_result`)
only where their inputs changed. Records are immutable, so identity tells what changed:

- **evidence** added, removed or replaced, and records the as-of moment reaches: the
  evidence index is updated in place (:class:`~.evidence_index.LiveIndex`), which says
  which entity refs and gates it touched;
- **check results** are evaluated again for the entities whose evidence was touched, for the
  entities whose record changed, for every check of a gate that changed, and for results
  that time alone turns: a passing result with ``max_age_days`` goes stale on a known day;
- **gates** are judged again when a check result turned, their assessment changed, their
  ready assessment expires between the two moments, or a gate they require changed status;
- **waves** are judged again when any gate changed status or the catalog's records did.

What is not followed is derived whole: a catalog whose ids or aliases resolve differently
rebuilds everything, as does a moment earlier than the last one, and a record of a kind not
in :data:`TRACKED_KINDS` (whose rules may reach further) makes each step a plain ``derive``.
``tests/test_incremental.py`` derives generated histories both ways and finds them equal.
"""

from __future__ import annotations

import datetime as dt
import heapq
from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Any

from ..records.catalog import Catalog
from ..records.kinds import KINDS, selected_kind
from ..records.models import Check, Evidence, GateStatus, WaveStatus
from .checks import CheckResult, check_result, evaluate_check, selected_entities, static_reasons
from .evidence_index import EvidenceIndex, LiveIndex
from .freshness import stale_from
from .status import GateState, WaveState, derive, gate_state, wave_state

TRACKED_KINDS = frozenset(
    {
        "assessment",
        "endpoint-verified",
        "backup-verified",
        "restore-tested",
        "registry-verified",
        "tls-verified",
        "risk-raised",
        "note",
    }
)
"""Evidence kinds whose whole effect on statuses the tracker follows: through the evidence index
(``observed``, ``about``, ``assess``, ``supersedes``, ``resolves``) and a check's ``evidence``
condition (``result``). A new kind is derived whole until it is added here with what it does."""

_ENTITY_KINDS = tuple(kind.name for kind in KINDS if kind.name != "evidence")


@dataclass(frozen=True, slots=True)
class Statuses:
    """Every active gate's and wave's status, in the order :class:`~.status.Derived` lists them."""

    gates: dict[str, GateStatus]
    waves: dict[str, WaveStatus]
    waivers: dict[str, frozenset[str]] = field(default_factory=dict)
    """Gate id -> the waivers in force that cover one of its results (waivers are not tracked:
    a catalog with one is derived whole, which fills this in)."""


@dataclass(slots=True)
class _CheckState:
    """One check of one gate: what it selects, and its result for each."""

    check: Check
    kind: str
    selected: list[tuple[str, Any]]
    results: list[CheckResult]
    at: dict[str, int] = field(default_factory=dict)
    """Ref of a selected entity that exists -> its position."""


class StatusTracker:
    """The statuses of one catalog after another (see the module's docstring)."""

    def __init__(self) -> None:
        self._catalog: Catalog | None = None
        self._as_of = dt.datetime.min.replace(tzinfo=dt.UTC)
        self._live: LiveIndex | None = None
        self._checks: dict[tuple[str, int], _CheckState] = {}
        self._by_ref: dict[str, list[tuple[str, int]]] = {}
        """Entity ref -> the (gate, check) pairs that select it."""
        self._stale: list[tuple[dt.date, str, int, str]] = []
        """Heap of (day a passing result goes stale, gate, check, ref)."""
        self._static: dict[tuple[int, int], tuple[Check, Any, list[str]]] = {}
        """Unmet field conditions by (check, entity) identity (both held, so ids stay theirs)."""
        self._states: dict[str, GateState] = {}
        self._order: list[str] = []
        """Active gates, each after the gates it requires."""
        self._requires: dict[str, list[str]] = {}
        self._waves: dict[str, WaveState] = {}

    # ------------------------------------------------------------------ stepping

    def advance(self, catalog: Catalog, as_of: dt.datetime, *, evidence: Collection[str] | None = None) -> Statuses:
        """The statuses of ``catalog`` as of ``as_of``, from what changed since the last call.

        ``evidence``: every evidence id that may differ from the last call's catalog (added,
        replaced or removed), when the caller knows them; ``None`` compares every record."""
        previous, live = self._catalog, self._live
        if previous is None or live is None or as_of < self._as_of or not _same_resolution(previous, catalog):
            return self._rebuild(catalog, as_of)
        changed, removed = _evidence_changes(previous.evidence, catalog.evidence, evidence)
        if any(catalog.evidence[evidence_id].kind not in TRACKED_KINDS for evidence_id in changed):
            return self._rebuild(catalog, as_of)
        before = self._as_of.date()
        self._catalog, self._as_of = catalog, as_of
        live.set_catalog(catalog)
        for evidence_id in removed:
            live.remove(evidence_id)
        for evidence_id in changed:
            if evidence_id in previous.evidence:
                live.remove(evidence_id)
        live.advance(as_of)
        for evidence_id in changed:
            live.add(evidence_id, catalog.evidence[evidence_id])
        touched_refs, touched_gates = live.take_touched()

        today = as_of.date()
        due: dict[tuple[str, int], set[str]] = {}
        for ref in touched_refs:
            for pair in self._by_ref.get(ref, ()):
                due.setdefault(pair, set()).add(ref)
        while self._stale and self._stale[0][0] <= today:
            _, gate_id, check_index, ref = heapq.heappop(self._stale)
            due.setdefault((gate_id, check_index), set()).add(ref)
        records_changed = _records_changed(previous, catalog)
        turned: set[str] = set()
        if records_changed:
            self._select(catalog, {ref for refs in due.values() for ref in refs})
        else:
            for pair, refs in due.items():
                state = self._checks.get(pair)
                if state is None:
                    continue
                for ref in refs:
                    at = state.at.get(ref)
                    if at is None:
                        continue
                    old = state.results[at]
                    new = state.results[at] = self._result(pair, state, ref, state.selected[at][1])
                    if new.passed != old.passed:
                        turned.add(pair[0])

        statuses_changed = False
        changed_gates: set[str] = set()
        for gate_id in self._order:
            was = self._states.get(gate_id)
            expiring = was is not None and was.expires is not None and before < was.expires <= today
            if not (
                records_changed
                or gate_id in turned
                or gate_id in touched_gates
                or expiring
                or any(required in changed_gates for required in self._requires[gate_id])
            ):
                continue
            status = self._gate(gate_id).status
            if was is None or status != was.status:
                changed_gates.add(gate_id)
                statuses_changed = True
        if records_changed or statuses_changed:
            self._judge_waves()
        return self.statuses()

    def statuses(self) -> Statuses:
        """The statuses as of the last step."""
        return Statuses(
            {gate_id: self._states[gate_id].status for gate_id in sorted(self._states)},
            {wave_id: state.status for wave_id, state in self._waves.items()},
        )

    def index(self) -> EvidenceIndex:
        """The evidence index as of the last step."""
        assert self._live is not None, "no step yet, or a catalog derived whole"
        return self._live.index

    def explain(self, gate_id: str) -> GateState:
        """The gate's state as of the last step with every reason, as :func:`~.status.derive` gives it."""
        catalog, live = self._catalog, self._live
        assert catalog is not None and live is not None, "no step yet"
        results = [
            result
            for index, check in enumerate(catalog.gates[gate_id].checks)
            for result in evaluate_check(gate_id, index, check, catalog, live.index, self._as_of)
        ]
        return gate_state(gate_id, catalog, live.index, results, self._states)

    def wave(self, wave_id: str) -> WaveState:
        """The wave's state as of the last step, with its reasons and ``overdue``."""
        assert self._catalog is not None, "no step yet"
        return wave_state(wave_id, self._catalog, self._states, self._as_of)

    # ------------------------------------------------------------------ the parts

    def _rebuild(self, catalog: Catalog, as_of: dt.datetime) -> Statuses:
        """Everything from scratch (or, with a record of a kind not tracked, a plain derive)."""
        if any(record.kind not in TRACKED_KINDS for record in catalog.evidence.values()):
            self._catalog = self._live = None
            derived = derive(catalog, as_of, decisions=False)
            waivers: dict[str, set[str]] = {}
            for (gate_id, _), waived in derived.waivers.items():
                waivers.setdefault(gate_id, set()).add(waived.record)
            return Statuses(
                {gate_id: state.status for gate_id, state in derived.gates.items()},
                {wave_id: state.status for wave_id, state in derived.waves.items()},
                {gate_id: frozenset(ids) for gate_id, ids in waivers.items()},
            )
        self._catalog, self._as_of = catalog, as_of
        self._live = LiveIndex.build(catalog, as_of)
        self._checks, self._states, self._stale = {}, {}, []
        self._select(catalog, set())
        for gate_id in self._order:
            self._gate(gate_id)
        self._judge_waves()
        return self.statuses()

    def _select(self, catalog: Catalog, touched: set[str]) -> None:
        """What every check of every active gate selects, keeping each result whose check,
        entity and evidence (``touched``: refs whose evidence changed) are what they were."""
        old, self._checks, self._by_ref = self._checks, {}, {}
        selections: dict[object, list[tuple[str, Any]]] = {}  # checks that select alike select the same
        for gate_id in sorted(catalog.gates):
            gate = catalog.gates[gate_id]
            if gate.retired:
                continue
            for index, check in enumerate(gate.checks):
                pair = (gate_id, index)
                kind = selected_kind(check.select).name
                selector = _selector(check)
                selected = selections.get(selector)
                if selected is None:
                    selected = selections[selector] = selected_entities(check, catalog)
                state = _CheckState(check, kind, selected, [])
                before = old.get(pair)
                if before is not None and before.check is not check and before.check != check:
                    before = None
                for at, (ref, entity) in enumerate(selected):
                    reuse: CheckResult | None = None
                    if entity is not None:
                        state.at[ref] = at
                        self._by_ref.setdefault(ref, []).append(pair)
                        if before is not None and ref not in touched:
                            was = before.at.get(ref)
                            if was is not None and before.selected[was][1] is entity:
                                reuse = before.results[was]
                    state.results.append(reuse if reuse is not None else self._result(pair, state, ref, entity))
                self._checks[pair] = state
        self._order, self._requires = _gate_order(catalog)
        self._states = {gate_id: state for gate_id, state in self._states.items() if gate_id in self._requires}

    def _result(self, pair: tuple[str, int], state: _CheckState, ref: str, entity: Any) -> CheckResult:
        catalog, live = self._catalog, self._live
        assert catalog is not None and live is not None
        check = state.check
        static: list[str] = []
        if entity is not None and check.fields:
            key = (id(check), id(entity))
            memo = self._static.get(key)
            if memo is None or memo[0] is not check or memo[1] is not entity:
                memo = self._static[key] = (check, entity, static_reasons(check, state.kind, entity))
            static = memo[2]
        result = check_result(
            pair[0], pair[1], check, state.kind, ref, entity, static, catalog, live.index, self._as_of
        )
        if result.passed and result.evidence is not None and check.max_age_days is not None:
            stale = stale_from(live.index.observed_day(result.evidence), check.max_age_days)
            heapq.heappush(self._stale, (stale, pair[0], pair[1], ref))
        return result

    def _gate(self, gate_id: str) -> GateState:
        catalog, live = self._catalog, self._live
        assert catalog is not None and live is not None
        results = [
            result
            for index in range(len(catalog.gates[gate_id].checks))
            for result in self._checks[(gate_id, index)].results
        ]
        state = self._states[gate_id] = gate_state(gate_id, catalog, live.index, results, self._states, explain=False)
        return state

    def _judge_waves(self) -> None:
        catalog = self._catalog
        assert catalog is not None
        self._waves = {
            wave_id: wave_state(wave_id, catalog, self._states, self._as_of)
            for wave_id, wave in catalog.waves.items()
            if not wave.retired
        }


def _selector(check: Check) -> object:
    """What decides a check's selection (``select``, ``where``, ``ids``), as a key: values keep
    their type (``true`` is not ``1``)."""
    where = tuple((key, tuple((type(v).__name__, v) for v in values)) for key, values in (check.where or {}).items())
    return (check.select, where, tuple(check.ids) if check.ids is not None else None)


def _same_resolution(before: Catalog, after: Catalog) -> bool:
    """Whether every id and alias resolves in ``after`` as in ``before`` (the evidence index holds
    resolved references)."""
    if before.aliases != after.aliases:
        return False
    for kind in _ENTITY_KINDS:
        old, new = before.table(kind), after.table(kind)
        if old is not new and old.keys() != new.keys():
            return False
    return True


def _records_changed(before: Catalog, after: Catalog) -> bool:
    """Whether any record other than evidence differs (by identity) between the two catalogs."""
    for kind in _ENTITY_KINDS:
        old, new = before.table(kind), after.table(kind)
        if old is not new and any(new[ident] is not record for ident, record in old.items()):
            return True
    return False


def _evidence_changes(
    before: dict[str, Evidence], after: dict[str, Evidence], candidates: Collection[str] | None
) -> tuple[list[str], list[str]]:
    """(ids added or replaced, ids removed), among ``candidates`` when given."""
    if before is after:
        return [], []
    if candidates is not None:
        return (
            [i for i in candidates if i in after and before.get(i) is not after[i]],
            [i for i in candidates if i in before and i not in after],
        )
    changed = [evidence_id for evidence_id, record in after.items() if before.get(evidence_id) is not record]
    new = sum(1 for evidence_id in changed if evidence_id not in before)
    if len(before) + new == len(after):
        return changed, []
    return changed, [evidence_id for evidence_id in before if evidence_id not in after]


def _gate_order(catalog: Catalog) -> tuple[list[str], dict[str, list[str]]]:
    """Active gates, each after the active gates it requires; and those requirements."""
    requires: dict[str, list[str]] = {}
    for gate_id in sorted(catalog.gates):
        gate = catalog.gates[gate_id]
        if gate.retired:
            continue
        targets = [catalog.resolve("gate", ref) for ref in gate.requires]
        requires[gate_id] = [t for t in targets if t is not None and not catalog.gates[t].retired]
    order: list[str] = []
    placed: set[str] = set()

    def place(gate_id: str, trail: tuple[str, ...]) -> None:
        # requires has no cycles (the loader rejects them); the trail guards anyway.
        if gate_id in placed or gate_id in trail:
            return
        for required in requires[gate_id]:
            place(required, (*trail, gate_id))
        placed.add(gate_id)
        order.append(gate_id)

    for gate_id in requires:
        place(gate_id, ())
    return order, requires
