"""The engine-neutral render step: catalog + statuses -> Markdown pages.

``render_site`` returns every generated page as plain Markdown (pipe tables,
relative ``.md`` links), keyed by its path under the docs directory, plus the
attachments to publish. The MkDocs plugin adds them in memory;
``readiness render`` writes them out for inspection. Output depends only on the
records, the as-of moment and the optional source commit.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

from . import charts
from .api import API_ROOT, ApiBuilder, gate_paths, schema_documents, wave_paths
from .asof import format_moment
from .catalog import Catalog
from .checks import CheckResult, describe_check
from .diff import Diff
from .history import Commit, History, Transition
from .models import Evidence, Gate, observed_moment, slug_of_gate
from .status import Derived, GateState, Reason
from .textsafe import (
    front_matter_title,
    html_text,
    markdown_converter,
    md_code,
    md_link,
    md_text,
    render_markdown,
    safe_url,
    terminal_text,
)
from .widgets import badge_svg, card_html, redirect_html

FRESHNESS_WINDOW_DAYS = 30
"""Home lists evidence whose freshness window ends within this many days."""

PUBLISHED_ATTACHMENT_TYPES = frozenset(
    {".txt", ".log", ".json", ".csv", ".pdf", ".png", ".jpg", ".jpeg", ".gif", ".webp"}
)
"""Attachment types published under /evidence/files/ (inert: no SVG, HTML or scripts)."""

STATUS_ORDER = ("ready", "partial", "blocked", "unknown")
SEVERITY_ORDER = ("critical", "high", "medium", "low")


@dataclass(frozen=True, slots=True)
class SiteInfo:
    """What the pages say about the build itself."""

    commit: str | None = None
    """Full sha of the source commit, when built from a git checkout."""
    history: History | None = None
    """The git history of statuses (``None``: not computed)."""
    commit_url: str | None = None
    """Link template for a commit, with ``{sha}`` (e.g. ``https://git.example/org/repo/commit/{sha}``)."""
    version: str | None = None
    """The published version (mike) this build is, if any."""
    previous_version: str | None = None
    """The version published before this one."""
    changes: Diff | None = None
    """What changed since the previous version's source commit."""


@dataclass(frozen=True, slots=True)
class FreshItem:
    """A piece of evidence whose freshness window has ended or ends soon."""

    gate: str
    entity: str | None
    evidence: str
    observed: dt.date
    expires: dt.date
    expired: bool


@dataclass(slots=True)
class Rendered:
    """The render step's output."""

    pages: dict[str, str] = field(default_factory=dict)
    """Path under docs/ (``gates/ops-g05.md``) -> Markdown."""
    attachments: dict[str, Path] = field(default_factory=dict)
    """Published path under the site (``evidence/files/...``) -> source file."""
    files: dict[str, str] = field(default_factory=dict)
    """Other generated files (JSON API, badges, widget cards, redirects): path under the site -> text."""


def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("generator", "templates"),
        undefined=jinja2.StrictUndefined,
        autoescape=False,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        finalize=_finalize,
    )
    env.filters["t"] = md_text
    env.filters["h"] = html_text
    env.filters["git"] = git_text
    env.filters["git_code"] = git_code
    converter = markdown_converter()
    env.filters["md"] = lambda text: render_markdown(text, converter)
    env.filters["date"] = _date
    return env


def git_text(value: object) -> Markup:
    """Text from git (a subject, an author, git's own error) as plain Markdown text.

    git keeps whatever bytes a commit holds: control and format characters are shown
    escaped (``\\x1b``, ``\\u202e``), then the text is escaped like any record text.
    """
    return md_text(terminal_text(value))


def git_code(value: object) -> Markup:
    """Text from git or a problem message as one inline code span nothing inside can close."""
    return md_code(terminal_text(value))


def _finalize(value: Any) -> Any:
    """Escape by default: anything not already Markup is plain text."""
    if isinstance(value, Markup):
        return value
    if value is None:
        return ""
    return md_text(value)


def _date(value: dt.date | dt.datetime | None) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        if value.hour or value.minute or value.second:
            return format_moment(value)
        return value.date().isoformat()
    return value.isoformat()


