"""generator.git: the one module that runs git, and its one test of the checkout."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from generator.errors import ReadinessError
from generator.git import NoCommits, NotACheckout, checked_head, head_commit, unavailable_reason
from generator.publish import publish
from tests.conftest import MINIMAL, REPO, write_files
from tests.test_history import Repo


def test_only_the_git_module_runs_processes() -> None:
    """No other module of the generator imports subprocess (mike's API excepted: it is a library)."""
    runners = []
    for path in sorted((REPO / "generator").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = (
                [alias.name for alias in node.names]
                if isinstance(node, ast.Import)
                else [node.module or ""]
                if isinstance(node, ast.ImportFrom)
                else []
            )
            if any(name.split(".")[0] in ("subprocess", "pty") for name in names):
                runners.append(path.relative_to(REPO).as_posix())
    assert sorted(set(runners)) == ["generator/git.py"]


@pytest.mark.parametrize(
    ("in_git", "error", "reason", "refusal"),
    [
        (
            False,
            NotACheckout,
            "not a git checkout: history needs the repository's git history",
            "is not inside a git checkout: a published version records",
        ),
        (True, NoCommits, "no commits yet", "has no commits yet: commit the records, then publish"),
    ],
    ids=["outside-a-checkout", "no-commits-yet"],
)
def test_no_head_means_the_same_to_every_caller(
    tmp_path: Path, in_git: bool, error: type[Exception], reason: str, refusal: str
) -> None:
    """One test of the checkout; history, head_commit and publish each say what it means for them."""
    root = Repo(tmp_path / "records").root if in_git else tmp_path / "records"
    write_files(root, dict(MINIMAL))
    with pytest.raises(error):
        checked_head(root)
    assert head_commit(root) is None
    assert unavailable_reason(root) == reason
    with pytest.raises(ReadinessError, match=refusal):
        publish(root, "1.0", aliases=[], title=None, set_default=False, push=False, as_of=None)


def test_a_checkout_with_commits_even_from_a_subdirectory(tmp_path: Path) -> None:
    repo = Repo(tmp_path / "repo")
    sha = repo.commit("2026-06-01", "catalog", {f"ops/{k}": v for k, v in MINIMAL.items()})
    for root in (repo.root, repo.root / "ops"):
        assert checked_head(root) == sha
        assert head_commit(root) == sha
        assert unavailable_reason(root) is None


def test_git_that_cannot_run_is_a_reason_not_a_crash(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    repo = Repo(tmp_path / "repo")
    repo.commit("2026-06-01", "catalog", dict(MINIMAL))
    monkeypatch.setenv("PATH", str(tmp_path / "no-bin"))
    assert head_commit(repo.root) is None
    reason = unavailable_reason(repo.root)
    assert reason is not None and reason.startswith(
        "git is not usable here: git rev-parse --is-inside-work-tree failed"
    )
