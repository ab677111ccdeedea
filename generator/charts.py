"""Static SVG charts made at build time (no script, no external font)."""

from __future__ import annotations

from markupsafe import Markup

from .textsafe import html_text

STATUS_COLOURS = {
    "ready": "var(--rd-ready, #2e7d32)",
    "partial": "var(--rd-partial, #b26a00)",
    "blocked": "var(--rd-blocked, #c62828)",
    "unknown": "var(--rd-unknown, #757575)",
}


def status_bar(counts: dict[str, int], width: int = 600, height: int = 28) -> Markup:
    """A horizontal stacked bar of gate counts by status, with a text legend."""
    total = sum(counts.values())
    label = ", ".join(f"{count} {status}" for status, count in counts.items()) or "no gates"
    parts = [
        f'<svg class="rd-chart" role="img" viewBox="0 0 {width} {height + 24}" '
        f'width="100%" xmlns="http://www.w3.org/2000/svg">',
        f"<title>Gates by status: {html_text(label)}</title>",
    ]
    x = 0.0
    for status, count in counts.items():
        if not count or not total:
            continue
        w = width * count / total
        parts.append(
            f'<rect x="{x:.2f}" y="0" width="{w:.2f}" height="{height}" style="fill:{STATUS_COLOURS[status]}"/>'
        )
        x += w
    legend_x = 0
    for status, count in counts.items():
        parts.append(
            f'<rect x="{legend_x}" y="{height + 8}" width="12" height="12" style="fill:{STATUS_COLOURS[status]}"/>'
            f'<text x="{legend_x + 16}" y="{height + 19}" class="rd-chart-text">{count} {html_text(status)}</text>'
        )
        legend_x += 130
    parts.append("</svg>")
    return Markup('\n<div class="rd-chart-box">' + "".join(parts) + "</div>\n")
