"""One probe from the command line: check the record's references, run it, write or show the record.

What ``readiness probe NAME`` does between parsing its options and printing:
:func:`run_single` checks ``--about`` and ``--assess`` as ``readiness evidence
new`` does (resolved against the catalog when the record is written), runs the
probe, and builds its record; with ``write`` the record is written through
:mod:`generator.recordfile`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from .. import loader
from ..authoring import check_reference_forms, resolve_references
from ..models import Evidence, ready_despite_failure
from ..recordfile import write_evidence
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
    path: Path | None
    """The record written (with ``write``); ``None``: nothing was written."""


def run_single(
    root: Path,
    probe: Probe[Any, S],
    spec: S,
    *,
    about: Sequence[str],
    assess: Mapping[str, str],
    write: bool,
) -> SingleRun:
    """Run ``probe`` on ``spec`` and make its record; write it with ``write``.

    Bad ``about`` or ``assess`` values raise before the probe runs
    (:class:`~generator.errors.UsageError` for their form,
    :class:`~generator.errors.ReadinessError` for what the catalog does not know)."""
    refs, gates = list(about), check_reference_forms(about, assess)
    catalog = None
    if write:
        catalog = loader.load_catalog(root)
        resolved = resolve_references(catalog, about=refs, assess=gates)
        refs, gates = resolved.about, resolved.assess
    outcome = probe.run(spec)
    record = probe_record(outcome, about=refs, assess=gates)
    path = write_evidence(root, catalog, record, outcome.name) if catalog is not None else None
    return SingleRun(outcome, record, ready_despite_failure(outcome.result, gates), path)
