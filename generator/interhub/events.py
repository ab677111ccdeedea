"""The events Inter-Hub receives: computed from the records as ``build`` computes ``events.json``,
oldest first, each with the one body it is sent and exported as."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from ..pipeline import build_model
from ..site.api_models import Event
from ..site.model import EventFact, SiteInfo, SiteModel
from ..site.model import build_model as build_site_model
from ..textsafe import json_text


@dataclass(frozen=True, slots=True)
class Outbound:
    """One event as it leaves: its id (the ``webhook-id``), its type and subject, and its body."""

    id: str
    type: str
    subject: str
    time: str
    body: str
    """The event as published in ``events.json``, as one line of JSON (no line break)."""


def body(event: EventFact) -> str:
    """The event as ``events.json`` publishes it, on one line: what is POSTed, and a line of ``events.jsonl``.

    Characters a terminal must not see raw are written as ``\\uXXXX`` (the same JSON value),
    so that no line break other than JSON's own can split it.
    """
    document = Event(id=event.id, type=event.type, time=event.time, subject=event.subject, data=event.data)
    return json_text(document.model_dump(mode="json"), indent=None)


def site_model(root: Path, as_of: dt.datetime) -> SiteModel:
    """The site model of the records under ``root`` as of ``as_of``, with the git history, as ``build`` makes it."""
    model = build_model(root, as_of)
    return build_site_model(model.catalog, model.derived, SiteInfo(history=model.history))


def outbound(site: SiteModel) -> tuple[Outbound, ...]:
    """Every event of ``site``, oldest first (the order of ``events.json``)."""
    return tuple(Outbound(e.id, e.type, e.subject, e.time, body(e)) for e in site.events)
