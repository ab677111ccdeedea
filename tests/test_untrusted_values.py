"""Untrusted records, decoded: characters that escapes put into values, ids that would take a
page, attachment paths that clash by case, and failing records that claim a gate is ready."""

from __future__ import annotations

import hashlib
import re
from typing import Any

import pytest

from bench.pathological import cases as pathological_cases
from generator.models import RESERVED_IDS
from tests.test_bad_input import NOTE, assert_problem

Result = Any

# ------------------------------------------------------- characters decoded from escapes


@pytest.mark.parametrize(
    ("escape", "shown"),
    [
        ("\\e[31m", "U+001B (ESCAPE), a control character"),
        ("\\x1b]8;;https://x.test\\x07", "U+001B (ESCAPE), a control character"),
        ("\\x07", "U+0007 (BELL), a control character"),
        ("\\b", "U+0008 (BACKSPACE), a control character"),
        ("\\r", "U+000D (CARRIAGE RETURN), a control character"),
        ("\\0", "U+0000 (NULL), a control character"),
        ("\\x7f", "U+007F (DELETE), a control character"),
        ("\\N", "U+0085 (NEXT LINE), a control character"),
        ("\\x9b", "U+009B (CONTROL SEQUENCE INTRODUCER), a control character"),
        ("\\u202e", "U+202E (RIGHT-TO-LEFT OVERRIDE), a bidirectional control character"),
        ("\\u2066", "U+2066 (LEFT-TO-RIGHT ISOLATE), a bidirectional control character"),
        ("\\u061C", "U+061C (ARABIC LETTER MARK), a bidirectional control character"),
        ("\\u200b", "U+200B (ZERO WIDTH SPACE), a zero-width character"),
        ("\\U0000FEFF", "U+FEFF (ZERO WIDTH NO-BREAK SPACE), a zero-width character"),
    ],
)
def test_escapes_cannot_smuggle_hidden_characters(catalog_dir, cli, escape: str, shown: str) -> None:
    root = catalog_dir({"evidence/2026/e.yaml": f'observed: 2026-06-14\nkind: note\nsummary: "ok {escape} ok"\n'})
    result = cli("validate", root=root)
    assert_problem(result, "evidence/2026/e.yaml:3:10:", shown, "remove it")
    assert "\x1b" not in result.stdout and "\u202e" not in result.stdout


def test_escapes_in_markdown_and_keys_and_lists(catalog_dir, cli) -> None:
    root = catalog_dir(
        {
            "evidence/2026/e.yaml": (
                "observed: 2026-06-14\nkind: note\nsummary: fine\n"
                'details: "line one\\nline two\\ttabbed \\e[2J"\n'
                'links:\n  - {title: "a\\u200db", url: "https://x.test/"}\n'
                '"assess\\u202e": {}\n'
            )
        }
    )
    result = cli("validate", root=root)
    assert result.code == 1
    lines = [line for line in result.stdout.splitlines() if line.startswith("evidence/2026/e.yaml:")]
    assert [line.split(" ", 1)[0] for line in lines] == [
        "evidence/2026/e.yaml:4:10:",
        "evidence/2026/e.yaml:6:13:",
        "evidence/2026/e.yaml:7:1:",
    ], result.stdout


def test_tabs_and_newlines_from_escapes_are_accepted(catalog_dir, cli) -> None:
    root = catalog_dir(
        {"evidence/2026/e.yaml": 'observed: 2026-06-14\nkind: note\nsummary: "a\\tb"\ndetails: "x\\ny\\tz"\n'}
    )
    result = cli("validate", root=root)
    assert result.code == 0, result.stdout


def test_escaped_characters_in_other_files_too(catalog_dir, cli) -> None:
    root = catalog_dir({"data/repos.yaml": '- id: team-a\n  description: "owner \\u202e team"\n'})
    result = cli("validate", root=root)
    assert_problem(result, "data/repos.yaml:2:16:", "U+202E")


@pytest.mark.parametrize("name", ["bad\x1bname", "rtl\u202egpj", "zw\u200bsp"])
def test_file_and_folder_names_with_hidden_characters(catalog_dir, cli, name: str) -> None:
    root = catalog_dir({f"evidence/{name}/e.yaml": NOTE, f"evidence/2026/{name}.yaml": NOTE})
    result = cli("validate", root=root)
    assert result.code == 1
    assert result.stdout.count("rename it without it") == 2, result.stdout


# ------------------------------------------------------------------------------ ids


@pytest.mark.parametrize("ident", sorted(RESERVED_IDS))
def test_reserved_ids_are_refused(catalog_dir, cli, ident: str) -> None:
    root = catalog_dir({"data/environments.yaml": f"- id: {ident}\n  name: Env\n"})
    result = cli("validate", root=root)
    assert_problem(result, "data/environments.yaml:1:7:", f"'{ident}'", "choose another id")


