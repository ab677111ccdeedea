"""The status rules: gate and wave statuses with their reasons, and scorecards.

Pure functions of a validated :class:`Catalog` and an as-of moment; see the
contract's "Status rules". Retired gates and waves, retired services (and
their stores) and superseded records count for nothing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from ..records.catalog import Catalog
from ..records.models import GateStatus, WaveStatus
from ..textsafe import plural
from .checks import CheckCache, CheckResult, describe_check, evaluate_check
from .decisions import Waived, WaveDecision, apply_waivers, latest_sign_offs, waivers_in_force, wave_decision
from .evidence_index import Assessment, EvidenceIndex, build_index
from .freshness import stale_from
from .ranks import GATE_RANK, WAVE_RANK, regressed

__all__ = ["GATE_RANK", "WAVE_RANK", "Derived", "GateState", "Reason", "WaveState", "derive", "regressed", "wave_gates"]


@dataclass(frozen=True, slots=True)
class Reason:
    """One reason behind a status, with what it points to (for links)."""

    text: str
    evidence: str | None = None
    """Id of the record the reason cites."""
    gate: str | None = None
    """Id of the gate it cites (a precondition, or a gate of a wave)."""
    entity: str | None = None
    """Reference of the entity it cites (``store:gitea-db``)."""

    def __str__(self) -> str:
        return self.text


@dataclass(frozen=True, slots=True)
class GateState:
    """A gate's derived status and everything behind it."""

    id: str
    status: GateStatus
    reasons: tuple[Reason, ...]
    assessment: Assessment | None
    results: tuple[CheckResult, ...]
    expires: dt.date | None = None
    """Day the ready assessment stops counting (``None`` without one or without max_age_days)."""


@dataclass(frozen=True, slots=True)
class WaveState:
    """A wave's derived status over every gate it requires."""

    id: str
    status: WaveStatus
    overdue: bool
    """Past its target and not passed."""
    gates: tuple[str, ...]
    reasons: tuple[Reason, ...]

    def progress(self, gates: dict[str, GateState]) -> tuple[int, int]:
        """(ready gates, all gates)."""
        return sum(1 for g in self.gates if gates[g].status == "ready"), len(self.gates)


@dataclass(slots=True)
class Derived:
    """Every status as of one moment."""

    as_of: dt.datetime
    index: EvidenceIndex
    gates: dict[str, GateState] = field(default_factory=dict)
    """Active (not retired) gates, by id, in id order."""
    waves: dict[str, WaveState] = field(default_factory=dict)
    """Active waves, by id, in file order."""
    scorecards: dict[str, list[CheckResult]] = field(default_factory=dict)
    """Entity ref -> every check result that selected it."""
    waivers: dict[tuple[str, str], Waived] = field(default_factory=dict)
    """(gate id, entity ref) -> the waiver in force that covers it (whether its result fails or not)."""
    decisions: dict[str, WaveDecision] = field(default_factory=dict)
    """Active wave id -> its decision (its latest sign-off); empty when derived without decisions."""


def _day(moment: dt.datetime) -> dt.date:
    return moment.date()


def _check_reasons(gate_id: str, results: list[CheckResult], catalog: Catalog) -> list[Reason]:
    reasons: list[Reason] = []
    by_check: dict[int, list[CheckResult]] = {}
    for result in results:
        by_check.setdefault(result.check, []).append(result)
    for index in sorted(by_check):
        group = by_check[index]
        failed = [r for r in group if not r.passed]
        waived = [r for r in group if r.waived is not None]
        check = catalog.gates[gate_id].checks[index]
        if failed:
            reasons.append(Reason(f"check {index + 1} ({describe_check(check)}): {len(failed)} of {len(group)} fail"))
        for result in failed:
            reasons.append(
                Reason(f"{result.entity}: {'; '.join(result.reasons)}", evidence=result.evidence, entity=result.entity)
            )
        for result in waived:
            assert result.waived is not None
            reasons.append(
                Reason(
                    f"{result.entity}: {result.waived.text} ({'; '.join(result.reasons)})",
                    evidence=result.waived.record,
                    entity=result.entity,
                )
            )
    return reasons


