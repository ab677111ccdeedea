"""Golden cases: one YAML file per case under tests/golden/, expected outputs beside it.

Every output of the render step is kept: the Markdown pages and the other files
(``Rendered.files``: JSON API documents and schemas, badges, widget cards and
redirects for former ids). Regenerate them with ``make golden``
(``python -m tests.golden_cases``).
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path

import yaml

from generator.asof import parse_as_of
from generator.history import compute_history
from generator.loader import load_catalog
from generator.render import SiteInfo, render_site
from generator.status import derive

GOLDEN = Path(__file__).resolve().parent / "golden"


def cases() -> list[str]:
    return sorted(path.stem for path in GOLDEN.glob("*.yaml"))


def render_case(name: str) -> dict[str, str]:
    """Materialise the case's files in a scratch directory and render it: path -> text, pages and files."""
    case = yaml.safe_load((GOLDEN / f"{name}.yaml").read_text(encoding="utf-8"))
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch)
        for rel, text in case["files"].items():
            path = root / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        catalog = load_catalog(root)
        as_of = parse_as_of(case["as_of"])
        rendered = render_site(catalog, derive(catalog, as_of), SiteInfo(history=compute_history(root, as_of)))
    outputs = {**rendered.pages, **rendered.files}
    for path, text in outputs.items():
        # Nothing may depend on where the scratch directory was.
        if scratch in text:
            raise AssertionError(f"{name}/{path} names the scratch directory")
    return outputs


def expected(name: str) -> dict[str, str]:
    directory = GOLDEN / name
    return {
        path.relative_to(directory).as_posix(): path.read_bytes().decode(
            "utf-8"
        )  # byte for byte: no newline translation
        for path in sorted(directory.rglob("*"))
        if path.is_file()
    }


def update(name: str) -> None:
    directory = GOLDEN / name
    if directory.exists():
        shutil.rmtree(directory)
    for rel, text in render_case(name).items():
        path = directory / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text.encode("utf-8"))


if __name__ == "__main__":
    for case_name in cases():
        update(case_name)
        sys.stdout.write(f"updated tests/golden/{case_name}/\n")
