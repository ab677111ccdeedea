"""JSON Schemas for editors, generated from the models (never written by hand)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pydantic import TypeAdapter

from .models import AllowedSecret, Environment, Evidence, Gate, Repo, Service, Wave

SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"

# file name -> (title, type of the whole file)
_FILES: dict[str, tuple[str, Any]] = {
    "repos.schema.json": ("data/repos.yaml: owner repositories", list[Repo]),
    "environments.schema.json": ("data/environments.yaml: environments", list[Environment]),
    "gates.schema.json": ("data/gates.yaml: readiness gates", list[Gate]),
    "waves.schema.json": ("data/waves.yaml: migration waves", list[Wave]),
    "service.schema.json": ("data/services/<id>.yaml: one service", Service),
    "evidence.schema.json": ("evidence/**/<id>.yaml: one evidence record", Evidence),
    "allowed-secrets.schema.json": ("data/allowed-secrets.yaml: reviewed false positives", list[AllowedSecret]),
}


def schemas() -> dict[str, str]:
    """File name -> schema text (deterministic, newline-terminated)."""
    out: dict[str, str] = {}
    for name, (title, kind) in _FILES.items():
        schema = TypeAdapter(kind).json_schema()
        document = {"$schema": SCHEMA_DIALECT, "$id": name, "title": title, **schema}
        out[name] = json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    return out


def write_schemas(directory: Path) -> list[Path]:
    """Write every schema into ``directory``; returns the paths written."""
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in schemas().items():
        path = directory / name
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written


def stale_schemas(directory: Path) -> list[str]:
    """Names of schema files in ``directory`` that differ from the models (or are missing)."""
    return [
        name
        for name, text in schemas().items()
        if not (directory / name).is_file() or (directory / name).read_text(encoding="utf-8") != text
    ]
