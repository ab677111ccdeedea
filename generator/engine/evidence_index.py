"""The evidence that counts as of a moment, indexed for the status rules.

Counts: observed at or before the as-of moment, and not superseded by a record
that itself counts. "Latest" is always the greatest (observed, id) pair.
"""

from __future__ import annotations

import bisect
import datetime as dt
from dataclasses import dataclass, field

from ..records.catalog import Catalog
from ..records.models import Evidence, GateStatus, observed_moment


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


_Key = tuple[dt.datetime, str]
"""(observed moment, record id): the order of "latest"."""


class LiveIndex:
    """An :class:`EvidenceIndex` kept equal to ``build_index(catalog, as_of)`` while records are
    added and removed and the as-of moment moves forward (a history, commit after commit).

    Each change updates only the entries of the references, gates and records it concerns, and
    remembers which references and gates it touched (:meth:`take_touched`). The rules are
    :func:`build_index`'s; ``tests/test_incremental.py`` holds the two equal over generated
    histories. References resolve through the catalog of :meth:`set_catalog`: when what they
    resolve to changes (ids or aliases), build a new one.
    """

    def __init__(self, catalog: Catalog, as_of: dt.datetime) -> None:
        self.index = EvidenceIndex(as_of=as_of)
        self._catalog = catalog
        self._records: dict[str, Evidence] = {}
        self._pending: list[_Key] = []
        """Records observed after the as-of moment, sorted."""
        self._counted: list[_Key] = []
        """The keys of ``index.counted``, position by position."""
        self._superseders: dict[str, list[_Key]] = {}
        """Record id -> the records in the window that supersede it (sorted)."""
        self._about: dict[str, list[_Key]] = {}
        """Entity ref -> the keys of ``index.about[ref]``, position by position."""
        self._latest: dict[tuple[str, str], list[_Key]] = {}
        """(entity ref, record kind) -> counting records of the kind about it (sorted)."""
        self._assessing: dict[str, list[_Key]] = {}
        """Gate id -> counting records that assess it (sorted)."""
        self._resolving: dict[str, list[_Key]] = {}
        """Record id -> counting records that resolve it (sorted, once per mention)."""
        self._refs: dict[str, tuple[str, ...]] = {}
        """Record id -> the canonical refs it is about."""
        self._gates: dict[str, dict[str, GateStatus]] = {}
        """Record id -> canonical gate id -> the status it assesses."""
        self._resolved: dict[str, str | None] = {}
        """Ref as written -> the canonical ref (``None``: it names nothing)."""
        self._touched_refs: set[str] = set()
        self._touched_kinds: set[tuple[str, str]] = set()
        self._touched_gates: set[str] = set()
        self._touched_risks: set[str] = set()

    def set_catalog(self, catalog: Catalog) -> None:
        """The catalog of the next changes (ids and aliases resolve as in the one before)."""
        self._catalog = catalog

    @classmethod
    def build(cls, catalog: Catalog, as_of: dt.datetime) -> LiveIndex:
        """The live index of every record of ``catalog``: what adding each gives, in two passes
        over the records in order (the rules of :func:`build_index`)."""
        live = cls(catalog, as_of)
        index = live.index
        keys: list[_Key] = []
        for evidence_id, record in catalog.evidence.items():
            keys.append(live._note(evidence_id, record))
        keys.sort()
        cut = bisect.bisect_right(keys, as_of, key=lambda key: key[0])
        window, live._pending = keys[:cut], keys[cut:]
        for key in window:
            for target in live._records[key[1]].supersedes:
                live._superseders.setdefault(target, []).append(key)
        index.superseded_by = {target: [other for _, other in found] for target, found in live._superseders.items()}
        for key in window:
            evidence_id = key[1]
            if evidence_id in live._superseders:
                continue
            record = live._records[evidence_id]
            live._counted.append(key)
            index.counted.append(evidence_id)
            for ref in live._refs[evidence_id]:
                live._about.setdefault(ref, []).append(key)
                index.about.setdefault(ref, []).append(evidence_id)
                live._latest.setdefault((ref, record.kind), []).append(key)
            for gate_id in live._gates[evidence_id]:
                live._assessing.setdefault(gate_id, []).append(key)
            for target in record.resolves:
                live._resolving.setdefault(target, []).append(key)
        index.latest_kind = {pair: found[-1][1] for pair, found in live._latest.items()}
        index.assessments = {
            gate_id: Assessment(found[-1][1], live._gates[found[-1][1]][gate_id], found[-1][0])
            for gate_id, found in live._assessing.items()
        }
        index.resolved_by = {target: [other for _, other in found] for target, found in live._resolving.items()}
        return live

    def add(self, evidence_id: str, record: Evidence) -> None:
        key = self._note(evidence_id, record)
        if key[0] <= self.index.as_of:
            self._enter(key)
        else:
            bisect.insort(self._pending, key)

    def _note(self, evidence_id: str, record: Evidence) -> _Key:
        """Remember a record: its moment, and the refs and gates it names, resolved."""
        moment = observed_moment(record.observed)
        self.index.moments[evidence_id] = moment
        self._records[evidence_id] = record
        refs: list[str] = []
        for ref in record.about:
            key = self._resolved.get(ref, "")
            if key == "":
                resolved = self._catalog.resolve_ref(ref)
                key = self._resolved[ref] = f"{resolved[0]}:{resolved[1]}" if resolved is not None else None
            if key is not None and key not in refs:
                refs.append(key)
        self._refs[evidence_id] = tuple(refs)
        gates: dict[str, GateStatus] = {}
        for gate_ref, status in record.assess.items():
            gate_id = self._catalog.resolve("gate", gate_ref)
            if gate_id is not None:
                gates[gate_id] = status
        self._gates[evidence_id] = gates
        return (moment, evidence_id)

    def remove(self, evidence_id: str) -> None:
        key = (self.index.moments[evidence_id], evidence_id)
        if key[0] <= self.index.as_of:
            self._leave(key)
        else:
            del self._pending[bisect.bisect_left(self._pending, key)]
        del self.index.moments[evidence_id], self._records[evidence_id]
        del self._refs[evidence_id], self._gates[evidence_id]

    def advance(self, as_of: dt.datetime) -> None:
        """Move the as-of moment forward (never back: build a new index for an earlier moment)."""
        if as_of < self.index.as_of:
            raise ValueError("a live index only moves forward in time")
        self.index.as_of = as_of
        cut = bisect.bisect_right(self._pending, as_of, key=lambda key: key[0])
        entering, self._pending[:cut] = self._pending[:cut], []
        for key in entering:
            self._enter(key)

    def take_touched(self) -> tuple[set[str], set[str]]:
        """Bring the touched entries up to date; return (entity refs, gate ids) whose
        ``about``/``latest_kind`` or assessment may have changed since the last call."""
        index = self.index
        for pair in self._touched_kinds:
            bucket = self._latest.get(pair)
            if bucket:
                index.latest_kind[pair] = bucket[-1][1]
            else:
                self._latest.pop(pair, None)
                index.latest_kind.pop(pair, None)
        for gate_id in self._touched_gates:
            bucket = self._assessing.get(gate_id)
            if not bucket:
                self._assessing.pop(gate_id, None)
                index.assessments.pop(gate_id, None)
                continue
            moment, evidence_id = bucket[-1]
            index.assessments[gate_id] = Assessment(evidence_id, self._gates[evidence_id][gate_id], moment)
        for target in self._touched_risks:
            bucket = self._resolving.get(target)
            if bucket:
                index.resolved_by[target] = [evidence_id for _, evidence_id in bucket]
            else:
                self._resolving.pop(target, None)
                index.resolved_by.pop(target, None)
        touched = (self._touched_refs, self._touched_gates)
        self._touched_refs, self._touched_gates, self._touched_risks = set(), set(), set()
        self._touched_kinds = set()
        return touched

    def _in_window(self, evidence_id: str) -> bool:
        moment = self.index.moments.get(evidence_id)
        return moment is not None and moment <= self.index.as_of

    def _enter(self, key: _Key) -> None:
        """A record comes into the window: it supersedes its targets, and counts unless superseded."""
        evidence_id = key[1]
        for target in self._records[evidence_id].supersedes:
            bucket = self._superseders.setdefault(target, [])
            was_counted = not bucket and self._in_window(target)
            bisect.insort(bucket, key)
            self.index.superseded_by[target] = [other for _, other in bucket]
            if was_counted:
                self._uncount((self.index.moments[target], target))
        if evidence_id not in self._superseders:
            self._count(key)

    def _leave(self, key: _Key) -> None:
        evidence_id = key[1]
        if evidence_id not in self._superseders:
            self._uncount(key)
        for target in self._records[evidence_id].supersedes:
            bucket = self._superseders[target]
            del bucket[bisect.bisect_left(bucket, key)]
            if bucket:
                self.index.superseded_by[target] = [other for _, other in bucket]
                continue
            del self._superseders[target], self.index.superseded_by[target]
            if self._in_window(target):
                self._count((self.index.moments[target], target))

    def _count(self, key: _Key) -> None:
        evidence_id = key[1]
        at = bisect.bisect_left(self._counted, key)
        self._counted.insert(at, key)
        self.index.counted.insert(at, evidence_id)
        kind = self._records[evidence_id].kind
        for ref in self._refs[evidence_id]:
            keys = self._about.setdefault(ref, [])
            at = bisect.bisect_left(keys, key)
            keys.insert(at, key)
            self.index.about.setdefault(ref, []).insert(at, evidence_id)
            bisect.insort(self._latest.setdefault((ref, kind), []), key)
            self._touched_kinds.add((ref, kind))
            self._touched_refs.add(ref)
        for gate_id in self._gates[evidence_id]:
            bisect.insort(self._assessing.setdefault(gate_id, []), key)
            self._touched_gates.add(gate_id)
        for target in self._records[evidence_id].resolves:
            bisect.insort(self._resolving.setdefault(target, []), key)
            self._touched_risks.add(target)

    def _uncount(self, key: _Key) -> None:
        evidence_id = key[1]
        at = bisect.bisect_left(self._counted, key)
        del self._counted[at], self.index.counted[at]
        kind = self._records[evidence_id].kind
        for ref in self._refs[evidence_id]:
            keys = self._about[ref]
            at = bisect.bisect_left(keys, key)
            del keys[at], self.index.about[ref][at]
            if not keys:
                del self._about[ref], self.index.about[ref]
            bucket = self._latest[(ref, kind)]
            del bucket[bisect.bisect_left(bucket, key)]
            self._touched_kinds.add((ref, kind))
        for table, names in (
            (self._assessing, self._gates[evidence_id]),
            (self._resolving, self._records[evidence_id].resolves),
        ):
            for name in names:
                bucket = table[name]
                del bucket[bisect.bisect_left(bucket, key)]
        self._touched_refs.update(self._refs[evidence_id])
        self._touched_gates.update(self._gates[evidence_id])
        self._touched_risks.update(self._records[evidence_id].resolves)
