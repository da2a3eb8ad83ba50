"""Trends across the scale-up: per core item, each group's share who agree, year by year.

A year's point is the attitudes page's figure for the processes that
opened that year (with the reader's department and post-level filter):
the same units (``process_filters``), the same small-cell rule and the same
value merging, so the trends page shows nothing the attitudes page would
not show under a year filter. A point is left out, with the reason, when
the group is under k (suppressed), its distribution is withheld, or "don't
know" had to join the middle (then the share who agree would give its size
away: ``disclosure.table_cells`` shows no share either).
"""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field

from datasette_plugins import process_filters


@dataclass
class Point:
    year: str
    share: float | None  # of the 1-5 answers, 4-5; None when not shown
    n: int | None  # respondents behind the point, None when suppressed
    reason: str | None = None  # "suppressed" | "withheld" | "merged" | "none" when share is None
    partial: bool = False


@dataclass
class Series:
    group_key: str
    label: str
    points: list = field(default_factory=list)

    @property
    def shares(self) -> list:
        return [point.share for point in self.points]


@dataclass
class ItemTrend:
    key: str
    item: str
    text: str
    theme: str | None
    series: list


def years_of(processes: list[dict], chosen: process_filters.ProcessFilter) -> list[str]:
    """The years a trend spans: those in which a process the filter (year aside) chooses opened."""
    without_year = process_filters.ProcessFilter(chosen.department, None, chosen.post_level)
    return sorted({p["year"] for p in processes if p["year"] and without_year.matches(p)})


def point_for(row, year: str) -> Point:
    """The share who agree as the attitudes table shows it, or why there is none."""
    if row is None:
        return Point(year, None, None, "none")
    if row.suppressed:
        return Point(year, None, None, "suppressed", row.partial)
    if row.partition.withheld:
        return Point(year, None, row.n, "withheld", row.partial)
    if row.partition.dont_know_in_neutral:
        return Point(year, None, row.n, "merged", row.partial)
    share = row.agree()
    if share is None:  # only "don't know": no share on the 1-5 scale
        return Point(year, None, row.n, "none", row.partial)
    return Point(year, share, row.n, None, row.partial)


def item_trends(units, group_list, processes: list[dict], chosen: process_filters.ProcessFilter, *, k: int, suppress: bool):
    """(years, [ItemTrend]) for the processes ``chosen`` picks, one point per year and group."""
    if suppress:  # only closed processes count for management (aggregates.closing_order): no empty years
        processes = [p for p in processes if p.get("status") == "closed"]
    years = years_of(processes, chosen)
    by_year = {}
    for year in years:
        in_year = process_filters.ProcessFilter(chosen.department, year, chosen.post_level)
        ids = [p["id"] for p in processes if in_year.matches(p)]
        by_year[year] = {
            (figure.key, figure.item): {row.group_key: row for row in figure.rows}
            for figure in process_filters.figures(units, group_list, ids, k=k, suppress=suppress)
        }
    trends = []
    for entry in units:
        series = []
        for group_key, label in group_list:
            points = [point_for(by_year[year].get((entry.key, entry.item), {}).get(group_key), year) for year in years]
            if any(point.reason != "none" for point in points):
                series.append(Series(group_key, label, points))
        if series:
            text = entry.text if not entry.item else f"{entry.text} – {entry.item}"
            trends.append(ItemTrend(entry.key, entry.item, text, entry.theme, series))
    return years, trends
