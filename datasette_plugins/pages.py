"""Medverkan's own Datasette pages: sign-in, attitudes, process, exports (search: search_page.py).

Every view checks the role itself (register_routes views are not covered by
Datasette's table permissions) and reads the served database through
Datasette, on its read-only connections.
"""

from __future__ import annotations

import asyncio
import sqlite3
from urllib.parse import parse_qsl
from urllib.parse import urlencode
from urllib.parse import urlsplit

from datasette.utils.asgi import Response

from datasette_plugins import access
from datasette_plugins import aggregates
from datasette_plugins import charts
from datasette_plugins import config
from datasette_plugins import disclosure
from datasette_plugins import exports
from datasette_plugins import i18n
from datasette_plugins import process_filters
from datasette_plugins import response_rates
from datasette_plugins import scope
from datasette_plugins import stats
from datasette_plugins import synthetic
from research import downloads as research_downloads


def _database(datasette):
    """The one served database (Datasette is given no other file)."""
    for name, database in datasette.databases.items():
        if not name.startswith("_") and database.path:
            return database
    return None


async def _render(datasette, request, template, context, status=200):
    lang = i18n.language(request)
    context = dict(context, lang=lang, _m=i18n.translator(lang), other_lang="en" if lang == "sv" else "sv")
    html = await datasette.render_template(template, context, request=request)
    response = Response.html(html, status=status)
    if request.args.get("lang") in ("sv", "en"):
        response.set_cookie("medverkan_lang", request.args["lang"], samesite="lax", max_age=365 * 24 * 3600)
    return response


async def _deny(request, datasette):
    """Anonymous: to the sign-in page. Signed in without the role: a 403 page
    in the reader's language with a way back (templates/error.html)."""
    if access.role_of(request.actor) is None:
        return Response.redirect("/-/medverkan-login?" + urlencode({"next": request.full_path}))
    return await _error(datasette, request, 403)


async def _error(datasette, request, status, message=None):
    return await _render(datasette, request, "error.html", {"status": status, "message": message}, status=status)


def _safe_next(target: str | None) -> str:
    """Only local paths: never an open redirect."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return "/"
    return target


async def login(request, datasette):
    """Signed in: go on. Anonymous: to the collector's sign-in, which returns here."""
    next_path = _safe_next(request.args.get("next"))
    if access.role_of(request.actor) is not None:
        return Response.redirect(next_path)
    return_url = f"{request.scheme}://{request.host}{next_path}"
    sign_in_url = config.login_url() + "?" + urlencode({"next": return_url})
    return await _render(datasette, request, "medverkan_login.html", {"sign_in_url": sign_in_url})


def _storable_id(value: str) -> int:
    """An id from the URL, or 0 (no such row) past SQLite's 64-bit range: 404, not OverflowError."""
    number = int(value[:30])
    return number if len(value) <= 20 and -(2**63) <= number <= 2**63 - 1 else 0


def _int_arg(request, name):
    value = request.args.get(name)
    if value is None or value == "":
        return None
    try:
        return _storable_id(value.strip()) or -1
    except ValueError:
        return -1


