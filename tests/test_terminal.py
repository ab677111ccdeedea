"""What the command prints is safe for a terminal and a CI log, whatever the records hold.

Record text, file names and command-line values reach the output as fields: control and
format characters show escaped (``\\x1b``, ``\\u202e``), a field's own line breaks too, and
no line can pass for a GitHub/Gitea Actions workflow command (``::error ...``, ``##[group]``).

On a terminal (a real pseudo-terminal here) statuses, locations and verdicts are coloured,
after the text has been made safe, and long work shows a progress line on stderr; in a
pipe, neither.
"""

from __future__ import annotations

import io
import json
import logging
import re
import sys
import unicodedata
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.cli import main
from generator.cli.common import echo, log_to_terminal, progress
from generator.errors import Problem
from generator.textsafe import (
    Word,
    json_text,
    md_code,
    md_fence,
    md_forge_text,
    plain_line,
    problem_parts,
    terminal_text,
)
from tests.conftest import MINIMAL, Result, run_on_terminal, write_files
from tests.test_history import Repo, assessment, site_files

Cli = Callable[..., Result]
MakeCatalog = Callable[..., Path]

UNSAFE_CATEGORIES = {"Cc", "Cf", "Cs", "Zl", "Zp"}


def assert_terminal_safe(text: str) -> None:
    """No raw control or format character but newline (and tab); no line a CI runner obeys."""
    for ch in text:
        assert ch in "\n\t" or unicodedata.category(ch) not in UNSAFE_CATEGORIES, (ch, text)
    for line in text.splitlines():
        assert not line.lstrip().startswith(("::", "##[")), line


# ------------------------------------------------------------------ terminal_text


@pytest.mark.parametrize(
    ("value", "field", "lines"),
    [
        ("plain text: fine", "plain text: fine", "plain text: fine"),
        ("tab\tkept", "tab\tkept", "tab\tkept"),
        ("é, 漢字 and 👍 stay", "é, 漢字 and 👍 stay", "é, 漢字 and 👍 stay"),
        ("\x1b[31mred\x1b[0m", "\\x1b[31mred\\x1b[0m", "\\x1b[31mred\\x1b[0m"),
        ("over\rwrite", "over\\rwrite", "over\\rwrite"),
        ("a\n::error::forged", "a\\n::error::forged", "a\n\\x3a:error::forged"),
        ("::add-mask::x", "\\x3a:add-mask::x", "\\x3a:add-mask::x"),
        ("  ::set-output name=x::y", "  \\x3a:set-output name=x::y", "  \\x3a:set-output name=x::y"),
        ("##[error]x", "\\x23#[error]x", "\\x23#[error]x"),
        ("x\n  ##[group]y", "x\\n  ##[group]y", "x\n  \\x23#[group]y"),
        (
            "\x1b]8;;https://evil.example\x07link\x1b]8;;\x07",
            "\\x1b]8;;https://evil.example\\x07link\\x1b]8;;\\x07",
            None,
        ),
        ("back\x08\x08space\x7f", "back\\x08\\x08space\\x7f", None),
        ("c1 \x85 \x9b31m", "c1 \\x85 \\x9b31m", None),
        (
            "\u202eevil\u202c \u2066x\u2069 \u061c \u200e\u200f",
            "\\u202eevil\\u202c \\u2066x\\u2069 \\u061c \\u200e\\u200f",
            None,
        ),
        ("zero\u200b\u200c\u200d\u2060\ufeffwidth", "zero\\u200b\\u200c\\u200d\\u2060\\ufeffwidth", None),
        ("line\u2028para\u2029end", "line\\u2028para\\u2029end", None),
        ("tag \U000e0041", "tag \\U000e0041", None),
        ("lone \udcff surrogate", "lone \\udcff surrogate", None),
    ],
)
def test_terminal_text_escapes_exactly_the_unsafe_characters(value: str, field: str, lines: str | None) -> None:
    assert terminal_text(value) == field
    assert terminal_text(value, lines=True) == (field if lines is None else lines)
    assert_terminal_safe(terminal_text(value))
    assert_terminal_safe(terminal_text(value, lines=True))
    assert "\n" not in terminal_text(value)


