"""Property-based tests: mutated YAML never crashes the loader; random text never becomes live markup;
a secret is found however it is encoded, and never shown.

The example counts are bounded (``FUZZ_EXAMPLES``, default 150 for the loader
and a tenth of that for whole site builds) and derandomized, so CI runs the
same cases every time; raise ``FUZZ_EXAMPLES`` locally to search harder.

Each test also has a time budget (``FUZZ_SECONDS``, default 20): once a test has
spent it, its remaining examples return at once, without work. The first example
always runs, examples already run keep their assertions, and the replay of a
failing example always runs in full. Raise ``FUZZ_SECONDS`` along with
``FUZZ_EXAMPLES`` to search harder.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import re
import shutil
import tempfile
import time
import zlib
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from hypothesis.control import current_build_context

from generator.asof import parse_as_of
from generator.errors import ReadinessError, ValidationFailed
from generator.mkdocs.build import build_site
from generator.records.loader import load_catalog
from tests.conftest import MINIMAL, REPO, write_files
from tests.test_site import parse_html

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "150"))
SECONDS = float(os.environ.get("FUZZ_SECONDS", "20"))
SETTINGS = settings(
    max_examples=EXAMPLES,
    derandomize=True,
    database=None,
    deadline=5000,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.function_scoped_fixture],
)


class Budget:
    """The time one fuzz test may take (``FUZZ_SECONDS`` from its start).

    ``if budget.spent(): return`` opens each test body (after any ``data.draw``: the
    draws of an example must not change): once the time is spent, each further
    example returns at once, without work. The first example always runs, and so
    does Hypothesis's final replay of a failing example (it would otherwise pass
    and turn the failure into a "flaky" one).
    """

    def __init__(self, seconds: float) -> None:
        self.deadline = time.monotonic() + seconds
        self.ran = 0
        self.skipped = 0

    def spent(self) -> bool:
        if self.ran and time.monotonic() >= self.deadline and not current_build_context().is_final:
            self.skipped += 1
            event("skipped: the FUZZ_SECONDS budget was spent")
            return True
        self.ran += 1
        return False


@pytest.fixture
def budget() -> Budget:
    """A fresh budget per test function (Hypothesis runs every example of the test with this one)."""
    return Budget(SECONDS)


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
def test_mutated_yaml_ends_in_a_clean_error_or_a_valid_catalog(
    budget: Budget, target: str, edits: list[tuple[int, int, str]]
) -> None:
    if budget.spent():
        return
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
    budget: Budget, title: str, summary: str, name: str, markdown: str
) -> None:
    if budget.spent():
        return
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
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(subject=git_text, author=git_text, value=git_text)
def test_git_metadata_is_read_exactly_and_printed_inert(budget: Budget, subject: str, author: str, value: str) -> None:
    if budget.spent():
        return
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


# ---------------------------------------------------------- decoded secrets

UPPER, LOWER, DIGITS = "ABCDEFGHJKLMNPQRSTUVWXYZ", "abcdefghijkmnopqrstuvwxyz", "23456789"


def made_up(prefix: str, length: int, shift: int, *, alphabets: tuple[str, ...] = (UPPER, LOWER, DIGITS)) -> str:
    """A secret shaped like a real one, made up: an uppercase letter at least every third
    character, so that no 5 of its characters can turn up by chance in a fingerprint or a path."""
    return prefix + "".join(
        alphabets[i % len(alphabets)][(i * 7 + shift) % len(alphabets[i % len(alphabets)])] for i in range(length)
    )


PEM_BODY = made_up("MIIE", 40, 5)
DECODED_SECRETS = [
    (f"found {secret} in the deploy log", secret)
    for secret in (
        made_up("ghp_", 36, 1),
        made_up("glpat-", 20, 2),
        made_up("AKIA", 16, 3, alphabets=(UPPER, DIGITS)),
        made_up("xoxb-", 24, 4),
    )
] + [(f"-----BEGIN RSA PRIVATE KEY----- {PEM_BODY} -----END RSA PRIVATE KEY-----", PEM_BODY)]
"""(text holding a secret, the part of it no message may show more than 4 characters of)."""
ENCODINGS = ["yaml-escapes", "folded", "secret-attachment", "utf-attachment", "json-attachment"]
ESCAPE_WIDTHS = {"x": 2, "u": 4, "U": 8}


def escape_some(text: str, forms: list[str]) -> str:
    return "".join(
        f"\\{form}{ord(c):0{ESCAPE_WIDTHS[form]}x}" if form else c for c, form in zip(text, forms, strict=True)
    )


def encoded_case(text: str, encoding: str, data: st.DataObject) -> tuple[dict[str, str], str, bytes]:
    """(record files, path where the secret must be reported, attachment bytes) for one encoding."""
    head = "observed: 2026-06-14\nkind: note\nsummary: Pasted by mistake\n"
    forms = st.lists(st.sampled_from(["", "", "x", "u", "U"]), min_size=len(text), max_size=len(text))
    if encoding == "yaml-escapes":
        quoted = escape_some(text, data.draw(forms))
        cuts = data.draw(st.sets(st.integers(1, max(1, len(quoted) - 1)), max_size=3))
        for cut in sorted(cuts, reverse=True):
            # A line continuation, not inside an escape nor before a space (leading spaces are dropped).
            if quoted[cut - 1] != "\\" and not re.match(r"[0-9a-fA-F ]", quoted[cut : cut + 1] or "-"):
                quoted = quoted[:cut] + "\\\n  " + quoted[cut:]
        return {"evidence/2026/leak.yaml": head + f'details: "{quoted}"\n'}, "evidence/2026/leak.yaml", b""
    if encoding == "folded":
        spaces = [i for i, c in enumerate(text) if c == " "]
        folds = data.draw(st.sets(st.sampled_from(spaces), min_size=1))
        folded = "".join("\n  " if i in folds else c for i, c in enumerate(text))
        return {"evidence/2026/leak.yaml": head + f"details: >-\n  {folded}\n"}, "evidence/2026/leak.yaml", b""
    if encoding == "secret-attachment":
        key = data.draw(st.sampled_from(["app.env", "tls.key", "note"]))
        name = "secret.yaml"
        content = (
            "apiVersion: v1\nkind: Secret\nmetadata:\n  name: app\ntype: Opaque\ndata:\n"
            f"  {key}: {base64.b64encode(text.encode()).decode()}\n"
        ).encode()
    elif encoding == "utf-attachment":
        codec = data.draw(st.sampled_from(["utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-32-le", "utf-32-be"]))
        name = "run.out"
        content = f"deploy started\n{text}\n".encode(codec)
    else:
        name = "deploy.json"
        content = json.dumps({"deploy": {"note": "@@"}}).replace("@@", escape_some(text, data.draw(forms))).encode()
    digest = hashlib.sha256(content).hexdigest()
    record = head + f"attachments:\n  - path: files/{name}\n    sha256: {digest}\n"
    return {"evidence/2026/leak.yaml": record}, f"evidence/files/{name}", content


@SETTINGS
@given(case=st.sampled_from(DECODED_SECRETS), encoding=st.sampled_from(ENCODINGS), data=st.data())
def test_a_secret_is_found_however_it_is_encoded_and_never_shown(
    budget: Budget, case: tuple[str, str], encoding: str, data: st.DataObject
) -> None:
    text, secret = case
    # Draws first, every time: Hypothesis replays an example's draws, and one that stopped drawing
    # early would be "inconsistent data generation". Drawing costs little; loading is the work.
    files, where, content = encoded_case(text, encoding, data)
    if budget.spent():
        return
    with tempfile.TemporaryDirectory() as scratch:
        root = write_files(Path(scratch), {**MINIMAL, **files})
        if content:
            (root / where).parent.mkdir(parents=True, exist_ok=True)
            (root / where).write_bytes(content)
        try:
            load_catalog(root)
        except ValidationFailed as failed:
            problems = failed.problems
        else:
            raise AssertionError(f"not reported: {files} {content!r}")
    assert any(p.path == where and p.message.startswith("possible ") for p in problems), problems
    for problem in problems:
        shown = str(problem)
        assert not any(secret[i : i + 5] in shown for i in range(len(secret) - 4)), shown


ATTACHMENT_PREFIXES = [
    b"",
    b"\x89PNG\r\n\x1a\n",
    b"%PDF-1.7\n",
    b"\xff\xd8\xff",
    b"GIF89a",
    b"RIFF\0\0\0\0WEBP",
    b"\xff\xfe",
    b"\xfe\xff",
    b"\xff\xfe\0\0",
    b"\xef\xbb\xbf",
]
ATTACHMENT_BITS = [
    b"\0",
    b"\\",
    b'"',
    b"(",
    b")",
    b"[",
    b"] TJ",
    b"<",
    b">",
    b"stream\n",
    b"endstream",
    b"/Filter /FlateDecode",
    b"zTXt",
    b"iTXt",
    b"tEXt",
    b"\0\0\0\x10",
    b"&a ",
    b"*a",
    b"\n  ",
    b": ",
    b"QUFBQUFBQUFBQUFBQUFBQUFB",
    b"\\u00",
    b"\\x6",
    zlib.compress(b"token: Zq8Jm2Kx7Vb4"),
]


@SETTINGS
@given(
    prefix=st.sampled_from(ATTACHMENT_PREFIXES),
    parts=st.lists(st.one_of(st.sampled_from(ATTACHMENT_BITS), st.binary(max_size=12)), max_size=12),
    suffix=st.sampled_from([".txt", ".json", ".yaml", ".bin", ".png", ".pdf"]),
)
def test_any_attachment_bytes_end_in_findings_or_a_refusal(
    budget: Budget, prefix: bytes, parts: list[bytes], suffix: str
) -> None:
    if budget.spent():
        return
    from generator.records.loader import TEXT_ATTACHMENT_TYPES
    from generator.records.scantext import scan_attachment

    scanned = scan_attachment("x" + suffix, prefix + b"".join(parts), text_by_name=suffix in TEXT_ATTACHMENT_TYPES)
    assert scanned.refused is None or scanned.refused.startswith(("is ", "holds ")), scanned.refused
    for finding in scanned.findings:
        assert finding.line >= 1 and finding.column >= 1 and finding.masked.endswith("…")
