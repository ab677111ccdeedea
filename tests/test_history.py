"""History and diff over small git repositories with dated commits."""

from __future__ import annotations

import json
import os
import re
import subprocess
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import MINIMAL, Result, write_files

Cli = Callable[..., Result]


class Repo:
    """A throwaway git repository whose commits carry chosen dates."""

    def __init__(self, root: Path) -> None:
        self.root = root
        root.mkdir(parents=True, exist_ok=True)
        self.git("init", "-q", "-b", "main")
        self.git("config", "user.name", "Ada Example")
        self.git("config", "user.email", "ada@example.invalid")

    def git(self, *args: str, date: str | None = None) -> str:
        env = dict(os.environ)
        if date:
            env.update(GIT_AUTHOR_DATE=f"{date}T12:00:00+00:00", GIT_COMMITTER_DATE=f"{date}T12:00:00+00:00")
        proc = subprocess.run(["git", *args], cwd=self.root, env=env, capture_output=True, text=True, check=True)
        return proc.stdout.strip()

    def commit(self, date: str, message: str, files: dict[str, str | None]) -> str:
        write_files(self.root, files)
        self.git("add", "-A")
        self.git("commit", "-q", "-m", message, date=date)
        return self.git("rev-parse", "HEAD")


def assessment(date: str, gate: str, status: str) -> str:
    return f"observed: {date}\nkind: assessment\nsummary: Looked at {gate}\nassess: {{{gate}: {status}}}\n"


@pytest.fixture
def repo(tmp_path: Path) -> Repo:
    return Repo(tmp_path / "repo")


@pytest.fixture
def story(repo: Repo) -> dict[str, str]:
    """c1 catalog, c2 partial, (a commit outside data/), c4 broken, c5 ready."""
    shas = {"c1": repo.commit("2026-06-01", "catalog", dict(MINIMAL))}
    shas["c2"] = repo.commit(
        "2026-06-05", "first look", {"evidence/2026/2026-06-05-look.yaml": assessment("2026-06-05", "T-G01", "partial")}
    )
    shas["c3"] = repo.commit("2026-06-07", "docs only", {"README.md": "hello\n"})
    shas["c4"] = repo.commit("2026-06-10", "oops", {"data/gates.yaml": "- id: T-G01\n  title: [unclosed\n"})
    shas["c5"] = repo.commit(
        "2026-06-12",
        "fix and prove",
        {
            "data/gates.yaml": MINIMAL["data/gates.yaml"],
            "evidence/2026/2026-06-12-proof.yaml": assessment("2026-06-12", "T-G01", "ready"),
        },
    )
    return shas


def history(cli: Cli, root: Path, *args: str) -> dict[str, object]:
    result = cli("history", "--json", *args, root=root)
    assert result.code == 0, result.stderr
    document: dict[str, object] = json.loads(result.stdout)
    return document


def test_history_transitions_gaps_and_commits(cli: Cli, repo: Repo, story: dict[str, str]) -> None:
    document = history(cli, repo.root)
    assert document["available"] is True
    assert document["commits"] == 4  # the docs-only commit changed neither data/ nor evidence/
    rows = [(t["id"], t["from"], t["to"], t["commit"], t["date"], t["evidence"]) for t in document["transitions"]]  # type: ignore[attr-defined]
    assert rows == [
        ("T-G01", None, "unknown", story["c1"], "2026-06-01T12:00:00Z", []),
        ("wave-a", None, "not-started", story["c1"], "2026-06-01T12:00:00Z", []),
        ("T-G01", "unknown", "partial", story["c2"], "2026-06-05T12:00:00Z", ["2026-06-05-look"]),
        ("wave-a", "not-started", "in-progress", story["c2"], "2026-06-05T12:00:00Z", ["2026-06-05-look"]),
        ("T-G01", "partial", "ready", story["c5"], "2026-06-12T12:00:00Z", ["2026-06-12-proof"]),
        ("wave-a", "in-progress", "passed", story["c5"], "2026-06-12T12:00:00Z", ["2026-06-12-proof"]),
    ]
    assert [t["kind"] for t in document["transitions"]] == ["gate", "wave"] * 3  # type: ignore[attr-defined]
    gaps = document["gaps"]
    assert isinstance(gaps, list) and len(gaps) == 1
    assert gaps[0]["commit"] == story["c4"]
    # The unreadable gates file is the one problem: references to its gates are not reported as dangling.
    assert gaps[0]["problems"] == [
        "data/gates.yaml:2:10: the list opened with '[' here is not closed: end it with ']', and separate its "
        "items with ', '"
    ]


