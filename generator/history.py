"""History: the site's own answers, commit by commit, read straight from git.

For each first-parent commit that changed data/ or evidence/, every status is
computed from that commit's tree as of that commit's committer time. A
transition is a change between two consecutive answers. A commit whose records
do not validate (under today's models) is a gap: its problems are kept and the
next valid commit is compared with the last valid one. Freshness that runs out
between two commits is not a transition: each point is judged at its commit.

Each point is computed from the one before, in time proportional to what the
commit changed: files are parsed and validated once per blob (``ParseCache``),
a commit that only adds evidence records extends the last catalog
(:func:`~generator.records.loader.extend_catalog`), and the statuses follow
what changed (:class:`~generator.engine.incremental.StatusTracker`). With the
history's cache (:mod:`generator.cache`), the points of commits computed by an
earlier run are read, not computed.
"""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from .asof import format_moment
from .engine.incremental import StatusTracker
from .errors import Problem, ValidationFailed
from .git import Blobs, Change, Commit, GitTree, PendingLog, first_parent_log, history_start
from .progress import Progress
from .records.catalog import Catalog
from .records.loader import ParseCache, extend_catalog, extendable, load_tree, no_cyclic_gc
from .records.models import Evidence, observed_moment
from .records.tree import Entry
from .records.yamlstrict import MAX_FILE_BYTES
from .textsafe import TerminalLine, Word, plural, problem_parts, terminal_text
from .validation import decision_problems

if TYPE_CHECKING:  # the cache is read only when one is given: a status run need not import it
    from .cache import HistoryCache, StoredPoint


@dataclass(frozen=True, slots=True)
class Point:
    """The statuses as of one commit (or a gap, with the problems that made it one)."""

    commit: Commit
    gates: dict[str, str]
    waves: dict[str, str]
    added: tuple[str, ...]
    """Evidence ids this commit added."""
    problems: tuple[Problem, ...] = ()
    waivers: dict[str, frozenset[str]] = field(default_factory=dict)
    """Gate id -> the waivers in force that cover one of its results."""

    @property
    def gap(self) -> bool:
        return bool(self.problems)


@dataclass(frozen=True, slots=True)
class Transition:
    id: str
    kind: str
    """``gate`` or ``wave``."""
    before: str | None
    """Status before (``None``: the gate or wave did not exist or was retired)."""
    after: str | None
    commit: Commit
    evidence: tuple[str, ...]
    """Evidence ids the commit added."""
    causes: tuple[str, ...] = ()
    """For a gate: the waivers that started or ended since the previous point (``waiver W started``)."""


@dataclass(slots=True)
class History:
    available: bool
    reason: str | None = None
    points: list[Point] = field(default_factory=list)
    transitions: list[Transition] = field(default_factory=list)
    added_by: dict[str, Commit] = field(default_factory=dict)
    """Evidence id -> the commit that added it."""
    computed: int = 0
    """How many points this run computed (the others came from the cache)."""


def compute_history(
    root: Path,
    as_of: dt.datetime | None = None,
    progress: Progress | None = None,
    *,
    cache: HistoryCache | None = None,
    now: dt.datetime | None = None,
) -> History:
    """Every point and transition of the first-parent history, up to ``as_of``.

    With a ``cache``, points computed by an earlier run are taken from it, and what this run
    computed is kept in it (:mod:`generator.cache`): the answer is the same either way.
    ``now`` is the real present (default: now), after which no record may have been observed.
    ``progress`` is told ``("commits", done, total)`` before the first commit and after each."""
    head, prefix, reason = history_start(root)
    if reason is not None:
        return History(available=False, reason=reason)
    history = History(available=True)
    now = now or dt.datetime.now(dt.UTC)
    stored: dict[str, StoredPoint] = {}
    keep: dict[str, StoredPoint] = {}
    if cache is not None:
        from .cache import stored_point

        stored = cache.points(prefix, now)
    walk = _Walk(root, now, cache)
    last_valid: Point | None = None
    with no_cyclic_gc(), Blobs(root) as blobs:
        listing = PendingLog(root, prefix, changes=False) if stored else None
        if listing is not None and head not in stored:
            walk.restore()  # while git lists the commits: HEAD's point is to be computed (unless it changed no record)
        log, tree = _log(root, prefix, as_of, stored, blobs, listing)
        end = next((i for i, (commit, _) in enumerate(log) if as_of is not None and commit.time > as_of), len(log))
        for done, (commit, changes) in enumerate(log[:end]):
            if progress is not None:
                progress("commits", done, end)
            found = stored.get(commit.sha)
            if changes is not None:
                added = tuple(sorted(tree.apply(changes)))
            else:
                assert found is not None, "only a commit whose point is stored comes without its changes"
                added = tuple(found.added)
            if found is not None:
                walk.skip()
                point = Point(commit, dict(found.gates), dict(found.waves), added, found.problems, dict(found.waivers))
            else:
                assert changes is not None
                point = walk.point(tree, commit, changes, added)
                history.computed += 1
                if cache is not None:
                    found = stored_point(
                        point.gates, point.waves, added, point.problems, walk.holds_until, point.waivers
                    )
            if found is not None:
                keep[commit.sha] = found
            for evidence_id in added:
                history.added_by.setdefault(evidence_id, commit)
            history.points.append(point)
            if not point.gap:
                history.transitions.extend(_transitions(last_valid, point))
                last_valid = point
        if cache is not None and history.computed:
            cache.save_points(prefix, now, keep)
            cache.save_files(now, walk.parsed, tree.yaml_files())
        if progress is not None:
            progress("commits", end, end)
    return history