def test_reserved_ids_everywhere(catalog_dir, cli) -> None:
    root = catalog_dir(
        {
            "data/repos.yaml": "- id: team-a\n  aliases: [api]\n",
            "data/waves.yaml": "- id: history\n  title: W\n  gates: [T-G01]\n",
            "data/services/svc.yaml": "id: svc\nname: S\nowner: team-a\nstores:\n  - id: com1\n    kind: pg\n",
            "evidence/2026/index.yaml": NOTE,
            "evidence/2026/lpt9.yaml": NOTE,
        }
    )
    result = cli("validate", root=root)
    assert result.code == 1
    out = result.stdout
    assert "data/repos.yaml:2:13: 'api' is reserved" in out
    assert "data/waves.yaml:1:7: 'history' is reserved" in out
    assert "data/services/svc.yaml:5:9: 'com1' is a device name" in out
    assert "evidence/2026/index.yaml:1:1: evidence id 'index' (the file name) is reserved" in out
    assert "evidence/2026/lpt9.yaml:1:1: evidence id 'lpt9' (the file name) is a device name" in out


def test_ids_that_only_contain_a_reserved_name_are_fine(catalog_dir, cli) -> None:
    root = catalog_dir(
        {
            "data/environments.yaml": "- id: api-gateway\n  name: A\n- id: console\n  name: C\n- id: com10\n  name: X\n",
            "evidence/2026/index-rebuild.yaml": NOTE,
        }
    )
    result = cli("validate", root=root)
    assert result.code == 0, result.stdout


def test_a_trailing_newline_is_not_part_of_an_id(catalog_dir, cli) -> None:
    root = catalog_dir({"data/environments.yaml": '- id: "env\\n"\n  name: Env\n'})
    result = cli("validate", root=root)
    assert_problem(result, "data/environments.yaml:1:7:", "is not a valid id")


def test_a_trailing_newline_in_an_option_is_refused(catalog_dir, cli) -> None:
    root = catalog_dir()
    result = cli(
        "evidence",
        "new",
        "--kind",
        "note",
        "--summary",
        "s",
        "--about",
        "service:svc\n",
        "--observed",
        "2026-06-14",
        root=root,
    )
    assert result.code == 2, result
    assert "not a valid reference" in result.stderr


def test_attachment_paths_that_differ_by_case(catalog_dir, cli) -> None:
    upper, lower = b"upper\n", b"lower\n"
    root = catalog_dir(
        {
            "evidence/2026/a.yaml": NOTE
            + f"attachments: [{{path: files/Report.txt, sha256: {hashlib.sha256(upper).hexdigest()}}}]\n",
            "evidence/2026/b.yaml": NOTE
            + f"attachments: [{{path: files/report.txt, sha256: {hashlib.sha256(lower).hexdigest()}}}]\n",
        }
    )
    (root / "evidence/files").mkdir(parents=True)
    (root / "evidence/files/Report.txt").write_bytes(upper)
    (root / "evidence/files/report.txt").write_bytes(lower)
    result = cli("validate", root=root)
    assert_problem(result, "evidence/2026/b.yaml:4:22:", "differs from 'files/Report.txt' only by case")


# ------------------------------------------------------------- failing records, ready gates


def test_a_failing_record_cannot_assess_ready(catalog_dir, cli) -> None:
    root = catalog_dir(
        {
            "evidence/2026/e.yaml": (
                "observed: 2026-06-14\nkind: endpoint-verified\nsummary: down\nresult: fail\nassess: {T-G01: ready}\n"
            )
        }
    )
    result = cli("validate", root=root)
    line = assert_problem(
        result, "evidence/2026/e.yaml:5:17:", "a record whose result is fail cannot assess a gate ready"
    )
    assert line.endswith("(assess.T-G01)")


def test_a_failing_record_may_assess_partial(catalog_dir, cli) -> None:
    root = catalog_dir(
        {
            "evidence/2026/e.yaml": (
                "observed: 2026-06-14\nkind: endpoint-verified\nsummary: down\nresult: fail\nassess: {T-G01: partial}\n"
            )
        }
    )
    assert cli("validate", root=root).code == 0


def test_evidence_new_refuses_fail_and_ready(catalog_dir, cli) -> None:
    root = catalog_dir()
    result = cli(
        "evidence", "new", "--kind", "endpoint-verified", "--result", "fail", "--summary", "down",
        "--assess", "T-G01=ready", "--observed", "2026-06-14", root=root,
    )  # fmt: skip
    assert result.code == 2, result
    assert "--assess T-G01=ready: a record whose result is fail cannot assess a gate ready" in result.stderr
    assert not list((root / "evidence").rglob("*.yaml"))


