"""What a change does to readiness: status changes, records touched, problems.

A revision is judged as of its own committer time, the work tree as of now
(or ``--as-of``), so a diff of two commits gives the same answer any day.
The history's machinery does the work: the base's statuses, then the base's
records as of the head's moment, follow from each other (:class:`StatusTracker`),
and with the history's cache, files it knows are not parsed again.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .asof import format_moment
from .engine.status import GATE_RANK, WAVE_RANK, Derived, GateState, WaveState, derive, regressed, wave_gates
from .errors import Problem, UsageError, ValidationFailed
from .git import Blobs, GitTree, commit_info, merge_base, show_prefix, unavailable_reason
from .probes.web import origin
from .progress import Progress
from .records.catalog import Catalog
from .records.kinds import KINDS
from .records.loader import ParseCache
from .records.tree import Tree, WorkTree
from .textsafe import md_code, md_fence, md_forge_text, plural, terminal_text
from .validation import load_valid_tree

if TYPE_CHECKING:
    from .cache import HistoryCache

WORK_TREE = "work tree"
MARKER = "<!-- readiness-diff -->"
"""The comment's first line: the pull-request workflow finds its own comment by it, and updates it."""


@dataclass(frozen=True, slots=True)
class Change:
    id: str
    before: str | None
    after: str | None
    reasons: tuple[str, ...]
    regression: bool
    time_only: bool = False
    """The base's own records, judged as of the head's moment, give the same new status: time
    passing (an expiry, a target date) made this change, not the records the change touches."""


@dataclass(frozen=True, slots=True)
class RecordChange:
    kind: str
    id: str
    change: str
    """``added``, ``changed`` or ``removed``."""


@dataclass(frozen=True, slots=True)
class Notify:
    """An owner repo to tell about the change, and its gates and waves whose status the change moves."""

    owner: str
    changes: tuple[str, ...]
    """Gate and wave ids (a wave is the owner's when it owns one of the wave's gates)."""


@dataclass(slots=True)
class Side:
    label: str
    """A commit sha, or "work tree"."""
    as_of: dt.datetime
    catalog: Catalog | None
    derived: Derived | None
    """Every status with its reasons (the head's; ``None`` for the base, or when it did not validate)."""
    problems: list[Problem]


@dataclass(slots=True)
class Diff:
    base: Side
    head: Side
    gates: list[Change] = field(default_factory=list)
    waves: list[Change] = field(default_factory=list)
    records: list[RecordChange] = field(default_factory=list)
    new_credential_origins: list[tuple[str, str]] = field(default_factory=list)
    """(variable, origin) pairs the probe plan newly lets a credential be sent to."""
    owners: list[Notify] = field(default_factory=list)
    """The owners of every gate and wave whose status the change moves (not time alone), by owner id."""
    unowned: list[str] = field(default_factory=list)
    """Those gates and waves that name no owner repo."""

    @property
    def regressions(self) -> list[Change]:
        return [c for c in self.gates + self.waves if c.regression]


def default_base(root: Path) -> str:
    """The merge-base of HEAD with main (else origin/main)."""
    for candidate in ("main", "origin/main"):
        base = merge_base(root, "HEAD", candidate)
        if base is not None:
            return base
    raise UsageError("no 'main' branch to compare with: name the base revision (readiness diff BASE)")


def _side(root: Path, revision: str | None, as_of: dt.datetime, blobs: Blobs, cache: ParseCache, prefix: str) -> Side:
    tree: Tree
    if revision is None:
        tree, label, moment = WorkTree(root), WORK_TREE, as_of
    else:
        commit = commit_info(root, revision)  # UsageError when it names no commit
        tree, label, moment = GitTree.at(root, commit.sha, blobs, prefix), commit.sha, commit.time
    try:
        catalog = load_valid_tree(tree, root, cache=cache)
    except ValidationFailed as exc:
        return Side(label, moment, None, None, list(exc.problems))
    return Side(label, moment, catalog, None, [])


