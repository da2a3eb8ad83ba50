"""The page ``/-/medverkan/influence``: "did it matter?" (computations in influence.py).

Who sees what, as on the other pages:

* evaluators and admins: the figures over all processes, a row per
  process, and one process in detail with ``?process=<id>`` (like the
  process page; an unknown id is a 404, never a 500);
* management and coordinators: only the figures over processes (a
  coordinator's over their own department's, scope.py), and only within the
  small-cell rule: nothing until at least k processes contribute (otherwise
  the "aggregate" is one process's own outcome), each count 0 or at least k,
  and the representatives' answers through the same value-count ladder as
  the attitudes page (disclosure.py). ``?process=`` is refused (403).

Every figure that includes synthetic rows (a synthetic process, invented
facts of a process row, or synthetic ratings, stages, rankings or responses)
says so next to it; ``?synthetic=0|1`` leaves them out or includes them
(default: included in demo mode only; synthetic.py).
"""

from __future__ import annotations

from datasette_plugins import access
from datasette_plugins import aggregates
from datasette_plugins import charts
from datasette_plugins import config
from datasette_plugins import disclosure
from datasette_plugins import i18n
from datasette_plugins import influence
from datasette_plugins import pages
from datasette_plugins import scope
from datasette_plugins import synthetic

MAX_SQLITE_INTEGER = 2**63 - 1


def _process_arg(request):
    """None (no process asked for), an int id, or -1 for anything that cannot be one."""
    raw = request.args.get("process")
    if raw is None or raw == "":
        return None
    if not raw.isdigit() or int(raw) > MAX_SQLITE_INTEGER:
        return -1
    return int(raw)


async def influence_page(request, datasette):
    if not access.may_see_aggregates(request.actor):
        return await pages._deny(request, datasette)
    full = access.has_full_access(request.actor)
    process_id = _process_arg(request)
    if process_id is not None and not full:
        return await pages._error(datasette, request, 403)
    lang = i18n.language(request)
    _ = i18n.translator(lang)
    k = config.small_cell_k()
    suppress = access.suppress_small_cells(request.actor)
    department = scope.department_scope(request.actor)
    include_synthetic = synthetic.included(request)

    def compute(conn):
        listed = scope.visible(influence.process_rows(conn), department)
        ids = [p["id"] for p in listed]
        results = [influence.for_process(conn, p, include_synthetic) for p in listed]
        chosen = None
        if process_id is not None:
            chosen = next((r for r in results if r.id == process_id), None)
            if chosen is None:
                return None
        in_scope = None if department is None else ids
        answers_scope = synthetic.answer_scope(conn, include=include_synthetic, process_ids=in_scope)
        answers = influence.influence_counts(conn, answers_scope.process_ids, k if suppress else None)
        chosen_scope = synthetic.answer_scope(conn, include=include_synthetic, process_ids=[chosen.id]) if chosen else None
        chosen_answers = influence.influence_counts(conn, chosen_scope.process_ids) if chosen else None
        synthetic_answers = include_synthetic and influence.synthetic_answers(conn, in_scope)
        chosen_synthetic = bool(chosen) and include_synthetic and influence.synthetic_answers(conn, [chosen.id])
        present = synthetic.any_in(conn, [chosen.id] if chosen else ids)
        return results, chosen, answers, chosen_answers, (synthetic_answers, chosen_synthetic, present)

    computed = await pages._database(datasette).execute_fn(compute)
    if computed is None:
        return await pages._error(datasette, request, 404, _("Unknown process."))
    results, chosen, answers, chosen_answers, (synthetic_answers, chosen_synthetic, present) = computed
    total = influence.overview(results)
    shown = not suppress or total.processes >= k
    context = {
        "full_access": full,
        "k": k,
        "suppress": suppress,
        "shown": shown,
        "total": total,
        "synthetic_answers": synthetic_answers,
        "chosen_synthetic_answers": chosen_synthetic,
        "synthetic": synthetic.view(request, present=present),
        "overview": _overview_view(total, lang, k, suppress) if shown else None,
        "answers": _answers_view(answers, lang, k, suppress, "all") if shown else None,
        "processes": [r for r in results if r.has_data] if full else [],
        "chosen": _process_view(chosen, chosen_answers, lang) if chosen else None,

    }
    return await pages._render(datasette, request, "medverkan_influence.html", context)