def test_history_as_of_ends_the_history(cli: Cli, repo: Repo, story: dict[str, str]) -> None:
    document = history(cli, repo.root, "--as-of", "2026-06-08")
    assert document["commits"] == 2
    assert [t["commit"] for t in document["transitions"]] == [story["c1"]] * 2 + [story["c2"]] * 2  # type: ignore[attr-defined]


def test_history_follows_the_one_as_of_rule(cli: Cli, repo: Repo, story: dict[str, str]) -> None:
    """--as-of, else SOURCE_DATE_EPOCH, else now: as every other command."""
    sde = {"SOURCE_DATE_EPOCH": "1780920000"}  # 2026-06-08T12:00:00Z: after c2, before c4
    for args in (["--json"], []):
        from_env = cli("history", *args, root=repo.root, env=sde)
        from_option = cli("history", *args, "--as-of", "2026-06-08T12:00:00Z", root=repo.root)
        assert from_env.code == from_option.code == 0
        assert (from_env.stdout, from_env.stderr) == (from_option.stdout, from_option.stderr)
    assert json.loads(cli("history", "--json", root=repo.root, env=sde).stdout)["commits"] == 2
    assert "4 transitions in 2 commits" in cli("history", root=repo.root, env=sde).stderr
    # --as-of wins over the environment; a bad SOURCE_DATE_EPOCH is a usage error here too.
    assert history(cli, repo.root, "--as-of", "2026-06-12")["commits"] == 4
    late = cli("history", "--json", "--as-of", "2026-06-12", root=repo.root, env=sde)
    assert json.loads(late.stdout)["commits"] == 4
    bad = cli("history", root=repo.root, env={"SOURCE_DATE_EPOCH": "soon"})
    assert (bad.code, bad.stdout) == (2, "")
    assert bad.stderr == "error: SOURCE_DATE_EPOCH 'soon' is not a whole number of seconds since 1970\n"
    before_any = cli("history", "--json", root=repo.root, env={"SOURCE_DATE_EPOCH": "1780000000"})
    assert json.loads(before_any.stdout) == {"available": True, "transitions": [], "gaps": [], "commits": 0}


MOMENT = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ")
"""The one time format of every output (``asof.format_moment``): seconds precision, UTC, with Z."""


def test_every_output_writes_times_one_way(cli: Cli, repo: Repo, story: dict[str, str]) -> None:
    as_of = "2026-06-15T10:11:12.345678+02:00"
    moments: list[str] = []
    past = history(cli, repo.root, "--as-of", as_of)
    moments += [t["date"] for t in past["transitions"]] + [g["date"] for g in past["gaps"]]  # type: ignore[attr-defined]
    _, change = diff(cli, repo.root, story["c2"], "--as-of", as_of)
    moments += [change["base"]["as_of"], change["head"]["as_of"]]  # type: ignore[index]
    status = cli("status", "--json", "--as-of", as_of, root=repo.root)
    moments.append(json.loads(status.stdout)["as_of"])
    assert len(moments) == 10
    assert all(MOMENT.fullmatch(moment) for moment in moments), moments
    assert change["head"]["as_of"] == json.loads(status.stdout)["as_of"] == "2026-06-15T08:11:12Z"  # type: ignore[index]
    assert change["base"]["as_of"] == past["transitions"][2]["date"] == "2026-06-05T12:00:00Z"  # type: ignore[index]


