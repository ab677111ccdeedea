"""The guide stays true: the CLI reference equals --help, the README's commands exist."""

from __future__ import annotations

import re

from tests.cli_reference import PAGE, reference
from tests.conftest import REPO


def test_cli_reference_equals_help() -> None:
    assert PAGE.read_text(encoding="utf-8") == reference(), "docs/guide/cli.md is stale: run `make cli-docs`"


def test_readme_starts_with_the_two_commands() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    block = re.search(r"```sh\n(.*?)```", readme, re.S)
    assert block is not None
    commands = [line.split("#")[0].strip() for line in block.group(1).splitlines() if line.strip()]
    assert commands[:2] == ["make site", "make test"]
    makefile = (REPO / "Makefile").read_text(encoding="utf-8")
    assert re.search(r"^site:", makefile, re.M) and re.search(r"^test:", makefile, re.M)
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    assert "make test" in ci
