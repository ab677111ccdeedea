"""The history's cache: what a walk through the history computed, kept for the next run.

A point (the statuses as of one commit, or the problems that made it a gap) is a function of
its commit (the tree, read from git, and the committer time), of the generator, and of the
real present only through records observed after it (a typo the loader refuses). So the
cache keeps:

- ``points.json``: every point of the last walk, by commit id, under the generator's
  fingerprint (:func:`fingerprint`) and the catalog's place in the repository; a gap caused
  by a record observed after the present says until when it holds;
- ``files.json``: what each record file of the last commit walked held (by blob id and path;
  :mod:`generator.records.loader.stored`), so that the next walk loads its first new commit
  without parsing the files it already knows.

Each file is a header line (format, generator, when written, scope, and the SHA-256 of the
rest), then one JSON value. Where: ``READINESS_CACHE_DIR`` (a path, relative to the root;
``off`` for none), else ``ROOT/.cache/readiness``, which ignores itself in git. A file that
cannot be read, is cut short or changed, does not validate (unknown fields, a status that is
none, a record its own model refuses), or was written by another generator, for another
catalog or by a clock later than this one is ignored: the walk computes what it needs and
writes the cache again. The cache never changes an answer; it only saves work.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import sys
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Literal

import pydantic
import yaml
from pydantic import BaseModel, ConfigDict, Field, StringConstraints, TypeAdapter

from . import __version__
from .errors import Problem
from .records.loader import ParseCache
from .records.loader.stored import pack, stored_model, unpack
from .records.models import GateId, GateStatus, Slug, WaveStatus
from .records.tree import Entry

CACHE_ENV = "READINESS_CACHE_DIR"
DEFAULT_DIR = ".cache/readiness"
OFF = "off"
FORMAT = 1
_FILES_MISSING = 32
"""Files of the last commit the stored parse results may lack before they are written again."""
_FILES_STALE = 256
"""Stored parse results of files no longer there that may be kept before they are written again."""

Sha = Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{40}(?:[0-9a-f]{24})?$")]
Moment = Annotated[str, StringConstraints(max_length=40)]
"""A UTC moment as ISO text (parsed after validation)."""


def cache_dir(root: Path, environ: Mapping[str, str]) -> Path | None:
    """Where the history cache of the catalog at ``root`` lives (``None``: turned off)."""
    value = environ.get(CACHE_ENV)
    if value is None or not value.strip():
        return root / DEFAULT_DIR
    if value.strip().lower() == OFF:
        return None
    return root / value


def fingerprint() -> str:
    """What, besides a commit, decides its point: the generator's version and code (a digest of
    its source, so that a changed checkout never reads an older one's cache) and the versions of
    the libraries that read and validate records."""
    package = Path(__file__).resolve().parent
    digest = hashlib.sha256()
    for path in sorted(package.rglob("*.py")):
        digest.update(path.relative_to(package).as_posix().encode("utf-8", "surrogateescape") + b"\0")
        digest.update(path.read_bytes() + b"\0")
    python = f"{sys.version_info[0]}.{sys.version_info[1]}"
    return (
        f"readiness {__version__} {digest.hexdigest()[:20]}; pydantic {pydantic.VERSION}; "
        f"pyyaml {yaml.__version__}; python {python}"
    )


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class StoredProblem(_Strict):
    path: str
    line: Annotated[int, Field(ge=0)]
    column: Annotated[int, Field(ge=0)]
    message: str


@dataclass(frozen=True, slots=True)
class StoredPoint:
    """One point as the cache keeps it: statuses, or the problems of a gap."""

    gates: dict[str, str]
    waves: dict[str, str]
    added: tuple[str, ...]
    """The evidence ids its commit added."""
    problems: tuple[Problem, ...] = ()
    holds_until: dt.datetime | None = None
    """A gap caused by records observed after the present holds until the first of them."""
    waivers: dict[str, frozenset[str]] = field(default_factory=dict)
    """Gate id -> the waivers in force that cover one of its results."""


class _Delta(_Strict):
    """One point on disk: a gap's problems, or what changed since the point stored before it
    (points.json holds them in the order of the history, so that it grows with the transitions,
    not with commits times gates)."""

    gates: dict[GateId, GateStatus] = {}
    waves: dict[Slug, WaveStatus] = {}
    gone_gates: list[GateId] = []
    gone_waves: list[Slug] = []
    added: list[Slug] = []
    problems: list[StoredProblem] = []
    holds_until: Moment | None = None
    waivers: dict[GateId, list[Slug]] | None = None
    """The waivers by gate, when they differ from the point before (``{}``: none any more)."""


class _Header(_Strict):
    """The first line of a cache file: what the rest was computed by and for, and its digest."""

    format: Literal[1]
    generator: str
    written: Moment
    scope: str
    """The catalog's place in the repository (for points; ``""`` for parse results)."""
    sha256: Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{64}$")]
    """Of the rest of the file, byte for byte: a file cut short or changed is not read."""


