"""The probe plan (``data/probes.yaml``): which endpoints to probe, and how.

```yaml
timeout: 10                      # optional: seconds, for every probe without its own
credentials:                     # each credential variable -> the only origins it may go to
  GITEA_REGISTRY_USER: [https://gitea.coulomb.social]
  GITEA_REGISTRY_TOKEN: [https://gitea.coulomb.social]
probes:
  - name: gitea-web              # * unique slug; the records are <date>-<name>.yaml
    probe: http                  # * http | openapi | tls | registry
    url: https://gitea.coulomb.social/
    expect: 200                  # http: the status code (default 200)
    method: GET                  # http: GET | HEAD
    follow_redirects: true       # http: default true
    about: [service:gitea]       # entity references, as in evidence records
    assess_on_pass: {OPS-G05: ready}      # gate assessments written when the probe passes
    assess_on_fail: {OPS-G05: partial}    # ... and when it fails
  - name: gitea-tls
    probe: tls
    host: gitea.coulomb.social:443   # tls: HOST[:PORT]
    min_days: 14                     # tls: default 14
  - name: inter-hub-openapi
    probe: openapi
    url: https://example.invalid/openapi.json
    require: [/hubs, /policy-scopes]  # openapi: * at least one path
  - name: gitea-registry
    probe: registry
    url: https://gitea.coulomb.social/v2/
    user_env: GITEA_REGISTRY_USER        # registry: names of environment variables,
    password_env: GITEA_REGISTRY_TOKEN   #   never the values
    push_test: ops-hub/readiness-probe   # registry: optional
```

Every probe also takes ``ca`` (a PEM file, relative to the repository root)
and ``timeout``. The file is read with the strict YAML rules of the records and
validated by :class:`Plan` (unknown fields are errors); references and gates
must exist in the catalog. Problems are reported like validation problems,
``path:line:column: message``, and a broken plan exits with 2 (usage), so that
a scheduled run can tell it from a probe that failed (1).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Literal, Self
from urllib.parse import urlsplit

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints, model_validator

from .. import yamlstrict
from ..catalog import Catalog, Origin
from ..errors import Problem, UsageError, ValidationFailed
from ..models import FAILED_READY_FIX, EntityRef, GateId, GateStatus, Slug, Url, ready_despite_failure
from .http import DEFAULT_TIMEOUT, HttpSpec, probe_http
from .net import origin
from .openapi import OpenApiSpec, probe_openapi
from .record import Outcome
from .registry import ENV_PATTERN, REPO_PATTERN, RegistrySpec, probe_registry
from .tls import DEFAULT_MIN_DAYS, TlsSpec, parse_target, probe_tls

DEFAULT_PLAN = Path("data") / "probes.yaml"

ProbeKind = Literal["http", "openapi", "tls", "registry"]
EnvName = Annotated[str, StringConstraints(pattern=ENV_PATTERN.pattern, max_length=128)]
RepoName = Annotated[str, StringConstraints(pattern=REPO_PATTERN.pattern, max_length=255)]
ApiPath = Annotated[str, StringConstraints(pattern=r"^/[^\s]*$", max_length=500)]

FIELDS: dict[str, frozenset[str]] = {
    "http": frozenset({"url", "expect", "method", "follow_redirects"}),
    "openapi": frozenset({"url", "require"}),
    "tls": frozenset({"host", "min_days"}),
    "registry": frozenset({"url", "user_env", "password_env", "push_test"}),
}
"""The kind-specific fields each probe takes (besides the common ones)."""
ARTICLE = {"http": "an", "openapi": "an", "tls": "a", "registry": "a"}
REQUIRED: dict[str, tuple[str, ...]] = {
    "http": ("url",),
    "openapi": ("url", "require"),
    "tls": ("host",),
    "registry": ("url",),
}


class PlanInvalid(ValidationFailed):
    """The plan does not validate: a usage error (exit 2), not a failing probe."""

    exit_code = 2


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class ProbeEntry(_Strict):
    """One probe of the plan."""

    name: Slug = Field(description="Unique name; the records it writes are <date>-<name>.yaml.")
    probe: ProbeKind = Field(description="Which probe: http, openapi, tls or registry.")
    url: Url | None = Field(None, description="http, openapi, registry: the URL (a registry's base, /v2/ optional).")
    host: str | None = Field(None, description="tls: HOST[:PORT] (default port 443).")
    expect: Annotated[int, Field(ge=100, le=599)] | None = Field(None, description="http: expected status (200).")
    method: Literal["GET", "HEAD"] | None = Field(None, description="http: GET (default) or HEAD.")
    follow_redirects: bool | None = Field(None, description="http: follow redirects (default true).")
    require: list[ApiPath] | None = Field(None, description="openapi: paths the document must list.")
    min_days: Annotated[int, Field(ge=0)] | None = Field(None, description="tls: least days until expiry (14).")
    user_env: EnvName | None = Field(None, description="registry: variable holding the user name.")
    password_env: EnvName | None = Field(None, description="registry: variable holding the password or token.")
    push_test: RepoName | None = Field(None, description="registry: repository to push, pull and delete in.")
    ca: Annotated[str, StringConstraints(min_length=1, max_length=500)] | None = Field(
        None, description="PEM file of the only CAs to trust, relative to the repository root."
    )
    timeout: Annotated[float, Field(gt=0, le=600)] | None = Field(None, description="Seconds (plan default: 10).")
    about: list[EntityRef] = Field(default_factory=list, description="Entity references for the records.")
    assess_on_pass: dict[GateId, GateStatus] = Field(
        default_factory=dict, description="Gate assessments written when the probe passes."
    )
    assess_on_fail: dict[GateId, GateStatus] = Field(
        default_factory=dict, description="Gate assessments written when the probe fails."
    )

    @model_validator(mode="after")
    def _fail_never_ready(self) -> Self:
        gates = ready_despite_failure("fail", self.assess_on_fail)
        if gates:
            raise ValueError(f"assess_on_fail sets {', '.join(gates)} ready: {FAILED_READY_FIX}")
        return self

    @model_validator(mode="after")
    def _fits_the_probe(self) -> Self:
        own = FIELDS[self.probe]
        others = sorted(
            name
            for kind_fields in FIELDS.values()
            for name in kind_fields
            if name not in own and getattr(self, name) is not None
        )
        if others:
            raise ValueError(
                f"{', '.join(others)}: not a field of {ARTICLE[self.probe]} {self.probe} probe (it takes {', '.join(sorted(own))})"
            )
        missing = [name for name in REQUIRED[self.probe] if getattr(self, name) is None]
        if missing:
            raise ValueError(f"{ARTICLE[self.probe]} {self.probe} probe needs {' and '.join(missing)}")
        if self.probe == "openapi" and not self.require:
            raise ValueError("an openapi probe needs at least one path in require")
        if self.host is not None:
            try:
                parse_target(self.host, "host")
            except UsageError as exc:
                raise ValueError(str(exc)) from None
        if (self.user_env is None) != (self.password_env is None):
            raise ValueError("user_env and password_env go together: give both or neither")
        return self


def _bare_origin(value: str) -> str:
    parts = urlsplit(value)
    if parts.path not in ("", "/") or parts.query or parts.fragment or parts.username or parts.password:
        raise ValueError("must be an origin only, scheme://host[:port], like https://registry.example")
    return value


OriginUrl = Annotated[Url, AfterValidator(_bare_origin)]


class Plan(_Strict):
    """The probe plan (data/probes.yaml)."""

    timeout: Annotated[float, Field(gt=0, le=600)] = Field(
        DEFAULT_TIMEOUT, description="Seconds, for every probe without its own timeout."
    )
    credentials: dict[EnvName, list[OriginUrl]] = Field(
        default_factory=dict,
        description="Each credential variable a probe names -> the origins (scheme://host[:port]) it may be sent "
        "to; a probe never sends it anywhere else, redirects and token services included.",
    )
    probes: list[ProbeEntry] = Field(description="The probes, run in this order.")

    def origins_for(self, entry: ProbeEntry) -> tuple[str, ...]:
        """The origins every credential variable of ``entry`` is bound to (the intersection)."""
        names = [name for name in (entry.user_env, entry.password_env) if name is not None]
        if not names:
            return ()
        bound = [{origin(url) for url in self.credentials.get(name, [])} for name in names]
        common = set.intersection(*bound)
        return tuple(sorted({url.rstrip("/") for url in self.credentials[names[0]] if origin(url) in common}))

    def credential_problems(self) -> list[tuple[tuple[str | int, ...], str]]:
        """(field path, message) for each credential variable that is not bound, or that a probe
        would send to an origin it is not bound to."""
        problems: list[tuple[tuple[str | int, ...], str]] = []
        for index, entry in enumerate(self.probes):
            for field_name in ("user_env", "password_env"):
                name = getattr(entry, field_name)
                if name is None:
                    continue
                loc: tuple[str | int, ...] = ("probes", index, field_name)
                if name not in self.credentials:
                    problems.append(
                        (
                            loc,
                            f"{name} is not bound to an origin: list it under 'credentials:' with the origin it is for",
                        )
                    )
                elif entry.url is not None and origin(entry.url) not in {origin(u) for u in self.credentials[name]}:
                    problems.append(
                        (
                            loc,
                            f"this probe would send {name} to {_origin_text(entry.url)}, which is not an origin it is "
                            f"bound to ({', '.join(self.credentials[name])}): fix the url or the binding",
                        )
                    )
        return problems


def _origin_text(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc.rsplit('@', 1)[-1]}"


# ------------------------------------------------------------------------ loading


def load_plan(root: Path, path: Path) -> Plan:
    """Read and validate the plan at ``path``; :class:`PlanInvalid` with every problem."""
    from ..loader import _File, _FileResult, _validate

    root = Path(root)
    try:
        rel = path.resolve().relative_to(root.resolve()).as_posix()
    except (ValueError, OSError):
        rel = str(path)
    problems: list[Problem] = []
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise UsageError(f"{rel}: cannot read the probe plan ({exc.strerror})") from None
    text = yamlstrict.decode(data, rel, problems)
    parsed = yamlstrict.parse(text, rel, problems) if text is not None else None
    if parsed is None or problems:
        raise PlanInvalid(problems)
    if not isinstance(parsed.value, dict):
        raise PlanInvalid([Problem(rel, 1, 1, "expected a mapping with 'probes:' (a list of probes)")])
    result = _FileResult()
    file = _File(rel, parsed.node, result)
    plan = _validate(file, Plan, parsed.value, Origin(rel))
    if isinstance(plan, Plan):
        seen: dict[str, int] = {}
        for index, entry in enumerate(plan.probes):
            if entry.name in seen:
                file.add(
                    Origin(rel),
                    ("probes", index, "name"),
                    f"duplicate probe name '{entry.name}' (first is probes[{seen[entry.name]}])",
                )
            seen.setdefault(entry.name, index)
            if entry.ca is not None and not (root / entry.ca).is_file():
                file.add(
                    Origin(rel), ("probes", index, "ca"), f"'{entry.ca}' is not a file (paths are relative to the root)"
                )
        for loc, message in plan.credential_problems():
            file.add(Origin(rel), loc, message)
    if result.problems or not isinstance(plan, Plan):
        raise PlanInvalid(result.problems)
    return plan


def resolve_plan(root: Path, path: Path, plan: Plan, catalog: Catalog) -> list[ProbeEntry]:
    """The entries with ``about`` and gate ids resolved against the catalog (aliases
    followed); :class:`PlanInvalid` naming each unknown one where it is written."""
    from ..loader import _File, _FileResult

    try:
        rel = path.resolve().relative_to(Path(root).resolve()).as_posix()
    except (ValueError, OSError):
        rel = str(path)
    parsed = yamlstrict.parse(path.read_text(encoding="utf-8"), rel, [])
    result = _FileResult()
    file = _File(rel, parsed.node if parsed is not None else None, result)
    resolved: list[ProbeEntry] = []
    for index, entry in enumerate(plan.probes):
        about: list[str] = []
        for ref_index, ref in enumerate(entry.about):
            found = catalog.resolve_ref(ref)
            if found is None:
                kind, _, ident = ref.partition(":")
                file.add(Origin(rel), ("probes", index, "about", ref_index), f"unknown {kind} '{ident}'")
            elif f"{found[0]}:{found[1]}" not in about:
                about.append(f"{found[0]}:{found[1]}")
        assess: dict[str, dict[str, str]] = {"assess_on_pass": {}, "assess_on_fail": {}}
        for key in assess:
            for gate, status in getattr(entry, key).items():
                canonical = catalog.resolve("gate", gate)
                if canonical is None:
                    file.add(Origin(rel), ("probes", index, key, gate), f"unknown gate '{gate}'", key=True)
                else:
                    assess[key][canonical] = status
        resolved.append(
            entry.model_copy(
                update={
                    "about": about,
                    "assess_on_pass": assess["assess_on_pass"],
                    "assess_on_fail": assess["assess_on_fail"],
                }
            )
        )
    if result.problems:
        raise PlanInvalid(result.problems)
    return resolved


# ------------------------------------------------------------------------ running


def spec_of(entry: ProbeEntry, plan: Plan, root: Path) -> HttpSpec | OpenApiSpec | TlsSpec | RegistrySpec:
    """The probe spec an entry describes (the plan's ``ca`` is relative to ``root``)."""
    timeout = entry.timeout if entry.timeout is not None else plan.timeout
    # Relative to the current directory, as a user would type it to repeat the probe.
    ca = Path(os.path.relpath(Path(root) / entry.ca)) if entry.ca is not None else None
    if entry.probe == "http":
        assert entry.url is not None
        return HttpSpec(
            url=entry.url,
            expect=entry.expect if entry.expect is not None else 200,
            method=entry.method or "GET",
            follow=entry.follow_redirects if entry.follow_redirects is not None else True,
            ca=ca,
            timeout=timeout,
        )
    if entry.probe == "openapi":
        assert entry.url is not None and entry.require
        return OpenApiSpec(url=entry.url, require=tuple(entry.require), ca=ca, timeout=timeout)
    if entry.probe == "tls":
        assert entry.host is not None
        host, port = parse_target(entry.host, "host")
        min_days = entry.min_days if entry.min_days is not None else DEFAULT_MIN_DAYS
        return TlsSpec(host=host, port=port, min_days=min_days, ca=ca, timeout=timeout)
    assert entry.url is not None
    return RegistrySpec(
        url=entry.url,
        user_env=entry.user_env,
        password_env=entry.password_env,
        push_test=entry.push_test,
        ca=ca,
        timeout=timeout,
        origins=plan.origins_for(entry),
    )


def run_spec(spec: HttpSpec | OpenApiSpec | TlsSpec | RegistrySpec) -> Outcome:
    """Run the probe a spec describes."""
    runners: dict[type, Callable[..., Outcome]] = {
        HttpSpec: probe_http,
        OpenApiSpec: probe_openapi,
        TlsSpec: probe_tls,
        RegistrySpec: probe_registry,
    }
    return runners[type(spec)](spec)


@dataclass(frozen=True, slots=True)
class PlanResult:
    """One probe of a plan run: the entry, what it saw, and the record written."""

    entry: ProbeEntry
    outcome: Outcome
    path: Path


def run_plan(root: Path, path: Path, report: Callable[[PlanResult], None] | None = None) -> list[PlanResult]:
    """Run every probe of the plan at ``path`` in order, writing one record each.

    The catalog and the plan are checked before anything runs; ``report`` is
    called after each probe (to print progress).
    """
    from ..loader import load_catalog
    from .record import record_data, write

    root = Path(root)
    plan = load_plan(root, path)
    catalog = load_catalog(root)
    entries = resolve_plan(root, path, plan, catalog)
    try:
        shown = path.resolve().relative_to(root.resolve()).as_posix()
    except (ValueError, OSError):
        shown = str(path)
    results: list[PlanResult] = []
    for entry in entries:
        outcome = run_spec(spec_of(entry, plan, root))
        assess = entry.assess_on_pass if outcome.passed else entry.assess_on_fail
        data = record_data(
            outcome,
            about=entry.about,
            assess=assess,
            note=f"- Probe `{entry.name}` of the plan `{shown}`",
        )
        result = PlanResult(entry, outcome, write(root, catalog, data, entry.name))
        results.append(result)
        if report is not None:
            report(result)
    return results
