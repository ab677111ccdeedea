"""generator.pipeline: the one way from records to pages, for the CLI, the plugin and the golden tests."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from generator.asof import parse_as_of
from generator.git import web_commit_url
from generator.pipeline import build_model, render
from tests.conftest import MINIMAL, REPO, write_files
from tests.test_history import Repo, assessment

AS_OF = parse_as_of("2026-06-20")
LOOK = {"evidence/2026/2026-06-05-look.yaml": assessment("2026-06-05", "T-G01", "partial")}


def test_only_the_pipeline_derives_and_renders() -> None:
    """load -> derive -> history -> render is written once: no other module of the generator derives or renders."""
    steps = re.compile(r"\b(render_site|derive)\(")
    callers = {
        path.relative_to(REPO).as_posix()
        for path in (REPO / "generator").rglob("*.py")
        if steps.search(re.sub(r"def \w+\(", "", path.read_text(encoding="utf-8")))
    }
    # diff derives the revisions it reads from git, and the history's status tracker derives a catalog
    # whole when it holds records it does not follow (engine/incremental.py); a sign-off is judged by the
    # statuses at its own moment (validation, and the status rules for a go's staleness); only the pipeline renders.
    assert callers == {
        "generator/pipeline.py",
        "generator/diff.py",
        "generator/engine/incremental.py",
        "generator/validation.py",
        "generator/engine/status.py",
    }


def test_the_model_holds_the_history_or_says_why_not(tmp_path: Path) -> None:
    repo = Repo(tmp_path / "repo")
    sha = repo.commit("2026-06-05", "catalog", {**MINIMAL, **LOOK})
    model = build_model(repo.root, AS_OF)
    assert model.derived.as_of == AS_OF
    assert model.derived.gates["T-G01"].status == "partial"
    assert model.history is not None and model.history.available
    assert [p.commit.sha for p in model.history.points] == [sha]
    assert build_model(repo.root, AS_OF, history=False).history is None
    off = build_model(repo.root, AS_OF, history=False, history_off="turned off here").history
    assert off is not None and (off.available, off.reason) == (False, "turned off here")


def test_render_says_what_the_model_holds(tmp_path: Path) -> None:
    repo = Repo(tmp_path / "repo")
    sha = repo.commit("2026-06-05", "catalog", {**MINIMAL, **LOOK})
    home = render(repo.root, build_model(repo.root, AS_OF)).pages["index.md"]
    assert "History is unavailable" not in home
    off = render(repo.root, build_model(repo.root, AS_OF, history=False, history_off="turned off here"))
    assert "History is unavailable: turned off here." in off.pages["index.md"]
    assert sha[:7] in off.pages["index.md"]  # the source commit, read from the checkout
    plain = write_files(tmp_path / "plain", {**MINIMAL, **LOOK})
    outside = render(plain, build_model(plain, AS_OF))
    assert "History is unavailable: not a git checkout" in outside.pages["index.md"]


def test_commits_link_to_the_origin_remotes_host_without_its_credentials(tmp_path: Path) -> None:
    repo = Repo(tmp_path / "repo")
    sha = repo.commit("2026-06-05", "catalog", {**MINIMAL, **LOOK})
    repo.git("remote", "add", "origin", "https://ada:s3cret-token@git.example/org/handoff.git")
    pages = render(repo.root, build_model(repo.root, AS_OF)).pages
    link = f"[`{sha[:7]}`](<https://git.example/org/handoff/commit/{sha}>)"
    assert f"from source commit {link}." in pages["index.md"]
    assert link in pages["history/index.md"]
    assert not any("s3cret" in text for text in pages.values())


def test_an_empty_commit_url_shows_plain_shas(tmp_path: Path) -> None:
    repo = Repo(tmp_path / "repo")
    sha = repo.commit("2026-06-05", "catalog", {**MINIMAL, **LOOK})
    repo.git("remote", "add", "origin", "git@git.example:org/handoff.git")
    pages = render(repo.root, build_model(repo.root, AS_OF), commit_url="").pages
    assert f"from source commit `{sha[:7]}`." in pages["index.md"]


@pytest.mark.parametrize(
    ("remote", "template"),
    [
        ("https://git.example/org/repo.git", "https://git.example/org/repo/commit/{sha}"),
        ("https://user:token@git.example:3000/org/repo", "https://git.example:3000/org/repo/commit/{sha}"),
        ("git@git.example:org/repo.git", "https://git.example/org/repo/commit/{sha}"),
        ("ssh://git@git.example:2222/org/repo.git", "https://git.example/org/repo/commit/{sha}"),
        ("/srv/git/repo.git", None),
        ("file:///srv/git/repo.git", None),
        ("https://git.example/", None),
    ],
)
def test_web_commit_url(remote: str, template: str | None) -> None:
    assert web_commit_url(remote) == template
