"""The evidence that counts as of a moment, indexed for the status rules.

Counts: observed at or before the as-of moment, and not superseded by a record
that itself counts. "Latest" is always the greatest (observed, id) pair.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from ..records.catalog import Catalog
from ..records.models import GateStatus, observed_moment


@dataclass(frozen=True, slots=True)
class Assessment:
    """One ``assess`` entry: a record's word on a gate."""

    evidence: str
    status: GateStatus
    observed: dt.datetime


@dataclass(slots=True)
class EvidenceIndex:
    """Counting evidence by entity, kind and gate."""

    as_of: dt.datetime
    counted: list[str] = field(default_factory=list)
    """Ids of counting records, oldest first by (observed, id)."""
    superseded_by: dict[str, list[str]] = field(default_factory=dict)
    """Record id -> the counting records that supersede it."""
    resolved_by: dict[str, list[str]] = field(default_factory=dict)
    """risk-raised record id -> the counting records that resolve it."""
    moments: dict[str, dt.datetime] = field(default_factory=dict)
    about: dict[str, list[str]] = field(default_factory=dict)
    """Entity ref (canonical) -> counting records about it, oldest first."""
    latest_kind: dict[tuple[str, str], str] = field(default_factory=dict)
    assessments: dict[str, Assessment] = field(default_factory=dict)
    """Gate id (canonical) -> its latest assessment."""

    def has_about(self, ref: str) -> bool:
        return ref in self.about

    def latest_about(self, ref: str, kind: str) -> str | None:
        return self.latest_kind.get((ref, kind))

    def observed_day(self, evidence_id: str) -> dt.date:
        return self.moments[evidence_id].date()


def build_index(catalog: Catalog, as_of: dt.datetime) -> EvidenceIndex:
    """Index the records that count as of ``as_of``."""
    index = EvidenceIndex(as_of=as_of)
    in_window: list[tuple[dt.datetime, str]] = []
    for evidence_id, record in catalog.evidence.items():
        moment = observed_moment(record.observed)
        index.moments[evidence_id] = moment
        if moment <= as_of:
            in_window.append((moment, evidence_id))
    in_window.sort()
    canonical: dict[str, str] = {}  # reference as written -> canonical kind:id
    for _, evidence_id in in_window:
        for target in catalog.evidence[evidence_id].supersedes:
            index.superseded_by.setdefault(target, []).append(evidence_id)
    for moment, evidence_id in in_window:
        if evidence_id in index.superseded_by:
            continue
        record = catalog.evidence[evidence_id]
        index.counted.append(evidence_id)
        for target in record.resolves:
            index.resolved_by.setdefault(target, []).append(evidence_id)
        for ref in record.about:
            key = canonical.get(ref)
            if key is None:
                resolved = catalog.resolve_ref(ref)
                if resolved is None:
                    continue
                key = canonical[ref] = f"{resolved[0]}:{resolved[1]}"
            bucket = index.about.setdefault(key, [])
            if not bucket or bucket[-1] != evidence_id:
                bucket.append(evidence_id)
            index.latest_kind[(key, record.kind)] = evidence_id
        for gate_ref, status in record.assess.items():
            gate_id = catalog.resolve("gate", gate_ref)
            if gate_id is not None:
                index.assessments[gate_id] = Assessment(evidence_id, status, moment)
    return index
