"""``readiness publish``: versions on a pages branch (mike), and Material's version selector in Chromium.

A throwaway repository gets the shipped site inputs (mkdocs.yml, docs/, data/,
evidence/) in a dated commit; ``1.0`` is published with the alias ``latest`` as
the default, then an evidence record is committed and ``2.0`` takes ``latest``.
The pages branch is checked against what mike promises, the user's work tree
against what publishing promises (untouched), and the branch, exported and
served on 127.0.0.1, against what a reader sees: the selector lists both
versions and switches between them. The browser part follows
tests/test_browser.py (Debian's Chromium, skipped without it unless CI=true).
"""

from __future__ import annotations

import io
import json
import re
import shutil
import subprocess
import tarfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from generator.cli import main
from generator.errors import ReadinessError, UsageError
from generator.publish import PublishReport, publish
from tests.conftest import REPO, write_files
from tests.test_browser import (
    VIEWPORT,
    Tracker,
)
from tests.test_history import Repo, assessment
from tests.webserver import serve_directory

INPUTS = ("mkdocs.yml", "docs", "data", "evidence")
FIRST_DATE = "2026-06-15"
SECOND_DATE = "2026-06-20"
NEW_EVIDENCE = f"{SECOND_DATE}-publish-check"
HOME = "Readiness handoff"


def run_publish(root: Path, *args: str) -> Result:
    return CliRunner().invoke(main, ["--root", str(root), "publish", *args], prog_name="readiness")


def shipped_repo(root: Path) -> Repo:
    """A git repository holding a copy of the shipped site inputs, committed on FIRST_DATE."""
    repo = Repo(root)
    for name in INPUTS:
        source = REPO / name
        if source.is_dir():
            shutil.copytree(source, root / name)
        else:
            shutil.copy2(source, root / name)
    repo.git("add", "-A")
    repo.git("commit", "-q", "-m", "The shipped records", date=FIRST_DATE)
    return repo


@dataclass(frozen=True)
class WorkState:
    """What publishing must leave alone: HEAD, the current branch, the index and the work tree."""

    head: str
    branch: str
    status: str
    index_mtime: int
    files: tuple[str, ...]


def work_state(repo: Repo) -> WorkState:
    root = repo.root
    files = tuple(sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if ".git" not in p.parts))
    return WorkState(
        head=repo.git("rev-parse", "HEAD"),
        branch=repo.git("symbolic-ref", "HEAD"),
        status=repo.git("--no-optional-locks", "status", "--porcelain=v1", "--ignored", "--untracked-files=all"),
        index_mtime=(root / ".git" / "index").stat().st_mtime_ns,
        files=files,
    )


def versions_json(repo: Repo, branch: str = "gh-pages") -> list[dict[str, Any]]:
    value: list[dict[str, Any]] = json.loads(repo.git("show", f"{branch}:versions.json"))
    return value


@dataclass(frozen=True)
class Published:
    repo: Repo
    first: str
    second: str
    report_1: PublishReport
    cli_2: Result
    before: WorkState
    after: WorkState


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory) -> Published:
    """1.0 [latest, default] through the API, then a new evidence commit and 2.0 [latest] through the CLI."""
    repo = shipped_repo(tmp_path_factory.mktemp("publish") / "repo")
    first = repo.git("rev-parse", "HEAD")
    report_1 = publish(repo.root, "1.0", aliases=["latest"], title=None, set_default=True, push=False, as_of=None)
    second = repo.commit(
        SECOND_DATE,
        "A new assessment",
        {f"evidence/2026/{NEW_EVIDENCE}.yaml": assessment(SECOND_DATE, "OPS-G05", "ready")},
    )
    before = work_state(repo)
    cli_2 = run_publish(repo.root, "2.0", "--alias", "latest", "--title", "2.0 (wave 1)")
    after = work_state(repo)
    assert cli_2.exit_code == 0, cli_2.output
    return Published(repo, first, second, report_1, cli_2, before, after)


# ---------------------------------------------------------------------------------------------
# The pages branch


