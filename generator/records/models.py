"""The record models: the one schema of every record kind in the contract.

Every model forbids unknown fields and validates strictly (YAML's guesses are
not coerced back). Field descriptions end up in the generated JSON Schemas
under ``schema/`` that editors use; ``readiness schema`` writes them.

Optional fields default to ``None`` so that "absent" (not cataloged yet) stays
distinct from an explicit empty list ("declared none").
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Annotated, Any, Literal, Self, TypeGuard, get_args
from urllib.parse import urlsplit

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    PlainValidator,
    StringConstraints,
    ValidationError,
    ValidationInfo,
    WithJsonSchema,
    model_validator,
)
from pydantic_core import InitErrorDetails, PydanticCustomError

from ..textsafe import article

SLUG_PATTERN = r"^[a-z0-9][a-z0-9-]*$"
GATE_PATTERN = r"^[A-Z][A-Z0-9]*(-[A-Z0-9]+)+$"
RefKind = Literal["service", "store", "environment", "repo", "gate", "wave"]
"""The kinds a reference (``kind:id``) can name, in the order messages list them."""
REF_KINDS: tuple[str, ...] = get_args(RefKind)
REF_PATTERN = f"^({'|'.join(kind for kind in REF_KINDS if kind != 'gate')}):{SLUG_PATTERN[1:]}|^gate:{GATE_PATTERN[1:]}"
SHA256_PATTERN = r"^[0-9a-f]{64}$"

GateStatus = Literal["unknown", "partial", "blocked", "ready"]
GATE_STATUSES: tuple[str, ...] = get_args(GateStatus)
WaveStatus = Literal["not-started", "in-progress", "blocked", "passed"]


def is_gate_status(value: str) -> TypeGuard[GateStatus]:
    return value in GATE_STATUSES


VerificationKind = Literal[
    "endpoint-verified", "backup-verified", "restore-tested", "registry-verified", "tls-verified"
]
"""The evidence kinds that record a verification: they need a result."""
EvidenceKind = Literal["assessment", VerificationKind, "risk-raised", "note", "waiver", "sign-off"]
VERIFICATION_KINDS: frozenset[str] = frozenset(get_args(VerificationKind))
EVIDENCE_KINDS: tuple[str, ...] = get_args(EvidenceKind)
Result = Literal["pass", "fail"]
RESULTS: tuple[str, ...] = get_args(Result)
Severity = Literal["low", "medium", "high", "critical"]
SEVERITIES: tuple[str, ...] = get_args(Severity)
Decision = Literal["go", "no-go"]
DECISIONS: tuple[str, ...] = get_args(Decision)
MAX_WAIVER_DAYS = 180
"""A waiver's ``expires`` is at most this many days after its ``observed`` day."""
DECISION_FIELDS: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {
        "waive": ("waiver",),
        "expires": ("waiver",),
        "approved_by": ("waiver", "sign-off"),
        "wave": ("sign-off",),
        "decision": ("sign-off",),
        "accepted": ("sign-off",),
    }
)
"""The fields of decisions, and the kinds that may carry each."""
REQUIRED_DECISION_FIELDS: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {"waiver": ("waive", "approved_by", "expires"), "sign-off": ("wave", "decision", "approved_by")}
)
DECISION_KINDS: frozenset[str] = frozenset(REQUIRED_DECISION_FIELDS)
"""The kinds of decisions (waivers and sign-offs): their rules read gates' owners and statuses."""


def _not_blank(value: str) -> str:
    if not value.strip():
        raise ValueError("must not be blank")
    return value


_URL_BAD_CHARS = re.compile(r"[\s\x00-\x1f\x7f]")


def _http_url(value: str) -> str:
    if _URL_BAD_CHARS.search(value):
        raise ValueError("a URL must not contain spaces or control characters")
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError("must be an absolute http:// or https:// URL")
    try:
        parts.port  # noqa: B018 - raises on a bad port
    except ValueError as exc:
        raise ValueError(f"has a bad port ({exc})") from None
    return value


