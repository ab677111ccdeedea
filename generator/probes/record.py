"""What a probe saw, and the evidence record that says it: build it, scrub it.

An :class:`Outcome` holds the steps a probe took; :func:`probe_record` makes it
an :class:`~generator.records.models.Evidence` record (scrubbed of every secret the probe
handled), which :mod:`generator.records.recordfile` writes like any other record. Probe
records have what hand-written ones do not: ``observations`` (``ok`` stays a
boolean) and an ``observed`` UTC time rather than a date.
"""

from __future__ import annotations

import datetime as dt
import re
import shlex
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from urllib.parse import parse_qsl, quote, urlsplit, urlunsplit

from ..records import yamlstrict
from ..records.models import Evidence, EvidenceKind, GateStatus, Observation, Result, ready_despite_failure

if TYPE_CHECKING:
    pass

SUBMITTED_BY = "readiness probe"
"""``submitted_by`` of every probe record."""

MAX_TEXT = 300
"""Longest text taken from the network into a record (reasons, headers, names)."""

REDACTED = "REDACTED"
"""What stands in for a secret or a sensitive URL part."""

_HIDDEN_OR_BREAK = re.compile(yamlstrict.FORBIDDEN.pattern + r"+|[\r\n\t\u2028\u2029]+")
"""What a record may not hold (records/yamlstrict.FORBIDDEN), and line breaks: a server's text becomes one line."""
_SENSITIVE_QUERY = re.compile(
    r"token|secret|passw|pwd|auth|key|sig|credential|session|cookie|code|jwt|bearer", re.IGNORECASE
)


# ------------------------------------------------------------------- text helpers


def one_line(text: object, limit: int = MAX_TEXT) -> str:
    """``text`` as one line of plain text: control, bidirectional and zero-width characters and
    line breaks become a space, runs of blanks collapse, and it is cut at ``limit`` characters."""
    flat = " ".join(_HIDDEN_OR_BREAK.sub(" ", str(text)).split())
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


# ------------------------------------------------------------------- the outcome


@dataclass(frozen=True, slots=True)
class Step:
    """One observation: what was checked, what was expected, what was seen."""

    check: str
    expected: str
    actual: str
    ok: bool


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

    kind: EvidenceKind
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

    @classmethod
    def begin(cls, kind: EvidenceKind, name: str, command: list[str]) -> Outcome:
        """An outcome observed now, with no step yet (the probe fills in its summary at the end)."""
        return cls(kind=kind, name=name, summary="", command=command, observed=now())

    @property
    def passed(self) -> bool:
        return bool(self.steps) and all(step.ok for step in self.steps)

    @property
    def result(self) -> Result:
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


def probe_record(
    outcome: Outcome,
    *,
    about: Iterable[str] = (),
    assess: Mapping[str, GateStatus] | None = None,
    note: str | None = None,
) -> Evidence:
    """The record of ``outcome``, scrubbed of its secrets. ``note`` is a line of Markdown
    added at the end of the details (where a plan entry came from). A failing probe
    assesses no gate ready: such assessments are left out, and the details say so."""
    scrub = outcome.secrets.scrub
    details = [*outcome.details, *([note] if note else [])]
    refused = ready_despite_failure(outcome.result, assess or {})
    if refused:
        details.append(f"- Not assessed ready, because the probe failed: {', '.join(refused)}")
    return Evidence(
        observed=outcome.observed,
        kind=outcome.kind,
        summary=scrub(one_line(outcome.summary, limit=500)) or f"{outcome.kind} probe",
        result=outcome.result,
        about=list(about),
        assess={gate: status for gate, status in (assess or {}).items() if gate not in refused},
        # Details quote what servers sent: hidden characters go, as in every record (the lines stay).
        details=scrub(yamlstrict.FORBIDDEN.sub(" ", "\n".join(details))) + "\n" if details else None,
        observations=[
            Observation(
                check=scrub(one_line(step.check)),
                expected=scrub(one_line(step.expected)),
                actual=scrub(one_line(step.actual)),
                ok=step.ok,
            )
            for step in outcome.steps
        ],
        source=scrub(command_line(outcome.command)),
        submitted_by=SUBMITTED_BY,
    )