async def attitudes(request, datasette):
    if not access.may_see_aggregates(request.actor):
        return await _deny(request, datasette)
    lang = i18n.language(request)
    _ = i18n.translator(lang)
    k = config.small_cell_k()
    suppress = access.suppress_small_cells(request.actor)
    process_id = _int_arg(request, "process")
    database = _database(datasette)
    department = scope.department_scope(request.actor)
    include_synthetic = synthetic.included(request)

    def compute(conn):
        process_list = scope.visible(aggregates.processes(conn), department)
        known = {p["id"] for p in process_list}
        if department is not None and process_id is not None and process_id not in known:
            return None  # another department's process: 404, as in the collector
        chosen = process_id if process_id in known else None
        in_scope = None if department is None or chosen is not None else sorted(known)
        answers = synthetic.answer_scope(
            conn, include=include_synthetic, process_id=chosen, process_ids=in_scope, closed_only=suppress
        )
        # Department, year and post level (process_filters.py): a chosen process comes first;
        # synthetic processes stay out of the filtered figures as out of the others.
        filters, figures = process_filters.filtered_attitudes(
            conn, request, lang=lang, department=department, k=k, suppress=suppress, only_ids=answers.process_ids
        )
        if figures is None or chosen is not None:
            figures = aggregates.attitude_figures(
                conn, lang=lang, process_id=answers.process_id, process_ids=answers.process_ids, k=k, suppress=suppress
            )
        return (
            process_list, chosen, figures, aggregates.groups(conn, lang), aggregates.scale_labels(conn, lang), answers, filters
        )

    computed = await database.execute_fn(compute)
    if computed is None:
        return await _error(datasette, request, 404, _("Unknown process."))
    process_list, chosen, figures, group_list, scale, answers, filters = computed
    group_labels = dict(group_list)
    suppressed_text = _("fewer than {k}", k=k)
    items = []
    for i, figure in enumerate(figures):
        rows = [(row.label, _chart_segments(row, lang)) for row in figure.rows]
        chart = charts.diverging_bars(
            rows, title=figure.text, chart_id=f"item-{i}", suppressed_text=suppressed_text, dont_know=_("Don't know").lower(),
            lang=lang,
        )
        cells = [disclosure.table_cells(row, lang, suppressed_text) for row in figure.rows]
        total_cells = disclosure.table_cells(figure.total, lang, suppressed_text) if figure.total else None
        items.append({"figure": figure, "chart": chart, "cells": cells, "total_cells": total_cells,
                      "synthetic": answers.marks(figure.key, figure.item)})
    index = aggregates.theme_index(figures)
    theme_charts = []
    for j, (theme, by_group) in enumerate(sorted(index.items())):
        rows = [(group_labels.get(g, g), value) for g, value in by_group.items()]
        label = i18n.theme_label(theme, lang)
        chart = charts.horizontal_bars(rows, title=label, chart_id=f"theme-{j}", number=charts.percent_writer(lang), lang=lang)
        theme_charts.append({"theme": theme, "theme_label": label, "rows": rows, "chart": chart,
                             "synthetic": any(answers.marks(f.key, f.item) for f in figures if (f.theme or "-") == theme)})
    full_access = access.has_full_access(request.actor)
    comparison = _group_comparison(request, figures, group_list) if full_access else None
    context = {
        "processes": process_list,
        "chosen": chosen,
        "items": items,
        "comparison": comparison,
        "theme_charts": theme_charts,
        "scale": scale,
        "k": k,
        "suppress": suppress,
        "suppressed_text": suppressed_text,
        "value_note": disclosure.text("note", lang, m=k - 1) if suppress and k > 1 else None,
        "full_access": full_access,
        "synthetic": synthetic.view(request, present=answers.present),
        "filters": filters,
    }
    return await _render(datasette, request, "medverkan_attitudes.html", context)


def _chart_segments(row, lang):
    """What the chart may draw of a row: nothing, a note, or its (possibly merged) blocks."""
    if row.suppressed:
        return None
    if row.partition.withheld:
        return disclosure.text("withheld", lang)
    return row.segments()


# The contrast the evaluation found most telling: managers and officials
# were positive, union representatives had reservations.
DEFAULT_COMPARISON = ("manager", "union")


def _group_comparison(request, figures, group_list) -> dict:
    """Mann-Whitney U per core item between two chosen groups (evaluators only).

    Computed from the per-value counts already on the page, so it is as fast
    at 20 million answers as at a hundred; "don't know" is left out.
    """
    keys = [key for key, _label in group_list]
    first = request.args.get("a") if request.args.get("a") in keys else DEFAULT_COMPARISON[0]
    second = request.args.get("b") if request.args.get("b") in keys else DEFAULT_COMPARISON[1]
    rows = []
    for figure in figures:
        by_group = {row.group_key: row for row in figure.rows}
        counts = [
            {value: n for value, n in (by_group[g].counts.items() if g in by_group else ()) if value in aggregates.SCALE}
            for g in (first, second)
        ]
        medians = [stats.weighted_median(c.items()) for c in counts]
        rows.append({"text": figure.text, "result": stats.mann_whitney_counts(*counts), "medians": medians})
    return {"first": first, "second": second, "groups": group_list, "rows": rows}