def test_terminal_text_is_idempotent() -> None:
    value = "\x1b[2J\r\n::error::x \u202e \x85"
    once = terminal_text(value)
    assert terminal_text(once) == once
    assert terminal_text(once, lines=True) == once


def test_json_text_escapes_what_json_dumps_leaves_raw() -> None:
    document = {"title": "a\x1b b\x85 c\u202e d\u200b e\u2028 f\x7f g\U000e0041 é", "n": [1, None]}
    text = json_text(document)
    assert json.loads(text) == document
    assert_terminal_safe(text)
    assert '"a\\u001b b\\u0085 c\\u202e d\\u200b e\\u2028 f\\u007f g\\udb40\\udc41 é"' in text
    assert json_text({"x": "plain é"}) == json.dumps({"x": "plain é"}, indent=2, ensure_ascii=False)


# ------------------------------------------------------------------ Markdown helpers


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("abc1234", "`abc1234`"),
        ("a`b", "``a`b``"),
        ("x ``` y `` z", "````x ``` y `` z````"),
        ("`starts", "`` `starts ``"),
        ("ends`", "`` ends` ``"),
        (" both ", "`  both  `"),
        ("", "` `"),
        ("two\nlines\r\nhere", "`two lines here`"),
    ],
)
def test_md_code_fence_is_longer_than_any_run_inside(value: str, expected: str) -> None:
    assert md_code(value) == expected


def test_md_fence_cannot_be_closed_from_inside() -> None:
    text = "a\n```\nb ```` c\r\nd"
    fenced = str(md_fence(text, "text"))
    assert fenced == "`````text\na\n```\nb ```` c\nd\n`````"
    assert md_fence("", "text") == "```text\n```"
    assert md_fence("plain") == "```\nplain\n```"
    with pytest.raises(ValueError):
        md_fence("x", "text ```")


def test_md_forge_text_leaves_no_mention_reference_or_bare_link() -> None:
    out = md_forge_text("@bob and @org/team, mail a@b.example, #12, https://evil.example, www.evil.example <b>x</b>")
    assert out == (
        "&#64;&#8203;bob and &#64;&#8203;org/team, mail a&#64;&#8203;b.example, #&#8203;12, "
        "https&#58;&#8203;//evil.example, www&#8203;&#46;evil.example &lt;b&gt;x&lt;/b&gt;"
    )
    assert md_forge_text("T-G01 is ready") == "T-G01 is ready"


# ------------------------------------------------------------------ the commands

# Control characters in a value are refused before any message quotes it (tests/test_untrusted_values.py);
# a newline is allowed in values, and must still never start a line of output.
FORGED = "T-G09\n::error file=x::forged `x` @bob"
FORGED_YAML = '"T-G09\\n::error file=x::forged `x` @bob"'
FORGED_SHOWN = "T-G09\\n::error file=x::forged `x` @bob"
EVIL_FILE = "evidence/2026/bad\x1b[2J\n::error file=a::forged.yaml"
EVIL_FILE_SHOWN = "evidence/2026/bad\\x1b[2J\\n::error file=a::forged.yaml"


@pytest.fixture
def hostile(catalog_dir: MakeCatalog) -> Path:
    root = catalog_dir({"data/waves.yaml": f"- id: wave-a\n  title: W\n  gates: [{FORGED_YAML}]\n"})
    path = root / EVIL_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("observed: 2026-06-01\nkind: note\nsummary: hi\n", encoding="utf-8")
    return root