class _Site:
    """Everything the templates read, computed once per render."""

    def __init__(self, catalog: Catalog, derived: Derived, info: SiteInfo) -> None:
        self.catalog = catalog
        self.derived = derived
        self.info = info
        self.as_of = derived.as_of
        self.today = derived.as_of.date()
        index = derived.index
        # Records visible as of the moment (superseded ones included, marked), newest first.
        visible = [eid for eid, moment in index.moments.items() if moment <= derived.as_of]
        visible.sort(key=lambda eid: (index.moments[eid], eid), reverse=True)
        self.visible = visible
        self.by_gate: dict[str, list[str]] = {}
        self.by_entity: dict[str, list[str]] = {}
        for eid in visible:
            record = catalog.evidence[eid]
            for gate_ref in record.assess:
                gate_id = catalog.resolve("gate", gate_ref)
                if gate_id is not None:
                    self.by_gate.setdefault(gate_id, []).append(eid)
            for ref in record.about:
                resolved = catalog.resolve_ref(ref)
                if resolved is not None:
                    self.by_entity.setdefault(f"{resolved[0]}:{resolved[1]}", []).append(eid)
        for state in derived.gates.values():
            used = {r.evidence for r in state.results if r.evidence}
            if used:
                merged = set(self.by_gate.get(state.id, [])) | used
                self.by_gate[state.id] = sorted(merged, key=lambda e: (index.moments[e], e), reverse=True)
        self.waves_of_gate: dict[str, list[str]] = {}
        for wave in derived.waves.values():
            for gate_id in wave.gates:
                self.waves_of_gate.setdefault(gate_id, []).append(wave.id)
        self.freshness = self._freshness()

    # ----------------------------------------------------------------- helpers
    def superseded(self, evidence_id: str) -> list[str]:
        return self.derived.index.superseded_by.get(evidence_id, [])

    def resolved(self, evidence_id: str) -> list[str]:
        return self.derived.index.resolved_by.get(evidence_id, [])

    def observed(self, evidence_id: str) -> str:
        return _date(self.catalog.evidence[evidence_id].observed)

    def gate_state(self, gate_id: str) -> GateState:
        return self.derived.gates[gate_id]

    def counts(self) -> dict[str, int]:
        counts = dict.fromkeys(STATUS_ORDER, 0)
        for state in self.derived.gates.values():
            counts[state.status] += 1
        return counts

    def last_evidence(self, gate_id: str) -> str | None:
        records = [e for e in self.by_gate.get(gate_id, []) if not self.superseded(e)]
        return records[0] if records else None

    def active_services(self) -> list[str]:
        return [s for s in sorted(self.catalog.services) if not self.catalog.service_retired(s)]

    def retired_services(self) -> list[str]:
        return [s for s in sorted(self.catalog.services) if self.catalog.service_retired(s)]

    def deployments_in(self, env_id: str) -> dict[str, list[tuple[str, Any]]]:
        """Active services by deployment state in one environment."""
        out: dict[str, list[tuple[str, Any]]] = {"live": [], "target": [], "retired": []}
        for service_id in self.active_services():
            for deployment in self.catalog.services[service_id].deployments or []:
                if self.catalog.resolve("environment", deployment.environment) == env_id:
                    out[deployment.state].append((service_id, deployment))
        return out

    def scorecard(self, ref: str) -> list[CheckResult]:
        return [r for r in self.derived.scorecards.get(ref, []) if r.gate in self.derived.gates]

    def check_label(self, result: CheckResult) -> str:
        check = self.catalog.gates[result.gate].checks[result.check]
        return f"check {result.check + 1}: {describe_check(check)}"

    def owned(self, repo_id: str) -> dict[str, list[str]]:
        catalog = self.catalog

        def owner_is(owner: str | None) -> bool:
            return owner is not None and catalog.resolve("repo", owner) == repo_id

        gates = [g for g in self.derived.gates if any(owner_is(o) for o in catalog.gates[g].owners)]
        services = [s for s in self.active_services() if owner_is(catalog.services[s].owner)]
        environments = [e for e in sorted(catalog.environments) if owner_is(catalog.environments[e].owner)]
        stores = [
            s
            for s in sorted(catalog.stores)
            if not catalog.store_retired(s)
            and catalog.stores[s].backup is not None
            and owner_is(catalog.stores[s].backup.owner)  # type: ignore[union-attr]
        ]
        return {"gates": gates, "services": services, "environments": environments, "stores": stores}

    def owes(self, repo_id: str) -> list[CheckResult]:
        owned = self.owned(repo_id)
        refs = (
            [f"service:{s}" for s in owned["services"]]
            + [f"store:{s}" for s in owned["stores"]]
            + [f"environment:{e}" for e in owned["environments"]]
        )
        return [r for ref in refs for r in self.scorecard(ref) if not r.passed]

    def risks(self) -> tuple[list[str], list[str]]:
        risks = [e for e in self.visible if self.catalog.evidence[e].kind == "risk-raised" and not self.superseded(e)]
        rank = {s: i for i, s in enumerate(SEVERITY_ORDER)}
        open_risks = [e for e in risks if not self.resolved(e)]
        open_risks.sort(key=lambda e: rank.get(self.catalog.evidence[e].severity or "low", len(rank)))
        return open_risks, [e for e in risks if self.resolved(e)]

    def _freshness(self) -> list[FreshItem]:
        horizon = self.today + dt.timedelta(days=FRESHNESS_WINDOW_DAYS)
        items: list[FreshItem] = []
        for gate_id, state in self.derived.gates.items():
            gate = self.catalog.gates[gate_id]
            assessment = state.assessment
            if (
                assessment is not None
                and assessment.status == "ready"
                and state.expires is not None
                and state.expires <= horizon
            ):
                items.append(
                    FreshItem(
                        gate_id,
                        None,
                        assessment.evidence,
                        assessment.observed.date(),
                        state.expires,
                        self.today >= state.expires,
                    )
                )
            for result in state.results:
                check = gate.checks[result.check]
                if result.evidence is None or check.max_age_days is None:
                    continue
                record = self.catalog.evidence[result.evidence]
                if record.result != "pass":
                    continue
                observed = observed_moment(record.observed).date()
                expires = observed + dt.timedelta(days=check.max_age_days + 1)
                if expires <= horizon:
                    items.append(
                        FreshItem(gate_id, result.entity, result.evidence, observed, expires, self.today >= expires)
                    )
        items.sort(key=lambda item: (item.expires, item.gate, item.entity or "", item.evidence))
        return items

    # ---------------------------------------------------------------- history
    @property
    def history(self) -> History | None:
        return self.info.history

    def transitions(self, kind: str | None = None, ident: str | None = None) -> list[Transition]:
        """Transitions up to the as-of moment, newest first (optionally of one gate or wave)."""
        history = self.info.history
        if history is None or not history.available:
            return []
        by_commit: dict[str, list[Transition]] = {}
        for t in history.transitions:
            if t.commit.time <= self.as_of and (kind is None or (t.kind == kind and t.id == ident)):
                by_commit.setdefault(t.commit.sha, []).append(t)
        # Newest commit first; within a commit, gates then waves in id order.
        return [t for group in reversed(by_commit.values()) for t in group]

    def transitions_by_date(self) -> list[tuple[str, list[Transition]]]:
        groups: dict[str, list[Transition]] = {}
        for t in self.transitions():
            groups.setdefault(t.commit.time.date().isoformat(), []).append(t)
        return list(groups.items())

    def history_points(self) -> list[tuple[str, dict[str, int]]]:
        history = self.info.history
        if history is None or not history.available:
            return []
        out = []
        for point in history.points:
            if point.gap or point.commit.time > self.as_of:
                continue
            counts = dict.fromkeys(STATUS_ORDER, 0)
            for status in point.gates.values():
                counts[status] = counts.get(status, 0) + 1
            out.append((point.commit.time.date().isoformat(), counts))
        return out

    def gaps(self) -> list[Any]:
        history = self.info.history
        if history is None or not history.available:
            return []
        return [p for p in history.points if p.gap and p.commit.time <= self.as_of]

    def added_by(self, evidence_id: str) -> Commit | None:
        history = self.info.history
        return history.added_by.get(evidence_id) if history is not None else None

    def commit_link(self, commit: Commit) -> Markup:
        """The short sha, linked to the commit when a link template is configured."""
        if self.info.commit_url:
            return Markup(f"[`{commit.short}`](<{safe_url(self.info.commit_url.replace('{sha}', commit.sha))}>)")
        return Markup(f"`{commit.short}`")

    def status_or_none(self, status: str | None) -> Markup:
        return status_badge(status) if status else Markup("<em>none</em>")

    # ------------------------------------------------------------------ links
    def gate_link(self, gate_id: str, rel: str) -> Markup:
        return md_link(gate_id, f"{rel}gates/{slug_of_gate(gate_id)}.md")

    def evidence_link(self, evidence_id: str, rel: str) -> Markup:
        return md_link(evidence_id, f"{rel}evidence/{evidence_id}.md")

    def entity_link(self, ref: str, rel: str) -> Markup:
        """A link to the page that shows an entity (stores live on their service's page)."""
        kind, _, ident = ref.partition(":")
        catalog = self.catalog
        resolved = catalog.resolve_ref(ref)
        if resolved is None:
            return md_text(ref)
        kind, ident = resolved
        if kind == "service":
            return md_link(ref, f"{rel}services/{ident}.md")
        if kind == "store":
            return md_link(ref, f"{rel}services/{catalog.store_service[ident]}.md#store-{ident}")
        if kind == "environment":
            return md_link(ref, f"{rel}environments/{ident}.md")
        if kind == "repo":
            return md_link(ref, f"{rel}owners/{ident}.md")
        if kind == "gate":
            if catalog.gates[ident].retired:
                return md_text(ref)
            return md_link(ref, f"{rel}gates/{slug_of_gate(ident)}.md")
        if kind == "wave":
            if catalog.waves[ident].retired:
                return md_text(ref)
            return md_link(ref, f"{rel}waves/{ident}.md")
        return md_text(ref)

    def repo_link(self, repo_id: str, rel: str) -> Markup:
        canonical = self.catalog.resolve("repo", repo_id) or repo_id
        return md_link(canonical, f"{rel}owners/{canonical}.md")

    def reason(self, reason: Reason, rel: str) -> Markup:
        """A reason's text with the record, gate or entity it names turned into links."""
        links: list[tuple[str, Markup]] = []
        if reason.entity:
            links.append((reason.entity, self.entity_link(reason.entity, rel)))
        if reason.evidence:
            links.append((reason.evidence, self.evidence_link(reason.evidence, rel)))
        if reason.gate and reason.gate in self.derived.gates:
            links.append((reason.gate, self.gate_link(reason.gate, rel)))
        text = reason.text
        out = Markup("")
        extra: list[Markup] = []
        for token, link in links:
            at = text.find(token)
            if at < 0:
                extra.append(link)
                continue
            out += md_text(text[:at]) if at else Markup("")
            out += link
            text = text[at + len(token) :]
        out += md_text(text) if text else Markup("")
        if extra:
            out += Markup(f" ({', '.join(extra)})")
        return out

    def path_or_url(self, value: str, owner: str | None) -> Markup:
        """A runbook/observability value: a URL, or a path in the owner repo."""
        if value.startswith(("http://", "https://")):
            return md_link(value, value)
        repo = self.catalog.repos.get(self.catalog.resolve("repo", owner) or "") if owner else None
        if repo is not None and repo.url:
            return md_link(value, repo.url.rstrip("/") + "/" + value.lstrip("/"))
        return Markup(f"<code>{html_text(value)}</code>")

    def url(self, value: str) -> Markup:
        return md_link(value, value)