_POINTS: TypeAdapter[list[tuple[str, _Delta]]] = TypeAdapter(list[tuple[Sha, _Delta]])


class HistoryCache:
    """The cache in one directory (see the module's docstring)."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self._fingerprint: str | None = None
        self._restored: set[tuple[str, str]] = set()
        """(blob, path) of the stored parse results read in this run."""

    @property
    def generator(self) -> str:
        if self._fingerprint is None:
            self._fingerprint = fingerprint()
        return self._fingerprint

    # ------------------------------------------------------------------ points

    def points(self, prefix: str, now: dt.datetime) -> dict[str, StoredPoint]:
        """The stored points that hold now (none when the file is missing, stale or corrupt)."""
        body = self._read("points.json", prefix, now)
        if body is None:
            return {}
        try:
            chain = _POINTS.validate_json(body)
            points: dict[str, StoredPoint] = {}
            gates: dict[str, str] = {}
            waves: dict[str, str] = {}
            waivers: dict[str, frozenset[str]] = {}
            for sha, delta in chain:
                problems = tuple(Problem(p.path, p.line, p.column, p.message) for p in delta.problems)
                if problems:
                    until = _moment(delta.holds_until) if delta.holds_until is not None else None
                    if until is None or now < until:
                        points[sha] = StoredPoint({}, {}, tuple(delta.added), problems, until)
                    continue
                for gone, table in ((delta.gone_gates, gates), (delta.gone_waves, waves)):
                    for ident in gone:
                        del table[ident]
                gates.update(delta.gates)
                waves.update(delta.waves)
                if delta.waivers is not None:
                    waivers = {gate: frozenset(ids) for gate, ids in delta.waivers.items()}
                points[sha] = StoredPoint(dict(gates), dict(waves), tuple(delta.added), waivers=dict(waivers))
        except (ValueError, KeyError):
            return {}
        return points

    def save_points(self, prefix: str, now: dt.datetime, points: Mapping[str, StoredPoint]) -> None:
        """Keep ``points`` (in the order of the history): each as what changed since the one before."""
        chain: list[tuple[str, dict[str, object]]] = []
        gates: dict[str, str] = {}
        waves: dict[str, str] = {}
        waivers: dict[str, frozenset[str]] = {}
        for sha, point in points.items():
            delta: dict[str, object] = {"added": list(point.added)} if point.added else {}
            if point.problems:
                delta["problems"] = [
                    {"path": p.path, "line": p.line, "column": p.column, "message": p.message} for p in point.problems
                ]
                if point.holds_until is not None:
                    delta["holds_until"] = point.holds_until.isoformat()
            else:
                for name, old, new in (("gates", gates, point.gates), ("waves", waves, point.waves)):
                    changed = {ident: status for ident, status in new.items() if old.get(ident) != status}
                    gone = [ident for ident in old if ident not in new]
                    if changed:
                        delta[name] = changed
                    if gone:
                        delta[f"gone_{name}"] = gone
                gates, waves = point.gates, point.waves
                if point.waivers != waivers:
                    delta["waivers"] = {gate: sorted(ids) for gate, ids in sorted(point.waivers.items())}
                    waivers = point.waivers
            chain.append((sha, delta))
        self._write("points.json", prefix, now, chain)

    # ------------------------------------------------------------------ parse results

    def restore_files(self, parsed: ParseCache) -> None:
        """Put the stored parse results into ``parsed`` (none when any does not validate)."""
        body = self._read("files.json", "", dt.datetime.now(dt.UTC))
        found = unpack(body) if body is not None else None
        for key, result in (found or {}).items():
            parsed.files.setdefault(key, result)
            self._restored.add(key)

    def save_files(self, now: dt.datetime, parsed: ParseCache, entries: list[Entry]) -> None:
        """Keep the clean parse results of the files ``entries`` (those of the last commit walked).

        The file is not written again while it holds all but a few of them (and few others): a
        run after one new commit then parses that commit's files, and writes nothing here."""
        keys = [(entry.blob, entry.rel) for entry in sorted(entries, key=lambda e: e.rel) if entry.blob is not None]
        kept = self._restored
        present = sum(1 for key in keys if key in kept)
        missing = sum(1 for key in keys if key not in kept and stored_model(key[1]) is not None)
        if kept and missing <= _FILES_MISSING and len(kept) - present <= _FILES_STALE:
            return
        results = {key: result for key in keys if (result := parsed.files.get(key)) is not None}
        self._write("files.json", "", now, pack(results, kept))

    # ------------------------------------------------------------------ the files

    def _read(self, name: str, scope: str, now: dt.datetime) -> bytes | None:
        """The JSON text a file holds after its header; ``None`` when it is missing, cut short or
        changed, for another generator or scope, or written later than ``now``."""
        try:
            head, _, body = (self.directory / name).read_bytes().partition(b"\n")
            header = _Header.model_validate_json(head)
            if (
                header.generator != self.generator
                or header.scope != scope
                or now < _moment(header.written)
                or hashlib.sha256(body).hexdigest() != header.sha256
            ):
                return None
        except (OSError, ValueError):  # pydantic's ValidationError is a ValueError
            return None
        return body

    def _write(self, name: str, scope: str, now: dt.datetime, value: object) -> None:
        """Write atomically (a reader sees the old file or the new one); failing to write is not an error."""
        body = json.dumps(value, ensure_ascii=True, separators=(",", ":")).encode("ascii")
        header = {
            "format": FORMAT,
            "generator": self.generator,
            "written": now.isoformat(),
            "scope": scope,
            "sha256": hashlib.sha256(body).hexdigest(),
        }
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            ignore = self.directory / ".gitignore"
            if not ignore.exists():
                ignore.write_text("# The readiness history cache (docs/guide/serving.md): never committed.\n*\n")
            handle, temporary = tempfile.mkstemp(prefix=f".{name}.", dir=self.directory)
            try:
                with os.fdopen(handle, "wb") as out:
                    out.write(json.dumps(header, separators=(",", ":")).encode("ascii") + b"\n" + body)
                os.replace(temporary, self.directory / name)
            except BaseException:
                Path(temporary).unlink(missing_ok=True)
                raise
        except OSError:
            pass


def open_cache(root: Path, environ: Mapping[str, str]) -> HistoryCache | None:
    """The history cache of the catalog at ``root``, where ``environ`` says (``None``: turned off)."""
    directory = cache_dir(root, environ)
    return HistoryCache(directory) if directory is not None else None


def _moment(text: str) -> dt.datetime:
    """A stored moment (``ValueError`` when it is none, or has no time zone)."""
    moment = dt.datetime.fromisoformat(text)
    if moment.tzinfo is None:
        raise ValueError("a stored moment without a time zone")
    return moment


def stored_point(
    gates: Mapping[str, str],
    waves: Mapping[str, str],
    added: tuple[str, ...],
    problems: tuple[Problem, ...],
    holds_until: dt.datetime | None,
    waivers: Mapping[str, frozenset[str]] | None = None,
) -> StoredPoint | None:
    """A point in its stored form (``None`` when it has something a stored point cannot hold:
    a problem naming a path that is not UTF-8, which JSON cannot carry)."""
    try:
        for problem in problems:
            problem.path.encode("utf-8")
            problem.message.encode("utf-8")
    except UnicodeEncodeError:
        return None
    return StoredPoint(dict(gates), dict(waves), added, problems, holds_until, dict(waivers or {}))
