"""The whole load: every record file of a tree, validated, registered and cross-checked."""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import functools
import gc
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from ...errors import Problem, UsageError, ValidationFailed
from ...probes.planschema import DEFAULT_PLAN
from .. import yamlstrict
from ..catalog import Catalog, Origin
from ..kinds import EVIDENCE, KINDS, SERVICE, Kind, R
from ..models import AllowedSecret, Evidence, is_slug, reserved_reason
from ..tree import Entry, Tree, WorkTree
from .crosscheck import ADDABLE_KINDS, cross_check, cross_check_added, register
from .documents import list_file, one_file, plan_file
from .files import ATTACHMENTS_DIR, ParseCache, cached, discover
from .state import Run

ALLOWED_SECRETS = "data/allowed-secrets.yaml"


def load_catalog(root: Path, *, now: dt.datetime | None = None) -> Catalog:
    """Load, validate and cross-check every record in the work tree under ``root``.

    ``now`` is the real present (records observed after it are typos); it is
    not the as-of moment, which only filters records when deriving.
    """
    root = Path(root)
    if not (root / "data").is_dir():
        raise UsageError(f"no data/ directory in {root}: run from the repository root or pass --root")
    return load_tree(WorkTree(root), root, now=now)


def load_tree(tree: Tree, root: Path, *, now: dt.datetime | None = None, cache: ParseCache | None = None) -> Catalog:
    """Load, validate and cross-check the records of any tree (the work tree or a revision)."""
    with no_cyclic_gc():
        return _load(tree, root, now or dt.datetime.now(dt.UTC), cache)


def extendable(catalog: Catalog) -> bool:
    """Whether :func:`extend_catalog` may add records to ``catalog``: all its evidence records are of
    :data:`~.crosscheck.ADDABLE_KINDS`."""
    return all(record.kind in ADDABLE_KINDS for record in catalog.evidence.values())


def extend_catalog(
    previous: Catalog, tree: Tree, added: Sequence[str], *, now: dt.datetime, cache: ParseCache
) -> tuple[Catalog, list[str]] | None:
    """The catalog of ``tree``, which is the tree ``previous`` was loaded from plus the files
    ``added`` (paths): ``previous`` with the evidence records those add, when loading ``tree``
    whole would find exactly that; with the ids added. ``None`` when a whole load must decide:
    an added file that is not a clean evidence record of :data:`~.crosscheck.ADDABLE_KINDS` or
    an attachment, a problem, a possible secret.

    ``previous`` must be :func:`extendable`. This is how a history reads a commit that only
    adds evidence (most commits), without visiting every record again."""
    new: dict[str, Evidence] = {}
    origins: dict[tuple[str, str], Origin] = {}
    for rel in added:
        parts = rel.split("/")
        if parts[0] != EVIDENCE.layout.path or len(parts) < 2:
            return None
        if parts[1] == ATTACHMENTS_DIR and len(parts) > 2:
            continue  # an attachment: only the records that name it read it
        entry = tree.entry(rel)
        stem = parts[-1][: -len(".yaml")]
        if (
            entry is None
            or entry.kind != "file"
            or not parts[-1].endswith(".yaml")
            or any(yamlstrict.forbidden_in_name(part) is not None for part in parts[1:])
            or not _valid_slug(stem)
            or reserved_reason(stem) is not None
            or stem in previous.evidence
            or stem in new
        ):
            return None
        result = cached(cache, entry, functools.partial(one_file, tree, rel, EVIDENCE))
        if result.problems or result.broken or result.secrets or result.held or len(result.records) != 1:
            return None
        record = result.records[0][0]
        if not isinstance(record, Evidence) or record.kind not in ADDABLE_KINDS:
            return None
        new[stem] = record
        origins[("evidence", stem)] = Origin(rel)
    catalog = dataclasses.replace(
        previous, evidence={**previous.evidence, **new}, origins={**previous.origins, **origins}
    )
    run = Run(tree=tree, cache=cache)
    cross_check_added(run, catalog, list(new), now)
    return None if run.problems else (catalog, list(new))