def test_validate_shows_hostile_values_and_file_names_escaped(cli: Cli, hostile: Path) -> None:
    result = cli("validate", root=hostile)
    assert result.code == 1
    assert result.stdout.splitlines() == [
        f"data/waves.yaml:3:11: '{FORGED_SHOWN}' is not a valid gate id: use uppercase parts joined by '-', "
        "like OPS-G05 (wave-a.gates[0])",
        f"{EVIL_FILE_SHOWN}:1:1: the name holds U+001B (ESCAPE), a control character: rename it without it",
    ]
    assert result.stderr == "invalid: 2 problems found\n"
    assert_terminal_safe(result.stdout + result.stderr)


def test_status_shows_record_text_escaped(cli: Cli, catalog_dir: MakeCatalog) -> None:
    title = '"Gate \\u2028 next \\u2029 ::error x"'  # line separators are allowed in values, shown escaped
    root = catalog_dir({"data/gates.yaml": f"- id: T-G01\n  title: {title}\n  requirement: x\n"})
    text = cli("status", "--as-of", "2026-06-30", root=root, env={"COLUMNS": "100"})
    assert text.code == 0, text.stderr
    assert "T-G01  unknown   Gate \\u2028 next \\u2029 ::error x" in text.stdout.splitlines()
    assert_terminal_safe(text.stdout)
    as_json = cli("status", "--json", "--as-of", "2026-06-30", root=root)
    assert '"title": "Gate \\u2028 next \\u2029 ::error x"' in as_json.stdout
    assert json.loads(as_json.stdout)["gates"][0]["title"] == "Gate \u2028 next \u2029 ::error x"
    assert_terminal_safe(as_json.stdout)


def test_problems_on_stderr_are_escaped_too(cli: Cli, hostile: Path) -> None:
    result = cli("status", root=hostile)
    assert result.code == 1
    assert f"data/waves.yaml:3:11: '{FORGED_SHOWN}' is not a valid gate id" in result.stderr
    assert_terminal_safe(result.stderr)


def test_click_errors_quote_the_command_line_escaped(cli: Cli, catalog_dir: MakeCatalog) -> None:
    root = catalog_dir()
    unknown = cli("frob\x1b[2J\n::error::x", root=root)
    assert unknown.code == 2
    assert "Error: No such command 'frob\\x1b[2J\\n::error::x'." in unknown.stderr
    assert_terminal_safe(unknown.stderr)
    extra = cli("validate", "\u202eextra\n##[group]x", root=root)
    assert extra.code == 2
    assert_terminal_safe(extra.stderr)
    assert "\\u202eextra" in extra.stderr


def test_evidence_and_probe_errors_are_escaped(cli: Cli, catalog_dir: MakeCatalog) -> None:
    root = catalog_dir()
    about = cli("evidence", "new", "--kind", "note", "--summary", "x", "--about", "service:x\x1b[2J\x85", root=root)
    assert about.code == 2
    assert about.stderr.startswith("error: --about service:x\\x1b[2J\\x85: not a valid reference")
    assert_terminal_safe(about.stderr)
    url = cli("probe", "http", "http://h\x1b[31m/\n::error::x", root=root)
    assert url.code == 2
    assert_terminal_safe(url.stderr)
    assert url.stderr.startswith("error: URL http://h")


def test_probe_plan_problems_are_escaped(cli: Cli, catalog_dir: MakeCatalog) -> None:
    plan = f"probes:\n  - name: {FORGED_YAML}\n    probe: http\n    url: https://x.example/\n"
    root = catalog_dir({"data/probes.yaml": plan})
    result = cli("probe", "run", root=root)
    assert result.code != 0
    assert FORGED_SHOWN in result.stderr + result.stdout
    assert_terminal_safe(result.stdout + result.stderr)


def test_publish_names_are_shown_escaped(cli: Cli, catalog_dir: MakeCatalog) -> None:
    result = cli("publish", "v1\x1b[2J\n::error::x", root=catalog_dir())
    assert result.code == 2
    assert_terminal_safe(result.stderr)


