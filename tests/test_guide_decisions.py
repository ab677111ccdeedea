"""The guide's waiver and sign-off pages stay true: each example record, added to the shipped
catalog, validates, or fails with exactly the messages the page shows; and what the page says
the waiver does is what ``readiness status`` says."""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from generator.records.recordfile import slugify
from tests.conftest import REPO, Result

Cli = Callable[..., Result]
GUIDE = REPO / "docs" / "guide"
PAGES = ("waivers.md", "sign-offs.md")


def examples(page: str) -> list[tuple[str, str, list[str] | None]]:
    """(path, record, the problems ``validate`` prints or ``None`` for a valid one) for each example
    record on the page: a YAML block that starts with ``# evidence/...``, and the text block after it
    when that block's lines start with the same path."""
    blocks = re.findall(r"```(\w+)\n(.*?)```", (GUIDE / page).read_text(encoding="utf-8"), re.S)
    out = []
    for index, (language, body) in enumerate(blocks):
        if language != "yaml" or not body.startswith("# evidence/"):
            continue
        path = body.splitlines()[0].removeprefix("# ")
        after = blocks[index + 1] if index + 1 < len(blocks) else None
        expected = after[1].splitlines() if after and after[0] == "text" and after[1].startswith(path) else None
        out.append((path, body, expected))
    return out


def shipped_with(root: Path, path: str, record: str) -> Path:
    for name in ("data", "evidence"):
        shutil.copytree(REPO / name, root / name)
    (root / path).write_text(record, encoding="utf-8")
    return root


def test_each_page_has_a_valid_and_an_invalid_example() -> None:
    for page in PAGES:
        found = examples(page)
        assert [expected is None for _, _, expected in found] == [True, False], page


@pytest.mark.parametrize(("page", "index"), [(page, index) for page in PAGES for index in range(len(examples(page)))])
def test_guide_example_validates_as_the_page_says(cli: Cli, tmp_path: Path, page: str, index: int) -> None:
    path, record, expected = examples(page)[index]
    fields = yaml.safe_load(record)
    # The file is named as `readiness evidence new` names it: the observed day, then the summary's slug.
    assert Path(path).stem == f"{fields['observed'].isoformat()}-{slugify(fields['summary'], 'record')}"
    result = cli("validate", root=shipped_with(tmp_path / "repo", path, record))
    if expected is None:
        assert result.code == 0, result.stdout + result.stderr
    else:
        assert result.code == 1
        assert [line for line in result.stdout.splitlines() if line.startswith("evidence/")] == expected


def test_the_waiver_changes_what_the_page_says(cli: Cli, tmp_path: Path) -> None:
    path, record, _ = examples("waivers.md")[0]
    root = shipped_with(tmp_path / "repo", path, record)
    page = (GUIDE / "waivers.md").read_text(encoding="utf-8")
    text = cli("status", "--as-of", "2026-11-28", root=root).stdout
    assert (
        "OPS-G06  partial   Persistent data is backed up\n         - no assessment; 1 of 3 check results pass\n" in text
    )
    assert (
        "OPS-G06  partial   Persistent data is backed up\n         - no assessment; 1 of 3 check results pass\n" in page
    )
    gates = json.loads(cli("status", "--json", "--as-of", "2026-11-28", root=root).stdout)["gates"]
    reasons = next(g["reasons"] for g in gates if g["id"] == "OPS-G06")
    waived = next(r for r in reasons if r.startswith("store:gitea-packages: waived by"))
    sentence = waived.split(" (", 1)[0]
    assert sentence == (
        "store:gitea-packages: waived by 2026-11-20-package-blobs-are-replicated-not-backed-up-until until "
        "2027-01-31, approved by railiance-platform"
    )
    assert f"```text\n{sentence}\n```" in page
    without = json.loads(cli("status", "--json", "--as-of", "2026-11-28", root=REPO).stdout)["gates"]
    assert next(g["status"] for g in without if g["id"] == "OPS-G06") == "unknown"  # "goes from unknown"