@contextlib.contextmanager
def no_cyclic_gc() -> Iterator[None]:
    """Loading makes hundreds of thousands of acyclic objects; the cyclic collector
    would walk them again and again for nothing. Reference counting still frees them."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()  # the catalog lives as long as the run: keep it out of later collections
        if enabled:
            gc.enable()


def _load(tree: Tree, root: Path, now: dt.datetime, cache: ParseCache | None) -> Catalog:
    run = Run(tree=tree, cache=cache)
    catalog = Catalog(root=root)
    run.allowed = [allowed for allowed, _ in _list(run, ALLOWED_SECRETS, AllowedSecret, "allowed-secret", None)]
    for kind in KINDS:
        if kind.layout.form != "list":
            continue
        table = kind.table(catalog)
        for record, origin in _list(run, kind.layout.path, kind.model, kind.name, kind.title):
            if register(run, catalog, kind.name, record.id, record.aliases, origin):
                table[record.id] = record

    plan = tree.entry(DEFAULT_PLAN.as_posix())
    if plan is not None and plan.kind == "file":
        for validated, _ in run.take(cached(cache, plan, lambda: plan_file(run.tree, DEFAULT_PLAN.as_posix()))):
            catalog.credential_origins = {name: tuple(urls) for name, urls in sorted(validated.credentials.items())}

    service_files, evidence_files = discover(tree, run.problems)
    for entry in service_files:
        _service(run, catalog, entry)
    for entry in evidence_files:
        _evidence(run, catalog, entry)

    cross_check(run, catalog, now)
    if run.problems:
        raise ValidationFailed(run.problems)
    return catalog


def locate_in(tree: Tree, origin: Origin, loc: tuple[str | int, ...], message: str) -> Problem:
    """A problem found after the load (a rule that needs statuses), located in the file the same way."""
    run = Run(tree=tree)
    run.add(origin, loc, message)
    return run.problems[0]


def _list(run: Run, rel: str, model: type[BaseModel], kind: str, title: str | None) -> list[tuple[Any, Origin]]:
    """The records of a list file (none when it is absent); ``title``: what it holds (``None``: may be empty)."""
    entry = run.tree.entry(rel)
    if entry is None or entry.kind == "dir":
        return []
    if entry.kind != "file":
        run.problems.append(Problem(rel, 1, 1, "record files must be regular files, not links"))
        return []
    return run.take(cached(run.cache, entry, lambda: list_file(run.tree, rel, model, kind, title)))


def _one(run: Run, entry: Entry, kind: Kind[R]) -> tuple[R | None, list[Problem]]:
    """The record of a file that holds one (``None`` when it did not validate), and the
    problems to report once it is in the catalog."""
    result = cached(run.cache, entry, lambda: one_file(run.tree, entry.rel, kind))
    if result.problems or result.broken or result.secrets:
        run.take(result)
    records = result.records
    return (records[0][0] if records else None), result.held


def _service(run: Run, catalog: Catalog, entry: Entry) -> None:
    """A service file: the service, named by the file, and the stores in it."""
    service, held = _one(run, entry, SERVICE)
    if service is None:
        return
    origin = Origin(entry.rel)
    stem = entry.name[: -len(".yaml")]
    if service.id != stem:
        run.add(origin, ("id",), f"id '{service.id}' must equal the file name '{stem}': rename one of them")
        return
    if not register(run, catalog, "service", service.id, service.aliases, origin):
        return
    catalog.services[service.id] = service
    run.problems.extend(held)
    for index, store in enumerate(service.stores or []):
        store_origin = Origin(entry.rel, ("stores", index))
        if register(run, catalog, "store", store.id, store.aliases, store_origin):
            catalog.stores[store.id] = store
            catalog.store_service[store.id] = service.id


def _evidence(run: Run, catalog: Catalog, entry: Entry) -> None:
    """An evidence file: the record, whose id is the file name."""
    rel = entry.rel
    stem = entry.name[: -len(".yaml")]
    if not _valid_slug(stem):
        run.problems.append(
            Problem(rel, 1, 1, f"file name '{stem}' is not a valid evidence id: use lowercase letters, digits and '-'")
        )
        return
    reserved = reserved_reason(stem)
    if reserved is not None:
        run.problems.append(Problem(rel, 1, 1, f"evidence id '{stem}' (the file name) {reserved}"))
        return
    record, held = _one(run, entry, EVIDENCE)
    if record is None:
        return
    if ("evidence", stem) in catalog.origins:
        first = catalog.origins[("evidence", stem)].path
        run.problems.append(Problem(rel, 1, 1, f"duplicate evidence id '{stem}' (first in {first}): rename one file"))
        return
    catalog.origins[("evidence", stem)] = Origin(rel)
    catalog.evidence[stem] = record
    run.problems.extend(held)


@functools.lru_cache(maxsize=65536)
def _valid_slug(text: str) -> bool:
    return is_slug(text)
