"""The site model: every fact any output shows, computed once from the catalog, the statuses,
the history and the build's own facts.

Markdown pages, API documents, widget cards, badges, redirects and the terminal report are
views of it: they format what it holds and compute nothing. Records stay as the models give
them (their fields are shown as written); what is derived from them is here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from ... import textsafe
from ...engine.status import Derived
from ...records.catalog import Catalog
from .. import urls
from ..urls import Target
from .common import STATUS_ORDER, PageLink, SiteInfo, StatusCounts, UrlLink, status_counts
from .decisions import WAIVER_WINDOW_DAYS, DecisionView, StaleView, WaiverView, waiver_views, waivers_ending
from .entities import (
    Deployed,
    EnvironmentView,
    OwnerView,
    ServiceView,
    StoreView,
    environment_view,
    owner_view,
    service_view,
)
from .events import EVENT_TYPES, EventFact, build_events
from .feeds import CalendarEntry, Feed, FeedEntry, calendar_entries, feed
from .gates import (
    FRESHNESS_WINDOW_DAYS,
    CheckView,
    FreshItem,
    GateView,
    ReasonView,
    ResultView,
    WaveView,
    expiries,
    freshness,
    gate_view,
    wave_view,
)
from .records import (
    PAGE_SIZE,
    PUBLISHED_ATTACHMENT_TYPES,
    AttachmentView,
    EvidencePage,
    GateUse,
    IndexChoices,
    Records,
    RecordView,
    build_records,
)
from .timeline import ChangesView, ChangeView, HistoryPoint, HistoryView, TransitionView, changes_view, history_view

__all__ = [
    "EVENT_TYPES",
    "FRESHNESS_WINDOW_DAYS",
    "PAGE_SIZE",
    "PUBLISHED_ATTACHMENT_TYPES",
    "STATUS_ORDER",
    "Alias",
    "AttachmentView",
    "CalendarEntry",
    "ChangeView",
    "ChangesView",
    "CheckView",
    "DecisionView",
    "Deployed",
    "EnvironmentView",
    "EventFact",
    "EvidencePage",
    "Feed",
    "FeedEntry",
    "FreshItem",
    "GateUse",
    "GateView",
    "HistoryPoint",
    "HistoryView",
    "IndexChoices",
    "OwnerView",
    "PageLink",
    "ReasonView",
    "RecordView",
    "ResultView",
    "ServiceView",
    "SiteInfo",
    "SiteModel",
    "StaleView",
    "StatusCounts",
    "StoreView",
    "TransitionView",
    "UrlLink",
    "WaiverView",
    "WaveView",
    "build_model",
]


@dataclass(frozen=True, slots=True)
class Alias:
    """A former id whose page (and JSON document, badge and card, where there are) still answers."""

    section: str
    """``gates``, ``waves``, ``services``, ``environments`` or ``owners``."""
    old: Target
    new: Target


@dataclass(frozen=True, slots=True)
class SiteModel:
    """Every fact of one build."""

    as_of: dt.datetime
    info: SiteInfo
    counts: StatusCounts
    """Active gates by status."""
    gates: tuple[GateView, ...]
    """Active gates, in id order."""
    waves: tuple[WaveView, ...]
    """Active waves, in file order."""
    services: tuple[ServiceView, ...]
    """Every service (retired ones too: they keep their page), in id order."""
    environments: tuple[EnvironmentView, ...]
    owners: tuple[OwnerView, ...]
    records: Records
    freshness: tuple[FreshItem, ...]
    history: HistoryView
    changes: ChangesView | None
    aliases: tuple[Alias, ...]
    events: tuple[EventFact, ...]
    waivers: tuple[WaiverView, ...]
    """Waivers in force that end within :data:`WAIVER_WINDOW_DAYS`, soonest first."""
    calendar: tuple[CalendarEntry, ...]
    """Every dated entry (wave targets, evidence going stale, waivers ending), soonest first."""
    feed: Feed
    """The events as the Atom feed's entries, newest first."""
    gate_by_id: Mapping[str, GateView]
    wave_by_id: Mapping[str, WaveView]

    @property
    def today(self) -> dt.date:
        return self.as_of.date()

    @property
    def freshness_window_days(self) -> int:
        """How far ahead :attr:`freshness` looks."""
        return FRESHNESS_WINDOW_DAYS

    @property
    def waiver_window_days(self) -> int:
        """How far ahead :attr:`waivers` looks."""
        return WAIVER_WINDOW_DAYS

    def waivers_of(self, owner: OwnerView) -> tuple[WaiverView, ...]:
        """The ending waivers of the gates ``owner`` owns."""
        return tuple(w for w in self.waivers if set(w.gates) & set(owner.gates))

    def calendar_of(self, owner: OwnerView) -> tuple[CalendarEntry, ...]:
        """The calendar entries of the gates ``owner`` owns (and of the waves that require them)."""
        owned = set(owner.gates)
        return tuple(e for e in self.calendar if owned.intersection(e.gates))

    @property
    def next_wave(self) -> WaveView | None:
        """The wave to look at first: the earliest-due overdue one, else the first in file order that has not passed."""
        overdue = [w for w in self.waves if w.state.overdue]
        if overdue:
            return min(overdue, key=lambda w: (w.wave.target or self.today, self.waves.index(w)))
        return next((w for w in self.waves if w.status != "passed"), None)

    def open_gates(self, wave: WaveView) -> tuple[GateView, ...]:
        """The wave's gates that are not ready, in the wave's order."""
        return tuple(g for g in (self.gate(i) for i in wave.state.gates) if g.status != "ready")

    def verdict(self, wave: WaveView) -> str:
        """``wave-1: 4 gates open, 2 owners, target in 13 days``: a wave's state in one line."""
        open_gates = self.open_gates(wave)
        owners = {o.text for g in open_gates for o in g.owners}
        parts = [f"{textsafe.plural(len(open_gates), 'gate')} open" if open_gates else "every gate ready"]
        if open_gates:
            parts.append(textsafe.plural(len(owners), "owner") if owners else "no owner named")
        target = wave.wave.target
        if target is None:
            parts.append("no target set")
        else:
            days = (target - self.today).days
            parts.append(
                "target today"
                if days == 0
                else f"target in {textsafe.plural(days, 'day')}"
                if days > 0
                else f"target passed {textsafe.plural(-days, 'day')} ago"
            )
        return f"{wave.id}: {', '.join(parts)}"

    def since(self, kind: str, ident: str) -> str | None:
        """The day a gate or wave got its current status (its latest transition), when the history knows."""
        timeline = self.history.of(kind, ident)
        return timeline[0].day if timeline else None

    @property
    def stale_decisions(self) -> tuple[WaveView, ...]:
        """Waves whose go went stale: home shows them first."""
        return tuple(w for w in self.waves if w.decision.value == "go-stale")

    def gate(self, gate_id: str) -> GateView:
        return self.gate_by_id[gate_id]

    def wave(self, wave_id: str) -> WaveView:
        return self.wave_by_id[wave_id]

    @property
    def active_services(self) -> tuple[ServiceView, ...]:
        return tuple(s for s in self.services if not s.retired)

    @property
    def retired_services(self) -> tuple[ServiceView, ...]:
        return tuple(s for s in self.services if s.retired)


