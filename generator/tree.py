"""Where records are read from: the work tree, or one commit of the git repository.

The loader only asks a :class:`Tree` for entries and bytes, so the same code
validates the work tree and any past revision. Revisions are read with ``git``
itself (``ls-tree`` and a long-running ``cat-file --batch``); the work tree is
never checked out or touched.
"""

from __future__ import annotations

import hashlib
import os
import stat
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Literal, Protocol

from .errors import ReadinessError

EntryKind = Literal["file", "link", "dir", "other"]
ROOTS = ("data", "evidence")
"""The top-level folders that hold records and attachments."""


@dataclass(frozen=True, slots=True)
class Entry:
    """One path in a tree (links are not followed)."""

    rel: str
    kind: EntryKind
    size: int = 0
    blob: str | None = None
    """Git object id, when read from a revision: the cache key of its content."""
    name: str = field(init=False, repr=False, compare=False)
    """The last path segment (computed once: histories ask for it on every commit)."""

    def __post_init__(self) -> None:
        object.__setattr__(self, "name", self.rel.rsplit("/", 1)[-1])


class TooLarge(Exception):
    def __init__(self, size: int) -> None:
        super().__init__(size)
        self.size = size


class Tree(Protocol):
    """Read-only access to the files of one version of the records."""

    def entry(self, rel: str) -> Entry | None:
        """The entry at ``rel`` (relative, '/'-separated), or ``None``."""

    def children(self, rel: str) -> list[Entry]:
        """Direct children of the directory ``rel``, sorted by name."""

    def read(self, entry: Entry, limit: int) -> bytes:
        """The content of a file entry; raises :class:`TooLarge` beyond ``limit`` bytes."""

    def sha256(self, entry: Entry) -> str:
        """Hex SHA-256 of a file entry's content."""


class WorkTree:
    """The files on disk under ``root``."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._root_text = str(root)

    def _path(self, rel: str) -> str:
        return os.path.join(self._root_text, rel)

    def entry(self, rel: str) -> Entry | None:
        try:
            info = os.lstat(self._path(rel))
        except OSError:
            return None
        return Entry(rel, _kind(info.st_mode), info.st_size)

    def children(self, rel: str) -> list[Entry]:
        try:
            entries = list(os.scandir(self._path(rel)))
        except OSError:
            return []
        out = []
        for item in sorted(entries, key=lambda e: e.name):
            if item.is_symlink():
                kind: EntryKind = "link"
            elif item.is_dir(follow_symlinks=False):
                kind = "dir"
            elif item.is_file(follow_symlinks=False):
                kind = "file"
            else:
                kind = "other"
            out.append(Entry(f"{rel}/{item.name}", kind))
        return out

    def read(self, entry: Entry, limit: int) -> bytes:
        with open(self._path(entry.rel), "rb") as handle:
            size = os.fstat(handle.fileno()).st_size
            if size > limit:
                raise TooLarge(size)
            return handle.read()

    def sha256(self, entry: Entry) -> str:
        digest = hashlib.sha256()
        with open(self._path(entry.rel), "rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
        return digest.hexdigest()


def _kind(mode: int) -> EntryKind:
    if stat.S_ISLNK(mode):
        return "link"
    if stat.S_ISDIR(mode):
        return "dir"
    if stat.S_ISREG(mode):
        return "file"
    return "other"


class GitError(ReadinessError):
    """git could not answer (not a repository, unknown revision, ...)."""


def git_bytes(root: Path, *args: str, check: bool = True) -> bytes:
    """Run ``git -C root ARGS`` and return its standard output (bytes, as git wrote them)."""
    try:
        proc = subprocess.run(["git", "-C", str(root), *args], capture_output=True, check=False, timeout=300)
    except (OSError, ValueError, subprocess.TimeoutExpired) as exc:
        raise GitError(f"git {' '.join(args)} failed: {exc}") from None
    if check and proc.returncode != 0:
        stderr = proc.stderr.decode("utf-8", "replace").strip()
        raise GitError(f"git {' '.join(args)} failed: {stderr or proc.returncode}")
    return proc.stdout


def git(root: Path, *args: str, check: bool = True) -> str:
    """Run ``git -C root ARGS`` and return its standard output as text.

    Decoded as UTF-8; bytes that are not UTF-8 (a path, a commit message) are kept
    as lone surrogates (``surrogateescape``, as Python does for file names), so
    paths round-trip and nothing raises here.
    """
    return git_bytes(root, *args, check=check).decode("utf-8", "surrogateescape")


@dataclass
class Blobs:
    """A long-running ``git cat-file --batch`` that reads objects by id."""

    root: Path
    _proc: subprocess.Popen[bytes] | None = field(default=None, init=False)

    def read(self, blob: str, limit: int | None = None) -> bytes:
        """The object's content; :class:`TooLarge` (content skipped) when over ``limit``."""
        if self._proc is None:
            self._proc = subprocess.Popen(
                ["git", "-C", str(self.root), "cat-file", "--batch"],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
            )
        stdin: IO[bytes] | None = self._proc.stdin
        stdout: IO[bytes] | None = self._proc.stdout
        assert stdin is not None and stdout is not None
        stdin.write(blob.encode("ascii") + b"\n")
        stdin.flush()
        header = stdout.readline().split()
        if len(header) != 3:
            raise GitError(f"git cat-file: cannot read object {blob}")
        size = int(header[2])
        if limit is not None and size > limit:
            remaining = size + 1
            while remaining:
                remaining -= len(stdout.read(min(remaining, 1 << 20)))
            raise TooLarge(size)
        data = stdout.read(size)
        stdout.read(1)  # the newline after each object
        return data

    def close(self) -> None:
        if self._proc is not None:
            if self._proc.stdin is not None:
                self._proc.stdin.close()
            self._proc.wait(timeout=30)
            if self._proc.stdout is not None:
                self._proc.stdout.close()
            self._proc = None

    def __enter__(self) -> Blobs:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


