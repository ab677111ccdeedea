"""Records as the site shows them: those visible as of the moment, by gate and by entity, and risks."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import PurePosixPath

from ...asof import format_moment
from ...engine.status import Derived
from ...git import Commit
from ...history import History
from ...records.catalog import Catalog
from ...records.models import Evidence
from .. import urls
from ..urls import Target
from .common import PageLink, entity_link, evidence_link, owners_of

PUBLISHED_ATTACHMENT_TYPES = frozenset(
    {".txt", ".log", ".json", ".csv", ".pdf", ".png", ".jpg", ".jpeg", ".gif", ".webp"}
)
"""Attachment types published under /evidence/files/ (inert: no SVG, HTML or scripts)."""

SEVERITY_ORDER = ("critical", "high", "medium", "low")

PAGE_SIZE = 100
"""Records on each page of the evidence index (newest first): a page stays small whatever the catalog's size."""


@dataclass(frozen=True, slots=True)
class AttachmentView:
    """A file a record names, published when it is an inert type."""

    path: str
    sha256: str
    published: Target | None
    """The published file (``None``: not an inert file type, not published)."""

    @property
    def link(self) -> PageLink | None:
        return PageLink(self.path, self.published) if self.published is not None else None


@dataclass(frozen=True, slots=True)
class GateUse:
    """A gate a record counts for: one it assesses, or one whose checks used it."""

    link: PageLink
    """The gate by canonical id (no page: a retired gate)."""
    assessed: str | None
    """The status the record assesses it at (``None``: the record does not assess it, a check of it used the
    record)."""


@dataclass(frozen=True, slots=True)
class RecordView:
    """One record visible as of the moment (superseded ones included, marked)."""

    id: str
    record: Evidence
    moment: dt.datetime
    """When it was observed (date-only records: the start of their day)."""
    observed: str
    """When it was observed, as pages show it: the day (``YYYY-MM-DD``), or the moment (ISO 8601, UTC) when the
    record gives a time of day."""
    link: PageLink
    superseded_by: tuple[PageLink, ...]
    """The counting records that correct it (empty: it counts)."""
    resolved_by: tuple[PageLink, ...]
    """For a risk: the counting records that resolve it."""
    supersedes: tuple[PageLink, ...]
    resolves: tuple[PageLink, ...]
    about: tuple[PageLink, ...]
    assesses: tuple[tuple[PageLink, str], ...]
    """(gate, assessed status), as the record writes them."""
    entities: tuple[PageLink, ...]
    """What it is about, by canonical ``kind:id`` (former ids resolved), in the order it names them."""
    gates: tuple[GateUse, ...]
    """Every gate it assesses or whose checks used it (:attr:`Records.by_gate` the other way round), in id order."""
    owners: tuple[PageLink, ...]
    """The owner repos of those gates and of what it is about, by canonical id, sorted."""
    attachments: tuple[AttachmentView, ...]
    added_by: Commit | None
    """The commit that added it (``None``: no history)."""


@dataclass(frozen=True, slots=True)
class EvidencePage:
    """One page of the evidence index: :data:`PAGE_SIZE` records, newest first."""

    number: int
    """From 1 (the index itself)."""
    count: int
    """How many pages the index has."""
    target: Target
    records: tuple[RecordView, ...]
    start: int
    """The position of its first record among all (from 1; 0: there are no records)."""
    first: Target
    previous: Target | None
    next: Target | None
    last: Target

    @property
    def end(self) -> int:
        """The position of its last record (0: there are no records)."""
        return self.start + len(self.records) - 1 if self.records else 0


