"""Calendars and the events feed (the contract's "Calendars and feeds"): the dates people plan by
and the events as news, each with an id that stays the same across builds.

A calendar entry is a day: a wave's target; the first day a ready assessment or a passing
check's evidence no longer counts (what home calls "stale from"); the last day a waiver is in
force (its ``expires``). The entries come from the facts the site model already has (the
waves, :func:`~.gates.expiries`, :func:`~.decisions.waiver_views`); an entry's UID is derived
from what it is about (its kind, gate, check, entity and record), so a rebuild, or a later day,
gives the same UID, and a new record gives a new one.

A feed entry is an event of ``events.json`` with its title and the page it links to.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Literal

from ...asof import format_moment
from ...records.catalog import Catalog
from .. import urls
from ..urls import Target
from .decisions import WaiverView
from .events import EventFact, EventValue
from .gates import FreshItem, GateView, WaveView

CalendarKind = Literal["wave-target", "assessment-stale", "evidence-stale", "waiver-ends"]


@dataclass(frozen=True, slots=True)
class CalendarEntry:
    """One all-day event of a calendar."""

    uid: str
    """Derived from what the date is about, never from the build."""
    kind: CalendarKind
    day: dt.date
    summary: str
    description: str
    gates: tuple[str, ...]
    """The gates it concerns (a wave's: all it requires): an owner's calendar has the entries of
    the gates it owns."""


@dataclass(frozen=True, slots=True)
class FeedEntry:
    """An event as an entry of the Atom feed."""

    event: EventFact
    title: str
    page: Target
    """The page the entry links to: the gate's or wave's page for an assessment, a decision or a
    wave's status change, the record's page for a record's own event (a record's page when the
    gate or wave has none any more, the history for a wave that is gone)."""
    record: Target | None
    """The record's page when the event has a record and ``page`` is not it."""


@dataclass(frozen=True, slots=True)
class Feed:
    entries: tuple[FeedEntry, ...]
    """Newest first."""
    updated: str
    """The newest event's time, or the as-of moment when there is none (ISO 8601, UTC)."""


def _uid(kind: CalendarKind, *parts: str | int | None) -> str:
    digest = hashlib.sha256(json.dumps([kind, *parts]).encode("utf-8")).hexdigest()[:32]
    return f"{kind}-{digest}@readiness"


def _wave_entry(wave: WaveView) -> CalendarEntry | None:
    target = wave.wave.target
    if target is None:
        return None
    state = wave.state
    status = state.status + (", overdue" if state.overdue else "")
    return CalendarEntry(
        uid=_uid("wave-target", wave.id),
        kind="wave-target",
        day=target,
        summary=f"Target of {wave.id}",
        description="\n".join(
            (
                wave.wave.title,
                f"Status: {status}, {wave.ready} of {wave.total} gates ready; decision: {wave.decision.label}.",
                f"Gates: {', '.join(state.gates) or 'none'}.",
            )
        ),
        gates=state.gates,
    )


def _expiry_entry(catalog: Catalog, gates: Mapping[str, GateView], item: FreshItem) -> CalendarEntry:
    gate = gates[item.gate]
    record = catalog.evidence[item.evidence]
    title = f"{item.gate}: {gate.gate.title}"
    if item.entity is None or item.check is None:
        return CalendarEntry(
            uid=_uid("assessment-stale", item.gate, item.evidence),
            kind="assessment-stale",
            day=item.expires,
            summary=f"{item.gate}: the ready assessment goes stale",
            description=(
                f"{title}\nAssessed ready by {item.evidence} (observed {item.observed.isoformat()}), which counts "
                f"for {gate.gate.max_age_days} days: from {item.expires.isoformat()} it no longer proves the gate "
                "ready. File a new assessment before then."
            ),
            gates=(item.gate,),
        )
    max_age = catalog.gates[item.gate].checks[item.check].max_age_days
    return CalendarEntry(
        uid=_uid("evidence-stale", item.gate, item.check, item.entity, item.evidence),
        kind="evidence-stale",
        day=item.expires,
        summary=f"{item.gate}: {record.kind} evidence for {item.entity} goes stale",
        description=(
            f"{title}\nCheck {item.check + 1} passes for {item.entity} on {item.evidence} ({record.kind}, observed "
            f"{item.observed.isoformat()}), which counts for {max_age} days: from {item.expires.isoformat()} the "
            f"check fails for {item.entity} until a newer {record.kind} record passes."
        ),
        gates=(item.gate,),
    )