def test_history_text_output(cli: Cli, repo: Repo, story: dict[str, str]) -> None:
    result = cli("history", root=repo.root)
    assert result.code == 0
    lines = result.stdout.splitlines()
    assert lines[0].startswith(f"2026-06-10 {story['c4'][:7]} gap: 1 validation problem, e.g. data/gates.yaml:2:10")
    assert f"2026-06-12 {story['c5'][:7]} gate T-G01: partial -> ready (added 2026-06-12-proof)" in lines
    assert "6 transitions in 4 commits" in result.stderr


def test_history_never_touches_the_work_tree(cli: Cli, repo: Repo, story: dict[str, str]) -> None:
    """Nothing in the work tree changes; the one thing written is the history's cache, which git ignores."""
    write_files(repo.root, {"data/waves.yaml": "# being edited\n", "scratch.txt": "mine\n"})
    cache = repo.root / ".cache" / "readiness"

    def files() -> dict[Path, bytes]:
        return {
            p: p.read_bytes()
            for p in repo.root.rglob("*")
            if p.is_file() and ".git" not in p.parts and not p.is_relative_to(cache)
        }

    before = files()
    status_before = repo.git("status", "--porcelain")
    history(cli, repo.root)
    assert files() == before
    assert (cache / "points.json").is_file()
    assert repo.git("status", "--porcelain", "--ignored=no") == status_before
    assert repo.git("rev-parse", "HEAD") == story["c5"]


def test_freshness_between_commits_is_not_a_transition(cli: Cli, repo: Repo) -> None:
    gates = "- {id: T-G01, title: Fresh, requirement: x, max_age_days: 5}\n"
    repo.commit("2026-06-01", "catalog", {**MINIMAL, "data/gates.yaml": gates})
    ready = repo.commit("2026-06-02", "ready", {"evidence/2026/r.yaml": assessment("2026-06-02", "T-G01", "ready")})
    # The assessment goes stale on 2026-06-08, but nothing is committed until 2026-06-20.
    later = repo.commit(
        "2026-06-20", "note", {"evidence/2026/n.yaml": "observed: 2026-06-20\nkind: note\nsummary: hi\n"}
    )
    rows = [(t["id"], t["from"], t["to"], t["commit"]) for t in history(cli, repo.root)["transitions"]]  # type: ignore[attr-defined]
    assert ("T-G01", "unknown", "ready", ready) in rows
    assert ("T-G01", "ready", "partial", later) in rows


def test_first_parent_history_counts_a_merge_once(cli: Cli, repo: Repo) -> None:
    repo.commit("2026-06-01", "catalog", dict(MINIMAL))
    repo.git("checkout", "-q", "-b", "feature")
    repo.commit("2026-06-02", "branch work", {"evidence/2026/a.yaml": assessment("2026-06-02", "T-G01", "partial")})
    repo.commit("2026-06-03", "more branch work", {"evidence/2026/b.yaml": assessment("2026-06-03", "T-G01", "ready")})
    repo.git("checkout", "-q", "main")
    repo.git("merge", "-q", "--no-ff", "-m", "merge feature", "feature", date="2026-06-04")
    merge = repo.git("rev-parse", "HEAD")
    document = history(cli, repo.root)
    assert document["commits"] == 2
    rows = [(t["id"], t["from"], t["to"], t["commit"], t["evidence"]) for t in document["transitions"]]  # type: ignore[attr-defined]
    assert ("T-G01", "unknown", "ready", merge, ["a", "b"]) in rows


