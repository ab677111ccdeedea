"""What the command prints is safe for a terminal and a CI log, whatever the records hold.

Record text, file names and command-line values reach the output as fields: control and
format characters show escaped (``\\x1b``, ``\\u202e``), a field's own line breaks too, and
no line can pass for a GitHub/Gitea Actions workflow command (``::error ...``, ``##[group]``).
"""

from __future__ import annotations

import json
import logging
import unicodedata
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.cli import main
from generator.cli.common import log_to_terminal
from generator.textsafe import json_text, md_code, md_fence, md_forge_text, terminal_text
from tests.conftest import MINIMAL, Result, write_files

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
