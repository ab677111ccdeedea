"""One probe from the command line: check the record's references, run the probe, make its record.

What ``readiness probe NAME`` does between parsing its options and printing:
:func:`run_single` checks ``--about`` and ``--assess`` as ``readiness evidence
new`` does (and, when the record is to be written, resolves them against the
catalog, loaded before the probe runs), runs the probe and builds its record;
:meth:`SingleRun.write` then writes it through :mod:`generator.records.recordfile`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from ..records import loader
from ..records.catalog import Catalog
from ..records.models import Evidence, ready_despite_failure
from ..records.recordfile import write_evidence
from ..references import check_reference_forms, resolve_references
from .base import Probe
from .record import Outcome, probe_record

S = TypeVar("S")


@dataclass(frozen=True, slots=True)
class SingleRun:
    """What one probe saw and the record that says it."""

    outcome: Outcome
    record: Evidence
    refused: list[str]
    """Gates ``--assess`` set ready that the record does not assess, because the probe failed."""
    catalog: Catalog | None
    """The catalog the references were resolved against, when the record is to be written."""

    def write(self, root: Path) -> Path:
        """Write the record to a new file ``evidence/<year>/<date>-<slug>.yaml`` under ``root``."""
        if self.catalog is None:
            raise ValueError("run_single(..., write=True) resolves the references a written record needs")
        return write_evidence(root, self.catalog, self.record, self.outcome.name)


def run_single(
    root: Path,
    probe: Probe[Any, S],
    spec: S,
    *,
    about: Sequence[str],
    assess: Mapping[str, str],
    write: bool,
) -> SingleRun:
    """Run ``probe`` on ``spec`` and make its record (to be written, with ``write``).

    Bad ``about`` or ``assess`` values raise before the probe runs
    (:class:`~generator.errors.UsageError`, for their form and for what the catalog does not know)."""
    refs, gates = list(about), check_reference_forms(about, assess)
    catalog = None
    if write:
        catalog = loader.load_catalog(root)
        resolved = resolve_references(catalog, about=refs, assess=gates)
        refs, gates = resolved.about, resolved.assess
    outcome = probe.run(spec)
    record = probe_record(outcome, about=refs, assess=gates)
    return SingleRun(outcome, record, ready_despite_failure(outcome.result, gates), catalog)
