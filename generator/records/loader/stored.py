"""Parse results kept between runs (the history's cache): what a record file held, by blob.

Only clean results are kept (records, no problem, no possible secret), of the files whose
model the path says (the list files of :mod:`~generator.records.kinds`, service files,
evidence records). Each record is kept as its fields written (``exclude_unset``: absent stays
absent), and only when validating them again gives back an equal record. On the way in, the
stored form is validated (unknown fields refused) and every record again by its own model,
with its own rules: a stored record is never trusted more than the file it came from.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Mapping
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, StringConstraints, ValidationError

from ..catalog import Origin
from ..kinds import EVIDENCE, KINDS
from ..models import CollectBreaches, Evidence, Record
from .files import ATTACHMENTS_DIR, FileResult

Blob = Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{40}(?:[0-9a-f]{24})?$")]


class StoredRecord(BaseModel):
    """One record of a stored file."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)

    loc: list[int]
    """Its place in a list file (``[index]``); ``[]`` for a file of one record."""
    label: Annotated[str, StringConstraints(max_length=64)] | None
    record: str
    """Its fields as written, as JSON text (validated by the record's model straight from it)."""


class StoredFile(BaseModel):
    """What one file held: its records."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)

    blob: Blob
    path: Annotated[str, StringConstraints(min_length=1, max_length=4096)]
    records: list[StoredRecord]


def stored_model(rel: str) -> tuple[type[Record], bool] | None:
    """The model of the records a file at ``rel`` holds, and whether it holds a list of them
    (``None``: a file whose results are not kept)."""
    for kind in KINDS:
        layout = kind.layout
        if layout.form == "list" and rel == layout.path:
            return kind.model, True
        if layout.form == "files" and rel.startswith(layout.path + "/"):
            rest = rel[len(layout.path) + 1 :]
            if "/" not in rest and rest.endswith(".yaml"):
                return kind.model, False
    if (
        rel.startswith(EVIDENCE.layout.path + "/")
        and not rel.startswith(f"{EVIDENCE.layout.path}/{ATTACHMENTS_DIR}/")
        and rel.endswith(".yaml")
    ):
        return EVIDENCE.model, False
    return None


def store(blob: str, rel: str, result: FileResult) -> StoredFile | None:
    """The stored form of a clean result (``None``: not clean, not kept, or a record that would
    not come back equal)."""
    if result.problems or result.broken or result.secrets or result.held:
        return None
    shape = stored_model(rel)
    if shape is None:
        return None
    model, many = shape
    records = []
    for record, origin in result.records:
        place = origin.loc
        if not isinstance(record, model) or origin.path != rel:
            return None
        in_place = len(place) == 1 and isinstance(place[0], int) if many else place == ()
        if not in_place:
            return None
        fields = _fields(record)
        again = _again(model, fields)
        if again is None or again != record or _fields(again) != fields:
            return None  # kept only when it comes back equal, absent fields absent (nested ones too)
        records.append(StoredRecord(loc=[int(part) for part in place], label=origin.label, record=fields))
    try:
        return StoredFile(blob=blob, path=rel, records=records)
    except ValidationError:
        return None


def restore(stored: StoredFile) -> FileResult | None:
    """The result a stored file gives (``None`` when any of its records does not validate)."""
    shape = stored_model(stored.path)
    if shape is None:
        return None
    model, many = shape
    result = FileResult()
    for item in stored.records:
        record = _again(model, item.record)
        if record is None or (len(item.loc) != 1 if many else item.loc != []):
            return None
        result.records.append((record, Origin(stored.path, tuple(item.loc), item.label)))
    if not many and len(result.records) != 1:
        return None
    return result


def _fields(record: Record) -> str:
    """A record's fields as written (those not written left out), as JSON text."""
    return record.model_dump_json(exclude_unset=True, warnings=False)


def _again(model: type[Record], fields: str) -> Record | None:
    """``fields`` (JSON text) validated by ``model`` with the record rules (``None`` when they do not hold)."""
    rules = CollectBreaches()
    try:
        record = model.model_validate_json(fields, context=rules)
    except ValidationError:
        return None
    if rules.breaches:
        return None
    return record


class StoredFiles(BaseModel):
    """The stored parse results of many files: evidence records as they are (validated by
    :class:`~generator.records.models.Evidence` in the same pass as the rest), other files as
    :class:`StoredFile`."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)

    evidence: list[tuple[Blob, Annotated[str, StringConstraints(min_length=1, max_length=4096)], Evidence]]
    other: list[StoredFile]


def pack(results: Mapping[tuple[str, str], FileResult], checked: Collection[tuple[str, str]] = ()) -> dict[str, Any]:
    """The stored form (a JSON value) of the clean ``results``, by (blob id, path); a record is kept
    only when it comes back equal, which ``checked`` says is known for those (restored ones)."""
    evidence: list[list[Any]] = []
    other: list[dict[str, Any]] = []
    for (blob, rel), result in results.items():
        shape = stored_model(rel)
        if shape is None or result.problems or result.broken or result.secrets or result.held:
            continue
        if shape[0] is Evidence and len(result.records) == 1:
            if (blob, rel) not in checked and store(blob, rel, result) is None:
                continue
            record = result.records[0][0]
            evidence.append([blob, rel, json.loads(_fields(record))])
        else:
            stored = store(blob, rel, result)
            if stored is not None:
                other.append(stored.model_dump())
    return {"evidence": evidence, "other": other}


def unpack(body: bytes) -> dict[tuple[str, str], FileResult] | None:
    """The results stored in ``body`` (JSON text of :func:`pack`'s value); ``None`` when any part
    does not validate: the stored form, or a record by its own model and rules."""
    rules = CollectBreaches()
    try:
        found = StoredFiles.model_validate_json(body, context=rules)
    except ValidationError:
        return None
    if rules.breaches:
        return None
    results: dict[tuple[str, str], FileResult] = {}
    for blob, rel, record in found.evidence:
        if stored_model(rel) != (Evidence, False):
            return None
        results[(blob, rel)] = FileResult(records=[(record, Origin(rel))])
    for stored in found.other:
        result = restore(stored)
        if result is None:
            return None
        results[(stored.blob, stored.path)] = result
    return results
