"""The URL scheme: one place says where every page and file is and how pages link to each other."""

from __future__ import annotations

import posixpath
import re
from pathlib import Path

import pytest

from generator.site import urls
from generator.site.urls import SAVE_AS, URL, Target, file_href, href
from tests.golden_cases import load_case

SITE = Path(__file__).resolve().parent.parent / "generator" / "site"


def test_every_kind_has_a_path_and_a_url() -> None:
    assert set(SAVE_AS) == set(URL)
    assert Target("gate", "OPS-G05").path == "gates/ops-g05.md"
    assert Target("gate", "OPS-G05").url == "gates/ops-g05/"
    assert Target("evidence", "2026-06-01-x").url == "evidence/2026-06-01-x/"
    assert Target("owner", "platform").path == "owners/platform.md"
    assert Target("home").path == "index.md" and Target("home").url == ""
    assert Target("evidence-index").path == "evidence/index.md"
    assert urls.store("app", "app-db") == Target("service", "app", "store-app-db")
    assert urls.entity("repo", "apps") == Target("owner", "apps")


@pytest.mark.parametrize(
    ("target", "here", "link"),
    [
        (Target("gate", "EX-G01"), "index.md", "gates/ex-g01.md"),
        (Target("gate", "EX-G01"), "gates/ex-g02.md", "../gates/ex-g01.md"),
        (Target("gate", "EX-G01"), "gates/index.md", "../gates/ex-g01.md"),
        (Target("gates"), "gates/ex-g01.md", "index.md"),
        (Target("gates"), "index.md", "gates/index.md"),
        (Target("gates"), "waves/wave-1.md", "../gates/index.md"),
        (urls.store("app", "app-db"), "gates/ex-g01.md", "../services/app.md#store-app-db"),
        (Target("attachment", "files/2026/log.txt"), "evidence/2026-06-25-x.md", "files/2026/log.txt"),
    ],
)
def test_links_between_pages(target: Target, here: str, link: str) -> None:
    assert href(target, here) == link


def test_links_in_generated_files_are_relative_to_the_file() -> None:
    card = urls.embed("gates", "OPS-G05")
    assert card == "embed/gates/ops-g05/index.html"
    assert file_href(Target("gate", "OPS-G05").url, card) == "../../../gates/ops-g05/"
    old = Target("wave", "first-wave")
    assert urls.redirect(old) == "waves/first-wave/index.html"
    assert file_href(Target("wave", "wave-a").url, urls.redirect(old)) == "../wave-a/"
    gate_doc = urls.api_document("gates", "OPS-G05")
    assert gate_doc == "api/v1/gates/ops-g05.json"
    assert file_href(urls.api_schema("gate"), gate_doc) == "../schema/gate.schema.json"
    assert file_href(urls.api_schema("summary"), urls.api_document("summary")) == "schema/summary.schema.json"
    assert urls.badge("gates", "OPS-G05") == "badges/gates/ops-g05.svg"
    assert urls.badge("waves", "wave-a") == "badges/waves/wave-a.svg"


def test_every_link_in_the_pages_reaches_a_generated_page_or_file() -> None:
    with load_case("basic") as case:
        rendered = case.render()
    published = set(rendered.pages) | set(rendered.attachments) | set(rendered.files)
    seen = 0
    for page, text in rendered.pages.items():
        prose = re.sub(r"^```.*?^```", "", text, flags=re.S | re.M)  # code blocks show snippets, not links
        for link in re.findall(r"\]\(<?([^)>]+)>?\)", prose):
            if link.startswith(("http://", "https://")):
                continue
            path = posixpath.normpath(posixpath.join(posixpath.dirname(page), link.partition("#")[0]))
            assert path in published, (page, link)
            seen += 1
    assert seen > 100


def test_cards_and_redirects_reach_the_page_they_name() -> None:
    with load_case("basic") as case:
        rendered = case.render()
    built = {
        posixpath.dirname(path) if path.endswith("index.md") else path.removesuffix(".md") for path in rendered.pages
    }
    seen = 0
    for path, text in rendered.files.items():
        if not path.endswith(".html"):
            continue
        for link in re.findall(r'href="([^"]+)"', text):
            assert posixpath.normpath(posixpath.join(posixpath.dirname(path), link)) in built, (path, link)
            seen += 1
    assert seen >= 7  # five cards, and a redirect (its link and its canonical URL)


def test_nothing_but_the_url_module_builds_a_path() -> None:
    """Templates ask ``href``/``link`` for every link; Python views ask :mod:`generator.site.urls`."""
    templates = sorted((SITE / "templates").glob("*.j2"))
    assert templates
    for template in templates:
        text = template.read_text(encoding="utf-8")
        assert not re.search(r'~\s*"[^"]*(?:\.md|/)"', text), template.name
        assert "../" not in text and "rel ~" not in text, template.name
    sections = r"(?:gates|waves|services|environments|owners|evidence|risks|history|badges|embed|api/v1)/"
    views = sorted(path for path in SITE.rglob("*.py") if path.name != "urls.py")
    assert len(views) > 10
    for name in views:
        text = name.read_text(encoding="utf-8")
        code = re.sub(r'"""[\s\S]*?"""', "", text)  # docstrings may show paths
        assert not re.search(rf"""["']{sections}""", code), name
        assert "../" not in code and '.md"' not in code, name


def test_the_evidence_index_is_paged_under_evidence_page() -> None:
    assert urls.evidence_page(1) == Target("evidence-index")
    assert urls.evidence_page(2).path == "evidence/page/2.md"
    assert urls.evidence_page(2).url == "evidence/page/2/"
    assert href(Target("evidence", "2026-06-01-x"), urls.evidence_page(3).path) == "../../evidence/2026-06-01-x.md"
    assert href(urls.evidence_page(1), urls.evidence_page(3).path) == "../../evidence/index.md"
    assert urls.root_of(urls.evidence_page(3)) == "../../../"
    # "page" is reserved, so no record's page can be evidence/page/.
    from generator.records.models import reserved_reason

    assert reserved_reason("page") is not None