def test_versions_json_lists_both_versions_with_their_source_commits(published: Published) -> None:
    versions = versions_json(published.repo)
    assert [v["version"] for v in versions] == ["2.0", "1.0"], "mike lists the newest first"
    by_name = {v["version"]: v for v in versions}
    assert by_name["2.0"]["aliases"] == ["latest"]
    assert by_name["1.0"]["aliases"] == [], "latest moved from 1.0 to 2.0"
    assert by_name["2.0"]["title"] == "2.0 (wave 1)"
    assert by_name["1.0"]["title"] == "1.0"
    assert by_name["1.0"]["properties"]["commit"] == published.first
    assert by_name["2.0"]["properties"]["commit"] == published.second
    assert by_name["1.0"]["properties"]["as_of"] == f"{FIRST_DATE}T12:00:00Z", "as of the commit's time"
    assert by_name["2.0"]["properties"]["as_of"] == f"{SECOND_DATE}T12:00:00Z"


def test_reports_name_the_commit_and_the_previous_version(published: Published) -> None:
    report = published.report_1
    assert (report.version, report.aliases, report.commit, report.branch) == (
        "1.0",
        ("latest",),
        published.first,
        "gh-pages",
    )
    assert (report.previous_version, report.previous_commit) == (None, None)
    assert report.changed and report.set_default and report.default == "latest"
    assert report.pages > 40 and report.pushed_to is None

    lines = published.cli_2.stdout.splitlines()
    assert lines == [
        f"published 2.0 (aliases: latest) from {published.second[:7]} to branch gh-pages",
        f"previous version: 1.0 (commit {published.first[:7]})",
    ]


def test_both_version_trees_exist_and_differ(published: Published) -> None:
    repo = published.repo
    wanted = ["1.0/index.html", "2.0/index.html", "1.0/404.html", "2.0/gates/index.html", "versions.json", "index.html"]
    listed = repo.git("ls-tree", "--name-only", "gh-pages", *wanted).splitlines()
    assert sorted(listed) == sorted(wanted)
    # The second version has the record committed after the first was published.
    new_page = f"evidence/{NEW_EVIDENCE}/index.html"
    assert repo.git("ls-tree", "--name-only", "gh-pages", f"2.0/{new_page}") == f"2.0/{new_page}"
    assert repo.git("ls-tree", "--name-only", "gh-pages", f"1.0/{new_page}") == ""
    # Each build knew the version before it: 2.0's home says what changed since 1.0.
    home = repo.git("show", "gh-pages:2.0/index.html")
    assert "Changes since version 1.0" in home
    assert "Changes since" not in repo.git("show", "gh-pages:1.0/index.html")
    # Material's version selector is switched on, with the default alias.
    match = re.search(r'<script id="__config" type="application/json">(.*?)</script>', home)
    assert match, "no Material configuration in the page"
    assert json.loads(match.group(1))["version"] == {"provider": "mike", "default": "latest", "alias": True}


def test_latest_is_a_symlink_to_the_newest_version(published: Published) -> None:
    entry = published.repo.git("ls-tree", "gh-pages", "latest")
    mode, kind, blob = entry.split("\t")[0].split()
    assert (mode, kind) == ("120000", "blob"), entry
    assert published.repo.git("cat-file", "-p", blob) == "2.0"


def test_root_redirects_to_the_default(published: Published) -> None:
    index = published.repo.git("show", "gh-pages:index.html")
    assert 'url=latest/"' in index
    assert '<a href="latest/">' in index
    assert 'window.location.replace(\n      "latest/"' in index


def test_work_tree_head_and_branch_are_untouched(published: Published) -> None:
    before, after = published.before, published.after
    assert after == before
    assert after.branch == "refs/heads/main"
    assert after.head == published.second
    # The one thing a build leaves is the history's cache, which git ignores (docs/guide/serving.md).
    left = [line for line in after.status.splitlines() if not line.startswith("!! .cache/readiness/")]
    assert left == [], "publishing left files behind or changed some"
    assert "site" not in after.files


