"""The entity kinds of the catalog, in one registry.

For each kind (repo, environment, service, store, gate, wave, evidence) a
:class:`Kind` says what it is everywhere the code goes over kinds: its model,
its table in the :class:`~generator.records.catalog.Catalog`, where its records are
written (its :class:`Layout`), when one of its records is retired, the site
section its pages live in, and the ``select:`` plural of checks that select it.
Code that needs any of this reads it here rather than listing kinds again.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Generic, Literal, TypeVar

from .models import CheckSelect, Environment, Evidence, Gate, Record, Repo, Service, Store, Wave

if TYPE_CHECKING:  # the catalog reads its tables through this registry: a name for types only
    from .catalog import Catalog

R = TypeVar("R", bound=Record)

EntityKind = Literal["repo", "environment", "service", "store", "gate", "wave", "evidence"]


@dataclass(frozen=True, slots=True)
class Layout:
    """Where the records of a kind are written.

    ``list``: every record in one file, ``path`` (``data/repos.yaml``);
    ``files``: one file per record in the folder ``path``, named by its id;
    ``tree``: one file per record anywhere below the folder ``path``, named by its id;
    ``inside``: in the field ``path`` of the records of the kind ``parent``.
    """

    form: Literal["list", "files", "tree", "inside"]
    path: str
    parent: str | None = None

    @property
    def pattern(self) -> str:
        """The files, as the guide and the schemas name them (``data/services/<id>.yaml``)."""
        if self.form == "files":
            return f"{self.path}/<id>.yaml"
        if self.form == "tree":
            return f"{self.path}/**/<id>.yaml"
        if self.form == "inside":
            return f"{self.path} of a {self.parent}"
        return self.path


@dataclass(frozen=True, slots=True)
class Kind(Generic[R]):
    """One entity kind."""

    name: EntityKind
    """Its name in references (``store:gitea-db``) and messages."""
    model: type[R]
    table: Callable[[Catalog], dict[str, R]]
    """Its records, by canonical id, in a catalog."""
    layout: Layout
    title: str
    """What a file of it holds, after its path (``data/repos.yaml: owner repositories``)."""
    section: str | None = None
    """The site section (folder) of its pages; ``None``: no pages of its own (stores are on their service's)."""
    select: CheckSelect | None = None
    """The ``select:`` value of checks that select it; ``None``: checks cannot."""
    retired: Callable[[Catalog, str], bool] | None = None
    """Whether the record with this id is retired (it stays valid but counts for nothing); ``None``: never."""
    retired_by: tuple[str, object] | None = None
    """The top-level field and its value that retire a record of it, when its own field does
    (``lifecycle: retired``): checks never select such a record, so ``where`` cannot ask for it."""


def _service_retired(catalog: Catalog, ident: str) -> bool:
    return catalog.services[ident].lifecycle == "retired"


# One kind a statement, laid out as a table: name, model, its records in a catalog, file layout, title; then
# its site section, the ``select:`` value of checks over it, when a record of it is retired and by which field.
# fmt: off
REPO = Kind("repo", Repo, lambda c: c.repos, Layout("list", "data/repos.yaml"), "owner repositories",
            section="owners")
ENVIRONMENT = Kind("environment", Environment, lambda c: c.environments, Layout("list", "data/environments.yaml"),
                   "environments", section="environments", select="environments")
SERVICE = Kind("service", Service, lambda c: c.services, Layout("files", "data/services"), "one service",
               section="services", select="services", retired=_service_retired,
               retired_by=("lifecycle", "retired"))
STORE = Kind("store", Store, lambda c: c.stores, Layout("inside", "stores", parent="service"), "one store",
             select="stores", retired=lambda c, ident: _service_retired(c, c.store_service[ident]))
"""A store is retired with its service."""
GATE = Kind("gate", Gate, lambda c: c.gates, Layout("list", "data/gates.yaml"), "readiness gates",
            section="gates", retired=lambda c, ident: c.gates[ident].retired, retired_by=("retired", True))
WAVE = Kind("wave", Wave, lambda c: c.waves, Layout("list", "data/waves.yaml"), "migration waves",
            section="waves", select="waves", retired=lambda c, ident: c.waves[ident].retired,
            retired_by=("retired", True))
EVIDENCE = Kind("evidence", Evidence, lambda c: c.evidence, Layout("tree", "evidence"), "one evidence record",
                section="evidence")
# fmt: on

KINDS: tuple[Kind[Any], ...] = (REPO, ENVIRONMENT, SERVICE, STORE, GATE, WAVE, EVIDENCE)
"""Every kind, in the order the catalog is loaded and listed."""

_BY_NAME: Mapping[str, Kind[Any]] = MappingProxyType({kind.name: kind for kind in KINDS})
_BY_SELECT: Mapping[str, Kind[Any]] = MappingProxyType({kind.select: kind for kind in KINDS if kind.select})


def kind_named(name: str) -> Kind[Any]:
    """The kind called ``name``; :class:`KeyError` for a name that is not a kind."""
    return _BY_NAME[name]


def selected_kind(select: str) -> Kind[Any]:
    """The kind a check's ``select:`` value (``services``) selects."""
    return _BY_SELECT[select]


def kinds_inside(kind: Kind[Any]) -> tuple[Kind[Any], ...]:
    """The kinds whose records are written inside the records of ``kind`` (a service's stores)."""
    return tuple(inner for inner in KINDS if inner.layout.parent == kind.name)