async def process(request, datasette):
    if not access.has_full_access(request.actor):
        return await _deny(request, datasette)
    lang = i18n.language(request)
    _ = i18n.translator(lang)
    process_id = _storable_id(request.url_vars["process_id"])
    database = _database(datasette)
    include_synthetic = synthetic.included(request)

    def compute(conn):
        row = conn.execute("select id, code, post_title from processes where id = ?", [process_id]).fetchone()
        if row is None:
            return None
        counts = aggregates.response_counts(conn, process_id, lang)
        invented = synthetic.synthetic_response_counts(conn, process_id)
        if not include_synthetic:
            counts = [(key, label, n - invented.get(key, 0)) for key, label, n in counts]
        flags = {table: synthetic.flagged(conn, table, process_id) for table in ("screening_ratings", "rankings")}
        return {
            "process": dict(zip(("id", "code", "post_title"), row)),
            "screening": aggregates.screening_table(conn, process_id, real_only=not include_synthetic),
            "ranking": aggregates.ranking_table(conn, process_id, real_only=not include_synthetic),
            "counts": counts,
            "synthetic": synthetic.view(request, present=bool(invented) or any(flags.values())),
            "marks": {"counts": include_synthetic and bool(invented),
                      "screening": include_synthetic and flags["screening_ratings"],
                      "ranking": include_synthetic and flags["rankings"]},
        }

    data = await database.execute_fn(compute)
    if data is None:
        return await _error(datasette, request, 404, _("Unknown process."))
    raters, applicants, ratings, screening_agreement = data["screening"]
    heat = charts.heat_map(
        applicants, raters, ratings, title=_("Screening of the qualified applicants (Table 2)"), chart_id="table-2", lang=lang
    )
    groups = [(key, label) for key, label, _n in data["counts"]]
    rates = await asyncio.get_running_loop().run_in_executor(
        None, response_rates.for_process, config.contacts_path(), process_id, groups
    )
    parties, finalists, ranks, concordance = data["ranking"]
    return await _render(
        datasette,
        request,
        "medverkan_process.html",
        dict(data, raters=raters, applicants=applicants, ratings=ratings, agreement=screening_agreement, heat=heat,
             parties=parties, finalists=finalists, ranks=ranks, concordance=concordance,
             response_rates=response_rates.view(rates, lang)),
    )


async def exports_page(request, datasette):
    if not access.has_full_access(request.actor):
        return await _deny(request, datasette)
    database = _database(datasette)
    listed = await database.execute_fn(exports.instruments)
    present = bool(await database.execute_fn(synthetic.answer_processes))
    view = synthetic.view(request, present=present)
    return await _render(datasette, request, "medverkan_exports.html", {"instruments": listed, "synthetic": view})


# The first-wave addresses (``data.csv``, ``labels.sps``...) stay valid: the
# kinds of research.downloads under the names bookmarks and old notes use.
EXPORT_ALIASES = {
    "data.csv": "csv",
    "data.excel.csv": "excel.csv",
    "labels.sps": "sps",
    "labels.excel.sps": "excel.sps",
    "labels.R": "R",
    "labels.excel.R": "excel.R",
}


async def export_file(request, datasette):
    """One file of a questionnaire version: data, statistics file, codebook or script.

    Everything comes from ``research.downloads`` (the same rows as
    ``medverkan research export``): a random text ``response_key`` drawn anew
    per download instead of the stored 62-bit id, process code, department
    and year on every row, one column per applicant, a Swedish-Excel variant
    of every CSV. Built in a worker thread: pyreadstat needs a path and a
    file can take seconds at research scale.
    """
    if not access.has_full_access(request.actor):
        return await _deny(request, datasette)
    kind = request.url_vars["kind"]
    kind = EXPORT_ALIASES.get(kind, kind)
    instrument_id = _storable_id(request.url_vars["instrument_id"])
    if kind not in research_downloads.KINDS:
        return await _error(datasette, request, 404)
    lang = i18n.language(request)
    path = _database(datasette).path
    include_synthetic = synthetic.included(request)
    try:
        made = await asyncio.get_running_loop().run_in_executor(
            None,
            lambda: research_downloads.instrument_download(
                path, instrument_id, kind, lang=lang, include_synthetic=include_synthetic
            ),
        )
    except sqlite3.Error:
        made = None
    if made is None:
        return await _error(datasette, request, 404)
    name, body = made
    response = Response(body, content_type=research_downloads.KINDS[kind])
    response.headers["content-disposition"] = f'attachment; filename="{name}"'
    return response


async def switch_language(request, datasette):
    """Remember the chosen language and go back to the same page.

    Datasette's own pages cannot take ``?lang=`` (a table page reads every
    unknown argument as a column filter), so their switch link comes here.
    """
    lang = "en" if request.args.get("lang") == "en" else "sv"
    target = urlsplit(_safe_next(request.args.get("next")))
    # A ``lang=`` left in the page's address would outvote the new cookie.
    query = urlencode([(k, v) for k, v in parse_qsl(target.query, keep_blank_values=True) if k != "lang"])
    response = Response.redirect(target.path + ("?" + query if query else ""))
    response.set_cookie("medverkan_lang", lang, samesite="lax", max_age=365 * 24 * 3600)
    return response