def status_badge(status: str) -> Markup:
    return Markup(f'<span class="rd-status rd-{html_text(status)}">{html_text(status)}</span>')


def render_site(catalog: Catalog, derived: Derived, info: SiteInfo | None = None) -> Rendered:
    """Every generated page as Markdown, keyed by path under docs/."""
    site = _Site(catalog, derived, info or SiteInfo())
    env = _environment()
    env.globals.update(
        site=site,
        catalog=catalog,
        derived=derived,
        status=status_badge,
        md_link=md_link,
        safe_url=safe_url,
        slug=slug_of_gate,
        as_of=format_moment(derived.as_of),
        today=site.today,
        commit=(info.commit if info else None),
        chart=charts.status_bar,
        history_chart=charts.history_lines,
        check_description=describe_check,
        deployments_in=site.deployments_in,
        ready_gates=[g for g, state in derived.gates.items() if state.status == "ready"],
        Markup=Markup,
    )
    out = Rendered()

    def page(path: str, template: str, title: str, **context: Any) -> None:
        body = env.get_template(template).render(rel="" if "/" not in path else "../", **context)
        out.pages[path] = f"---\ntitle: {front_matter_title(title)}\n---\n\n{body}"

    page("index.md", "home.md.j2", "Readiness handoff")
    page("gates/index.md", "gates.md.j2", "Gates")
    for gate_id in derived.gates:
        gate: Gate = catalog.gates[gate_id]
        page(
            f"gates/{slug_of_gate(gate_id)}.md",
            "gate.md.j2",
            f"{gate_id}: {gate.title}",
            gate=gate,
            state=derived.gates[gate_id],
        )
    page("waves/index.md", "waves.md.j2", "Waves")
    for wave_id, wave_state in derived.waves.items():
        wave = catalog.waves[wave_id]
        page(f"waves/{wave_id}.md", "wave.md.j2", f"{wave_id}: {wave.title}", wave=wave, state=wave_state)
    page("services/index.md", "services.md.j2", "Services")
    for service_id in sorted(catalog.services):
        service = catalog.services[service_id]
        page(f"services/{service_id}.md", "service.md.j2", service.name, service=service)
    page("environments/index.md", "environments.md.j2", "Environments")
    for env_id in sorted(catalog.environments):
        environment = catalog.environments[env_id]
        page(f"environments/{env_id}.md", "environment.md.j2", environment.name, environment=environment)
    page("owners/index.md", "owners.md.j2", "Owners")
    for repo_id in sorted(catalog.repos):
        page(f"owners/{repo_id}.md", "owner.md.j2", f"Owner {repo_id}", repo=catalog.repos[repo_id])
    page("evidence/index.md", "evidence_index.md.j2", "Evidence")
    evidence_root = catalog.root / "evidence"
    for evidence_id in site.visible:
        record: Evidence = catalog.evidence[evidence_id]
        published = {}
        for attachment in record.attachments or []:
            if Path(attachment.path).suffix.lower() in PUBLISHED_ATTACHMENT_TYPES:
                target = f"evidence/{attachment.path}"
                published[attachment.path] = target
                out.attachments[target] = evidence_root / attachment.path
        page(
            f"evidence/{evidence_id}.md",
            "evidence.md.j2",
            record.summary,
            record=record,
            evidence_id=evidence_id,
            published=published,
        )
    page("risks/index.md", "risks.md.j2", "Risks")
    page("history/index.md", "history.md.j2", "History")
    _widget_files(site, out)
    return out


