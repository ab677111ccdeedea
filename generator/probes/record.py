"""What a probe saw, as an evidence record: build it, scrub it, render it, write it.

The YAML comes from the writer of ``readiness evidence new``
(:mod:`generator.authoring`): its dumper, its quoting of every text value and its
read-back check with the strict loader. This module only adds what probe
records have and hand-written ones do not: ``observations`` (``ok`` stays a
boolean) and an ``observed`` UTC time rather than a date. Files are created the
same way too: ``evidence/<year>/<date>-<slug>.yaml``, never overwriting (a taken
name gets ``-2``, ``-3``, ...), and the whole catalog is loaded again afterwards;
when it does not validate, the file is removed.
"""

from __future__ import annotations

import datetime as dt
import re
import shlex
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, quote, urlsplit, urlunsplit

import yaml

from .. import yamlstrict
from ..errors import Problem
from ..models import ready_despite_failure

if TYPE_CHECKING:
    from ..catalog import Catalog

SUBMITTED_BY = "readiness probe"
"""``submitted_by`` of every probe record."""

MAX_TEXT = 300
"""Longest text taken from the network into a record (reasons, headers, names)."""

REDACTED = "REDACTED"
"""What stands in for a secret or a sensitive URL part."""

FIELD_ORDER = (
    "observed",
    "kind",
    "summary",
    "result",
    "about",
    "assess",
    "details",
    "observations",
    "source",
    "submitted_by",
)

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]+")
_SENSITIVE_QUERY = re.compile(
    r"token|secret|passw|pwd|auth|key|sig|credential|session|cookie|code|jwt|bearer", re.IGNORECASE
)


# ------------------------------------------------------------------- text helpers


def one_line(text: object, limit: int = MAX_TEXT) -> str:
    """``text`` as one line of plain text: control characters and line breaks become
    a space, runs of blanks collapse, and it is cut at ``limit`` characters."""
    flat = " ".join(_CONTROL.sub(" ", str(text)).split())
    return flat if len(flat) <= limit else flat[: limit - 3].rstrip() + "..."


def safe_url(url: str) -> str:
    """``url`` fit to be recorded: no userinfo, and the values of query parameters
    whose names look sensitive (``token``, ``X-Amz-Signature``, ...) replaced."""
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
        port = parts.port
    except ValueError:
        return one_line(url.split("@")[-1])
    if ":" in host:
        host = f"[{host}]"
    netloc = host if port is None else f"{host}:{port}"
    query = parts.query
    if query:
        pairs = parse_qsl(query, keep_blank_values=True)
        query = "&".join(
            f"{quote(name, safe='')}={REDACTED if _SENSITIVE_QUERY.search(name) else quote(value, safe='/:')}"
            for name, value in pairs
        )
    return one_line(urlunsplit((parts.scheme, netloc, parts.path, query, "")))


def plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


# ------------------------------------------------------------------- the outcome


@dataclass(frozen=True, slots=True)
class Step:
    """One observation: what was checked, what was expected, what was seen."""

    check: str
    expected: str
    actual: str
    ok: bool

    def as_data(self) -> dict[str, Any]:
        return {
            "check": one_line(self.check),
            "expected": one_line(self.expected),
            "actual": one_line(self.actual),
            "ok": self.ok,
        }


@dataclass(slots=True)
class Secrets:
    """Secret values a probe handled (passwords, tokens, Authorization values).

    Every text of a record is scrubbed of them before it is printed or written:
    a second net under the first rule, which is that no step records them."""

    values: set[str] = field(default_factory=set)

    MIN_LENGTH = 4
    """Shorter values are not scrubbed (they would mangle ordinary words); no step records them anyway."""

    def add(self, value: str | None) -> None:
        if value and len(value) >= self.MIN_LENGTH:
            self.values.add(value)

    def scrub(self, text: str) -> str:
        for value in sorted(self.values, key=len, reverse=True):
            text = text.replace(value, REDACTED)
        return text


@dataclass(slots=True)
class Outcome:
    """What a probe saw. ``result`` is pass only when every step passed."""

    kind: str
    name: str
    """Basis of the file name (``<date>-<slug of name>.yaml``), e.g. ``tls-gitea-coulomb-social``."""
    summary: str
    command: list[str]
    """The command line that repeats the probe (no secret is ever on it)."""
    observed: dt.datetime
    steps: list[Step] = field(default_factory=list)
    details: list[str] = field(default_factory=list)
    """Markdown lines (list items, notes)."""
    secrets: Secrets = field(default_factory=Secrets)

    @property
    def passed(self) -> bool:
        return bool(self.steps) and all(step.ok for step in self.steps)

    @property
    def result(self) -> str:
        return "pass" if self.passed else "fail"

    def first_failure(self) -> Step | None:
        return next((step for step in self.steps if not step.ok), None)


def now() -> dt.datetime:
    """The current UTC time to the second (what ``observed`` records)."""
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


def command_line(argv: Sequence[str]) -> str:
    """``argv`` as one shell-quoted line, URLs made safe."""
    shown = [safe_url(arg) if "://" in arg else arg for arg in argv]
    return one_line(" ".join(shlex.quote(arg) for arg in shown), limit=1000)


# ---------------------------------------------------------------------- the record