def test_history_unavailable_outside_git_and_in_shallow_clones(
    cli: Cli, repo: Repo, story: dict[str, str], tmp_path: Path
) -> None:
    plain = write_files(tmp_path / "plain", dict(MINIMAL))
    assert history(cli, plain) == {
        "available": False,
        "reason": "not a git checkout: history needs the repository's git history",
    }
    shallow = tmp_path / "shallow"
    subprocess.run(["git", "clone", "-q", "--depth", "1", f"file://{repo.root}", str(shallow)], check=True)
    document = history(cli, shallow)
    assert document["available"] is False
    assert str(document["reason"]).startswith("shallow clone")
    text = cli("history", root=shallow)
    assert text.code == 0 and "history unavailable: shallow clone" in text.stderr


def test_history_of_a_catalog_in_a_subdirectory(cli: Cli, repo: Repo) -> None:
    files = {f"ops/{k}": v for k, v in MINIMAL.items()}
    first = repo.commit("2026-06-01", "catalog in ops/", files)
    document = history(cli, repo.root / "ops")
    assert [t["commit"] for t in document["transitions"]] == [first, first]  # type: ignore[attr-defined]


# ------------------------------------------------------------------------- diff


def diff(cli: Cli, root: Path, *args: str) -> tuple[int, dict[str, object]]:
    result = cli("diff", "--format", "json", *args, root=root)
    assert result.code in (0, 1, 3), result.stderr
    return result.code, json.loads(result.stdout)


def test_diff_between_two_commits(cli: Cli, repo: Repo, story: dict[str, str]) -> None:
    code, document = diff(cli, repo.root, story["c2"], story["c5"])
    assert code == 0
    assert document["gates"] == [
        {
            "id": "T-G01",
            "from": "partial",
            "to": "ready",
            "reasons": ["assessed ready by 2026-06-12-proof on 2026-06-12"],
            "regression": False,
            "time_only": False,
        }
    ]
    assert [(w["id"], w["from"], w["to"]) for w in document["waves"]] == [("wave-a", "in-progress", "passed")]  # type: ignore[attr-defined]
    assert document["records"] == [{"kind": "evidence", "id": "2026-06-12-proof", "change": "added"}]
    assert document["problems"] == []
    # Each revision is judged as of its own commit time: any day, the same answer.
    _, later = diff(cli, repo.root, story["c2"], story["c5"], "--as-of", "2030-01-01")
    assert later == document


def test_diff_labels_what_time_alone_changed(cli: Cli, repo: Repo) -> None:
    """A ready assessment that expires between the two commits is not the change's doing."""
    gates = MINIMAL["data/gates.yaml"].replace("requirement:", "max_age_days: 10\n          requirement:", 1)
    base = repo.commit(
        "2026-06-02",
        "ready",
        {
            **MINIMAL,
            "data/gates.yaml": gates,
            "evidence/2026/2026-06-01-ready.yaml": assessment("2026-06-01", "T-G01", "ready"),
        },
    )
    head = repo.commit("2026-07-01", "a note", {"evidence/2026/2026-07-01-note.yaml": NOTE_RECORD})
    code, document = diff(cli, repo.root, base, head)
    assert code == 0
    [gate] = document["gates"]
    assert (gate["id"], gate["from"], gate["to"], gate["regression"], gate["time_only"]) == (
        "T-G01",
        "ready",
        "partial",
        True,
        True,
    )
    text = cli("diff", base, head, root=repo.root).stdout
    assert (
        "Each side is judged as of its own moment: the base as of 2026-06-02T12:00:00Z, "
        "the change as of 2026-07-01T12:00:00Z."
    ) in text
    assert "| ⚠️ worse ⏱️ time only: the base's records as of then say the same | T-G01 | ready | partial |" in text


NOTE_RECORD = "observed: 2026-07-01\nkind: note\nsummary: An unrelated note\n"


def test_diff_fails_on_regression(cli: Cli, repo: Repo, story: dict[str, str]) -> None:
    result = cli("diff", story["c5"], story["c2"], "--fail-on-regression", root=repo.root)
    assert result.code == 3
    assert "2 gates or waves got worse" in result.stderr
    assert (
        "| ⚠️ worse | T\\-G01 | ready | partial |" in result.stdout
        or "| ⚠️ worse | T-G01 | ready | partial |" in result.stdout
    )
    assert cli("diff", story["c5"], story["c2"], root=repo.root).code == 0


