"""What every part of the site model uses: links as facts, status counts, the site's own facts."""

from __future__ import annotations

from dataclasses import dataclass

from ...diff import Diff
from ...engine.status import Derived, GateState
from ...history import History
from ...records.catalog import Catalog
from .. import urls
from ..urls import Target

STATUS_ORDER = ("ready", "partial", "blocked", "unknown")
"""Gate statuses, best first: the order of every count by status."""


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
class PageLink:
    """A link as a fact: what it reads, and the page it goes to (``None``: no page shows it, plain text)."""

    text: str
    target: Target | None


@dataclass(frozen=True, slots=True)
class UrlLink:
    """A link out of the site: what it reads and its URL (``None``: shown as a path, not linked)."""

    text: str
    url: str | None


@dataclass(frozen=True, slots=True)
class StatusCounts:
    """Gates by status, in :data:`STATUS_ORDER`."""

    counts: tuple[tuple[str, int], ...]

    @classmethod
    def of(cls, statuses: list[str]) -> StatusCounts:
        counts = dict.fromkeys(STATUS_ORDER, 0)
        for status in statuses:
            counts[status] = counts.get(status, 0) + 1
        return cls(tuple(counts.items()))

    def items(self) -> tuple[tuple[str, int], ...]:
        return self.counts

    def get(self, status: str) -> int:
        return dict(self.counts).get(status, 0)

    @property
    def total(self) -> int:
        return sum(count for _, count in self.counts)

    def as_dict(self) -> dict[str, int]:
        return dict(self.counts)


def status_counts(gates: dict[str, GateState]) -> StatusCounts:
    return StatusCounts.of([state.status for state in gates.values()])


def gate_link(gate_id: str) -> PageLink:
    return PageLink(gate_id, urls.page("gate", gate_id))


def wave_link(wave_id: str) -> PageLink:
    return PageLink(wave_id, urls.page("wave", wave_id))


def evidence_link(evidence_id: str) -> PageLink:
    return PageLink(evidence_id, urls.page("evidence", evidence_id))


def repo_link(catalog: Catalog, owner: str) -> PageLink:
    """An owner repo (an id or a former id) by its canonical id."""
    canonical = catalog.resolve("repo", owner) or owner
    return PageLink(canonical, urls.page("owner", canonical))


def entity_link(catalog: Catalog, ref: str) -> PageLink:
    """A ``kind:id`` reference, linked to the page that shows the entity (stores live on their service's page).

    A reference that resolves to nothing, or to a retired gate or wave (which have no page), is plain text.
    """
    resolved = catalog.resolve_ref(ref)
    if resolved is None:
        return PageLink(ref, None)
    kind, ident = resolved
    if kind == "store":
        return PageLink(ref, urls.store(catalog.store_service[ident], ident))
    if (kind == "gate" and catalog.gates[ident].retired) or (kind == "wave" and catalog.waves[ident].retired):
        return PageLink(ref, None)
    return PageLink(ref, urls.entity(kind, ident))


def where(catalog: Catalog, value: str, owner: str | None) -> UrlLink:
    """A runbook or observability value: a URL, or a path in the owner repo (linked when the repo has a URL)."""
    if value.startswith(("http://", "https://")):
        return UrlLink(value, value)
    repo = catalog.repos.get(catalog.resolve("repo", owner) or "") if owner else None
    if repo is not None and repo.url:
        return UrlLink(value, repo.url.rstrip("/") + "/" + value.lstrip("/"))
    return UrlLink(value, None)


def owners_of(catalog: Catalog, derived: Derived, ref: str) -> tuple[str, ...]:
    """The owner repos (canonical ids, sorted) of the entity ``ref`` names, through aliases.

    A gate's ``owners``; a wave's: the owners of the gates it requires (its service-specific gates too); a service's and an environment's ``owner``; a
    store's: the owner of its backups; a repo owns itself. Owner pages list what they own by this rule.
    """
    resolved = catalog.resolve_ref(ref)
    if resolved is None:
        return ()
    kind, ident = resolved
    named: list[str | None]
    if kind == "gate":
        named = list(catalog.gates[ident].owners)
    elif kind == "wave":
        state = derived.waves.get(ident)
        required = state.gates if state is not None else catalog.waves[ident].gates
        gates = (catalog.resolve("gate", g) for g in required)
        named = [o for g in gates if g is not None for o in catalog.gates[g].owners]
    elif kind == "service":
        named = [catalog.services[ident].owner]
    elif kind == "store":
        backup = catalog.stores[ident].backup
        named = [backup.owner if backup is not None else None]
    elif kind == "environment":
        named = [catalog.environments[ident].owner]
    else:
        named = [ident]
    resolved_owners = (catalog.resolve("repo", o) for o in named if o)
    return tuple(sorted({o for o in resolved_owners if o is not None}))
