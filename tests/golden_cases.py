"""Golden cases: one YAML file per case under tests/golden/, expected outputs beside it.

Every output of the render step is kept: the Markdown pages and the other files
(``Rendered.files``: JSON API documents and schemas, badges, widget cards and
redirects for former ids). Regenerate them with ``make golden``
(``python -m tests.golden_cases``).
"""

from __future__ import annotations

import contextlib
import shutil
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import yaml

from generator.asof import parse_as_of
from generator.engine.status import Derived
from generator.pipeline import Model, build_model, render
from generator.records.catalog import Catalog
from generator.site.markdown import Rendered, SiteInfo

GOLDEN = Path(__file__).resolve().parent / "golden"


def cases() -> list[str]:
    return sorted(path.stem for path in GOLDEN.glob("*.yaml"))


@dataclass(frozen=True, slots=True)
class Case:
    """A golden case loaded from its scratch directory, with what the render step takes."""

    root: Path
    model: Model

    @property
    def catalog(self) -> Catalog:
        return self.model.catalog

    @property
    def derived(self) -> Derived:
        return self.model.derived

    @property
    def info(self) -> SiteInfo:
        """What the render step is told about the build (a scratch directory has no commit)."""
        return SiteInfo(history=self.model.history)

    def render(self) -> Rendered:
        """The pipeline's render, as every other caller renders."""
        return render(self.root, self.model)


@contextlib.contextmanager
def load_case(name: str) -> Iterator[Case]:
    """Materialise the case's files in a scratch directory and load them (removed on exit)."""
    case = yaml.safe_load((GOLDEN / f"{name}.yaml").read_text(encoding="utf-8"))
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch)
        for rel, text in case["files"].items():
            path = root / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        yield Case(root, build_model(root, parse_as_of(case["as_of"])))


def render_case(name: str) -> dict[str, str]:
    """The case rendered: path -> text, pages and files."""
    with load_case(name) as case:
        rendered = case.render()
        scratch = str(case.root)
    outputs = {**rendered.pages, **rendered.files}
    for path, text in outputs.items():
        # Nothing may depend on where the scratch directory was.
        if scratch in text:
            raise AssertionError(f"{name}/{path} names the scratch directory")
    return outputs


def expected(name: str) -> dict[str, str]:
    directory = GOLDEN / name
    return {
        # Byte for byte: no newline translation.
        path.relative_to(directory).as_posix(): path.read_bytes().decode("utf-8")
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
