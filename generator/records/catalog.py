"""The loaded, cross-checked catalog: every record by id, with where it came from."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .kinds import kind_named
from .models import REF_KINDS, Environment, Evidence, Gate, Record, Repo, Service, Store, Wave


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

    Built only by :func:`generator.records.loader.load_catalog`, after every record
    validated and every reference resolved. Each table is the one its kind in
    :mod:`generator.records.kinds` names.
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

    def table(self, kind: str) -> dict[str, Record]:
        """The records of the kind called ``kind`` (``service``, ``store``, ...) by id."""
        return kind_named(kind).table(self)

    def resolve(self, kind: str, ident: str) -> str | None:
        """The canonical id for ``ident`` (an id or an alias) of ``kind``, or ``None``."""
        if ident in self.table(kind):
            return ident
        return self.aliases.get(kind, {}).get(ident)

    def resolve_ref(self, ref: str) -> tuple[str, str] | None:
        """``"store:old-db"`` -> ``("store", "gitea-db")`` through aliases, or ``None``."""
        kind, _, ident = ref.partition(":")
        if kind not in REF_KINDS:
            return None
        canonical = self.resolve(kind, ident)
        return None if canonical is None else (kind, canonical)

    def retired(self, kind: str, ident: str) -> bool:
        """Whether the record ``ident`` of ``kind`` exists and is retired (its kind's rule)."""
        rule = kind_named(kind).retired
        return rule is not None and ident in self.table(kind) and rule(self, ident)

    def service_retired(self, service_id: str) -> bool:
        return self.retired("service", service_id)

    def store_retired(self, store_id: str) -> bool:
        """A store counts as retired with its service."""
        return self.retired("store", store_id)