def test_diff_defaults_to_merge_base_and_work_tree(cli: Cli, repo: Repo, story: dict[str, str]) -> None:
    repo.git("checkout", "-q", "-b", "feature")
    repo.commit(
        "2026-06-13",
        "retire the wave",
        {"data/waves.yaml": "- {id: wave-a, title: First wave, gates: [T-G01], retired: true}\n"},
    )
    # Uncommitted: an assessment that blocks the gate.
    write_files(repo.root, {"evidence/2026/2026-06-14-blocked.yaml": assessment("2026-06-14", "T-G01", "blocked")})
    _, document = diff(cli, repo.root, "--as-of", "2026-06-15")
    assert document["base"] == {"revision": story["c5"], "as_of": "2026-06-12T12:00:00Z"}  # type: ignore[comparison-overlap]
    # One time format for every output: seconds precision, no microseconds (the end of the day is 23:59:59.999999).
    assert document["head"] == {"revision": "work tree", "as_of": "2026-06-15T23:59:59Z"}  # type: ignore[comparison-overlap]
    assert [(g["id"], g["from"], g["to"], g["regression"]) for g in document["gates"]] == [  # type: ignore[attr-defined]
        ("T-G01", "ready", "blocked", True)
    ]
    assert [(w["id"], w["from"], w["to"]) for w in document["waves"]] == [("wave-a", "passed", None)]  # type: ignore[attr-defined]
    assert {(r["kind"], r["id"], r["change"]) for r in document["records"]} == {  # type: ignore[attr-defined]
        ("wave", "wave-a", "changed"),
        ("evidence", "2026-06-14-blocked", "added"),
    }


def test_diff_lists_problems_at_head(cli: Cli, repo: Repo, story: dict[str, str]) -> None:
    write_files(repo.root, {"data/waves.yaml": "- id: wave-a\n  title: W\n  gates: [T-G09]\n"})
    result = cli("diff", story["c5"], root=repo.root)
    assert result.code == 0
    assert "**1 validation problem** in the change:" in result.stdout
    assert "data/waves.yaml:3:11: unknown gate 'T-G09'" in result.stdout
    assert cli("diff", story["c5"], "--fail-on-regression", root=repo.root).code == 1


def test_diff_markdown_is_a_pull_request_comment(cli: Cli, repo: Repo, story: dict[str, str]) -> None:
    result = cli("diff", story["c2"], story["c5"], root=repo.root)
    assert result.stdout == textwrap.dedent(
        f"""\
        <!-- readiness-diff -->
        ### Readiness changes: `{story["c2"][:7]}` → `{story["c5"][:7]}`

        Each side is judged as of its own moment: the base as of 2026-06-05T12:00:00Z, the change as of 2026-06-12T12:00:00Z.

        #### Gates

        | | Id | Before | After | Why |
        | --- | --- | --- | --- | --- |
        |  | T-G01 | partial | ready | assessed ready by 2026-06-12-proof on 2026-06-12 |

        #### Waves

        | | Id | Before | After | Why |
        | --- | --- | --- | --- | --- |
        |  | wave-a | in-progress | passed |  |

        #### Owners to notify

        The owners of each gate and wave whose status this change moves (a wave's: the owners of its gates):

        - `team-a`: T-G01, wave-a

        #### Records

        - Added: evidence `2026-06-12-proof`
        """
    )


