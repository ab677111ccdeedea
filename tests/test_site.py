"""The site build: the plugin, strictness, determinism, safety and the swap."""

from __future__ import annotations

import hashlib
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path

import pytest

from tests.conftest import REPO, Result, write_files
from tests.golden_cases import GOLDEN, expected
from tests.test_seed import seed_gates

Cli = Callable[..., Result]
SITE_INPUTS = ("mkdocs.yml", "data", "evidence", "docs")


def copy_repo(target: Path) -> Path:
    """The shipped records, docs and config, without git metadata."""
    target.mkdir(parents=True)
    for name in SITE_INPUTS:
        source = REPO / name
        if source.is_dir():
            shutil.copytree(source, target / name)
        else:
            shutil.copy2(source, target / name)
    return target


def tree_digest(root: Path) -> dict[str, str]:
    return {
        path.relative_to(root).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


class _Html(HTMLParser):
    """Collects what a page would execute: handlers, javascript: URLs, scripts, the title."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.handlers: list[str] = []
        self.js_urls: list[str] = []
        self.scripts: list[str | None] = []
        self.inline_scripts = 0
        self.title = ""
        self._in_title = False
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name.startswith("on"):
                self.handlers.append(f"<{tag} {name}>")
            if (
                value
                and name in ("href", "src", "action", "formaction")
                and value.strip().lower().startswith("javascript:")
            ):
                self.js_urls.append(value)
        if tag == "script":
            src = dict(attrs).get("src")
            self.scripts.append(src)
            self._in_script = src is None
        self._in_title = tag == "title"

    def handle_endtag(self, tag: str) -> None:
        self._in_title = False
        self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title += data
        if self._in_script and data.strip():
            self.inline_scripts += 1


def parse_html(path: Path) -> _Html:
    parser = _Html()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


def test_shipped_data_builds_with_the_seed_statuses(cli: Cli, tmp_path: Path) -> None:
    site = tmp_path / "site"
    result = cli("build", "--as-of", "2026-11-28", "--site-dir", str(site), root=REPO)
    assert result.code == 0, result.stdout + result.stderr
    assert re.match(r"built \d+ pages into ", result.stdout)
    table = (site / "gates" / "index.html").read_text(encoding="utf-8")
    rows = re.findall(
        r'<a href="(ops-g\d+)/">(OPS-G\d+)</a></td>\s*<td><span class="rd-status rd-(\w+)">.*?</td>\s*<td>([^<]*)</td>',
        table,
        re.S,
    )
    shown = {gate_id: (title, status) for _, gate_id, status, title in rows}
    assert {gate_id: shown.get(gate_id) for gate_id in seed_gates()} == seed_gates()
    # Every page lights the tab of its section, a record's page (out of the navigation) too.
    tabs = {}
    for index in site.rglob("index.html"):
        rel = index.parent.relative_to(site).as_posix()
        if not rel.startswith("embed/"):
            html = index.read_text(encoding="utf-8")
            tabs[rel] = re.findall(r'md-tabs__item--active">\s*<a [^>]*>\s*([^<]*?)\s*</a>', html)
    expected = {rel: ["Home" if rel == "." else rel.split("/")[0].capitalize()] for rel in tabs}
    assert tabs == expected
    assert "gates/ops-g05" in tabs and "evidence/2026-06-14-seed-status" in tabs
    for page in (
        "index.html",
        "waves/wave-0-catalog/index.html",
        "services/gitea/index.html",
        "environments/coulombcore/index.html",
        "owners/railiance-apps/index.html",
        "evidence/2026-06-14-interhub-bootstrap-probe/index.html",
        "risks/index.html",
        "guide/statuses/index.html",
    ):
        assert (site / page).is_file(), page


def test_mkdocs_build_strict_uses_the_plugin_entry_point(tmp_path: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(tmp_path / "out")],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
        env={"PATH": "/usr/bin:/bin", "SOURCE_DATE_EPOCH": "1780963200", "HOME": str(tmp_path)},
    )
    assert proc.returncode == 0, proc.stderr
    assert "WARNING -" not in proc.stderr and "WARNING  -" not in proc.stderr
    assert 'not included in the "nav"' not in proc.stderr
    assert (tmp_path / "out" / "gates" / "ops-g05" / "index.html").is_file()


def test_build_never_writes_into_docs(cli: Cli, tmp_path: Path) -> None:
    repo = copy_repo(tmp_path / "repo")
    before = tree_digest(repo / "docs")
    assert cli("build", "--as-of", "2026-11-28", root=repo).code == 0
    assert tree_digest(repo / "docs") == before


def test_same_records_same_bytes_wherever_the_checkout_lies(cli: Cli, tmp_path: Path) -> None:
    first = copy_repo(tmp_path / "one")
    second = copy_repo(tmp_path / "elsewhere" / "two")
    assert cli("build", "--as-of", "2026-07-01", root=first).code == 0
    assert cli("build", "--as-of", "2026-07-01", root=second).code == 0
    assert tree_digest(first / "site") == tree_digest(second / "site")


def test_failed_build_leaves_the_previous_site(cli: Cli, tmp_path: Path) -> None:
    repo = copy_repo(tmp_path / "repo")
    assert cli("build", "--as-of", "2026-11-28", root=repo).code == 0
    before = tree_digest(repo / "site")
    write_files(repo, {"data/waves.yaml": "- id: broken\n  title: Broken\n  gates: [NO-G01]\n"})
    result = cli("build", "--as-of", "2026-11-28", root=repo)
    assert result.code == 1
    assert "data/waves.yaml:3:11: unknown gate 'NO-G01'" in result.stderr
    assert tree_digest(repo / "site") == before
    assert sorted(p.name for p in repo.iterdir() if p.name.startswith(".site")) == []


def test_plugin_fails_the_build_with_located_problems(tmp_path: Path) -> None:
    repo = copy_repo(tmp_path / "repo")
    write_files(repo, {"evidence/2026/bad.yaml": "observed: 2026-06-14\nkind: assessment\nsummary: x\nsumary: y\n"})
    proc = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict"],
        cwd=repo,
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode != 0
    assert "evidence/2026/bad.yaml:4:1: unknown field 'sumary': did you mean 'summary'?" in proc.stderr


def test_hand_written_page_cannot_shadow_a_generated_one(cli: Cli, tmp_path: Path) -> None:
    repo = copy_repo(tmp_path / "repo")
    write_files(repo, {"docs/gates/index.md": "# Mine\n"})
    result = cli("build", root=repo)
    assert result.code == 1
    assert "docs/gates/index.md is a hand-written page where the readiness plugin generates one" in result.stderr


def test_render_writes_what_the_plugin_adds(cli: Cli, tmp_path: Path) -> None:
    import yaml

    case = yaml.safe_load((GOLDEN / "basic.yaml").read_text(encoding="utf-8"))
    root = write_files(tmp_path / "case", {k: v for k, v in case["files"].items()})
    out = tmp_path / "out"
    result = cli("render", "--as-of", case["as_of"], "--out", str(out), root=root)
    assert result.code == 0, result.stderr
    written = {p.relative_to(out).as_posix(): p.read_bytes().decode("utf-8") for p in out.rglob("*") if p.is_file()}
    assert written == expected("basic")


def test_hand_written_pages_never_link_generated_pages() -> None:
    generated = re.compile(r"\]\((?:\.\./)*(?:gates|waves|services|environments|owners|evidence|risks)/[^)]*\)")
    for page in (REPO / "docs").rglob("*.md"):
        assert not generated.search(page.read_text(encoding="utf-8")), page


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    import yaml

    root = tmp_path_factory.mktemp("hostile")
    case = yaml.safe_load((GOLDEN / "hostile.yaml").read_text(encoding="utf-8"))
    write_files(root, case["files"])
    shutil.copy2(REPO / "mkdocs.yml", root / "mkdocs.yml")
    shutil.copytree(REPO / "docs", root / "docs")
    proc = subprocess.run(
        [sys.executable, "-m", "generator", "--root", str(root), "build", "--as-of", case["as_of"]],
        capture_output=True,
        text=True,
        check=False,
        cwd=REPO,
    )
    assert proc.returncode == 0, proc.stderr
    return root / "site"


def test_hostile_records_run_nothing_in_the_built_html(hostile_site: Path) -> None:
    pages = sorted(hostile_site.rglob("*.html"))
    assert len(pages) > 10
    for page in pages:
        parsed = parse_html(page)
        assert parsed.handlers == [], (page, parsed.handlers)
        assert parsed.js_urls == [], (page, parsed.js_urls)
        assert not any(src and src.startswith(("http:", "https:", "//")) for src in parsed.scripts), page
        assert "<" not in parsed.title and ">" not in parsed.title, (page, parsed.title)
    gate = (hostile_site / "gates" / "hx-g01" / "index.html").read_text(encoding="utf-8")
    assert (
        "&lt;/title&gt;&lt;script&gt;alert(&#x27;title&#x27;)&lt;/script&gt;" in gate
        or "&lt;/title&gt;&lt;script&gt;alert('title')&lt;/script&gt;" in gate
    )


def test_site_pages_carry_no_inline_handlers_or_foreign_assets(cli: Cli, tmp_path: Path) -> None:
    site = tmp_path / "site"
    assert cli("build", "--as-of", "2026-11-28", "--site-dir", str(site), root=REPO).code == 0
    for page in site.rglob("*.html"):
        parsed = parse_html(page)
        assert parsed.handlers == [] and parsed.js_urls == [], page
        html = page.read_text(encoding="utf-8")
        for match in re.finditer(r'<(?:script|link|img)[^>]+(?:src|href)="([^"]+)"', html):
            assert not match.group(1).startswith(("http:", "https:", "//")), (page, match.group(1))
