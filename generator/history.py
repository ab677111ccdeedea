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
import re
from dataclasses import dataclass, field
from pathlib import Path

from .checks import CheckCache
from .errors import Problem, ValidationFailed
from .gitinfo import resolve_commit
from .loader import ParseCache, load_tree
from .status import derive
from .tree import ROOTS, Blobs, Change, GitError, GitTree, git, git_bytes

UTC = dt.UTC
_FORMAT = "%H%x00%ct%x00%an%x00%s"
"""Commit, committer time, author, subject: each ends with a NUL (``-z`` ends the last one)."""
_SHA = re.compile(r"[0-9a-f]{40}(?:[0-9a-f]{24})?")


@dataclass(frozen=True, slots=True)
class Commit:
    sha: str
    time: dt.datetime
    """Committer time (UTC)."""
    author: str
    subject: str

    @property
    def short(self) -> str:
        return self.sha[:7]


@dataclass(frozen=True, slots=True)
class Point:
    """The statuses as of one commit (or a gap, with the problems that made it one)."""

    commit: Commit
    gates: dict[str, str]
    waves: dict[str, str]
    added: tuple[str, ...]
    """Evidence ids this commit added."""
    problems: tuple[Problem, ...] = ()

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


@dataclass(slots=True)
class History:
    available: bool
    reason: str | None = None
    points: list[Point] = field(default_factory=list)
    transitions: list[Transition] = field(default_factory=list)
    added_by: dict[str, Commit] = field(default_factory=dict)
    """Evidence id -> the commit that added it."""

    def for_id(self, kind: str, ident: str) -> list[Transition]:
        return [t for t in self.transitions if t.kind == kind and t.id == ident]


def unavailable_reason(root: Path) -> str | None:
    """Why there is no history for ``root`` (``None`` when there is one)."""
    try:
        if git(root, "rev-parse", "--is-inside-work-tree", check=False).strip() != "true":
            return "not a git checkout: history needs the repository's git history"
        if git(root, "rev-parse", "--is-shallow-repository").strip() == "true":
            return "shallow clone: history needs the full history (git fetch --unshallow, or fetch-depth: 0 in CI)"
        if not git(root, "rev-parse", "--verify", "--quiet", "HEAD^{commit}", check=False).strip():
            return "no commits yet"
    except GitError as exc:
        return f"git is not usable here: {exc}"
    return None


def _commit(fields: list[bytes]) -> Commit:
    """A commit from the four fields of :data:`_FORMAT` (text that is not UTF-8 shows as U+FFFD)."""
    sha, stamp, author, subject = (value.decode("utf-8", "replace") for value in fields)
    if not _SHA.fullmatch(sha) or not (stamp.isascii() and stamp.isdigit()):
        raise GitError(f"git log: unexpected output at {sha[:40]!r}")
    return Commit(sha, dt.datetime.fromtimestamp(int(stamp), tz=UTC), author, subject)


def parse_log(out: bytes, prefix: str = "") -> list[tuple[Commit, list[Change]]]:
    """Read ``git log -z --raw --format=<_FORMAT>`` output, by position.

    Every field and every path ends with NUL, and no field can hold one (git keeps
    commit text as C strings: a subject or author name ends at a NUL), so the
    stream is a sequence of tokens: four for each commit, then two for each
    changed path (``:mode mode blob blob status`` and the path), each consumed
    in turn. Whatever a subject or author holds, it is one token in its place:
    it can neither split a commit nor start another one. Paths outside
    ``prefix`` are left out; the others are made relative to it.
    """
    tokens = out.split(b"\0")
    if tokens and tokens[-1] == b"":
        tokens.pop()
    result: list[tuple[Commit, list[Change]]] = []
    at = 0
    while at < len(tokens):
        if at + 4 > len(tokens):
            raise GitError("git log: output ends inside a commit")
        commit = _commit(tokens[at : at + 4])
        at += 4
        changes = []
        while at < len(tokens) and tokens[at].lstrip(b"\n").startswith(b":"):
            if at + 1 >= len(tokens):
                raise GitError(f"git log: output ends inside the changes of {commit.sha}")
            meta = tokens[at].lstrip(b"\n").decode("ascii", "replace")
            path = tokens[at + 1].decode("utf-8", "surrogateescape")
            at += 2
            if not path.startswith(prefix):
                continue
            _old_mode, new_mode, _old_blob, new_blob, status = meta[1:].split()
            changes.append(Change(status[:1], new_mode, new_blob, path[len(prefix) :]))
        result.append((commit, changes))
    return result