def _count(n, lang, k, suppress):
    """A count as management may see it: 0 or at least k, else "fewer than k"."""
    if suppress and 0 < n < k:
        return None, i18n.translator(lang)("fewer than {k}", k=k)
    return n, i18n.format_number(n, lang)


def _funnel(yes, funnel, lang, k, suppress, chart_id, title):
    _ = i18n.translator(lang)
    labels = [
        ("yes", _("Said yes to by the representatives"), yes),
        ("interviewed", _("Went to interview"), funnel["interviewed"]),
        ("finalist", _("Reached the final round"), funnel["finalist"]),
        ("appointed", _("Were appointed"), funnel["appointed"]),
    ]
    rows = [(label, *_count(n, lang, k, suppress)) for _key, label, n in labels]
    drawable = [(label, value) for label, value, _text in rows if value is not None]
    chart = charts.horizontal_bars(
        drawable, title=title, chart_id=chart_id, maximum=max(yes, 1), number=lambda v: i18n.format_number(v, lang),
        lang=lang,
    )
    return {"rows": [(label, text) for label, _value, text in rows], "chart": chart}


def _agreement_chart(pairs, lang, chart_id, title):
    """W (0..1) drawn as 0..100 so the bar chart's rounding keeps two decimals."""
    rows = [(party, 100 * w) for party, w in pairs if w is not None]
    return charts.horizontal_bars(
        rows, title=title, chart_id=chart_id, maximum=100, number=lambda v: i18n.format_number(v / 100, lang, 2),
        lang=lang,
    )


def _overview_view(total, lang, k, suppress):
    _ = i18n.translator(lang)
    funnel = _funnel(total.yes, total.funnel, lang, k, suppress, "influence-all", _("Over all processes"))
    parties = sorted(set(total.ranks) | set(total.agreement))
    ranks = [(p, total.mean_rank(p), len([r for r in total.ranks.get(p, []) if r is not None])) for p in parties if p in total.ranks]
    agreement = [(p, total.mean_w(p), len([w for w in total.agreement[p] if w is not None])) for p in sorted(total.agreement)]
    left_out = []
    if suppress:
        # A party named in fewer than k processes (say, "HR-avdelningen" only in
        # 2017) would show that process's own rank and W: leave it out.
        left_out = sorted({p for p, _v, n in ranks + agreement if n < k})
        ranks = [row for row in ranks if row[2] >= k]
        agreement = [row for row in agreement if row[2] >= k]
    chart = _agreement_chart(
        [(p, w) for p, w, _n in agreement],
        lang,
        "influence-all-w",
        _("Mean agreement with the representatives (Kendall's W)"),
    )
    return {"funnel": funnel, "ranks": ranks, "agreement": agreement, "agreement_chart": chart, "left_out": left_out}


def _answers_view(items, lang, k, suppress, suffix):
    """The influence items as the attitudes page shows one group: chart and table, ladder applied."""
    _ = i18n.translator(lang)
    suppressed_text = _("fewer than {k}", k=k)
    rows = []
    for item in items:
        text = item["text_en"] if lang == "en" else item["text_sv"]
        row = aggregates.GroupRow(item["key"], text, dict(item["counts"]))
        if suppress and row.n < k:
            row.suppressed = True
        elif suppress:
            row.partition = disclosure.choose(row.counts, k)
        rows.append(row)
    if not rows:
        return None
    segments = [
        (row.label, None if row.suppressed else (disclosure.text("withheld", lang) if row.partition.withheld else row.segments()))
        for row in rows
    ]
    chart = charts.diverging_bars(
        segments, title=_("The representatives' own sense of influence"), chart_id=f"influence-answers-{suffix}",
        suppressed_text=suppressed_text, dont_know=_("Don't know").lower(), lang=lang,
    )
    cells = [(row.label, disclosure.table_cells(row, lang, suppressed_text)) for row in rows]
    return {"chart": chart, "cells": cells}


def _process_view(result, answers, lang):
    _ = i18n.translator(lang)
    funnel = _funnel(len(result.yes), result.funnel, lang, 1, False, "influence-process", result.code)
    pairs = [(party, w) for party, w, _n in result.agreement]
    chart = _agreement_chart(pairs, lang, "influence-process-w", _("Agreement with the representatives (Kendall's W)"))
    return {
        "result": result,
        "funnel": funnel,
        "agreement_chart": chart,
        "answers": _answers_view(answers, lang, 1, False, "process"),
    }
