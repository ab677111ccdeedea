"""Static SVG charts made at build time (no script, no external font)."""

from __future__ import annotations

from markupsafe import Markup

from ..textsafe import html_text
from .model import HistoryPoint, StatusCounts

STATUS_COLOURS = {
    "ready": "var(--rd-ready, #2e7d32)",
    "partial": "var(--rd-partial, #b26a00)",
    "blocked": "var(--rd-blocked, #c62828)",
    "unknown": "var(--rd-unknown, #757575)",
}


def legend(items: list[tuple[str, int]]) -> Markup:
    """The key of a chart as HTML text: it wraps and keeps the page's font size on any screen
    (text inside an SVG shrinks with its viewBox: 13 units were 7 pixels on a phone)."""
    entries = "".join(
        f'<li><span class="rd-swatch rd-{html_text(status)}" aria-hidden="true"></span>{count} {html_text(status)}</li>'
        for status, count in items
    )
    return Markup(f'<ul class="rd-chart-legend">{entries}</ul>')


def status_bar(counts: StatusCounts, width: int = 600, height: int = 28) -> Markup:
    """A horizontal stacked bar of gate counts by status, with an HTML legend."""
    total = counts.total
    label = ", ".join(f"{count} {status}" for status, count in counts.items()) or "no gates"
    parts = [
        f'<svg class="rd-chart" role="img" viewBox="0 0 {width} {height}" '
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
    parts.append("</svg>")
    parts.append(legend(list(counts.items())))
    return Markup('\n<div class="rd-chart-box">' + "".join(parts) + "</div>\n")


def history_lines(points: tuple[HistoryPoint, ...], width: int = 640, height: int = 220) -> Markup:
    """Gate counts by status over time: one line per status, one step per commit.

    ``points`` are in commit order; the x axis is the commit sequence (evenly
    spaced), labelled with the first and last dates.
    """
    if not points:
        return Markup("")
    if len(points) == 1:
        return status_bar(points[0].counts)  # one commit: its counts, not lines from a day to itself
    pad_left, pad_right, pad_top, pad_bottom = 36, 10, 10, 30
    plot_w, plot_h = width - pad_left - pad_right, height - pad_top - pad_bottom
    top = max(1, max(point.counts.total for point in points))
    step = plot_w / max(1, len(points) - 1)

    def x(i: int) -> float:
        return pad_left + (i * step if len(points) > 1 else plot_w / 2)

    def y(v: int) -> float:
        return pad_top + plot_h - plot_h * v / top

    first, last_day = points[0].day, points[-1].day
    span = first if first == last_day else f"{first} to {last_day}"
    label = f"Gates by status over {len(points)} commits, {span}"
    parts = [
        f'<svg class="rd-chart" role="img" viewBox="0 0 {width} {height}" width="100%" '
        f'xmlns="http://www.w3.org/2000/svg"><title>{html_text(label)}</title>',
        f'<line x1="{pad_left}" y1="{pad_top + plot_h}" x2="{pad_left + plot_w}" y2="{pad_top + plot_h}" '
        'style="stroke:currentColor;stroke-opacity:0.4"/>',
        f'<text x="{pad_left - 6}" y="{pad_top + 10}" text-anchor="end" class="rd-chart-text">{top}</text>',
        f'<text x="{pad_left - 6}" y="{pad_top + plot_h}" text-anchor="end" class="rd-chart-text">0</text>',
        f'<text x="{pad_left}" y="{height - 8}" class="rd-chart-text">{html_text(first)}</text>',
    ]
    if last_day != first:
        parts.append(
            f'<text x="{pad_left + plot_w}" y="{height - 8}" text-anchor="end" class="rd-chart-text">'
            f"{html_text(last_day)}</text>"
        )
    # Stacked areas: each status is a band on top of the ones before it, so equal counts never hide a line.
    below = [0] * len(points)
    for status in STATUS_COLOURS:
        above = [base + point.counts.get(status) for base, point in zip(below, points, strict=True)]
        upper = [f"{x(i):.1f},{y(v):.1f}" for i, v in enumerate(above)]
        lower = [f"{x(i):.1f},{y(v):.1f}" for i, v in reversed(list(enumerate(below)))]
        colour = STATUS_COLOURS[status]
        parts.append(
            f'<polygon points="{" ".join(upper + lower)}" style="fill:{colour};fill-opacity:0.85;stroke:none"/>'
        )
        below = above
    parts.append("</svg>")
    parts.append(legend([(status, points[-1].counts.get(status)) for status in STATUS_COLOURS]))
    return Markup('\n<div class="rd-chart-box">' + "".join(parts) + "</div>\n")