def test_uncommitted_evidence_is_refused(published: Published) -> None:
    repo = published.repo
    tip = repo.git("rev-parse", "gh-pages")
    record = repo.root / "evidence" / "2026" / f"{NEW_EVIDENCE}.yaml"
    original = record.read_text(encoding="utf-8")
    untracked = repo.root / "evidence" / "2026" / f"{SECOND_DATE}-not-committed.yaml"
    try:
        record.write_text(original.replace("ready", "blocked"), encoding="utf-8")
        with pytest.raises(ReadinessError, match=rf"uncommitted changes .*evidence/2026/{NEW_EVIDENCE}\.yaml"):
            publish(repo.root, "3.0", aliases=[], title=None, set_default=False, push=False, as_of=None)
        record.write_text(original, encoding="utf-8")

        untracked.write_text(assessment(SECOND_DATE, "OPS-G01", "ready"), encoding="utf-8")
        result = run_publish(repo.root, "3.0")
        assert result.exit_code == 1, result.output
        assert "error: uncommitted changes" in result.stderr
        assert f"evidence/2026/{untracked.name}" in result.stderr
    finally:
        record.write_text(original, encoding="utf-8")
        untracked.unlink(missing_ok=True)
    assert repo.git("rev-parse", "gh-pages") == tip, "a refused publish committed something"
    assert [v["version"] for v in versions_json(repo)] == ["2.0", "1.0"]


def test_republishing_the_same_commit_changes_nothing(published: Published) -> None:
    repo = published.repo
    tip = repo.git("rev-parse", "gh-pages")
    cwd = Path.cwd()
    result = run_publish(repo.root, "2.0", "--alias", "latest", "--title", "2.0 (wave 1)")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[0] == (
        f"2.0 (aliases: latest) from {published.second[:7]} was already on branch gh-pages: nothing changed"
    )
    assert repo.git("rev-parse", "gh-pages") == tip, "the same commit built again gave different bytes"
    assert Path.cwd() == cwd, "the working directory was not restored"


def test_a_frozen_version_is_not_replaced_without_force(published: Published) -> None:
    repo = published.repo
    tip = repo.git("rev-parse", "gh-pages")
    result = run_publish(repo.root, "1.0")  # latest moved to 2.0: 1.0 is a frozen snapshot of the first commit
    assert result.exit_code == 2, result.output
    assert result.stderr == (
        f"error: version 1.0 is frozen: it was published from {published.first[:7]} and no alias points to it; "
        f"publishing {published.second[:7]} would replace it. Publish under another name, or pass --force to "
        "replace it\n"
    )
    assert repo.git("rev-parse", "gh-pages") == tip


def test_force_replaces_a_frozen_version_and_says_so(tmp_path: Path) -> None:
    repo = shipped_repo(tmp_path / "repo")
    first = repo.git("rev-parse", "HEAD")
    assert run_publish(repo.root, "handoff-1").exit_code == 0
    second = repo.commit(
        SECOND_DATE,
        "A new assessment",
        {f"evidence/2026/{NEW_EVIDENCE}.yaml": assessment(SECOND_DATE, "OPS-G05", "ready")},
    )
    assert run_publish(repo.root, "handoff-1").exit_code == 2
    forced = run_publish(repo.root, "handoff-1", "--force")
    assert forced.exit_code == 0, forced.output
    assert forced.stderr.startswith(f"replaced frozen version handoff-1, published from {first[:7]}\n")
    [entry] = versions_json(repo)
    assert entry["properties"]["commit"] == second


# ---------------------------------------------------------------------------------------------
# Refusals that need no build


@pytest.mark.parametrize("name", ["", "..", ".hidden", "a/b", "../x", "x y", "-rf", "index.html", "versions.json"])
def test_unsafe_version_names_are_refused(tmp_path: Path, name: str) -> None:
    repo = Repo(tmp_path / "repo")
    with pytest.raises(UsageError, match="is not a safe name"):
        publish(repo.root, name, aliases=[], title=None, set_default=False, push=False, as_of=None)
    with pytest.raises(UsageError, match="is not a safe name"):
        publish(repo.root, "1.0", aliases=[name], title=None, set_default=False, push=False, as_of=None)
    if name:
        result = run_publish(repo.root, "--", name)
        assert result.exit_code == 2, result.output
        assert "is not a safe name" in result.stderr


