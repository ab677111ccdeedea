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


def test_outside_a_checkout(tmp_path: Path) -> None:
    plain = write_files(tmp_path / "plain", dict(MINIMAL))
    with pytest.raises(NotACheckout):
        checked_head(plain)
    assert head_commit(plain) is None
    assert unavailable_reason(plain) == "not a git checkout: history needs the repository's git history"
    with pytest.raises(ReadinessError, match="is not inside a git checkout: a published version records"):
        publish(plain, "1.0", aliases=[], title=None, set_default=False, push=False, as_of=None)


def test_a_repository_without_commits(tmp_path: Path) -> None:
    empty = Repo(tmp_path / "empty").root
    write_files(empty, dict(MINIMAL))
    with pytest.raises(NoCommits):
        checked_head(empty)
    assert head_commit(empty) is None
    assert unavailable_reason(empty) == "no commits yet"
    with pytest.raises(ReadinessError, match="has no commits yet: commit the records, then publish"):
        publish(empty, "1.0", aliases=[], title=None, set_default=False, push=False, as_of=None)


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