@dataclass(frozen=True, slots=True)
class Change:
    """One path changed by a commit (from ``git log --raw``)."""

    status: str
    """``A``, ``M``, ``D``, ``T`` ... (renames are split into D and A)."""
    mode: str
    blob: str
    rel: str
    """Path relative to the catalog root."""


class GitTree:
    """The records as of one commit, kept up to date change by change.

    Built once from ``git ls-tree`` (or empty), then moved forward with the
    changes of each commit (``apply``), so walking a long history never lists
    the whole tree again. Contents are read with ``git cat-file --batch``.
    """

    def __init__(self, blobs: Blobs, commit: str = "") -> None:
        self.commit = commit
        self._blobs = blobs
        self._entries: dict[str, Entry] = {}
        self._children: dict[str, dict[str, Entry]] = {}
        self._evidence: dict[str, int] = {}
        """Evidence record stem -> how many record files have it (kept up to date by ``apply``)."""

    @classmethod
    def at(cls, root: Path, commit: str, blobs: Blobs, prefix: str = "") -> GitTree:
        """The tree of ``commit`` (``prefix``: where ``root`` lies in the repository)."""
        tree = cls(blobs, commit)
        listing = git(root, "ls-tree", "-r", "-z", "--full-tree", commit, "--", *(prefix + r for r in ROOTS))
        changes = []
        for record in listing.split("\0"):
            if not record:
                continue
            meta, _, path = record.partition("\t")
            mode, _kind, blob = meta.split()
            if path.startswith(prefix):
                changes.append(Change("A", mode, blob, path[len(prefix) :]))
        tree.apply(changes)
        return tree

    def apply(self, changes: list[Change]) -> None:
        for change in changes:
            if change.status == "D":
                self._remove(change.rel)
            else:
                self._remove(change.rel)
                if _is_record(change.rel) and change.mode.startswith("100"):
                    stem = _stem(change.rel)
                    self._evidence[stem] = self._evidence.get(stem, 0) + 1
                kind: EntryKind = (
                    "link" if change.mode == "120000" else "file" if change.mode.startswith("100") else "other"
                )
                self._add(Entry(change.rel, kind, 0, change.blob))

    def _add(self, entry: Entry) -> None:
        self._entries[entry.rel] = entry
        child = entry
        while True:
            parent, _, name = child.rel.rpartition("/")
            known = parent == "" or parent in self._entries
            self._children.setdefault(parent, {})[name] = child
            if known:
                return
            child = self._entries[parent] = Entry(parent, "dir")

    def _remove(self, rel: str) -> None:
        entry = self._entries.pop(rel, None)
        if entry is None:
            return
        if entry.kind == "file" and _is_record(rel):
            stem = _stem(rel)
            self._evidence[stem] -= 1
            if not self._evidence[stem]:
                del self._evidence[stem]
        while True:
            parent, _, name = rel.rpartition("/")
            siblings = self._children.get(parent)
            if siblings is not None:
                siblings.pop(name, None)
                if siblings:
                    return
                del self._children[parent]
            if parent == "":
                return
            self._entries.pop(parent, None)
            rel = parent

    def entry(self, rel: str) -> Entry | None:
        return self._entries.get(rel)

    def children(self, rel: str) -> list[Entry]:
        items = self._children.get(rel)
        return [items[name] for name in sorted(items)] if items else []

    def read(self, entry: Entry, limit: int) -> bytes:
        assert entry.blob is not None
        return self._blobs.read(entry.blob, limit)

    def sha256(self, entry: Entry) -> str:
        assert entry.blob is not None
        return hashlib.sha256(self._blobs.read(entry.blob)).hexdigest()

    def evidence_ids(self) -> set[str]:
        """Ids (file stems) of the evidence record files in this revision."""
        return set(self._evidence)


def _is_record(rel: str) -> bool:
    return rel.startswith("evidence/") and rel.endswith(".yaml") and not rel.startswith("evidence/files/")


def _stem(rel: str) -> str:
    return rel.rsplit("/", 1)[1][: -len(".yaml")]
