"""Decisions as the site shows them: each wave's sign-off beside its status, and the waivers
that end soon (home and owner pages)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from ...engine.decisions import WaveDecision
from ...engine.status import Derived
from ...records.catalog import Catalog
from .common import PageLink, entity_link, evidence_link, gate_link, repo_link

WAIVER_WINDOW_DAYS = 30
"""Home and owner pages list waivers in force that end within this many days."""

_LABELS = {"none": "no decision", "go": "go", "go-stale": "go (stale)", "no-go": "no-go"}


@dataclass(frozen=True, slots=True)
class StaleView:
    """A gate that got lower after a go: the gate, and the sentence that says when."""

    gate: PageLink
    text: str
    """``T-G03 went from ready to partial on 2026-06-14``."""


@dataclass(frozen=True, slots=True)
class DecisionView:
    """A wave's decision, as pages, the API and ``status --json`` show it."""

    decision: WaveDecision
    record: PageLink | None
    """The sign-off that is the decision."""
    approvers: tuple[PageLink, ...]
    accepted: tuple[PageLink, ...]
    """Open gates a go knowingly accepted."""
    stale: tuple[StaleView, ...]

    @property
    def value(self) -> str:
        """``none``, ``go``, ``go-stale`` or ``no-go``."""
        return self.decision.value

    @property
    def label(self) -> str:
        """``no decision``, ``go``, ``go (stale)``, ``no-go``."""
        return _LABELS[self.decision.value]

    @property
    def day(self) -> dt.date | None:
        return self.decision.moment.date() if self.decision.moment is not None else None


@dataclass(frozen=True, slots=True)
class WaiverView:
    """A waiver in force: what it covers, who approved it, and when it ends."""

    record: PageLink
    summary: str
    covers: tuple[tuple[PageLink, tuple[PageLink, ...]], ...]
    """(gate, the entities it waives for that gate)."""
    approvers: tuple[PageLink, ...]
    expires: dt.date
    """The last day it is in force."""
    days_left: int
    """Whole days from the as-of date to ``expires`` (0: it ends today)."""
    gates: tuple[str, ...]
    """The waived gates, by canonical id."""


def decision_document(view: DecisionView) -> dict[str, object]:
    """The contract's ``decision`` object (API wave documents and ``status --json``)."""
    return {
        "value": view.value,
        "record": view.decision.record,
        "stale_because": [cause.gate for cause in view.decision.stale_because],
    }


def decision_view(catalog: Catalog, decision: WaveDecision) -> DecisionView:
    record = catalog.evidence[decision.record] if decision.record is not None else None
    return DecisionView(
        decision=decision,
        record=evidence_link(decision.record) if decision.record is not None else None,
        approvers=tuple(repo_link(catalog, r) for r in (record.approvers if record is not None else ())),
        accepted=tuple(gate_link(g) for g in decision.accepted),
        stale=tuple(StaleView(gate_link(c.gate), c.text) for c in decision.stale_because),
    )


def waiver_views(catalog: Catalog, derived: Derived) -> tuple[WaiverView, ...]:
    """Every waiver in force as of the moment, soonest ending first (what calendars show)."""
    today = derived.as_of.date()
    seen: dict[str, WaiverView] = {}
    for waived in derived.waivers.values():
        if waived.record in seen:
            continue
        record = catalog.evidence[waived.record]
        covers = []
        gates = []
        for gate_ref, entities in (record.waive or {}).items():
            gate_id = catalog.resolve("gate", gate_ref) or gate_ref
            gates.append(gate_id)
            covers.append((gate_link(gate_id), tuple(entity_link(catalog, e) for e in entities)))
        seen[waived.record] = WaiverView(
            record=evidence_link(waived.record),
            summary=record.summary,
            covers=tuple(covers),
            approvers=tuple(repo_link(catalog, r) for r in waived.approvers),
            expires=waived.expires,
            days_left=(waived.expires - today).days,
            gates=tuple(gates),
        )
    return tuple(sorted(seen.values(), key=lambda w: (w.expires, w.record.text)))


def waivers_ending(waivers: tuple[WaiverView, ...]) -> tuple[WaiverView, ...]:
    """Of :func:`waiver_views`, those that end within :data:`WAIVER_WINDOW_DAYS` (what home and owner pages list)."""
    return tuple(w for w in waivers if w.days_left <= WAIVER_WINDOW_DAYS)