RESERVED_IDS: frozenset[str] = frozenset(
    {
        "index",
        *("gates", "waves", "services", "environments", "owners", "evidence", "risks", "history"),
        *("api", "badges", "embed", "assets", "search", "files", "guide", "page"),
        *("con", "prn", "aux", "nul"),
        *(f"com{n}" for n in range(1, 10)),
        *(f"lpt{n}" for n in range(1, 10)),
    }
)
"""Ids that would take a page or folder the site already uses, or a name some filesystems reserve."""


def reserved_reason(ident: str) -> str | None:
    """Why ``ident`` (an id, or a gate's lowercase slug) cannot be used, or ``None``."""
    name = ident.lower()
    if name not in RESERVED_IDS:
        return None
    if name in ("con", "prn", "aux", "nul") or name[:3] in ("com", "lpt"):
        return "is a device name that Windows filesystems reserve: choose another id"
    return f"is reserved: the site uses '{name}' for its own pages; choose another id"


def _not_reserved(value: str) -> str:
    reason = reserved_reason(value)
    if reason is not None:
        raise ValueError(reason)
    return value


_SLUG_FULL = re.compile(SLUG_PATTERN)
_GATE_FULL = re.compile(GATE_PATTERN)
_REF_FULL = re.compile(REF_PATTERN)


def is_slug(text: str) -> bool:
    """A whole-string slug match (``$`` alone would accept a trailing newline), at most 64 characters."""
    return len(text) <= 64 and _SLUG_FULL.fullmatch(text) is not None


def is_gate_id(text: str) -> bool:
    """A whole-string gate id match, at most 64 characters."""
    return len(text) <= 64 and _GATE_FULL.fullmatch(text) is not None


def is_ref(text: str) -> bool:
    """A whole-string ``kind:id`` reference match, at most 80 characters."""
    return len(text) <= 80 and _REF_FULL.fullmatch(text) is not None


Slug = Annotated[str, StringConstraints(pattern=SLUG_PATTERN, max_length=64)]
"""A lowercase slug that refers to something (pydantic's Rust regex matches ``$`` at the very end only)."""
Id = Annotated[str, StringConstraints(pattern=SLUG_PATTERN, max_length=64), AfterValidator(_not_reserved)]
"""The id (or a former id) of a record: a slug that takes no page the site already uses."""
GateId = Annotated[str, StringConstraints(pattern=GATE_PATTERN, max_length=64)]
OwnGateId = Annotated[str, StringConstraints(pattern=GATE_PATTERN, max_length=64), AfterValidator(_not_reserved)]
"""A gate's own id or former id (its slug, the lowercase form, takes a page)."""
EntityRef = Annotated[str, StringConstraints(pattern=REF_PATTERN, max_length=80)]
MAX_AGE_DAYS = 36_500
"""Longest freshness window (100 years): enough for any evidence, and dates stay dates."""
MAX_LINE = 500
"""Longest one-line text field (titles, names, summaries, ...), in characters."""
MAX_MARKDOWN = 20_000
"""Longest Markdown field (details, notes, requirement, rollback text), in characters."""
MAX_MARKDOWN_BRACKETS = 500
"""Most '[' characters in one Markdown field: Markdown's link parsing is quadratic in them."""

LINE_PATTERN = r"^[^\r\n]*\S[^\r\n]*$"
OPT_LINE_PATTERN = r"^[^\r\n]*$"
Line = Annotated[str, StringConstraints(pattern=LINE_PATTERN, max_length=MAX_LINE)]
"""Required one-line plain text (checked in pydantic's core: no Python call per value)."""
OptLine = Annotated[str, StringConstraints(pattern=OPT_LINE_PATTERN, max_length=MAX_LINE)]
"""Optional one-line plain text; blank counts as not present for checks."""


def _markdown_limits(value: str) -> str:
    brackets = value.count("[")
    if brackets > MAX_MARKDOWN_BRACKETS:
        raise ValueError(
            f"has {brackets:,} '[' characters, more than {MAX_MARKDOWN_BRACKETS}: Markdown this dense takes "
            "too long to render; move bulk text to an attachment"
        )
    return value