def _log(
    root: Path,
    prefix: str,
    as_of: dt.datetime | None,
    stored: dict[str, StoredPoint],
    blobs: Blobs,
    listing: PendingLog | None,
) -> tuple[list[tuple[Commit, list[Change] | None]], GitTree]:
    """The commits to walk, each with its changes, and the tree to move forward with them.

    The commits whose points are stored, up to the first that is not, need no changes and no
    tree (``None``): then the tree starts at the last of them, listed once, and only the
    commits after it are read with their changes."""
    full: list[tuple[Commit, list[Change] | None]]
    if listing is not None:
        commits = [commit for commit, _ in listing.result()]
        if as_of is not None:
            commits = list(itertools.takewhile(lambda c: c.time <= as_of, commits))
        first = next((i for i, commit in enumerate(commits) if commit.sha not in stored), len(commits))
        if first == len(commits):
            return [(commit, None) for commit in commits], GitTree(blobs)
        if first > 0:
            since = commits[first - 1].sha
            after = first_parent_log(root, prefix, since=since)
            if [commit.sha for commit, _ in after] == [commit.sha for commit in commits[first:]]:
                full = [(commit, None) for commit in commits[:first]]
                full.extend(after)
                return full, GitTree.at(root, since, blobs, prefix)
    full = list(first_parent_log(root, prefix))
    return full, GitTree(blobs)


class _Walk:
    """Computes the points of one walk through the history, each from the one before: a commit
    that only adds evidence extends the last catalog (the rest load the tree whole, each file
    parsed once per blob), and the statuses follow what changed (:class:`StatusTracker`)."""

    def __init__(self, root: Path, now: dt.datetime, cache: HistoryCache | None) -> None:
        self.root = root
        self.now = now
        """The real present, for every load (records observed after it are typos)."""
        self.cache = cache
        self.parsed = ParseCache()
        self.tracker = StatusTracker()
        self.catalog: Catalog | None = None
        """The catalog of the tree as of the last point computed, when it validated and may be extended."""
        self.holds_until: dt.datetime | None = None
        """For the last point computed, a gap: when the first record observed after the present is
        reached (the point then holds no longer: that record stops being a problem)."""

    def restore(self) -> None:
        """Take the cache's parse results (once)."""
        if self.cache is not None:
            self.cache.restore_files(self.parsed)
            self.cache = None

    def skip(self) -> None:
        """The tree moved on without a point computed here: the next one loads it whole."""
        self.catalog = None

    def point(self, tree: GitTree, commit: Commit, changes: list[Change], added: tuple[str, ...]) -> Point:
        self.holds_until = None
        catalog: Catalog | None = None
        evidence: list[str] | None = None
        if self.catalog is not None and all(change.status == "A" for change in changes):
            self._prefetch(tree, [entry for change in changes if (entry := tree.entry(change.rel)) is not None])
            extended = extend_catalog(
                self.catalog, tree, [change.rel for change in changes], now=self.now, cache=self.parsed
            )
            if extended is not None:
                catalog, evidence = extended
        if catalog is None:
            self.catalog = None
            self.restore()
            self._prefetch(tree, tree.yaml_files())
            try:
                catalog = load_tree(tree, self.root, now=self.now, cache=self.parsed)
            except ValidationFailed as exc:
                self.holds_until = self._first_observed_later(tree)
                return Point(commit, {}, {}, added, tuple(exc.problems))
        problems = decision_problems(catalog, tree)
        if problems:
            self.catalog = None
            return Point(commit, {}, {}, added, tuple(problems))
        self.catalog = catalog if evidence is not None or extendable(catalog) else None
        statuses = self.tracker.advance(catalog, commit.time, evidence=evidence)
        gates: dict[str, str] = dict(statuses.gates)
        waves: dict[str, str] = dict(statuses.waves)
        return Point(commit, gates, waves, added, waivers=dict(statuses.waivers))

    def _prefetch(self, tree: GitTree, entries: list[Entry]) -> None:
        """Ask git at once for the YAML files about to be parsed (those not parsed before)."""
        files = self.parsed.files
        tree.prefetch(
            [e for e in entries if e.rel.endswith(".yaml") and (e.blob or "", e.rel) not in files], MAX_FILE_BYTES
        )

    def _first_observed_later(self, tree: GitTree) -> dt.datetime | None:
        """The earliest moment after the present at which a record of ``tree`` was observed."""
        later = [
            moment
            for entry in tree.yaml_files()
            if (result := self.parsed.files.get((entry.blob or "", entry.rel))) is not None
            for record, _ in result.records
            if isinstance(record, Evidence) and (moment := observed_moment(record.observed)) > self.now
        ]
        return min(later, default=None)