def test_cli_runner_sees_the_same_escaping(hostile: Path) -> None:
    result = CliRunner().invoke(main, ["--root", str(hostile), "validate"])
    assert result.exit_code == 1
    assert FORGED_SHOWN in result.stdout
    assert_terminal_safe(result.output)


def test_log_records_are_escaped(capsys: pytest.CaptureFixture[str]) -> None:
    root = logging.getLogger()
    saved = root.handlers[:]
    root.handlers.clear()
    try:
        log_to_terminal()
        logging.getLogger("mkdocs").warning("Doc file 'x.md' contains a link 'evil\x1b[2J\n::error::x.md'")
    finally:
        root.handlers[:] = saved
    err = capsys.readouterr().err
    assert err == "WARNING - Doc file 'x.md' contains a link 'evil\\x1b[2J\n\\x3a:error::x.md'\n"


def test_debug_tracebacks_are_escaped(cli: Cli, hostile: Path) -> None:
    result = cli("--debug", "validate", root=hostile)
    assert result.code == 1
    assert "Traceback" in result.stderr
    assert_terminal_safe(result.stderr)


def test_minimal_catalog_output_is_unchanged(cli: Cli, tmp_path: Path) -> None:
    root = write_files(tmp_path / "plain", dict(MINIMAL))
    result = cli("validate", root=root)
    assert result.code == 0
    assert (
        result.stdout == "valid: 1 gates, 1 waves, 1 services, 1 stores, 2 environments, 2 repos, 0 evidence records\n"
    )


# ------------------------------------------------------------------ on a terminal: colour and progress

COLOUR = re.compile(r"\x1b\[(?:0|1|2|3[1-6])m")
"""The only escape sequences the command writes: the colours below, bold, dim and reset."""


def uncoloured(text: str) -> str:
    return COLOUR.sub("", text)


def green(text: str) -> str:
    return f"\x1b[32m{text}\x1b[0m"


def yellow(text: str) -> str:
    return f"\x1b[33m{text}\x1b[0m"


def red(text: str) -> str:
    return f"\x1b[31m{text}\x1b[0m"


def dim(text: str) -> str:
    return f"\x1b[2m{text}\x1b[0m"


def cyan(text: str) -> str:
    return f"\x1b[36m{text}\x1b[0m"


def verdict(colour: int, text: str) -> str:
    """Bold green (32), red (31) or yellow (33): valid:, invalid:, error:, gap:."""
    return f"\x1b[{colour}m\x1b[1m{text}\x1b[0m"


def assert_only_colour_escapes(text: str) -> None:
    """Every ESC is one of the command's own colours; the rest is terminal-safe."""
    assert "\x1b" not in uncoloured(text), text
    assert_terminal_safe(uncoloured(text))


@pytest.fixture
def statuses(catalog_dir: MakeCatalog) -> Path:
    """Every gate status and every wave status, an overdue wave, and a title with a line separator."""
    return catalog_dir(
        {
            "data/gates.yaml": """\
                - id: T-G01
                  title: First gate
                  requirement: x
                - id: T-G02
                  title: Second gate
                  requirement: x
                - id: T-G03
                  title: "Third \\u2028 ::error x"
                  requirement: x
                  requires: [T-G02]
                - id: T-G04
                  title: Fourth gate
                  requirement: x
                """,
            "data/waves.yaml": """\
                - id: wave-a
                  title: A
                  gates: [T-G01]
                - id: wave-b
                  title: B
                  gates: [T-G02]
                  target: 2026-06-01
                - id: wave-c
                  title: C
                  gates: [T-G03]
                - id: wave-d
                  title: D
                  gates: [T-G04]
                """,
            "evidence/2026/2026-06-10-look.yaml": (
                "observed: 2026-06-10\nkind: assessment\nsummary: Looked\nassess: {T-G01: ready, T-G02: partial}\n"
            ),
        }
    )


