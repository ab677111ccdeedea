"""Write a new evidence record: the logic behind ``readiness evidence new``.

:func:`new_evidence` checks every value first (its form, then against the
loaded catalog), copies the attachments, writes the record, and loads the whole
catalog again. When anything fails nothing is left behind: copied attachments,
the record and the directories made for them are removed again. Nothing is ever
overwritten: a taken file name gets ``-2``, ``-3``, ... before its extension.

Errors name the option they come from (``--assess OPS-G99=ready: unknown gate
'OPS-G99'``). Values that are wrong whatever the catalog holds (a malformed gate
id, a missing ``--result``, a missing file) are :class:`UsageError` (exit 2);
well-formed values the catalog does not know are :class:`ReadinessError`
(exit 1).

The record is YAML that the strict loader reads back exactly: every string is
double-quoted (``no``, ``1.10``, ``2026-06-14`` stay text), ``observed`` is a
plain date, ``details`` a literal block. The text is parsed again before it is
written and must give back the same values.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import difflib
import hashlib
import os
import re
import stat
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from . import yamlstrict
from .catalog import Catalog
from .errors import Problem, ReadinessError, UsageError, ValidationFailed
from .models import (
    EVIDENCE_KINDS,
    FAILED_READY_FIX,
    LINE_PATTERN,
    REF_KINDS,
    VERIFICATION_KINDS,
    Evidence,
    is_gate_id,
    is_ref,
    is_slug,
    ready_despite_failure,
)

SCHEMA_COMMENT = "# yaml-language-server: $schema=../../schema/evidence.schema.json"
"""First line of every record written here (the record sits in evidence/<year>/)."""

SLUG_MAX = 48
"""Longest slug taken from a summary (the id adds the date and maybe a suffix)."""

GATE_STATUSES = ("unknown", "partial", "blocked", "ready")
RESULTS = ("pass", "fail")
SEVERITIES = ("low", "medium", "high", "critical")

FIELD_ORDER = (
    "observed",
    "kind",
    "summary",
    "result",
    "severity",
    "about",
    "assess",
    "details",
    "source",
    "submitted_by",
    "attachments",
    "supersedes",
    "resolves",
)

_LINE_RE = re.compile(LINE_PATTERN)
_NOT_SLUG = re.compile(r"[^a-z0-9]+")
_MAX_SUFFIX = 999


# ------------------------------------------------------------------ small helpers


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


def parse_assess(values: Iterable[str]) -> dict[str, str]:
    """``["OPS-G05=ready", ...]`` -> ``{"OPS-G05": "ready"}``; the ``--assess`` option's form.

    Raises :class:`UsageError` for a value without ``=`` or a gate given twice
    with different statuses.
    """
    out: dict[str, str] = {}
    problems: list[str] = []
    for value in values:
        gate, sep, status = value.partition("=")
        gate, status = gate.strip(), status.strip()
        if not sep or not gate or not status:
            problems.append(f"--assess {value}: write GATE=STATUS, e.g. OPS-G05=ready")
        elif gate in out and out[gate] != status:
            problems.append(f"--assess {value}: {gate} is already assessed as {out[gate]}")
        else:
            out[gate] = status
    if problems:
        raise UsageError("\n".join(problems))
    return out


def _suggest(word: str, choices: Iterable[str]) -> str:
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f": did you mean '{close[0]}'?" if close else ""


def _names(catalog: Catalog, kind: str) -> list[str]:
    return [*catalog.table(kind), *catalog.aliases.get(kind, {})]


def _split_name(name: str) -> tuple[str, str]:
    """``report.tar.gz`` -> ``("report", ".tar.gz")``; a leading dot belongs to the stem."""
    stripped = name.lstrip(".")
    head = name[: len(name) - len(stripped)]
    stem, dot, suffix = stripped.partition(".")
    return head + stem, dot + suffix


def _candidates(stem: str, suffix: str) -> Iterator[str]:
    """``stem + suffix``, then ``stem-2 + suffix``, ``stem-3 + suffix``, ..."""
    yield stem + suffix
    for number in range(2, _MAX_SUFFIX + 1):
        yield f"{stem}-{number}{suffix}"


# -------------------------------------------------------------------- YAML output


class _Quoted(str):
    """Text written in double quotes, whatever it looks like."""

    __slots__ = ()


class _Literal(str):
    """Markdown written as a literal block (``|``) when YAML can hold it that way."""

    __slots__ = ()


class _Dumper(yaml.SafeDumper):
    """Block style, sequences indented under their key, strings as marked."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, False)


