"""A server-side SVG line chart of a share over years, one line per respondent group.

Kept apart from ``charts.py`` (whose functions other work changes) but drawn
the same way: an ``<svg role="img">`` with <title> and <desc> (the desc
reads every value, or why it is missing), nothing inline for the CSP, and
the page prints the same figures in a table after it. Lines are told apart
by colour (Okabe–Ito, safe for colour-blind readers), by marker shape and by
dash, and each line is named at its last point and in a legend inside the
image, so no colour has to be matched from memory. A year whose figure may
not be shown (fewer than k answers, or merged values) breaks the line: it
is never drawn as a zero.
"""

from __future__ import annotations

from markupsafe import Markup
from markupsafe import escape

WIDTH = 420
PLOT_LEFT, PLOT_RIGHT, PLOT_TOP, PLOT_HEIGHT = 44, 300, 12, 160
# Okabe–Ito: distinguishable with every common colour-vision deficiency, all
# darker than 3:1 against white (WCAG 1.4.11 for graphical objects).
COLOURS = ("#0072b2", "#d55e00", "#009e73", "#cc79a7", "#7a6a00", "#56428f")
DASHES = ("", "6 3", "2 3", "8 3 2 3", "4 4", "1 2")
MARKERS = ("circle", "square", "triangle", "diamond", "circle", "square")


def _marker(shape: str, x: float, y: float, colour: str) -> str:
    if shape == "square":
        return f'<rect x="{x - 4:.1f}" y="{y - 4:.1f}" width="8" height="8" fill="{colour}"/>'
    if shape == "triangle":
        return f'<polygon points="{x:.1f},{y - 5:.1f} {x - 5:.1f},{y + 4:.1f} {x + 5:.1f},{y + 4:.1f}" fill="{colour}"/>'
    if shape == "diamond":
        return f'<polygon points="{x:.1f},{y - 5:.1f} {x + 5:.1f},{y:.1f} {x:.1f},{y + 5:.1f} {x - 5:.1f},{y:.1f}" fill="{colour}"/>'
    return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" fill="{colour}"/>'


def _runs(values: list) -> list[list[tuple[int, float]]]:
    """Consecutive years with a value: each run is drawn as one line, a gap breaks it."""
    runs, current = [], []
    for i, value in enumerate(values):
        if value is None:
            if current:
                runs.append(current)
            current = []
        else:
            current.append((i, value))
    if current:
        runs.append(current)
    return runs


def line_chart(years: list, series: list, *, title: str, chart_id: str, number, missing: dict | None = None) -> Markup:
    """``series``: (group label, [share 0..1 or None per year]); ``number`` writes a percentage.

    ``missing`` maps (label, year) to the reason a value is absent, for the
    description read by screen readers.
    """
    missing = missing or {}
    step = (PLOT_RIGHT - PLOT_LEFT) / max(1, len(years) - 1)

    def x_of(i: int) -> float:
        return PLOT_LEFT + (i * step if len(years) > 1 else (PLOT_RIGHT - PLOT_LEFT) / 2)

    def y_of(share: float) -> float:
        return PLOT_TOP + (1 - share) * PLOT_HEIGHT

    parts = []
    for tick in (0, 0.25, 0.5, 0.75, 1):
        y = y_of(tick)
        parts.append(f'<line x1="{PLOT_LEFT}" y1="{y:.1f}" x2="{PLOT_RIGHT}" y2="{y:.1f}" stroke="#bbb" stroke-width="1"/>')
        parts.append(f'<text x="{PLOT_LEFT - 6}" y="{y + 4:.1f}" text-anchor="end" font-size="11">{escape(number(100 * tick))}</text>')
    axis_y = PLOT_TOP + PLOT_HEIGHT
    parts.append(f'<line x1="{PLOT_LEFT}" y1="{axis_y}" x2="{PLOT_RIGHT}" y2="{axis_y}" stroke="#333" stroke-width="1"/>')
    for i, year in enumerate(years):
        parts.append(f'<text x="{x_of(i):.1f}" y="{axis_y + 16}" text-anchor="middle" font-size="11">{escape(year)}</text>')
    described = []
    legend_y = axis_y + 36
    for n, (label, values) in enumerate(series):
        colour, dash, shape = COLOURS[n % len(COLOURS)], DASHES[n % len(DASHES)], MARKERS[n % len(MARKERS)]
        dash_attribute = f' stroke-dasharray="{dash}"' if dash else ""
        for run in _runs(values):
            points = " ".join(f"{x_of(i):.1f},{y_of(v):.1f}" for i, v in run)
            if len(run) > 1:
                parts.append(f'<polyline points="{points}" fill="none" stroke="{colour}" stroke-width="2"{dash_attribute}/>')
            parts.extend(_marker(shape, x_of(i), y_of(v), colour) for i, v in run)
        shown = [(i, v) for i, v in enumerate(values) if v is not None]
        if shown:
            i, v = shown[-1]
            parts.append(f'<text x="{x_of(i) + 8:.1f}" y="{y_of(v) + 4:.1f}" font-size="11">{escape(label[:18])}</text>')
        parts.append(f'<line x1="0" y1="{legend_y - 4}" x2="24" y2="{legend_y - 4}" stroke="{colour}" stroke-width="2"{dash_attribute}/>')
        parts.append(_marker(shape, 12, legend_y - 4, colour))
        parts.append(f'<text x="30" y="{legend_y}" font-size="12">{escape(label)}</text>')
        legend_y += 18
        readings = [
            f"{year}: {number(100 * value)}" if value is not None else f"{year}: {missing.get((label, year), '–')}"
            for year, value in zip(years, values)
        ]
        described.append(f"{label}: " + ", ".join(readings))
    return Markup(
        f'<svg xmlns="http://www.w3.org/2000/svg" class="medverkan-chart" viewBox="0 0 {WIDTH} {legend_y}" '
        f'role="img" aria-labelledby="{chart_id}-title {chart_id}-desc">'
        f'<title id="{chart_id}-title">{escape(title)}</title><desc id="{chart_id}-desc">{escape("; ".join(described))}</desc>'
        f"{''.join(parts)}</svg>"
    )
