"""Untrusted records, decoded: characters that escapes put into values, ids that would take a
page, attachment paths that clash by case, and failing records that claim a gate is ready."""

from __future__ import annotations

import base64
import contextlib
import hashlib
import json
import re
import subprocess
from collections.abc import Iterator
from typing import Any

import pytest

from bench.pathological import cases as pathological_cases
from generator.records.models import RESERVED_IDS
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


# ------------------------------------------------------- credentials bound to origins


@contextlib.contextmanager
def registry_with_token_service_elsewhere(user: str, password: str, token: str) -> Iterator[tuple[str, Any, str, Any]]:
    """A registry whose Bearer challenge names a token service on another origin (both on 127.0.0.1)."""
    from tests.probe_servers import Route, http_server

    expected = "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()

    def token_endpoint(handler: Any) -> Route:
        if handler.headers.get("Authorization") != expected:
            return Route(401, b"{}")
        return Route(200, json.dumps({"token": token}).encode(), {"Content-Type": "application/json"})

    with http_server({"/token": token_endpoint}) as (auth_base, auth_server):

        def v2(handler: Any) -> Route:
            if handler.headers.get("Authorization") == f"Bearer {token}":
                return Route(200, b"{}", {"Docker-Distribution-API-Version": "registry/2.0"})
            challenge = f'Bearer realm="{auth_base}/token",service="elsewhere",scope="*"'
            return Route(401, b'{"errors":[]}', {"WWW-Authenticate": challenge})

        with http_server({"/v2/": v2}) as (base, server):
            yield base, server, auth_base, auth_server


def test_credentials_never_go_to_an_unbound_token_service() -> None:
    from tests.test_probes import ENV_OPTIONS, PASSWORD, SECRET_ENV, TOKEN, USER, readiness

    with registry_with_token_service_elsewhere(USER, PASSWORD, TOKEN) as (base, _, auth_base, auth_server):
        run = readiness("probe", "registry", f"{base}/v2/", *ENV_OPTIONS, env=SECRET_ENV)
        assert run.code == 1
        assert auth_server.requests == []  # not even asked
        assert "not asked: the token service is on an origin the credentials are not bound to" in run.stdout

        bound = readiness(
            "probe", "registry", f"{base}/v2/", *ENV_OPTIONS, "--credential-origin", auth_base, env=SECRET_ENV
        )
        assert bound.code == 0, bound.stdout
        assert [headers.get("Authorization", "")[:6] for _, _, headers in auth_server.requests] == ["Basic "]
        assert f"--credential-origin {auth_base}" in bound.record["source"]


def test_credentials_never_follow_a_redirect_off_their_origin() -> None:
    import datetime as dt

    from generator.probes.oci import Session
    from generator.probes.record import Outcome
    from generator.probes.registry import RegistrySpec
    from tests.probe_servers import Route, http_server

    with http_server({"*": Route(200, b"blob")}) as (elsewhere, other):
        redirect = Route(307, headers={"Location": f"{elsewhere}/blob"})
        with http_server({"/v2/r/blobs/x": redirect, "*": Route(200, b"{}")}) as (base, own):
            spec = RegistrySpec(base, "U", "P")
            outcome = Outcome("registry-verified", "r", "s", [], dt.datetime.now(dt.UTC))
            session = Session(base, spec, outcome, credentials=("user", "secret-pw"))
            response = session.call("GET", f"{base}/v2/r/blobs/x")
    assert response.status == 200 and response.body == b"blob"
    assert [headers.get("Authorization", "")[:6] for _, _, headers in own.requests] == ["Basic "]
    assert [("Authorization" in headers) for _, _, headers in other.requests] == [False]


PLAN_HEAD = "probes:\n  - name: reg\n    probe: registry\n    url: https://registry.example/v2/\n"
PLAN_CREDS = "    user_env: REG_USER\n    password_env: REG_TOKEN\n"


@pytest.mark.parametrize(
    ("credentials", "fragments"),
    [
        ("", ["data/probes.yaml:6:19:", "REG_TOKEN is not bound to an origin: list it under 'credentials:'"]),
        (
            "credentials:\n  REG_USER: [https://registry.example]\n  REG_TOKEN: [https://other.example]\n",
            ["data/probes.yaml:9:19:", "would send REG_TOKEN to https://registry.example, which is not an origin"],
        ),
        (
            "credentials:\n  REG_USER: [https://registry.example/path]\n  REG_TOKEN: [https://registry.example]\n",
            ["data/probes.yaml:2:14:", "must be an origin only"],
        ),
    ],
)
def test_plan_binds_each_credential_to_origins(catalog_dir, cli, credentials: str, fragments: list[str]) -> None:
    root = catalog_dir({"data/probes.yaml": credentials + PLAN_HEAD + PLAN_CREDS})
    result = cli("validate", root=root)
    assert result.code == 1
    lines = [line for line in result.stdout.splitlines() if all(f in line for f in fragments)]
    assert len(lines) == 1, result.stdout


