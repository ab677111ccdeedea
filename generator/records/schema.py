"""JSON Schemas for editors, generated from the models (never written by hand)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from types import GenericAlias
from typing import Any

from pydantic import TypeAdapter

from .kinds import KINDS, Kind
from .models import AllowedSecret

SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"


def _files() -> dict[str, tuple[str, Any]]:
    """Schema file name -> (title, type of the whole file): the list files of the kinds, then
    the kinds with a file per record, then the reviewed false positives of the secret scanner."""
    lists = [kind for kind in KINDS if kind.layout.form == "list"]
    singles = [kind for kind in KINDS if kind.layout.form in ("files", "tree")]
    files: dict[str, tuple[str, Any]] = {
        _list_name(kind): (_title(kind), GenericAlias(list, (kind.model,))) for kind in lists
    }
    files.update({f"{kind.name}.schema.json": (_title(kind), kind.model) for kind in singles})
    files["allowed-secrets.schema.json"] = ("data/allowed-secrets.yaml: reviewed false positives", list[AllowedSecret])
    return files


def _list_name(kind: Kind[Any]) -> str:
    """``data/repos.yaml`` -> ``repos.schema.json``."""
    return kind.layout.path.rsplit("/", 1)[-1].removesuffix(".yaml") + ".schema.json"


def _title(kind: Kind[Any]) -> str:
    return f"{kind.layout.pattern}: {kind.title}"


def schemas() -> dict[str, str]:
    """File name -> schema text (deterministic, newline-terminated)."""
    out: dict[str, str] = {}
    for name, (title, kind) in _files().items():
        schema = TypeAdapter(kind).json_schema()
        document = {"$schema": SCHEMA_DIALECT, "$id": name, "title": title, **schema}
        out[name] = json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    return out


def write_schemas(directory: Path, texts: Mapping[str, str] | None = None) -> list[Path]:
    """Write every schema (``texts``, default :func:`schemas`) into ``directory``; returns the paths written."""
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in (schemas() if texts is None else texts).items():
        path = directory / name
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written


def stale_schemas(directory: Path, texts: Mapping[str, str] | None = None) -> list[str]:
    """Names of schema files in ``directory`` that differ from ``texts`` (default :func:`schemas`) or are missing."""
    return [
        name
        for name, text in (schemas() if texts is None else texts).items()
        if not (directory / name).is_file() or (directory / name).read_text(encoding="utf-8") != text
    ]
