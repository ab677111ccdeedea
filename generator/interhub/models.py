"""The file formats of the Inter-Hub delivery: a ledger line, the hub manifest, an event line.

Each is a pydantic model that forbids unknown fields; their JSON Schemas are generated from
them (``readiness schema`` writes them into ``schema/``, the bundle carries its own).
"""

from __future__ import annotations

import json
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from ..site.api_models import Event

SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"

EventId = Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{32}$")]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class LedgerEntry(_Strict):
    """One line of the delivery ledger: the answer a receiver gave to one event."""

    event: EventId = Field(description="The event's id (its webhook-id).")
    receiver: str = Field(
        description="The URL it was sent to, without credentials or fragment (sensitive query values replaced)."
    )
    outcome: Literal["acknowledged", "refused"] = Field(
        description="acknowledged: a 2xx answer; refused: a 4xx (other than 408 and 429) or 3xx answer."
    )
    status: Annotated[int, Field(ge=100, le=599)] = Field(description="The HTTP status of the answer.")
    at: str = Field(description="When the answer came (ISO 8601, UTC).")
    attempts: Annotated[int, Field(ge=1)] = Field(description="Attempts this run made for the event.")
    answer: str | None = Field(
        None, description="refused: the start of the answer's body (one line, secrets masked); else null."
    )


class Widget(_Strict):
    """One Inter-Hub widget: a gate or a wave, with the URLs it shows (relative to the version root)."""

    id: str = Field(description="The widget's id in the hub: gate-<slug> or wave-<id>.")
    kind: Literal["gate", "wave"]
    entity: str = Field(description="The gate's or wave's id.")
    title: str
    page: str = Field(description="The page (HTML), relative to the version root.")
    api: str = Field(description="The entity's JSON document, relative to the version root.")
    badge: str = Field(description="Status badge (SVG), relative to the version root.")
    card: str = Field(description="Widget card (HTML for an iframe), relative to the version root.")
    event_types: list[str] = Field(
        description="Types of the bundle's events that concern the widget: about the gate or wave, or (gates) "
        "from a record that assesses the gate or that its checks used."
    )


class Manifest(_Strict):
    """The hub manifest of the explicit-migration bundle (``manifest.json``)."""

    schema_: str = Field(alias="$schema", description="Relative URL of this file's JSON Schema.")
    hub: str = Field(description="The hub's id in Inter-Hub.")
    as_of: str = Field(description="Moment every status and event is computed as of (ISO 8601, UTC).")
    base_url: str | None = Field(
        description="The published version's root that the widgets' paths are relative to, when given."
    )
    events: str = Field(description="The file beside this one that holds every event, one JSON object a line.")
    event_count: int = Field(description="How many lines that file has.")
    event_types: list[str] = Field(description="Every event type among the events.")
    widgets: list[Widget] = Field(description="One per active gate (in id order), then one per active wave.")


MANIFEST_SCHEMA = "interhub-manifest.schema.json"
EVENT_SCHEMA = "interhub-event.schema.json"
LEDGER_SCHEMA = "interhub-ledger.schema.json"

_SCHEMAS: dict[str, tuple[str, type[BaseModel]]] = {
    MANIFEST_SCHEMA: ("Inter-Hub bundle: manifest.json", Manifest),
    EVENT_SCHEMA: ("Inter-Hub bundle: one line of events.jsonl (the body of one delivery)", Event),
    LEDGER_SCHEMA: ("readiness deliver: one line of the delivery ledger", LedgerEntry),
}


def schema_texts() -> dict[str, str]:
    """File name -> JSON Schema text, generated from the models (deterministic, newline-terminated)."""
    out = {}
    for name, (title, model) in _SCHEMAS.items():
        schema: dict[str, Any] = model.model_json_schema(by_alias=True, mode="serialization")
        document = {"$schema": SCHEMA_DIALECT, "$id": name, "title": title, **schema}
        out[name] = json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    return out
