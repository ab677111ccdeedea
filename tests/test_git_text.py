"""Text from git is plain text everywhere: pages, the pull-request comment, the terminal.

Anyone who can open a pull request controls commit subjects, author names and the
records whose problems a gap shows. Here every one of them is hostile: backtick runs,
fences, HTML, links, mentions, list markers, control and format characters, the
ASCII record and unit separators git's output once used. Each commit must come out
as exactly one entry with exactly its text, and nothing in it may become markup.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import unicodedata
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path

import markdown
import pytest

from generator.diff import compute_diff
from generator.errors import UsageError
from generator.git import GitError, parse_log
from generator.history import compute_history
from generator.textsafe import terminal_text
from tests.conftest import MINIMAL, Result, run_cli, write_files
from tests.test_history import assessment, site_files
from tests.test_site import parse_html
from tests.test_terminal import assert_terminal_safe

Cli = Callable[..., Result]

SUBJECTS = {
    "c1": "``` fence ```` and `` span ` end",
    "c2": "</details><script>alert(1)</script><img src=x onerror=alert(2)> <b>bold</b>",
    "c3": "# not a heading [x](javascript:alert(3)) <https://evil.example/> https://evil.example www.evil.example",
    "c4": "@mention @org/team #1 -- --output=/tmp/x - item | pipe",
    "c5": "- item \x1b[31mred\x1b[0m \r::error::forged \x08\x7f\x85 \u202eevil\u202c \u200b\x1e rec \x1f unit \u2028\x0b\x0c end",
    "c6": "1. numbered ```` {{ config }} *em* _u_",
}
AUTHORS = {
    "c1": "Ada `` ` ``` Example",
    "c2": "Eve @bob [x](javascript:alert(4)) *em* | pipe",
    "c3": "Mal \x1b[31mlory\x1e\x1f \u202eroot\u202c ::error::x",
    "c4": "Ann - item",
    "c5": "Bob \x85 \u2066 Zed",
    "c6": "Cy ``` x",
}
BAD_GATES = [
    "T ```` </details><script>alert(5)</script> @bob",
    "[x](javascript:alert(6)) `` ` \n::error::f",
]
"""Hostile gate ids whose problems a gap quotes (control characters in a value are refused before
any message quotes it; a newline is allowed, and must still never start a line)."""
BAD_GATES_YAML = json.dumps(BAD_GATES)  # YAML reads JSON


def commit(root: Path, date: str, message: str, author: str, files: dict[str, str | None]) -> str:
    """A commit whose message git keeps verbatim and whose author name is ``author``."""
    write_files(root, files)
    env = dict(os.environ)
    env.update(
        GIT_AUTHOR_NAME=author,
        GIT_AUTHOR_EMAIL="a@example.invalid",
        GIT_AUTHOR_DATE=f"{date}T12:00:00+00:00",
        GIT_COMMITTER_DATE=f"{date}T12:00:00+00:00",
    )
    message_file = root.parent / "message.txt"
    message_file.write_text(message, encoding="utf-8")
    for args in (["add", "-A"], ["commit", "-q", "--allow-empty", "--cleanup=verbatim", "-F", str(message_file)]):
        subprocess.run(["git", *args], cwd=root, env=env, check=True, capture_output=True)
    sha = subprocess.run(["git", "rev-parse", "HEAD"], cwd=root, check=True, capture_output=True, text=True)
    return sha.stdout.strip()


def git_says(root: Path, sha: str, placeholder: str) -> str:
    """One field of one commit, as ``git log`` itself reports it (one commit per call: nothing to split)."""
    out = subprocess.run(
        ["git", "log", "-1", f"--format={placeholder}", sha], cwd=root, check=True, capture_output=True
    )
    return out.stdout.decode("utf-8", "replace").removesuffix("\n")


@pytest.fixture(scope="module")
def hostile_repo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    root = tmp_path_factory.mktemp("git-text") / "repo"
    root.mkdir()
    subprocess.run(["git", "init", "-q", "-b", "main"], cwd=root, check=True)
    subprocess.run(["git", "config", "user.email", "c@example.invalid"], cwd=root, check=True)
    subprocess.run(["git", "config", "user.name", "Committer"], cwd=root, check=True)
    shas = {"c1": commit(root, "2026-06-01", SUBJECTS["c1"], AUTHORS["c1"], dict(MINIMAL))}
    look = {"evidence/2026/2026-06-05-look.yaml": assessment("2026-06-05", "T-G01", "partial")}
    shas["c2"] = commit(root, "2026-06-05", SUBJECTS["c2"] + "\n\nbody ``` </details>\n", AUTHORS["c2"], look)
    broken = {"data/waves.yaml": f"- id: wave-a\n  title: W\n  gates: {BAD_GATES_YAML}\n"}
    shas["c3"] = commit(root, "2026-06-08", SUBJECTS["c3"], AUTHORS["c3"], broken)
    fixed = {
        "data/waves.yaml": MINIMAL["data/waves.yaml"],
        "evidence/2026/2026-06-10-proof.yaml": assessment("2026-06-10", "T-G01", "ready"),
    }
    shas["c4"] = commit(root, "2026-06-10", SUBJECTS["c4"], AUTHORS["c4"], fixed)
    blocked = {"evidence/2026/2026-06-12-blocked.yaml": assessment("2026-06-12", "T-G01", "blocked")}
    shas["c5"] = commit(root, "2026-06-12", SUBJECTS["c5"], AUTHORS["c5"], blocked)
    ready = {"evidence/2026/2026-06-14-again.yaml": assessment("2026-06-14", "T-G01", "ready")}
    shas["c6"] = not_utf8(root, commit(root, "2026-06-14", SUBJECTS["c6"], AUTHORS["c6"], ready))
    return root, shas


def not_utf8(root: Path, sha: str) -> str:
    """The same commit with bytes that are not UTF-8 in its subject (``git commit`` would re-encode them)."""
    raw = subprocess.run(["git", "cat-file", "commit", sha], cwd=root, check=True, capture_output=True).stdout
    raw = raw.replace(b"1. numbered", b"1. numbered \xff\xfe")
    made = subprocess.run(
        ["git", "hash-object", "-t", "commit", "-w", "--stdin"], cwd=root, input=raw, check=True, capture_output=True
    )
    new = made.stdout.decode().strip()
    subprocess.run(["git", "update-ref", "HEAD", new, sha], cwd=root, check=True)
    return new


# ------------------------------------------------------------------ reading git


def test_each_commit_is_one_entry_with_exactly_its_text(hostile_repo: tuple[Path, dict[str, str]]) -> None:
    root, shas = hostile_repo
    history = compute_history(root)
    assert [p.commit.sha for p in history.points] == list(shas.values())
    for point, name in zip(history.points, shas, strict=True):
        assert point.commit.subject == git_says(root, shas[name], "%s")
        assert point.commit.author == git_says(root, shas[name], "%an")
    by_name = {name: p.commit for name, p in zip(shas, history.points, strict=True)}
    assert by_name["c1"].subject == SUBJECTS["c1"]
    assert by_name["c5"].subject == SUBJECTS["c5"]  # \x1e and \x1f are text, not separators
    assert by_name["c3"].author == AUTHORS["c3"]
    assert by_name["c6"].subject == "1. numbered \ufffd\ufffd ```` {{ config }} *em* _u_"
    assert [p.gap for p in history.points] == [False, False, True, False, False, False]


def test_parse_log_refuses_output_it_cannot_read() -> None:
    sha = "a" * 40
    change = f"\n:000000 100644 {'0' * 40} {'b' * 40} A"
    good = "\x00".join([sha, "1780000000", "A\x1e", "s\x1f", change, "data/x", ""])
    [(only, changes)] = parse_log(good.encode())
    assert (only.sha, only.author, only.subject) == (sha, "A\x1e", "s\x1f")
    assert [c.rel for c in changes] == ["data/x"]
    with pytest.raises(GitError):
        parse_log("\x00".join([sha, "1780000000", "A", ""]).encode())  # ends inside a commit
    with pytest.raises(GitError):
        parse_log("\x00".join(["not-a-sha", "1780000000", "A", "s", ""]).encode())


def test_a_revision_is_never_read_as_an_option(
    hostile_repo: tuple[Path, dict[str, str]], cli: Cli, tmp_path: Path
) -> None:
    root, shas = hostile_repo
    target = tmp_path / "written"
    for revision in (f"--output={target}", "-p", "--no-index"):
        result = cli("diff", "--", revision, shas["c1"], root=root)
        assert result.code == 2, result
        assert result.stderr == (
            f"error: revision '{revision}' starts with '-': "
            "name a commit, branch or tag (a revision is never read as an option)\n"
        )
        with pytest.raises(UsageError):
            compute_diff(root, revision, None, compute_history(root).points[-1].commit.time)
    assert not target.exists()
    unknown = cli("diff", "no-such\x1b[2J\n::error::x", root=root)
    assert unknown.code == 2
    assert unknown.stderr == "error: unknown revision 'no-such\\x1b[2J\\n::error::x'\n"
    assert cli("diff", "--format", "json", f"{shas['c1']}", "HEAD~1", root=root).code == 0


# ------------------------------------------------------------------ the terminal


def test_history_and_diff_output_is_terminal_safe(hostile_repo: tuple[Path, dict[str, str]], cli: Cli) -> None:
    root, shas = hostile_repo
    text = cli("history", root=root)
    assert text.code == 0, text.stderr
    assert_terminal_safe(text.stdout + text.stderr)
    gap = [line for line in text.stdout.splitlines() if " gap: " in line]
    assert len(gap) == 1 and gap[0].startswith(f"2026-06-08 {shas['c3'][:7]} gap: ")
    assert f"e.g. data/waves.yaml:3:11: '{BAD_GATES[0]}' is not a valid gate id" in gap[0]
    as_json = cli("history", "--json", root=root)
    assert_terminal_safe(as_json.stdout)
    [problems] = [g["problems"] for g in json.loads(as_json.stdout)["gaps"]]
    assert any(f"'{BAD_GATES[1]}' is not a valid gate id" in p for p in problems)
    assert "[x](javascript:alert(6)) `` ` \\n::error::f" in as_json.stdout
    for fmt in ("markdown", "json"):
        result = cli("diff", "--format", fmt, shas["c2"], shas["c3"], root=root)
        assert result.code == 0, result.stderr
        assert_terminal_safe(result.stdout + result.stderr)


def fence_lines(text: str) -> tuple[str, list[str]]:
    """The one fenced block of a document: its fence and the lines inside."""
    opening = [i for i, line in enumerate(text.splitlines()) if re.fullmatch(r"`{3,}text", line)]
    assert len(opening) == 1, text
    lines = text.splitlines()
    fence = lines[opening[0]].removesuffix("text")
    closing = lines.index(fence, opening[0] + 1)
    return fence, lines[opening[0] + 1 : closing]


def test_diff_markdown_keeps_problems_inside_one_fence(hostile_repo: tuple[Path, dict[str, str]], cli: Cli) -> None:
    root, shas = hostile_repo
    result = cli("diff", shas["c2"], shas["c3"], root=root)
    assert result.code == 0, result.stderr
    fence, inside = fence_lines(result.stdout)
    longest = max(len(run) for run in re.findall(r"`+", "\n".join(inside)))
    assert len(fence) > longest
    assert not any(line.strip().startswith(fence) for line in inside)
    problems = json.loads(cli("diff", "--format", "json", shas["c2"], shas["c3"], root=root).stdout)["problems"]
    assert inside == [terminal_text(p) for p in problems]
    assert any(terminal_text(BAD_GATES[1]) in line for line in inside)
    outside = result.stdout.replace("\n".join(inside), "")
    assert "<script" not in outside and "@bob" not in outside and "javascript:" not in outside


# ------------------------------------------------------------------ the pages


def without_code_spans(text: str) -> str:
    """Markdown with its code spans cut out (where ``<`` is shown, not parsed)."""
    return re.sub(r"(?<!`)(`+)(?!`)(.+?)(?<!`)\1(?!`)", "", text)


class Outline(HTMLParser):
    """Tags, links, table rows and list items of a page (text with entities decoded).

    The key of a chart (``ul.rd-chart-legend``, counts by status) is no list item of the page's text.
    """

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.hrefs: list[str] = []
        self.rows: list[list[str]] = []
        self.items: list[str] = []
        self.codes_in_item: list[int] = []
        self.codes: list[str] = []
        self.strongs: list[str] = []
        self._strong: list[str] | None = None
        self._cell: list[str] | None = None
        self._item: list[str] | None = None
        self._code: list[str] | None = None
        self._in_legend = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        if tag == "a":
            self.hrefs.append(dict(attrs).get("href") or "")
        elif tag == "tr":
            self.rows.append([])
        elif tag in ("td", "th"):
            self._cell = []
        elif tag == "ul" and "rd-chart-legend" in (dict(attrs).get("class") or "").split():
            self._in_legend = True
        elif tag == "li" and not self._in_legend:
            self._item = []
            self.codes_in_item.append(0)
        elif tag == "code":
            self._code = []
            if self._item is not None:
                self.codes_in_item[-1] += 1
        elif tag == "strong":
            self._strong = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None:
            self.rows[-1].append("".join(self._cell).strip())
            self._cell = None
        elif tag == "ul":
            self._in_legend = False
        elif tag == "li" and self._item is not None:
            self.items.append("".join(self._item).strip())
            self._item = None
        elif tag == "code" and self._code is not None:
            self.codes.append("".join(self._code))
            self._code = None
        elif tag == "strong" and self._strong is not None:
            self.strongs.append("".join(self._strong).strip())
            self._strong = None

    def handle_data(self, data: str) -> None:
        for part in (self._cell, self._item, self._code, self._strong):
            if part is not None:
                part.append(data)


def outline(page: str) -> Outline:
    body = page.split("---\n", 2)[2]  # the front matter
    html = markdown.markdown(body, extensions=["tables", "admonition", "toc"])
    parsed = Outline()
    parsed.feed(html)
    return parsed


FORBIDDEN_TAGS = {"script", "img", "details", "iframe", "b", "h3", "ol"}


@pytest.fixture(scope="module")
def rendered(hostile_repo: tuple[Path, dict[str, str]], tmp_path_factory: pytest.TempPathFactory) -> Path:
    root, _ = hostile_repo
    out = tmp_path_factory.mktemp("rendered")
    result = run_cli("render", "--as-of", "2026-06-30", "--out", str(out), root=root)
    assert result.code == 0, result.stderr
    return out


def test_history_page_shows_git_text_as_plain_text(hostile_repo: tuple[Path, dict[str, str]], rendered: Path) -> None:
    root, shas = hostile_repo
    page = (rendered / "history" / "index.md").read_text(encoding="utf-8")
    assert "\x1b" not in page and "\u202e" not in page
    outside = without_code_spans(page)
    for raw in ("<script", "</details", "<img", "<b>", "[x](javascript:", "<https:"):
        assert raw not in outside, raw
    parsed = outline(page)
    assert not FORBIDDEN_TAGS & set(parsed.tags), parsed.tags
    assert all(href.startswith(("../", "#")) for href in parsed.hrefs), parsed.hrefs
    history = compute_history(root)
    subjects = {p.commit.sha[:7]: p.commit.subject for p in history.points}
    # One row per transition, under its commit, whose subject shows once, as text.
    rows = [row for row in parsed.rows if row and row[0] != "Gate or wave"]
    assert len(rows) == len(history.transitions)
    commits = {t.commit.sha[:7] for t in history.transitions}
    assert len(parsed.strongs) == len(commits)
    for strong in parsed.strongs:
        short, _, subject = strong.partition(" ")
        assert short in commits and subject == terminal_text(subjects[short]).replace("\t", " ").strip()
    # One gap, one list item: the commit, its subject, and the problem in one code span.
    [gap] = [p for p in history.points if p.gap]
    assert len(parsed.items) == 1 and parsed.codes_in_item == [2]
    assert parsed.items[0].startswith(f"2026-06-08 {shas['c3'][:7]} {terminal_text(SUBJECTS['c3'])}: ")
    assert terminal_text(gap.problems[0]).strip() in parsed.codes
    code = page.split("for example ", 1)[1].splitlines()[0]
    fence = re.match(r"`+", code)
    assert fence is not None and code.endswith(fence[0])
    inner = code[len(fence[0]) : -len(fence[0])]
    assert len(fence[0]) > max(len(run) for run in re.findall(r"`+", inner))


def test_evidence_page_shows_the_author_as_plain_text(
    hostile_repo: tuple[Path, dict[str, str]], rendered: Path
) -> None:
    _, shas = hostile_repo
    page = (rendered / "evidence" / "2026-06-05-look.md").read_text(encoding="utf-8")
    parsed = outline(page)
    assert not FORBIDDEN_TAGS & set(parsed.tags)
    [added] = [row for row in parsed.rows if row and row[0] == "Added in"]
    assert added == ["Added in", f"{shas['c2'][:7]} by {AUTHORS['c2']} on 2026-06-05"]
    page = (rendered / "evidence" / "2026-06-14-again.md").read_text(encoding="utf-8")
    [added] = [row for row in outline(page).rows if row and row[0] == "Added in"]
    assert added[1] == f"{shas['c6'][:7]} by {AUTHORS['c6']} on 2026-06-14"


def test_home_page_recent_changes_stay_a_table(hostile_repo: tuple[Path, dict[str, str]], rendered: Path) -> None:
    page = (rendered / "index.md").read_text(encoding="utf-8")
    parsed = outline(page)
    assert not FORBIDDEN_TAGS & set(parsed.tags)
    recent = page.split("## Recent changes", 1)[1].split("##", 1)[0]
    # One row per commit (at most five), its subject once, whatever the subject holds.
    commits = {t.commit.sha for t in compute_history(hostile_repo[0]).transitions}
    assert recent.count("\n| 2026-") == min(5, len(commits))


def test_built_pages_run_nothing_from_git(hostile_repo: tuple[Path, dict[str, str]], tmp_path: Path) -> None:
    root, shas = hostile_repo
    work = tmp_path / "work"
    subprocess.run(["git", "clone", "-q", str(root), str(work)], check=True)
    site_files(work)
    result = run_cli("build", "--as-of", "2026-06-30", "--site-dir", str(tmp_path / "site"), root=work)
    assert result.code == 0, result.stderr
    assert_terminal_safe(result.stdout + result.stderr)
    for rel in ("history/index.html", "index.html", "evidence/2026-06-05-look/index.html"):
        page = tmp_path / "site" / rel
        parsed = parse_html(page)
        assert parsed.handlers == [] and parsed.js_urls == [], rel
        html = page.read_text(encoding="utf-8")
        assert "<script>alert" not in html and "<details" not in html and "<img src=x" not in html, rel
        assert not any(unicodedata.category(ch) in ("Cc", "Cf") and ch not in "\n\t" for ch in html), rel
    history = (tmp_path / "site" / "history" / "index.html").read_text(encoding="utf-8")
    assert "&lt;/details&gt;&lt;script&gt;alert(1)&lt;/script&gt;" in history
    assert shas["c3"][:7] in history


def test_unavailable_history_warning_holds_its_text(cli: Cli, tmp_path: Path) -> None:
    root = write_files(tmp_path / "plain", dict(MINIMAL))
    result = cli("render", "--as-of", "2026-06-30", "--out", str(tmp_path / "out"), root=root)
    assert result.code == 0, result.stderr
    page = (tmp_path / "out" / "history" / "index.md").read_text(encoding="utf-8")
    html = markdown.markdown(page.split("---\n", 2)[2], extensions=["tables", "admonition", "toc"])
    assert html == (
        '<h1 id="history">History</h1>\n'
        '<div class="admonition warning">\n'
        '<p class="admonition-title">History is unavailable</p>\n'
        "<p>not a git checkout: history needs the repository's git history.\n"
        "The other pages show the current picture only.</p>\n"
        "</div>"
    )
