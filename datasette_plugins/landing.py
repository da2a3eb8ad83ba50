"""The start page (``/``) for each role.

Datasette's own home lists databases, which tells management nothing (and
shows them none: they may not see a table). So ``/`` is ours:

* management and coordinators read "what each group thinks", theme by
  theme, as charts with the figures beside them, what is left out and why,
  and the latest processes — the small-cell rule applied as on the
  attitudes page (aggregates.py);
* evaluators get the ways in, each one click away;
* anonymous visitors go to the sign-in page.

Plugin routes are matched before Datasette's, so the route ``^/$`` replaces
its index page.
"""

from __future__ import annotations

from urllib.parse import urlencode

from datasette.utils.asgi import Response

from datasette_plugins import access
from datasette_plugins import aggregates
from datasette_plugins import charts
from datasette_plugins import config
from datasette_plugins import i18n
from datasette_plugins import pages
from datasette_plugins import synthetic

LATEST_PROCESSES = 5
STATUS_NAMES = {"planning": "Being planned", "collecting": "Collecting answers", "closed": "Closed"}


async def home(request, datasette):
    if access.role_of(request.actor) is None:
        return Response.redirect("/-/medverkan-login?" + urlencode({"next": "/"}))
    if access.has_full_access(request.actor):
        return await _evaluator_home(request, datasette)
    return await _management_home(request, datasette)


def _latest_processes(conn, limit=LATEST_PROCESSES) -> list[dict]:
    """Newest first: by opening date where known, then by id (order of creation)."""
    rows = conn.execute(
        "select id, code, post_title, status, opened_on from processes "
        "order by opened_on is null, opened_on desc, id desc limit ?",
        [limit],
    ).fetchall()
    return [dict(zip(("id", "code", "post_title", "status", "opened_on"), row)) for row in rows]


async def _management_home(request, datasette):
    lang = i18n.language(request)
    k = config.small_cell_k()
    suppress = access.suppress_small_cells(request.actor)
    include_synthetic = synthetic.included(request)

    def compute(conn):
        answers = synthetic.answer_scope(conn, include=include_synthetic, closed_only=suppress)
        figures = aggregates.attitude_figures(conn, lang=lang, process_ids=answers.process_ids, k=k, suppress=suppress)
        latest = _latest_processes(conn)
        marks = synthetic.process_marks(conn)
        for process in latest:
            process["synthetic"] = marks.get(process["id"])
        return figures, aggregates.groups(conn, lang), latest, answers

    figures, group_list, latest, answers = await pages._database(datasette).execute_fn(compute)
    group_labels = dict(group_list)
    themes = []
    index = aggregates.theme_index(figures)
    for j, (theme, by_group) in enumerate(sorted(index.items())):
        label = i18n.theme_label(theme, lang)
        rows = [(group_labels.get(g, g), value) for g, value in by_group.items()]
        chart = charts.horizontal_bars(
            rows, title=label, chart_id=f"home-theme-{j}", number=charts.percent_writer(lang), lang=lang
        )
        marked = any(answers.marks(f.key, f.item) for f in figures if (f.theme or "-") == theme)
        themes.append({"label": label, "rows": rows, "chart": chart, "statements": sum(1 for f in figures if f.theme == theme),
                       "synthetic": marked})
    # One table of every theme by every group: the two-minute read.
    shown_groups = [g for g, _label in group_list if any(g in by_group for by_group in index.values())]
    overview = {
        "groups": [group_labels[g] for g in shown_groups],
        "rows": [(i18n.theme_label(theme, lang), [by_group.get(g) for g in shown_groups]) for theme, by_group in sorted(index.items())],
    }
    left_out = sorted({row.label for f in figures for row in f.rows if row.suppressed})
    partial = sorted({row.label for f in figures for row in f.rows if row.partial and not row.suppressed})
    _ = i18n.translator(lang)
    for process in latest:
        process["status_label"] = _(STATUS_NAMES.get(process["status"], process["status"] or "–"))
    context = {
        "themes": themes,
        "overview": overview,
        "left_out": left_out,
        "partial": partial,
        "latest": latest,
        "k": k,
        "suppress": suppress,
        "synthetic": synthetic.view(request, present=answers.present),
        "overview_synthetic": any(t["synthetic"] for t in themes),
    }
    return await pages._render(datasette, request, "medverkan_home_management.html", context)


async def _evaluator_home(request, datasette):
    def compute(conn):
        return _latest_processes(conn, limit=1000), synthetic.process_marks(conn)

    processes, marks = await pages._database(datasette).execute_fn(compute)
    for process in processes:
        process["synthetic"] = marks.get(process["id"])
    database = pages._database(datasette)
    context = {"processes": processes, "database_name": database.name if database else "medverkan"}
    return await pages._render(datasette, request, "medverkan_home_evaluator.html", context)


