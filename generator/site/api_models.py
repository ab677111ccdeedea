"""The JSON API v1's output models: each document's shape, and the JSON Schemas generated from them.

Every document is an object with ``$schema`` (a relative URL whose last
segment names its schema under ``/api/v1/schema/``), ``as_of``, ``commit`` and
``version``. The schemas are generated from the models below, each
self-contained.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from ..records.models import GateStatus, WaveStatus
from ..textsafe import json_text
from . import urls

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
    passed: bool = Field(description="Passed, or failed and waived (see waived_by).")
    reasons: list[str] = Field(description="One per unmet condition (a waived result keeps them).")
    evidence: str | None = Field(description="The record the check's evidence condition looked at.")
    waived_by: str | None = Field(description="The waiver that counts this failing result as passing.")
    waived_until: str | None = Field(description="The last day that waiver is in force (YYYY-MM-DD).")


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
    causes: list[str] = Field(description="For a gate: waivers that started or ended since the previous commit.")


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


class DecisionOut(_Out):
    value: Literal["none", "go", "go-stale", "no-go"] = Field(
        description="The wave's latest sign-off: go, no-go, go-stale (a gate got lower after the go), or none."
    )
    record: str | None = Field(description="The sign-off record.")
    stale_because: list[str] = Field(description="For go-stale: the gates that got lower after the go.")


class WaveBrief(Links):
    id: str
    title: str
    status: WaveStatus
    decision: DecisionOut = Field(description="The decision beside the status; the status stays as derived.")
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


class IndexGate(_Out):
    id: str
    url: str | None = Field(description="The gate's page (null: a retired gate, which has none).")


class IndexEntity(_Out):
    ref: str = Field(description="kind:id, by canonical id.")
    url: str | None = Field(description="The page that shows it (a store: a place on its service's page).")


class IndexOwner(_Out):
    id: str = Field(description="Owner repo id.")
    url: str


class IndexRecord(_Out):
    id: str
    url: str = Field(description="The record's page.")
    observed: str = Field(description="The day (YYYY-MM-DD), or the moment (ISO 8601, UTC) when it has a time.")
    kind: str
    result: str | None = Field(description="pass or fail, for verification kinds.")
    superseded: bool = Field(description="A later record corrects it: it no longer counts.")
    summary: str
    about: list[str] = Field(description="What it is about: kind:id, by canonical id (see entities).")
    gates: list[str] = Field(description="Every gate it assesses or whose checks used it, in id order (see gates).")
    assess: dict[str, str] = Field(description="Gate id -> the status it assesses, by canonical id.")
    owners: list[str] = Field(description="The owner repos of those gates and of what it is about (see owners).")


class EvidenceIndexDoc(Document):
    gates: list[IndexGate] = Field(description="Every gate some record names in gates, in id order.")
    entities: list[IndexEntity] = Field(description="Everything some record is about, sorted.")
    owners: list[IndexOwner] = Field(description="Every owner some record has, sorted.")
    kinds: list[str] = Field(description="The kinds of the records, sorted.")
    results: list[str] = Field(description="The results of the records, sorted.")
    records: list[IndexRecord] = Field(description="Every record observed up to as_of, newest first.")


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
    "evidence-index": EvidenceIndexDoc,
}


def schema_documents() -> dict[str, str]:
    """``api/v1/schema/<name>.schema.json`` -> text, generated from the models."""
    out = {}
    for name, model in SCHEMAS.items():
        schema = model.model_json_schema(by_alias=True, mode="serialization")
        schema = {"$schema": SCHEMA_DIALECT, "$id": f"{name}.schema.json", **schema}
        out[urls.api_schema(name)] = dumps(schema)
    return out


def dumps(value: Any, *, compact: bool = False) -> str:
    """JSON text, deterministic, with ``<``, ``>`` and ``&`` escaped so it is inert if embedded in HTML,
    and every character a terminal must not see raw escaped too (:func:`~generator.textsafe.json_text`).
    ``compact``: on one line, for a document that only scripts read (the evidence index)."""
    text = json_text(value, compact=compact)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026") + "\n"