STATUS_ON_A_TERMINAL = f"""\
Readiness as of 2026-06-30T23:59:59Z

GATE   STATUS    TITLE
T-G01  {green("ready")}     First gate
       - assessed ready by 2026-06-10-look on 2026-06-10
T-G02  {yellow("partial")}   Second gate
       - assessed partial by 2026-06-10-look on 2026-06-10
T-G03  {red("blocked")}   Third \\u2028 ::error x
       - requires T-G02, which is partial
       - no assessment and no automatic checks: nothing is cataloged yet
T-G04  {dim("unknown")}   Fourth gate
       - no assessment and no automatic checks: nothing is cataloged yet

4 gates: 1 {green("ready")}, 1 {yellow("partial")}, 1 {red("blocked")}, 1 {dim("unknown")}

WAVE    STATUS         GATES  TARGET
wave-a  {green("passed")}           1/1  -
wave-b  {yellow("in-progress")}      0/1  2026-06-01  {verdict(31, "OVERDUE")}
wave-c  {red("blocked")}          0/1  -
wave-d  {dim("not-started")}      0/1  -
"""


def test_status_words_are_coloured_on_a_terminal(statuses: Path) -> None:
    result = run_on_terminal("status", "--as-of", "2026-06-30", root=statuses)
    assert (result.code, result.stderr) == (0, "")
    assert result.stdout == STATUS_ON_A_TERMINAL
    assert_only_colour_escapes(result.stdout)


def test_nothing_is_coloured_into_a_pipe(cli: Cli, statuses: Path) -> None:
    result = cli("status", "--as-of", "2026-06-30", root=statuses, env={"COLUMNS": "100"})
    assert result.stdout == uncoloured(STATUS_ON_A_TERMINAL)
    assert "\x1b" not in result.stdout
    as_json = cli("status", "--json", "--as-of", "2026-06-30", root=statuses, env={"FORCE_COLOR": "1"})
    assert "\x1b" not in as_json.stdout  # JSON is never coloured


@pytest.mark.parametrize(
    "env",
    [{"NO_COLOR": "1"}, {"NO_COLOR": "no"}, {"NO_COLOR": "1", "FORCE_COLOR": "1"}, {"TERM": "dumb"}],
    ids=["NO_COLOR=1", "NO_COLOR=no", "NO_COLOR-wins-over-FORCE_COLOR", "TERM=dumb"],
)
def test_no_colour_on_a_terminal_when_asked(statuses: Path, env: dict[str, str]) -> None:
    result = run_on_terminal("status", "--as-of", "2026-06-30", root=statuses, env=env)
    assert result.stdout == uncoloured(STATUS_ON_A_TERMINAL)


def test_an_empty_no_color_or_force_color_asks_nothing(cli: Cli, statuses: Path) -> None:
    on_terminal = run_on_terminal("status", "--as-of", "2026-06-30", root=statuses, env={"NO_COLOR": ""})
    assert on_terminal.stdout == STATUS_ON_A_TERMINAL
    piped = cli("status", "--as-of", "2026-06-30", root=statuses, env={"COLUMNS": "100", "FORCE_COLOR": ""})
    assert piped.stdout == uncoloured(STATUS_ON_A_TERMINAL)


def test_force_color_colours_a_pipe(cli: Cli, statuses: Path) -> None:
    result = cli("status", "--as-of", "2026-06-30", root=statuses, env={"COLUMNS": "100", "FORCE_COLOR": "1"})
    assert result.stdout == STATUS_ON_A_TERMINAL


