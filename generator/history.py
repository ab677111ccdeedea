"""History: the site's own answers, commit by commit, read straight from git.

For each first-parent commit that changed data/ or evidence/, every status is
computed from that commit's tree as of that commit's committer time. A
transition is a change between two consecutive answers. A commit whose records
do not validate (under today's models) is a gap: its problems are kept and the
next valid commit is compared with the last valid one. Freshness that runs out
between two commits is not a transition: each point is judged at its commit.

Files are parsed and validated once per blob (``ParseCache``), so a long
history costs little more than the files that changed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from .asof import format_moment
from .engine.checks import CheckCache
from .engine.status import derive
from .errors import Problem, ValidationFailed
from .git import Blobs, Commit, GitTree, first_parent_log, unavailable_reason
from .progress import Progress
from .records.loader import ParseCache
from .textsafe import TerminalLine, Word, plural, problem_parts, terminal_text
from .validation import load_valid_tree


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


def compute_history(root: Path, as_of: dt.datetime | None = None, progress: Progress | None = None) -> History:
    """Every point and transition of the first-parent history, up to ``as_of``.

    ``progress`` is told ``("commits", done, total)`` before the first commit and after each.
    """
    reason = unavailable_reason(root)
    if reason is not None:
        return History(available=False, reason=reason)
    history = History(available=True)
    cache = ParseCache()
    checks = CheckCache()
    previous_ids: set[str] = set()
    last_valid: Point | None = None
    log = first_parent_log(root)
    # The history ends at the first commit after ``as_of`` (the log is oldest first).
    end = next((i for i, (commit, _) in enumerate(log) if as_of is not None and commit.time > as_of), len(log))
    with Blobs(root) as blobs:
        tree = GitTree(blobs)
        for done, (commit, changes) in enumerate(log[:end]):
            if progress is not None:
                progress("commits", done, end)
            tree.apply(changes)
            ids = tree.evidence_ids() if any(c.rel.startswith("evidence/") for c in changes) else previous_ids
            added = tuple(sorted(ids - previous_ids))
            previous_ids = ids
            for evidence_id in added:
                history.added_by.setdefault(evidence_id, commit)
            try:
                catalog = load_valid_tree(tree, root, cache=cache)
            except ValidationFailed as exc:
                history.points.append(Point(commit, {}, {}, added, tuple(exc.problems)))
                continue
            derived = derive(catalog, commit.time, checks)
            waivers: dict[str, set[str]] = {}
            for (gate_id, _), waived in derived.waivers.items():
                waivers.setdefault(gate_id, set()).add(waived.record)
            point = Point(
                commit,
                {gate_id: state.status for gate_id, state in derived.gates.items()},
                {wave_id: state.status for wave_id, state in derived.waves.items()},
                added,
                waivers={gate_id: frozenset(ids) for gate_id, ids in waivers.items()},
            )
            history.points.append(point)
            history.transitions.extend(_transitions(last_valid, point))
            last_valid = point
    if progress is not None:
        progress("commits", end, end)
    return history


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
