"""The loaded, cross-checked catalog: every record by id, with where it came from."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from .models import Environment, Evidence, Gate, Repo, Service, Store, Wave, observed_moment


@dataclass(frozen=True, slots=True)
class Origin:
    """Where a record is: its file (relative to the root) and its place in that file."""

    path: str
    loc: tuple[str | int, ...] = ()
    label: str | None = None
    """How messages name the record (its id), when it sits in a list file."""


@dataclass(slots=True)
class Catalog:
    """Every record, keyed by canonical id, plus alias maps and origins.

    Built only by :func:`generator.loader.load_catalog`, after every record
    validated and every reference resolved.
    """

    root: Path
    repos: dict[str, Repo] = field(default_factory=dict)
    environments: dict[str, Environment] = field(default_factory=dict)
    services: dict[str, Service] = field(default_factory=dict)
    stores: dict[str, Store] = field(default_factory=dict)
    store_service: dict[str, str] = field(default_factory=dict)
    gates: dict[str, Gate] = field(default_factory=dict)
    waves: dict[str, Wave] = field(default_factory=dict)
    evidence: dict[str, Evidence] = field(default_factory=dict)
    origins: dict[tuple[str, str], Origin] = field(default_factory=dict)
    aliases: dict[str, dict[str, str]] = field(default_factory=dict)
    """kind -> alias -> canonical id."""
    credential_origins: dict[str, tuple[str, ...]] = field(default_factory=dict)
    """The probe plan's credential variables -> the origins each may be sent to."""

    def table(self, kind: str) -> dict[str, object]:
        """The records of an entity kind (``service``, ``store``, ...) by id."""
        table: dict[str, object]
        if kind == "evidence":
            table = self.evidence  # type: ignore[assignment]
        elif kind == "service":
            table = self.services  # type: ignore[assignment]
        elif kind == "store":
            table = self.stores  # type: ignore[assignment]
        elif kind == "gate":
            table = self.gates  # type: ignore[assignment]
        elif kind == "environment":
            table = self.environments  # type: ignore[assignment]
        elif kind == "repo":
            table = self.repos  # type: ignore[assignment]
        elif kind == "wave":
            table = self.waves  # type: ignore[assignment]
        else:
            raise KeyError(kind)
        return table

    def resolve(self, kind: str, ident: str) -> str | None:
        """The canonical id for ``ident`` (an id or an alias) of ``kind``, or ``None``."""
        if ident in self.table(kind):
            return ident
        return self.aliases.get(kind, {}).get(ident)

    def resolve_ref(self, ref: str) -> tuple[str, str] | None:
        """``"store:old-db"`` -> ``("store", "gitea-db")`` through aliases, or ``None``."""
        kind, _, ident = ref.partition(":")
        if kind not in ("service", "store", "environment", "repo", "gate", "wave"):
            return None
        canonical = self.resolve(kind, ident)
        return None if canonical is None else (kind, canonical)

    def service_retired(self, service_id: str) -> bool:
        service = self.services.get(service_id)
        return service is not None and service.lifecycle == "retired"

    def store_retired(self, store_id: str) -> bool:
        """A store counts as retired with its service."""
        return self.service_retired(self.store_service[store_id])

    def observed(self, evidence_id: str) -> dt.datetime:
        return observed_moment(self.evidence[evidence_id].observed)