def test_diff_names_the_owners_to_notify(cli: Cli, repo: Repo) -> None:
    """Each changed gate's owners, a changed wave's through its gates; a gate with none said so;
    a change time alone made (an expiry) tells no one."""
    files = {
        **MINIMAL,
        "data/repos.yaml": "- id: team-a\n- id: team-b\n- id: team-c\n",
        "data/gates.yaml": (
            "- {id: T-G01, title: One, owners: [team-a], requirement: R}\n"
            "- {id: T-G02, title: Two, owners: [team-b], requirement: R}\n"
            "- {id: T-G03, title: Three, owners: [], owners_note: the service repos, requirement: R}\n"
            "- {id: T-G04, title: Four, owners: [team-c], requirement: R, max_age_days: 1}\n"
        ),
        "data/waves.yaml": (
            "- {id: wave-a, title: A, gates: [T-G01, T-G02]}\n"
            "- {id: wave-b, title: B, gates: [T-G03]}\n"
            "- {id: wave-c, title: C, gates: [T-G04]}\n"
        ),
        "evidence/2026/2026-06-05-four.yaml": assessment("2026-06-05", "T-G04", "ready"),
    }
    base = repo.commit("2026-06-05", "catalog", files)
    write_files(
        repo.root,
        {
            "evidence/2026/2026-06-19-two.yaml": assessment("2026-06-19", "T-G02", "partial"),
            "evidence/2026/2026-06-19-three.yaml": assessment("2026-06-19", "T-G03", "ready"),
        },
    )
    document = json.loads(cli("diff", base, "--format", "json", "--as-of", "2026-06-20", root=repo.root).stdout)
    assert [(g["id"], g["to"], g["time_only"]) for g in document["gates"]] == [
        ("T-G02", "partial", False),
        ("T-G03", "ready", False),
        ("T-G04", "partial", True),
    ]
    assert document["owners"] == [
        {"owner": "team-a", "changes": ["wave-a"]},
        {"owner": "team-b", "changes": ["T-G02", "wave-a"]},
    ]
    assert document["unowned"] == ["T-G03", "wave-b"]
    markdown = cli("diff", base, "--as-of", "2026-06-20", root=repo.root).stdout
    assert markdown.startswith("<!-- readiness-diff -->\n### Readiness changes: ")
    section = markdown.split("#### Owners to notify\n\n", 1)[1].split("####", 1)[0]
    assert section == textwrap.dedent(
        """\
        The owners of each gate and wave whose status this change moves (a wave's: the owners of its gates):

        - `team-a`: wave-a
        - `team-b`: T-G02, wave-a
        - no owner repo named: T-G03, wave-b

        Changes that time alone made (⏱️) are left out: the owners' calendars show those dates.

        """
    )


def test_diff_usage_errors(cli: Cli, repo: Repo, story: dict[str, str], tmp_path: Path) -> None:
    unknown = cli("diff", "no-such-rev", root=repo.root)
    assert unknown.code == 2 and "unknown revision 'no-such-rev'" in unknown.stderr
    outside = cli("diff", root=write_files(tmp_path / "plain", dict(MINIMAL)))
    assert outside.code == 2 and "cannot diff: not a git checkout" in outside.stderr


# ------------------------------------------------------------------------- site


def site_files(root: Path) -> None:
    """The shipped site configuration and guide, next to a test catalog."""
    import shutil

    from tests.conftest import REPO

    shutil.copy2(REPO / "mkdocs.yml", root / "mkdocs.yml")
    shutil.copytree(REPO / "docs", root / "docs", dirs_exist_ok=True)


