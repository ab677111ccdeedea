"""Where records are read from: a :class:`Tree`, the work tree or one commit of the git repository.

The loader only asks a :class:`Tree` for entries and bytes, so the same code
validates the work tree (:class:`WorkTree`, here) and any past revision
(:class:`generator.git.GitTree`, read with ``git`` itself; the work tree is
never checked out or touched).
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal, Protocol

EntryKind = Literal["file", "link", "dir", "other"]
ROOTS = ("data", "evidence")
"""The top-level folders that hold records and attachments."""


@dataclass(frozen=True, slots=True)
class Entry:
    """One path in a tree (links are not followed)."""

    rel: str
    kind: EntryKind
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


class WorkTree:
    """The files on disk under ``root``."""

    def __init__(self, root: Path) -> None:
        self._root_text = str(root)

    def _path(self, rel: str) -> str:
        return os.path.join(self._root_text, rel)

    def entry(self, rel: str) -> Entry | None:
        try:
            info = os.lstat(self._path(rel))
        except OSError:
            return None
        return Entry(rel, _kind(info.st_mode))

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


def _kind(mode: int) -> EntryKind:
    if stat.S_ISLNK(mode):
        return "link"
    if stat.S_ISDIR(mode):
        return "dir"
    if stat.S_ISREG(mode):
        return "file"
    return "other"