Text = Annotated[
    str,
    StringConstraints(max_length=MAX_MARKDOWN),
    AfterValidator(_not_blank),
    AfterValidator(_markdown_limits),
    Field(json_schema_extra={"contentMediaType": "text/markdown"}),
]
Markdown = Annotated[
    str,
    StringConstraints(max_length=MAX_MARKDOWN),
    AfterValidator(_markdown_limits),
    Field(json_schema_extra={"contentMediaType": "text/markdown"}),
]
Url = Annotated[
    str, AfterValidator(_http_url), WithJsonSchema({"type": "string", "format": "uri", "pattern": "^https?://"})
]


def _date_value(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        raise ValueError("must be a date like 2026-06-14, without a time")
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            pass
    raise ValueError("must be a date like 2026-06-14")


def _moment_value(value: Any) -> dt.date | dt.datetime:
    if isinstance(value, dt.datetime):
        if value.tzinfo is None:
            return value.replace(tzinfo=dt.UTC)
        try:
            return value.astimezone(dt.UTC)
        except OverflowError:
            raise ValueError("is before the year 1 in UTC: write a real date") from None
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return (
                _moment_value(dt.datetime.fromisoformat(value))
                if "T" in value or " " in value
                else dt.date.fromisoformat(value)
            )
        except ValueError:
            pass
    raise ValueError("must be a date like 2026-06-14 or a UTC time like 2026-06-14T09:30:00Z")


Date = Annotated[
    dt.date,
    PlainValidator(_date_value),
    WithJsonSchema({"type": "string", "format": "date"}),
]
Moment = Annotated[
    dt.date | dt.datetime,
    PlainValidator(_moment_value),
    WithJsonSchema({"anyOf": [{"type": "string", "format": "date"}, {"type": "string", "format": "date-time"}]}),
]


class Record(BaseModel):
    """Common configuration: unknown fields are errors, no type coercion."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class Link(Record):
    """A titled link to something outside the catalog."""

    title: Line = Field(description="Text of the link.")
    url: Url = Field(description="Absolute http(s) URL.")


class Repo(Record):
    """An owner repository (data/repos.yaml)."""

    id: Id = Field(description="Repository id: lowercase slug.")
    url: Url | None = Field(None, description="Web URL of the repository; runbook paths link through it.")
    description: OptLine | None = Field(None, description="What the repository holds.")
    contacts: list[OptLine] | None = Field(None, description="People or channels to ask.")
    aliases: list[Id] = Field(default_factory=list, description="Former ids; their URLs redirect here.")


EnvironmentLifecycle = Literal["planned", "building", "active", "draining", "retired"]


class Environment(Record):
    """An environment (data/environments.yaml)."""

    id: Id = Field(description="Environment id: lowercase slug.")
    name: Line = Field(description="Display name.")
    role: OptLine | None = Field(None, description="What the environment is for.")
    lifecycle: EnvironmentLifecycle | None = Field(None, description="Where the environment is in its life.")
    owner: Slug | None = Field(None, description="Owner repo id.")
    notes: Markdown | None = Field(None, description="Owner notes (Markdown).")
    aliases: list[Id] = Field(default_factory=list, description="Former ids; their URLs redirect here.")


class Endpoint(Record):
    """One endpoint of a deployment."""

    url: Url = Field(description="Absolute http(s) URL.")
    kind: Literal["web", "api", "registry", "health", "other"] | None = Field(
        None, description="What the endpoint serves."
    )


class Deployment(Record):
    """Where a service runs now, or is going."""

    environment: Slug = Field(description="Environment id.")
    state: Literal["live", "target", "retired"] = Field(description="live: runs there now; target: is going there.")
    endpoints: list[Endpoint] | None = Field(None, description="Endpoints in this environment.")


class Backup(Record):
    """How a store is backed up."""

    location: OptLine | None = Field(None, description="Where backups are kept.")
    schedule: OptLine | None = Field(None, description="When backups run.")
    retention: OptLine | None = Field(None, description="How long backups are kept.")
    owner: Slug | None = Field(None, description="Repo id of the owner of the backups.")


class Store(Record):
    """A persistent data store of a service."""

    id: Id = Field(description="Store id, unique across all services.")
    kind: Line = Field(description="What kind of store (postgresql, object-storage, ...).")
    description: OptLine | None = Field(None, description="What it holds.")
    backup: Backup | None = Field(None, description="Backup location, schedule, retention and owner.")
    aliases: list[Id] = Field(default_factory=list, description="Former ids; their URLs redirect here.")


class Runbooks(Record):
    """Runbooks: each a URL, or a path inside the owner repo."""

    deploy: OptLine | None = Field(None, description="Deploy runbook: URL or path in the owner repo.")
    restore: OptLine | None = Field(None, description="Restore runbook: URL or path in the owner repo.")
    rotate: OptLine | None = Field(None, description="Secret rotation runbook: URL or path in the owner repo.")
    incident: OptLine | None = Field(None, description="Incident response runbook: URL or path in the owner repo.")
    migration: OptLine | None = Field(None, description="Migration runbook: URL or path in the owner repo.")


class Observability(Record):
    """Where health, logs and metrics are: each a URL, or a path inside the owner repo."""

    health: OptLine | None = Field(None, description="Health check: URL or path in the owner repo.")
    logs: OptLine | None = Field(None, description="Logs: URL or path in the owner repo.")
    metrics: OptLine | None = Field(None, description="Metrics: URL or path in the owner repo.")


class Service(Record):
    """A service (data/services/<id>.yaml) with its persistent data stores.

    Stores are part of it: a check that selects stores reaches them as ``store:<id>``.
    """

    id: Id = Field(description="Service id; equals the file stem.")
    name: Line = Field(description="Display name.")
    description: OptLine | None = Field(None, description="What the service does.")
    owner: Slug | None = Field(None, description="Owner repo id.")
    criticality: Literal["critical", "high", "normal", "low"] | None = Field(None, description="How critical.")
    lifecycle: Literal["planned", "live", "migrating", "retired"] | None = Field(
        None, description="retired keeps the service valid but out of tables, waves and checks."
    )
    deployments: list[Deployment] | None = Field(None, description="Where it runs now and where it is going.")
    stores: list[Store] | None = Field(None, description="Persistent data stores; [] means declared none.")
    runbooks: Runbooks | None = Field(None, description="Operator runbooks.")
    observability: Observability | None = Field(None, description="Health, logs and metrics.")
    depends_on: list[Slug] | None = Field(None, description="Ids of services this one needs.")
    links: list[Link] | None = Field(None, description="Other links.")
    aliases: list[Id] = Field(default_factory=list, description="Former ids; their URLs redirect here.")


CheckSelect = Literal["environments", "services", "stores", "waves"]


def _where_value(value: Any) -> str | int | bool | dt.date:
    if isinstance(value, dt.datetime):
        raise ValueError(f"has a time: 'where' compares dates, so write the date alone ({value.date().isoformat()})")
    if isinstance(value, (str, int, bool, dt.date)):
        return value
    raise ValueError("must be text, a whole number, true or false, or a date like 2026-06-14")


WhereValue = Annotated[
    str | int | bool | dt.date,
    PlainValidator(_where_value),
    WithJsonSchema(
        {"anyOf": [{"type": "string"}, {"type": "integer"}, {"type": "boolean"}, {"type": "string", "format": "date"}]}
    ),
]
"""A value a check's ``where`` lists: kept with its type (``true`` is not ``1``, a date written
unquoted is a date, a quoted one is text), because it is compared with the field's value as is."""