def _represent_quoted(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
    return dumper.represent_scalar("tag:yaml.org,2002:str", str(value), style='"')


def _represent_literal(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
    # PyYAML falls back to double quotes when a literal block cannot hold the text
    # exactly (trailing spaces on a line, control characters).
    return dumper.represent_scalar("tag:yaml.org,2002:str", str(value), style="|")


_Dumper.add_representer(_Quoted, _represent_quoted)
_Dumper.add_representer(_Literal, _represent_literal)


def _marked(data: dict[str, Any]) -> dict[str, Any]:
    """The record with each text value marked for the dumper (field names stay plain)."""
    out: dict[str, Any] = {}
    for key, value in data.items():
        if key == "details":
            out[key] = _Literal(value)
        elif isinstance(value, str):
            out[key] = _Quoted(value)
        elif isinstance(value, list):
            out[key] = [
                {k: _Quoted(v) for k, v in item.items()} if isinstance(item, dict) else _Quoted(item) for item in value
            ]
        elif isinstance(value, dict):
            out[key] = {_Quoted(k): _Quoted(v) for k, v in value.items()}
        else:
            out[key] = value
    return out


def render_record(data: dict[str, Any]) -> str:
    """The file text of a record: the schema comment, then the fields in :data:`FIELD_ORDER`.

    The text is parsed again with the strict loader and must give back ``data``
    exactly; anything else is a bug, not a user error.
    """
    ordered = {key: data[key] for key in FIELD_ORDER if key in data}
    unknown = set(data) - set(ordered)
    if unknown:
        raise ValueError(f"fields the writer does not know: {sorted(unknown)}")
    body = yaml.dump(
        _marked(ordered),
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


# ---------------------------------------------------------------------- checking


@dataclass(slots=True)
class _Checked:
    """The files to attach, after checking."""

    files: list[Path] = field(default_factory=list)
    in_place: dict[int, str] = field(default_factory=dict)
    """Index in ``files`` -> path relative to evidence/ of a file already under evidence/files/."""


def _check_line(option: str, value: str | None, problems: list[str]) -> None:
    """A one-line text option (when given): not blank, no line breaks, no hidden characters."""
    if value is None:
        return
    if not _LINE_RE.fullmatch(value):
        problems.append(f"{option}: must be one line of text" if value.strip() else f"{option}: must not be blank")
        return
    _check_characters(option, value, problems)


def _check_characters(option: str, value: str, problems: list[str]) -> None:
    """Text options hold what records may hold: no control, bidirectional or zero-width characters."""
    match = yamlstrict.FORBIDDEN.search(value)
    if match is not None:
        problems.append(f"{option}: holds {yamlstrict.describe_character(match.group())}: remove it")


def normalize_newlines(text: str) -> str:
    """Markdown pasted from Windows or old Mac files: CRLF and CR become LF (records hold no CR)."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _check_file(root: Path, path: Path, problems: list[str]) -> str | None:
    """Problems with one ``--attach`` file; returns its path relative to evidence/ when it
    already lies under evidence/files/ (then it is referenced where it is, not copied)."""
    try:
        info = path.lstat()
    except FileNotFoundError:
        problems.append(f"--attach {path}: no such file")
        return None
    except OSError as exc:
        problems.append(f"--attach {path}: cannot read it ({exc.strerror})")
        return None
    if stat.S_ISLNK(info.st_mode):
        problems.append(f"--attach {path}: is a link: attach the file it points to")
        return None
    if stat.S_ISDIR(info.st_mode):
        problems.append(f"--attach {path}: is a directory: attach its files one by one")
        return None
    if not stat.S_ISREG(info.st_mode):
        problems.append(f"--attach {path}: is not a regular file")
        return None
    if not os.access(path, os.R_OK):
        problems.append(f"--attach {path}: cannot read it (permission denied)")
        return None
    try:
        inside = path.resolve().relative_to((root / "evidence").resolve())
    except (ValueError, OSError):
        return None
    if inside.parts[:1] == ("files",) and len(inside.parts) > 1:
        return inside.as_posix()
    return None


def _check_form(
    root: Path,
    *,
    kind: str,
    summary: str,
    about: list[str],
    assess: dict[str, str],
    attach: list[Path],
    observed: dt.date,
    today: dt.date,
    details: str | None,
    result: str | None,
    source: str | None,
    submitted_by: str | None,
    severity: str | None,
    supersedes: list[str],
    resolves: list[str],
) -> _Checked:
    """Every check that needs no catalog; raises :class:`UsageError` with all problems."""
    problems: list[str] = []
    if kind not in EVIDENCE_KINDS:
        problems.append(
            f"--kind {kind}: unknown kind{_suggest(kind, EVIDENCE_KINDS)} (use one of {', '.join(EVIDENCE_KINDS)})"
        )
    _check_line("--summary", summary, problems)
    if observed > today:
        problems.append(
            f"--observed {observed.isoformat()}: is after today ({today.isoformat()}): evidence records facts already seen"
        )
    for ref in about:
        if not is_ref(ref):
            problems.append(
                f"--about {ref}: not a valid reference: write kind:id with kind one of {', '.join(REF_KINDS)} "
                "(e.g. store:gitea-db)"
            )
    for gate, status in assess.items():
        if not is_gate_id(gate):
            problems.append(
                f"--assess {gate}={status}: '{gate}' is not a valid gate id: "
                "use uppercase parts joined by '-', like OPS-G05"
            )
        if status not in GATE_STATUSES:
            problems.append(
                f"--assess {gate}={status}: unknown status '{status}'{_suggest(status, GATE_STATUSES)} "
                f"(use one of {', '.join(GATE_STATUSES)})"
            )
    if result is not None and result not in RESULTS:
        problems.append(f"--result {result}: use pass or fail")
    for gate in ready_despite_failure(result, assess):
        problems.append(f"--assess {gate}=ready: {FAILED_READY_FIX}")
    if result is None and kind in VERIFICATION_KINDS:
        problems.append(f"--result (pass or fail) is required for {kind} records")
    if severity is not None:
        if severity not in SEVERITIES:
            problems.append(f"--severity {severity}: use one of {', '.join(SEVERITIES)}")
        if kind in EVIDENCE_KINDS and kind != "risk-raised":
            problems.append(f"--severity is for risk-raised records only, not {kind}")
    if details is not None and not details.strip():
        problems.append("--details: must not be blank")
    elif details is not None:
        _check_characters("--details", normalize_newlines(details), problems)
    _check_line("--source", source, problems)
    _check_line("--submitted-by", submitted_by, problems)
    for option, ids in (("--supersedes", supersedes), ("--resolves", resolves)):
        for ident in ids:
            if not is_slug(ident):
                problems.append(
                    f"{option} {ident}: not a valid evidence id (the file name without .yaml, "
                    "e.g. 2026-06-14-seed-status)"
                )
    checked = _Checked()
    for index, path in enumerate(attach):
        in_place = _check_file(root, path, problems)
        checked.files.append(path)
        if in_place is not None:
            checked.in_place[index] = in_place
    if problems:
        raise UsageError("\n".join(problems))
    return checked


def _check_catalog(
    catalog: Catalog,
    data: dict[str, Any],
    *,
    about: list[str],
    assess: dict[str, str],
    supersedes: list[str],
    resolves: list[str],
) -> None:
    """Resolve the references against the catalog into ``data`` (canonical ids, aliases
    followed, repeats dropped); raises :class:`ReadinessError` with all problems."""
    problems: list[str] = []
    refs: list[str] = []
    for ref in about:
        kind, _, ident = ref.partition(":")
        resolved = catalog.resolve_ref(ref)
        if resolved is None:
            problems.append(f"--about {ref}: unknown {kind} '{ident}'{_suggest(ident, _names(catalog, kind))}")
            continue
        canonical = f"{resolved[0]}:{resolved[1]}"
        if canonical not in refs:
            refs.append(canonical)
    gates: dict[str, str] = {}
    for gate, status in assess.items():
        canonical_gate = catalog.resolve("gate", gate)
        if canonical_gate is None:
            problems.append(f"--assess {gate}={status}: unknown gate '{gate}'{_suggest(gate, _names(catalog, 'gate'))}")
            continue
        if gates.get(canonical_gate, status) != status:
            problems.append(
                f"--assess {gate}={status}: {gate} is {canonical_gate}, already assessed as {gates[canonical_gate]}"
            )
            continue
        gates[canonical_gate] = status
    evidence_ids = sorted(catalog.evidence)
    for option, ids, key in (("--supersedes", supersedes, "supersedes"), ("--resolves", resolves, "resolves")):
        kept: list[str] = []
        for ident in ids:
            record = catalog.evidence.get(ident)
            if record is None:
                problems.append(f"{option} {ident}: unknown evidence record '{ident}'{_suggest(ident, evidence_ids)}")
                continue
            if key == "resolves" and record.kind != "risk-raised":
                problems.append(
                    f"--resolves {ident}: '{ident}' is a {record.kind} record: resolves closes risk-raised records only"
                )
                continue
            if ident not in kept:
                kept.append(ident)
        if kept:
            data[key] = kept
    if problems:
        raise ReadinessError("\n".join(problems))
    if refs:
        data["about"] = refs
    if gates:
        data["assess"] = gates


def _check_model(data: dict[str, Any]) -> None:
    """The record against the :class:`Evidence` model (a last net: the checks above
    should have caught everything)."""
    try:
        Evidence.model_validate(data)
    except ValidationError as exc:
        lines = []
        for error in exc.errors(include_url=False):
            loc = error["loc"]
            option = "--" + str(loc[0]).replace("_", "-") if loc else "record"
            lines.append(f"{option}: {error['msg']}")
        raise UsageError("\n".join(lines)) from None


# ----------------------------------------------------------------------- writing


@dataclass(slots=True)
class _Undo:
    """What this run created, removed again when something fails."""

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

    def run(self) -> None:
        for path in reversed(self.files):
            with contextlib.suppress(OSError):
                path.unlink()
        for directory in reversed(self.dirs):
            with contextlib.suppress(OSError):
                directory.rmdir()  # only if still empty


def _create(directory: Path, name: str, undo: _Undo) -> tuple[Path, int]:
    """Create ``directory/name`` exclusively, adding ``-2``, ``-3``, ... when taken."""
    stem, suffix = _split_name(name)
    for candidate in _candidates(stem, suffix):
        target = directory / candidate
        try:
            fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        except FileExistsError:
            continue
        undo.files.append(target)
        return target, fd
    raise ReadinessError(f"{directory}: no free name for {name} (tried up to -{_MAX_SUFFIX})")


def _copy(source: Path, directory: Path, undo: _Undo) -> tuple[Path, str]:
    """Copy ``source`` into ``directory`` under a free name; returns the copy and its sha256."""
    target, fd = _create(directory, source.name, undo)
    digest = hashlib.sha256()
    with os.fdopen(fd, "wb") as out, open(source, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
            out.write(block)
    return target, digest.hexdigest()


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _record_path(catalog: Catalog, directory: Path, base: str, text: str, undo: _Undo) -> Path:
    """Write ``text`` to the first free ``<base>[-N].yaml`` whose id is not taken anywhere."""
    for candidate in _candidates(base, ""):
        if candidate in catalog.evidence:
            continue
        target = directory / f"{candidate}.yaml"
        try:
            fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        except FileExistsError:
            continue
        undo.files.append(target)
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as out:
            out.write(text)
        return target
    raise ReadinessError(f"{directory}: no free name for {base}.yaml (tried up to -{_MAX_SUFFIX})")


# -------------------------------------------------------------------------- entry


def new_evidence(
    root: Path,
    *,
    kind: str,
    summary: str,
    about: list[str],
    assess: dict[str, str],
    attach: list[Path],
    observed: dt.date | None,
    details: str | None,
    result: str | None,
    source: str | None,
    submitted_by: str | None,
    severity: str | None,
    supersedes: list[str],
    resolves: list[str],
    today: dt.date,
) -> Path:
    """Write a new evidence record under ``root``; returns its path (``root / evidence/...``).

    The record goes to ``evidence/<year>/<date>-<slug>.yaml`` (date: ``observed``,
    else ``today``; slug: from the summary), attachments to
    ``evidence/files/<year>/``. Raises :class:`UsageError` for malformed values,
    :class:`ReadinessError` for values the catalog does not know, and
    :class:`~generator.errors.ValidationFailed` when the catalog does not load
    before the record is added; in every case nothing is written.
    """
    from .loader import load_catalog

    root = Path(root)
    date = observed or today
    checked = _check_form(
        root,
        kind=kind,
        summary=summary,
        about=about,
        assess=assess,
        attach=attach,
        observed=date,
        today=today,
        details=details,
        result=result,
        source=source,
        submitted_by=submitted_by,
        severity=severity,
        supersedes=supersedes,
        resolves=resolves,
    )
    catalog = load_catalog(root)

    data: dict[str, Any] = {"observed": date, "kind": kind, "summary": summary}
    if result is not None:
        data["result"] = result
    if severity is not None:
        data["severity"] = severity
    _check_catalog(catalog, data, about=about, assess=assess, supersedes=supersedes, resolves=resolves)
    if details is not None:
        details = normalize_newlines(details)
        data["details"] = details if details.endswith("\n") else details + "\n"
    if source is not None:
        data["source"] = source
    if submitted_by is not None:
        data["submitted_by"] = submitted_by
    if checked.files:
        # Placeholders with the right form, so that the model checks the record before
        # anything is copied; the real paths and digests replace them below.
        data["attachments"] = [{"path": f"files/{date.year}/x", "sha256": "0" * 64} for _ in checked.files]
    _check_model(data)

    evidence_dir = root / "evidence"
    year = str(date.year)
    undo = _Undo()
    try:
        if checked.files:
            files_dir = evidence_dir / "files" / year
            undo.mkdir(files_dir)
            attachments = []
            for index, source_path in enumerate(checked.files):
                in_place = checked.in_place.get(index)
                if in_place is not None:
                    attachments.append({"path": in_place, "sha256": _sha256(source_path)})
                    continue
                copy, digest = _copy(source_path, files_dir, undo)
                attachments.append({"path": copy.relative_to(evidence_dir).as_posix(), "sha256": digest})
            data["attachments"] = attachments
            _check_model(data)
    except OSError as exc:
        undo.run()
        raise ReadinessError(f"cannot copy the attachments: {exc}") from exc
    except BaseException:
        undo.run()
        raise
    return write_record_file(
        root, catalog, evidence_dir / year, f"{date.isoformat()}-{slugify(summary, kind)}", render_record(data), undo
    )


def write_record_file(
    root: Path, catalog: Catalog, directory: Path, stem: str, text: str, undo: _Undo | None = None
) -> Path:
    """Write ``text`` to a new file ``directory/<stem>.yaml`` (``-2``, ``-3``, ... when taken; never
    overwriting), then check that the whole catalog still validates with it. On any failure nothing
    is left behind (``undo`` also removes what the caller made before, such as copied attachments)."""
    undo = undo or _Undo()
    try:
        undo.mkdir(directory)
        record = _record_path(catalog, directory, stem, text, undo)
    except OSError as exc:
        undo.run()
        raise ReadinessError(f"cannot write the record: {exc}") from exc
    except BaseException:
        undo.run()
        raise
    _check_written(Path(root), record, undo)
    return record


def _check_written(root: Path, record: Path, undo: _Undo) -> None:
    """Load the whole catalog with the new record; undo everything if it does not validate."""
    from .loader import load_catalog

    rel = record.relative_to(root).as_posix()
    try:
        catalog = load_catalog(root)
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
