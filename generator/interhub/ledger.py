"""The delivery ledger: one JSON line per answer a receiver gave, appended durably.

Each acknowledgement is written, flushed and fsynced before the next event is sent, so a
crash between two sends loses nothing. A last line without its line break is a write that a
crash cut short: reading ignores it, and the next append first cuts it off. An event is
delivered to a receiver when the ledger holds an ``acknowledged`` line for it and that
receiver. The ledger is locked while a run writes to it, so two runs never send at once.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from pydantic import ValidationError

from ..errors import ReadinessError, UsageError
from ..textsafe import terminal_text
from .models import LedgerEntry


class LedgerError(ReadinessError):
    """The ledger cannot be read or written (exit 1)."""


@dataclass(frozen=True, slots=True)
class LedgerContents:
    entries: tuple[LedgerEntry, ...]
    torn: bool
    """The last line was cut short (and is ignored)."""

    def acknowledged(self, receiver: str) -> frozenset[str]:
        """Ids of the events ``receiver`` acknowledged."""
        return frozenset(e.event for e in self.entries if e.outcome == "acknowledged" and e.receiver == receiver)


def _where(path: Path) -> str:
    return terminal_text(path)


def parse(path: Path, text: bytes) -> LedgerContents:
    """The entries of a ledger's bytes; a line that is not an entry (but a torn last one) is an error."""
    lines = text.split(b"\n")
    torn = lines[-1] != b""
    entries = []
    for number, line in enumerate(lines[:-1], start=1):
        if not line.strip():
            continue
        try:
            entries.append(LedgerEntry.model_validate_json(line))
        except ValidationError as exc:
            error = exc.errors()[0]
            field = ".".join(str(part) for part in error["loc"])
            what = f"{error['msg']}{f' ({field})' if field else ''}"
            raise LedgerError(
                f"{_where(path)}:{number}: not a ledger line: {terminal_text(what)}: "
                "remove the line (its event is then sent again), or pass another --ledger"
            ) from None
    return LedgerContents(tuple(entries), torn)


def read(path: Path) -> LedgerContents:
    """The ledger at ``path`` (none yet: empty)."""
    try:
        return parse(path, path.read_bytes())
    except FileNotFoundError:
        return LedgerContents((), False)
    except IsADirectoryError:
        raise UsageError(f"--ledger {_where(path)} is a directory: name a file") from None
    except OSError as exc:
        raise LedgerError(f"cannot read the ledger {_where(path)}: {terminal_text(exc.strerror or exc)}") from None


class Writer:
    """Appends entries to an open, locked ledger: each line written, flushed and fsynced."""

    def __init__(self, handle: IO[bytes]) -> None:
        self._handle = handle

    def append(self, entry: LedgerEntry) -> None:
        line = entry.model_dump_json(exclude_none=False).encode("utf-8") + b"\n"
        self._handle.write(line)
        self._handle.flush()
        os.fsync(self._handle.fileno())


@contextlib.contextmanager
def open_ledger(path: Path) -> Iterator[tuple[LedgerContents, Writer]]:
    """Lock the ledger at ``path`` (created when missing), read it, cut off a torn last line, and
    yield its contents and a writer. Another run holding the lock is an error, not a wait."""
    created = not path.exists()
    try:
        if created and path.parent != Path(""):
            path.parent.mkdir(parents=True, exist_ok=True)
        handle = open(path, "a+b")  # noqa: SIM115 - closed below, after the lock is released
    except IsADirectoryError:
        raise UsageError(f"--ledger {_where(path)} is a directory: name a file") from None
    except OSError as exc:
        raise LedgerError(f"cannot open the ledger {_where(path)}: {terminal_text(exc.strerror or exc)}") from None
    with handle:
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise LedgerError(
                f"the ledger {_where(path)} is in use by another readiness deliver: wait for it to end"
            ) from None
        if created:
            _sync_directory(path.parent)
        handle.seek(0)
        text = handle.read()
        contents = parse(path, text)
        if contents.torn:
            handle.truncate(text.rfind(b"\n") + 1)
            handle.flush()
            os.fsync(handle.fileno())
        handle.seek(0, os.SEEK_END)
        yield contents, Writer(handle)


def _sync_directory(folder: Path) -> None:
    """Make a new file's directory entry durable too."""
    try:
        descriptor = os.open(folder if str(folder) else ".", os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(descriptor)
    except OSError:
        pass
    finally:
        os.close(descriptor)
