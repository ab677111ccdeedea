"""Deterministic synthetic catalogs in the shape of the readiness data contract.

``write_catalog(root, size, seed)`` writes ``data/`` and ``evidence/`` under
*root*: repos, environments, gates, waves, one file per service and one file
per evidence record, plus a few attachments under ``evidence/files/``.  Every
record is valid under ``shared/design/readiness-model.md``: references
resolve, gate ``requires`` point only to lower-numbered gates, verification
records carry ``result``, ``resolves`` and ``supersedes`` point to earlier
records, attachments carry their real sha256.

The only source of variation is ``random.Random(seed)``: the same size and
seed always give byte-identical files.  Gate statuses are planned (ready,
partial, unknown, blocked) and the evidence is then shaped so that the derived
statuses match the plan when computed as of any moment from 2026-07-31 to the
end of 2027 (the latest ``observed`` is 2026-06-30; fresh-evidence checks use
7 and 30 days, and the oldest possible "ready" assessment that must stay fresh
has ``max_age_days: 730``).  Waves are built from those gates so that every
wave state occurs when there are at least four active waves.

Command line::

    python -m bench.synthetic {small,medium,large,stores} OUTDIR [--seed N] [--force]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import re
import shutil
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from types import MappingProxyType
from typing import Any

__all__ = ("PRESETS", "Size", "main", "preset", "write_catalog")


# --------------------------------------------------------------------------- sizes

# (suffix, possible kinds) for the first, second, ... store of a service.
_STORE_SHAPES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("db", ("postgresql", "postgresql", "postgresql", "mysql")),
    ("files", ("object-storage", "volume")),
    ("cache", ("redis",)),
    ("queue", ("rabbitmq", "nats")),
)


@dataclass(frozen=True, kw_only=True)
class Size:
    """How big a synthetic catalog is."""

    name: str
    services: int
    stores_per_service: int
    environments: int
    repos: int
    gates: int
    waves: int
    evidence: int
    store_checks: bool = False
    """Every active gate gets one more check over every store (the plan's statuses still hold:
    gates that must pass check a field every store has, the others fresh backup or restore evidence)."""

    def __post_init__(self) -> None:
        minimums = {
            "services": 2,
            "stores_per_service": 0,
            "environments": 2,
            "repos": 1,
            "gates": 4,
            "waves": 1,
            "evidence": 0,
        }
        if self.store_checks and self.stores_per_service < 1:
            raise ValueError("Size.store_checks needs stores (stores_per_service >= 1)")
        for name, low in minimums.items():
            value = getattr(self, name)
            if not isinstance(value, int) or isinstance(value, bool) or value < low:
                raise ValueError(f"Size.{name} must be an integer >= {low}, got {value!r}")
        if self.stores_per_service > len(_STORE_SHAPES):
            raise ValueError(f"Size.stores_per_service must be at most {len(_STORE_SHAPES)}")
        if self.services > 9999 or self.evidence > 999_999 or self.gates > 999 or self.environments > 98:
            raise ValueError("Size is beyond the id formats (svc-0000, ev-000000, SYN-G000, env-00)")


PRESETS: Mapping[str, Size] = MappingProxyType(
    {
        "small": Size(
            name="small", services=5, stores_per_service=1, environments=3, repos=3, gates=6, waves=2, evidence=30
        ),
        "medium": Size(
            name="medium",
            services=100,
            stores_per_service=1,
            environments=6,
            repos=10,
            gates=20,
            waves=6,
            evidence=1_000,
        ),
        "large": Size(
            name="large",
            services=300,
            stores_per_service=2,
            environments=8,
            repos=20,
            gates=40,
            waves=10,
            evidence=20_000,
        ),
        # The shape of issue #14: few records per commit, many checks over many entities.
        "stores": Size(
            name="stores",
            services=100,
            stores_per_service=2,
            environments=6,
            repos=10,
            gates=40,
            waves=8,
            evidence=4_000,
            store_checks=True,
        ),
    }
)


def preset(name: str) -> Size:
    """Return the preset size called *name* (small, medium or large)."""
    try:
        return PRESETS[name]
    except KeyError:
        raise ValueError(f"unknown size {name!r}; choose one of {', '.join(PRESETS)}") from None


# --------------------------------------------------------------------------- constants

_FIRST_DAY = date(2025, 1, 1)
_LAST_DAY = date(2026, 6, 30)
_SPAN_DAYS = (_LAST_DAY - _FIRST_DAY).days + 1
_YEAR_2026 = datetime(2026, 1, 1)

_VERIFICATION_KINDS = ("endpoint-verified", "backup-verified", "restore-tested", "registry-verified", "tls-verified")
_KIND_WEIGHTS: tuple[tuple[str, int], ...] = (
    ("assessment", 30),
    ("endpoint-verified", 15),
    ("backup-verified", 12),
    ("restore-tested", 6),
    ("registry-verified", 5),
    ("tls-verified", 10),
    ("risk-raised", 10),
    ("note", 12),
)
_ASSESS_VALUES = ("unknown", "partial", "blocked", "ready")


_NAME_A = (
    "ledger", "billing", "search", "identity", "catalog", "payments", "inventory", "notify", "render", "ingest",
    "archive", "metrics", "gateway", "scheduler", "profile", "report", "media", "audit", "session", "export",
)  # fmt: skip
_NAME_B = ("api", "worker", "portal", "service", "sync", "proxy", "store", "bridge", "engine", "hub")
_PEOPLE = ("amara", "bjorn", "chen", "dana", "eli", "farah", "goran", "hana", "ines", "jonas")
_SOURCES: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {
        "assessment": ("manual", "manual", "ci: nightly-readiness"),
        "endpoint-verified": ("scripts/probe-endpoints.py", "curl -fsS", "manual"),
        "tls-verified": ("scripts/probe-endpoints.py", "openssl s_client -connect", "manual"),
        "backup-verified": ("scripts/check-backups.sh", "manual"),
        "restore-tested": ("scripts/restore-drill.sh --scratch", "manual"),
        "registry-verified": ("docker push && docker pull", "ci: publish-image"),
        "risk-raised": ("manual",),
        "note": ("manual", "kubectl get pods -A"),
    }
)
# Plain-text values that a careless YAML writer would get wrong, plus hostile text.
_TRICKY = (
    "yes",
    "no",
    "1.10",
    "null",
    "on",
    "0755",
    "2026-01-01",
    "Handles: colons, # hashes and - dashes",
    'Quotes " and \\ backslashes',
    "Zürich edge cache — “smart quotes” and ünïcödé",
    "<script>alert('synthetic')</script>",
    "[not a list] {not a map}",
    "*not-an-alias &not-an-anchor",
    "@at-sign and `backticks`",
)
_RISKS = (
    "Single replica for {x}",
    "No restore drill on record for {x}",
    "Certificate renewal for {x} is manual",
    "Owner of {x} is unclear after the reorg",
    "Disk usage of {x} above 85%",
    "{x} depends on a host scheduled for decommission",
)
_NOTES = (
    "Handoff meeting notes for {x}",
    "Runbook review for {x}",
    "Capacity estimate for {x}",
    "Follow-up on {x} after the last incident",
)


# --------------------------------------------------------------------------- YAML text


class Literal(str):
    """Markdown written as a ``|`` block scalar; must end with a newline."""

    __slots__ = ()


class Flow(dict[str, Any]):
    """A mapping written inline, ``{a: 1, b: x}``."""


_PLAIN = re.compile(r"[A-Za-z][A-Za-z0-9_.-]*(?::[A-Za-z0-9][A-Za-z0-9_.-]*)?\Z")
_RESERVED = frozenset({"y", "n", "yes", "no", "on", "off", "true", "false", "null"})
_FLOW_WIDTH = 100

_Template = Callable[[], dict[str, Any]]


def _scalar(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%dT%H:%M:%SZ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str):
        if _PLAIN.match(value) and value.lower() not in _RESERVED:
            return value
        return json.dumps(value, ensure_ascii=False)
    raise TypeError(f"cannot write {type(value).__name__} as a YAML scalar")


def _flow(value: Any) -> str:
    if isinstance(value, list):
        return "[" + ", ".join(_flow(item) for item in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{_scalar(k)}: {_flow(v)}" for k, v in value.items() if v is not None) + "}"
    return _scalar(value)


def _is_scalar(value: Any) -> bool:
    return not isinstance(value, list | dict | Literal)


def _emit_map(mapping: Mapping[str, Any], indent: int, out: list[str]) -> None:
    pad = " " * indent
    for key, value in mapping.items():
        if value is None:
            continue
        head = f"{pad}{_scalar(key)}:"
        if isinstance(value, Literal):
            out.append(f"{head} |")
            out.extend(f"{pad}  {line}" if line else "" for line in value.splitlines())
        elif isinstance(value, Flow):
            out.append(f"{head} {_flow(value)}")
        elif isinstance(value, dict):
            if value:
                out.append(head)
                _emit_map(value, indent + 2, out)
            else:
                out.append(f"{head} {{}}")
        elif isinstance(value, list):
            inline = f"{head} {_flow(value)}"
            if not value or (all(_is_scalar(item) for item in value) and len(inline) <= _FLOW_WIDTH):
                out.append(inline)
            else:
                out.append(head)
                _emit_seq(value, indent + 2, out)
        else:
            out.append(f"{head} {_scalar(value)}")


def _emit_seq(items: Sequence[Any], indent: int, out: list[str]) -> None:
    pad = " " * indent
    for item in items:
        if isinstance(item, Flow):
            out.append(f"{pad}- {_flow(item)}")
        elif isinstance(item, dict):
            start = len(out)
            _emit_map(item, indent + 2, out)
            out[start] = f"{pad}- {out[start][indent + 2 :]}"
        elif isinstance(item, list | Literal):
            raise TypeError("nested lists and block scalars in lists are not written")
        else:
            out.append(f"{pad}- {_scalar(item)}")


def _document(value: Mapping[str, Any] | Sequence[Any], header: Sequence[str] = ()) -> bytes:
    out = [f"# {line}" if line else "#" for line in header]
    if isinstance(value, Mapping):
        _emit_map(value, 0, out)
    else:
        _emit_seq(value, 0, out)
    return ("\n".join(out) + "\n").encode("utf-8")


# --------------------------------------------------------------------------- plan


@dataclass
class _Service:
    id: str
    index: int
    retired: bool
    criticality: str
    record: dict[str, Any]
    envs: list[str]
    urls: list[str]
    stores: list[str]


@dataclass
class _Gate:
    id: str
    index: int
    retired: bool
    status: str
    mode: str
    requires: list[str]
    max_age_days: int | None
    service: str | None
    checks: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class _Ev:
    index: int
    id: str
    observed: date
    key: tuple[datetime, str]
    kind: str
    about: list[str]
    result: str | None = None
    severity: str | None = None
    assess: dict[str, str] = field(default_factory=dict)
    resolves: list[str] = field(default_factory=list)
    supersedes: list[str] = field(default_factory=list)
    superseded: bool = False
    url: str | None = None
    attachments: list[Flow] = field(default_factory=list)


_STATUS_MODES: Mapping[str, tuple[tuple[str, int], ...]] = MappingProxyType(
    {
        "ready": (("assess-ready", 50), ("checks-ready", 50)),
        "partial": (("assess-partial", 35), ("assess-expired", 20), ("assess-ready-failing", 20), ("checks-mixed", 25)),
        "unknown": (("assess-unknown", 40), ("no-evidence", 60)),
        "blocked": (("blocked-assessed", 60), ("blocked-quiet", 40)),
    }
)
_FINAL_ASSESS: Mapping[str, str] = MappingProxyType(
    {
        "assess-ready": "ready",
        "assess-expired": "ready",
        "assess-ready-failing": "ready",
        "assess-partial": "partial",
        "assess-unknown": "unknown",
    }
)


def _weighted(rng: random.Random, pairs: Sequence[tuple[str, int]]) -> str:
    return rng.choices([p[0] for p in pairs], weights=[p[1] for p in pairs])[0]


def _moment(observed: date) -> datetime:
    if isinstance(observed, datetime):
        return observed
    return datetime(observed.year, observed.month, observed.day)


class _Builder:
    """Builds one catalog; all randomness comes from ``self.rng`` in a fixed order."""

    def __init__(self, size: Size, seed: int) -> None:
        self.size = size
        self.seed = seed
        self.rng = random.Random(seed)
        self.repos: list[dict[str, Any]] = []
        self.envs: list[dict[str, Any]] = []
        self.services: list[_Service] = []
        self.gates: list[_Gate] = []
        self.waves: list[dict[str, Any]] = []
        self.evidence: list[_Ev] = []
        self.files: list[tuple[str, bytes]] = []

    # ---------------------------------------------------------------- entities

    def repo_ids(self) -> list[str]:
        return [r["id"] for r in self.repos]

    def build_repos(self) -> None:
        rng = self.rng
        for i in range(1, self.size.repos + 1):
            rid = f"repo-{i:02d}"
            record: dict[str, Any] = {"id": rid}
            if i == 1 or rng.random() < 0.9:
                record["url"] = f"https://git.example/synthetic/{rid}"
            record["description"] = rng.choice(
                ("Platform automation", "Application deployments", "Data services", "Cluster configuration")
            ) + (f" ({rng.choice(_TRICKY)})" if rng.random() < 0.1 else "")
            if rng.random() < 0.7:
                record["contacts"] = [f"#{rid}-oncall", f"{rng.choice(_PEOPLE)}@corp.example"]
            if rng.random() < 0.1:
                record["aliases"] = [f"old-{rid}"]
            self.repos.append(record)

    def build_environments(self) -> None:
        rng = self.rng
        roles = ("production", "staging", "development", "disaster-recovery")
        for i in range(1, self.size.environments + 1):
            eid = f"env-{i:02d}"
            legacy = i % 2 == 1
            role = roles[((i - 1) // 2) % len(roles)]
            if legacy:
                lifecycle = "draining" if role == "production" else rng.choice(("active", "draining"))
            else:
                lifecycle = rng.choice(("planned", "building", "active", "active"))
            if i == self.size.environments and i >= 6:
                lifecycle = "retired"
            record: dict[str, Any] = {
                "id": eid,
                "name": f"{'Legacy' if legacy else 'Phoenix'} {role.replace('-', ' ')} {(i + 1) // 2}",
                "role": role,
                "lifecycle": lifecycle,
                "owner": rng.choice(self.repo_ids()),
            }
            # env-01 always has notes, env-02 never: checks on `notes` then pass for one and fail for another.
            if i == 1 or (i != 2 and rng.random() < 0.6):
                if rng.random() < 0.3:
                    record["notes"] = Literal(
                        f"Runs the **{role}** workloads.\n\n- access via the `{eid}` bastion\n- change freeze on Fridays\n"
                    )
                else:
                    record["notes"] = f"Runs the {role} workloads; see the `{eid}` runbook."
            if rng.random() < 0.15:
                record["aliases"] = [f"{eid}-old"]
            self.envs.append(record)

    def build_services(self) -> None:
        rng = self.rng
        size = self.size
        env_ids = [e["id"] for e in self.envs]
        legacy_envs = env_ids[0::2]
        new_envs = env_ids[1::2] or env_ids
        names = [f"{a.title()} {b.title()}" for a in _NAME_A for b in _NAME_B]
        rng.shuffle(names)
        candidates = list(range(3, size.services + 1))
        retired = set(rng.sample(candidates, k=min(len(candidates), max(1, size.services // 25))))
        for i in range(1, size.services + 1):
            sid = f"svc-{i:04d}"
            is_retired = i in retired
            if i == 1:
                criticality = "critical"
            else:
                criticality = _weighted(rng, (("critical", 10), ("high", 25), ("normal", 45), ("low", 20)))
            important = criticality in ("critical", "high")
            if is_retired:
                lifecycle = "retired"
            elif important:
                lifecycle = _weighted(rng, (("live", 70), ("migrating", 30)))
            else:
                lifecycle = _weighted(rng, (("planned", 15), ("live", 55), ("migrating", 30)))
            name = names[(i - 1) % len(names)]
            if i > len(names):
                name += f" {(i - 1) // len(names) + 1}"
            record: dict[str, Any] = {"id": sid, "name": name}
            if rng.random() < 0.85:
                record["description"] = (
                    rng.choice(_TRICKY) if rng.random() < 0.08 else f"{name} for the synthetic catalog"
                )
            if important or i <= 2 or rng.random() < 0.95:
                record["owner"] = rng.choice(self.repo_ids())
            record["criticality"] = criticality
            record["lifecycle"] = lifecycle

            envs: list[str] = []
            urls: list[str] = []
            deployments: list[dict[str, Any]] = []

            target_env = rng.choice(new_envs)
            current_env = rng.choice(legacy_envs)
            plan: list[tuple[str, str, int]] = []  # (environment, state, number of endpoints)
            if lifecycle == "planned":
                plan.append((target_env, "target", rng.choice((0, 0, 1))))
            elif lifecycle == "retired":
                plan.append((current_env, "retired", 0))
            else:
                plan.append((current_env, "live", rng.randint(1, 3) if important else rng.choice((0, 1, 1, 2))))
                if lifecycle == "migrating" and target_env != current_env:
                    plan.append((target_env, "target", rng.choice((0, 1))))
            for env, state, endpoint_count in plan:
                entry: dict[str, Any] = {"environment": env, "state": state}
                endpoints = []
                for n in range(endpoint_count):
                    kind = ("web", "api", "health", "registry", "other")[n % 5] if n else rng.choice(("web", "api"))
                    url = f"https://{sid}.{env}.example/" + ("" if n == 0 else f"{kind}/")
                    endpoints.append({"url": url, "kind": kind})
                    urls.append(url)
                if endpoints:
                    entry["endpoints"] = endpoints
                envs.append(env)
                deployments.append(entry)
            if not important and lifecycle == "planned" and i > 2 and rng.random() < 0.3:
                pass  # deployments not cataloged yet: the key stays absent
            else:
                record["deployments"] = deployments

            stores: list[dict[str, Any]] = []
            for j, (suffix, kinds) in enumerate(_STORE_SHAPES[: size.stores_per_service]):
                kind = "postgresql" if i == 1 and j == 0 else rng.choice(kinds)
                store: dict[str, Any] = {"id": f"{sid}-{suffix}", "kind": kind}
                if rng.random() < 0.6:
                    store["description"] = f"{name} {suffix}"
                backup_owner = rng.choice(self.repo_ids())
                full = {
                    "location": f"s3://backups.example/{sid}/{suffix}",
                    "schedule": rng.choice(("daily 02:00 UTC", "hourly", "weekly, Sunday 03:00 UTC")),
                    "retention": rng.choice(("7d", "30d", "90d", "1y")),
                    "owner": backup_owner,
                }
                roll = rng.random()
                if kind == "postgresql" or roll < 0.6:
                    store["backup"] = full
                elif roll < 0.8:
                    store["backup"] = {"location": full["location"], "schedule": full["schedule"]}
                stores.append(store)
            record["stores"] = stores

            # svc-0002 never has runbooks or observability: field checks on them always fail somewhere.
            if i != 2 and rng.random() < 0.8:
                runbooks: dict[str, str] = {}
                for topic in ("deploy", "restore", "rotate", "incident", "migration"):
                    if rng.random() < 0.7:
                        if rng.random() < 0.5:
                            runbooks[topic] = f"https://runbooks.example/{sid}/{topic}"
                        else:
                            runbooks[topic] = f"runbooks/{sid}/{topic}.md"
                if runbooks:
                    record["runbooks"] = runbooks
            if i != 2 and rng.random() < 0.75:
                obs: dict[str, str] = {"health": f"https://status.example/{sid}"}
                if rng.random() < 0.7:
                    obs["logs"] = f"https://logs.example/app/{sid}"
                if rng.random() < 0.7:
                    obs["metrics"] = f"https://grafana.example/d/{sid}"
                record["observability"] = obs
            if i > 1 and rng.random() < 0.4:
                earlier = [f"svc-{k:04d}" for k in range(max(1, i - 30), i)]
                record["depends_on"] = sorted(rng.sample(earlier, k=min(len(earlier), rng.randint(1, 3))))
            elif rng.random() < 0.05:
                record["depends_on"] = []
            if rng.random() < 0.3:
                record["links"] = [{"title": "Design notes", "url": f"https://wiki.example/services/{sid}"}]
            if rng.random() < 0.03:
                record["aliases"] = [f"{sid}-legacy"]
            self.services.append(
                _Service(
                    id=sid,
                    index=i,
                    retired=is_retired,
                    criticality=criticality,
                    record=record,
                    envs=envs,
                    urls=urls,
                    stores=[s["id"] for s in stores],
                )
            )

    # ---------------------------------------------------------------- gates

    def plan_gates(self) -> None:
        rng = self.rng
        count = self.size.gates
        retired = set(rng.sample(range(4, count), k=min(count - 4, max(1, count // 15)))) if count > 4 else set()
        forced = ("ready", "partial", "unknown", "blocked")
        live_services = [s.id for s in self.services if not s.retired]
        for i in range(count):
            gid = f"SYN-G{i + 1:03d}"
            active = [g for g in self.gates if not g.retired]
            ready_before = [g.id for g in active if g.status == "ready"]
            not_ready_before = [g.id for g in active if g.status != "ready"]
            is_retired = i in retired
            if not is_retired and len(active) < len(forced):
                status = forced[len(active)]
            else:
                status = _weighted(rng, (("ready", 35), ("partial", 30), ("unknown", 20), ("blocked", 15)))
                if status == "blocked" and (is_retired or not not_ready_before):
                    status = "partial"
            requires: list[str] = []
            if status == "blocked":
                requires = [rng.choice(not_ready_before)]
                if ready_before and rng.random() < 0.3:
                    requires.append(rng.choice(ready_before))
            elif not is_retired and ready_before and rng.random() < 0.3:
                requires = rng.sample(ready_before, k=min(len(ready_before), rng.randint(1, 2)))
            mode = _weighted(rng, _STATUS_MODES[status])
            if mode == "assess-expired":
                max_age: int | None = rng.choice((60, 90))
            elif status == "ready":
                max_age = rng.choice((None, None, None, 730))
            else:
                max_age = rng.choice((None, 30, 90, 180, 365))
            service = rng.choice(live_services) if rng.random() < 0.2 else None
            self.gates.append(
                _Gate(
                    id=gid,
                    index=i + 1,
                    retired=is_retired,
                    status=status,
                    mode=mode,
                    requires=sorted(set(requires), key=lambda g: int(g.rsplit("G", 1)[1])),
                    max_age_days=max_age,
                    service=service,
                )
            )

        # Every way of reaching a status should occur at least once when there is room for it.
        for status, modes in _STATUS_MODES.items():
            for mode, _ in modes:
                active = [g for g in self.gates if not g.retired and g.status == status]
                if any(g.mode == mode for g in active):
                    continue
                spare = [g for g in active if sum(o.mode == g.mode for o in active) > 1]
                if spare:
                    gate = rng.choice(spare)
                    gate.mode = mode
                    if mode == "assess-expired":
                        gate.max_age_days = rng.choice((60, 90))

    # ---------------------------------------------------------------- waves

    def build_waves(self) -> None:
        rng = self.rng
        count = self.size.waves
        active = [g for g in self.gates if not g.retired]
        by_status: dict[str, list[str]] = {s: [g.id for g in active if g.status == s] for s in _STATUS_MODES}
        specific: dict[str, list[str]] = {}
        for g in active:
            if g.service:
                specific.setdefault(g.service, []).append(g.status)
        allowed = {
            "passed": ("ready",),
            "not-started": ("unknown",),
            "in-progress": ("ready", "partial", "unknown"),
            "blocked": ("ready", "partial", "unknown", "blocked"),
        }
        cycle = ("in-progress", "blocked", "passed", "not-started")
        unassigned = [s.id for s in self.services]
        rng.shuffle(unassigned)
        per_wave = max(1, int(len(self.services) * 0.6 / count))
        retired_gate_ids = [g.id for g in self.gates if g.retired]
        order = {g.id: g.index for g in self.gates}
        for w in range(1, count + 1):
            wid = f"wave-{w:02d}"
            retired = count >= 4 and w == count
            state = cycle[(w - 1) % len(cycle)]
            others = [g.id for g in active]
            if state == "passed" and by_status["ready"]:
                pool = by_status["ready"]
                gates = rng.sample(pool, k=rng.randint(1, min(4, len(pool))))
            elif state == "not-started" and by_status["unknown"]:
                pool = by_status["unknown"]
                gates = rng.sample(pool, k=rng.randint(1, min(3, len(pool))))
            elif state == "blocked" and by_status["blocked"]:
                gates = [rng.choice(by_status["blocked"])]
                gates += rng.sample(others, k=min(len(others), rng.randint(0, 3)))
            elif state == "in-progress" and by_status["partial"]:
                gates = [rng.choice(by_status["partial"])]
                pool = by_status["ready"] + by_status["partial"] + by_status["unknown"]
                gates += rng.sample(pool, k=min(len(pool), rng.randint(0, 3)))
            else:
                state = "blocked"  # anything goes
                gates = rng.sample(others, k=min(len(others), rng.randint(1, 4)))
            if retired_gate_ids and (w == 1 or rng.random() < 0.2):
                gates.append(rng.choice(retired_gate_ids))  # a retired gate in a wave counts for nothing
            gates = sorted(set(gates), key=order.__getitem__)

            fits = [s for s in unassigned if all(st in allowed[state] for st in specific.get(s, []))]
            take = rng.sample(fits, k=min(len(fits), rng.randint(max(1, per_wave // 2), per_wave * 3 // 2 + 1)))
            for s in take:
                unassigned.remove(s)
            if state == "passed":
                target = _FIRST_DAY + timedelta(days=rng.randrange(_SPAN_DAYS))
            elif rng.random() < 0.4:
                target = date(2026, rng.randint(1, 10), rng.randint(1, 28))  # overdue
            else:
                target = date(2027, rng.randint(1, 12), rng.randint(1, 28))
            record: dict[str, Any] = {
                "id": wid,
                "title": f"Move {rng.choice(('the first', 'the next', 'the remaining', 'the critical'))} services "
                f"to Phoenix (wave {w})",
                "gates": gates,
            }
            if take or rng.random() < 0.3:
                record["services"] = sorted(take)
            record["target"] = target
            if rng.random() < 0.7:
                record["rollback"] = {
                    "conditions": "Error rate above 2% for 15 minutes, or any data loss.",
                    "steps": Literal(
                        "1. Point DNS back to the legacy environment.\n"
                        "2. Stop writers in Phoenix.\n"
                        f"3. Replay the `{wid}` change log on legacy.\n"
                    ),
                    "data_safety": "Legacy databases stay read-only until the wave is signed off.",
                }
            if rng.random() < 0.5:
                record["notes"] = f"Planned state for this synthetic wave: **{state}**."
            if rng.random() < 0.1:
                record["aliases"] = [f"{wid}-draft"]
            if retired:
                record["retired"] = True
            self.waves.append(record)

    # ---------------------------------------------------------------- evidence

    def build_evidence(self) -> None:
        rng = self.rng
        stamps: list[date] = []
        for _ in range(self.size.evidence):
            day = _FIRST_DAY + timedelta(days=rng.randrange(_SPAN_DAYS))
            if rng.random() < 0.1:
                stamps.append(datetime(day.year, day.month, day.day) + timedelta(seconds=rng.randrange(86_400)))
            else:
                stamps.append(day)
        stamps.sort(key=_moment)

        kinds = [k for k, _ in _KIND_WEIGHTS]
        weights = [w for _, w in _KIND_WEIGHTS]
        with_urls = [s for s in self.services if s.urls]
        all_stores = [st for s in self.services for st in s.stores]
        wave_ids = [w["id"] for w in self.waves]
        env_ids = [e["id"] for e in self.envs]
        open_risks: list[_Ev] = []
        by_kind: dict[str, list[_Ev]] = {k: [] for k in kinds}

        for index, observed in enumerate(stamps, start=1):
            day = observed.date() if isinstance(observed, datetime) else observed
            eid = f"{day.isoformat()}-ev-{index:06d}" if rng.random() < 0.25 else f"ev-{index:06d}"
            ev = _Ev(index=index, id=eid, observed=observed, key=(_moment(observed), eid), kind="note", about=[])
            kind = rng.choices(kinds, weights=weights)[0]
            if kind in ("endpoint-verified", "tls-verified") and not with_urls:
                kind = "registry-verified"
            if kind in ("backup-verified", "restore-tested") and not all_stores:
                kind = "note"
            ev.kind = kind

            if kind in ("endpoint-verified", "tls-verified"):
                svc = rng.choice(with_urls)
                ev.url = rng.choice(svc.urls)
                env = ev.url.split(".")[1]
                ev.about = [f"service:{svc.id}", f"environment:{env}"]
            elif kind in ("backup-verified", "restore-tested"):
                ev.about = [f"store:{rng.choice(all_stores)}"]
            elif kind == "registry-verified":
                ev.about = [f"service:{rng.choice(self.services).id}"]
            elif kind == "risk-raised":
                ev.severity = _weighted(rng, (("low", 25), ("medium", 40), ("high", 25), ("critical", 10)))
                roll = rng.random()
                if roll < 0.5:
                    ev.about = [f"service:{rng.choice(self.services).id}"]
                elif roll < 0.7 and all_stores:
                    ev.about = [f"store:{rng.choice(all_stores)}"]
                elif roll < 0.9:
                    ev.about = [f"environment:{rng.choice(env_ids)}"]
                else:
                    ev.about = [f"wave:{rng.choice(wave_ids)}"]
            elif kind == "note":
                pool = [f"service:{s.id}" for s in rng.sample(self.services, k=2)] + [
                    f"environment:{rng.choice(env_ids)}",
                    f"repo:{rng.choice(self.repo_ids())}",
                ]
                ev.about = rng.sample(pool, k=rng.randint(0, 2))
            if kind in _VERIFICATION_KINDS:
                ev.result = "pass" if rng.random() < 0.75 else "fail"

            # Corrections: an earlier record of the same kind about the same thing stops counting.
            if kind != "risk-raised" and rng.random() < 0.03:
                recent = by_kind[kind][-30:]
                choices = [
                    o for o in recent if not o.superseded and not o.supersedes and not o.resolves and o.key < ev.key
                ]
                if choices:
                    old = rng.choice(choices)
                    old.superseded = True
                    ev.supersedes = [old.id]
                    ev.about = list(old.about)
                    ev.url = old.url
            # Resolutions close earlier risks.
            closes = (kind == "note" and rng.random() < 0.35) or (ev.result == "pass" and rng.random() < 0.08)
            if open_risks and closes:
                risk = rng.choice(open_risks)
                if risk.key < ev.key:
                    open_risks.remove(risk)
                    ev.resolves = [risk.id]
            if kind == "risk-raised":
                open_risks.append(ev)
            by_kind[kind].append(ev)
            self.evidence.append(ev)

    def assign_assessments(self) -> None:
        rng = self.rng
        assessable = [g for g in self.gates if g.mode in _FINAL_ASSESS or g.mode == "blocked-assessed"]
        # An "expired" gate's assessments all predate 2026, so that its ready verdict is stale.
        not_expiring = [g for g in assessable if g.mode != "assess-expired"]
        by_id = {e.id: e for e in self.evidence}
        values = list(_ASSESS_VALUES)
        for ev in self.evidence:
            eligible = assessable if ev.key[0] < _YEAR_2026 else not_expiring
            odds = (1.0, 0.2) if ev.kind == "assessment" else (0.06, 0.0)  # chance of >= 1 and of 2 gates
            roll = rng.random()
            wanted = 2 if roll < odds[1] else 1 if roll < odds[0] else 0
            if not wanted or not eligible:
                continue
            chosen: list[str] = []
            if ev.supersedes:
                eligible_ids = [g.id for g in eligible]
                chosen = [g for g in by_id[ev.supersedes[0]].assess if g in eligible_ids]
            if not chosen:
                chosen = [g.id for g in rng.sample(eligible, k=min(wanted, len(eligible)))]
            for gid in chosen:
                ev.assess[gid] = rng.choices(values, weights=(2, 4, 1, 3))[0]

        effective = [e for e in self.evidence if not e.superseded]
        for gate in self.gates:
            want = _FINAL_ASSESS.get(gate.mode)
            if want is None:
                continue
            carriers = [e for e in effective if gate.id in e.assess]
            latest = max(carriers, key=lambda e: e.key) if carriers else None
            late = latest is not None and latest.key[0] >= _YEAR_2026
            if latest is None or (want == "ready" and gate.mode != "assess-expired" and not late):
                if gate.mode == "assess-expired":
                    window = [e for e in effective if e.key[0] < _YEAR_2026]
                else:
                    window = [e for e in effective if e.key[0] >= _YEAR_2026] or ([] if latest else effective)
                if window:
                    preferred = [e for e in window if e.kind == "assessment"] or window
                    latest = rng.choice(preferred)
                    latest.assess[gate.id] = want
            if latest is None:
                # Too little evidence to carry an assessment: the gate falls back to its checks.
                gate.mode = {"ready": "checks-ready", "partial": "checks-mixed"}.get(gate.status, "no-evidence")
                continue
            latest.assess[gate.id] = want
        # A failing record cannot assess a gate ready (the contract's rule): such a record passed.
        for ev in self.evidence:
            if ev.result == "fail" and "ready" in ev.assess.values():
                ev.result = "pass"

    # ---------------------------------------------------------------- checks

    def finish_gates(self) -> None:
        rng = self.rng
        effective = [e for e in self.evidence if not e.superseded]
        latest_by: dict[tuple[str, str], _Ev] = {}
        mentioned: set[str] = set()
        for ev in effective:
            for ref in ev.about:
                mentioned.add(ref)
                current = latest_by.get((ev.kind, ref))
                if current is None or ev.key > current.key:
                    latest_by[(ev.kind, ref)] = ev
        env_ids = [e["id"] for e in self.envs]
        live = [s for s in self.services if not s.retired]
        missing_env = f"env-{len(env_ids) + 1:02d}"
        missing_svc = f"svc-{len(self.services) + 1:04d}"
        has_stores = self.size.stores_per_service > 0

        def s_envs() -> dict[str, Any]:
            return {"select": "environments", "fields": ["name", "role", "lifecycle"][: rng.randint(2, 3)]}

        def s_important() -> dict[str, Any]:
            return {
                "select": "services",
                "where": Flow(criticality=["critical", "high"]),
                "fields": ["owner", "lifecycle", "deployments", "endpoints"],
            }

        def s_pg() -> dict[str, Any]:
            return {
                "select": "stores",
                "where": Flow(kind=["postgresql"]),
                "fields": ["backup.location", "backup.schedule", "backup.owner"],
            }

        def s_waves() -> dict[str, Any]:
            return {"select": "waves", "fields": ["title", "gates", "target"]}

        def s_env_ids() -> dict[str, Any]:
            return {"select": "environments", "ids": sorted(rng.sample(env_ids, k=2)), "fields": ["owner", "role"]}

        def s_endpoint() -> dict[str, Any]:
            candidates = [s for s in live if ("endpoint-verified", f"service:{s.id}") in latest_by]
            if not candidates:
                return s_envs()
            svc = rng.choice(candidates)
            latest_by[("endpoint-verified", f"service:{svc.id}")].result = "pass"
            return {"select": "services", "ids": [svc.id], "evidence": "endpoint-verified"}

        def s_first() -> dict[str, Any]:
            fields = ["owner", "stores", "deployments"]
            if f"service:{live[0].id}" in mentioned:
                fields.append("evidence")
            return {"select": "services", "ids": [live[0].id], "fields": fields}

        def x_notes() -> dict[str, Any]:
            return {"select": "environments", "fields": ["role", "notes"]}

        def x_missing_env() -> dict[str, Any]:
            return {"select": "environments", "ids": [env_ids[0], missing_env], "fields": ["role"]}

        def x_runbooks() -> dict[str, Any]:
            return {"select": "services", "fields": ["runbooks.restore", "observability.health"]}

        def z_missing_env() -> dict[str, Any]:
            return {"select": "environments", "ids": [missing_env], "fields": ["role", "lifecycle"]}

        def z_missing_svc() -> dict[str, Any]:
            return {"select": "services", "ids": [missing_svc], "fields": ["owner"]}

        def z_backup_fresh() -> dict[str, Any]:
            return {
                "select": "stores",
                "fields": ["backup.location", "backup.schedule", "backup.retention", "backup.owner"],
                "evidence": "backup-verified",
                "max_age_days": 7,
            }

        def z_tls_fresh() -> dict[str, Any]:
            return {
                "select": "services",
                "where": Flow(criticality=["critical"]),
                "evidence": "tls-verified",
                "max_age_days": 30,
            }

        def a_live() -> dict[str, Any]:
            return {
                "select": "services",
                "where": Flow(lifecycle=["live", "migrating"]),
                "fields": ["evidence", "endpoints", "runbooks.deploy"],
            }

        def a_restore() -> dict[str, Any]:
            return {"select": "stores", "evidence": "restore-tested", "max_age_days": 180}

        def a_wave_fields() -> dict[str, Any]:
            return {"select": "waves", "fields": ["services", "notes"]}

        def a_cache() -> dict[str, Any]:
            return {"select": "stores", "where": Flow(kind=["redis", "object-storage"]), "fields": ["backup.location"]}

        safe: list[_Template] = [s_envs, s_important, s_waves, s_env_ids, s_endpoint, s_first]
        failing: list[_Template] = [x_notes, x_missing_env, x_runbooks]
        all_fail: list[_Template] = [z_missing_env, z_missing_svc, z_tls_fresh]
        anything: list[_Template] = [*safe, *failing, *all_fail, a_live, a_wave_fields]
        if has_stores:
            safe.append(s_pg)
            all_fail.append(z_backup_fresh)
            anything += [s_pg, z_backup_fresh, a_restore, a_cache]

        def pick(pool: list[_Template], low: int, high: int) -> list[dict[str, Any]]:
            return [t() for t in rng.sample(pool, k=min(len(pool), rng.randint(low, high)))]

        for gate in self.gates:
            if gate.mode == "checks-ready":
                gate.checks = pick(safe, 1, 3)
            elif gate.mode == "assess-ready":
                gate.checks = pick(safe, 0, 2)
            elif gate.mode in ("assess-ready-failing", "checks-mixed"):
                gate.checks = pick(safe, 1, 1) + pick(failing, 1, 1)
            elif gate.mode == "no-evidence":
                gate.checks = (
                    pick([z_missing_env, z_missing_svc], 1, 1) + pick(all_fail, 0, 1) if rng.random() < 0.6 else []
                )
            else:
                gate.checks = pick(anything, 0, 3)
        if self.size.store_checks:
            self._store_checks()

    def _store_checks(self) -> None:
        """One more check over every store for every gate, without changing the plan: a gate that
        must pass checks a field every store has; one whose checks must all fail, fresh backups
        (none is fresh after the last observed day); any other, fresh backup or restore evidence."""
        rng = self.rng
        for gate in self.gates:
            if gate.mode in ("checks-ready", "assess-ready"):
                check: dict[str, Any] = {"select": "stores", "fields": ["kind"]}
            elif gate.mode == "no-evidence":
                check = {"select": "stores", "evidence": "backup-verified", "max_age_days": 7}
            else:
                kind, age = rng.choice((("backup-verified", 7), ("backup-verified", 30), ("restore-tested", 180)))
                check = {"select": "stores", "fields": ["backup.location"], "evidence": kind, "max_age_days": age}
            gate.checks = [*gate.checks, check]

    # ---------------------------------------------------------------- attachments

    def add_attachments(self) -> None:
        rng = self.rng
        pool = [e for e in self.evidence if e.kind in _VERIFICATION_KINDS]
        count = min(len(pool), max(2, self.size.evidence // 500))
        for ev in sorted(rng.sample(pool, k=count), key=lambda e: e.index):
            year = ev.key[0].year
            if ev.kind == "endpoint-verified":
                name = "probe.json"
                body = json.dumps(
                    {"url": ev.url, "status": 200 if ev.result == "pass" else 503, "elapsed_ms": rng.randint(20, 900)},
                    indent=2,
                    sort_keys=True,
                )
            else:
                name = "report.txt"
                body = "\n".join(
                    [
                        f"synthetic {ev.kind} report for {', '.join(ev.about) or 'nothing'}",
                        f"observed {ev.key[0].isoformat()}Z",
                        f"result {ev.result}",
                        *(f"step {n}: ok" for n in range(1, rng.randint(2, 6))),
                    ]
                )
            data = (body + "\n").encode("utf-8")
            path = f"files/{year}/{ev.id}-{name}"
            self.files.append((f"evidence/{path}", data))
            ev.attachments.append(Flow(path=path, sha256=hashlib.sha256(data).hexdigest()))

    # ---------------------------------------------------------------- rendering

    def gate_record(self, gate: _Gate) -> dict[str, Any]:
        rng = self.rng
        subject = f" for {gate.service}" if gate.service else ""
        topics = (
            ("Backups are verified", "Every store has a verified backup in the last week."),
            ("Restore path is proven", "A restore into a scratch environment succeeded and was timed."),
            ("Endpoints answer in Phoenix", "Health endpoints answer `200` from the target environment."),
            ("TLS is codified", "Certificates come from the cluster issuer; renewal is automatic."),
            ("Inventory is complete", "Every environment has a role, a lifecycle state and an owner."),
            ("Registry publishing works", "`docker login`, push and pull succeed with governed credentials."),
            ("Runbooks are reviewed", "Deploy, restore and incident runbooks exist and were exercised."),
        )
        title, requirement = topics[(gate.index - 1) % len(topics)]
        stage = (gate.index - 1) // len(topics) + 1
        record: dict[str, Any] = {
            "id": gate.id,
            "title": f"{title}{subject}" + (f", stage {stage}" if stage > 1 else ""),
        }
        record["owners"] = (
            [] if rng.random() < 0.05 else sorted(rng.sample(self.repo_ids(), k=min(2, rng.randint(1, 2))))
        )
        if rng.random() < 0.2:
            record["owners_note"] = rng.choice(("handoff to ops", "shared with the platform team", rng.choice(_TRICKY)))
        if rng.random() < 0.3:
            record["requirement"] = Literal(f"{requirement}\n\nEvidence goes under `evidence/`; see the gate page.\n")
        else:
            record["requirement"] = requirement
        if gate.requires:
            record["requires"] = gate.requires
        if gate.max_age_days is not None:
            record["max_age_days"] = gate.max_age_days
        if gate.service:
            record["service"] = gate.service
        if gate.checks:
            record["checks"] = gate.checks
        if rng.random() < 0.05:
            record["aliases"] = [f"OLD-G{gate.index:03d}"]
        if gate.retired:
            record["retired"] = True
        return record

    def evidence_record(self, ev: _Ev) -> dict[str, Any]:
        rng = self.rng
        if ev.kind == "assessment" and ev.assess:
            subject = next(iter(ev.assess))
        else:
            subject = ev.about[0].split(":", 1)[1] if ev.about else "the catalog"
        passed = ev.result == "pass"
        summary: str
        if ev.kind == "assessment":
            first = next(iter(ev.assess), None)
            summary = f"Assessment of {first}: {ev.assess[first]}" if first else "Assessment without a verdict"
        elif ev.kind == "endpoint-verified":
            summary = f"{subject} answers on {ev.about[1].split(':')[1]}" if passed else f"{subject} returns 503"
        elif ev.kind == "tls-verified":
            summary = f"TLS certificate for {subject} is valid" if passed else f"TLS certificate for {subject} expired"
        elif ev.kind == "backup-verified":
            summary = f"Backup of {subject} completed" if passed else f"Backup of {subject} missed its last run"
        elif ev.kind == "restore-tested":
            summary = f"Restore of {subject} into scratch succeeded" if passed else f"Restore of {subject} failed"
        elif ev.kind == "registry-verified":
            summary = f"Image push and pull for {subject} succeed" if passed else f"Image push for {subject} is denied"
        elif ev.kind == "risk-raised":
            summary = rng.choice(_RISKS).format(x=subject)
        else:
            summary = rng.choice(_NOTES).format(x=subject)
        if ev.supersedes:
            summary += f" (corrects {ev.supersedes[0]})"
        if rng.random() < 0.03:
            summary += f" — {rng.choice(_TRICKY)}"

        about = list(ev.about)
        if ev.kind == "assessment":
            about = [f"gate:{g}" for g in ev.assess] + about
            specific = [g.service for g in self.gates if g.id in ev.assess and g.service]
            about += [f"service:{s}" for s in specific if f"service:{s}" not in about]
        source = rng.choice(_SOURCES[ev.kind])
        record: dict[str, Any] = {"observed": ev.observed, "kind": ev.kind, "summary": summary}
        if ev.result is not None:
            record["result"] = ev.result
        if ev.severity is not None:
            record["severity"] = ev.severity
        if about:
            record["about"] = about
        if ev.assess:
            record["assess"] = dict(ev.assess)
        roll = rng.random()
        if roll < 0.2:
            record["details"] = Literal(
                f"Checked **{subject}** as part of the synthetic catalog.\n\n"
                f"- observed by `{source}`\n"
                f"- outcome: {ev.result or ev.kind}\n"
                + ("\n<script>alert('inert')</script>\n" if rng.random() < 0.05 else "")
            )
        elif roll < 0.5:
            record["details"] = (
                f"Recorded for `{subject}`; {rng.choice(('no surprises', 'see the run log', 'follow-up planned'))}."
            )
        if ev.kind in _VERIFICATION_KINDS and rng.random() < 0.6:
            check = f"GET {ev.url}" if ev.url else f"{ev.kind} {subject}"
            expected = "200" if ev.url else "ok"
            actual = expected if passed else ("503" if ev.url else "missing")
            record["observations"] = [Flow(check=check, expected=expected, actual=actual, ok=passed)]
        record["source"] = source
        if rng.random() < 0.9:
            record["submitted_by"] = rng.choice(_PEOPLE)
        if rng.random() < 0.15:
            record["links"] = [{"title": "Run log", "url": f"https://ci.example/runs/{ev.index}"}]
        if ev.attachments:
            record["attachments"] = ev.attachments
        if ev.resolves:
            record["resolves"] = ev.resolves
        if ev.supersedes:
            record["supersedes"] = ev.supersedes
        return record

    def render(self) -> list[tuple[str, bytes]]:
        label = f"Synthetic catalog '{self.size.name}' (seed {self.seed}) written by bench/synthetic.py."
        files: list[tuple[str, bytes]] = [
            (
                "data/repos.yaml",
                _document(self.repos, ["yaml-language-server: $schema=../schema/repos.schema.json", label]),
            ),
            (
                "data/environments.yaml",
                _document(self.envs, ["yaml-language-server: $schema=../schema/environments.schema.json", label]),
            ),
            (
                "data/gates.yaml",
                _document(
                    [self.gate_record(g) for g in self.gates],
                    ["yaml-language-server: $schema=../schema/gates.schema.json", label],
                ),
            ),
            (
                "data/waves.yaml",
                _document(self.waves, ["yaml-language-server: $schema=../schema/waves.schema.json", label]),
            ),
        ]
        service_header = ["yaml-language-server: $schema=../../schema/service.schema.json"]
        for svc in self.services:
            files.append((f"data/services/{svc.id}.yaml", _document(svc.record, service_header)))
        evidence_header = ["yaml-language-server: $schema=../../schema/evidence.schema.json"]
        for ev in self.evidence:
            path = f"evidence/{ev.key[0].year}/{ev.id}.yaml"
            files.append((path, _document(self.evidence_record(ev), evidence_header)))
        files.extend(self.files)
        return files


# --------------------------------------------------------------------------- public API


def _generate(root: Path, size: Size | str, seed: int, *, overwrite: bool) -> dict[str, int]:
    spec = preset(size) if isinstance(size, str) else size
    for sub in ("data", "evidence"):
        target = root / sub
        if target.exists() and (target.is_symlink() or not target.is_dir() or any(target.iterdir())):
            if not overwrite:
                raise FileExistsError(f"{target} already exists and is not empty (pass overwrite=True / --force)")
            if target.is_dir() and not target.is_symlink():
                shutil.rmtree(target)
            else:
                target.unlink()

    builder = _Builder(spec, seed)
    builder.build_repos()
    builder.build_environments()
    builder.build_services()
    builder.plan_gates()
    builder.build_waves()
    builder.build_evidence()
    builder.assign_assessments()
    builder.finish_gates()
    builder.add_attachments()
    files = builder.render()

    made: set[Path] = set()
    for rel, data in files:
        path = root / rel
        if path.parent not in made:
            path.parent.mkdir(parents=True, exist_ok=True)
            made.add(path.parent)
        path.write_bytes(data)

    counts = {
        "repos": len(builder.repos),
        "environments": len(builder.envs),
        "gates": len(builder.gates),
        "waves": len(builder.waves),
        "services": len(builder.services),
        "stores": sum(len(s.stores) for s in builder.services),
        "evidence": len(builder.evidence),
        "attachments": len(builder.files),
        "files": len(files),
    }
    return counts


def write_catalog(root: Path, size: Size | str, seed: int = 1, *, overwrite: bool = False) -> None:
    """Write a synthetic catalog (``data/`` and ``evidence/``) under *root*.

    *size* is a :class:`Size` or a preset name.  The same size and seed always
    give byte-identical files.  Existing non-empty ``data/`` or ``evidence/``
    directories under *root* are an error unless *overwrite* is true, in which
    case exactly those two directories are replaced.
    """
    _generate(Path(root), size, seed, overwrite=overwrite)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.synthetic", description="Write a deterministic synthetic readiness catalog."
    )
    parser.add_argument("size", choices=sorted(PRESETS), help="preset size")
    parser.add_argument("outdir", type=Path, help="directory to write data/ and evidence/ into")
    parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    parser.add_argument("--force", action="store_true", help="replace existing data/ and evidence/ under OUTDIR")
    args = parser.parse_args(argv)
    try:
        counts = _generate(args.outdir, args.size, args.seed, overwrite=args.force)
    except FileExistsError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(f"wrote synthetic catalog {args.size!r} (seed {args.seed}) to {args.outdir}")
    for name, value in counts.items():
        label = "files written" if name == "files" else name
        print(f"  {label:<14} {value:>7}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
