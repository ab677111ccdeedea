"""Real-browser tests of the built site: Chromium (via Playwright) against a local HTTP server.

The shipped records are built once (``readiness build --as-of 2026-11-28``) into a
temporary directory and served on 127.0.0.1 with a free port. Debian's Chromium at
/usr/bin/chromium is driven by PyPI Playwright; without either the tests are skipped
loudly, except under CI=true, where they fail.

Screenshots go to ``$READINESS_ARTIFACTS`` (default: tests/artifacts/ in the repository).
"""

from __future__ import annotations

import contextlib
import os
import re
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlencode, urlsplit

import pytest

# Without playwright the `browser` fixture (conftest) skips, or fails under CI, and says why.
with contextlib.suppress(ImportError):
    from playwright.sync_api import (
        Browser,
        BrowserContext,
        ConsoleMessage,
        Locator,
        Page,
        Request,
        Response,
        ViewportSize,
        expect,
    )

from tests.webserver import serve_directory

REPO = Path(__file__).resolve().parent.parent
AS_OF = "2026-11-28"
VIEWPORT: ViewportSize = {"width": 1280, "height": 900}  # wide enough for Material's top tabs and header search box
PHONE: ViewportSize = {"width": 390, "height": 844}

# Every attribute named on* is an inline event handler; these may carry a javascript: URL.
UNSAFE_MARKUP_JS = """
() => {
  const found = [];
  for (const el of document.querySelectorAll("*")) {
    for (const attr of el.attributes) {
      const name = attr.name.toLowerCase();
      const value = attr.value.trim().toLowerCase();
      if (name.startsWith("on")) found.push(`<${el.tagName.toLowerCase()} ${attr.name}="${attr.value}">`);
      else if (["href", "xlink:href", "src", "action", "formaction"].includes(name) && value.startsWith("javascript:"))
        found.push(`<${el.tagName.toLowerCase()} ${attr.name}="${attr.value}">`);
    }
  }
  return found;
}
"""

# The first opaque background from the element up: what the reader actually sees behind the text.
BACKGROUND_JS = """
(selector) => {
  let el = document.querySelector(selector);
  while (el) {
    const colour = getComputedStyle(el).backgroundColor;
    const m = colour.match(/rgba?\\(([^)]+)\\)/);
    if (m) {
      const parts = m[1].split(",").map((p) => parseFloat(p));
      if (parts.length < 4 || parts[3] > 0) return colour;
    }
    el = el.parentElement;
  }
  return "rgb(255, 255, 255)";
}
"""