class Check(Record):
    """An automatic check: selects entities and states what each must have."""

    select: CheckSelect = Field(description="Which kind of entity the check selects.")
    ids: list[Slug] | None = Field(None, description="Only these ids; one that does not exist is a failing result.")
    where: dict[str, list[WhereValue]] | None = Field(
        None,
        description=(
            "Filter on top-level fields: the field's value must be one of those listed, compared as the "
            "field's type (a date field matches a date written unquoted)."
        ),
    )
    fields: list[Annotated[str, StringConstraints(pattern=r"^[a-z_]+(\.[a-z_]+)*$")]] | None = Field(
        None,
        description="Fields each entity must have (dotted paths reach into mappings; virtual: endpoints, evidence).",
    )
    evidence: EvidenceKind | None = Field(
        None, description="The latest record of this kind about the entity must pass."
    )
    max_age_days: Annotated[int, Field(ge=0, le=MAX_AGE_DAYS)] | None = Field(
        None, description="With evidence: the latest record may be at most this many days old."
    )


class Gate(Record):
    """A readiness gate (data/gates.yaml)."""

    id: OwnGateId = Field(description="Gate id, e.g. OPS-G05; its URL slug is the lowercase form.")
    title: Line = Field(description="What must be true, in one line.")
    owners: list[Slug] = Field(default_factory=list, description="Owner repo ids; may be empty.")
    owners_note: OptLine | None = Field(None, description="Free text shown beside the owners.")
    requirement: Text = Field(description="The evidence requirement (Markdown).")
    requires: list[GateId] = Field(default_factory=list, description="Precondition gates that must be ready.")
    max_age_days: Annotated[int, Field(ge=0, le=MAX_AGE_DAYS)] | None = Field(
        None, description="An assessment older than this no longer proves ready."
    )
    service: Slug | None = Field(None, description="Service id, for a service-specific gate.")
    checks: list[Check] = Field(default_factory=list, description="Automatic checks.")
    aliases: list[OwnGateId] = Field(default_factory=list, description="Former ids; their URLs redirect here.")
    retired: bool = Field(False, description="A retired gate stays valid but counts for nothing.")