def _widget_files(site: _Site, out: Rendered) -> None:
    """The JSON API, its schemas, badges, widget cards and redirects for former ids."""
    catalog, derived, info = site.catalog, site.derived, site.info
    builder = ApiBuilder(
        catalog,
        derived,
        info.history,
        commit=info.commit,
        version=info.version,
        previous_version=info.previous_version,
        newest_first=site.visible,
        by_gate=site.by_gate,
        by_entity=site.by_entity,
        risks=site.risks(),
        resolved_by=derived.index.resolved_by,
    )
    out.files.update(builder.documents())
    out.files.update(schema_documents())
    as_of = format_moment(derived.as_of)
    for gate_id, state in derived.gates.items():
        paths = gate_paths(gate_id)
        out.files[paths["badge"]] = badge_svg(gate_id, state.status)
        out.files[paths["embed"] + "index.html"] = card_html(
            kind="gate",
            ident=gate_id,
            title=catalog.gates[gate_id].title,
            status=state.status,
            reasons=[r.text for r in state.reasons],
            page=f"../../../{paths['url']}",
            as_of=as_of,
        )
    for wave_id, wave_state in derived.waves.items():
        paths = wave_paths(wave_id)
        out.files[paths["badge"]] = badge_svg(wave_id, wave_state.status, overdue=wave_state.overdue)
        out.files[paths["embed"] + "index.html"] = card_html(
            kind="wave",
            ident=wave_id,
            title=catalog.waves[wave_id].title,
            status=wave_state.status,
            reasons=[r.text for r in wave_state.reasons],
            page=f"../../../{paths['url']}",
            as_of=as_of,
            overdue=wave_state.overdue,
        )
    _alias_files(site, out)


