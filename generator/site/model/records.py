"""Records as the site shows them: those visible as of the moment, by gate and by entity, and risks."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import PurePosixPath

from ...engine.status import Derived
from ...git import Commit
from ...history import History
from ...records.catalog import Catalog
from ...records.models import Evidence
from .. import urls
from ..urls import Target
from .common import PageLink, entity_link, evidence_link

PUBLISHED_ATTACHMENT_TYPES = frozenset(
    {".txt", ".log", ".json", ".csv", ".pdf", ".png", ".jpg", ".jpeg", ".gif", ".webp"}
)
"""Attachment types published under /evidence/files/ (inert: no SVG, HTML or scripts)."""

SEVERITY_ORDER = ("critical", "high", "medium", "low")


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
class RecordView:
    """One record visible as of the moment (superseded ones included, marked)."""

    id: str
    record: Evidence
    moment: dt.datetime
    """When it was observed (date-only records: the start of their day)."""
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
    attachments: tuple[AttachmentView, ...]
    added_by: Commit | None
    """The commit that added it (``None``: no history)."""


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


def _view(catalog: Catalog, derived: Derived, history: History | None, evidence_id: str) -> RecordView:
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
    return RecordView(
        id=evidence_id,
        record=record,
        moment=index.moments[evidence_id],
        link=evidence_link(evidence_id),
        superseded_by=tuple(evidence_link(e) for e in index.superseded_by.get(evidence_id, [])),
        resolved_by=tuple(evidence_link(e) for e in index.resolved_by.get(evidence_id, [])),
        supersedes=tuple(evidence_link(e) for e in record.supersedes),
        resolves=tuple(evidence_link(e) for e in record.resolves),
        about=tuple(entity_link(catalog, ref) for ref in record.about),
        assesses=tuple((entity_link(catalog, f"gate:{ref}"), value) for ref, value in record.assess.items()),
        attachments=attachments,
        added_by=history.added_by.get(evidence_id) if history is not None else None,
    )


def build_records(catalog: Catalog, derived: Derived, history: History | None) -> Records:
    index = derived.index
    visible = [eid for eid, moment in index.moments.items() if moment <= derived.as_of]
    visible.sort(key=lambda eid: (index.moments[eid], eid), reverse=True)
    by_gate: dict[str, list[str]] = {}
    by_entity: dict[str, list[str]] = {}
    for eid in visible:
        record = catalog.evidence[eid]
        for gate_ref in record.assess:
            gate_id = catalog.resolve("gate", gate_ref)
            if gate_id is not None:
                by_gate.setdefault(gate_id, []).append(eid)
        for ref in record.about:
            resolved = catalog.resolve_ref(ref)
            if resolved is not None:
                by_entity.setdefault(f"{resolved[0]}:{resolved[1]}", []).append(eid)
    for state in derived.gates.values():
        used = {r.evidence for r in state.results if r.evidence}
        if used:
            merged = set(by_gate.get(state.id, [])) | used
            by_gate[state.id] = sorted(merged, key=lambda e: (index.moments[e], e), reverse=True)
    views = {eid: _view(catalog, derived, history, eid) for eid in visible}
    risks = [views[e] for e in visible if catalog.evidence[e].kind == "risk-raised" and not views[e].superseded_by]
    rank = {s: i for i, s in enumerate(SEVERITY_ORDER)}
    open_risks = [r for r in risks if not r.resolved_by]
    open_risks.sort(key=lambda r: rank.get(r.record.severity or "low", len(rank)))
    return Records(
        visible=tuple(views[e] for e in visible),
        by_id=views,
        by_gate={g: tuple(ids) for g, ids in by_gate.items()},
        by_entity={ref: tuple(ids) for ref, ids in by_entity.items()},
        open_risks=tuple(open_risks),
        resolved_risks=tuple(r for r in risks if r.resolved_by),
    )
