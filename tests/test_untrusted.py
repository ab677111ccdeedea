"""Each injection vector of the threat model, inert in the built site."""

from __future__ import annotations

import hashlib
import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import REPO, Result, write_files
from tests.test_site import parse_html

Cli = Callable[..., Result]

VECTORS = {
    "script tag": "<script>alert('x')</script>",
    "event handler": '<img src=x onerror="alert(1)">',
    "javascript link": "[click](javascript:alert(2))",
    "entity-encoded scheme": "[click](&#106;avascript:alert(3))",
    "attr_list": '{: onclick="alert(4)" }',
    "link definition": "[rb]: javascript:alert(5)",
    "iframe": '<iframe src="https://evil.example/"></iframe>',
    "title breakout": "</title><script>alert(6)</script>",
    "template code": "{{ config.extra }} {% include 'x' %}",
    "svg": "<svg onload=alert(7)>",
}


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("untrusted")
    svg = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(8)"/>'
    html = b"<script>alert(9)</script>"
    text = "\n".join(f"- {name}: {vector}" for name, vector in VECTORS.items())
    notes = "\n".join(f"  {line}" for line in text.splitlines())
    nested = "\n".join(f"    {line}" for line in text.splitlines())
    files = {
        "data/repos.yaml": "- id: team\n",
        "data/environments.yaml": f"- id: env\n  name: Env\n  notes: |\n{nested}\n",
        "data/gates.yaml": (
            '- id: HX-G01\n  title: "</title><script>alert(6)</script> [rb][] {: onclick=x }"\n'
            f"  requirement: |\n{nested}\n"
        ),
        "data/waves.yaml": "- id: w\n  title: W\n  gates: [HX-G01]\n",
        "evidence/2026/x.yaml": (
            'observed: 2026-06-01\nkind: note\nsummary: "[rb] {{ config }} <b>bold</b>"\n'
            f"details: |\n{notes}\n"
            "attachments:\n"
            f"  - {{path: files/pic.svg, sha256: {hashlib.sha256(svg).hexdigest()}}}\n"
            f"  - {{path: files/page.html, sha256: {hashlib.sha256(html).hexdigest()}}}\n"
        ),
    }
    write_files(root, files)
    (root / "evidence" / "files").mkdir(parents=True)
    (root / "evidence" / "files" / "pic.svg").write_bytes(svg)
    (root / "evidence" / "files" / "page.html").write_bytes(html)
    shutil.copy2(REPO / "mkdocs.yml", root / "mkdocs.yml")
    shutil.copytree(REPO / "docs", root / "docs")
    from tests.conftest import run_cli

    result = run_cli("build", "--as-of", "2026-06-30", root=root)
    assert result.code == 0, result.stderr
    return root / "site"


def test_no_page_runs_record_text(built: Path) -> None:
    pages = list(built.rglob("*.html"))
    assert len(pages) > 20
    for page in pages:
        parsed = parse_html(page)
        assert parsed.handlers == [], (page, parsed.handlers)
        assert parsed.js_urls == [], (page, parsed.js_urls)
        assert "<" not in parsed.title, (page, parsed.title)
        html = page.read_text(encoding="utf-8")
        assert "<iframe" not in html, page
        assert not re.search(r"<svg[^>]*onload", html, re.I), page
        assert "alert(" not in "".join(re.findall(r"<script\b[^>]*>(.*?)</script>", html, re.S)), page


def test_record_text_is_shown_not_run(built: Path) -> None:
    page = (built / "evidence" / "x" / "index.html").read_text(encoding="utf-8")
    # Plain text is shown, escaped; raw HTML in Markdown is removed; template syntax is defused.
    assert "[rb] {{ config }} &lt;b&gt;bold&lt;/b&gt;" in page
    assert "&#123;&#123; config.extra &#125;&#125;" in page
    assert "alert('x')" not in page


def test_only_inert_attachments_are_published(built: Path) -> None:
    assert not (built / "evidence" / "files" / "pic.svg").exists()
    assert not (built / "evidence" / "files" / "page.html").exists()
    page = (built / "evidence" / "x" / "index.html").read_text(encoding="utf-8")
    assert "files/pic.svg (not published: not an inert file type)" in page


def test_search_index_and_json_hold_text_only(built: Path) -> None:
    index = (built / "search" / "search_index.json").read_text(encoding="utf-8")
    assert "<script>alert" not in index and "onerror=" not in index.replace("onerror=&quot;", "")
    api = (built / "api" / "v1" / "gates" / "hx-g01.json").read_text(encoding="utf-8")
    assert "<" not in api and ">" not in api  # escaped as \\u003c and \\u003e


def test_security_guide_lists_the_limits() -> None:
    page = (REPO / "docs" / "guide" / "security.md").read_text(encoding="utf-8")
    for needle in ("1 MiB", "25 MiB", "500 characters", "20,000 characters", "64 levels", "allowed-secrets.yaml"):
        assert needle in page
