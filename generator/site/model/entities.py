"""Services, their stores, environments and owners as the site shows them: who owns what, what runs where."""

from __future__ import annotations

from dataclasses import dataclass

from ...engine.status import Derived
from ...records.catalog import Catalog
from ...records.models import Deployment, Environment, Repo, Service, Store
from .. import urls
from .common import PageLink, UrlLink, entity_link, owners_of, repo_link, where
from .gates import ResultView, result_view
from .records import Records, RecordView

RUNBOOKS = ("deploy", "restore", "rotate", "incident", "migration")
SIGNALS = ("health", "logs", "metrics")


@dataclass(frozen=True, slots=True)
class StoreView:
    """A store, on its service's page and in its service's API document."""

    store: Store
    owner: PageLink | None
    """The owner of its backups."""
    scorecard: tuple[ResultView, ...]
    records: tuple[RecordView, ...]


@dataclass(frozen=True, slots=True)
class ServiceView:
    """A service: its page, its API document and its row in the catalog."""

    id: str
    service: Service
    link: PageLink
    retired: bool
    """Retired: it keeps its page but leaves tables, waves and checks."""
    owner: PageLink | None
    depends_on: tuple[PageLink, ...] | None
    """``None``: not declared."""
    deployments: tuple[tuple[PageLink, Deployment], ...]
    stores: tuple[StoreView, ...] | None
    runbooks: tuple[tuple[str, UrlLink | None], ...] | None
    """Each runbook by name (``None``: missing); ``None`` for the whole: not cataloged."""
    observability: tuple[tuple[str, UrlLink | None], ...] | None
    scorecard: tuple[ResultView, ...]
    records: tuple[RecordView, ...]

    @property
    def failing(self) -> int:
        return sum(1 for r in self.scorecard if not r.passed)


@dataclass(frozen=True, slots=True)
class Deployed:
    """A service deployed in an environment."""

    service: PageLink
    """Text ``service:<id>``."""
    id: str
    name: str
    owner: PageLink | None
    deployment: Deployment


@dataclass(frozen=True, slots=True)
class EnvironmentView:
    """An environment: what runs there now, what is headed there, what retired there."""

    id: str
    environment: Environment
    link: PageLink
    owner: PageLink | None
    live: tuple[Deployed, ...]
    target: tuple[Deployed, ...]
    retired: tuple[Deployed, ...]
    scorecard: tuple[ResultView, ...]
    records: tuple[RecordView, ...]

    def deployed(self, state: str) -> tuple[Deployed, ...]:
        """Active services by deployment state (``live``, ``target``, ``retired``)."""
        return {"live": self.live, "target": self.target, "retired": self.retired}[state]


@dataclass(frozen=True, slots=True)
class OwnerView:
    """An owner repo: what it owns, and what it still owes."""

    id: str
    repo: Repo
    link: PageLink
    gates: tuple[str, ...]
    """Active gates it owns."""
    gates_not_ready: tuple[str, ...]
    services: tuple[PageLink, ...]
    """Active services it owns (text ``service:<id>``)."""
    stores: tuple[PageLink, ...]
    """Active stores whose backups it owns."""
    environments: tuple[PageLink, ...]
    owes: tuple[ResultView, ...]
    """Failing check results on its services, stores and environments."""
    contacts: tuple[str, ...]
    url: UrlLink | None


def _scorecard(catalog: Catalog, derived: Derived, ref: str) -> tuple[ResultView, ...]:
    return tuple(result_view(catalog, r) for r in derived.scorecards.get(ref, []))


def _where(
    catalog: Catalog, values: dict[str, str | None], names: tuple[str, ...], owner: str | None
) -> tuple[tuple[str, UrlLink | None], ...]:
    return tuple((name, where(catalog, values[name] or "", owner) if values[name] else None) for name in names)


def service_view(catalog: Catalog, derived: Derived, records: Records, service_id: str) -> ServiceView:
    service = catalog.services[service_id]
    stores = None
    if service.stores is not None:
        stores = tuple(
            StoreView(
                store,
                repo_link(catalog, store.backup.owner) if store.backup and store.backup.owner else None,
                _scorecard(catalog, derived, f"store:{store.id}"),
                records.about(f"store:{store.id}"),
            )
            for store in service.stores
        )
    return ServiceView(
        id=service_id,
        service=service,
        link=PageLink(service_id, urls.page("service", service_id)),
        retired=catalog.service_retired(service_id),
        owner=repo_link(catalog, service.owner) if service.owner else None,
        depends_on=None
        if service.depends_on is None
        else tuple(entity_link(catalog, f"service:{d}") for d in service.depends_on),
        deployments=tuple((entity_link(catalog, f"environment:{d.environment}"), d) for d in service.deployments or []),
        stores=stores,
        runbooks=None
        if service.runbooks is None
        else _where(catalog, service.runbooks.model_dump(), RUNBOOKS, service.owner),
        observability=None
        if service.observability is None
        else _where(catalog, service.observability.model_dump(), SIGNALS, service.owner),
        scorecard=_scorecard(catalog, derived, f"service:{service_id}"),
        records=records.about(f"service:{service_id}"),
    )


def environment_view(
    catalog: Catalog, derived: Derived, records: Records, services: tuple[ServiceView, ...], env_id: str
) -> EnvironmentView:
    environment = catalog.environments[env_id]
    deployed: dict[str, list[Deployed]] = {"live": [], "target": [], "retired": []}
    for view in services:
        if view.retired:
            continue
        for deployment in view.service.deployments or []:
            if catalog.resolve("environment", deployment.environment) == env_id:
                deployed[deployment.state].append(
                    Deployed(
                        entity_link(catalog, f"service:{view.id}"), view.id, view.service.name, view.owner, deployment
                    )
                )
    return EnvironmentView(
        id=env_id,
        environment=environment,
        link=PageLink(env_id, urls.page("environment", env_id)),
        owner=repo_link(catalog, environment.owner) if environment.owner else None,
        live=tuple(deployed["live"]),
        target=tuple(deployed["target"]),
        retired=tuple(deployed["retired"]),
        scorecard=_scorecard(catalog, derived, f"environment:{env_id}"),
        records=records.about(f"environment:{env_id}"),
    )


def owner_view(catalog: Catalog, derived: Derived, repo_id: str) -> OwnerView:
    def owns(ref: str) -> bool:
        return repo_id in owners_of(catalog, derived, ref)

    gates = tuple(g for g in derived.gates if owns(f"gate:{g}"))
    owned = (
        [f"service:{s}" for s in sorted(catalog.services) if not catalog.service_retired(s) and owns(f"service:{s}")]
        + [f"store:{s}" for s in sorted(catalog.stores) if not catalog.store_retired(s) and owns(f"store:{s}")]
        + [f"environment:{e}" for e in sorted(catalog.environments) if owns(f"environment:{e}")]
    )
    repo = catalog.repos[repo_id]
    links = [entity_link(catalog, ref) for ref in owned]
    return OwnerView(
        id=repo_id,
        repo=repo,
        link=PageLink(repo_id, urls.page("owner", repo_id)),
        gates=gates,
        gates_not_ready=tuple(g for g in gates if derived.gates[g].status != "ready"),
        services=tuple(link for link in links if link.text.startswith("service:")),
        stores=tuple(link for link in links if link.text.startswith("store:")),
        environments=tuple(link for link in links if link.text.startswith("environment:")),
        owes=tuple(r for ref in owned for r in _scorecard(catalog, derived, ref) if not r.passed),
        contacts=tuple(repo.contacts or ()),
        url=UrlLink(repo.url, repo.url) if repo.url else None,
    )