def test_validate_colours_locations_and_verdicts_never_record_text(cli: Cli, hostile: Path) -> None:
    result = run_on_terminal("validate", root=hostile)
    assert result.code == 1
    assert result.stdout.splitlines() == [
        cyan("data/waves.yaml:3:11") + f": '{FORGED_SHOWN}' is not a valid gate id: use uppercase parts joined by "
        "'-', like OPS-G05 (wave-a.gates[0])",
        cyan(f"{EVIL_FILE_SHOWN}:1:1") + ": the name holds U+001B (ESCAPE), a control character: rename it without it",
    ]
    assert result.stderr == verdict(31, "invalid:") + " 2 problems found\n"
    assert_only_colour_escapes(result.stdout + result.stderr)
    piped = cli("validate", root=hostile)
    assert (uncoloured(result.stdout), uncoloured(result.stderr)) == (piped.stdout, piped.stderr)


def test_valid_and_error_verdicts_are_coloured(catalog_dir: MakeCatalog) -> None:
    root = catalog_dir()
    valid = run_on_terminal("validate", root=root)
    assert valid.stdout == (
        verdict(32, "valid:") + " 1 gates, 1 waves, 1 services, 1 stores, 2 environments, 2 repos, 0 evidence records\n"
    )
    error = run_on_terminal("status", "--as-of", "yesterday", root=root)
    assert error.code == 2
    assert error.stderr.startswith(verdict(31, "error:") + " --as-of 'yesterday' is not a date")


@pytest.mark.parametrize(
    "summary",
    [
        '"red \\e[31m alert \\e]8;;https://evil.example\\a link"',
        "red \x1b[31m alert \x1b]8;;https://evil.example\x07link",
    ],
    ids=["YAML escape", "raw"],
)
def test_a_summary_holding_esc_prints_no_escape_even_in_colour(catalog_dir: MakeCatalog, summary: str) -> None:
    look = f"observed: 2026-06-10\nkind: note\nsummary: {summary}\n"
    root = catalog_dir({"evidence/2026/2026-06-10-look.yaml": look})
    for command in ("validate", "status"):
        result = run_on_terminal(command, root=root, env={"FORCE_COLOR": "1"})
        assert result.code == 1
        assert "evidence/2026/2026-06-10-look.yaml:3:" in uncoloured(result.stdout + result.stderr)
        assert "U+001B" in result.stdout + result.stderr
        assert_only_colour_escapes(result.stdout + result.stderr)


def test_words_are_coloured_after_record_text_is_made_safe(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("FORCE_COLOR", "1")
    summary = "evil \x1b[2J\x1b]8;;https://x.example\x07link \u202e\x9b31m"
    shown = "evil \\x1b[2J\\x1b]8;;https://x.example\\x07link \\u202e\\x9b31m"
    echo(Word("ready", "status"), " ", Word(summary, "location"), f" {summary}")
    assert capsys.readouterr().out == f"{green('ready')} {cyan(shown)} {shown}\n"
    # The words a view marks hold escaped fields: a problem in a file named with an ESC.
    echo(*problem_parts(Problem("evidence/bad\x1b[2J.yaml", 1, 1, "the name holds U+001B")), err=True)
    assert capsys.readouterr().err == cyan("evidence/bad\\x1b[2J.yaml:1:1") + ": the name holds U+001B\n"


@pytest.mark.parametrize(
    ("parts", "printed"),
    [
        # Escaped alone, the word would start with \x3a: the line is printed as escaped whole, uncoloured.
        (("a", Word("::x", "bad")), "a::x\n"),
        # A line start made of two parts is escaped as a whole, and then left uncoloured.
        ((Word(":", "bad"), ":error::x"), "\\x3a:error::x\n"),
        (("x\n", Word("::error::y", "bad")), "x\n" + verdict(31, "\\x3a:error::y") + "\n"),
        ((Word("", "bad"), "plain"), "plain\n"),
        ((Word("what-status", "status"), " x"), "what-status x\n"),
    ],
)
def test_colour_never_changes_what_is_shown(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], parts: tuple[object, ...], printed: str
) -> None:
    monkeypatch.setenv("FORCE_COLOR", "1")
    echo(*parts)
    out = capsys.readouterr().out
    assert out == printed
    shown = plain_line(part if isinstance(part, Word) else str(part) for part in parts)
    assert uncoloured(out) == terminal_text(shown, lines=True) + "\n"