def _log(root: Path) -> list[tuple[Commit, list[Change]]]:
    """First-parent commits that changed data/ or evidence/, oldest first, with their changes."""
    prefix = git(root, "rev-parse", "--show-prefix").strip()
    out = git_bytes(
        root,
        "log",
        "--first-parent",
        "--diff-merges=first-parent",
        "--reverse",
        "--raw",
        "-r",
        "--no-renames",
        "--no-abbrev",
        "-z",
        f"--format={_FORMAT}",
        "HEAD",
        "--",
        *ROOTS,
    )
    return parse_log(out, prefix)


def commit_info(root: Path, revision: str) -> Commit:
    """The commit ``revision`` names (:class:`UsageError` when it names none, or looks like an option)."""
    sha = resolve_commit(root, revision)
    out = git_bytes(root, "show", "-s", "-z", f"--format={_FORMAT}", sha, "--")
    fields = out.split(b"\0")
    if len(fields) < 4:
        raise GitError(f"git show: unexpected output for {sha}")
    return _commit(fields[:4])


def compute_history(root: Path, as_of: dt.datetime | None = None, *, now: dt.datetime | None = None) -> History:
    """Every point and transition of the first-parent history, up to ``as_of``."""
    reason = unavailable_reason(root)
    if reason is not None:
        return History(available=False, reason=reason)
    history = History(available=True)
    cache = ParseCache()
    checks = CheckCache()
    previous_ids: set[str] = set()
    last_valid: Point | None = None
    with Blobs(root) as blobs:
        tree = GitTree(blobs)
        for commit, changes in _log(root):
            if as_of is not None and commit.time > as_of:
                break
            tree.apply(changes)
            tree.commit = commit.sha
            ids = tree.evidence_ids() if any(c.rel.startswith("evidence/") for c in changes) else previous_ids
            added = tuple(sorted(ids - previous_ids))
            previous_ids = ids
            for evidence_id in added:
                history.added_by.setdefault(evidence_id, commit)
            try:
                catalog = load_tree(tree, root, now=now, cache=cache)
            except ValidationFailed as exc:
                history.points.append(Point(commit, {}, {}, added, tuple(exc.problems)))
                continue
            derived = derive(catalog, commit.time, checks)
            point = Point(
                commit,
                {gate_id: state.status for gate_id, state in derived.gates.items()},
                {wave_id: state.status for wave_id, state in derived.waves.items()},
                added,
            )
            history.points.append(point)
            history.transitions.extend(_transitions(last_valid, point))
            last_valid = point
    return history


def _transitions(before: Point | None, after: Point) -> list[Transition]:
    out = []
    for kind, old, new in (
        ("gate", before.gates if before else {}, after.gates),
        ("wave", before.waves if before else {}, after.waves),
    ):
        for ident in sorted(set(old) | set(new)):
            if old.get(ident) != new.get(ident):
                out.append(Transition(ident, kind, old.get(ident), new.get(ident), after.commit, after.added))
    return out


def history_document(history: History) -> dict[str, object]:
    """The ``readiness history --json`` document."""
    if not history.available:
        return {"available": False, "reason": history.reason}
    return {
        "available": True,
        "transitions": [
            {
                "id": t.id,
                "kind": t.kind,
                "from": t.before,
                "to": t.after,
                "commit": t.commit.sha,
                "date": t.commit.time.isoformat().replace("+00:00", "Z"),
                "evidence": list(t.evidence),
            }
            for t in history.transitions
        ],
        "gaps": [
            {
                "commit": p.commit.sha,
                "date": p.commit.time.isoformat().replace("+00:00", "Z"),
                "problems": [str(problem) for problem in p.problems],
            }
            for p in history.points
            if p.gap
        ],
        "commits": len(history.points),
    }