def compute_diff(
    root: Path,
    base: str | None,
    head: str | None,
    as_of: dt.datetime,
    progress: Progress | None = None,
    *,
    cache: HistoryCache | None = None,
) -> Diff:
    """Compare BASE (default: merge-base with main) with HEAD (default: the work tree).

    ``progress`` is told ``("sides read", done, 2)`` before the base is read and after each side;
    ``cache``: the history's cache, read (never written) for the files it knows.
    """
    reason = unavailable_reason(root)
    if reason is not None:
        raise UsageError(f"cannot diff: {reason}")
    prefix = show_prefix(root)
    base_rev = base or default_base(root)
    parsed = ParseCache()
    if cache is not None:
        cache.restore_files(parsed)
    with Blobs(root) as blobs:
        if progress is not None:
            progress("sides read", 0, 2)
        before = _side(root, base_rev, as_of, blobs, parsed, prefix)
        if progress is not None:
            progress("sides read", 1, 2)
        after = _side(root, head, as_of, blobs, parsed, prefix)
        if progress is not None:
            progress("sides read", 2, 2)
    result = Diff(before, after)
    if after.catalog is not None:
        after.derived = derive(after.catalog, after.as_of)
        old = aged = None
        if before.catalog is not None:
            from .engine.incremental import StatusTracker  # the history's machinery, loaded for a diff only

            tracker = StatusTracker()
            old = tracker.advance(before.catalog, before.as_of)
            # The base's records as of the later head's moment: what time alone would have made of them
            # (judged earlier, they would only lose the records observed in between: that is no ageing).
            if after.as_of > before.as_of:
                aged = tracker.advance(before.catalog, after.as_of)
        result.gates = _status_changes(
            old.gates if old else {}, after.derived.gates, GATE_RANK, aged.gates if aged else None
        )
        result.waves = _status_changes(
            old.waves if old else {}, after.derived.waves, WAVE_RANK, aged.waves if aged else None
        )
        result.owners, result.unowned = _owners(result, before.catalog, after.catalog)
    if before.catalog is not None and after.catalog is not None:
        result.records = _record_changes(before.catalog, after.catalog)
    if after.catalog is not None:
        result.new_credential_origins = _new_credential_origins(before.catalog, after.catalog)
    return result


def _status_changes(
    old: Mapping[str, str],
    new: Mapping[str, GateState | WaveState],
    rank: Mapping[str, int],
    aged: Mapping[str, str] | None = None,
) -> list[Change]:
    """Every id whose status differs between ``old`` (statuses) and ``new``, with the new reasons,
    sorted by id; ``aged`` (the old records' statuses as of the new moment) tells the changes time alone made."""
    out = []
    for ident in sorted(set(old) | set(new)):
        was = old.get(ident)
        state = new.get(ident)
        now = state.status if state is not None else None
        if was != now:
            reasons = tuple(r.text for r in state.reasons) if state is not None else ()
            time_only = aged is not None and ident in aged and aged[ident] == now
            out.append(Change(ident, was, now, reasons, regressed(was, now, rank), time_only))
    return out


def _owners(diff: Diff, before: Catalog | None, after: Catalog | None) -> tuple[list[Notify], list[str]]:
    """Who to tell: each changed gate's owner repos, and for a changed wave the owners of its gates,
    read from the side that has the gate or wave (the head, else the base); changes that time alone
    made are left out."""
    sides = [c for c in (after, before) if c is not None]
    owned: dict[str, list[str]] = {}
    unowned = []
    for kind, items in (("gate", diff.gates), ("wave", diff.waves)):
        for change in items:
            if change.time_only:
                continue
            catalog = next((c for c in sides if change.id in (c.gates if kind == "gate" else c.waves)), None)
            if catalog is None:
                continue
            gates = (change.id,) if kind == "gate" else wave_gates(change.id, catalog)
            owners = sorted({catalog.resolve("repo", o) or o for g in gates for o in catalog.gates[g].owners})
            for owner in owners:
                owned.setdefault(owner, []).append(change.id)
            if not owners:
                unowned.append(change.id)
    return [Notify(owner, tuple(ids)) for owner, ids in sorted(owned.items())], unowned


def _new_credential_origins(before: Catalog | None, after: Catalog) -> list[tuple[str, str]]:
    """Credential bindings of the probe plan that the head adds (a base that did not validate
    counts as binding nothing, so every binding of the head is shown)."""
    old = before.credential_origins if before is not None else {}
    return sorted(
        (name, url)
        for name, urls in after.credential_origins.items()
        for url in urls
        if origin(url) not in {origin(known) for known in old.get(name, ())}
    )


_KINDS = tuple(kind.name for kind in KINDS if kind.layout.form != "inside")
"""Kinds whose records a change adds, changes or removes (stores change with their service)."""


def _record_changes(before: Catalog, after: Catalog) -> list[RecordChange]:
    out = []
    for kind in _KINDS:
        old: dict[str, Any] = before.table(kind)
        new: dict[str, Any] = after.table(kind)
        for ident in sorted(set(old) | set(new)):
            if ident not in old:
                out.append(RecordChange(kind, ident, "added"))
            elif ident not in new:
                out.append(RecordChange(kind, ident, "removed"))
            elif old[ident] != new[ident]:
                out.append(RecordChange(kind, ident, "changed"))
    return out


def _label(side: Side) -> str:
    return side.label if side.label == WORK_TREE else side.label[:7]