def test_probe_plan_cannot_assess_ready_on_fail(catalog_dir, cli) -> None:
    root = catalog_dir(
        {
            "data/probes.yaml": (
                "probes:\n  - name: web\n    probe: http\n    url: https://x.test/\n"
                "    assess_on_fail: {T-G01: ready}\n"
            )
        }
    )
    result = cli("validate", root=root)
    assert result.code == 1
    assert "assess_on_fail sets T-G01 ready: a record whose result is fail cannot assess" in result.stdout


def test_failing_probe_writes_no_ready_assessment(catalog_dir, cli) -> None:
    from tests.probe_servers import Route, http_server

    root = catalog_dir()
    with http_server({"/": Route(500, b"down\n")}) as (base, _):
        result = cli("probe", "http", f"{base}/", "--about", "service:svc", "--assess", "T-G01=ready", root=root)
    assert result.code == 1, result
    assert "not assessing T-G01 ready: the probe failed" in result.stderr
    assert "assess:" not in result.stdout
    assert "Not assessed ready, because the probe failed: T-G01" in result.stdout


# ------------------------------------------------------------- plain text stays plain

EXTENSIONS = [
    "tables", "admonition", "toc", "footnotes", "def_list", "attr_list", "md_in_html", "abbr",
    "pymdownx.details", "pymdownx.tabbed", "pymdownx.superfences", "pymdownx.mark", "pymdownx.caret",
    "pymdownx.tilde", "pymdownx.keys", "pymdownx.critic", "pymdownx.emoji", "pymdownx.betterem",
    "pymdownx.tasklist", "pymdownx.magiclink", "pymdownx.smartsymbols", "pymdownx.snippets",
]  # fmt: skip
"""Every extension a site built with Material might enable."""

CONTAINER_SYNTAX = [
    '!!! danger "Pwned"',
    '??? note "Open me"',
    "???+ note",
    '=== "Tab"',
    "Footnote[^1]",
    "[^1]: the note",
    ": a definition",
    "==marked==",
    "^^inserted^^",
    "H^2^O",
    "~~deleted~~",
    "H~2~O",
    "++ctrl+alt+del++",
    "{++ added ++}",
    ":smile: :material-account:",
    "~~~",
    "```",
    "    indented code",
    "=",
    "===",
    "---",
    "***",
    "<div markdown>x</div>",
    "<details><summary>x</summary></details>",
    "*[HTML]: Hyper Text",
    '--8<-- "/etc/passwd"',
    "[ ] task",
    "mail@example.test www.example.test ftp://files.example.test https://x.test",
    "# heading",
    "> quote",
    "1. list",
    "| a | b |",
]
STRUCTURE = re.compile(
    r"<(?!/?p>)(?!/?(?:ul|li|table|thead|tbody|tr|th|td)\b)[a-z]|admonition|footnote|tabbed|emoji|task-list"
)
"""Any element but the paragraph, list and table the context itself makes."""
CONTEXTS = ["Term\n{}\n", "{}\n", "- {}\n", "| a |\n|---|\n| {} |\n", "# {}\n", "Text {} text\n"]


@pytest.mark.parametrize("text", CONTAINER_SYNTAX)
def test_plain_text_never_becomes_structure(text: str, tmp_path) -> None:
    import markdown

    from generator.textsafe import md_text

    converter = markdown.Markdown(
        extensions=EXTENSIONS, extension_configs={"pymdownx.snippets": {"base_path": [str(tmp_path)]}}
    )
    (tmp_path / "etc").mkdir()
    for context in CONTEXTS:
        html = converter.reset().convert(context.format(md_text(text)))
        html = re.sub(r'<h1 id="[^"]*">', "<p>", html).replace("</h1>", "</p>")
        assert not STRUCTURE.search(html), (text, context, html)
        visible = re.sub(r"<[^>]+>", "", html)
        import html as html_module

        assert html_module.unescape(visible).split() != [], (text, context)
        assert text.split()[0].strip("#>") in html_module.unescape(visible) or text.startswith(("#", ">", "1.")), (
            text,
            html,
        )


# ------------------------------------------------------------- pathological Markdown


@pytest.mark.parametrize("name", sorted(pathological_cases()))
def test_pathological_markdown_renders_inert(name: str) -> None:
    """Each input that makes Markdown parsers slow or deep renders (no recursion limit, no
    error) into the allowed tags only; its speed is measured by ``python -m bench.pathological``."""
    from generator.textsafe import ALLOWED_TAGS, render_markdown

    text = pathological_cases()[name]
    html = str(render_markdown(text))
    tags = set(re.findall(r"<([a-z0-9]+)", html))
    assert tags <= ALLOWED_TAGS | {"div"}, (name, tags - ALLOWED_TAGS)
    assert html.count("<ul>") + html.count("<ol>") + html.count("<blockquote>") <= 3 * 20, name
