"""The JSON API v1 for Inter-Hub widgets: output models, documents, schemas.

Every document is an object with ``$schema`` (a relative URL whose last
segment names its schema under ``/api/v1/schema/``), ``as_of``, ``commit`` and
``version``. The schemas are generated from the models below, each
self-contained. Paths in documents (``url``, ``badge``, ``embed``, ``api``) are
relative to the root of the published version.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from .asof import format_moment
from .catalog import Catalog
from .checks import describe_check
from .history import History
from .models import VERIFICATION_KINDS, GateStatus, WaveStatus, observed_moment, slug_of_gate
from .status import Derived

API_ROOT = "api/v1"
SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"

EVENT_TYPES: dict[str, str] = {
    "endpoint-verified": "ops-endpoint-verified",
    "backup-verified": "ops-backup-verified",
    "restore-tested": "ops-restore-tested",
    "registry-verified": "ops-registry-verified",
    "tls-verified": "ops-tls-verified",
    "risk-raised": "ops-risk-raised",
}
"""Evidence kinds that feed an Inter-Hub event of their own."""


class _Out(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class Document(_Out):
    schema_: str = Field(alias="$schema", description="Relative URL of this document's JSON Schema.")
    as_of: str = Field(description="Moment every status is computed as of (ISO 8601, UTC).")
    commit: str | None = Field(description="Full sha of the source commit, when built from git.")
    version: str | None = Field(description="Published version of the site (mike), when published.")


class Links(_Out):
    url: str = Field(description="The page, relative to the version root.")
    api: str = Field(description="This entity's JSON document, relative to the version root.")


class GateBrief(Links):
    id: str
    slug: str = Field(description="URL slug (lowercase id).")
    title: str
    status: GateStatus
    owners: list[str] = Field(description="Owner repo ids.")
    badge: str = Field(description="Status badge (SVG), relative to the version root.")
    embed: str = Field(description="Widget card (HTML for an iframe), relative to the version root.")
    last_evidence: str | None = Field(description="Id of the newest counting record about the gate.")


class GatesDoc(Document):
    gates: list[GateBrief]


class CheckResultOut(_Out):
    entity: str = Field(description="kind:id of the entity the check selected.")
    passed: bool
    reasons: list[str] = Field(description="One per unmet condition.")
    evidence: str | None = Field(description="The record the check's evidence condition looked at.")


class CheckOut(_Out):
    index: int = Field(description="1-based position in the gate's checks.")
    description: str
    results: list[CheckResultOut]


class TransitionOut(_Out):
    id: str
    kind: Literal["gate", "wave"]
    from_: str | None = Field(alias="from", description="Status before (null: did not exist).")
    to: str | None = Field(description="Status after (null: removed or retired).")
    commit: str = Field(description="Full sha of the commit.")
    date: str = Field(description="Committer time (ISO 8601, UTC).")
    evidence: list[str] = Field(description="Evidence ids the commit added.")


class GateDoc(Document, GateBrief):
    reasons: list[str] = Field(description="Every reason behind the status.")
    owners_note: str | None
    requirement: str = Field(description="The evidence requirement (Markdown source).")
    requires: list[str]
    service: str | None
    max_age_days: int | None
    ready_until: str | None = Field(description="Last day a ready assessment counts (when it expires).")
    checks: list[CheckOut]
    evidence: list[str] = Field(description="Records about the gate, newest first.")
    waves: list[str] = Field(description="Waves that require the gate.")
    history: list[TransitionOut]


class WaveBrief(Links):
    id: str
    title: str
    status: WaveStatus
    overdue: bool
    target: str | None
    ready: int = Field(description="Gates ready.")
    total: int = Field(description="Gates required.")
    badge: str
    embed: str


class WavesDoc(Document):
    waves: list[WaveBrief]


class WaveGate(_Out):
    id: str
    title: str
    status: GateStatus
    url: str


class WaveDoc(Document, WaveBrief):
    reasons: list[str]
    gates: list[WaveGate]
    services: list[str]
    history: list[TransitionOut]


class SummaryDoc(Document):
    counts: dict[str, int] = Field(description="Gates by status.")
    gates: int = Field(description="Active gates.")
    waves: list[WaveBrief]
    open_risks: int
    history_available: bool
    previous_version: str | None = Field(description="The version published before this one.")


class ServiceBrief(Links):
    id: str
    name: str
    owner: str | None
    criticality: str | None
    lifecycle: str | None
    checks_failing: int
    checks_total: int


class ServicesDoc(Document):
    services: list[ServiceBrief]


class StoreOut(_Out):
    id: str
    kind: str
    description: str | None
    backup: dict[str, str | None] | None
    scorecard: list[CheckResultOut]


class ServiceDoc(Document, ServiceBrief):
    description: str | None
    deployments: list[dict[str, Any]] | None
    stores: list[StoreOut] | None
    runbooks: dict[str, str | None] | None
    observability: dict[str, str | None] | None
    depends_on: list[str] | None
    scorecard: list[CheckResultOut]
    evidence: list[str]


class EnvironmentOut(_Out):
    id: str
    name: str
    role: str | None
    lifecycle: str | None
    owner: str | None
    url: str
    live: list[str] = Field(description="Services running there now.")
    target: list[str] = Field(description="Services headed there.")


class EnvironmentsDoc(Document):
    environments: list[EnvironmentOut]


class OwnerOut(_Out):
    id: str
    description: str | None
    url: str
    gates: list[str] = Field(description="Gates it owns.")
    gates_not_ready: list[str]
    failing_results: int = Field(description="Failing check results on what it owns.")


class OwnersDoc(Document):
    owners: list[OwnerOut]


class RiskOut(_Out):
    id: str
    severity: str | None
    observed: str
    summary: str
    about: list[str]
    url: str
    resolved_by: list[str]


class RisksDoc(Document):
    open: list[RiskOut]
    resolved: list[RiskOut]


class HistoryDoc(Document):
    available: bool
    reason: str | None
    transitions: list[TransitionOut]


class Event(_Out):
    id: str = Field(description="Stable id derived from the event's content.")
    type: str = Field(description="Inter-Hub event type, e.g. ops-readiness-gate-updated.")
    time: str = Field(description="When it happened (observed time, or the commit time for wave events).")
    subject: str = Field(description="kind:id of what the event is about.")
    data: dict[str, Any]


class EventsDoc(Document):
    events: list[Event]


SCHEMAS: dict[str, type[Document]] = {
    "summary": SummaryDoc,
    "gates": GatesDoc,
    "gate": GateDoc,
    "waves": WavesDoc,
    "wave": WaveDoc,
    "services": ServicesDoc,
    "service": ServiceDoc,
    "environments": EnvironmentsDoc,
    "owners": OwnersDoc,
    "risks": RisksDoc,
    "history": HistoryDoc,
    "events": EventsDoc,
}


def schema_documents() -> dict[str, str]:
    """``api/v1/schema/<name>.schema.json`` -> text, generated from the models."""
    out = {}
    for name, model in SCHEMAS.items():
        schema = model.model_json_schema(by_alias=True, mode="serialization")
        schema = {"$schema": SCHEMA_DIALECT, "$id": f"{name}.schema.json", **schema}
        out[f"{API_ROOT}/schema/{name}.schema.json"] = dumps(schema)
    return out


def dumps(value: Any) -> str:
    """JSON text, deterministic, with ``<``, ``>`` and ``&`` escaped so it is inert if embedded in HTML."""
    text = json.dumps(value, indent=2, ensure_ascii=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026") + "\n"


# ------------------------------------------------------------------ documents


def gate_paths(gate_id: str) -> dict[str, str]:
    slug = slug_of_gate(gate_id)
    return {
        "url": f"gates/{slug}/",
        "api": f"{API_ROOT}/gates/{slug}.json",
        "badge": f"badges/gates/{slug}.svg",
        "embed": f"embed/gates/{slug}/",
    }


def wave_paths(wave_id: str) -> dict[str, str]:
    return {
        "url": f"waves/{wave_id}/",
        "api": f"{API_ROOT}/waves/{wave_id}.json",
        "badge": f"badges/waves/{wave_id}.svg",
        "embed": f"embed/waves/{wave_id}/",
    }


class ApiBuilder:
    """Builds every API document of one build."""

    def __init__(
        self,
        catalog: Catalog,
        derived: Derived,
        history: History | None,
        *,
        commit: str | None,
        version: str | None,
        previous_version: str | None,
        newest_first: list[str],
        by_gate: dict[str, list[str]],
        by_entity: dict[str, list[str]],
        risks: tuple[list[str], list[str]],
        resolved_by: dict[str, list[str]],
    ) -> None:
        self.catalog = catalog
        self.derived = derived
        self.history = history
        self.commit = commit
        self.version = version
        self.previous_version = previous_version
        self.newest_first = newest_first
        self.by_gate = by_gate
        self.by_entity = by_entity
        self.risks = risks
        self.resolved_by = resolved_by
        self.as_of = format_moment(derived.as_of)

    def _head(self, name: str, depth: int) -> dict[str, Any]:
        prefix = "../" * depth
        return {
            "$schema": f"{prefix}schema/{name}.schema.json",
            "as_of": self.as_of,
            "commit": self.commit,
            "version": self.version,
        }

    def _transitions(self, kind: str | None = None, ident: str | None = None) -> list[TransitionOut]:
        """Transitions up to the as-of moment (of one gate or wave, or all), oldest first."""
        if self.history is None or not self.history.available:
            return []
        return [
            TransitionOut.model_validate(
                {
                    "id": t.id,
                    "kind": t.kind,
                    "from": t.before,
                    "to": t.after,
                    "commit": t.commit.sha,
                    "date": format_moment(t.commit.time),
                    "evidence": list(t.evidence),
                }
            )
            for t in self.history.transitions
            if (kind is None or (t.kind == kind and t.id == ident)) and t.commit.time <= self.derived.as_of
        ]

    def _results(self, results: Any) -> list[CheckResultOut]:
        return [
            CheckResultOut(entity=r.entity, passed=r.passed, reasons=list(r.reasons), evidence=r.evidence)
            for r in results
        ]

    def gate_brief(self, gate_id: str) -> dict[str, Any]:
        gate = self.catalog.gates[gate_id]
        state = self.derived.gates[gate_id]
        counting = [e for e in self.by_gate.get(gate_id, []) if e not in self.derived.index.superseded_by]
        return {
            "id": gate_id,
            "slug": slug_of_gate(gate_id),
            "title": gate.title,
            "status": state.status,
            "owners": [self.catalog.resolve("repo", o) or o for o in gate.owners],
            "last_evidence": counting[0] if counting else None,
            **gate_paths(gate_id),
        }

    def wave_brief(self, wave_id: str) -> dict[str, Any]:
        wave = self.catalog.waves[wave_id]
        state = self.derived.waves[wave_id]
        ready, total = state.progress(self.derived.gates)
        return {
            "id": wave_id,
            "title": wave.title,
            "status": state.status,
            "overdue": state.overdue,
            "target": wave.target.isoformat() if wave.target else None,
            "ready": ready,
            "total": total,
            **wave_paths(wave_id),
        }

    def documents(self) -> dict[str, str]:
        """Path under the site -> JSON text, for every document."""
        out: dict[str, str] = {}
        catalog, derived = self.catalog, self.derived

        counts = dict.fromkeys(("ready", "partial", "blocked", "unknown"), 0)
        for state in derived.gates.values():
            counts[state.status] += 1
        out[f"{API_ROOT}/summary.json"] = self._dump(
            SummaryDoc,
            {
                **self._head("summary", 0),
                "counts": counts,
                "gates": len(derived.gates),
                "waves": [self.wave_brief(w) for w in derived.waves],
                "open_risks": len(self.risks[0]),
                "history_available": bool(self.history and self.history.available),
                "previous_version": self.previous_version,
            },
        )
        out[f"{API_ROOT}/gates.json"] = self._dump(
            GatesDoc, {**self._head("gates", 0), "gates": [self.gate_brief(g) for g in derived.gates]}
        )
        for gate_id, state in derived.gates.items():
            gate = catalog.gates[gate_id]
            checks = [
                CheckOut(
                    index=i + 1,
                    description=describe_check(check),
                    results=self._results(r for r in state.results if r.check == i),
                )
                for i, check in enumerate(gate.checks)
            ]
            ready_until = None
            if state.expires is not None and state.assessment is not None and state.assessment.status == "ready":
                ready_until = (state.expires - dt.timedelta(days=1)).isoformat()
            out[f"{API_ROOT}/gates/{slug_of_gate(gate_id)}.json"] = self._dump(
                GateDoc,
                {
                    **self._head("gate", 1),
                    **self.gate_brief(gate_id),
                    "reasons": [r.text for r in state.reasons],
                    "owners_note": gate.owners_note,
                    "requirement": gate.requirement,
                    "requires": [catalog.resolve("gate", g) or g for g in gate.requires],
                    "service": gate.service,
                    "max_age_days": gate.max_age_days,
                    "ready_until": ready_until,
                    "checks": checks,
                    "evidence": self.by_gate.get(gate_id, []),
                    "waves": [w for w, s in derived.waves.items() if gate_id in s.gates],
                    "history": self._transitions("gate", gate_id),
                },
            )
        out[f"{API_ROOT}/waves.json"] = self._dump(
            WavesDoc, {**self._head("waves", 0), "waves": [self.wave_brief(w) for w in derived.waves]}
        )
        for wave_id, wave_state in derived.waves.items():
            wave = catalog.waves[wave_id]
            out[f"{API_ROOT}/waves/{wave_id}.json"] = self._dump(
                WaveDoc,
                {
                    **self._head("wave", 1),
                    **self.wave_brief(wave_id),
                    "reasons": [r.text for r in wave_state.reasons],
                    "gates": [
                        {
                            "id": g,
                            "title": catalog.gates[g].title,
                            "status": derived.gates[g].status,
                            "url": gate_paths(g)["url"],
                        }
                        for g in wave_state.gates
                    ],
                    "services": [catalog.resolve("service", s) or s for s in wave.services or []],
                    "history": self._transitions("wave", wave_id),
                },
            )
        self._catalog_documents(out)
        out[f"{API_ROOT}/events.json"] = self._dump(EventsDoc, {**self._head("events", 0), "events": self.events()})
        return out

    def _catalog_documents(self, out: dict[str, str]) -> None:
        catalog, derived = self.catalog, self.derived
        services = []
        for service_id in sorted(catalog.services):
            service = catalog.services[service_id]
            if service.lifecycle == "retired":
                continue
            card = derived.scorecards.get(f"service:{service_id}", [])
            brief = {
                "id": service_id,
                "name": service.name,
                "owner": service.owner,
                "criticality": service.criticality,
                "lifecycle": service.lifecycle,
                "checks_failing": sum(1 for r in card if not r.passed),
                "checks_total": len(card),
                "url": f"services/{service_id}/",
                "api": f"{API_ROOT}/services/{service_id}.json",
            }
            services.append(brief)
            stores = None
            if service.stores is not None:
                stores = [
                    StoreOut(
                        id=store.id,
                        kind=store.kind,
                        description=store.description,
                        backup=store.backup.model_dump() if store.backup else None,
                        scorecard=self._results(derived.scorecards.get(f"store:{store.id}", [])),
                    )
                    for store in service.stores
                ]
            out[f"{API_ROOT}/services/{service_id}.json"] = self._dump(
                ServiceDoc,
                {
                    **self._head("service", 1),
                    **brief,
                    "description": service.description,
                    "deployments": [d.model_dump() for d in service.deployments]
                    if service.deployments is not None
                    else None,
                    "stores": stores,
                    "runbooks": service.runbooks.model_dump() if service.runbooks else None,
                    "observability": service.observability.model_dump() if service.observability else None,
                    "depends_on": service.depends_on,
                    "scorecard": self._results(card),
                    "evidence": self.by_entity.get(f"service:{service_id}", []),
                },
            )
        out[f"{API_ROOT}/services.json"] = self._dump(ServicesDoc, {**self._head("services", 0), "services": services})

        environments = []
        for env_id in sorted(catalog.environments):
            env = catalog.environments[env_id]
            live: list[str] = []
            target: list[str] = []
            for service_id in sorted(catalog.services):
                if catalog.service_retired(service_id):
                    continue
                for deployment in catalog.services[service_id].deployments or []:
                    if catalog.resolve("environment", deployment.environment) == env_id:
                        (live if deployment.state == "live" else target if deployment.state == "target" else []).append(
                            service_id
                        )
            environments.append(
                {
                    "id": env_id,
                    "name": env.name,
                    "role": env.role,
                    "lifecycle": env.lifecycle,
                    "owner": env.owner,
                    "url": f"environments/{env_id}/",
                    "live": live,
                    "target": target,
                }
            )
        out[f"{API_ROOT}/environments.json"] = self._dump(
            EnvironmentsDoc, {**self._head("environments", 0), "environments": environments}
        )

        owners = []
        for repo_id in sorted(catalog.repos):
            gates = [
                g for g in derived.gates if repo_id in (catalog.resolve("repo", o) for o in catalog.gates[g].owners)
            ]
            owned = {
                f"service:{s}"
                for s, svc in catalog.services.items()
                if svc.owner and catalog.resolve("repo", svc.owner) == repo_id and not catalog.service_retired(s)
            }
            owned |= {
                f"environment:{e}"
                for e, env in catalog.environments.items()
                if env.owner and catalog.resolve("repo", env.owner) == repo_id
            }
            owned |= {
                f"store:{s}"
                for s, store in catalog.stores.items()
                if store.backup
                and store.backup.owner
                and catalog.resolve("repo", store.backup.owner) == repo_id
                and not catalog.store_retired(s)
            }
            failing = sum(1 for ref in owned for r in derived.scorecards.get(ref, []) if not r.passed)
            owners.append(
                {
                    "id": repo_id,
                    "description": catalog.repos[repo_id].description,
                    "url": f"owners/{repo_id}/",
                    "gates": gates,
                    "gates_not_ready": [g for g in gates if derived.gates[g].status != "ready"],
                    "failing_results": failing,
                }
            )
        out[f"{API_ROOT}/owners.json"] = self._dump(OwnersDoc, {**self._head("owners", 0), "owners": owners})

        def risk(evidence_id: str) -> dict[str, Any]:
            record = catalog.evidence[evidence_id]
            return {
                "id": evidence_id,
                "severity": record.severity,
                "observed": format_moment(observed_moment(record.observed)),
                "summary": record.summary,
                "about": list(record.about),
                "url": f"evidence/{evidence_id}/",
                "resolved_by": self.resolved_by.get(evidence_id, []),
            }

        out[f"{API_ROOT}/risks.json"] = self._dump(
            RisksDoc,
            {
                **self._head("risks", 0),
                "open": [risk(e) for e in self.risks[0]],
                "resolved": [risk(e) for e in self.risks[1]],
            },
        )
        history = self.history
        out[f"{API_ROOT}/history.json"] = self._dump(
            HistoryDoc,
            {
                **self._head("history", 0),
                "available": bool(history and history.available),
                "reason": history.reason if history is not None else "history was not computed",
                "transitions": self._transitions(),
            },
        )

    def events(self) -> list[Event]:
        """Record events, one per assess entry, and wave events from the history, oldest first."""
        catalog = self.catalog
        events: list[Event] = []
        for evidence_id in reversed(self.newest_first):
            record = catalog.evidence[evidence_id]
            time = format_moment(observed_moment(record.observed))
            event_type = EVENT_TYPES.get(record.kind)
            if event_type is not None:
                data: dict[str, Any] = {"record": evidence_id, "kind": record.kind, "summary": record.summary}
                if record.kind in VERIFICATION_KINDS:
                    data["result"] = record.result
                if record.severity is not None:
                    data["severity"] = record.severity
                subject = record.about[0] if record.about else f"evidence:{evidence_id}"
                data["about"] = list(record.about)
                events.append(_event(event_type, time, subject, data))
            for gate_ref, status in record.assess.items():
                gate_id = catalog.resolve("gate", gate_ref) or gate_ref
                events.append(
                    _event(
                        "ops-readiness-gate-updated",
                        time,
                        f"gate:{gate_id}",
                        {"gate": gate_id, "status": status, "record": evidence_id},
                    )
                )
        if self.history is not None and self.history.available:
            for t in self.history.transitions:
                if t.kind != "wave" or t.commit.time > self.derived.as_of:
                    continue
                became_passed = t.after == "passed" and t.before != "passed"
                failed = (t.before == "passed" and t.after != "passed") or (
                    t.after == "blocked" and t.before != "blocked"
                )
                for event_type, happened in (
                    ("ops-migration-gate-passed", became_passed),
                    ("ops-migration-gate-failed", failed),
                ):
                    if happened:
                        events.append(
                            _event(
                                event_type,
                                format_moment(t.commit.time),
                                f"wave:{t.id}",
                                {"wave": t.id, "from": t.before, "to": t.after, "commit": t.commit.sha},
                            )
                        )
        events.sort(key=lambda e: (e.time, e.type, e.subject, e.id))
        return events

    def _dump(self, model: type[Document], data: dict[str, Any]) -> str:
        document = model.model_validate(data).model_dump(by_alias=True, mode="json")
        head = ("$schema", "as_of", "commit", "version")
        return dumps({**{key: document[key] for key in head}, **document})


def _event(event_type: str, time: str, subject: str, data: dict[str, Any]) -> Event:
    """An event whose id is derived from its content: reading twice never duplicates it."""
    content = json.dumps({"type": event_type, "time": time, "subject": subject, "data": data}, sort_keys=True)
    return Event(
        id=hashlib.sha256(content.encode("utf-8")).hexdigest()[:32],
        type=event_type,
        time=time,
        subject=subject,
        data=data,
    )