def _gate_state(
    gate_id: str,
    catalog: Catalog,
    index: EvidenceIndex,
    results: list[CheckResult],
    states: dict[str, GateState],
    *,
    explain: bool = True,
) -> GateState:
    gate = catalog.gates[gate_id]
    reasons: list[Reason] = []
    blocked = False
    for required in gate.requires:
        target = catalog.resolve("gate", required)
        if target is None or catalog.gates[target].retired:
            continue
        required_status = states[target].status
        if required_status != "ready":
            blocked = True
            reasons.append(Reason(f"requires {target}, which is {required_status}", gate=target))

    failing = [r for r in results if not r.passed]
    check_reasons = _check_reasons(gate_id, results, catalog) if explain else []
    assessment = index.assessments.get(gate_id)
    expires: dt.date | None = None
    status: GateStatus
    if assessment is not None:
        day = _day(assessment.observed)
        reasons.append(
            Reason(
                f"assessed {assessment.status} by {assessment.evidence} on {day.isoformat()}",
                evidence=assessment.evidence,
            )
        )
        status = assessment.status
        if status == "ready":
            if gate.max_age_days is not None:
                expires = stale_from(day, gate.max_age_days)
                if _day(index.as_of) >= expires:
                    status = "partial"
                    reasons.append(
                        Reason(
                            f"ready evidence expired on {expires.isoformat()} "
                            f"({assessment.evidence} is older than {plural(gate.max_age_days, 'day')})",
                            evidence=assessment.evidence,
                        )
                    )
            if failing:
                status = "partial"
        elif results and not failing:
            reasons.append(
                Reason(
                    f"all {plural(len(results), 'check result')} pass, but the latest assessment says "
                    f"{assessment.status}: file a new assessment if the gate is ready",
                    evidence=assessment.evidence,
                )
            )
    else:
        passing = len(results) - len(failing)
        if not gate.checks:
            status = "unknown"
            reasons.append(Reason("no assessment and no automatic checks: nothing is cataloged yet"))
        elif not results:
            # "yet": a selection the catalog can never fill is a validation error (a where value
            # its field cannot hold, an empty list), so this one can fill as records are added or change.
            status = "unknown"
            reasons.append(Reason("no assessment, and the checks select nothing yet"))
        elif passing == 0:
            status = "unknown"
            reasons.append(Reason(f"no assessment, and none of {plural(len(results), 'check result')} pass"))
        elif failing:
            status = "partial"
            reasons.append(Reason(f"no assessment; {passing} of {plural(len(results), 'check result')} pass"))
        else:
            status = "ready"
            reasons.append(Reason(f"no assessment; all {plural(len(results), 'check result')} pass"))
    reasons.extend(check_reasons)
    if blocked:
        status = "blocked"
    return GateState(gate_id, status, tuple(reasons), assessment, tuple(results), expires)


def wave_gates(wave_id: str, catalog: Catalog) -> tuple[str, ...]:
    """The active gates a wave requires: its own, then those of its services, in order."""
    wave = catalog.waves[wave_id]
    out: list[str] = []
    for ref in wave.gates:
        gate_id = catalog.resolve("gate", ref)
        if gate_id is not None and not catalog.gates[gate_id].retired and gate_id not in out:
            out.append(gate_id)
    services = set()
    for ref in wave.services or ():
        service_id = catalog.resolve("service", ref)
        if service_id is not None and not catalog.service_retired(service_id):
            services.add(service_id)
    for gate_id in sorted(catalog.gates):
        gate = catalog.gates[gate_id]
        if gate.retired or gate.service is None or gate_id in out:
            continue
        if catalog.resolve("service", gate.service) in services:
            out.append(gate_id)
    return tuple(out)


