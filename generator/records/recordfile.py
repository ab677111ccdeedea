"""Evidence record files: the one writer, for ``readiness evidence new`` and the probes.

:func:`write_evidence` renders an :class:`~generator.records.models.Evidence` record as
YAML that the strict loader reads back exactly (every string double-quoted, so
that ``no``, ``1.10`` or ``2026-06-14`` stay text; ``observed`` a plain date or a
UTC time like ``2026-06-14T09:30:00Z``; ``details`` a literal block; fields in
:data:`FIELD_ORDER`, those left at their default omitted), writes it to a new
file ``evidence/<year>/<date>-<slug>.yaml`` (never overwriting: a taken name
gets ``-2``, ``-3``, ...), and loads the whole catalog again. When anything fails
nothing is left behind: the file, and whatever the caller registered in the
same :class:`Undo` (copied attachments, the directories made for them), are
removed again.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import re
import unicodedata
from collections.abc import Callable, Container, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ..errors import Problem, ReadinessError, ValidationFailed
from . import loader, yamlstrict
from .catalog import Catalog
from .models import Evidence

SCHEMA_COMMENT = "# yaml-language-server: $schema=../../schema/evidence.schema.json"
"""First line of every record written here (the record sits in evidence/<year>/)."""

FIELD_ORDER = (
    "observed",
    "kind",
    "summary",
    "result",
    "severity",
    "about",
    "assess",
    "waive",
    "wave",
    "decision",
    "accepted",
    "approved_by",
    "expires",
    "details",
    "observations",
    "source",
    "submitted_by",
    "attachments",
    "supersedes",
    "resolves",
)
"""The order of the fields in a written record."""

SLUG_MAX = 48
"""Longest slug taken from a summary or a probe's name (the id adds the date and maybe a suffix)."""

_NOT_SLUG = re.compile(r"[^a-z0-9]+")
MAX_SUFFIX = 999


def slugify(text: str, fallback: str) -> str:
    """A file-name slug: lowercase ASCII letters and digits, other runs become '-'.

    Accents are dropped first (``Zürich`` -> ``zurich``); the result is trimmed
    of '-' and cut to :data:`SLUG_MAX` characters, at a word boundary when one is
    in the second half; an empty result is ``fallback``.
    """
    decomposed = unicodedata.normalize("NFKD", text)
    ascii_text = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower()
    slug = _NOT_SLUG.sub("-", ascii_text).strip("-")
    if len(slug) > SLUG_MAX:
        cut = slug[: SLUG_MAX + 1]
        boundary = cut.rfind("-")
        # Cut at a word boundary unless that would drop more than half of the room.
        slug = cut[:boundary] if boundary >= SLUG_MAX // 2 else cut[:SLUG_MAX].rstrip("-")
    return slug or fallback


# -------------------------------------------------------------------- YAML output


class _Quoted(str):
    """Text written in double quotes, whatever it looks like."""

    __slots__ = ()


class _Literal(str):
    """Markdown written as a literal block (``|``) when YAML can hold it that way."""

    __slots__ = ()


