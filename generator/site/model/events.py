"""The events the site publishes for Inter-Hub: one for each record of an evented kind, one for each
assessment, one for each wave that passed or failed in the history; oldest first."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final

from ...asof import format_moment
from ...records.catalog import Catalog
from ...records.models import VERIFICATION_KINDS
from .records import RecordView
from .timeline import HistoryView

EVENT_TYPES: Final[Mapping[str, str]] = {
    "endpoint-verified": "ops-endpoint-verified",
    "backup-verified": "ops-backup-verified",
    "restore-tested": "ops-restore-tested",
    "registry-verified": "ops-registry-verified",
    "tls-verified": "ops-tls-verified",
    "risk-raised": "ops-risk-raised",
}
"""Evidence kinds that feed an Inter-Hub event of their own."""

DECISION_EVENT_TYPES: Final[Mapping[str, str]] = {
    "go": "ops-migration-gate-passed",
    "no-go": "ops-migration-gate-failed",
}
"""A sign-off's event, by its decision (the same types as a wave that passed or failed in the history)."""

EventValue = str | list[str] | None


@dataclass(frozen=True, slots=True)
class EventFact:
    id: str
    """Derived from the event's content: reading twice never duplicates it."""
    type: str
    time: str
    """ISO 8601, UTC: the observed time, or the commit time for wave events."""
    subject: str
    data: dict[str, EventValue]


def _event(event_type: str, time: str, subject: str, data: dict[str, EventValue]) -> EventFact:
    content = json.dumps({"type": event_type, "time": time, "subject": subject, "data": data}, sort_keys=True)
    return EventFact(hashlib.sha256(content.encode("utf-8")).hexdigest()[:32], event_type, time, subject, data)


def build_events(catalog: Catalog, visible: tuple[RecordView, ...], history: HistoryView) -> tuple[EventFact, ...]:
    events: list[EventFact] = []
    for view in reversed(visible):
        record = view.record
        time = format_moment(view.moment)
        event_type = EVENT_TYPES.get(record.kind)
        if event_type is not None:
            data: dict[str, EventValue] = {"record": view.id, "kind": record.kind, "summary": record.summary}
            if record.kind in VERIFICATION_KINDS:
                data["result"] = record.result
            if record.severity is not None:
                data["severity"] = record.severity
            subject = record.about[0] if record.about else f"evidence:{view.id}"
            data["about"] = list(record.about)
            events.append(_event(event_type, time, subject, data))
        if record.kind == "sign-off" and record.decision is not None and record.wave is not None:
            wave_id = catalog.resolve("wave", record.wave) or record.wave
            decided: dict[str, EventValue] = {
                "wave": wave_id,
                "decision": record.decision,
                "record": view.id,
                "summary": record.summary,
                "approved_by": list(record.approvers),
                "accepted": [catalog.resolve("gate", g) or g for g in record.accepted],
            }
            events.append(_event(DECISION_EVENT_TYPES[record.decision], time, f"wave:{wave_id}", decided))
        for gate_ref, status in record.assess.items():
            gate_id = catalog.resolve("gate", gate_ref) or gate_ref
            events.append(
                _event(
                    "ops-readiness-gate-updated",
                    time,
                    f"gate:{gate_id}",
                    {"gate": gate_id, "status": status, "record": view.id},
                )
            )
    for view_t in history.transitions:
        t = view_t.transition
        if t.kind != "wave":
            continue
        became_passed = t.after == "passed" and t.before != "passed"
        failed = (t.before == "passed" and t.after != "passed") or (t.after == "blocked" and t.before != "blocked")
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
    return tuple(events)