def test_site_shows_history_timelines_and_who_added_a_record(cli: Cli, repo: Repo, story: dict[str, str]) -> None:
    site_files(repo.root)
    result = cli("render", "--as-of", "2026-06-30", "--out", str(repo.root / "out"), root=repo.root)
    assert result.code == 0, result.stderr
    out = repo.root / "out"
    history_page = (out / "history" / "index.md").read_text(encoding="utf-8")
    c5 = story["c5"][:7]
    assert "## 2026-06-12" in history_page
    assert (
        f"**`{c5}` fix and prove**, adding [2026-06-12-proof](<../evidence/2026-06-12-proof.md>)\n\n"
        "| Gate or wave | From | To |\n| --- | --- | --- |\n"
        '| gate [T-G01](<../gates/t-g01.md>) | <span class="rd-status rd-partial">partial</span> | '
        '<span class="rd-status rd-ready">ready</span> |'
    ) in history_page
    assert f"{story['c4'][:7]}` oops: 1 problem" in history_page
    assert history_page.index("## 2026-06-12") < history_page.index("## 2026-06-05")  # newest first
    gate = (out / "gates" / "t-g01.md").read_text(encoding="utf-8")
    timeline = gate.split("## History")[1].split("##")[0]
    assert timeline.count(" | ") and timeline.index(c5) < timeline.index(story["c2"][:7])
    evidence = (out / "evidence" / "2026-06-12-proof.md").read_text(encoding="utf-8")
    assert f"| Added in | `{c5}` by Ada Example on 2026-06-12 |" in evidence
    home = (out / "index.md").read_text(encoding="utf-8")
    assert "## Recent changes" in home and f"`{c5}`" in home


def test_site_says_history_is_unavailable_in_a_shallow_clone(
    cli: Cli, repo: Repo, story: dict[str, str], tmp_path: Path
) -> None:
    shallow = tmp_path / "shallow"
    subprocess.run(["git", "clone", "-q", "--depth", "1", f"file://{repo.root}", str(shallow)], check=True)
    result = cli("render", "--as-of", "2026-06-30", "--out", str(tmp_path / "out"), root=shallow)
    assert result.code == 0, result.stderr
    page = (tmp_path / "out" / "history" / "index.md").read_text(encoding="utf-8")
    assert '!!! warning "History is unavailable"' in page
    assert "shallow clone: history needs the full history" in page
    assert "## 2026-" not in page


def test_moves_and_deletions_follow_the_tree(cli: Cli, repo: Repo) -> None:
    repo.commit("2026-06-01", "catalog", dict(MINIMAL))
    first = "evidence/2026/2026-06-02-look.yaml"
    repo.commit("2026-06-02", "look", {first: assessment("2026-06-02", "T-G01", "ready")})
    (repo.root / "evidence" / "archive").mkdir()
    repo.git("mv", first, "evidence/archive/2026-06-02-look.yaml")
    moved = repo.commit("2026-06-03", "move it", {})
    repo.git("rm", "-q", "evidence/archive/2026-06-02-look.yaml")
    removed = repo.commit("2026-06-04", "remove it", {})
    document = history(cli, repo.root)
    rows = [(t["id"], t["from"], t["to"], t["commit"], t["evidence"]) for t in document["transitions"]]  # type: ignore[attr-defined]
    assert not any(commit == moved for *_, commit, _ in rows)  # a move adds nothing and changes nothing
    assert ("T-G01", "ready", "unknown", removed, []) in rows


def test_a_removed_target_makes_unchanged_records_invalid_again(cli: Cli, repo: Repo) -> None:
    # Records checked at one commit are not checked again while nothing they could
    # reference disappears; removing the gate they assess must still be caught.
    repo.commit("2026-06-01", "catalog", dict(MINIMAL))
    repo.commit("2026-06-02", "look", {"evidence/2026/a.yaml": assessment("2026-06-02", "T-G01", "partial")})
    gates = "- {id: T-G01, title: First gate, requirement: x}\n- {id: T-G02, title: Second, requirement: y}\n"
    repo.commit("2026-06-03", "add a gate", {"data/gates.yaml": gates})
    removed = repo.commit(
        "2026-06-04",
        "drop the first gate",
        {
            "data/gates.yaml": "- {id: T-G02, title: Second, requirement: y}\n",
            "data/waves.yaml": "- {id: wave-a, title: W, gates: [T-G02]}\n",
        },
    )
    gaps = history(cli, repo.root)["gaps"]
    assert isinstance(gaps, list) and [g["commit"] for g in gaps] == [removed]
    assert any("unknown gate 'T-G01'" in p for p in gaps[0]["problems"])
