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
validated by :class:`~.planschema.Plan` (unknown fields are errors; each probe's
fields come from its module, see :data:`generator.probes.PROBES`); references
and gates must exist in the catalog. Problems are reported like validation problems,
``path:line:column: message``, and a broken plan exits with 2 (usage), so that
a scheduled run can tell it from a probe that failed (1).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import Problem, UsageError, ValidationFailed
from ..records import loader, yamlstrict
from ..records.catalog import Catalog, Origin
from ..records.loader.documents import plan_document
from ..records.loader.messages import locate
from ..records.recordfile import write_evidence
from . import PROBES
from .base import PlanSettings
from .planschema import DEFAULT_PLAN, NOT_A_PLAN, Plan, ProbeEntry
from .record import Outcome, probe_record

__all__ = ["DEFAULT_PLAN", "PlanInvalid", "PlanResult", "load_plan", "resolve_plan", "run_plan", "spec_of"]


class PlanInvalid(ValidationFailed):
    """The plan does not validate: a usage error (exit 2), not a failing probe."""

    exit_code = 2


def _shown(root: Path, path: Path) -> str:
    """``path`` relative to ``root`` when it is inside, as messages name it."""
    try:
        return path.resolve().relative_to(Path(root).resolve()).as_posix()
    except (ValueError, OSError):
        return str(path)


# ------------------------------------------------------------------------ loading


def load_plan(root: Path, path: Path) -> Plan:
    """Read and validate the plan at ``path``; :class:`PlanInvalid` with every problem."""
    root = Path(root)
    rel = _shown(root, path)
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
        raise PlanInvalid([Problem(rel, 1, 1, NOT_A_PLAN)])
    plan, problems = plan_document(rel, parsed.node, parsed.value)
    if plan is not None:
        seen: dict[str, int] = {}
        for index, entry in enumerate(plan.probes):
            if entry.name in seen:
                problems.append(
                    locate(
                        Origin(rel),
                        ("probes", index, "name"),
                        parsed.node,
                        f"duplicate probe name '{entry.name}' (first is probes[{seen[entry.name]}])",
                    )
                )
            seen.setdefault(entry.name, index)
            if entry.ca is not None and not (root / entry.ca).is_file():
                problems.append(
                    locate(
                        Origin(rel),
                        ("probes", index, "ca"),
                        parsed.node,
                        f"'{entry.ca}' is not a file (paths are relative to the root)",
                    )
                )
    if problems or plan is None:
        raise PlanInvalid(problems)
    return plan


def resolve_plan(root: Path, path: Path, plan: Plan, catalog: Catalog) -> list[ProbeEntry]:
    """The entries with ``about`` and gate ids resolved against the catalog (aliases
    followed); :class:`PlanInvalid` naming each unknown one where it is written."""
    rel = _shown(root, path)
    parsed = yamlstrict.parse(path.read_text(encoding="utf-8"), rel, [])
    node = parsed.node if parsed is not None else None
    problems: list[Problem] = []
    resolved: list[ProbeEntry] = []
    for index, entry in enumerate(plan.probes):
        about: list[str] = []
        for ref_index, ref in enumerate(entry.about):
            found = catalog.resolve_ref(ref)
            if found is None:
                kind, _, ident = ref.partition(":")
                problems.append(
                    locate(Origin(rel), ("probes", index, "about", ref_index), node, f"unknown {kind} '{ident}'")
                )
            elif f"{found[0]}:{found[1]}" not in about:
                about.append(f"{found[0]}:{found[1]}")
        assess: dict[str, dict[str, str]] = {"assess_on_pass": {}, "assess_on_fail": {}}
        for key, written in (("assess_on_pass", entry.assess_on_pass), ("assess_on_fail", entry.assess_on_fail)):
            for gate, status in written.items():
                canonical = catalog.resolve("gate", gate)
                if canonical is None:
                    problems.append(
                        locate(Origin(rel), ("probes", index, key, gate), node, f"unknown gate '{gate}'", key=True)
                    )
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
    if problems:
        raise PlanInvalid(problems)
    return resolved


# ------------------------------------------------------------------------ running


def spec_of(entry: ProbeEntry, plan: Plan, root: Path) -> Any:
    """The spec an entry describes, for its probe's ``run`` (the plan's ``ca`` is relative to ``root``)."""
    settings = PlanSettings(
        # Relative to the current directory, as a user would type it to repeat the probe.
        ca=Path(os.path.relpath(Path(root) / entry.ca)) if entry.ca is not None else None,
        timeout=entry.timeout if entry.timeout is not None else plan.timeout,
        origins=plan.origins_for(entry),
    )
    return PROBES[entry.probe].from_plan(entry.settings, settings)


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
    root = Path(root)
    plan = load_plan(root, path)
    catalog = loader.load_catalog(root)
    entries = resolve_plan(root, path, plan, catalog)
    shown = _shown(root, path)
    results: list[PlanResult] = []
    for entry in entries:
        outcome = PROBES[entry.probe].run(spec_of(entry, plan, root))
        assess = entry.assess_on_pass if outcome.passed else entry.assess_on_fail
        record = probe_record(
            outcome,
            about=entry.about,
            assess=assess,
            note=f"- Probe `{entry.name}` of the plan `{shown}`",
        )
        result = PlanResult(entry, outcome, write_evidence(root, catalog, record, entry.name))
        results.append(result)
        if report is not None:
            report(result)
    return results
