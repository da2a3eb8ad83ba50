"""Server-side SVG charts: no JavaScript, no CDN, nothing inline to relax the CSP.

Each chart is an ``<svg role="img">`` with a <title> and a <desc> that says
the chart's figures in words, in the page's language (:func:`accessible_svg`,
:func:`describe_values`: use them for any new chart, so a screen reader and a
printout read the same numbers); the pages always print the same figures in a
table next to it. Colours come from ColorBrewer's RdBu (colour-blind safe);
text is dark on light fills.
"""

from __future__ import annotations

import textwrap

from markupsafe import Markup
from markupsafe import escape

from datasette_plugins import i18n

LIKERT_COLOURS = {1: "#b2182b", 2: "#ef8a62", 3: "#d9d9d9", 4: "#67a9cf", 5: "#2166ac"}
RATING_COLOURS = {1: "#2166ac", 2: "#92c5de", 3: "#f4a582", 4: "#b2182b"}
RATING_TEXT = {1: "#ffffff", 2: "#000000", 3: "#000000", 4: "#ffffff"}


def accessible_svg(body, *, width, height, title, desc, chart_id) -> Markup:
    """The one wrapper for every chart: ``role="img"`` named by its <title> and
    described by its <desc> through aria-labelledby, so assistive technology
    reads the title and then the figures; ``chart_id`` must be unique on the
    page (the ids are ``{chart_id}-title`` and ``{chart_id}-desc``).
    ``body`` is trusted SVG markup; ``title`` and ``desc`` are escaped here.
    """
    return Markup(
        f'<svg xmlns="http://www.w3.org/2000/svg" class="medverkan-chart" viewBox="0 0 {width} {height}" '
        f'role="img" aria-labelledby="{chart_id}-title {chart_id}-desc">'
        f'<title id="{chart_id}-title">{escape(title)}</title><desc id="{chart_id}-desc">{escape(desc)}</desc>'
        f"{body}</svg>"
    )


def describe_values(rows, *, lang="sv", number=str) -> str:
    """A bar chart's figures in words: how many bars, the highest and the
    lowest, then every bar in order ("3 staplar. Högst: Chefer, 80 %. …").

    ``rows`` are (label, value or None); ``number`` writes a value as the
    chart does. A row without a value is named with "no figure".
    """
    _ = i18n.translator(lang)
    if not rows:
        return _("No figures to show.")
    valued = [(label, value) for label, value in rows if value is not None]
    parts = [_("{n} bars.", n=len(rows)) if len(rows) != 1 else _("One bar.")]
    if len(valued) > 1:
        high = max(valued, key=lambda row: row[1])
        low = min(valued, key=lambda row: row[1])
        if high[1] != low[1]:
            parts.append(_("Highest: {label}, {value}.", label=high[0], value=number(high[1])))
            parts.append(_("Lowest: {label}, {value}.", label=low[0], value=number(low[1])))
    each = "; ".join(f"{label}: {number(value) if value is not None else _('no figure')}" for label, value in rows)
    parts.append(each + ".")
    return " ".join(parts)


BLOCK_COLOURS = {(1, 2): "#d6604d", (4, 5): "#4393c3", (1, 2, 3): "#e7a08b", (1, 2, 3, 9): "#e7a08b"}
NEUTRAL = 3

# Labels sit on their own lines above each bar, wrapped, at the chart's full
# width: a label beside the bar had 190 units and long ones were cut at the
# left edge ("älld, uppföljning…"). 12-unit text averages under 7 units a
# character, so 56 characters fit the 420-unit width with room to spare.
CHART_WIDTH = 420
LABEL_CHARS = 56
LINE_HEIGHT = 15


def wrap_label(label: str, width: int = LABEL_CHARS) -> list[str]:
    """The label in lines of at most ``width`` characters, every word kept."""
    return textwrap.wrap(str(label), width=width, break_long_words=True) or [""]


def _label_lines(label, y) -> tuple[str, float]:
    """SVG text for a wrapped label starting at ``y``; returns (markup, y below it)."""
    parts = []
    for line in wrap_label(label):
        y += LINE_HEIGHT
        parts.append(f'<text x="0" y="{y - 3}" font-size="12">{escape(line)}</text>')
    return "".join(parts), y


def block_label(block, dont_know: str) -> str:
    """"1", "1–2", or "3 + vet inte" for a block of values (disclosure.py)."""
    scale = "–".join(str(v) for v in block if v != 9)
    return f"{scale} + {dont_know}" if 9 in block else scale


def _colour(block):
    if len(block) == 1 or tuple(block) == (NEUTRAL, 9):
        return LIKERT_COLOURS[block[0]]
    return BLOCK_COLOURS.get(tuple(block), "#d9d9d9")


def _percent(share, lang) -> str:
    return f"{i18n.format_number(round(100 * share), lang)} %"


def percent_writer(lang="sv"):
    """``number=`` for a chart of percentages 0-100: "80 %" (with a space, as Swedish writes it)."""
    return lambda value: f"{i18n.format_number(value, lang)} %"


