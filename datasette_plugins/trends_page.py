"""``/-/medverkan/trends``: every core item over the years, one chart per item, a line per group.

Who sees what is the attitudes page's rule: management, coordinators
(their department only), evaluators and admins; small cells suppressed for
all but evaluators and admins. The filters (department, post level) are a
GET form that works without JavaScript; the years are the axis. Each chart
is followed by its table.
"""

from __future__ import annotations

from datasette_plugins import access
from datasette_plugins import aggregates
from datasette_plugins import config
from datasette_plugins import i18n
from datasette_plugins import pages
from datasette_plugins import process_filters
from datasette_plugins import scope
from datasette_plugins import synthetic
from datasette_plugins import trend_chart
from datasette_plugins import trends

REASONS = {
    "suppressed": "fewer than {k}",
    "withheld": "not shown: too few answers per option",
    "merged": "not shown: \"don't know\" merged",
    "none": "no answers on the 1–5 scale",
}


async def trends_page(request, datasette):
    if not access.may_see_aggregates(request.actor):
        return await pages._deny(request, datasette)
    lang = i18n.language(request)
    _ = i18n.translator(lang)
    k = config.small_cell_k()
    suppress = access.suppress_small_cells(request.actor)
    department = scope.department_scope(request.actor)

    include_synthetic = synthetic.included(request)

    def compute(conn):
        processes = scope.visible(process_filters.listed_processes(conn), department)
        scope_ids = None if department is None else [p["id"] for p in processes]
        # Synthetic (demo) processes are left out unless asked, as on every figure page.
        answers = synthetic.answer_scope(conn, include=include_synthetic, process_ids=scope_ids, closed_only=suppress)
        if answers.process_ids is not None:
            allowed = set(answers.process_ids)
            processes = [p for p in processes if p["id"] in allowed]
            scope_ids = [p["id"] for p in processes]
        choices = process_filters.options(conn, processes, lang)
        chosen, ignored = process_filters.from_args(request.args, choices)
        chosen = process_filters.ProcessFilter(chosen.department, None, chosen.post_level)  # the years are the axis
        units = process_filters.item_units(conn, lang=lang, scope_ids=scope_ids, k=k, suppress=suppress)
        years, items = trends.item_trends(units, aggregates.groups(conn, lang), processes, chosen, k=k, suppress=suppress)
        return process_filters.filter_context(chosen, choices, ignored), years, items, answers

    filters, years, items, answers = await pages._database(datasette).execute_fn(compute)

    def percent(value):
        return f"{i18n.format_number(round(value), lang)} %"

    entries = []
    for i, item in enumerate(items):
        missing = {
            (s.label, p.year): _(REASONS[p.reason], k=k) for s in item.series for p in s.points if p.share is None
        }
        chart = trend_chart.line_chart(
            years, [(s.label, s.shares) for s in item.series], title=item.text, chart_id=f"trend-{i}",
            number=percent, missing=missing,
        )
        rows = [
            (s.label, [_cell(p, k, _, percent, lang) for p in s.points]) for s in item.series
        ]
        entries.append({"item": item, "chart": chart, "rows": rows, "synthetic": answers.marks(item.key, item.item)})
    context = {
        "filters": filters,
        "synthetic": synthetic.view(request, present=answers.present),
        "years": years,
        "entries": entries,
        "k": k,
        "suppress": suppress,
        "full_access": access.has_full_access(request.actor),
    }
    return await pages._render(datasette, request, "medverkan_trends.html", context)


def _cell(point: trends.Point, k: int, _, percent, lang) -> str:
    """A table cell: "64 % (n = 11)", with * when some answers were left out, or the reason there is none."""
    if point.share is None:
        return _(REASONS[point.reason], k=k)
    mark = "*" if point.partial else ""
    return f"{percent(100 * point.share)} (n = {i18n.format_number(point.n, lang)}){mark}"