class _Dumper(yaml.SafeDumper):
    """Block style, sequences indented under their key, strings as marked, UTC times with a Z."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, False)


def _represent_quoted(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
    return dumper.represent_scalar("tag:yaml.org,2002:str", str(value), style='"')


def _represent_literal(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
    # PyYAML falls back to double quotes when a literal block cannot hold the text
    # exactly (trailing spaces on a line, control characters).
    return dumper.represent_scalar("tag:yaml.org,2002:str", str(value), style="|")


def _represent_time(dumper: yaml.SafeDumper, value: dt.datetime) -> yaml.Node:
    utc = value.astimezone(dt.UTC)
    return dumper.represent_scalar("tag:yaml.org,2002:timestamp", utc.strftime("%Y-%m-%dT%H:%M:%SZ"))


_Dumper.add_representer(_Quoted, _represent_quoted)
_Dumper.add_representer(_Literal, _represent_literal)
_Dumper.add_representer(dt.datetime, _represent_time)


def _marked(value: Any, key: str | None = None) -> Any:
    """A field's value with each text marked for the dumper (field names stay plain, the keys
    of a mapping field such as ``assess`` are quoted; booleans and dates stay as they are)."""
    if key == "details":
        return _Literal(value)
    if isinstance(value, str):
        return _Quoted(value)
    if isinstance(value, list):
        return [
            {name: _marked(item) for name, item in element.items()} if isinstance(element, dict) else _marked(element)
            for element in value
        ]
    if isinstance(value, dict):
        return {_Quoted(name): _marked(item) for name, item in value.items()}
    return value


def render_evidence(record: Evidence) -> str:
    """The file text of ``record``: the schema comment, then the fields that are not at their
    default, in :data:`FIELD_ORDER`.

    The text is parsed again with the strict loader and must give back the same
    values; anything else is a bug, not a user error.
    """
    data = record.model_dump(exclude_defaults=True)
    ordered = {key: data[key] for key in FIELD_ORDER if key in data}
    unknown = set(data) - set(ordered)
    if unknown:
        raise ValueError(f"fields the writer does not know: {sorted(unknown)}")
    body = yaml.dump(
        {key: _marked(value, key) for key, value in ordered.items()},
        Dumper=_Dumper,
        sort_keys=False,
        allow_unicode=True,
        width=1 << 30,
        default_flow_style=False,
    )
    text = f"{SCHEMA_COMMENT}\n{body}"
    problems: list[Problem] = []
    parsed = yamlstrict.parse(text, "<new record>", problems)
    if parsed is None or problems or parsed.value != ordered:
        raise AssertionError(f"the record does not read back as written: {problems or parsed}")
    return text


# ----------------------------------------------------------------------- writing


@dataclass(slots=True)
class Undo:
    """What a write created, removed again when something fails."""

    files: list[Path] = field(default_factory=list)
    dirs: list[Path] = field(default_factory=list)

    def mkdir(self, directory: Path) -> None:
        missing = []
        current = directory
        while not current.exists():
            missing.append(current)
            current = current.parent
        directory.mkdir(parents=True, exist_ok=True)
        self.dirs.extend(reversed(missing))

    @contextlib.contextmanager
    def on_failure(self, doing: str) -> Iterator[None]:
        """Undo everything when the block fails; an :class:`OSError` becomes a
        :class:`~generator.errors.ReadinessError` that says ``cannot <doing>``."""
        try:
            yield
        except OSError as exc:
            self.run()
            raise ReadinessError(f"cannot {doing}: {exc}") from exc
        except BaseException:
            self.run()
            raise

    def run(self) -> None:
        for path in reversed(self.files):
            with contextlib.suppress(OSError):
                path.unlink()
        for directory in reversed(self.dirs):
            with contextlib.suppress(OSError):
                directory.rmdir()  # only if still empty


def create_new(
    directory: Path, stem: str, suffix: str, undo: Undo, taken: Container[str] = frozenset()
) -> tuple[Path, int]:
    """Create ``directory/<stem><suffix>`` exclusively and open it for writing; a name that exists,
    or whose stem is ``taken``, gets ``-2``, ``-3``, ... after its stem. The file joins ``undo``."""
    for number in range(1, MAX_SUFFIX + 1):
        candidate = stem if number == 1 else f"{stem}-{number}"
        if candidate in taken:
            continue
        target = directory / f"{candidate}{suffix}"
        try:
            fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        except FileExistsError:
            continue
        undo.files.append(target)
        return target, fd
    raise ReadinessError(f"{directory}: no free name for {stem}{suffix} (tried up to -{MAX_SUFFIX})")


def _record_path(catalog: Catalog, directory: Path, base: str, text: str, undo: Undo) -> Path:
    """Write ``text`` to the first free ``<base>[-N].yaml`` whose id is not taken anywhere."""
    target, fd = create_new(directory, base, ".yaml", undo, taken=catalog.evidence)
    with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as out:
        out.write(text)
    return target


def write_evidence(
    root: Path,
    catalog: Catalog,
    record: Evidence,
    name: str,
    undo: Undo | None = None,
    load: Callable[[Path], Catalog] = loader.load_catalog,
) -> Path:
    """Write ``record`` to a new file ``evidence/<year>/<date>-<slug of name>.yaml`` under ``root``
    and return its path; then check that the whole catalog still validates with it.

    Raises :class:`~generator.errors.ReadinessError`, leaving nothing behind (``undo``
    also removes what the caller made before, such as copied attachments), when the
    file cannot be written or the catalog does not validate with it.
    """
    text = render_evidence(record)
    observed = record.observed
    date = observed.date() if isinstance(observed, dt.datetime) else observed
    directory = Path(root) / "evidence" / str(date.year)
    undo = undo or Undo()
    with undo.on_failure("write the record"):
        undo.mkdir(directory)
        path = _record_path(catalog, directory, f"{date.isoformat()}-{slugify(name, record.kind)}", text, undo)
    _check_written(Path(root), path, undo, load)
    return path


def _check_written(root: Path, record: Path, undo: Undo, load: Callable[[Path], Catalog]) -> None:
    """Load the whole catalog with the new record; undo everything if it does not validate."""
    rel = record.relative_to(root).as_posix()
    try:
        catalog = load(root)
    except ValidationFailed as exc:
        undo.run()
        lines = "\n".join(str(problem) for problem in exc.problems)
        raise ReadinessError(f"the new record would not validate, so nothing was written:\n{lines}") from None
    except BaseException:
        undo.run()
        raise
    if record.stem not in catalog.evidence or catalog.origins[("evidence", record.stem)].path != rel:
        undo.run()
        raise ReadinessError(
            f"{rel} was not read back as a record (is evidence/ or a directory in it a link?); nothing was written"
        )