def diverging_bars(rows, *, title, chart_id, suppressed_text, dont_know="vet inte", lang="sv"):
    """rows: (label, segments) where segments are (block of values, share) in scale order,
    or None when the group is suppressed, or a text to print instead of the bar.
    The neutral block (3, or 3 with don't know) straddles the centre; merged blocks
    (1–2, 4–5, 1–3) are one bar each, on their side, so the chart never shows more
    than the table. Labels are wrapped above their bars, never cut."""
    bar_width, bar_height = CHART_WIDTH, 18
    centre = bar_width / 2
    parts, described, y = [], [], 0.0
    bar_spans = []
    for label, segments in rows:
        text, y = _label_lines(label, y)
        parts.append(text)
        top = y + 2
        if segments is None or isinstance(segments, str):
            note = suppressed_text if segments is None else segments
            parts.append(f'<text x="{centre}" y="{top + 13}" text-anchor="middle" font-size="12">{escape(note)}</text>')
            described.append(f"{label}: {note}")
        else:
            # The scale spans -100 %..+100 % of the half width on each side.
            left = sum(share for block, share in segments if min(block) < NEUTRAL)
            left += sum(share for block, share in segments if min(block) == NEUTRAL) / 2
            x = centre - left * (bar_width / 2)
            for block, share in segments:
                width = share * (bar_width / 2)
                if width > 0:
                    parts.append(
                        f'<rect x="{x:.2f}" y="{top}" width="{width:.2f}" height="{bar_height}" '
                        f'fill="{_colour(block)}"/>'
                    )
                x += width
            described.append(
                f"{label}: " + ", ".join(f"{block_label(block, dont_know)}: {_percent(share, lang)}" for block, share in segments)
            )
            # The centre line marks drawn bars only: through a note it crossed out a word.
            bar_spans.append((top, top + bar_height))
        y = top + bar_height + 8
    for top, bottom in bar_spans:
        parts.append(f'<line x1="{centre}" y1="{top - 2}" x2="{centre}" y2="{bottom + 2}" stroke="#333" stroke-width="1"/>')
    intro = i18n.translator(lang)("Shares of the answers on the scale from 1 (disagree) to 5 (agree), row by row.")
    desc = intro + " " + "; ".join(described) + "." if described else intro
    return accessible_svg("".join(parts), width=bar_width, height=max(y, 10), title=title, desc=desc, chart_id=chart_id)


def horizontal_bars(rows, *, title, chart_id, maximum=100, number=str, lang="sv"):
    """rows: (label, value 0..maximum); ``number`` writes a value as the reader expects
    (a rounded value: the bar's figure and the description say the same)."""
    bar_width, bar_height = CHART_WIDTH - 50, 16
    parts, y = [], 0.0
    for label, value in rows:
        text, y = _label_lines(label, y)
        parts.append(text)
        top = y + 2
        width = max(0.0, min(1.0, value / maximum)) * bar_width
        parts.append(f'<rect x="0" y="{top}" width="{width:.2f}" height="{bar_height}" fill="#2166ac"/>')
        parts.append(f'<text x="{width + 4:.2f}" y="{top + 13}" font-size="12">{escape(number(round(value)))}</text>')
        y = top + bar_height + 8
    desc = describe_values([(label, round(value)) for label, value in rows], lang=lang, number=number)
    return accessible_svg("".join(parts), width=CHART_WIDTH, height=max(y, 10), title=title, desc=desc, chart_id=chart_id)


def heat_map(row_labels, column_labels, values, *, title, chart_id, lang="sv"):
    """values: {(row, column): rating 1-4}; missing cells stay white."""
    label_width, cell, header = 110, 70, 24
    width = label_width + cell * len(column_labels) + 4
    height = header + cell / 2 * len(row_labels) + 4
    parts = []
    for j, column in enumerate(column_labels):
        parts.append(
            f'<text x="{label_width + j * cell + cell / 2}" y="16" text-anchor="middle" font-size="12">{escape(column)}</text>'
        )
    described = []
    for i, row in enumerate(row_labels):
        y = header + i * cell / 2
        parts.append(f'<text x="{label_width - 6}" y="{y + 22}" text-anchor="end" font-size="12">{escape(row)}</text>')
        for j, column in enumerate(column_labels):
            value = values.get((row, column))
            x = label_width + j * cell
            fill = RATING_COLOURS.get(value, "#ffffff")
            parts.append(f'<rect x="{x}" y="{y}" width="{cell - 2}" height="{cell / 2 - 2}" fill="{fill}" stroke="#666"/>')
            if value is not None:
                parts.append(
                    f'<text x="{x + cell / 2 - 1}" y="{y + 22}" text-anchor="middle" font-size="14" '
                    f'fill="{RATING_TEXT.get(value, "#000")}">{value}</text>'
                )
        described.append(
            f"{row}: " + ", ".join(f"{column} {values.get((row, column), '–')}" for column in column_labels)
        )
    intro = i18n.translator(lang)("Rating per applicant and rater: 1 = yes, 2 = yes with reservation, 3 = doubtful, 4 = no, – = not rated.")
    desc = intro + " " + "; ".join(described) + "." if described else intro
    return accessible_svg("".join(parts), width=width, height=height, title=title, desc=desc, chart_id=chart_id)
