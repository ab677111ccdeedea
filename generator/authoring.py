"""Write a new evidence record: the logic behind ``readiness evidence new``.

:func:`new_evidence` checks every value first (its form, then against the
loaded catalog), builds the :class:`~generator.records.models.Evidence` record, copies
the attachments, and writes the record through :mod:`generator.records.recordfile` (the
writer the probes use too), which loads the whole catalog again. When anything
fails nothing is left behind: copied attachments, the record and the
directories made for them are removed again. Nothing is ever overwritten: a
taken file name gets ``-2``, ``-3``, ... before its extension.

Errors name the option they come from (``--assess OPS-G99=ready: unknown gate
'OPS-G99'``). Values that are wrong whatever the catalog holds (a malformed gate
id, a missing ``--result``, a missing file) are :class:`UsageError` (exit 2),
and so are well-formed values the catalog does not know: either way the
command line is wrong.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
import stat
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NotRequired, TypedDict, Unpack

from pydantic import ValidationError

from .errors import UsageError
from .records import yamlstrict
from .records.loader.messages import suggest
from .records.models import (
    DECISIONS,
    EVIDENCE_KINDS,
    LINE_PATTERN,
    RESULTS,
    SEVERITIES,
    Evidence,
    GateStatus,
    RuleBreach,
    decision_rule_breaches,
    evidence_rule_breaches,
    is_gate_id,
    is_slug,
)
from .records.recordfile import Undo, create_new, write_evidence
from .references import reference_problems, resolve_decision, resolve_references, statuses
from .validation import load_valid

_LINE_RE = re.compile(LINE_PATTERN)


# ------------------------------------------------------------------ small helpers


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


def _split_name(name: str) -> tuple[str, str]:
    """``report.tar.gz`` -> ``("report", ".tar.gz")``; a leading dot belongs to the stem."""
    stripped = name.lstrip(".")
    head = name[: len(name) - len(stripped)]
    stem, dot, suffix = stripped.partition(".")
    return head + stem, dot + suffix


# ---------------------------------------------------------------------- checking


@dataclass(slots=True)
class _Checked:
    """The assessments and the files to attach, after checking."""

    assess: dict[str, GateStatus] = field(default_factory=dict)
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


def _option_problem(breach: RuleBreach, kind: str) -> str:
    """A record rule broken by the options, worded for them."""
    if breach.rule == "failed-ready":
        return f"--assess {breach.loc[1]}=ready: {breach.message}"
    if breach.rule == "result-required":
        return f"--result (pass or fail) is required for {kind} records"
    return f"--severity is for risk-raised records only, not {kind}"


class EvidenceOptions(TypedDict):
    """The options of ``readiness evidence new``, as :func:`new_evidence` takes them."""

    kind: str
    summary: str
    about: list[str]
    assess: dict[str, str]
    attach: list[Path]
    observed: dt.date | None
    details: str | None
    result: str | None
    source: str | None
    submitted_by: str | None
    severity: str | None
    supersedes: list[str]
    resolves: list[str]
    waive: NotRequired[list[str]]
    """``GATE=ENTITY`` pairs (waiver)."""
    approved_by: NotRequired[list[str]]
    """Owner repo ids (waiver, sign-off)."""
    expires: NotRequired[dt.date | None]
    """Last day a waiver is in force."""
    wave: NotRequired[str | None]
    decision: NotRequired[str | None]
    accept: NotRequired[list[str]]
    """Open gates a go accepts (sign-off)."""


_DECISION_OPTIONS = {
    "waive": "--waive",
    "approved_by": "--approved-by",
    "expires": "--expires",
    "wave": "--wave",
    "decision": "--decision",
    "accepted": "--accept",
}
"""The option that sets each field of a decision."""


def parse_waive(values: Iterable[str]) -> dict[str, list[str]]:
    """``["OPS-G06=store:gitea-packages", ...]`` -> ``{"OPS-G06": ["store:gitea-packages"]}``
    (the ``--waive`` option's form; :class:`UsageError` for a value without ``=``)."""
    out: dict[str, list[str]] = {}
    problems: list[str] = []
    for value in values:
        gate, sep, entity = (part.strip() for part in value.partition("="))
        if not sep or not gate or not entity:
            problems.append(f"--waive {value}: write GATE=ENTITY, e.g. OPS-G06=store:gitea-packages")
        elif entity not in out.setdefault(gate, []):
            out[gate].append(entity)
    if problems:
        raise UsageError("\n".join(problems))
    return out


def _decision_problems(options: EvidenceOptions, observed: dt.date) -> list[str]:
    """The decision options' form and rules (required per kind, only on their kinds, expiry window)."""
    kind = options["kind"]
    waive = parse_waive(options.get("waive", []))
    present = {
        name
        for name, given in (
            ("waive", bool(waive)),
            ("approved_by", bool(options.get("approved_by"))),
            ("expires", options.get("expires") is not None),
            ("wave", options.get("wave") is not None),
            ("decision", options.get("decision") is not None),
            ("accepted", bool(options.get("accept"))),
        )
        if given
    }
    problems = reference_problems([e for entities in waive.values() for e in entities], {})
    problems = [p.replace("--about", "--waive", 1) for p in problems]
    problems += [
        f"--waive {gate}=...: '{gate}' is not a valid gate id: use uppercase parts joined by '-', like OPS-G05"
        for gate in waive
        if not is_gate_id(gate)
    ]
    decision = options.get("decision")
    if decision is not None and decision not in DECISIONS:
        problems.append(f"--decision {decision}: use go or no-go")
    for breach in decision_rule_breaches(kind, present, observed, options.get("expires"), decision):
        name = breach.missing or breach.loc[0]
        option = _DECISION_OPTIONS[name]
        if breach.missing:
            problems.append(f"{option} is required for {kind} records")
        elif breach.rule == "decision-field":
            problems.append(f"{option}: {breach.message.removeprefix(f'{name} ')}")
        else:
            problems.append(f"{option}: {breach.message}")
    return problems


def _check_form(root: Path, options: EvidenceOptions, observed: dt.date, today: dt.date) -> _Checked:
    """Every check that needs no catalog; raises :class:`UsageError` with all problems."""
    kind, result, severity, assess = options["kind"], options["result"], options["severity"], options["assess"]
    problems: list[str] = []
    if kind not in EVIDENCE_KINDS:
        problems.append(
            f"--kind {kind}: unknown kind{suggest(kind, EVIDENCE_KINDS)} (use one of {', '.join(EVIDENCE_KINDS)})"
        )
    _check_line("--summary", options["summary"], problems)
    if observed > today:
        problems.append(
            f"--observed {observed.isoformat()}: is after today ({today.isoformat()}): evidence records facts already seen"
        )
    problems += reference_problems(options["about"], assess)
    if result is not None and result not in RESULTS:
        problems.append(f"--result {result}: use pass or fail")
    breaches = evidence_rule_breaches(kind, result, assess, severity)
    problems += [_option_problem(breach, kind) for breach in breaches if breach.rule != "severity-on-risk"]
    if kind in EVIDENCE_KINDS:
        problems += _decision_problems(options, observed)
    if severity is not None and severity not in SEVERITIES:
        problems.append(f"--severity {severity}: use one of {', '.join(SEVERITIES)}")
    if kind in EVIDENCE_KINDS:  # an unknown kind is reported already
        problems += [_option_problem(breach, kind) for breach in breaches if breach.rule == "severity-on-risk"]
    details = options["details"]
    if details is not None and not details.strip():
        problems.append("--details: must not be blank")
    elif details is not None:
        _check_characters("--details", normalize_newlines(details), problems)
    _check_line("--source", options["source"], problems)
    _check_line("--submitted-by", options["submitted_by"], problems)
    for option, ids in (("--supersedes", options["supersedes"]), ("--resolves", options["resolves"])):
        for ident in ids:
            if not is_slug(ident):
                problems.append(
                    f"{option} {ident}: not a valid evidence id (the file name without .yaml, "
                    "e.g. 2026-06-14-seed-status)"
                )
    checked = _Checked(assess=statuses(assess))
    for index, path in enumerate(options["attach"]):
        in_place = _check_file(root, path, problems)
        checked.files.append(path)
        if in_place is not None:
            checked.in_place[index] = in_place
    if problems:
        raise UsageError("\n".join(problems))
    return checked


def _check_model(data: dict[str, Any]) -> Evidence:
    """The record, built by the :class:`Evidence` model (a last net: the checks above
    should have caught everything)."""
    try:
        return Evidence.model_validate(data)
    except ValidationError as exc:
        lines = []
        for error in exc.errors(include_url=False):
            loc = error["loc"]
            option = "--" + str(loc[0]).replace("_", "-") if loc else "record"
            lines.append(f"{option}: {error['msg']}")
        raise UsageError("\n".join(lines)) from None


# ----------------------------------------------------------------------- writing


def _copy(source: Path, directory: Path, undo: Undo) -> tuple[Path, str]:
    """Copy ``source`` into ``directory`` under a free name; returns the copy and its sha256."""
    target, fd = create_new(directory, *_split_name(source.name), undo)
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


# -------------------------------------------------------------------------- entry


def new_evidence(root: Path, *, today: dt.date, **options: Unpack[EvidenceOptions]) -> Path:
    """Write a new evidence record under ``root``; returns its path (``root / evidence/...``).

    The record goes to ``evidence/<year>/<date>-<slug>.yaml`` (date: ``observed``,
    else ``today``; slug: from the summary), attachments to
    ``evidence/files/<year>/``. Raises :class:`UsageError` for malformed values
    and for values the catalog does not know, and
    :class:`~generator.errors.ValidationFailed` when the catalog does not load
    before the record is added; in every case nothing is written.
    """
    root = Path(root)
    date = options["observed"] or today
    checked = _check_form(root, options, date, today)
    catalog = load_valid(root)

    data: dict[str, Any] = {"observed": date, "kind": options["kind"], "summary": options["summary"]}
    for key in ("result", "severity", "source", "submitted_by"):
        if options[key] is not None:
            data[key] = options[key]
    resolved = resolve_references(
        catalog,
        about=options["about"],
        assess=checked.assess,
        supersedes=options["supersedes"],
        resolves=options["resolves"],
    )
    decided = resolve_decision(
        catalog,
        waive=parse_waive(options.get("waive", [])),
        approved_by=options.get("approved_by", []),
        wave=options.get("wave"),
        accepted=options.get("accept", []),
    )
    approvers: str | list[str] = decided.approved_by
    if options["kind"] == "waiver" and len(decided.approved_by) == 1:
        approvers = decided.approved_by[0]  # as the contract writes a waiver's approver
    for key, value in (
        ("supersedes", resolved.supersedes),
        ("resolves", resolved.resolves),
        ("about", resolved.about),
        ("assess", resolved.assess),
        ("waive", decided.waive),
        ("wave", decided.wave),
        ("decision", options.get("decision")),
        ("accepted", decided.accepted),
        ("approved_by", approvers),
        ("expires", options.get("expires")),
    ):
        if value:
            data[key] = value
    if options["details"] is not None:
        details = normalize_newlines(options["details"])
        data["details"] = details if details.endswith("\n") else details + "\n"
    if checked.files:
        # Placeholders with the right form, so that the model checks the record before
        # anything is copied; the real paths and digests replace them below.
        data["attachments"] = [{"path": f"files/{date.year}/x", "sha256": "0" * 64} for _ in checked.files]
    record = _check_model(data)

    evidence_dir = root / "evidence"
    undo = Undo()
    with undo.on_failure("copy the attachments"):
        if checked.files:
            files_dir = evidence_dir / "files" / str(date.year)
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
            record = _check_model(data)
    return write_evidence(root, catalog, record, options["summary"], undo, load_valid)
