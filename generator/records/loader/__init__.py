"""Load every record file, validate it against the models, cross-check the whole.

``load_catalog(root)`` either returns a complete :class:`~generator.records.catalog.Catalog`
or raises :class:`~generator.errors.ValidationFailed` with every problem found,
each located by file, line and column. Nothing is derived or written before this
succeeds.

By job: :mod:`.files` finds, reads, decodes and caches files; :mod:`.messages`
validates a document against a model and words what is wrong
(:func:`validate_document`, also for the probe plan); :mod:`.documents` turns each
kind of file into records; :mod:`.crosscheck` checks what spans records
(:mod:`.attachments` the files they point to); :mod:`.load` does the whole load,
in the order :mod:`generator.records.kinds` lists the kinds, and extends a loaded
catalog by added evidence records (:func:`extend_catalog`, for histories).
"""

from __future__ import annotations

from .attachments import MAX_ATTACHMENT_BYTES, TEXT_ATTACHMENT_TYPES
from .files import ParseCache
from .load import extend_catalog, extendable, load_catalog, load_tree, locate_in, no_cyclic_gc
from .messages import locate, validate_document

__all__ = [
    "MAX_ATTACHMENT_BYTES",
    "TEXT_ATTACHMENT_TYPES",
    "ParseCache",
    "extend_catalog",
    "extendable",
    "load_catalog",
    "load_tree",
    "locate",
    "locate_in",
    "no_cyclic_gc",
    "validate_document",
]
