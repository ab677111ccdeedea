"""The JSON API v1 for Inter-Hub widgets: every document, as a view of the site model.

Every document is an object with ``$schema`` (a relative URL whose last
segment names its schema under ``/api/v1/schema/``), ``as_of``, ``commit`` and
``version``; its shape is a model of :mod:`generator.site.api_models`. Paths in
documents (``url``, ``badge``, ``embed``, ``api``) are relative to the root of
the published version, and come from :mod:`generator.site.urls`.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ..asof import format_moment
from ..history import transition_document
from ..records.models import slug_of_gate
from . import urls
from .api_models import (
    SCHEMAS,
    CheckOut,
    CheckResultOut,
    Document,
    EnvironmentsDoc,
    Event,
    EventsDoc,
    EvidenceIndexDoc,
    GateDoc,
    GatesDoc,
    HistoryDoc,
    OwnersDoc,
    RisksDoc,
    ServiceDoc,
    ServicesDoc,
    StoreOut,
    SummaryDoc,
    TransitionOut,
    WaveDoc,
    WavesDoc,
    dumps,
    schema_documents,
)
from .feeds import feed_files
from .model import GateView, PageLink, RecordView, ResultView, ServiceView, SiteModel, TransitionView, WaveView
from .model.decisions import decision_document
from .urls import API_ROOT

__all__ = ["API_ROOT", "SCHEMAS", "api_files", "dumps", "schema_documents"]


# ------------------------------------------------------------------ documents
# Each function below formats facts of the site model; none computes one.


def _dump(
    model: type[Document], path: str, name: str, site: SiteModel, data: dict[str, Any], *, compact: bool = False
) -> str:
    """The document at ``path``: its head (``$schema`` relative to it, as_of, commit, version), then ``data``."""
    head = {
        "$schema": urls.file_href(urls.api_schema(name), path),
        "as_of": format_moment(site.as_of),
        "commit": site.info.commit,
        "version": site.info.version,
    }
    document = model.model_validate({**head, **data}).model_dump(by_alias=True, mode="json")
    return dumps({**{key: document[key] for key in head}, **document}, compact=compact)


def _links(target: urls.Target, name: str, ident: str) -> dict[str, str]:
    return {"url": target.url, "api": urls.api_document(name, ident)}


def _transitions(items: Iterable[TransitionView]) -> list[TransitionOut]:
    return [TransitionOut.model_validate(transition_document(t.transition)) for t in items]


def _results(results: Iterable[ResultView]) -> list[CheckResultOut]:
    return [
        CheckResultOut(
            entity=r.result.entity,
            passed=r.passed,
            reasons=list(r.result.reasons),
            evidence=r.result.evidence,
            waived_by=r.result.waived.record if r.result.waived is not None else None,
            waived_until=r.result.waived.expires.isoformat() if r.result.waived is not None else None,
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
        "decision": decision_document(wave.decision),
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


def _url(link: PageLink) -> str | None:
    """The page a link goes to (with its place on the page), relative to the version root."""
    return None if link.target is None else link.target.url + link.target.fragment


def _evidence_index(site: SiteModel) -> dict[str, Any]:
    """Every visible record in the evidence index's columns, and what its filters offer."""
    choices = site.records.choices
    return {
        "gates": [{"id": g.text, "url": _url(g)} for g in choices.gates],
        "entities": [{"ref": e.text, "url": _url(e)} for e in choices.entities],
        "owners": [{"id": o.text, "url": _url(o)} for o in choices.owners],
        "kinds": list(choices.kinds),
        "results": list(choices.results),
        "records": [
            {
                "id": r.id,
                "url": urls.page("evidence", r.id).url,
                "observed": r.observed,
                "kind": r.record.kind,
                "result": r.record.result,
                "superseded": bool(r.superseded_by),
                "summary": r.record.summary,
                "about": [e.text for e in r.entities],
                "gates": [g.link.text for g in r.gates],
                "assess": {g.link.text: g.assessed for g in r.gates if g.assessed is not None},
                "owners": [o.text for o in r.owners],
            }
            for r in site.records.visible
        ],
    }


def api_files(site: SiteModel) -> dict[str, str]:
    """Path under the site -> text, for every JSON document and schema, the calendars and the events feed, and
    a copy for each former id."""
    out: dict[str, str] = {}

    def put(
        model: type[Document],
        name: str,
        data: dict[str, Any],
        ident: str = "",
        collection: str = "",
        *,
        compact: bool = False,
    ) -> None:
        path = urls.api_document(collection or name, ident)
        out[path] = _dump(model, path, name, site, data, compact=compact)

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
    # Scripts read it (the evidence index's filters), and it grows with every record: one line.
    put(EvidenceIndexDoc, "evidence-index", _evidence_index(site), collection="evidence", compact=True)
    out.update(feed_files(site))  # the calendars and the Atom feed of the events
    for alias in site.aliases:
        document = out.get(urls.api_document(alias.section, alias.new.id))
        if document is not None:
            out[urls.api_document(alias.section, alias.old.id)] = document
    out.update(schema_documents())
    return out