def _alias_files(site: _Site, out: Rendered) -> None:
    """Old ids keep working: a redirect for each page, a copy of each JSON document and badge."""
    catalog, derived = site.catalog, site.derived
    pages = {"gate": "gates", "wave": "waves", "service": "services", "environment": "environments", "repo": "owners"}
    for kind, section in pages.items():
        for alias, canonical in sorted(catalog.aliases.get(kind, {}).items()):
            old = slug_of_gate(alias) if kind == "gate" else alias
            new = slug_of_gate(canonical) if kind == "gate" else canonical
            if (kind == "gate" and canonical not in derived.gates) or (
                kind == "wave" and canonical not in derived.waves
            ):
                continue
            if kind == "service" and catalog.service_retired(canonical):
                continue
            out.files[f"{section}/{old}/index.html"] = redirect_html(f"../{new}/", f"{section}/{new}/")
            document = out.files.get(f"{API_ROOT}/{section}/{new}.json")
            if document is not None:
                out.files[f"{API_ROOT}/{section}/{old}.json"] = document
            if kind in ("gate", "wave"):
                out.files[f"badges/{section}/{old}.svg"] = out.files[f"badges/{section}/{new}.svg"]
                out.files[f"embed/{section}/{old}/index.html"] = out.files[f"embed/{section}/{new}/index.html"]