# ------------------------------------------------------------------ progress


@pytest.fixture
def story(tmp_path: Path) -> tuple[Repo, dict[str, str]]:
    """Four commits: the catalog, partial, broken (a gap), ready."""
    repo = Repo(tmp_path / "repo")
    shas = {"c1": repo.commit("2026-06-01", "catalog", dict(MINIMAL))}
    look = {"evidence/2026/2026-06-05-look.yaml": assessment("2026-06-05", "T-G01", "partial")}
    shas["c2"] = repo.commit("2026-06-05", "first look", look)
    shas["c3"] = repo.commit("2026-06-10", "oops", {"data/gates.yaml": "- id: T-G01\n  title: [unclosed\n"})
    proof = {"evidence/2026/2026-06-12-proof.yaml": assessment("2026-06-12", "T-G01", "ready")}
    shas["c4"] = repo.commit("2026-06-12", "fix and prove", {"data/gates.yaml": MINIMAL["data/gates.yaml"], **proof})
    return repo, shas


def wiped(frame: str) -> str:
    """What clears a progress line as wide as ``frame``."""
    return "\r" + " " * len(frame) + "\r"


def test_history_colours_statuses_and_shows_progress_on_a_terminal(
    cli: Cli, story: tuple[Repo, dict[str, str]]
) -> None:
    repo, shas = story
    c1, c2, c3, c4 = (shas[c][:7] for c in ("c1", "c2", "c3", "c4"))
    result = run_on_terminal("history", root=repo.root)
    assert result.code == 0
    assert result.stdout.splitlines() == [
        f"2026-06-10 {c3} {verdict(33, 'gap:')} 1 validation problem, e.g. {cyan('data/gates.yaml:2:10')}: "
        "the list opened with '[' here is not closed: end it with ']', and separate its items with ', '",
        f"2026-06-01 {c1} gate T-G01: none -> {dim('unknown')}",
        f"2026-06-01 {c1} wave wave-a: none -> {dim('not-started')}",
        f"2026-06-05 {c2} gate T-G01: {dim('unknown')} -> {yellow('partial')} (added 2026-06-05-look)",
        f"2026-06-05 {c2} wave wave-a: {dim('not-started')} -> {yellow('in-progress')} (added 2026-06-05-look)",
        f"2026-06-12 {c4} gate T-G01: {yellow('partial')} -> {green('ready')} (added 2026-06-12-proof)",
        f"2026-06-12 {c4} wave wave-a: {yellow('in-progress')} -> {green('passed')} (added 2026-06-12-proof)",
    ]
    frames = [f"history: {done}/4 commits" for done in range(5)]
    assert (
        result.stderr == "".join(f"\r{frame}" for frame in frames) + wiped(frames[-1]) + "6 transitions in 4 commits\n"
    )
    piped = cli("history", root=repo.root)
    assert (piped.stdout, piped.stderr) == (uncoloured(result.stdout), "6 transitions in 4 commits\n")


def test_progress_is_for_terminals_only(cli: Cli, story: tuple[Repo, dict[str, str]]) -> None:
    repo, shas = story
    forced = cli("history", root=repo.root, env={"FORCE_COLOR": "1"})  # colour may be forced, progress not
    assert forced.stderr == "6 transitions in 4 commits\n"
    as_json = run_on_terminal("history", "--json", root=repo.root, env={"NO_COLOR": "1"})
    assert json.loads(as_json.stdout)["commits"] == 4  # stdout holds the JSON only; progress goes to stderr
    assert as_json.stderr.startswith("\rhistory: 0/4 commits\r")
    assert "\x1b" not in as_json.stdout + as_json.stderr  # progress is drawn without escape sequences
    assert cli("diff", shas["c1"], shas["c4"], root=repo.root).stderr == ""