def test_publishing_outside_git_is_refused(tmp_path: Path) -> None:
    root = write_files(tmp_path / "plain", {"data/repos.yaml": "- id: team-a\n"})
    with pytest.raises(ReadinessError, match="not inside a git checkout"):
        publish(root, "1.0", aliases=[], title=None, set_default=False, push=False, as_of=None)
    result = run_publish(root, "1.0")
    assert result.exit_code == 1
    assert "not inside a git checkout" in result.stderr


def test_the_checked_out_branch_is_never_the_pages_branch(tmp_path: Path) -> None:
    repo = Repo(tmp_path / "repo")
    repo.commit(FIRST_DATE, "empty catalog", {"data/repos.yaml": "- id: team-a\n"})
    with pytest.raises(ReadinessError, match="main is the branch checked out here"):
        publish(repo.root, "1.0", aliases=[], title=None, set_default=False, push=False, branch="main", as_of=None)


def test_a_failed_build_commits_nothing(tmp_path: Path) -> None:
    repo = shipped_repo(tmp_path / "repo")
    repo.commit(SECOND_DATE, "A broken record", {f"evidence/2026/{NEW_EVIDENCE}.yaml": "kind: no-such-kind\n"})
    result = run_publish(repo.root, "1.0", "--alias", "latest", "--set-default")
    assert result.exit_code == 1, result.output
    assert f"evidence/2026/{NEW_EVIDENCE}.yaml" in result.stderr
    assert repo.git("branch", "--list", "gh-pages") == "", "the pages branch was created anyway"


# ---------------------------------------------------------------------------------------------
# --push, and a fresh clone (what CI does) publishing on top of the remote branch