def test_plan_with_bound_credentials_validates(catalog_dir, cli) -> None:
    bound = "credentials:\n  REG_USER: [https://registry.example]\n  REG_TOKEN: [https://registry.example:443]\n"
    root = catalog_dir({"data/probes.yaml": bound + PLAN_HEAD + PLAN_CREDS})
    result = cli("validate", root=root)
    assert result.code == 0, result.stdout


def test_diff_highlights_a_credential_sent_to_a_new_origin(catalog_dir, cli) -> None:
    bound = "credentials:\n  REG_USER: [https://registry.example]\n  REG_TOKEN: [https://registry.example]\n"
    root = catalog_dir({"data/probes.yaml": bound + PLAN_HEAD + PLAN_CREDS})
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@t", "-C", str(root)]
    subprocess.run([*git, "init", "-q", "-b", "main"], check=True)
    subprocess.run([*git, "add", "-A"], check=True)
    subprocess.run([*git, "commit", "-qm", "base"], check=True)
    moved = bound.replace(
        "REG_TOKEN: [https://registry.example]", "REG_TOKEN: [https://registry.example, https://collector.example]"
    )
    (root / "data/probes.yaml").write_text(moved + PLAN_HEAD + PLAN_CREDS, encoding="utf-8")
    result = cli("diff", "main", root=root)
    assert result.code == 0, result.stderr
    assert "A credential goes to a new origin" in result.stdout
    assert "sends `REG_TOKEN` to https&#58;&#8203;//collector.example" in result.stdout
    as_json = json.loads(cli("diff", "main", "--format", "json", root=root).stdout)
    assert as_json["new_credential_origins"] == [{"variable": "REG_TOKEN", "origin": "https://collector.example"}]


def test_synthetic_catalogs_follow_the_rules(tmp_path) -> None:
    """The benchmark's catalogs are valid records: a rule added to the models must be added to the generator."""
    from bench.synthetic import write_catalog
    from generator.records.loader import load_catalog

    write_catalog(tmp_path / "medium", "medium")
    load_catalog(tmp_path / "medium")


def test_a_runbook_path_shown_as_code_stays_text(catalog_dir, cli, tmp_path) -> None:
    """A runbook or observability path with no repository URL to link through is shown as code:
    Markdown inside it (inline HTML does not stop it) must not become a link."""
    import markdown

    service = (
        "id: svc\nname: Service\nowner: team-a\n"
        'runbooks: {deploy: "[x](javascript:alert(3)) <b>b</b> *e*"}\n'
        'observability: {logs: "[y](javascript:alert(4))"}\n'
    )
    root = catalog_dir({"data/services/svc.yaml": service})
    result = cli("render", "--as-of", "2026-06-30", "--out", str(tmp_path / "out"), root=root)
    assert result.code == 0, result.stderr
    page = (tmp_path / "out" / "services" / "svc.md").read_text(encoding="utf-8")
    html = markdown.Markdown(extensions=["tables", "admonition", "toc"]).convert(page)
    assert "javascript:" not in "".join(re.findall(r'href="([^"]*)"', html))
    assert "<code>[x](javascript:alert(3)) &lt;b&gt;b&lt;/b&gt; *e*</code>" in html


def test_a_secret_pasted_as_a_key_or_an_id_is_masked_in_every_message(catalog_dir, cli) -> None:
    token = "ghp_" + "A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8"
    gitlab = "glpat-" + "abcdefghijklmnopqrst1234"
    root = catalog_dir(
        {
            "evidence/2026/e.yaml": (
                f"observed: 2026-06-14\nkind: note\nsummary: s\n{token}: x\nassess: {{{token}: ready}}\n"
                f"supersedes: [{gitlab}]\n"
            )
        }
    )
    result = cli("validate", root=root)
    assert result.code == 1
    assert token[4:] not in result.stdout + result.stderr
    assert gitlab[4:] not in result.stdout + result.stderr
    assert "possible GitHub token 'ghp_…'" in result.stdout


