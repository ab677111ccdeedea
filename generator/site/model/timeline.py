"""The git history as the site shows it, up to the as-of moment: transitions, points, gaps; and the changes
since the previous published version."""

from __future__ import annotations

from dataclasses import dataclass

from ...diff import Change, Diff
from ...engine.status import Derived
from ...git import Commit
from ...history import History, Point, Transition
from ...records.catalog import Catalog
from .common import PageLink, StatusCounts, evidence_link, gate_link, wave_link


@dataclass(frozen=True, slots=True)
class TransitionView:
    """A status change of a gate or wave at one commit."""

    transition: Transition
    link: PageLink
    """The gate or wave (plain text when it has no page now)."""
    evidence: tuple[PageLink, ...]
    """Records the commit added (plain text when not visible as of the moment)."""

    @property
    def commit(self) -> Commit:
        return self.transition.commit

    @property
    def day(self) -> str:
        return self.transition.commit.time.date().isoformat()


@dataclass(frozen=True, slots=True)
class CommitChanges:
    """What one commit changed: its transitions, gates then waves, and the records it added."""

    commit: Commit
    changes: tuple[TransitionView, ...]
    evidence: tuple[PageLink, ...]
    """Records the commit added, each once."""

    @property
    def day(self) -> str:
        return self.commit.time.date().isoformat()


@dataclass(frozen=True, slots=True)
class HistoryPoint:
    """Gates by status at one valid commit (a step of the history chart)."""

    day: str
    """The commit's day, ``YYYY-MM-DD``."""
    counts: StatusCounts


@dataclass(frozen=True, slots=True)
class HistoryView:
    """The history up to the as-of moment (empty when unavailable or not computed)."""

    computed: bool
    """``False``: the build computed no history."""
    available: bool
    reason: str | None
    """Why it is unavailable."""
    transitions: tuple[TransitionView, ...]
    """Up to the as-of moment, oldest first."""
    newest_first: tuple[TransitionView, ...]
    """Newest commit first; within a commit, gates then waves in id order."""
    by_day: tuple[tuple[str, tuple[CommitChanges, ...]], ...]
    """The commits that changed a status, newest first, by commit day."""
    commits: tuple[CommitChanges, ...]
    """The commits that changed a status, newest first."""
    points: tuple[HistoryPoint, ...]
    """Gates by status at each valid commit."""
    gaps: tuple[Point, ...]
    """Commits whose records did not validate."""

    def of(self, kind: str, ident: str) -> tuple[TransitionView, ...]:
        """One gate's or wave's transitions, newest first (its timeline on its page)."""
        return tuple(t for t in self.newest_first if t.transition.kind == kind and t.transition.id == ident)

    def log(self, kind: str, ident: str) -> tuple[TransitionView, ...]:
        """One gate's or wave's transitions, oldest first (its history in the API)."""
        return tuple(t for t in self.transitions if t.transition.kind == kind and t.transition.id == ident)


@dataclass(frozen=True, slots=True)
class ChangeView:
    """A gate or wave whose status changed since the previous version."""

    change: Change
    link: PageLink


@dataclass(frozen=True, slots=True)
class ChangesView:
    """What changed since the previous published version."""

    previous_version: str | None
    gates: tuple[ChangeView, ...]
    waves: tuple[ChangeView, ...]
    added: int
    changed: int
    removed: int


def _linked(derived: Derived, kind: str, ident: str) -> PageLink:
    if kind == "gate" and ident in derived.gates:
        return gate_link(ident)
    if kind == "wave" and ident in derived.waves:
        return wave_link(ident)
    return PageLink(ident, None)


def history_view(catalog: Catalog, derived: Derived, history: History | None) -> HistoryView:
    if history is None or not history.available:
        return HistoryView(history is not None, False, history.reason if history else None, (), (), (), (), (), ())
    moments = derived.index.moments

    def record(evidence_id: str) -> PageLink:
        visible = evidence_id in catalog.evidence and moments[evidence_id] <= derived.as_of
        return evidence_link(evidence_id) if visible else PageLink(evidence_id, None)

    transitions = tuple(
        TransitionView(t, _linked(derived, t.kind, t.id), tuple(record(e) for e in t.evidence))
        for t in history.transitions
        if t.commit.time <= derived.as_of
    )
    by_commit: dict[str, list[TransitionView]] = {}
    for t in transitions:
        by_commit.setdefault(t.commit.sha, []).append(t)
    newest_first = tuple(t for group in reversed(by_commit.values()) for t in group)
    commits = tuple(
        CommitChanges(
            group[0].commit,
            tuple(group),
            tuple({link.text: link for t in group for link in t.evidence}.values()),
        )
        for group in reversed(by_commit.values())
    )
    by_day: dict[str, list[CommitChanges]] = {}
    for changes in commits:
        by_day.setdefault(changes.day, []).append(changes)
    shown = [p for p in history.points if p.commit.time <= derived.as_of]
    return HistoryView(
        computed=True,
        available=True,
        reason=history.reason,
        transitions=transitions,
        newest_first=newest_first,
        by_day=tuple((day, tuple(items)) for day, items in by_day.items()),
        commits=commits,
        points=tuple(
            HistoryPoint(p.commit.time.date().isoformat(), StatusCounts.of(list(p.gates.values())))
            for p in shown
            if not p.gap
        ),
        gaps=tuple(p for p in shown if p.gap),
    )


def changes_view(derived: Derived, previous_version: str | None, diff: Diff | None) -> ChangesView | None:
    if diff is None:
        return None

    def count(change: str) -> int:
        return sum(1 for r in diff.records if r.change == change)

    return ChangesView(
        previous_version=previous_version,
        gates=tuple(ChangeView(c, _linked(derived, "gate", c.id)) for c in diff.gates),
        waves=tuple(ChangeView(c, _linked(derived, "wave", c.id)) for c in diff.waves),
        added=count("added"),
        changed=count("changed"),
        removed=count("removed"),
    )