class Rollback(Record):
    """How to roll a wave back."""

    conditions: Markdown | None = Field(None, description="When to roll back (Markdown).")
    steps: Markdown | None = Field(None, description="How to roll back (Markdown).")
    data_safety: Markdown | None = Field(None, description="What protects data during rollback (Markdown).")


class Wave(Record):
    """A migration wave (data/waves.yaml)."""

    id: Id = Field(description="Wave id: lowercase slug.")
    title: Line = Field(description="The goal of the wave.")
    gates: list[GateId] = Field(description="Required gates, in order.")
    services: list[Slug] | None = Field(
        None, description="Services that move in this wave; their service-specific gates are required too."
    )
    target: Date | None = Field(None, description="Due date; after it an unfinished wave is overdue.")
    rollback: Rollback | None = Field(None, description="Rollback conditions, steps and data safety.")
    notes: Markdown | None = Field(None, description="Notes (Markdown).")
    aliases: list[Id] = Field(default_factory=list, description="Former ids; their URLs redirect here.")
    retired: bool = Field(False, description="A retired wave stays valid but counts for nothing.")


class Observation(Record):
    """One structured probe result."""

    check: Line = Field(description="What was checked.")
    expected: OptLine | None = Field(None, description="What was expected (text: quote numbers).")
    actual: OptLine | None = Field(None, description="What was observed (text: quote numbers).")
    ok: bool = Field(description="Whether the step passed.")


class Attachment(Record):
    """A file under evidence/ that the record points to."""

    path: Annotated[str, StringConstraints(min_length=1, max_length=512)] = Field(
        description="Path relative to evidence/, e.g. files/2026/openapi.json."
    )
    sha256: Annotated[str, StringConstraints(pattern=SHA256_PATTERN)] = Field(
        description="Lowercase hex SHA-256 of the file."
    )


class AllowedSecret(Record):
    """A reviewed false positive of the secret scanner (data/allowed-secrets.yaml)."""

    fingerprint: Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{24}$")] = Field(
        description="The fingerprint the scanner printed for the finding."
    )
    path: Annotated[str, StringConstraints(min_length=1, max_length=512)] | None = Field(
        None, description="Only in this file (a path relative to the repository root, glob patterns allowed)."
    )
    reason: Line = Field(description="Why this is not a secret (who reviewed it).")


def ready_despite_failure(result: str | None, assess: Mapping[str, str]) -> list[str]:
    """Gates a record would assess ``ready`` although its own result is ``fail``: a failing
    observation cannot prove a gate ready, so such an assessment is never written or accepted."""
    if result != "fail":
        return []
    return sorted(gate for gate, status in assess.items() if status == "ready")