@pytest.fixture(scope="module")
def site_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The shipped records, built once with the real CLI."""
    target = tmp_path_factory.mktemp("browser") / "site"
    env = {k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH"}
    proc = subprocess.run(
        [sys.executable, "-m", "generator", "build", "--as-of", AS_OF, "--site-dir", str(target)],
        capture_output=True,
        text=True,
        cwd=REPO,
        env=env,
        check=False,
    )
    assert proc.returncode == 0, f"build failed ({proc.returncode}):\n{proc.stdout}\n{proc.stderr}"
    assert f"into {target}" in proc.stdout, proc.stdout
    assert (target / "index.html").is_file()
    return target


@pytest.fixture(scope="module")
def base_url(site_dir: Path) -> Iterator[str]:
    """Serve the built site on 127.0.0.1 with a free port; yields 'http://127.0.0.1:PORT/'."""
    with serve_directory(site_dir) as url:
        yield url


@dataclass
class Tracker:
    """What one page did: console errors, uncaught exceptions, every request, failed loads.

    Requests to anywhere but the test server are recorded and then aborted.
    """

    base: str
    errors: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)

    def attach(self, page: Page) -> None:
        page.on("console", self._console)
        page.on("pageerror", lambda exc: self.errors.append(f"{page.url}: uncaught {exc}"))
        page.on("request", lambda request: self.requests.append(request.url))
        page.on("requestfailed", self._failed)
        page.on("response", self._response)
        # Recorded above, then refused: a test run never reaches the internet.
        page.route(self._is_foreign, lambda route: route.abort("blockedbyclient"))

    def _is_foreign(self, url: str) -> bool:
        return not (url.startswith(self.base) or url.startswith("data:"))

    def _console(self, message: ConsoleMessage) -> None:
        if message.type == "error":
            location = message.location.get("url", "")
            self.errors.append(f"{location}: {message.text}")

    def _failed(self, request: Request) -> None:
        # ERR_ABORTED: the page navigated away while this load was in flight (e.g. Material's
        # search worker on a quick crawl); not a broken resource.
        if request.failure != "net::ERR_ABORTED":
            self.failures.append(f"{request.url}: {request.failure}")

    def _response(self, response: Response) -> None:
        if response.status >= 400:
            self.failures.append(f"{response.url}: HTTP {response.status}")

    def foreign(self) -> list[str]:
        return [url for url in self.requests if self._is_foreign(url)]

    def assert_clean(self) -> None:
        assert not self.errors, "console errors:\n" + "\n".join(self.errors)
        assert not self.failures, "failed loads:\n" + "\n".join(self.failures)
        assert not self.foreign(), "requests to other origins:\n" + "\n".join(self.foreign())


@dataclass
class Tab:
    page: Page
    tracker: Tracker


Scheme = Literal["light", "dark"]
OpenTab = Callable[..., Tab]


@pytest.fixture
def open_tab(browser: Browser, base_url: str) -> Iterator[OpenTab]:
    """Factory: a fresh context (own storage, so no remembered palette) and a tracked page."""
    contexts: list[BrowserContext] = []

    def make(color_scheme: Scheme = "light", viewport: ViewportSize = VIEWPORT) -> Tab:
        context = browser.new_context(color_scheme=color_scheme, viewport=viewport)
        contexts.append(context)
        page = context.new_page()
        tracker = Tracker(base_url)
        tracker.attach(page)
        return Tab(page, tracker)

    yield make
    for context in contexts:
        context.close()


def unsafe_markup(page: Page) -> list[str]:
    found: list[str] = page.evaluate(UNSAFE_MARKUP_JS)
    return found


def heading(page: Page) -> Locator:
    return page.locator("article h1")


def content(page: Page) -> Locator:
    return page.locator("article")


def luminance(colour: str) -> float:
    """WCAG relative luminance of a CSS 'rgb(...)'/'rgba(...)' colour."""
    match = re.fullmatch(r"rgba?\(([^)]+)\)", colour.strip())
    assert match, f"unexpected colour {colour!r}"
    r, g, b = (float(part) / 255 for part in match.group(1).split(",")[:3])

    def channel(c: float) -> float:
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def artifacts_dir() -> Path:
    configured = os.environ.get("READINESS_ARTIFACTS")
    path = Path(configured) if configured else REPO / "tests" / "artifacts"
    path.mkdir(parents=True, exist_ok=True)
    return path


def site_pages(site_dir: Path) -> list[str]:
    """Every built page of the site's theme as a path relative to the site root ('' for home, 'gates/' ...).

    Widget cards (embed/) have no site chrome; they are checked by tests/test_api.py.
    """
    pages = []
    for index in sorted(site_dir.rglob("index.html")):
        rel = index.parent.relative_to(site_dir).as_posix()
        if rel.startswith("embed/"):
            continue
        pages.append("" if rel == "." else rel + "/")
    return pages


# ---------------------------------------------------------------------------------------------
# 1. Navigation by clicking


def test_navigation_by_clicking_home_gate_service_wave_owner(open_tab: OpenTab, base_url: str) -> None:
    tab = open_tab()
    page = tab.page
    visited_unsafe: dict[str, list[str]] = {}

    def arrive(path: str, title: str) -> None:
        expect(page).to_have_url(base_url + path)
        assert urlsplit(page.url).path == "/" + path
        expect(heading(page)).to_have_text(re.compile("^" + re.escape(title)))
        found = unsafe_markup(page)
        if found:
            visited_unsafe[path] = found

    page.goto(base_url)  # the only direct navigation
    arrive("", "Readiness handoff")

    content(page).get_by_role("link", name="all gates", exact=True).click()
    arrive("gates/", "Gates")

    content(page).get_by_role("link", name="OPS-G02", exact=True).click()
    arrive("gates/ops-g02/", "OPS-G02: Service catalog exists")

    content(page).get_by_role("link", name="service:gitea", exact=True).first.click()
    arrive("services/gitea/", "Gitea")

    # A service page names no wave: take the site's top tab, then pick a wave.
    page.locator(".md-tabs").get_by_role("link", name="Waves", exact=True).click()
    arrive("waves/", "Waves")

    content(page).get_by_role("link", name="wave-1-registry-proof", exact=True).click()
    arrive("waves/wave-1-registry-proof/", "wave-1-registry-proof: Prove current Gitea registry publishing")

    content(page).get_by_role("link", name="OPS-G05", exact=True).click()
    arrive("gates/ops-g05/", "OPS-G05: Container registry publishing is proven")

    content(page).get_by_role("link", name="railiance-apps", exact=True).first.click()
    arrive("owners/railiance-apps/", "Owner railiance-apps")

    assert not visited_unsafe, f"inline handlers or javascript: URLs: {visited_unsafe}"
    tab.tracker.assert_clean()


# ---------------------------------------------------------------------------------------------
# 2. Search


def test_search_finds_gate_by_title(open_tab: OpenTab, base_url: str) -> None:
    tab = open_tab()
    page = tab.page
    page.goto(base_url)
    box = page.locator("input.md-search__input")
    box.click()
    box.press_sequentially("Container registry publishing")

    links = page.locator(".md-search-result__list a.md-search-result__link")
    expect(links.first).to_be_visible()
    targets = [urlsplit(href).path for href in links.evaluate_all("(as) => as.map((a) => a.href)")]
    assert "/gates/ops-g05/" in targets, f"no search result links gates/ops-g05/: {targets}"

    # And the result really leads there (Material adds ?h=<terms> for search.highlight).
    links.nth(targets.index("/gates/ops-g05/")).click()
    expect(page).to_have_url(re.compile(re.escape(base_url + "gates/ops-g05/") + r"(\?h=[^#]*)?(#.*)?$"))
    expect(heading(page)).to_have_text(re.compile("^OPS-G05: Container registry publishing"))
    tab.tracker.assert_clean()


# ---------------------------------------------------------------------------------------------
# 3, 4, 8. Every built page: no console errors, no foreign requests, no inline handlers


@dataclass
class Crawl:
    pages: list[str]
    unsafe: dict[str, list[str]]
    tracker: Tracker


@pytest.fixture(scope="module")
def crawl(browser: Browser, base_url: str, site_dir: Path) -> Iterator[Crawl]:
    """Load every built page once in light mode, recording what each did."""
    context = browser.new_context(color_scheme="light", viewport=VIEWPORT)
    page = context.new_page()
    tracker = Tracker(base_url)
    tracker.attach(page)
    pages = site_pages(site_dir)
    unsafe: dict[str, list[str]] = {}
    for rel in pages:
        response = page.goto(base_url + rel, wait_until="load")
        assert response is not None and response.ok, f"{rel}: {response and response.status}"
        expect(heading(page)).to_have_count(1)
        found = unsafe_markup(page)
        if found:
            unsafe[rel] = found
    try:
        yield Crawl(pages, unsafe, tracker)
    finally:
        context.close()


def test_every_page_loads_without_console_errors(crawl: Crawl) -> None:
    assert len(crawl.pages) > 40, crawl.pages
    assert not crawl.tracker.errors, "console errors:\n" + "\n".join(crawl.tracker.errors)
    assert not crawl.tracker.failures, "failed loads:\n" + "\n".join(crawl.tracker.failures)


def test_every_request_goes_to_the_local_server(crawl: Crawl, base_url: str) -> None:
    assert crawl.tracker.requests, "no requests recorded"
    assert any(url.endswith("/assets/readiness/readiness.js") for url in crawl.tracker.requests)
    foreign = crawl.tracker.foreign()
    assert not foreign, f"requests to origins other than {base_url}:\n" + "\n".join(sorted(set(foreign)))


def test_no_inline_event_handlers_or_javascript_urls(crawl: Crawl) -> None:
    assert not crawl.unsafe, "\n".join(f"{rel or '/'}: {found}" for rel, found in crawl.unsafe.items())


# ---------------------------------------------------------------------------------------------
# 5. Screenshots of every page type: light, dark and phone (390 by 844, light)


@pytest.mark.parametrize("variant", ["light", "dark", "phone"])
def test_screenshots_and_colour_scheme(open_tab: OpenTab, base_url: str, variant: str) -> None:
    """Writes <page type>-<variant>.png for each page type (``make screenshots`` copies home-light.png to the README)."""
    scheme: Scheme = "dark" if variant == "dark" else "light"
    tab = open_tab(scheme, PHONE if variant == "phone" else VIEWPORT)
    page = tab.page
    out = artifacts_dir()
    material = "slate" if scheme == "dark" else "default"
    for name, rel in PAGE_TYPES.items():
        if name.endswith(" card"):
            continue  # widget cards have no site chrome: tests/test_api.py and the 360 by 200 test below
        page.goto(base_url + rel)
        expect(heading(page)).to_have_count(1)
        expect(page.locator("body")).to_have_attribute("data-md-color-scheme", material)

        for selector in ("body", ".md-main"):
            colour: str = page.evaluate(BACKGROUND_JS, selector)
            lum = luminance(colour)
            if scheme == "dark":
                assert lum < 0.2, f"{rel or '/'} {selector} background {colour} is not dark (luminance {lum:.2f})"
            else:
                assert lum > 0.8, f"{rel or '/'} {selector} background {colour} is not light (luminance {lum:.2f})"

        path = out / f"{name.replace(' ', '-')}-{variant}.png"
        path.unlink(missing_ok=True)
        page.screenshot(path=str(path), full_page=True, animations="disabled")
        assert path.is_file()
        assert path.read_bytes()[:4] == b"\x89PNG", f"{path} is not a PNG"
    tab.tracker.assert_clean()


# ---------------------------------------------------------------------------------------------
# 6. Sortable gates table


def test_gates_table_sorts_by_status(open_tab: OpenTab, base_url: str) -> None:
    tab = open_tab()
    page = tab.page
    page.goto(base_url + "gates/")
    table = content(page).locator("table").first
    headers = [text.strip() for text in table.locator("thead th").all_inner_texts()]
    column = headers.index("Status") + 1
    status_cells = table.locator(f"tbody tr td:nth-child({column}) .rd-status")
    ids = table.locator("tbody tr td:nth-child(1)")

    before = status_cells.all_inner_texts()
    before_ids = ids.all_inner_texts()
    assert len(before) == table.locator("tbody tr").count() > 1
    assert len(set(before)) > 1, f"all gates share one status, the sort proves nothing: {before}"

    header = table.locator("thead th").nth(column - 1)
    header.click()
    expect(header).to_have_attribute("aria-sort", "ascending")
    ascending = status_cells.all_inner_texts()
    assert ascending == sorted(before), ascending
    assert sorted(ids.all_inner_texts()) == sorted(before_ids)  # the same rows, reordered

    header.click()
    expect(header).to_have_attribute("aria-sort", "descending")
    descending = status_cells.all_inner_texts()
    assert descending == sorted(before, reverse=True), descending
    tab.tracker.assert_clean()


# ---------------------------------------------------------------------------------------------
# ---------------------------------------------------------------------------------------------
# 9. A former id's URL redirects in the browser


def test_alias_redirect_works_in_the_browser(browser: Browser, tmp_path: Path) -> None:
    import shutil

    import yaml

    from tests.conftest import write_files
    from tests.golden_cases import GOLDEN

    case = yaml.safe_load((GOLDEN / "basic.yaml").read_text(encoding="utf-8"))
    root = write_files(tmp_path / "repo", case["files"])
    shutil.copy2(REPO / "mkdocs.yml", root / "mkdocs.yml")
    shutil.copytree(REPO / "docs", root / "docs")
    proc = subprocess.run(
        [sys.executable, "-m", "generator", "--root", str(root), "build", "--as-of", case["as_of"]],
        capture_output=True,
        text=True,
        cwd=REPO,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    with serve_directory(root / "site") as base:
        page = browser.new_page()
        # "applications" is a former id of the repo "apps".
        page.goto(base + "owners/applications/")
        expect(page).to_have_url(base + "owners/apps/")
        expect(page.locator("article h1")).to_have_text(re.compile("^Owner apps"))
        page.close()


# ---------------------------------------------------------------------------------------------
# 8. Accessibility: axe-core (the npm package, installed by .ci/run into tests/axe/) on every page type

AXE = REPO / "tests" / "axe" / "node_modules" / "axe-core" / "axe.min.js"
PAGE_TYPES = {
    "home": "",
    "gates": "gates/",
    "gate": "gates/ops-g06/",
    "waves": "waves/",
    "wave": "waves/wave-1-registry-proof/",
    "services": "services/",
    "service": "services/gitea/",
    "environments": "environments/",
    "environment": "environments/coulombcore/",
    "owners": "owners/",
    "owner": "owners/railiance-platform/",
    "evidence index": "evidence/",
    "evidence record": "evidence/2026-06-14-seed-status/",
    "risks": "risks/",
    "history": "history/",
    "guide": "guide/statuses/",
    "gate card": "embed/gates/ops-g06/",
    "wave card": "embed/waves/wave-1-registry-proof/",
    "evidence index, filtered": "evidence/?gate=OPS-G15&text=gate",
}
"""One page of each type the site has, on the shipped data."""


@pytest.fixture(scope="module")
def axe_source() -> str:
    if not AXE.is_file():
        reason = f"axe-core is not installed ({AXE}): run `npm ci --prefix tests/axe` (.ci/run does)"
        if os.environ.get("CI") == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    return AXE.read_text(encoding="utf-8")


def axe_violations(page: Page, axe: str) -> list[str]:
    """Serious and critical axe-core violations of the page (every rule: WCAG 2.x A and AA, and best practices)."""
    page.add_script_tag(content=axe)
    result = page.evaluate(
        """async () => {
          const r = await axe.run(document);
          return r.violations.filter(v => v.impact === "serious" || v.impact === "critical").map(v =>
            `${v.id} (${v.impact}): ${v.help}; ${v.nodes.length} node(s), e.g. ${v.nodes[0].target.join(" ")}`);
        }"""
    )
    return list(result)


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_no_serious_accessibility_violations(open_tab: OpenTab, base_url: str, axe_source: str, scheme: Scheme) -> None:
    tab = open_tab(scheme)
    found = {}
    for name, rel in PAGE_TYPES.items():
        tab.page.goto(base_url + rel, wait_until="networkidle")  # a filtered index has loaded its rows
        violations = axe_violations(tab.page, axe_source)
        if violations:
            found[f"{name} ({rel or '/'})"] = violations
    assert not found, "\n".join(f"{page}:\n  " + "\n  ".join(v) for page, v in found.items())


@pytest.mark.parametrize("card", ["embed/gates/ops-g14/", "embed/gates/ops-g06/", "embed/waves/wave-1-registry-proof/"])
def test_a_card_fits_a_360_by_200_frame(browser: Browser, base_url: str, card: str) -> None:
    context = browser.new_context(viewport={"width": 360, "height": 200})
    try:
        page = context.new_page()
        page.goto(base_url + card)
        link = page.locator("h1 a")
        box = link.bounding_box()
        assert box is not None and box["y"] >= 0 and box["y"] + box["height"] <= 200, box
        assert box["x"] >= 0 and box["x"] < 360, box
        for selector in (".facts", ".more"):
            part = page.locator(selector).bounding_box()
            assert part is not None and part["y"] + part["height"] <= 200, (selector, part)
        overflow = page.evaluate("() => [document.documentElement.scrollWidth, document.documentElement.scrollHeight]")
        assert overflow == [360, 200], overflow
    finally:
        context.close()


def test_gate_and_wave_pages_offer_snippets_with_this_sites_address(open_tab: OpenTab, base_url: str) -> None:
    tab = open_tab()
    page = tab.page
    for rel, section, ident in [
        ("gates/ops-g06/", "gates", "ops-g06"),
        ("waves/wave-0-catalog/", "waves", "wave-0-catalog"),
    ]:
        page.goto(base_url + rel)
        codes = [text.strip() for text in page.locator(".rd-snippets code").all_inner_texts()]
        label = "OPS-G06" if section == "gates" else ident
        assert codes == [
            f"![{label} status]({base_url}badges/{section}/{ident}.svg)",
            f'<iframe src="{base_url}embed/{section}/{ident}/" width="360" height="200" title="{label} readiness" '
            'loading="lazy"></iframe>',
            f"{base_url}api/v1/{section}/{ident}.json",
        ], codes
    tab.tracker.assert_clean()


# ---------------------------------------------------------------------------------------------
# 10. Layout and phone (issue #13): facts on lines of their own, the status on a phone's screen,
# the section's tab on detail pages, a chart legend readable on a phone

# What is left of an element on the screen: the viewport, cut by every ancestor that clips
# (Material scrolls a wide table sideways inside .md-typeset__scrollwrap).
SHOWN_JS = """
(el) => {
  const box = el.getBoundingClientRect();
  let left = 0, right = window.innerWidth;
  for (let a = el.parentElement; a; a = a.parentElement) {
    if (getComputedStyle(a).overflowX !== "visible") {
      const clip = a.getBoundingClientRect();
      left = Math.max(left, clip.left);
      right = Math.min(right, clip.right);
    }
  }
  return { left: box.left, right: box.right, clipLeft: left, clipRight: right };
}
"""

# The height of the text of an element's last text node as laid out (not of its box).
TEXT_HEIGHT_JS = """
(el) => {
  const nodes = [...el.childNodes].filter((n) => n.nodeType === Node.TEXT_NODE && n.textContent.trim());
  const range = document.createRange();
  range.selectNodeContents(nodes[nodes.length - 1]);
  return [range.getBoundingClientRect().height, parseFloat(getComputedStyle(el).fontSize)];
}
"""


@pytest.mark.parametrize("rel", ["", "gates/", "waves/wave-1-registry-proof/"])
def test_a_phone_shows_the_status_of_the_first_row(open_tab: OpenTab, base_url: str, rel: str) -> None:
    tab = open_tab("light", PHONE)
    page = tab.page
    page.goto(base_url + rel)
    table = content(page).locator("table").first
    headers = [text.strip() for text in table.locator("thead th").all_inner_texts()]
    cell = table.locator("tbody tr").first.locator("td").nth(headers.index("Status"))
    expect(cell.locator(".rd-status")).to_be_visible()
    shown = cell.evaluate(SHOWN_JS)
    assert shown["clipLeft"] <= shown["left"] and shown["right"] <= shown["clipRight"] <= PHONE["width"], (
        f"{rel or '/'}: the status of the first row is off the screen: {shown} ({headers})"
    )
    # The page itself never scrolls sideways: only a wide table does, inside its box.
    assert page.evaluate("() => document.documentElement.scrollWidth") == PHONE["width"]
    tab.tracker.assert_clean()


@pytest.mark.parametrize(
    ("rel", "section"),
    [
        ("gates/ops-g06/", "Gates"),
        ("waves/wave-1-registry-proof/", "Waves"),
        ("services/gitea/", "Services"),
        ("environments/coulombcore/", "Environments"),
        ("owners/railiance-platform/", "Owners"),
        ("evidence/2026-06-14-seed-status/", "Evidence"),
    ],
)
def test_a_detail_page_highlights_its_section(open_tab: OpenTab, base_url: str, rel: str, section: str) -> None:
    tab = open_tab()
    page = tab.page
    page.goto(base_url + rel)
    active = page.locator(".md-tabs__item--active")
    expect(active).to_have_count(1)
    expect(active).to_have_text(section)
    link = active.locator(".md-tabs__link")
    assert "underline" in link.evaluate("(a) => getComputedStyle(a).textDecorationLine")

    # On a phone the tabs give way to the drawer: the section is marked there.
    phone = open_tab("light", PHONE).page
    phone.goto(base_url + rel)
    phone.locator("label.md-header__button[for='__drawer']").click()
    marked = phone.locator(".md-nav--primary .md-nav__item--active > .md-nav__link")
    expect(marked).to_have_count(1)
    expect(marked).to_be_visible()
    expect(marked).to_have_text(section)
    tab.tracker.assert_clean()


@pytest.mark.parametrize("rel", ["", "history/"])
def test_a_chart_legend_is_readable_on_a_phone(open_tab: OpenTab, base_url: str, rel: str) -> None:
    tab = open_tab("light", PHONE)
    page = tab.page
    page.goto(base_url + rel)
    entries = content(page).locator(".rd-chart-legend li")
    expect(entries).to_have_count(4)
    assert [text.split()[-1] for text in entries.all_inner_texts()] == ["ready", "partial", "blocked", "unknown"]
    for i in range(4):
        height, font_size = entries.nth(i).evaluate(TEXT_HEIGHT_JS)
        assert height >= 12 and font_size >= 12, (
            f"{rel or '/'} legend entry {i}: {height:.1f} px high, {font_size} px font"
        )
        entries.nth(i).scroll_into_view_if_needed()
        expect(entries.nth(i)).to_be_in_viewport(ratio=1)
    tab.tracker.assert_clean()


@pytest.fixture(scope="module")
def golden_base_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The golden case "basic" built with the repository's mkdocs.yml and guide, served: it has what the shipped
    records lack (a gate's own freshness window, a store's backup, an owner's repository and contacts)."""
    import shutil

    import yaml

    from tests.conftest import write_files
    from tests.golden_cases import GOLDEN

    case = yaml.safe_load((GOLDEN / "basic.yaml").read_text(encoding="utf-8"))
    root = write_files(tmp_path_factory.mktemp("golden") / "repo", case["files"])
    shutil.copy2(REPO / "mkdocs.yml", root / "mkdocs.yml")
    shutil.copytree(REPO / "docs", root / "docs")
    proc = subprocess.run(
        [sys.executable, "-m", "generator", "--root", str(root), "build", "--as-of", case["as_of"]],
        capture_output=True,
        text=True,
        cwd=REPO,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    with serve_directory(root / "site") as url:
        yield url


@pytest.mark.parametrize(
    ("rel", "scope", "facts"),
    [
        ("gates/ex-g01/", "article", ["Owners:", "Assessments count as ready for:"]),
        ("gates/ex-g03/", "article", ["Owners:", "Service-specific gate for:"]),
        ("waves/wave-2/", "article", ["Decision:", "Progress:", "Target:", "Services moving in this wave:"]),
        ("owners/platform/", "article", ["Repository:", "Contacts:"]),
        ("owners/platform/", "article", ["Services:", "Backups of stores:", "Environments:"]),
        (
            "services/app/",
            "#store-app-db ~ ul",  # the first list after the store's heading
            ["Kind:", "Backup location:", "Backup schedule:", "Backup retention:", "Backup owner:"],
        ),
        ("services/app/", "#store-app-files ~ ul", ["Kind:", "Backup:"]),
    ],
)
def test_each_fact_is_on_a_line_of_its_own(
    browser: Browser, golden_base_url: str, rel: str, scope: str, facts: list[str]
) -> None:
    from itertools import pairwise

    context = browser.new_context(viewport=VIEWPORT)
    try:
        page = context.new_page()
        page.goto(golden_base_url + rel)
        boxes = []
        for fact in facts:
            element = page.locator(scope).first.locator("li").filter(has_text=re.compile("^" + re.escape(fact)))
            expect(element).to_have_count(1)
            box = element.first.bounding_box()
            assert box is not None, fact
            boxes.append((fact, box))
        for (above, upper), (below, lower) in pairwise(boxes):
            assert lower["y"] >= upper["y"] + upper["height"] - 1, f"{rel}: {below!r} is not below {above!r}"
    finally:
        context.close()


# ---------------------------------------------------------------------------------------------
# 11. The evidence index: every cell links, filters kept in the URL, small pages at scale; search finds ids first

EVIDENCE_COLUMNS = ["Observed", "Record", "Summary", "Kind", "Result", "About", "Gates", "Owners"]
LINKED_COLUMNS = ("Record", "About", "Gates", "Owners")
"""The cells that name records, entities, gates and owners: each name is a link."""


def site_records(root: Path) -> Any:
    """The site model's records, as the build computes them (no history: not needed here)."""
    from generator.asof import parse_as_of
    from generator.pipeline import build_model
    from generator.site.model import build_model as site_model

    model = build_model(root, parse_as_of(AS_OF), history=False)
    return site_model(model.catalog, model.derived).records


def evidence_rows(table: Locator) -> list[dict[str, str]]:
    """Each row of an evidence table as column -> the cell's text."""
    headers = [text.strip() for text in table.locator("thead th").all_inner_texts()]
    assert headers == EVIDENCE_COLUMNS, headers
    rows = table.locator("tbody tr")
    return [
        dict(zip(headers, [t.strip() for t in rows.nth(i).locator("td").all_inner_texts()], strict=True))
        for i in range(rows.count())
    ]


def record_ids(rows: list[dict[str, str]]) -> list[str]:
    """The records of the rows, by id (a superseded one's cell says so after its id)."""
    return [row["Record"].removesuffix(" (superseded)") for row in rows]


def names(cell: str) -> list[str]:
    """The names a cell lists (``OPS-G05 (ready), OPS-G06`` -> ``OPS-G05``, ``OPS-G06``)."""
    return [part.split(" (")[0] for part in cell.split(", ") if part]


def without_page(records: Any) -> set[str]:
    """The gates and entities a record may name that have no page (retired gates and waves): shown as text."""
    choices = records.choices
    return {link.text for link in choices.gates + choices.entities if link.target is None}


def assert_cells_link(page: Page, table: Locator, base_url: str, unlinked: frozenset[str] = frozenset()) -> int:
    """Every record, entity, gate and owner a cell names is a link to a page of the site, with that name
    (except the names in ``unlinked``, which have no page)."""
    headers = [text.strip() for text in table.locator("thead th").all_inner_texts()]
    rows = table.locator("tbody tr")
    sections = {"Record": "/evidence/", "About": "/", "Gates": "/gates/", "Owners": "/owners/"}
    checked = 0
    for i in range(rows.count()):
        for column in LINKED_COLUMNS:
            cell = rows.nth(i).locator("td").nth(headers.index(column))
            links = cell.locator("a")
            named = [name for name in names(cell.inner_text().strip()) if name not in unlinked]
            assert links.all_inner_texts() == named, (column, cell.inner_text())
            for href in links.evaluate_all("(as) => as.map((a) => a.href)"):
                assert href.startswith(base_url) and urlsplit(href).path.startswith(sections[column]), (column, href)
                checked += 1
    return checked


def found_table(page: Page) -> Locator:
    return content(page).locator(".rd-evidence-found table")


def static_table(page: Page) -> Locator:
    return content(page).locator(".rd-evidence-pages table")


def filter_control(page: Page, name: str) -> Locator:
    return content(page).locator(f"form.rd-evidence-filter [name={name}]")


def test_evidence_index_links_every_record_entity_gate_and_owner(open_tab: OpenTab, base_url: str) -> None:
    tab = open_tab()
    page = tab.page
    page.goto(base_url + "evidence/")
    table = static_table(page)
    rows = evidence_rows(table)
    assert {row["Record"] for row in rows} == {"2026-06-14-seed-status", "2026-06-14-interhub-bootstrap-probe"}
    assert assert_cells_link(page, table, base_url) > 10
    probe = next(row for row in rows if row["Record"] == "2026-06-14-interhub-bootstrap-probe")
    assert (probe["About"], probe["Gates"]) == ("service:inter-hub", "OPS-G15 (partial)")

    # The links lead where they say.
    row = table.locator("tbody tr").filter(has_text="2026-06-14-interhub-bootstrap-probe")
    row.get_by_role("link", name="service:inter-hub", exact=True).click()
    expect(page).to_have_url(base_url + "services/inter-hub/")
    expect(heading(page)).to_have_text(re.compile("^Inter-Hub"))
    page.go_back()
    row.get_by_role("link", name="OPS-G15", exact=True).click()
    expect(page).to_have_url(base_url + "gates/ops-g15/")
    page.go_back()
    owner = names(probe["Owners"])[0]
    row.get_by_role("link", name=owner, exact=True).click()
    expect(page).to_have_url(base_url + f"owners/{owner}/")
    expect(heading(page)).to_have_text(re.compile(f"^Owner {re.escape(owner)}"))
    tab.tracker.assert_clean()


def test_evidence_filter_by_gate_is_kept_in_the_url(open_tab: OpenTab, base_url: str) -> None:
    records = site_records(REPO)
    tab = open_tab()
    page = tab.page
    page.goto(base_url + "evidence/")
    gate = filter_control(page, "gate")
    expect(gate).to_be_visible()
    # Every gate a record assesses or whose checks used it, and nothing else.
    assert gate.locator("option").all_inner_texts() == ["all", *sorted(records.by_gate)]
    every = evidence_rows(static_table(page))
    assert len(every) == 2

    gate.select_option("OPS-G01")
    expect(page).to_have_url(base_url + "evidence/?gate=OPS-G01")
    expect(content(page).locator(".rd-evidence-status")).to_have_text("1 record matches.")
    expect(static_table(page)).to_be_hidden()
    shown = evidence_rows(found_table(page))
    assert shown == [row for row in every if "OPS-G01" in names(row["Gates"])], shown
    assert_cells_link(page, found_table(page), base_url)

    page.reload()
    expect(filter_control(page, "gate")).to_have_value("OPS-G01")
    expect(found_table(page).locator("tbody tr")).to_have_count(1)
    assert evidence_rows(found_table(page)) == shown

    page.go_back()  # before the filter: the page's own table again
    expect(page).to_have_url(base_url + "evidence/")
    expect(filter_control(page, "gate")).to_have_value("")
    expect(static_table(page)).to_be_visible()
    expect(found_table(page)).to_have_count(0)
    page.go_forward()
    expect(page).to_have_url(base_url + "evidence/?gate=OPS-G01")
    expect(filter_control(page, "gate")).to_have_value("OPS-G01")
    expect(found_table(page).locator("tbody tr")).to_have_count(1)

    content(page).get_by_role("button", name="Clear filters").click()
    expect(page).to_have_url(base_url + "evidence/")
    expect(static_table(page).locator("tbody tr")).to_have_count(2)
    tab.tracker.assert_clean()


def test_evidence_text_entity_owner_kind_and_result_filters(open_tab: OpenTab, base_url: str) -> None:
    tab = open_tab()
    page = tab.page
    page.goto(base_url + "evidence/")
    every = evidence_rows(static_table(page))

    filter_control(page, "text").press_sequentially("Bootstrap gate")
    expect(page).to_have_url(base_url + "evidence/?text=Bootstrap+gate")
    expect(found_table(page).locator("tbody tr")).to_have_count(1)
    assert [row["Record"] for row in evidence_rows(found_table(page))] == ["2026-06-14-interhub-bootstrap-probe"]
    page.go_back()  # what was typed in one go is one step back
    expect(page).to_have_url(base_url + "evidence/")
    expect(filter_control(page, "text")).to_have_value("")

    filter_control(page, "text").fill("no record says this")
    expect(content(page).locator(".rd-evidence-status")).to_have_text("No record matches the filters.")
    filter_control(page, "text").fill("")
    expect(static_table(page)).to_be_visible()

    # The Entity field suggests what records are about, as it is typed.
    filter_control(page, "entity").press_sequentially("INTER")
    suggestions = content(page).locator("#rd-evidence-entities option")
    expect(suggestions).to_have_count(1)
    expect(suggestions).to_have_attribute("value", "service:inter-hub")
    expect(content(page).locator(".rd-evidence-status")).to_have_text("No record matches the filters.")
    filter_control(page, "entity").fill("")
    expect(static_table(page)).to_be_visible()

    for name, value, expected in [
        ("entity", "service:inter-hub", [r for r in every if "service:inter-hub" in names(r["About"])]),
        ("entity", "inter-hub", [r for r in every if "service:inter-hub" in names(r["About"])]),
        ("owner", "ops-hub", [r for r in every if "ops-hub" in names(r["Owners"])]),
        ("kind", "assessment", [r for r in every if r["Kind"] == "assessment"]),
        ("result", "fail", [r for r in every if r["Result"] == "fail"]),
    ]:
        assert expected, (name, value)
        control = filter_control(page, name)
        if name == "entity":
            control.fill(value)
        else:
            control.select_option(value)
        expect(page).to_have_url(base_url + "evidence/?" + urlencode({name: value}))
        expect(found_table(page).locator("tbody tr")).to_have_count(len(expected))
        assert evidence_rows(found_table(page)) == expected, (name, value)
        content(page).get_by_role("button", name="Clear filters").click()
        expect(static_table(page)).to_be_visible()
    tab.tracker.assert_clean()


@pytest.mark.parametrize(
    ("query", "target"),
    [
        ("gitea", "/services/gitea/"),
        ("inter-hub", "/services/inter-hub/"),
        ("state-hub", "/services/state-hub/"),
        ("coulombcore", "/environments/coulombcore/"),
        ("2026-06-14-seed-status", "/evidence/2026-06-14-seed-status/"),
        ("2026-06-14-interhub-bootstrap-probe", "/evidence/2026-06-14-interhub-bootstrap-probe/"),
    ],
)
def test_search_finds_the_page_of_an_id_first(open_tab: OpenTab, base_url: str, query: str, target: str) -> None:
    tab = open_tab()
    page = tab.page
    page.goto(base_url)
    box = page.locator("input.md-search__input")
    box.click()
    expect(page.locator(".md-search-result__meta")).to_have_text("Type to start searching")  # the index is ready
    # The whole id at once, then a key that changes nothing: Material searches on the key, for the full text
    # only (no result list of a partial id to mistake for the answer).
    box.fill(query)
    box.press("End")
    first = page.locator(".md-search-result__list a.md-search-result__link").first
    link = re.compile("^" + re.escape(base_url + target.lstrip("/")) + r"(\?h=[^#]*)?$")
    expect(first).to_have_attribute("href", link)
    first.click()
    expect(page).to_have_url(link)
    tab.tracker.assert_clean()


# The medium synthetic catalog (bench/synthetic.py: 1,000 records, 100 services, 20 gates), built once.

PAGE_BYTES = 150_000
PAGE_NODES = 3_000
COUNT_NODES = "document.getElementsByTagName('*').length"


@dataclass
class Medium:
    root: Path
    site: Path
    base: str
    records: Any


@pytest.fixture(scope="module")
def medium(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Medium]:
    import shutil

    from bench.synthetic import write_catalog

    root = tmp_path_factory.mktemp("medium") / "repo"
    write_catalog(root, "medium")
    shutil.copy2(REPO / "mkdocs.yml", root / "mkdocs.yml")
    shutil.copytree(REPO / "docs", root / "docs")
    site = root / "site"
    proc = subprocess.run(
        [sys.executable, "-m", "generator", "--root", str(root), "build", "--as-of", AS_OF, "--site-dir", str(site)],
        capture_output=True,
        text=True,
        cwd=REPO,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    with serve_directory(site) as base:
        yield Medium(root, site, base, site_records(root))


def test_medium_catalog_pages_stay_small(browser: Browser, medium: Medium) -> None:
    """No page of the medium catalog is over 150 KB or 3,000 elements, the evidence index's included."""
    sizes = {p.relative_to(medium.site).as_posix(): p.stat().st_size for p in medium.site.rglob("*.html")}
    over = {path: size for path, size in sizes.items() if size > PAGE_BYTES}
    assert not over, over
    index_pages = sorted(path for path in sizes if path.startswith(("evidence/index.html", "evidence/page/")))
    assert len(index_pages) == 10 == len(medium.records.pages)  # 1,000 records, 100 to a page
    largest = sorted((path for path in sizes if path not in index_pages), key=lambda p: -sizes[p])[:5]
    context = browser.new_context(viewport=VIEWPORT)
    try:
        page = context.new_page()
        nodes = {}
        for path in index_pages + largest:
            page.goto(medium.base + path.removesuffix("index.html"))
            nodes[path] = page.evaluate(COUNT_NODES)
        # A filter that matches more records than a page holds shows a page's worth of rows.
        page.goto(medium.base + "evidence/?kind=note")
        expect(found_table(page).locator("tbody tr")).to_have_count(100)
        nodes["evidence/?kind=note"] = page.evaluate(COUNT_NODES)
    finally:
        context.close()
    assert not {path: n for path, n in nodes.items() if n > PAGE_NODES}, nodes
    assert min(nodes[path] for path in index_pages) > 1_000, nodes  # the count sees every row


def test_medium_evidence_pages_work_without_javascript(browser: Browser, medium: Medium) -> None:
    context = browser.new_context(viewport=VIEWPORT, java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(medium.base + "evidence/")
        expect(content(page).locator("form.rd-evidence-filter")).to_be_hidden()
        expect(static_table(page).locator("tbody tr")).to_have_count(100)
        newest = evidence_rows(static_table(page))
        assert record_ids(newest) == [r.id for r in medium.records.visible[:100]]
        content(page).get_by_role("link", name="Older", exact=True).first.click()
        expect(page).to_have_url(medium.base + "evidence/page/2/")
        expect(heading(page)).to_have_text(re.compile("^Evidence, page 2 of 10"))
        expect(content(page).get_by_text(re.compile(r"page 2 of 10, records 101 to 200"))).to_have_count(2)
        second = evidence_rows(static_table(page))
        assert record_ids(second) == [r.id for r in medium.records.visible[100:200]]
        content(page).get_by_role("link", name="Oldest", exact=True).first.click()
        expect(page).to_have_url(medium.base + "evidence/page/10/")
        assert record_ids(evidence_rows(static_table(page))) == [r.id for r in medium.records.visible[900:]]
        content(page).get_by_role("link", name="Newest", exact=True).first.click()
        expect(page).to_have_url(medium.base + "evidence/")
        assert_cells_link(page, static_table(page), medium.base, frozenset(without_page(medium.records)))
    finally:
        context.close()


def test_medium_filters_offer_every_gate_and_owner(browser: Browser, medium: Medium) -> None:
    """A gate whose checks used a record is offered and finds it, though the record assesses no gate;
    an owner finds the records of the gates and entities it owns."""
    records = medium.records
    used_only = sorted({g.link.text for r in records.visible for g in r.gates if g.assessed is None})
    assert used_only, "the medium catalog has no record that a check used without assessing the gate"
    context = browser.new_context(viewport=VIEWPORT)
    tracker = Tracker(medium.base)
    try:
        page = context.new_page()
        tracker.attach(page)
        page.goto(medium.base + "evidence/page/4/")
        gate = filter_control(page, "gate")
        assert gate.locator("option").all_inner_texts() == ["all", *sorted(records.by_gate)]
        owner = filter_control(page, "owner")
        assert owner.locator("option").all_inner_texts() == ["all", *[o.text for o in records.choices.owners]]

        chosen = used_only[0]
        gate.select_option(chosen)
        expect(page).to_have_url(medium.base + f"evidence/page/4/?gate={chosen}")
        expected = [r for r in records.visible if r.id in records.by_gate[chosen]]
        shown = min(len(expected), 100)
        expect(found_table(page).locator("tbody tr")).to_have_count(shown)
        rows = evidence_rows(found_table(page))
        assert record_ids(rows) == [r.id for r in expected[:shown]]
        assert all(chosen in names(row["Gates"]) for row in rows)
        assert any(f"{chosen} (" not in row["Gates"] for row in rows)  # found through a check, not an assessment
        assert_cells_link(page, found_table(page), medium.base, frozenset(without_page(records)))

        repo = records.choices.owners[0].text
        gate.select_option("")
        owner.select_option(repo)
        expect(page).to_have_url(medium.base + f"evidence/page/4/?owner={repo}")
        matching = [r for r in records.visible if repo in [o.text for o in r.owners]]
        assert len(matching) > 100
        status = content(page).locator(".rd-evidence-status")
        expect(status).to_have_text(f"{len(matching)} records match; the newest 100 are shown.")
        expect(found_table(page).locator("tbody tr")).to_have_count(100)
        rows = evidence_rows(found_table(page))
        assert record_ids(rows) == [r.id for r in matching[:100]]
        assert all(repo in names(row["Owners"]) for row in rows)
        more = min(100, len(matching) - 100)
        content(page).get_by_role("button", name=f"Show {more} more").click()
        expect(found_table(page).locator("tbody tr")).to_have_count(100 + more)
    finally:
        context.close()
    tracker.assert_clean()


@pytest.mark.parametrize("rel", ["evidence/page/2/", "evidence/?owner=repo-01&kind=assessment"])
def test_medium_evidence_pages_are_accessible(browser: Browser, medium: Medium, axe_source: str, rel: str) -> None:
    context = browser.new_context(viewport=VIEWPORT)
    try:
        page = context.new_page()
        page.goto(medium.base + rel, wait_until="networkidle")
        expect(content(page).locator("form.rd-evidence-filter")).to_be_visible()
        violations = axe_violations(page, axe_source)
    finally:
        context.close()
    assert not violations, "\n".join(violations)
