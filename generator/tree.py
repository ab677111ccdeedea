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

    @property
    def name(self) -> str:
        return self.rel.rsplit("/", 1)[-1]


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


def git(root: Path, *args: str, check: bool = True) -> str:
    """Run ``git -C root ARGS`` and return its standard output (text)."""
    try:
        proc = subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True, check=False, timeout=300)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise GitError(f"git {' '.join(args)} failed: {exc}") from None
    if check and proc.returncode != 0:
        raise GitError(f"git {' '.join(args)} failed: {proc.stderr.strip() or proc.returncode}")
    return proc.stdout


@dataclass
class Blobs:
    """A long-running ``git cat-file --batch`` that reads objects by id."""

    root: Path
    _proc: subprocess.Popen[bytes] | None = field(default=None, init=False)

    def read(self, blob: str) -> bytes:
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


class GitTree:
    """The records as of one commit, read with ``git ls-tree`` and ``cat-file``."""

    def __init__(self, root: Path, commit: str, blobs: Blobs, prefix: str = "") -> None:
        """``prefix`` is where ``root`` lies inside the repository (``git rev-parse --show-prefix``)."""
        self.commit = commit
        self._blobs = blobs
        self._entries: dict[str, Entry] = {}
        self._children: dict[str, list[Entry]] = {}
        listing = git(
            root, "ls-tree", "-r", "-t", "-l", "-z", "--full-tree", commit, "--", *(prefix + r for r in ROOTS)
        )
        for record in listing.split("\0"):
            if not record:
                continue
            meta, _, path = record.partition("\t")
            if not path.startswith(prefix):
                continue
            rel = path[len(prefix) :]
            mode, kind, blob, size = meta.split()
            entry_kind: EntryKind
            if kind == "tree":
                entry_kind = "dir"
            elif mode == "120000":
                entry_kind = "link"
            elif kind == "blob":
                entry_kind = "file"
            else:
                entry_kind = "other"
            entry = Entry(rel, entry_kind, int(size) if size.isdigit() else 0, blob)
            self._entries[rel] = entry
            parent = rel.rsplit("/", 1)[0] if "/" in rel else ""
            self._children.setdefault(parent, []).append(entry)
        for items in self._children.values():
            items.sort(key=lambda e: e.name)

    def entry(self, rel: str) -> Entry | None:
        return self._entries.get(rel)

    def children(self, rel: str) -> list[Entry]:
        return self._children.get(rel, [])

    def read(self, entry: Entry, limit: int) -> bytes:
        if entry.size > limit:
            raise TooLarge(entry.size)
        assert entry.blob is not None
        return self._blobs.read(entry.blob)

    def sha256(self, entry: Entry) -> str:
        assert entry.blob is not None
        return hashlib.sha256(self._blobs.read(entry.blob)).hexdigest()

    def evidence_ids(self) -> set[str]:
        """Ids (file stems) of the evidence record files in this revision."""
        return {
            entry.name[: -len(".yaml")]
            for rel, entry in self._entries.items()
            if entry.kind == "file"
            and rel.endswith(".yaml")
            and rel.startswith("evidence/")
            and not rel.startswith("evidence/files/")
        }