FAILED_READY_FIX = (
    "a record whose result is fail cannot assess a gate ready: assess it partial, or record a passing result"
)
"""The one wording of that rule, for the loader, `evidence new` and the probes."""

RecordRule = Literal[
    "failed-ready", "result-required", "severity-on-risk", "decision-field", "waiver-expires", "accepted-on-no-go"
]


@dataclass(frozen=True, slots=True)
class RuleBreach:
    """A record rule broken: which, where in the record, and how a record file's problem says it."""

    rule: RecordRule
    loc: tuple[str, ...]
    message: str
    missing: str = ""
    """The required field a ``loc`` of ``()`` breach lacks (``evidence new`` names its option)."""


def evidence_rule_breaches(
    kind: str, result: str | None, assess: Mapping[str, str], severity: str | None
) -> list[RuleBreach]:
    """The rules that span fields of an evidence record, checked on its values: a failing
    record cannot assess a gate ready, the verification kinds need a result, and severity
    is for risk-raised records only. :class:`Evidence` enforces them; ``readiness evidence
    new`` checks its options with them before anything else."""
    breaches = [
        RuleBreach("failed-ready", ("assess", gate), FAILED_READY_FIX) for gate in ready_despite_failure(result, assess)
    ]
    if kind in VERIFICATION_KINDS and result is None:
        breaches.append(
            RuleBreach("result-required", (), f"missing required field 'result' (pass or fail) for a {kind} record")
        )
    if severity is not None and kind != "risk-raised":
        breaches.append(
            RuleBreach(
                "severity-on-risk",
                ("severity",),
                "severity is for risk-raised records only: remove it or change the kind",
            )
        )
    return breaches


def decision_rule_breaches(
    kind: str, present: Collection[str], observed: dt.date | None, expires: dt.date | None, decision: str | None
) -> list[RuleBreach]:
    """The rules of waivers and sign-offs that one record's values show: each kind's required
    fields, decision fields only on their kinds, a waiver's ``expires`` within
    :data:`MAX_WAIVER_DAYS` of its ``observed`` day, ``accepted`` only on a ``go``.
    ``present``: the fields the record (or ``evidence new``) sets."""
    breaches = [
        RuleBreach("decision-field", (), f"missing required field '{name}' for {article(kind)} record", name)
        for name in REQUIRED_DECISION_FIELDS.get(kind, ())
        if name not in present
    ]
    for name, kinds in DECISION_FIELDS.items():
        if name in present and kind not in kinds:
            breaches.append(
                RuleBreach(
                    "decision-field",
                    (name,),
                    f"{name} is for {' and '.join(kinds)} records only: remove it or change the kind",
                )
            )
    if kind == "waiver" and observed is not None and expires is not None:
        last = observed + dt.timedelta(days=MAX_WAIVER_DAYS)
        if expires < observed:
            breaches.append(
                RuleBreach(
                    "waiver-expires",
                    ("expires",),
                    f"expires {expires.isoformat()} is before observed ({observed.isoformat()}): a waiver ends "
                    "after it starts",
                )
            )
        elif expires > last:
            breaches.append(
                RuleBreach(
                    "waiver-expires",
                    ("expires",),
                    f"expires {expires.isoformat()} is more than {MAX_WAIVER_DAYS} days after observed "
                    f"({observed.isoformat()}): end it by {last.isoformat()}, and file a new waiver then if "
                    "it is still needed",
                )
            )
    if kind == "sign-off" and decision == "no-go" and "accepted" in present:
        breaches.append(
            RuleBreach(
                "accepted-on-no-go",
                ("accepted",),
                "accepted lists the open gates a go knowingly accepts: remove it from a no-go",
            )
        )
    return breaches


@dataclass(slots=True)
class CollectBreaches:
    """A validation context (``Evidence.model_validate(value, context=CollectBreaches())``) under
    which the record rules are collected here instead of failing the record: the loader keeps
    such a record, so that a broken rule does not hide the record's other problems."""

    breaches: list[RuleBreach] = field(default_factory=list)