@dataclass(frozen=True, slots=True)
class IndexChoices:
    """What the evidence index's filters offer: every value some visible record has."""

    gates: tuple[PageLink, ...]
    """Every gate a record assesses or whose checks used it (the keys of :attr:`Records.by_gate`), in id order."""
    entities: tuple[PageLink, ...]
    """Everything a record is about, by canonical ``kind:id``, sorted."""
    owners: tuple[PageLink, ...]
    """Every owner of a record (:attr:`RecordView.owners`), sorted."""
    kinds: tuple[str, ...]
    results: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Records:
    """Every record visible as of the moment, and the ways pages list them."""

    visible: tuple[RecordView, ...]
    """Newest first by (observed, id)."""
    by_id: Mapping[str, RecordView]
    by_gate: Mapping[str, tuple[str, ...]]
    """Gate id -> records that assess it or that its checks used, newest first."""
    by_entity: Mapping[str, tuple[str, ...]]
    """Canonical ``kind:id`` -> records about it, newest first."""
    open_risks: tuple[RecordView, ...]
    """Most severe first."""
    resolved_risks: tuple[RecordView, ...]
    pages: tuple[EvidencePage, ...]
    """The evidence index, page by page (one page, empty, when there are no records)."""
    choices: IndexChoices

    def of(self, ids: tuple[str, ...]) -> tuple[RecordView, ...]:
        return tuple(self.by_id[e] for e in ids)

    def about(self, ref: str) -> tuple[RecordView, ...]:
        return self.of(self.by_entity.get(ref, ()))

    def last_counting(self, gate_id: str) -> RecordView | None:
        """The newest record about the gate that is not superseded."""
        for evidence_id in self.by_gate.get(gate_id, ()):
            if not self.by_id[evidence_id].superseded_by:
                return self.by_id[evidence_id]
        return None


def observed_text(value: dt.date | dt.datetime) -> str:
    """A day or a moment as pages show it: the day, or the moment (ISO 8601, UTC) when it has a time of day."""
    if isinstance(value, dt.datetime):
        if value.hour or value.minute or value.second:
            return format_moment(value)
        return value.date().isoformat()
    return value.isoformat()


def _view(
    catalog: Catalog,
    derived: Derived,
    history: History | None,
    evidence_id: str,
    gates: tuple[GateUse, ...],
    owners_of_ref: Callable[[str], tuple[str, ...]],
) -> RecordView:
    record = catalog.evidence[evidence_id]
    index = derived.index
    attachments = tuple(
        AttachmentView(
            a.path,
            a.sha256,
            urls.page("attachment", a.path)
            if PurePosixPath(a.path).suffix.lower() in PUBLISHED_ATTACHMENT_TYPES
            else None,
        )
        for a in record.attachments or []
    )
    entities = tuple(_canonical(catalog, ref) for ref in record.about)
    owners = {o for gate in gates for o in owners_of_ref(f"gate:{gate.link.text}")}
    owners.update(o for entity in entities for o in owners_of_ref(entity.text))
    return RecordView(
        id=evidence_id,
        record=record,
        moment=index.moments[evidence_id],
        observed=observed_text(record.observed),
        link=evidence_link(evidence_id),
        superseded_by=tuple(evidence_link(e) for e in index.superseded_by.get(evidence_id, [])),
        resolved_by=tuple(evidence_link(e) for e in index.resolved_by.get(evidence_id, [])),
        supersedes=tuple(evidence_link(e) for e in record.supersedes),
        resolves=tuple(evidence_link(e) for e in record.resolves),
        about=tuple(entity_link(catalog, ref) for ref in record.about),
        assesses=tuple((entity_link(catalog, f"gate:{ref}"), value) for ref, value in record.assess.items()),
        entities=entities,
        gates=gates,
        owners=tuple(PageLink(o, urls.page("owner", o)) for o in sorted(owners)),
        attachments=attachments,
        added_by=history.added_by.get(evidence_id) if history is not None else None,
    )


def _canonical(catalog: Catalog, ref: str) -> PageLink:
    """``ref`` by its canonical ``kind:id``, linked as :func:`entity_link` links it."""
    resolved = catalog.resolve_ref(ref)
    return entity_link(catalog, ref if resolved is None else f"{resolved[0]}:{resolved[1]}")


def _gate(derived: Derived, gate_id: str) -> PageLink:
    """A gate by canonical id: linked when active (a retired gate has no page)."""
    return PageLink(gate_id, urls.page("gate", gate_id) if gate_id in derived.gates else None)


