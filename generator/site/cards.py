"""What Inter-Hub widgets embed: status badges, widget cards, and redirects for old ids.

Badges are drawn by anybadge (text widths measured for its fonts) and given an
accessible title; cards are tiny HTML pages without site chrome or scripts;
redirects are plain HTML (meta refresh and a link), so nothing here runs code.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

import anybadge

from ..asof import format_moment
from . import urls
from .model import SiteModel

STATUS_COLOURS = {
    # gates
    "ready": "#2e7d32",
    "partial": "#a15c00",
    "blocked": "#c62828",
    "unknown": "#616161",
    # waves
    "passed": "#2e7d32",
    "in-progress": "#a15c00",
    "not-started": "#616161",
}

_MASK_ID = re.compile(r"anybadge_\d+")


def badge_svg(label: str, status: str, *, overdue: bool = False) -> str:
    """A flat status badge, e.g. ``OPS-G05 | partial``, with a title for screen readers."""
    value = f"{status}, overdue" if overdue else status
    badge = anybadge.Badge(label, value, default_color=STATUS_COLOURS.get(status, "#616161"))
    svg = _MASK_ID.sub("rd-badge", badge.badge_svg_text)
    title = html.escape(f"{label}: {value}", quote=True)
    svg = svg.replace(
        '<svg xmlns="http://www.w3.org/2000/svg"',
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="{title}"',
        1,
    )
    opening_end = svg.index(">", svg.index("<svg")) + 1
    return svg[:opening_end] + f"\n    <title>{title}</title>" + svg[opening_end:]


_CARD_CSS = """
:root { color-scheme: light dark; --fg: #1f2328; --bg: #ffffff; --muted: #59636e; }
@media (prefers-color-scheme: dark) { :root { --fg: #e6edf3; --bg: #0d1117; --muted: #9198a1; } }
html, body { margin: 0; height: 100%; overflow: hidden; }
body { font: 13px/1.35 system-ui, sans-serif; color: var(--fg); background: var(--bg); }
main { box-sizing: border-box; height: 100%; padding: 8px 10px; display: flex; flex-direction: column; gap: 4px; }
.status { display: inline-block; padding: 0 7px; border-radius: 10px; color: #fff; font-weight: 600; font-size: 12px; }
h1 { font-size: 14px; margin: 0; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
h1 a { color: inherit; }
.facts { margin: 0; font-size: 12px; color: var(--muted); overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
ul { margin: 0; padding-left: 16px; color: var(--muted); flex: 1; overflow: hidden; }
li { display: -webkit-box; -webkit-line-clamp: 2; -webkit-box-orient: vertical; overflow: hidden; }
.more { margin: 0; font-size: 11px; color: var(--muted); }
"""


@dataclass(frozen=True, slots=True)
class Widget:
    """What a gate's or wave's badge and card show."""

    page: urls.Target
    """The gate or wave page the card links to."""
    title: str
    status: str
    """Its status (``partial``); it picks the colour."""
    reasons: tuple[str, ...]
    """The status reasons; the card shows the first two."""
    overdue: bool
    facts: tuple[str, ...] = ()
    """Short facts under the title: ``owners: platform``, ``waves: wave-1``, ``evidence 2026-06-14``."""


CARD_REASONS = 2
"""Reasons a card shows; the rest are counted (a card fits a 360x200 frame)."""


def card_html(widget: Widget, page: str, as_of: str) -> str:
    """A widget card: status, title (the link to the full page, ``page`` relative), facts, the first reasons."""
    kind, ident, title, status, reasons = widget.page.kind, widget.page.id, widget.title, widget.status, widget.reasons
    shown = reasons[:CARD_REASONS]
    items = "\n".join(f"    <li>{html.escape(r)}</li>" for r in shown)
    more = f"\n    <li>and {len(reasons) - len(shown)} more</li>" if len(reasons) > len(shown) else ""
    colour = STATUS_COLOURS.get(status, "#616161")
    overdue_badge = ' <span class="status" style="background:#c62828">overdue</span>' if widget.overdue else ""
    facts = " · ".join(html.escape(fact) for fact in widget.facts)
    link = html.escape(page, quote=True)
    return f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>{html.escape(ident)}: {html.escape(status)}</title>
<style>{_CARD_CSS}</style>
</head>
<body>
<main>
  <h1><span class="status" style="background:{colour}">{html.escape(status)}</span>{overdue_badge} <a href="{link}" target="_top" title="Open the {html.escape(kind)} page">{html.escape(ident)}: {html.escape(title)}</a></h1>
  <p class="facts">{facts}</p>
  <ul>
{items}{more}
  </ul>
  <p class="more">As of {html.escape(as_of)}</p>
</main>
</body>
</html>
"""


def redirect_html(target: str, what: str) -> str:
    """A page that sends an old URL (a former id) to the current one; ``target`` is relative."""
    url = html.escape(target, quote=True)
    return f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Moved: {html.escape(what)}</title>
<meta http-equiv="refresh" content="0; url={url}">
<link rel="canonical" href="{url}">
<meta name="robots" content="noindex">
</head>
<body>
<p>This page moved to <a href="{url}">{html.escape(what)}</a>.</p>
</body>
</html>
"""


def _widget(out: dict[str, str], widget: Widget, as_of: str) -> None:
    """The badge and widget card of one gate or wave."""
    page = widget.page
    section = urls.SECTIONS[page.kind]
    out[urls.badge(section, page.id)] = badge_svg(page.id, widget.status, overdue=widget.overdue)
    card = urls.embed(section, page.id)
    out[card] = card_html(widget, urls.file_href(page.url, card), as_of)


def widget_files(site: SiteModel) -> dict[str, str]:
    """Badges and widget cards of every gate and wave; redirects, badges and cards for former ids."""
    out: dict[str, str] = {}
    as_of = format_moment(site.as_of)
    for g in site.gates:
        gate_reasons = tuple(r.text for r in g.reasons)
        facts = [f"owners: {', '.join(o.text for o in g.owners) or 'none named'}"]
        if g.waves:
            facts.append(f"{'wave' if len(g.waves) == 1 else 'waves'}: {', '.join(g.waves)}")
        if g.last_evidence is not None:
            facts.append(f"evidence {g.last_evidence.moment.date().isoformat()}")
        gate = Widget(urls.page("gate", g.id), g.gate.title, g.status, gate_reasons, False, tuple(facts))
        _widget(out, gate, as_of)
    for w in site.waves:
        wave_reasons = tuple(r.text for r in w.reasons)
        facts = [f"{w.ready}/{w.total} gates ready"]
        if w.wave.target is not None:
            facts.append(f"target {w.wave.target.isoformat()}")
        if w.decision.record is not None:
            facts.append(f"decision: {w.decision.label}")
        wave = Widget(urls.page("wave", w.id), w.wave.title, w.status, wave_reasons, w.state.overdue, tuple(facts))
        _widget(out, wave, as_of)
    for alias in site.aliases:
        redirect = urls.redirect(alias.old)
        out[redirect] = redirect_html(urls.file_href(alias.new.url, redirect), alias.new.url)
        if alias.section in ("gates", "waves"):
            out[urls.badge(alias.section, alias.old.id)] = out[urls.badge(alias.section, alias.new.id)]
            out[urls.embed(alias.section, alias.old.id)] = out[urls.embed(alias.section, alias.new.id)]
    return out
