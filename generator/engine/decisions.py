"""Decisions on the record: waivers in force, and each wave's sign-off (see the contract's
"Waivers" and "Sign-offs").

A waiver turns the failing check results it covers into passing ones while it is in
force; a sign-off is the decision beside a wave's derived status, and a ``go`` goes
stale when a gate of the wave gets lower after it. Both are pure functions of the
catalog and the as-of moment, like every status rule.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Literal

from ..asof import end_of_day
from ..records.catalog import Catalog
from ..records.models import observed_moment
from .checks import CheckResult
from .evidence_index import EvidenceIndex
from .ranks import GATE_RANK, regressed

DecisionValue = Literal["none", "go", "go-stale", "no-go"]


@dataclass(frozen=True, slots=True)
class Waived:
    """The waiver that covers a failing check result."""

    record: str
    """The waiver's evidence id."""
    expires: dt.date
    """The last day it is in force."""
    approvers: tuple[str, ...]

    @property
    def text(self) -> str:
        """``waived by <record> until <date>, approved by <owner>``."""
        return f"waived by {self.record} until {self.expires.isoformat()}, approved by {', '.join(self.approvers)}"


def waivers_in_force(catalog: Catalog, index: EvidenceIndex) -> dict[tuple[str, str], Waived]:
    """(gate id, entity ref) -> the waiver covering it as of the index's moment: counting (observed
    by then, not superseded) and not past the end of its ``expires`` day; the latest wins."""
    covered: dict[tuple[str, str], Waived] = {}
    for evidence_id in index.counted:  # oldest first: a later waiver replaces an earlier one
        record = catalog.evidence[evidence_id]
        if record.kind != "waiver" or record.expires is None or index.as_of > end_of_day(record.expires):
            continue
        waived = Waived(evidence_id, record.expires, record.approvers)
        for gate_ref, entities in (record.waive or {}).items():
            gate_id = catalog.resolve("gate", gate_ref)
            for entity in entities:
                resolved = catalog.resolve_ref(entity)
                if gate_id is not None and resolved is not None:
                    covered[(gate_id, f"{resolved[0]}:{resolved[1]}")] = waived
    return covered


def apply_waivers(results: Iterable[CheckResult], covered: Mapping[tuple[str, str], Waived]) -> list[CheckResult]:
    """``results`` with each failing one that a waiver covers counted as passing, and saying by which."""
    if not covered:
        return list(results)
    out = []
    for result in results:
        waived = covered.get((result.gate, result.entity)) if not result.passed else None
        out.append(result if waived is None else replace(result, passed=True, waived=waived))
    return out


@dataclass(frozen=True, slots=True)
class StaleCause:
    """A gate of the wave that got lower after a ``go``: when, and from what to what."""

    gate: str
    at: dt.datetime
    """The first moment it was lower (or blocked, for an accepted gate)."""
    before: str
    """Its status at the decision."""
    after: str

    @property
    def text(self) -> str:
        return f"{self.gate} went from {self.before} to {self.after} on {self.at.date().isoformat()}"


@dataclass(frozen=True, slots=True)
class WaveDecision:
    """A wave's decision as of a moment: its latest counting sign-off, and whether a go went stale."""

    value: DecisionValue
    record: str | None = None
    stale_because: tuple[StaleCause, ...] = ()
    accepted: tuple[str, ...] = ()
    """Open gates the go knowingly accepted."""
    moment: dt.datetime | None = None
    """When the decision was taken."""


NO_DECISION = WaveDecision("none")

StatusesAt = Callable[[dt.datetime], Mapping[str, str]]
"""Gate id -> status as of a moment (the status rules, without decisions)."""


def latest_sign_offs(catalog: Catalog, index: EvidenceIndex) -> dict[str, str]:
    """Wave id -> the evidence id of its latest counting sign-off."""
    latest: dict[str, str] = {}
    for evidence_id in index.counted:  # oldest first
        record = catalog.evidence[evidence_id]
        if record.kind == "sign-off" and record.wave is not None:
            wave_id = catalog.resolve("wave", record.wave)
            if wave_id is not None:
                latest[wave_id] = evidence_id
    return latest


def wave_decision(
    catalog: Catalog,
    index: EvidenceIndex,
    record_id: str | None,
    gates: tuple[str, ...],
    statuses_at: StatusesAt,
) -> WaveDecision:
    """The decision of the sign-off ``record_id`` over the wave's ``gates``, as of the index's moment.

    A ``go`` is stale when, after its moment, a gate got lower than it was at the decision, or
    an accepted gate became blocked. Between two records, time alone only lowers statuses
    (expiries, at the start of a day), so a stretch's lowest point is just before the next
    record (or the as-of moment): statuses are read at each record and there, and the day a
    gate got lower is found by bisection.
    """
    if record_id is None:
        return NO_DECISION
    record = catalog.evidence[record_id]
    moment = observed_moment(record.observed)
    accepted = tuple(g for g in (catalog.resolve("gate", a) for a in record.accepted) if g is not None)
    if record.decision != "go":
        return WaveDecision("no-go", record_id, (), accepted, moment)
    seen: dict[dt.datetime, Mapping[str, str]] = {}

    def at(when: dt.datetime) -> Mapping[str, str]:
        found = seen.get(when)
        if found is None:
            found = seen[when] = statuses_at(when)
        return found

    at_decision = at(moment)

    def worse(gate_id: str, when: dt.datetime) -> bool:
        now = at(when)
        return gate_id in at_decision and gate_id in now and regressed(at_decision[gate_id], now[gate_id], GATE_RANK)

    # Every record's moment, superseded ones too: until superseded, they counted.
    records = sorted({when for when in index.moments.values() if moment < when <= index.as_of})
    starts = [moment, *records]
    ends = [*(r - _TICK for r in records), index.as_of]
    causes: dict[str, StaleCause] = {}
    for start, end in zip(starts, ends, strict=True):
        for gate_id in gates:
            if gate_id in causes:
                continue
            if start > moment and worse(gate_id, start):
                first = start
            elif end > start and worse(gate_id, end):
                first = _first_worse_day(start, end, functools.partial(worse, gate_id))
            else:
                continue
            causes[gate_id] = StaleCause(gate_id, first, at_decision[gate_id], at(first)[gate_id])
    if causes:
        ordered = tuple(causes[g] for g in gates if g in causes)
        return WaveDecision("go-stale", record_id, ordered, accepted, moment)
    return WaveDecision("go", record_id, (), accepted, moment)


_TICK = dt.timedelta(microseconds=1)


def _first_worse_day(start: dt.datetime, end: dt.datetime, worse: Callable[[dt.datetime], bool]) -> dt.datetime:
    """The first moment in ``(start, end]`` at which ``worse`` holds, knowing it holds at ``end`` and,
    time alone only lowering statuses, keeps holding once it does. Between records only expiries
    change statuses, and they fall at the start of a day (UTC): the answer is a day's start, or ``end``."""
    days = []
    day = end_of_day(start.date()) + _TICK
    while day <= end:
        days.append(day)
        day += dt.timedelta(days=1)
    low, high = 0, len(days)  # the first day index where worse holds; len(days): only at ``end``
    while low < high:
        middle = (low + high) // 2
        if worse(days[middle]):
            high = middle
        else:
            low = middle + 1
    return days[low] if low < len(days) else end


def invalid_go(gates: Mapping[str, str], required: tuple[str, ...], accepted: Iterable[str]) -> list[str]:
    """The wave's gates neither ready at a go's moment nor accepted by it (none: the go is valid)."""
    allowed = set(accepted)
    return [g for g in required if gates.get(g) != "ready" and g not in allowed]