def test_diff_shows_progress_and_a_coloured_verdict_but_plain_markdown(
    cli: Cli, story: tuple[Repo, dict[str, str]]
) -> None:
    repo, shas = story
    result = run_on_terminal("diff", "--fail-on-regression", shas["c4"], shas["c2"], root=repo.root)
    assert result.code == 3
    piped = cli("diff", "--fail-on-regression", shas["c4"], shas["c2"], root=repo.root)
    assert result.stdout == piped.stdout  # Markdown for a pull request: never coloured
    assert "| ⚠️ worse | T-G01 | ready | partial |" in result.stdout
    frames = [f"diff: {done}/2 sides read" for done in range(3)]
    assert result.stderr == (
        "".join(f"\r{frame}" for frame in frames) + wiped(frames[-1]) + verdict(31, "2 gates or waves got worse") + "\n"
    )
    assert piped.stderr == "2 gates or waves got worse\n"


def test_build_shows_commits_then_pages_on_a_terminal(story: tuple[Repo, dict[str, str]], tmp_path: Path) -> None:
    repo, _ = story
    site_files(repo.root)
    result = run_on_terminal("build", "--as-of", "2026-06-30", "--site-dir", str(tmp_path / "site"), root=repo.root)
    assert result.code == 0, result.stderr
    assert result.stdout.startswith("built ") and "\x1b" not in result.stdout
    frames = result.stderr.split("\r")
    assert frames[0] == "" and frames[-1] == "" and frames[-2].strip() == ""  # wiped at the end
    shown = [frame.rstrip() for frame in frames[1:-2]]
    assert shown[:5] == [f"build: {done}/4 commits" for done in range(5)]
    pages = [re.fullmatch(r"build: (\d+)/(\d+) pages (converted|written)", frame) for frame in shown[5:]]
    assert all(pages), shown
    total = int(pages[0][2])  # type: ignore[index]
    assert total > 10
    steps = [(int(m[1]), m[3]) for m in pages if m]
    converted = [done for done, unit in steps if unit == "converted"]
    written = [done for done, unit in steps if unit == "written"]
    assert steps == [(done, "converted") for done in converted] + [(done, "written") for done in written]
    assert converted[0] == 0 and converted[-1] == total and converted == sorted(set(converted))
    assert written[-1] == total and written == sorted(set(written))


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_line_is_wiped_before_a_log_record_and_at_the_end(monkeypatch: pytest.MonkeyPatch) -> None:
    stream = _Terminal()
    monkeypatch.setattr(sys, "stderr", stream)
    handler = logging.StreamHandler(stream)
    logging.getLogger().addHandler(handler)
    try:
        with pytest.raises(RuntimeError), progress("build") as tick:
            assert tick is not None
            tick("commits", 0, 3)
            tick("commits", 1, 3)
            logging.getLogger("tests.progress").warning("a warning")
            tick("commits", 2, 3)
            raise RuntimeError("the work failed")
    finally:
        logging.getLogger().removeHandler(handler)
    assert handler.filters == []
    frames = [f"build: {done}/3 commits" for done in range(3)]
    assert stream.getvalue() == (
        f"\r{frames[0]}\r{frames[1]}{wiped(frames[1])}a warning\n\r{frames[2]}{wiped(frames[2])}"
    )


def test_progress_line_is_redrawn_once_a_percent(monkeypatch: pytest.MonkeyPatch) -> None:
    stream = _Terminal()
    monkeypatch.setattr(sys, "stderr", stream)
    with progress("x") as tick:
        assert tick is not None
        tick("things", 0, 0)  # nothing to count: nothing shown
        for done in range(1001):
            tick("things", done, 1000)
    frames = [f"x: {percent * 10}/1000 things" for percent in range(101)]
    assert stream.getvalue().split("\r") == ["", *frames, " " * len(frames[-1]), ""]


def test_no_progress_when_stderr_is_no_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stderr", io.StringIO())
    with progress("x") as tick:
        assert tick is None
