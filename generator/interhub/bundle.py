"""The explicit-migration bundle (``readiness export interhub``): for when Inter-Hub cannot take
calls yet, everything its operators need to seed the hub by hand or by a migration.

``manifest.json`` names the hub and holds one widget per active gate and wave, with the URLs of
its page, JSON document, badge and card (relative to the version root, as in the API) and the
event types that concern it; ``events.jsonl`` holds every event, oldest first, one per line,
each line the body ``readiness deliver`` would POST; the JSON Schemas of both sit beside them.
The same records, history and as-of moment give the same bytes.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from ..asof import format_moment
from ..errors import ReadinessError, UsageError
from ..records.models import slug_of_gate
from ..site import urls
from ..site.api_models import dumps
from ..site.model import EventFact, GateView, SiteModel
from ..textsafe import terminal_text
from .events import body
from .models import EVENT_SCHEMA, MANIFEST_SCHEMA, Manifest, Widget, schema_texts

MANIFEST = "manifest.json"
EVENTS = "events.jsonl"

_HUB_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")


def check_hub(hub: str) -> str:
    if not _HUB_ID.match(hub):
        raise UsageError(
            f"--hub {hub!r} is not a hub id: write a lowercase slug of letters, digits and '-', e.g. my-hub"
        )
    return hub


def check_base_url(base_url: str | None) -> str | None:
    if base_url is None:
        return None
    if not re.match(r"^https?://[^/\s@]+(/\S*)?$", base_url):
        raise UsageError(
            f"--base-url {base_url!r} is not an http(s) URL: write the published version's root, "
            "e.g. https://readiness.example.internal/latest/"
        )
    return base_url if base_url.endswith("/") else base_url + "/"


def _gate_types(gate: GateView, events: tuple[EventFact, ...]) -> list[str]:
    records = {r.id for r in gate.records}
    return sorted(
        {e.type for e in events if e.subject == f"gate:{gate.id}" or e.data.get("gate") == gate.id}
        | {e.type for e in events if e.data.get("record") in records}
    )


def _subject_types(subject: str, events: tuple[EventFact, ...]) -> list[str]:
    return sorted({e.type for e in events if e.subject == subject})


def _widget(kind: Literal["gate", "wave"], ident: str, title: str, event_types: list[str]) -> Widget:
    """The widget of one gate or wave: its page, API document, badge and card, by the URL scheme."""
    section = urls.SECTIONS[kind]
    return Widget(
        id=f"{kind}-{slug_of_gate(ident) if kind == 'gate' else ident}",
        kind=kind,
        entity=ident,
        title=title,
        page=urls.page(kind, ident).url,
        api=urls.api_document(section, ident),
        badge=urls.badge(section, ident),
        card=urls.embed_url(section, ident),
        event_types=event_types,
    )


def manifest(site: SiteModel, hub: str, base_url: str | None) -> Manifest:
    """The hub manifest of ``site``."""
    events = site.events
    widgets = [_widget("gate", gate.id, gate.gate.title, _gate_types(gate, events)) for gate in site.gates]
    widgets += [
        _widget("wave", wave.id, wave.wave.title, _subject_types(f"wave:{wave.id}", events)) for wave in site.waves
    ]
    return Manifest.model_validate(
        {
            "$schema": MANIFEST_SCHEMA,
            "hub": hub,
            "as_of": format_moment(site.as_of),
            "base_url": base_url,
            "events": EVENTS,
            "event_count": len(events),
            "event_types": sorted({e.type for e in events}),
            "widgets": widgets,
        }
    )


def bundle_files(site: SiteModel, hub: str, base_url: str | None) -> dict[str, str]:
    """File name -> text of every file of the bundle."""
    schemas = schema_texts()
    document = manifest(site, hub, base_url).model_dump(by_alias=True, mode="json")
    return {
        MANIFEST: dumps(document),
        EVENTS: "".join(body(event) + "\n" for event in site.events),
        MANIFEST_SCHEMA: schemas[MANIFEST_SCHEMA],
        EVENT_SCHEMA: schemas[EVENT_SCHEMA],
    }


@dataclass(frozen=True, slots=True)
class Written:
    out: Path
    files: tuple[str, ...]
    widgets: int
    events: int


def write_bundle(site: SiteModel, out: Path, hub: str, base_url: str | None) -> Written:
    """Write the bundle into ``out`` (created when missing); other files there are left alone.

    Each file is written beside its final name and renamed over it, so a reader never sees half a file.
    """
    files = bundle_files(site, hub, base_url)
    try:
        out.mkdir(parents=True, exist_ok=True)
        for name, text in files.items():
            partial = out / f".{name}.partial"
            partial.write_text(text, encoding="utf-8", newline="\n")
            os.replace(partial, out / name)
    except FileExistsError:
        raise UsageError(f"--out {terminal_text(out)} is a file: name a directory") from None
    except OSError as exc:
        raise ReadinessError(f"cannot write into {terminal_text(out)}: {terminal_text(exc.strerror or exc)}") from None
    return Written(out, tuple(files), len(site.gates) + len(site.waves), len(site.events))
