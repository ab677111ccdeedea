"""Every generated output (pages, API documents, badges, cards, redirects) equals its golden file (`make golden`)."""

from __future__ import annotations

import pytest

from tests.golden_cases import cases, expected, render_case


def test_there_are_golden_cases() -> None:
    assert cases() == ["basic", "decisions", "hostile"]


@pytest.mark.parametrize("name", cases())
def test_render_matches_golden(name: str) -> None:
    got = render_case(name)
    want = expected(name)
    assert sorted(got) == sorted(want), "outputs differ: run `make golden` and review the diff"
    for path, text in got.items():
        assert text == want[path], f"{name}/{path} differs: run `make golden` and review the diff"


def test_basic_case_covers_the_rules() -> None:
    pages = render_case("basic")
    gate = pages["gates/ex-g01.md"]
    # A ready assessment capped by a failing check, with the failing store named.
    assert '<span class="rd-status rd-partial">partial</span>' in gate
    assert (
        '| [store:app-files](<../services/app.md#store-app-files>) | <span class="rd-status rd-fail">fail</span> | '
        "lacks backup.location;"
    ) in gate
    # The precondition blocks the next gate, and the superseded record no longer counts.
    assert "requires [EX-G01](<../gates/ex-g01.md>), which is partial" in pages["gates/ex-g02.md"]
    assert '!!! warning "Superseded"' in pages["evidence/2026-06-02-wrong.md"]
    # Retired things and records after the as-of date are left out.
    assert "gates/ex-g04.md" not in pages
    assert "evidence/2026-07-05-later.md" not in pages
    assert "legacy" not in pages["services/index.md"].split("## Retired")[0]
    # The overdue wave and the open risk show on the home page.
    home = pages["index.md"]
    assert '<span class="rd-status rd-overdue">overdue</span>' in home
    assert "The backup bucket has no object lock" in home
    assert "Health endpoint is slow" not in home
    # Attachments are listed with their digest and linked.
    assert "[files/2026/backup-log.txt](<files/2026/backup-log.txt>)" in pages["evidence/2026-06-25-app-db-backup.md"]


def test_hostile_text_stays_inert_in_markdown() -> None:
    pages = render_case("hostile")
    joined = "\n".join(pages.values())
    # No tag from a record survives as markup: only escaped text or sanitized HTML.
    for tag in ("<script", '<iframe src="https://evil', "<img", "<svg onload", "<details open", "<b>bold"):
        assert tag not in joined, tag
    assert 'href="javascript' not in joined
    assert '<a href="&amp;#106;' not in joined and '<a href="&#106;' not in joined
    assert "[ok](https://ok.example/)" not in joined  # rendered to HTML, not left as Markdown
    assert '<a href="https://ok.example/" rel="noopener noreferrer nofollow">ok</a>' in joined
