"""The references an option names (``--about kind:id``, ``--assess GATE=STATUS``,
``--supersedes ID``, ``--resolves ID``): their form, then what they name in the catalog.

Used by ``readiness evidence new`` (:mod:`generator.authoring`) and by the probes'
commands (:mod:`generator.probes.single`). Problems name the option they come from.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from .errors import UsageError
from .records.catalog import Catalog
from .records.loader.messages import suggest
from .records.models import GATE_STATUSES, REF_KINDS, GateStatus, is_gate_id, is_gate_status, is_ref
from .textsafe import article


def check_reference_forms(about: Sequence[str], assess: Mapping[str, str]) -> dict[str, GateStatus]:
    """The form of ``--about`` and ``--assess`` values (:class:`UsageError` naming the option);
    returns the assessments, checked."""
    problems = reference_problems(about, assess)
    if problems:
        raise UsageError("\n".join(problems))
    return statuses(assess)


def statuses(assess: Mapping[str, str]) -> dict[str, GateStatus]:
    """Assessments whose statuses were checked, typed as such."""
    return {gate: status for gate, status in assess.items() if is_gate_status(status)}


def reference_problems(about: Sequence[str], assess: Mapping[str, str]) -> list[str]:
    problems: list[str] = []
    for ref in about:
        if not is_ref(ref):
            problems.append(
                f"--about {ref}: not a valid reference: write kind:id with kind one of {', '.join(REF_KINDS)} "
                "(e.g. store:gitea-db)"
            )
    for gate, status in assess.items():
        if not is_gate_id(gate):
            problems.append(
                f"--assess {gate}={status}: '{gate}' is not a valid gate id: "
                "use uppercase parts joined by '-', like OPS-G05"
            )
        if status not in GATE_STATUSES:
            problems.append(
                f"--assess {gate}={status}: unknown status '{status}'{suggest(status, GATE_STATUSES)} "
                f"(use one of {', '.join(GATE_STATUSES)})"
            )
    return problems


@dataclass(frozen=True, slots=True)
class Resolved:
    """References resolved against the catalog: canonical ids, aliases followed, repeats dropped."""

    about: list[str]
    assess: dict[str, GateStatus]
    supersedes: list[str]
    resolves: list[str]


def resolve_references(
    catalog: Catalog,
    *,
    about: Sequence[str],
    assess: Mapping[str, GateStatus],
    supersedes: Sequence[str] = (),
    resolves: Sequence[str] = (),
) -> Resolved:
    """The options' references resolved against the catalog; :class:`UsageError` (exit 2) with all problems."""
    problems: list[str] = []
    refs: list[str] = []
    for ref in about:
        kind, _, ident = ref.partition(":")
        resolved = catalog.resolve_ref(ref)
        if resolved is None:
            problems.append(f"--about {ref}: unknown {kind} '{ident}'{suggest(ident, _names(catalog, kind))}")
            continue
        canonical = f"{resolved[0]}:{resolved[1]}"
        if canonical not in refs:
            refs.append(canonical)
    gates: dict[str, GateStatus] = {}
    for gate, status in assess.items():
        canonical_gate = catalog.resolve("gate", gate)
        if canonical_gate is None:
            problems.append(f"--assess {gate}={status}: unknown gate '{gate}'{suggest(gate, _names(catalog, 'gate'))}")
            continue
        if gates.get(canonical_gate, status) != status:
            problems.append(
                f"--assess {gate}={status}: {gate} is {canonical_gate}, already assessed as {gates[canonical_gate]}"
            )
            continue
        gates[canonical_gate] = status
    evidence_ids = sorted(catalog.evidence)
    kept: dict[str, list[str]] = {"--supersedes": [], "--resolves": []}
    for option, ids in (("--supersedes", supersedes), ("--resolves", resolves)):
        for ident in ids:
            record = catalog.evidence.get(ident)
            if record is None:
                problems.append(f"{option} {ident}: unknown evidence record '{ident}'{suggest(ident, evidence_ids)}")
                continue
            if option == "--resolves" and record.kind != "risk-raised":
                problems.append(
                    f"--resolves {ident}: '{ident}' is {article(record.kind)} record: resolves closes risk-raised records only"
                )
                continue
            if ident not in kept[option]:
                kept[option].append(ident)
    if problems:
        # An option naming what the records do not hold is a wrong command line (exit 2), like a malformed one.
        raise UsageError("\n".join(problems))
    return Resolved(refs, gates, kept["--supersedes"], kept["--resolves"])


def _names(catalog: Catalog, kind: str) -> list[str]:
    return [*catalog.table(kind), *catalog.aliases.get(kind, {})]


@dataclass(frozen=True, slots=True)
class ResolvedDecision:
    """The references of a waiver's or sign-off's options, by canonical id."""

    waive: dict[str, list[str]]
    approved_by: list[str]
    wave: str | None
    accepted: list[str]


def resolve_decision(
    catalog: Catalog,
    *,
    waive: Mapping[str, Sequence[str]],
    approved_by: Sequence[str],
    wave: str | None,
    accepted: Sequence[str],
) -> ResolvedDecision:
    """``--waive``, ``--approved-by``, ``--wave`` and ``--accept`` resolved against the catalog;
    :class:`UsageError` (exit 2) naming each option whose value the records do not hold."""
    problems: list[str] = []

    def one(option: str, kind: str, ident: str, shown: str | None = None) -> str | None:
        canonical = catalog.resolve(kind, ident)
        if canonical is None:
            problems.append(
                f"{option} {shown or ident}: unknown {kind} '{ident}'{suggest(ident, _names(catalog, kind))}"
            )
        return canonical

    waived: dict[str, list[str]] = {}
    for gate, entities in waive.items():
        gate_id = one("--waive", "gate", gate, f"{gate}=...")
        for entity in entities:
            resolved = catalog.resolve_ref(entity)
            if resolved is None:
                kind, _, ident = entity.partition(":")
                problems.append(
                    f"--waive {gate}={entity}: unknown {kind} '{ident}'{suggest(ident, _names(catalog, kind))}"
                )
            elif gate_id is not None and f"{resolved[0]}:{resolved[1]}" not in waived.setdefault(gate_id, []):
                waived[gate_id].append(f"{resolved[0]}:{resolved[1]}")
    approvers = [a for a in (one("--approved-by", "repo", r) for r in approved_by) if a is not None]
    wave_id = one("--wave", "wave", wave) if wave is not None else None
    gates = [g for g in (one("--accept", "gate", a) for a in accepted) if g is not None]
    if problems:
        raise UsageError("\n".join(problems))
    return ResolvedDecision(waived, list(dict.fromkeys(approvers)), wave_id, list(dict.fromkeys(gates)))
