"""Golden cases: one YAML file per case under tests/golden/, expected pages beside it.

Regenerate every expected page with ``make golden`` (``python -m tests.golden_cases``).
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path

import yaml

from generator.asof import parse_as_of
from generator.pipeline import build_model, render

GOLDEN = Path(__file__).resolve().parent / "golden"


def cases() -> list[str]:
    return sorted(path.stem for path in GOLDEN.glob("*.yaml"))


def render_case(name: str) -> dict[str, str]:
    """Materialise the case's files in a scratch directory and render it."""
    case = yaml.safe_load((GOLDEN / f"{name}.yaml").read_text(encoding="utf-8"))
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch)
        for rel, text in case["files"].items():
            path = root / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        rendered = render(root, build_model(root, parse_as_of(case["as_of"])))
    return rendered.pages


def expected(name: str) -> dict[str, str]:
    directory = GOLDEN / name
    return {
        path.relative_to(directory).as_posix(): path.read_text(encoding="utf-8")
        for path in sorted(directory.rglob("*.md"))
    }


def update(name: str) -> None:
    directory = GOLDEN / name
    if directory.exists():
        shutil.rmtree(directory)
    for rel, text in render_case(name).items():
        path = directory / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    for case_name in cases():
        update(case_name)
        sys.stdout.write(f"updated tests/golden/{case_name}/\n")