def test_a_fresh_clone_publishes_on_top_of_the_pushed_branch(tmp_path: Path) -> None:
    remote = tmp_path / "remote.git"
    subprocess.run(["git", "init", "-q", "--bare", "-b", "main", str(remote)], check=True)
    repo = shipped_repo(tmp_path / "repo")
    repo.git("remote", "add", "origin", str(remote))
    repo.git("push", "-q", "origin", "main")

    first = run_publish(repo.root, "main", "--alias", "latest", "--set-default", "--push")
    assert first.exit_code == 0, first.output
    assert first.stdout.splitlines()[-2:] == ["the site root redirects to latest/", "pushed gh-pages to origin"]
    pushed = subprocess.run(
        ["git", "-C", str(remote), "rev-parse", "gh-pages"], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert pushed == repo.git("rev-parse", "gh-pages")

    # A new clone has origin/gh-pages but no local gh-pages, like a CI checkout.
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", str(remote), str(clone)], check=True)
    cloned = Repo(clone)  # git init in a clone only sets the committer identity
    cloned.git("tag", "handoff-wave-0")
    report = publish(
        clone, "handoff-wave-0", aliases=[], title="Handoff wave 0", set_default=False, push=True, as_of=None
    )
    assert report.previous_version == "main"
    assert report.previous_commit == repo.git("rev-parse", "HEAD")
    assert report.default == "latest", "a snapshot keeps the default the branch already had"

    tip = subprocess.run(
        ["git", "-C", str(remote), "rev-parse", "gh-pages", "gh-pages^"], capture_output=True, text=True, check=True
    ).stdout.split()
    assert tip == [report.pages_commit, pushed], "the snapshot is one commit on top of what was pushed"
    versions = versions_json(cloned)
    assert [(v["version"], v["title"], v["aliases"]) for v in versions] == [
        ("main", "main", ["latest"]),
        ("handoff-wave-0", "Handoff wave 0", []),
    ]
    assert '<a href="latest/">' in cloned.git("show", "gh-pages:index.html")


# ---------------------------------------------------------------------------------------------
# Material's version selector, in Chromium


@pytest.fixture(scope="module")
def pages_url(published: Published, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The pages branch exported (git archive keeps mike's symlinks) and served on 127.0.0.1."""
    target = tmp_path_factory.mktemp("pages")
    archive = subprocess.run(
        ["git", "-C", str(published.repo.root), "archive", "--format=tar", "gh-pages"], capture_output=True, check=True
    ).stdout
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(target, filter="data")
    assert (target / "latest").is_symlink()
    with serve_directory(target, "pages-server") as url:
        yield url


def test_version_selector_switches_from_1_0_to_2_0(browser: Any, pages_url: str) -> None:
    from playwright.sync_api import expect

    context = browser.new_context(color_scheme="light", viewport=VIEWPORT)
    try:
        page = context.new_page()
        tracker = Tracker(pages_url)
        tracker.attach(page)

        page.goto(pages_url + "1.0/")
        expect(page.locator("article h1")).to_have_text(re.compile("^" + HOME))
        selector = page.locator(".md-version")
        expect(selector).to_have_count(1)  # rendered once versions.json has loaded
        current = selector.locator(".md-version__current")
        expect(current).to_have_text(re.compile(r"^\s*1\.0\s*$"))

        links = selector.locator(".md-version__link")
        expect(links).to_have_count(2)
        hrefs = links.evaluate_all("(as) => as.map((a) => a.getAttribute('href'))")
        assert hrefs == [pages_url + "2.0/", pages_url + "1.0/"], hrefs
        titles = links.evaluate_all("(as) => as.map((a) => a.firstChild.textContent.trim())")
        assert titles == ["2.0 (wave 1)", "1.0"], titles
        expect(links.nth(0).locator(".md-version__alias")).to_have_text("latest")
        expect(links.nth(1).locator(".md-version__alias")).to_have_count(0)

        selector.hover()  # the list opens over the button, as for a reader moving the mouse there
        target = links.filter(has_text="2.0 (wave 1)")
        expect(target).to_be_visible()
        target.click()
        expect(page).to_have_url(pages_url + "2.0/")
        expect(page.locator("article h1")).to_have_text(re.compile("^" + HOME))
        expect(page.locator("article h2", has_text="Changes since version 1.0")).to_have_count(1)
        expect(page.locator(".md-version__current")).to_have_text(re.compile(r"^\s*2\.0 \(wave 1\)\s*latest\s*$"))
        # Material's selector did the switch (it looks for the same page in 2.0's sitemap first).
        assert pages_url + "versions.json" in tracker.requests
        assert pages_url + "2.0/sitemap.xml" in tracker.requests, tracker.requests
        # The 2.0 build, not 1.0 under another name: it links the record committed after 1.0.
        page.goto(pages_url + "2.0/evidence/")
        expect(page.locator("article").get_by_role("link", name=NEW_EVIDENCE, exact=True)).to_have_count(1)
        page.goto(pages_url + "1.0/evidence/")
        expect(page.locator("article h1")).to_have_text(re.compile("^Evidence"))
        expect(page.locator("article").get_by_role("link", name=NEW_EVIDENCE, exact=True)).to_have_count(0)

        tracker.assert_clean()
    finally:
        context.close()


def test_the_root_redirects_to_the_default_version(browser: Any, pages_url: str) -> None:
    from playwright.sync_api import expect

    context = browser.new_context(color_scheme="light", viewport=VIEWPORT)
    try:
        page = context.new_page()
        tracker = Tracker(pages_url)
        tracker.attach(page)
        page.goto(pages_url)
        expect(page).to_have_url(pages_url + "latest/")
        expect(page.locator("article h1")).to_have_text(re.compile("^" + HOME))
        # latest is 2.0: the selector says so, and lists both versions.
        expect(page.locator(".md-version__current")).to_have_text(re.compile(r"^\s*2\.0 \(wave 1\)\s*latest\s*$"))
        expect(page.locator(".md-version__link")).to_have_count(2)
        tracker.assert_clean()
    finally:
        context.close()