def _waiver_entry(waiver: WaiverView) -> CalendarEntry:
    covers = "; ".join(f"{gate.text}: {', '.join(e.text for e in entities)}" for gate, entities in waiver.covers)
    return CalendarEntry(
        uid=_uid("waiver-ends", waiver.record.text),
        kind="waiver-ends",
        day=waiver.expires,
        summary=f"{', '.join(waiver.gates)}: waiver {waiver.record.text} ends",
        description=(
            f"{waiver.summary}\nCovers {covers}; approved by {', '.join(a.text for a in waiver.approvers)}.\n"
            f"In force through {waiver.expires.isoformat()} (UTC): from the next day the results it covers fail "
            "again, unless a new waiver is approved."
        ),
        gates=waiver.gates,
    )


def calendar_entries(
    catalog: Catalog,
    gates: Mapping[str, GateView],
    waves: Iterable[WaveView],
    expiries: Iterable[FreshItem],
    waivers: Iterable[WaiverView],
) -> tuple[CalendarEntry, ...]:
    """Every dated entry, soonest first; one per UID (a check's two results for the same
    entity and record are one date)."""
    entries = [e for e in (_wave_entry(w) for w in waves) if e is not None]
    entries += [_expiry_entry(catalog, gates, item) for item in expiries]
    entries += [_waiver_entry(w) for w in waivers]
    unique: dict[str, CalendarEntry] = {}
    for entry in sorted(entries, key=lambda e: (e.day, e.kind, e.uid)):
        unique.setdefault(entry.uid, entry)
    return tuple(unique.values())


def _text(value: EventValue) -> str:
    if value is None:
        return "none"
    return ", ".join(value) if isinstance(value, list) else value


def _feed_entry(event: EventFact, gates: Mapping[str, GateView], waves: Mapping[str, WaveView]) -> FeedEntry:
    data = event.data
    record_id = data.get("record")
    record = urls.page("evidence", record_id) if isinstance(record_id, str) else None
    gate = data.get("gate")
    wave = data.get("wave")
    page: Target | None
    if isinstance(gate, str):  # an assessment
        title = f"{gate} assessed {_text(data.get('status'))} by {_text(record_id)}"
        page = urls.page("gate", gate) if gate in gates else None
    elif isinstance(wave, str) and "decision" in data:  # a sign-off
        title = f"{_text(data.get('decision'))} for {wave}: {_text(data.get('summary'))}"
        page = urls.page("wave", wave) if wave in waves else None
    elif isinstance(wave, str):  # a wave's status in the history
        title = f"{wave} went from {_text(data.get('from'))} to {_text(data.get('to'))}"
        page = urls.page("wave", wave) if wave in waves else urls.page("history")
    else:  # a record's own event
        result = data.get("result") or data.get("severity")
        title = f"{_text(data.get('kind'))}{f' ({_text(result)})' if result else ''}: {_text(data.get('summary'))}"
        page = None
    if page is None:
        page, record = record or urls.page("history"), None
    return FeedEntry(event, title, page, record)


def feed(
    events: tuple[EventFact, ...], gates: Mapping[str, GateView], waves: Mapping[str, WaveView], as_of: dt.datetime
) -> Feed:
    """The events newest first, each with its title and page (``gates``, ``waves``: those with a page)."""
    entries = tuple(_feed_entry(e, gates, waves) for e in reversed(events))
    return Feed(entries, entries[0].event.time if entries else format_moment(as_of))