def diff_document(diff: Diff) -> dict[str, Any]:
    def changes(items: list[Change]) -> list[dict[str, Any]]:
        return [
            {
                "id": c.id,
                "from": c.before,
                "to": c.after,
                "reasons": list(c.reasons),
                "regression": c.regression,
                "time_only": c.time_only,
            }
            for c in items
        ]

    return {
        "base": {"revision": diff.base.label, "as_of": format_moment(diff.base.as_of)},
        "head": {"revision": diff.head.label, "as_of": format_moment(diff.head.as_of)},
        "gates": changes(diff.gates),
        "waves": changes(diff.waves),
        "records": [{"kind": r.kind, "id": r.id, "change": r.change} for r in diff.records],
        "new_credential_origins": [{"variable": name, "origin": url} for name, url in diff.new_credential_origins],
        "owners": [{"owner": n.owner, "changes": list(n.changes)} for n in diff.owners],
        "unowned": list(diff.unowned),
        "problems": [str(p) for p in diff.head.problems],
        "base_problems": [str(p) for p in diff.base.problems],
        "regressions": len(diff.regressions),
    }


def diff_markdown(diff: Diff, limit: int = 50) -> str:
    """The pull-request comment, headed by :data:`MARKER` (the workflow keeps one such comment).

    Every value from the records or from git is inert on a forge: problems sit in
    a fence longer than any backtick run they hold, one problem a line; ids sit
    in code spans; the reasons are plain text with no mention, issue reference
    or bare link left in them. Control characters anywhere are shown escaped
    (the comment is printed to a terminal or CI log first).
    """
    lines = [
        MARKER,
        f"### Readiness changes: {md_code(_label(diff.base))} → {md_code(_label(diff.head))}",
        "",
        f"Each side is judged as of its own moment: the base as of {format_moment(diff.base.as_of)}, "
        f"the change as of {format_moment(diff.head.as_of)}.",
        "",
    ]
    for name, url in diff.new_credential_origins:
        lines += [
            f"> ⚠️ **A credential goes to a new origin**: the probe plan now sends {md_code(name)} to "
            f"{md_forge_text(url)}. Check that this origin should receive it.",
            "",
        ]
    if diff.head.problems:
        shown = [terminal_text(p) for p in diff.head.problems[:limit]]
        if len(diff.head.problems) > limit:
            shown.append(f"... and {len(diff.head.problems) - limit} more (run `readiness validate`)")
        lines += [
            f"**{plural(len(diff.head.problems), 'validation problem')}** in the change:",
            "",
            md_fence("\n".join(shown), "text"),
            "",
        ]
    for title, items in (("Gates", diff.gates), ("Waves", diff.waves)):
        if not items:
            continue
        lines += [f"#### {title}", "", "| | Id | Before | After | Why |", "| --- | --- | --- | --- | --- |"]
        for c in items:
            mark = " ".join(
                (["⚠️ worse"] if c.regression else [])
                + (["⏱️ time only: the base's records as of then say the same"] if c.time_only else [])
            )
            why = "; ".join(c.reasons[:3]) + (f"; and {len(c.reasons) - 3} more" if len(c.reasons) > 3 else "")
            lines.append(
                f"| {mark} | {md_forge_text(c.id)} | {c.before or 'none'} | {c.after or 'none'} | {md_forge_text(why)} |"
            )
        lines.append("")
    if not diff.gates and not diff.waves and not diff.head.problems:
        lines += ["No gate or wave changes status.", ""]
    if diff.owners or diff.unowned:
        lines += [
            "#### Owners to notify",
            "",
            "The owners of each gate and wave whose status this change moves (a wave's: the owners of its gates):",
            "",
        ]
        lines += [f"- {md_code(n.owner)}: {', '.join(md_forge_text(i) for i in n.changes)}" for n in diff.owners]
        if diff.unowned:
            lines.append(f"- no owner repo named: {', '.join(md_forge_text(i) for i in diff.unowned)}")
        lines.append("")
        if any(c.time_only for c in diff.gates + diff.waves):
            lines += ["Changes that time alone made (⏱️) are left out: the owners' calendars show those dates.", ""]
    if diff.records:
        lines += ["#### Records", ""]
        for change in ("added", "changed", "removed"):
            ids = [f"{r.kind} {md_code(r.id)}" for r in diff.records if r.change == change]
            if ids:
                lines.append(f"- {change.capitalize()}: " + ", ".join(ids))
        lines.append("")
    if diff.base.problems:
        lines += [
            f"The base did not validate ({plural(len(diff.base.problems), 'problem')}): its statuses are taken as none.",
            "",
        ]
    return terminal_text("\n".join(lines).rstrip() + "\n", lines=True)
