"""Property-based tests: mutated YAML never crashes the loader; random text never becomes live markup.

The example counts are bounded (``FUZZ_EXAMPLES``, default 150 for the loader
and a tenth of that for whole site builds) and derandomized, so CI runs the
same cases every time; raise ``FUZZ_EXAMPLES`` locally to search harder.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.asof import parse_as_of
from generator.errors import ReadinessError
from generator.loader import load_catalog
from generator.site import build_site
from tests.conftest import MINIMAL, REPO, write_files
from tests.test_site import parse_html

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "150"))
SETTINGS = settings(
    max_examples=EXAMPLES,
    derandomize=True,
    database=None,
    deadline=5000,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

EVIDENCE = """\
observed: 2026-06-10
kind: endpoint-verified
summary: Health endpoint answers
result: pass
about: [service:svc, store:svc-db]
assess: {T-G01: partial}
details: |
  Checked **twice**; see [the run](https://ci.example/run/1).
observations:
  - {check: GET /healthz, expected: "200", actual: "200", ok: true}
"""
SEEDS = {**{k: v for k, v in MINIMAL.items()}, "evidence/2026/e.yaml": EVIDENCE}
YAML_BITS = [
    ":",
    " ",
    "-",
    "[",
    "]",
    "{",
    "}",
    "&a",
    "*a",
    "!!str",
    "!x",
    "'",
    '"',
    "#",
    "|",
    ">",
    "\t",
    "\n",
    "\n  ",
    "? ",
    "<<",
    "%YAML",
    "---",
    "...",
    "~",
    "no",
    "1.10",
    "2026-13-01",
    "0o7",
    "\\",
    "\x00",
    "\ufeff",
    "\u202e",
    "é",
    "[[[[",
    "{{",
    "}}",
    "&",
    "*",
    "@",
    "`",
]


def mutate(text: str, edits: list[tuple[int, int, str]]) -> str:
    for position, cut, insert in edits:
        at = position % (len(text) + 1)
        text = text[:at] + insert + text[at + cut :]
    return text


edit_lists = st.lists(
    st.tuples(st.integers(0, 10_000), st.integers(0, 8), st.one_of(st.sampled_from(YAML_BITS), st.text(max_size=6))),
    min_size=1,
    max_size=6,
)


@SETTINGS
@given(target=st.sampled_from(sorted(SEEDS)), edits=edit_lists)
def test_mutated_yaml_ends_in_a_clean_error_or_a_valid_catalog(target: str, edits: list[tuple[int, int, str]]) -> None:
    with tempfile.TemporaryDirectory() as scratch:
        files = dict(SEEDS)
        files[target] = mutate(files[target], edits)
        root = Path(scratch)
        for rel, text in files.items():
            path = root / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8", errors="surrogatepass")
        try:
            catalog = load_catalog(root)
        except ReadinessError as exc:
            problems = getattr(exc, "problems", [])
            for problem in problems:
                assert problem.line >= 1 and problem.column >= 1
                assert problem.path in files, problem
        else:
            assert catalog.gates  # a valid catalog still has its gate


HOSTILE_BITS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "</title><script>alert(2)</script>",
    "[x](javascript:alert(3))",
    "[x](&#106;avascript:alert(4))",
    '{: onclick="alert(5)" }',
    "[rb]: javascript:alert(6)",
    "<iframe src=//evil.example></iframe>",
    "{{ config }}",
    "{% include 'x' %}",
    '--8<-- "/etc/passwd"',
    "| a | b |",
    "\\",
    "&lt;svg onload=alert(7)&gt;",
    "<a href='javascript:alert(8)'>x</a>",
    "`<b>`",
    "***",
    "\n# heading\n",
]
# Printable text: control and format characters are rejected before any page is built (tested elsewhere),
# and here every example should reach the built HTML.
printable = st.text(alphabet=st.characters(blacklist_categories=("Cc", "Cs", "Cf", "Co", "Cn")), max_size=12)
hostile_text = st.lists(st.one_of(st.sampled_from(HOSTILE_BITS), printable), min_size=1, max_size=5).map("".join)
one_line = hostile_text.map(lambda s: " ".join(s.split()) or "x")


@settings(
    max_examples=max(3, EXAMPLES // 10),
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(title=one_line, summary=one_line, name=one_line, markdown=hostile_text)
def test_random_text_in_every_field_never_becomes_live_markup(
    title: str, summary: str, name: str, markdown: str
) -> None:
    import json

    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch) / "repo"

        def q(value: str) -> str:
            return json.dumps(value, ensure_ascii=False)

        files = {
            "data/repos.yaml": f"- id: team-a\n  description: {q(name)}\n  contacts: [{q(summary)}]\n",
            "data/environments.yaml": f"- id: old\n  name: {q(name)}\n  role: {q(title)}\n  notes: {q(markdown)}\n",
            "data/gates.yaml": (
                f"- id: T-G01\n  title: {q(title)}\n  owners: [team-a]\n  owners_note: {q(summary)}\n"
                f"  requirement: {q(markdown or 'x')}\n"
            ),
            "data/waves.yaml": (
                f"- id: wave-a\n  title: {q(title)}\n  gates: [T-G01]\n  notes: {q(markdown)}\n"
                f"  rollback: {{conditions: {q(markdown)}, steps: {q(markdown)}, data_safety: {q(markdown)}}}\n"
            ),
            "data/services/svc.yaml": (
                f"id: svc\nname: {q(name)}\ndescription: {q(summary)}\nowner: team-a\n"
                f"stores: [{{id: svc-db, kind: {q(name)}, description: {q(title)}, backup: {{location: {q(summary)}}}}}]\n"
                f"runbooks: {{deploy: {q(summary)}}}\nlinks: [{{title: {q(title)}, url: 'https://x.example/'}}]\n"
            ),
            "evidence/2026/e.yaml": (
                f"observed: 2026-06-10\nkind: risk-raised\nseverity: high\nsummary: {q(summary)}\n"
                f"about: [service:svc]\nassess: {{T-G01: partial}}\nsource: {q(name)}\nsubmitted_by: {q(title)}\n"
                f"details: {q(markdown)}\nobservations: [{{check: {q(title)}, expected: {q(summary)}, ok: false}}]\n"
                f"links: [{{title: {q(name)}, url: 'https://x.example/a'}}]\n"
            ),
        }
        write_files(root, files)
        shutil.copy2(REPO / "mkdocs.yml", root / "mkdocs.yml")
        (root / "docs").mkdir()
        text = (REPO / "mkdocs.yml").read_text(encoding="utf-8")
        (root / "mkdocs.yml").write_text(text.split("\nnav:")[0] + "\n", encoding="utf-8")
        build_site(root, parse_as_of("2026-06-30"), root / "site")
        for page in (root / "site").rglob("*.html"):
            parsed = parse_html(page)
            assert parsed.handlers == [], (page, parsed.handlers)
            assert parsed.js_urls == [], (page, parsed.js_urls)
            assert parsed.inline_scripts <= 4, page  # the theme's own bootstrap scripts only
            assert not any(src and "evil" in src for src in parsed.scripts), page
            assert "<" not in parsed.title, page
            html = page.read_text(encoding="utf-8")
            assert "<iframe" not in html and "<svg onload" not in html.lower(), page


# Git metadata: any text git keeps (NUL ends a C string, so git refuses it) in subjects and
# author names, and in a record whose problem a gap and the diff show. One small repository per
# example; git is slow, so few examples.
GIT_BITS = [
    "`",
    "``",
    "```",
    "\x1e",
    "\x1f",
    "\x1b[31m",
    "\x1b]8;;https://evil.example\x07",
    "\r",
    "\n",
    "\n\n",
    "\u202e",
    "\x85",
    "\u2028",
    "\x08",
    "::error::forged",
    "##[group]",
    "@bob",
    "<script>alert(1)</script>",
    "</details>",
    "[x](javascript:alert(1))",
    "-- ",
    "--output=/tmp/x",
    "- ",
    "1. ",
    "# ",
    "|",
    "\t",
    " ",
]
any_but_nul = st.text(alphabet=st.characters(blacklist_characters="\x00", blacklist_categories=("Cs",)), max_size=8)
git_text = st.lists(st.one_of(st.sampled_from(GIT_BITS), any_but_nul), min_size=1, max_size=6).map("".join)


def _git(root: Path, *args: str, env: dict[str, str] | None = None) -> bytes:
    import subprocess

    return subprocess.run(["git", *args], cwd=root, env=env, check=True, capture_output=True).stdout


@settings(
    max_examples=min(EXAMPLES, 25),
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(subject=git_text, author=git_text, value=git_text)
def test_git_metadata_is_read_exactly_and_printed_inert(subject: str, author: str, value: str) -> None:
    import json
    import re
    import unicodedata

    from click.testing import CliRunner

    from generator.cli import main
    from generator.history import compute_history

    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch) / "repo"
        root.mkdir()
        _git(root, "init", "-q", "-b", "main")
        env = {
            **os.environ,
            "GIT_AUTHOR_NAME": f"A{author}Z",  # git trims punctuation and spaces at the ends of a name
            "GIT_AUTHOR_EMAIL": "a@example.invalid",
            "GIT_COMMITTER_NAME": "C",
            "GIT_COMMITTER_EMAIL": "c@example.invalid",
        }
        message = Path(scratch) / "message"
        shas = []
        for files in (
            dict(MINIMAL),
            {"data/waves.yaml": f"- id: wave-a\n  title: W\n  gates: [{json.dumps(value)}]\n"},
        ):
            write_files(root, files)
            message.write_text(subject, encoding="utf-8")
            _git(root, "add", "-A")
            _git(root, "commit", "-q", "--cleanup=verbatim", "--allow-empty-message", "-F", str(message), env=env)
            shas.append(_git(root, "rev-parse", "HEAD").decode().strip())

        points = compute_history(root).points
        assert [p.commit.sha for p in points] == shas  # each commit exactly once
        for point in points:
            says = _git(root, "log", "-1", "--format=%s%x00%an", point.commit.sha).decode("utf-8", "replace")
            assert f"{point.commit.subject}\0{point.commit.author}\n" == says
        if "\n" not in subject and subject == subject.rstrip():
            assert points[0].commit.subject == subject

        runner = CliRunner()
        outputs = []
        for args in (["history"], ["history", "--json"], ["diff", *shas], ["diff", "--format", "json", *shas]):
            result = runner.invoke(main, ["--root", str(root), *args])
            assert result.exit_code == 0, (args, result.output, result.exception)
            outputs.append(result.stdout + result.stderr)
        for text in outputs:
            assert not [ch for ch in text if ch not in "\n\t" and unicodedata.category(ch) in ("Cc", "Cf", "Cs")]
            assert not [line for line in text.splitlines() if line.lstrip().startswith(("::", "##["))]
        markdown_out = outputs[2]
        if "```text" in markdown_out:
            lines = markdown_out.splitlines()
            start = next(i for i, line in enumerate(lines) if re.fullmatch(r"`{3,}text", line))
            fence = lines[start][: -len("text")]
            inside = lines[start + 1 : lines.index(fence, start + 1)]
            assert all(len(run) < len(fence) for line in inside for run in re.findall(r"`+", line))
