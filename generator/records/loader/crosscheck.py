"""Cross-checks: what no single record can say about itself. Ids are unique, references
resolve (through aliases), gate requirements have no cycles, attachments are sound."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence

from ...textsafe import article
from ..catalog import Catalog, Origin
from ..checkfields import check_field_problem, where_value_problem
from ..models import DECISION_KINDS, Check, Evidence, Gate, Service, observed_moment
from .attachments import attachment_case, check_attachment
from .files import WHOLE_FILE
from .messages import Loc, suggest
from .state import Run


def register(run: Run, catalog: Catalog, kind: str, ident: str, aliases: list[str], origin: Origin) -> bool:
    """Take the id and aliases of a record of ``kind``; ``False`` (and a problem) when the id is taken."""
    table = catalog.table(kind)
    key = (kind, ident)
    if ident in table or ident in catalog.aliases.get(kind, {}):
        first = catalog.origins.get(key) or catalog.origins.get((kind, catalog.aliases[kind][ident]))
        where = f" (first in {first.path})" if first else ""
        run.add(origin, ("id",), f"duplicate {kind} id '{ident}'{where}: ids must be unique")
        return False
    catalog.origins[key] = origin
    alias_map = catalog.aliases.setdefault(kind, {})
    for index, alias in enumerate(aliases):
        if alias in table or alias in alias_map or alias == ident:
            run.add(origin, ("aliases", index), f"alias '{alias}' is already a {kind} id or alias")
            continue
        alias_map[alias] = ident
    return True


class _Refs:
    """Resolves references, reporting each that names nothing (unless it names a broken record)."""

    def __init__(self, run: Run, catalog: Catalog) -> None:
        self.run = run
        self.catalog = catalog

    def __call__(self, kind: str, ident: str, origin: Origin, loc: Loc, *, key: bool = False) -> str | None:
        canonical = self.catalog.resolve(kind, ident)
        broken = self.run.broken.get(kind, ())
        if canonical is None and ident not in broken and WHOLE_FILE not in broken:
            known = list(self.catalog.table(kind)) + list(self.catalog.aliases.get(kind, {}))
            self.run.add(origin, loc, f"unknown {kind} '{ident}'{suggest(ident, known)}", key=key)
        return canonical


ADDABLE_KINDS = frozenset(
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
"""Evidence kinds whose cross-checks are all about the record itself (:func:`_check_evidence`) and
the attachments' case: adding such a record to a catalog can break no rule of another record
(:func:`cross_check_added`). A kind with a rule that reaches other records, or the statuses,
is not listed: a catalog that holds one of its records is always loaded whole."""


def cross_check(run: Run, catalog: Catalog, now: dt.datetime) -> None:
    """Every cross-check of the catalog.

    A new rule about evidence records goes in :func:`_check_evidence` when it is about the
    record alone (:func:`cross_check_added` applies it too); a rule that spans records must
    also be applied there, or leave the kinds it concerns out of :data:`ADDABLE_KINDS`."""
    ref = _Refs(run, catalog)
    origins = catalog.origins
    cache = run.cache
    # Records that passed in the previous load of a history need no second look while
    # nothing they could reference disappeared (records are immutable, identity is the key).
    verified: dict[int, tuple[str, str]] = cache.verified if cache is not None else {}
    reuse = cache is not None and cache.stable(catalog)

    def done(kind: str, ident: str, record: object, before: int) -> None:
        if cache is not None and len(run.problems) == before:
            verified[id(record)] = (kind, ident)

    for env_id, env in catalog.environments.items():
        if env.owner is not None:
            ref("repo", env.owner, origins[("environment", env_id)], ("owner",))

    for service_id, service in catalog.services.items():
        if reuse and verified.get(id(service)) == ("service", service_id):
            continue
        before = len(run.problems)
        _check_service(run, ref, service_id, service, origins[("service", service_id)])
        done("service", service_id, service, before)

    for gate_id, gate in catalog.gates.items():
        if reuse and verified.get(id(gate)) == ("gate", gate_id):
            continue
        before = len(run.problems)
        _check_gate(run, ref, gate, origins[("gate", gate_id)])
        done("gate", gate_id, gate, before)
    _cycles(run, catalog)

    for wave_id, wave in catalog.waves.items():
        origin = origins[("wave", wave_id)]
        for index, gate_ref in enumerate(wave.gates):
            ref("gate", gate_ref, origin, ("gates", index))
        for index, service_ref in enumerate(wave.services or []):
            ref("service", service_ref, origin, ("services", index))

    for evidence_id, record in catalog.evidence.items():
        origin = origins[("evidence", evidence_id)]
        if reuse and verified.get(id(record)) == ("evidence", evidence_id):
            for index, attachment in enumerate(record.attachments or []):
                check_attachment(run, origin, index, attachment.path, attachment.sha256)
            continue
        before = len(run.problems)
        _check_evidence(run, catalog, ref, evidence_id, record, origin, now)
        if record.kind not in DECISION_KINDS:  # decisions also read gates' owners: check them each time
            done("evidence", evidence_id, record, before)
    attachment_case(run, catalog)


def cross_check_added(run: Run, catalog: Catalog, added: Sequence[str], now: dt.datetime) -> None:
    """The cross-checks of the evidence records ``added`` to a catalog that passed every
    cross-check and holds records of :data:`ADDABLE_KINDS` only: they can break no rule of
    the records that were there (nothing those reference disappeared), so checking the added
    ones is checking the whole catalog."""
    ref = _Refs(run, catalog)
    for evidence_id in added:
        record = catalog.evidence[evidence_id]
        _check_evidence(run, catalog, ref, evidence_id, record, catalog.origins[("evidence", evidence_id)], now)
    if any(catalog.evidence[evidence_id].attachments for evidence_id in added):
        attachment_case(run, catalog)


def _check_service(run: Run, ref: _Refs, service_id: str, service: Service, origin: Origin) -> None:
    if service.owner is not None:
        ref("repo", service.owner, origin, ("owner",))
    for d_index, deployment in enumerate(service.deployments or []):
        ref("environment", deployment.environment, origin, ("deployments", d_index, "environment"))
    for s_index, store in enumerate(service.stores or []):
        if store.backup is not None and store.backup.owner is not None:
            ref("repo", store.backup.owner, origin, ("stores", s_index, "backup", "owner"))
    for index, other in enumerate(service.depends_on or []):
        target = ref("service", other, origin, ("depends_on", index))
        if target == service_id:
            run.add(origin, ("depends_on", index), "a service cannot depend on itself")


def _check_gate(run: Run, ref: _Refs, gate: Gate, origin: Origin) -> None:
    for index, owner in enumerate(gate.owners):
        ref("repo", owner, origin, ("owners", index))
    for index, required in enumerate(gate.requires):
        ref("gate", required, origin, ("requires", index))
    if gate.service is not None:
        ref("service", gate.service, origin, ("service",))
    for c_index, check in enumerate(gate.checks):
        for f_index, name in enumerate(check.fields or []):
            message = check_field_problem(check.select, name)
            if message:
                run.add(origin, ("checks", c_index, "fields", f_index), message)
        _check_selection(run, origin, c_index, check)
        if check.max_age_days is not None and check.evidence is None:
            run.add(
                origin,
                ("checks", c_index, "max_age_days"),
                "max_age_days applies to the check's evidence: add 'evidence: <kind>' or remove it",
            )
        if not check.fields and check.evidence is None:
            run.add(origin, ("checks", c_index), "a check needs 'fields', 'evidence' or both")


def _check_selection(run: Run, origin: Origin, c_index: int, check: Check) -> None:
    """A check's ``where`` names fields of the kind it selects and lists values they can hold
    (compared as the field's type, so a quoted date never matches a date); neither ``where``
    nor ``ids`` lists nothing, which would select nothing, forever."""
    loc: Loc = ("checks", c_index)
    if check.ids == []:
        run.add(
            origin, (*loc, "ids"), f"ids: [] selects nothing: list ids, or remove 'ids' to select all {check.select}"
        )
    for key, values in (check.where or {}).items():
        message = check_field_problem(check.select, key, top_level=True)
        if message:
            run.add(origin, (*loc, "where", key), message, key=True)
            continue
        if not values:
            run.add(origin, (*loc, "where", key), f"an empty list matches nothing: list values, or remove '{key}'")
        for index, value in enumerate(values):
            message = where_value_problem(check.select, key, value)
            if message:
                run.add(origin, (*loc, "where", key, index), message)


def _cycles(run: Run, catalog: Catalog) -> None:
    """Report each cycle in gate ``requires`` once, at the gate that closes it."""
    state: dict[str, int] = {}
    for start in sorted(catalog.gates):
        if state.get(start):
            continue
        stack: list[tuple[str, Iterator[str]]] = [(start, iter(catalog.gates[start].requires))]
        path = [start]
        state[start] = 1
        while stack:
            gate_id, children = stack[-1]
            for child in children:
                target = catalog.resolve("gate", child)
                if target is None:
                    continue
                if state.get(target) == 1:
                    cycle = [*path[path.index(target) :], target]
                    origin = catalog.origins[("gate", gate_id)]
                    index = catalog.gates[gate_id].requires.index(child)
                    run.add(origin, ("requires", index), f"requires forms a cycle: {' -> '.join(cycle)}")
                    continue
                if not state.get(target):
                    state[target] = 1
                    path.append(target)
                    stack.append((target, iter(catalog.gates[target].requires)))
                    break
            else:
                state[gate_id] = 2
                path.pop()
                stack.pop()


def _check_evidence(
    run: Run,
    catalog: Catalog,
    ref: _Refs,
    evidence_id: str,
    record: Evidence,
    origin: Origin,
    now: dt.datetime,
) -> None:
    """Every cross-check of one evidence record."""
    if observed_moment(record.observed) > now:
        run.add(
            origin,
            ("observed",),
            f"observed {record.observed.isoformat()} is in the future: evidence records facts already seen",
        )
    for index, about in enumerate(record.about):
        kind, _, ident = about.partition(":")
        ref(kind, ident, origin, ("about", index))
    for gate_ref in record.assess:
        ref("gate", gate_ref, origin, ("assess", gate_ref), key=True)
    for index, other in enumerate(record.supersedes):
        if other == evidence_id:
            run.add(origin, ("supersedes", index), "a record cannot supersede itself")
        else:
            ref("evidence", other, origin, ("supersedes", index))
    for index, other in enumerate(record.resolves):
        target = ref("evidence", other, origin, ("resolves", index))
        if target is not None and catalog.evidence[target].kind != "risk-raised":
            run.add(
                origin,
                ("resolves", index),
                f"'{other}' is {article(catalog.evidence[target].kind)} record: resolves closes risk-raised records only",
            )
    for index, attachment in enumerate(record.attachments or []):
        check_attachment(run, origin, index, attachment.path, attachment.sha256)
    if record.kind in DECISION_KINDS:
        _check_decision(run, catalog, ref, record, origin)


def _check_decision(run: Run, catalog: Catalog, ref: _Refs, record: Evidence, origin: Origin) -> None:
    """The references of a waiver or sign-off; a waiver's approvers own every gate it waives.
    (Which entities a gate's checks select, and whether a go was valid at its moment, are
    status questions: :mod:`generator.engine.decisions` checks them.)"""
    approvers: list[tuple[str, Loc]] = []
    for index, repo in enumerate(record.approvers):
        loc: Loc = ("approved_by",) if isinstance(record.approved_by, str) else ("approved_by", index)
        canonical = ref("repo", repo, origin, loc)
        if canonical is not None:
            approvers.append((canonical, loc))
    for gate_ref, entities in (record.waive or {}).items():
        gate_id = ref("gate", gate_ref, origin, ("waive", gate_ref), key=True)
        for index, entity in enumerate(entities):
            kind, _, ident = entity.partition(":")
            ref(kind, ident, origin, ("waive", gate_ref, index))
        if gate_id is None:
            continue
        owners = sorted({catalog.resolve("repo", owner) or owner for owner in catalog.gates[gate_id].owners})
        for repo, loc in approvers:
            if repo not in owners:
                run.add(
                    origin,
                    loc,
                    f"'{repo}' does not own {gate_id} (its owners: {', '.join(owners) or 'none'}): a waiver is "
                    "approved by an owner of every gate it waives",
                )
    if record.wave is not None:
        ref("wave", record.wave, origin, ("wave",))
    for index, gate_ref in enumerate(record.accepted):
        ref("gate", gate_ref, origin, ("accepted", index))