def record_data(
    outcome: Outcome,
    *,
    about: Iterable[str] = (),
    assess: Mapping[str, str] | None = None,
    note: str | None = None,
) -> dict[str, Any]:
    """The record's fields, scrubbed of the outcome's secrets. ``note`` is a line
    of Markdown added at the end of the details (where a plan entry came from)."""
    scrub = outcome.secrets.scrub
    details = [*outcome.details, *([note] if note else [])]
    data: dict[str, Any] = {
        "observed": outcome.observed,
        "kind": outcome.kind,
        "summary": scrub(one_line(outcome.summary, limit=500)) or f"{outcome.kind} probe",
        "result": outcome.result,
    }
    about = list(about)
    if about:
        data["about"] = about
    refused = ready_despite_failure(outcome.result, assess or {})
    assess = {gate: status for gate, status in (assess or {}).items() if gate not in refused}
    if assess:
        data["assess"] = assess
    if refused:
        details.append(f"- Not assessed ready, because the probe failed: {', '.join(refused)}")
    if details:
        data["details"] = scrub("\n".join(details)) + "\n"
    data["observations"] = [
        {key: scrub(value) if isinstance(value, str) else value for key, value in step.as_data().items()}
        for step in outcome.steps
    ]
    data["source"] = scrub(command_line(outcome.command))
    data["submitted_by"] = SUBMITTED_BY
    return data


def render(data: dict[str, Any]) -> str:
    """The file text of a probe record, through the dumper of ``readiness evidence new``.

    Like :func:`generator.authoring.render_record` the text is parsed again with
    the strict loader and must give back ``data`` exactly, and the record must
    satisfy the :class:`~generator.models.Evidence` model; anything else is a bug.
    """
    from pydantic import ValidationError

    from ..authoring import SCHEMA_COMMENT, _Literal, _Quoted
    from ..models import Evidence

    ordered = {key: data[key] for key in FIELD_ORDER if key in data}
    unknown = set(data) - set(ordered)
    if unknown:
        raise ValueError(f"fields the probe writer does not know: {sorted(unknown)}")
    marked: dict[str, Any] = {}
    for key, value in ordered.items():
        if key == "details":
            marked[key] = _Literal(value)
        elif key == "observations":
            marked[key] = [{k: v if isinstance(v, bool) else _Quoted(v) for k, v in item.items()} for item in value]
        elif key == "about":
            marked[key] = [_Quoted(item) for item in value]
        elif key == "assess":
            marked[key] = {_Quoted(k): _Quoted(v) for k, v in value.items()}
        elif isinstance(value, str):
            marked[key] = _Quoted(value)
        else:
            marked[key] = value
    body = yaml.dump(
        marked, Dumper=_dumper(), sort_keys=False, allow_unicode=True, width=1 << 30, default_flow_style=False
    )
    text = f"{SCHEMA_COMMENT}\n{body}"
    problems: list[Problem] = []
    parsed = yamlstrict.parse(text, "<probe record>", problems)
    if parsed is None or problems or parsed.value != ordered:
        raise AssertionError(f"the probe record does not read back as written: {problems or parsed}")
    try:
        Evidence.model_validate(parsed.value)
    except ValidationError as exc:  # pragma: no cover - a bug, not a user error
        raise AssertionError(f"the probe record is not a valid evidence record: {exc}") from None
    return text


_DUMPER: type[yaml.SafeDumper] | None = None


def _dumper() -> type[yaml.SafeDumper]:
    """The evidence writer's dumper, plus UTC times written as ``2026-06-14T09:30:00Z``."""
    global _DUMPER
    if _DUMPER is None:
        from ..authoring import _Dumper

        class _ProbeDumper(_Dumper):
            pass

        def represent_time(dumper: yaml.SafeDumper, value: dt.datetime) -> yaml.Node:
            utc = value.astimezone(dt.UTC)
            return dumper.represent_scalar("tag:yaml.org,2002:timestamp", utc.strftime("%Y-%m-%dT%H:%M:%SZ"))

        _ProbeDumper.add_representer(dt.datetime, represent_time)
        _DUMPER = _ProbeDumper
    return _DUMPER


# ---------------------------------------------------------------------- writing


def check_refs(root: Path, about: Sequence[str], assess: dict[str, str]) -> None:
    """The form of ``--about`` and ``--assess`` values, as ``readiness evidence new``
    checks them (:class:`~generator.errors.UsageError` naming the option)."""
    from ..authoring import _check_form

    today = now().date()
    _check_form(
        root,
        kind="note",
        summary="probe",
        about=list(about),
        assess=dict(assess),
        attach=[],
        observed=today,
        today=today,
        details=None,
        result=None,
        source=None,
        submitted_by=None,
        severity=None,
        supersedes=[],
        resolves=[],
    )


def resolve_refs(catalog: Catalog, about: Sequence[str], assess: dict[str, str]) -> tuple[list[str], dict[str, str]]:
    """``--about`` and ``--assess`` resolved against the catalog (aliases followed,
    repeats dropped); :class:`~generator.errors.ReadinessError` naming the option."""
    from ..authoring import _check_catalog

    data: dict[str, Any] = {}
    _check_catalog(catalog, data, about=list(about), assess=dict(assess), supersedes=[], resolves=[])
    return list(data.get("about", [])), dict(data.get("assess", {}))


def write(root: Path, catalog: Catalog, data: dict[str, Any], name: str) -> Path:
    """Write the record to a new file ``evidence/<year>/<date>-<slug>.yaml``; returns its path.

    Raises :class:`~generator.errors.ReadinessError` (and leaves nothing behind)
    when the file cannot be written or the catalog does not validate with it.
    """
    from ..authoring import slugify, write_record_file

    text = render(data)
    observed: dt.datetime = data["observed"]
    date = observed.date()
    directory = Path(root) / "evidence" / str(date.year)
    return write_record_file(root, catalog, directory, f"{date.isoformat()}-{slugify(name, data['kind'])}", text)