class Evidence(Record):
    """A dated evidence record (evidence/**/<id>.yaml; the file stem is its id)."""

    observed: Moment = Field(description="Date, or UTC time, when the fact was observed.")
    kind: EvidenceKind = Field(description="What kind of evidence.")
    summary: Line = Field(description="One line of plain text.")
    result: Result | None = Field(None, description="Required for the verification kinds.")
    about: list[EntityRef] = Field(default_factory=list, max_length=200, description="Entity references (kind:id).")
    assess: dict[GateId, GateStatus] = Field(default_factory=dict, description="Gate id -> assessed status.")
    details: Markdown | None = Field(None, description="Details (Markdown).")
    observations: list[Observation] | None = Field(
        None, max_length=1000, description="Structured results, one per probe step."
    )
    source: OptLine | None = Field(None, description="How it was obtained: script, command, or manual.")
    submitted_by: OptLine | None = Field(None, description="Who submitted it.")
    links: list[Link] | None = Field(None, description="Links.")
    attachments: list[Attachment] | None = Field(
        None, max_length=50, description="Files under evidence/ with their digests."
    )
    severity: Severity | None = Field(None, description="risk-raised only.")
    resolves: list[Slug] = Field(default_factory=list, description="Earlier risk-raised records this closes.")
    supersedes: list[Slug] = Field(
        default_factory=list, description="Earlier records this corrects; they stop counting."
    )
    waive: dict[GateId, Annotated[list[EntityRef], Field(min_length=1, max_length=200)]] | None = Field(
        None,
        description="waiver only: gate id -> the entities whose failing check results it covers "
        "(entities the gate's checks select).",
    )
    approved_by: Slug | Annotated[list[Slug], Field(min_length=1, max_length=20)] | None = Field(
        None,
        description="waiver and sign-off: the owner repo (or repos) deciding; for a waiver, an owner of every "
        "waived gate.",
    )
    expires: Date | None = Field(
        None,
        description=f"waiver only: the last day it is in force (UTC), at most {MAX_WAIVER_DAYS} days after observed.",
    )
    wave: Slug | None = Field(None, description="sign-off only: the wave decided on.")
    decision: Decision | None = Field(None, description="sign-off only: go or no-go.")
    accepted: list[GateId] = Field(
        default_factory=list,
        description="sign-off (go) only: gates not ready at the decision that it knowingly accepts.",
    )

    @property
    def approvers(self) -> tuple[str, ...]:
        """``approved_by`` as a tuple (it may be written as one repo id or a list)."""
        if self.approved_by is None:
            return ()
        return (self.approved_by,) if isinstance(self.approved_by, str) else tuple(self.approved_by)

    @model_validator(mode="after")
    def _record_rules(self, info: ValidationInfo) -> Self:
        observed_day = self.observed.date() if isinstance(self.observed, dt.datetime) else self.observed
        breaches = evidence_rule_breaches(self.kind, self.result, self.assess, self.severity)
        breaches += decision_rule_breaches(self.kind, self.model_fields_set, observed_day, self.expires, self.decision)
        if breaches and isinstance(info.context, CollectBreaches):
            info.context.breaches.extend(breaches)
        elif breaches:
            errors = [
                InitErrorDetails(
                    type=PydanticCustomError("record_rule", "{message}", {"message": breach.message}),
                    loc=breach.loc,
                    input=self,
                )
                for breach in breaches
            ]
            raise ValidationError.from_exception_data(type(self).__name__, errors)
        return self


@functools.lru_cache(maxsize=4096)
def observed_moment(value: dt.date | dt.datetime) -> dt.datetime:
    """An ``observed`` value as a UTC moment: a date means the start of that day.

    Memoized (a pure function of an immutable value): a history asks for the same
    dates once per commit."""
    if isinstance(value, dt.datetime):
        return value
    return dt.datetime(value.year, value.month, value.day, tzinfo=dt.UTC)


def slug_of_gate(gate_id: str) -> str:
    """The URL slug of a gate id (its lowercase form)."""
    return gate_id.lower()