def _pages(visible: tuple[RecordView, ...]) -> tuple[EvidencePage, ...]:
    count = max(1, -(-len(visible) // PAGE_SIZE))
    return tuple(
        EvidencePage(
            number=n,
            count=count,
            target=urls.evidence_page(n),
            records=visible[(n - 1) * PAGE_SIZE : n * PAGE_SIZE],
            start=(n - 1) * PAGE_SIZE + 1 if visible else 0,
            first=urls.evidence_page(1),
            previous=urls.evidence_page(n - 1) if n > 1 else None,
            next=urls.evidence_page(n + 1) if n < count else None,
            last=urls.evidence_page(count),
        )
        for n in range(1, count + 1)
    )


def _choices(derived: Derived, views: tuple[RecordView, ...], by_gate: Mapping[str, object]) -> IndexChoices:
    entities = {link.text: link for view in views for link in view.entities}
    owners = {link.text: link for view in views for link in view.owners}
    return IndexChoices(
        gates=tuple(_gate(derived, g) for g in sorted(by_gate)),
        entities=tuple(entities[ref] for ref in sorted(entities)),
        owners=tuple(owners[o] for o in sorted(owners)),
        kinds=tuple(sorted({view.record.kind for view in views})),
        results=tuple(sorted({view.record.result for view in views if view.record.result})),
    )


def build_records(catalog: Catalog, derived: Derived, history: History | None) -> Records:
    index = derived.index
    visible = [eid for eid, moment in index.moments.items() if moment <= derived.as_of]
    visible.sort(key=lambda eid: (index.moments[eid], eid), reverse=True)
    by_gate: dict[str, list[str]] = {}
    by_entity: dict[str, list[str]] = {}
    assessed: dict[str, dict[str, str]] = {}  # record -> canonical gate id -> the status it assesses
    for eid in visible:
        record = catalog.evidence[eid]
        for gate_ref, value in record.assess.items():
            gate_id = catalog.resolve("gate", gate_ref)
            if gate_id is not None:
                by_gate.setdefault(gate_id, []).append(eid)
                assessed.setdefault(eid, {})[gate_id] = value
        for ref in record.about:
            resolved = catalog.resolve_ref(ref)
            if resolved is not None:
                by_entity.setdefault(f"{resolved[0]}:{resolved[1]}", []).append(eid)
    for state in derived.gates.values():
        used = {r.evidence for r in state.results if r.evidence}
        if used:
            merged = set(by_gate.get(state.id, [])) | used
            by_gate[state.id] = sorted(merged, key=lambda e: (index.moments[e], e), reverse=True)
    gates_of: dict[str, list[str]] = {}
    for gate_id in sorted(by_gate):
        for eid in by_gate[gate_id]:
            gates_of.setdefault(eid, []).append(gate_id)
    owners = functools.cache(lambda ref: owners_of(catalog, derived, ref))  # each entity's owners, once
    views = {
        eid: _view(
            catalog,
            derived,
            history,
            eid,
            tuple(GateUse(_gate(derived, g), assessed.get(eid, {}).get(g)) for g in gates_of.get(eid, [])),
            owners,
        )
        for eid in visible
    }
    ordered = tuple(views[e] for e in visible)
    risks = [views[e] for e in visible if catalog.evidence[e].kind == "risk-raised" and not views[e].superseded_by]
    rank = {s: i for i, s in enumerate(SEVERITY_ORDER)}
    open_risks = [r for r in risks if not r.resolved_by]
    open_risks.sort(key=lambda r: rank.get(r.record.severity or "low", len(rank)))
    return Records(
        visible=ordered,
        by_id=views,
        by_gate={g: tuple(ids) for g, ids in by_gate.items()},
        by_entity={ref: tuple(ids) for ref, ids in by_entity.items()},
        open_risks=tuple(open_risks),
        resolved_risks=tuple(r for r in risks if r.resolved_by),
        pages=_pages(ordered),
        choices=_choices(derived, ordered, by_gate),
    )