def _wave_state(wave_id: str, catalog: Catalog, gates: dict[str, GateState], as_of: dt.datetime) -> WaveState:
    wave = catalog.waves[wave_id]
    required = wave_gates(wave_id, catalog)
    statuses = [gates[g].status for g in required]
    status: WaveStatus
    reasons: list[Reason] = []
    if not required:
        # The contract's first rule, "passed when every gate is ready", holds vacuously.
        status = "passed"
        reasons.append(Reason("requires no active gate"))
    elif all(s == "ready" for s in statuses):
        status = "passed"
    elif "blocked" in statuses:
        status = "blocked"
    elif any(s in ("partial", "ready") for s in statuses):
        status = "in-progress"
    else:
        status = "not-started"
    for gate_id, gate_status in zip(required, statuses, strict=True):
        if gate_status != "ready":
            reasons.append(Reason(f"{gate_id} is {gate_status}", gate=gate_id))
    overdue = wave.target is not None and _day(as_of) > wave.target and status != "passed"
    if overdue and wave.target is not None:
        reasons.insert(0, Reason(f"overdue: the target {wave.target.isoformat()} has passed"))
    return WaveState(wave_id, status, overdue, required, tuple(reasons))


def derive(catalog: Catalog, as_of: dt.datetime, cache: CheckCache | None = None, *, decisions: bool = True) -> Derived:
    """Every gate and wave status, with reasons, and every scorecard, as of ``as_of``; with
    ``decisions``, each wave's decision too (a go's staleness reads statuses at other moments).

    ``cache`` carries what does not depend on evidence (selections, field conditions) between
    derivations of catalogs that share records: the many moments a go's staleness reads.
    """
    index = build_index(catalog, as_of)
    derived = Derived(as_of=as_of, index=index)
    covered = derived.waivers = waivers_in_force(catalog, index)
    results: dict[str, list[CheckResult]] = {}
    for gate_id in sorted(catalog.gates):
        gate = catalog.gates[gate_id]
        if gate.retired:
            continue
        gate_results: list[CheckResult] = []
        for check_index, check in enumerate(gate.checks):
            gate_results.extend(evaluate_check(gate_id, check_index, check, catalog, index, as_of, cache))
        gate_results = apply_waivers(gate_results, covered)
        results[gate_id] = gate_results
        for result in gate_results:
            derived.scorecards.setdefault(result.entity, []).append(result)

    states: dict[str, GateState] = {}

    def visit(gate_id: str, trail: tuple[str, ...] = ()) -> None:
        # requires has no cycles (the loader rejects them); the trail guards anyway.
        if gate_id in states or gate_id in trail:
            return
        for required in catalog.gates[gate_id].requires:
            target = catalog.resolve("gate", required)
            if target is not None and not catalog.gates[target].retired:
                visit(target, (*trail, gate_id))
        states[gate_id] = _gate_state(gate_id, catalog, index, results[gate_id], states)

    for gate_id in results:
        visit(gate_id)
    derived.gates = {gate_id: states[gate_id] for gate_id in results}
    for wave_id, wave in catalog.waves.items():
        if not wave.retired:
            derived.waves[wave_id] = _wave_state(wave_id, catalog, derived.gates, as_of)
    if decisions:
        signed = latest_sign_offs(catalog, index)
        again = cache if cache is not None else CheckCache()

        def statuses_at(moment: dt.datetime) -> dict[str, str]:
            return {g: state.status for g, state in derive(catalog, moment, again, decisions=False).gates.items()}

        for wave_id, wave_state in derived.waves.items():
            derived.decisions[wave_id] = wave_decision(
                catalog, index, signed.get(wave_id), wave_state.gates, statuses_at
            )
    return derived


# The rules for one gate and one wave, for engine/incremental.py, which applies them only where
# something changed. ``gate_state(..., explain=False)``: the status without a reason per failing
# check result (what a history keeps is statuses).
gate_state = _gate_state
wave_state = _wave_state
