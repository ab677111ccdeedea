"""The JSON API v1 for Inter-Hub widgets: output models, documents, schemas.

Every document is an object with ``$schema`` (a relative URL whose last
segment names its schema under ``/api/v1/schema/``), ``as_of``, ``commit`` and
``version``. The schemas are generated from the models below, each
self-contained. Paths in documents (``url``, ``badge``, ``embed``, ``api``) are
relative to the root of the published version.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from . import urls
from .asof import format_moment
from .models import GateStatus, WaveStatus, slug_of_gate
from .sitemodel import GateView, RecordView, ResultView, ServiceView, SiteModel, TransitionView, WaveView
from .urls import API_ROOT

__all__ = ["API_ROOT", "SCHEMAS", "api_files", "dumps", "schema_documents"]

SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"


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
        out[urls.api_schema(name)] = dumps(schema)
    return out


def dumps(value: Any) -> str:
    """JSON text, deterministic, with ``<``, ``>`` and ``&`` escaped so it is inert if embedded in HTML."""
    text = json.dumps(value, indent=2, ensure_ascii=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026") + "\n"


# ------------------------------------------------------------------ documents
# Each function below formats facts of the site model; none computes one.


def _dump(model: type[Document], path: str, name: str, site: SiteModel, data: dict[str, Any]) -> str:
    """The document at ``path``: its head (``$schema`` relative to it, as_of, commit, version), then ``data``."""
    head = {
        "$schema": urls.file_href(urls.api_schema(name), path),
        "as_of": format_moment(site.as_of),
        "commit": site.info.commit,
        "version": site.info.version,
    }
    document = model.model_validate({**head, **data}).model_dump(by_alias=True, mode="json")
    return dumps({**{key: document[key] for key in head}, **document})


def _links(target: urls.Target, name: str, ident: str) -> dict[str, str]:
    return {"url": target.url, "api": urls.api_document(name, ident)}


def _transitions(items: Iterable[TransitionView]) -> list[TransitionOut]:
    return [
        TransitionOut.model_validate(
            {
                "id": t.transition.id,
                "kind": t.transition.kind,
                "from": t.transition.before,
                "to": t.transition.after,
                "commit": t.commit.sha,
                "date": format_moment(t.commit.time),
                "evidence": list(t.transition.evidence),
            }
        )
        for t in items
    ]


def _results(results: Iterable[ResultView]) -> list[CheckResultOut]:
    return [
        CheckResultOut(
            entity=r.result.entity, passed=r.passed, reasons=list(r.result.reasons), evidence=r.result.evidence
        )
        for r in results
    ]


def _ids(records: Iterable[RecordView]) -> list[str]:
    return [r.id for r in records]


def _gate_brief(gate: GateView) -> dict[str, Any]:
    return {
        "id": gate.id,
        "slug": slug_of_gate(gate.id),
        "title": gate.gate.title,
        "status": gate.status,
        "owners": [owner.text for owner in gate.owners],
        "last_evidence": gate.last_evidence.id if gate.last_evidence else None,
        **_links(urls.page("gate", gate.id), "gates", gate.id),
        "badge": urls.badge("gates", gate.id),
        "embed": urls.embed_url("gates", gate.id),
    }


def _wave_brief(wave: WaveView) -> dict[str, Any]:
    return {
        "id": wave.id,
        "title": wave.wave.title,
        "status": wave.status,
        "overdue": wave.state.overdue,
        "target": wave.wave.target.isoformat() if wave.wave.target else None,
        "ready": wave.ready,
        "total": wave.total,
        **_links(urls.page("wave", wave.id), "waves", wave.id),
        "badge": urls.badge("waves", wave.id),
        "embed": urls.embed_url("waves", wave.id),
    }


def _gate_document(site: SiteModel, gate: GateView) -> dict[str, Any]:
    record = gate.gate
    return {
        **_gate_brief(gate),
        "reasons": [r.text for r in gate.reasons],
        "owners_note": record.owners_note,
        "requirement": record.requirement,
        "requires": list(gate.requires),
        "service": record.service,
        "max_age_days": record.max_age_days,
        "ready_until": gate.ready_until.isoformat() if gate.ready_until else None,
        "checks": [
            CheckOut(index=check.index, description=check.description, results=_results(check.results))
            for check in gate.checks
        ],
        "evidence": _ids(gate.records),
        "waves": list(gate.waves),
        "history": _transitions(site.history.log("gate", gate.id)),
    }


def _wave_document(site: SiteModel, wave: WaveView) -> dict[str, Any]:
    return {
        **_wave_brief(wave),
        "reasons": [r.text for r in wave.reasons],
        "gates": [
            {"id": g.id, "title": g.gate.title, "status": g.status, "url": urls.page("gate", g.id).url}
            for g in (site.gate(gate_id) for gate_id in wave.state.gates)
        ],
        "services": list(wave.service_ids),
        "history": _transitions(site.history.log("wave", wave.id)),
    }


def _service_brief(service: ServiceView) -> dict[str, Any]:
    record = service.service
    return {
        "id": service.id,
        "name": record.name,
        "owner": record.owner,
        "criticality": record.criticality,
        "lifecycle": record.lifecycle,
        "checks_failing": service.failing,
        "checks_total": len(service.scorecard),
        **_links(urls.page("service", service.id), "services", service.id),
    }


def _service_document(service: ServiceView) -> dict[str, Any]:
    record = service.service
    stores = None
    if service.stores is not None:
        stores = [
            StoreOut(
                id=view.store.id,
                kind=view.store.kind,
                description=view.store.description,
                backup=view.store.backup.model_dump() if view.store.backup else None,
                scorecard=_results(view.scorecard),
            )
            for view in service.stores
        ]
    return {
        **_service_brief(service),
        "description": record.description,
        "deployments": [d.model_dump() for d in record.deployments] if record.deployments is not None else None,
        "stores": stores,
        "runbooks": record.runbooks.model_dump() if record.runbooks else None,
        "observability": record.observability.model_dump() if record.observability else None,
        "depends_on": record.depends_on,
        "scorecard": _results(service.scorecard),
        "evidence": _ids(service.records),
    }


def _risk(view: RecordView) -> dict[str, Any]:
    record = view.record
    return {
        "id": view.id,
        "severity": record.severity,
        "observed": format_moment(view.moment),
        "summary": record.summary,
        "about": list(record.about),
        "url": urls.page("evidence", view.id).url,
        "resolved_by": [link.text for link in view.resolved_by],
    }


def api_files(site: SiteModel) -> dict[str, str]:
    """Path under the site -> JSON text, for every document and schema, and a copy for each former id."""
    out: dict[str, str] = {}

    def put(model: type[Document], name: str, data: dict[str, Any], ident: str = "", collection: str = "") -> None:
        path = urls.api_document(collection or name, ident)
        out[path] = _dump(model, path, name, site, data)

    history = site.history
    put(
        SummaryDoc,
        "summary",
        {
            "counts": site.counts.as_dict(),
            "gates": len(site.gates),
            "waves": [_wave_brief(w) for w in site.waves],
            "open_risks": len(site.records.open_risks),
            "history_available": history.available,
            "previous_version": site.info.previous_version,
        },
    )
    put(GatesDoc, "gates", {"gates": [_gate_brief(g) for g in site.gates]})
    for gate in site.gates:
        put(GateDoc, "gate", _gate_document(site, gate), gate.id, "gates")
    put(WavesDoc, "waves", {"waves": [_wave_brief(w) for w in site.waves]})
    for wave in site.waves:
        put(WaveDoc, "wave", _wave_document(site, wave), wave.id, "waves")
    for service in site.active_services:
        put(ServiceDoc, "service", _service_document(service), service.id, "services")
    put(ServicesDoc, "services", {"services": [_service_brief(s) for s in site.active_services]})
    environments = [
        {
            "id": e.id,
            "name": e.environment.name,
            "role": e.environment.role,
            "lifecycle": e.environment.lifecycle,
            "owner": e.environment.owner,
            "url": urls.page("environment", e.id).url,
            "live": [d.id for d in e.live],
            "target": [d.id for d in e.target],
        }
        for e in site.environments
    ]
    put(EnvironmentsDoc, "environments", {"environments": environments})
    owners = [
        {
            "id": o.id,
            "description": o.repo.description,
            "url": urls.page("owner", o.id).url,
            "gates": list(o.gates),
            "gates_not_ready": list(o.gates_not_ready),
            "failing_results": len(o.owes),
        }
        for o in site.owners
    ]
    put(OwnersDoc, "owners", {"owners": owners})
    risks = site.records
    put(
        RisksDoc,
        "risks",
        {"open": [_risk(r) for r in risks.open_risks], "resolved": [_risk(r) for r in risks.resolved_risks]},
    )
    put(
        HistoryDoc,
        "history",
        {
            "available": history.available,
            "reason": history.reason if history.computed else "history was not computed",
            "transitions": _transitions(history.transitions),
        },
    )
    events = [Event(id=e.id, type=e.type, time=e.time, subject=e.subject, data=e.data) for e in site.events]
    put(EventsDoc, "events", {"events": events})
    for alias in site.aliases:
        document = out.get(urls.api_document(alias.section, alias.new.id))
        if document is not None:
            out[urls.api_document(alias.section, alias.old.id)] = document
    out.update(schema_documents())
    return out