def _transitions(before: Point | None, after: Point) -> list[Transition]:
    out = []
    for kind, old, new in (
        ("gate", before.gates if before else {}, after.gates),
        ("wave", before.waves if before else {}, after.waves),
    ):
        for ident in sorted(set(old) | set(new)):
            if old.get(ident) != new.get(ident):
                causes = _waiver_causes(before, after, ident) if kind == "gate" else ()
                out.append(Transition(ident, kind, old.get(ident), new.get(ident), after.commit, after.added, causes))
    return out


def _waiver_causes(before: Point | None, after: Point, gate_id: str) -> tuple[str, ...]:
    """The waivers of ``gate_id`` that started or ended between two points."""
    old = before.waivers.get(gate_id, frozenset()) if before is not None else frozenset()
    new = after.waivers.get(gate_id, frozenset())
    return tuple(f"waiver {w} started" for w in sorted(new - old)) + tuple(
        f"waiver {w} ended" for w in sorted(old - new)
    )


def transition_document(t: Transition) -> dict[str, object]:
    """One transition as JSON (``readiness history --json``)."""
    return {
        "id": t.id,
        "kind": t.kind,
        "from": t.before,
        "to": t.after,
        "commit": t.commit.sha,
        "date": format_moment(t.commit.time),
        "evidence": list(t.evidence),
        "causes": list(t.causes),
    }


def history_document(history: History) -> dict[str, object]:
    """The ``readiness history --json`` document."""
    if not history.available:
        return {"available": False, "reason": history.reason}
    return {
        "available": True,
        "transitions": [transition_document(t) for t in history.transitions],
        "gaps": [
            {
                "commit": p.commit.sha,
                "date": format_moment(p.commit.time),
                "problems": [str(problem) for problem in p.problems],
            }
            for p in history.points
            if p.gap
        ],
        "commits": len(history.points),
    }


def history_lines(history: History) -> list[TerminalLine]:
    """The ``readiness history`` text: each gap, then each transition, one line each.

    A value from git or from the records is escaped as one field
    (``terminal_text``), so that it cannot start a line of its own. Statuses, the
    word ``gap:`` and a problem's location are marked (:class:`Word`) for a terminal to colour.
    """
    lines: list[TerminalLine] = [
        (
            f"{p.commit.time.date().isoformat()} {p.commit.short} ",
            Word("gap:", "warning"),
            f" {plural(len(p.problems), 'validation problem')}, e.g. ",
            *problem_parts(p.problems[0]),
        )
        for p in history.points
        if p.gap
    ]
    for t in history.transitions:
        added = f" (added {', '.join(terminal_text(e) for e in t.evidence)})" if t.evidence else ""
        lines.append(
            (
                f"{t.commit.time.date().isoformat()} {t.commit.short} {t.kind} {terminal_text(t.id)}: ",
                _status(t.before),
                " -> ",
                _status(t.after),
                added,
            )
        )
    return lines


def _status(status: str | None) -> str | Word:
    return Word(status, "status") if status is not None else "none"
