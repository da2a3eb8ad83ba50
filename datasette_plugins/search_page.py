"""The evaluators' search page: free-text answers found in Swedish, filtered, marked.

``GET /-/medverkan/search?q=...&process=...&group=...&theme=...&page=...``:
a plain GET form (no JavaScript), so a search is a link an evaluator can
keep or send. Only full-access roles (evaluators, admins) reach it: free
text is never shown to management or coordinators (access.py). Everyone
who reaches it may read every answer, so the count of hits is shown as it
is (small-cell suppression is for the aggregate roles).

How words match (inflections, compounds) is ``swedish_search``; this module
reads the filters, runs one query for the count and one for the page, and
renders. Nothing a respondent wrote reaches the page unescaped
(``swedish_search.marked``).
"""

from __future__ import annotations

from urllib.parse import urlencode

from datasette_plugins import access
from datasette_plugins import aggregates
from datasette_plugins import i18n
from datasette_plugins import pages
from datasette_plugins import swedish_search
from datasette_plugins import synthetic

PAGE_SIZE = 50
MAX_QUERY_CHARS = 200
SNIPPET_TOKENS = 64  # FTS5's longest snippet

_FILTERED_FROM = """
    from answers_fts
    join answers a on a.rowid = answers_fts.rowid
    join questions q on q.id = a.question_id
    join processes p on p.id = a.process_id
    join responses r on r.id = a.response_id
    where answers_fts match :query
      and (:include_synthetic or coalesce(r.is_synthetic, 0) = 0)
      and (:process is null or a.process_id = :process)
      and (:group_key = '' or a.group_key = :group_key)
      and (:theme = '' or q.theme = :theme)
"""
COUNT_SQL = "select count(*)" + _FILTERED_FROM
HITS_SQL = (
    "select p.code, p.post_title, a.group_key, q.theme, q.text_sv, q.text_en, coalesce(r.is_synthetic, 0), "
    f"snippet(answers_fts, 0, '{swedish_search.MARK_OPEN}', '{swedish_search.MARK_CLOSE}', '…', {SNIPPET_TOKENS})"
    + _FILTERED_FROM
    + " order by p.code, a.group_key, q.position, a.rowid limit :limit offset :offset"
)


def _options(conn, lang: str) -> dict:
    """What the filters offer: processes, respondent groups, themes of free-text questions."""
    processes = [
        dict(zip(("id", "code", "post_title"), row))
        for row in conn.execute("select id, code, post_title from processes order by code")
    ]
    themes = [
        row[0]
        for row in conn.execute(
            "select distinct theme from questions where type = 'text' and theme is not null and theme != '' order by theme"
        )
    ]
    return {
        "processes": processes,
        "groups": aggregates.groups(conn, lang),
        "themes": [(key, i18n.theme_label(key, lang)) for key in themes],
    }


def _filters(request, options: dict) -> dict:
    """The chosen filters; a value the form never offers (edited by hand) counts as no filter."""
    process = pages._int_arg(request, "process")
    group_key = request.args.get("group") or ""
    theme = request.args.get("theme") or ""
    try:
        page = max(1, min(int((request.args.get("page") or "1")[:6]), 10**5))
    except ValueError:
        page = 1
    return {
        "process": process if any(p["id"] == process for p in options["processes"]) else None,
        "group_key": group_key if any(key == group_key for key, _label in options["groups"]) else "",
        "theme": theme if any(key == theme for key, _label in options["themes"]) else "",
        "page": page,
    }


def _search(conn, request, lang: str, text: str) -> dict:
    """Everything the page shows, on one read-only connection."""
    options = _options(conn, lang)
    options["synthetic_present"] = bool(synthetic.answer_processes(conn))
    chosen = _filters(request, options)
    result = {"options": options, "chosen": chosen, "plan": None, "total": None, "hits": []}
    if not swedish_search.typed_words(text):
        return result
    plan = swedish_search.plan(text, swedish_search.index_vocabulary(conn))
    result["plan"] = plan
    expression = plan.expression()
    if expression is None:
        result["total"] = 0
        return result
    params = {key: chosen[key] for key in ("process", "group_key", "theme")}
    params["include_synthetic"] = int(synthetic.included(request))
    params["query"] = expression
    result["total"] = conn.execute(COUNT_SQL, params).fetchone()[0]
    rows = conn.execute(HITS_SQL, dict(params, limit=PAGE_SIZE, offset=(chosen["page"] - 1) * PAGE_SIZE)).fetchall()
    group_labels = dict(options["groups"])
    result["hits"] = [
        {
            "process": f"{code} – {post_title}" if post_title else code,
            "group": group_labels.get(group_key, group_key),
            "theme": i18n.theme_label(theme, lang),
            "question": text_en if lang == "en" else text_sv,
            "snippet": swedish_search.marked(snippet),
            "is_synthetic": bool(is_synthetic),
        }
        for code, post_title, group_key, theme, text_sv, text_en, is_synthetic, snippet in rows
    ]
    return result


def _page_link(text: str, chosen: dict, lang: str, page: int, synthetic_value: str = "") -> str:
    params = {"q": text, "process": chosen["process"] or "", "group": chosen["group_key"], "theme": chosen["theme"],
              "synthetic": synthetic_value}
    params = {key: value for key, value in params.items() if value}
    return "/-/medverkan/search?" + urlencode(dict(params, lang=lang, page=page))


async def search(request, datasette):
    if not access.has_full_access(request.actor):
        return await pages._deny(request, datasette)
    lang = i18n.language(request)
    _ = i18n.translator(lang)
    text = (request.args.get("q") or "")[:MAX_QUERY_CHARS]
    data = await pages._database(datasette).execute_fn(lambda conn: _search(conn, request, lang, text))
    plan, total, chosen = data["plan"], data["total"], data["chosen"]
    notes = []
    if text.strip() and plan is None:
        notes.append(_("Write at least one word (letters or digits)."))
    if plan is not None:
        for word in plan.words:
            if word.too_general:
                notes.append(_("“{word}” is part of too many words to search for: write more of it.", word=word.typed))
            elif not word.terms:
                notes.append(_("No answer has a word like “{word}”.", word=word.typed))
        if plan.dropped:
            notes.append(_("Only the first {n} words were searched for.", n=swedish_search.MAX_WORDS))
    pages_total = max(1, -(-(total or 0) // PAGE_SIZE))
    kept = request.args.get(synthetic.PARAM, "")  # the synthetic choice travels with the page links
    context = {
        "q": text,
        "hits": data["hits"] if total is not None else None,
        "total": total,
        "total_label": i18n.format_number(total or 0, lang),
        "first": (chosen["page"] - 1) * PAGE_SIZE + 1,
        "last": (chosen["page"] - 1) * PAGE_SIZE + len(data["hits"]),
        "notes": notes,
        "searched": [
            {"typed": w.typed, "stem": w.shown, "count": len(w.terms)} for w in (plan.words if plan else []) if w.terms
        ],
        "options": data["options"],
        "chosen": chosen,
        "previous": _page_link(text, chosen, lang, chosen["page"] - 1, kept) if chosen["page"] > 1 else None,
        "next": _page_link(text, chosen, lang, chosen["page"] + 1, kept) if chosen["page"] < pages_total else None,
        "synthetic": synthetic.view(request, present=data["options"]["synthetic_present"]),
        "synthetic_hits": any(hit["is_synthetic"] for hit in data["hits"]),
    }
    return await pages._render(datasette, request, "medverkan_search.html", context)