def test_hidden_characters_a_server_sends_never_break_a_probe_record(catalog_dir) -> None:
    """A record must hold no control or invisible character, whatever a probed server answered."""
    from tests.probe_servers import Route, http_server
    from tests.test_probes import readiness

    document = json.dumps(
        {"openapi": "3.0.\x1b[31m1\u200b", "info": {}, "servers": [{"url": "/v\u202e2"}], "paths": {"/hubs": {}}}
    ).encode()
    root = catalog_dir()
    with http_server({"/openapi.json": Route(200, document, {"Content-Type": "application/json"})}) as (base, _):
        printed = readiness("probe", "openapi", f"{base}/openapi.json", "--require", "/hubs", root=root)
        written = readiness("probe", "openapi", f"{base}/openapi.json", "--require", "/hubs", "--write", root=root)
    assert printed.code == 0, printed.stderr
    assert written.code == 0, written.stderr
    for char in ("\x1b", "\u200b", "\u202e"):
        assert char not in printed.stdout
    from generator.records.loader import load_catalog

    load_catalog(root)  # the written record validates


def test_the_history_unavailable_reason_is_escaped_once() -> None:
    import markdown

    from generator.history import History
    from generator.site.markdown import SiteInfo, render_site
    from tests.golden_cases import load_case

    with load_case("basic") as case:
        info = SiteInfo(history=History(available=False, reason="git failed in /srv/my_repo [x] <b>"))
        page = render_site(case.catalog, case.derived, info).pages["history/index.md"]
    html = markdown.Markdown(extensions=["tables", "admonition", "toc"]).convert(page)
    assert "git failed in /srv/my_repo [x] &lt;b&gt;." in html


@pytest.mark.parametrize("as_of", ["9999-12-31", "0001-01-01T00:00:00+01:00", "1969-12-31"])
def test_an_as_of_out_of_range_is_a_usage_error(catalog_dir, cli, as_of: str) -> None:
    result = cli("status", "--as-of", as_of, root=catalog_dir())
    assert result.code == 2, result.stderr
    assert result.stderr == (
        f"error: --as-of '{as_of}' is out of range: give a moment between the years 1970 and 9000\n"
    )


def test_dates_at_the_edge_of_the_calendar_are_problems_not_tracebacks(catalog_dir, cli) -> None:
    gates = "- id: T-G01\n  title: Gate\n  requirement: R\n  max_age_days: 9999999\n"
    record = "observed: 0001-01-01T00:30:00+01:00\nkind: note\nsummary: s\n"
    result = cli("validate", root=catalog_dir({"data/gates.yaml": gates, "evidence/2026/e.yaml": record}))
    assert result.code == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert "data/gates.yaml:4:17: '9999999' must be at most 36500 (T-G01.max_age_days)" in result.stdout
    assert "evidence/2026/e.yaml:1:11:" in result.stdout and "before the year 1 in UTC" in result.stdout


def test_the_api_escapes_what_a_terminal_must_not_see_raw() -> None:
    from generator.site.api_models import dumps

    text = dumps({"reason": "git failed \u2028 tag \U000e0041 <b>&"})
    assert "\u2028" not in text and "\U000e0041" not in text and "<" not in text
    assert json.loads(text) == {"reason": "git failed \u2028 tag \U000e0041 <b>&"}


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("\U000e0069\U000e0067", "U+E0069 (TAG LATIN SMALL LETTER I), an invisible format character"),
        ("\u00ad", "U+00AD (SOFT HYPHEN), an invisible format character"),
        ("\u2064", "U+2064 (INVISIBLE PLUS), an invisible format character"),
        ("\u180e", "U+180E (MONGOLIAN VOWEL SEPARATOR), an invisible format character"),
    ],
)
def test_every_invisible_format_character_is_refused(catalog_dir, cli, raw: str, shown: str) -> None:
    written = catalog_dir({"evidence/2026/a.yaml": f"observed: 2026-06-14\nkind: note\nsummary: ok{raw}ok\n"})
    result = cli("validate", root=written)
    assert result.code == 1
    kind, _, rest = shown.partition(", ")
    assert f"evidence/2026/a.yaml:3:12: {rest} {kind}" in result.stdout, result.stdout
    escaped = "".join(f"\\U{ord(c):08x}" for c in raw)
    root = catalog_dir({"evidence/2026/a.yaml": f'observed: 2026-06-14\nkind: note\nsummary: "ok{escaped}ok"\n'})
    result = cli("validate", root=root)
    assert f"evidence/2026/a.yaml:3:10: an escape in this value decodes to {shown}" in result.stdout, result.stdout