def _aliases(catalog: Catalog, derived: Derived) -> tuple[Alias, ...]:
    """Former ids of the gates, waves, services, environments and owners that have a page."""
    out = []
    for kind, section in urls.SECTIONS.items():
        for alias, canonical in sorted(catalog.aliases.get(kind, {}).items()):
            if (kind == "gate" and canonical not in derived.gates) or (
                kind == "wave" and canonical not in derived.waves
            ):
                continue
            if kind == "service" and catalog.service_retired(canonical):
                continue
            out.append(Alias(section, urls.entity(kind, alias), urls.entity(kind, canonical)))
    return tuple(out)


def build_model(catalog: Catalog, derived: Derived, info: SiteInfo | None = None) -> SiteModel:
    """Every fact of the site as of ``derived.as_of`` (history and build facts from ``info``)."""
    info = info or SiteInfo()
    records = build_records(catalog, derived, info.history)
    gates = tuple(gate_view(catalog, derived, records, g) for g in derived.gates)
    waves = tuple(wave_view(catalog, derived, w) for w in derived.waves)
    services = tuple(service_view(catalog, derived, records, s) for s in sorted(catalog.services))
    history = history_view(catalog, derived, info.history)
    events = build_events(catalog, records.visible, history)
    dated = expiries(catalog, derived)
    waivers = waiver_views(catalog, derived)
    gate_by_id = {g.id: g for g in gates}
    wave_by_id = {w.id: w for w in waves}
    return SiteModel(
        as_of=derived.as_of,
        info=info,
        counts=status_counts(derived.gates),
        gates=gates,
        waves=waves,
        services=services,
        environments=tuple(
            environment_view(catalog, derived, records, services, e) for e in sorted(catalog.environments)
        ),
        owners=tuple(owner_view(catalog, derived, r) for r in sorted(catalog.repos)),
        records=records,
        freshness=freshness(dated, derived.as_of.date()),
        history=history,
        changes=changes_view(derived, info.previous_version, info.changes),
        aliases=_aliases(catalog, derived),
        events=events,
        waivers=waivers_ending(waivers),
        calendar=calendar_entries(catalog, gate_by_id, waves, dated, waivers),
        feed=feed(events, gate_by_id, wave_by_id, derived.as_of),
        gate_by_id=gate_by_id,
        wave_by_id=wave_by_id,
    )
