"""Response rates per group of one process, for the evaluators' process page.

The served database holds answers but not who was asked: invitations live
in the contacts database, which is never served. Datasette is given its
path (``MEDVERKAN_DS_CONTACTS``, config.py) to re-check accounts; here it
reads, read-only, three counts per group and nothing about a person. The
figures are the coordinator's (collector.coordinator.outreach.response_rates,
restated because this package must not import the collector; a test holds
the two to the same numbers). Without a contacts path, or when it cannot be
read, the page says where the rates are instead.
"""

from __future__ import annotations

import sqlite3

from datasette_plugins import charts
from datasette_plugins import i18n

INVITED_SQL = """
    select group_key, count(*), sum(status = 'answered') from invitations
    where process_id = ? group by group_key
"""
WITHDRAWN_SQL = """
    select group_key, count(*) from receipts
    where process_id = ? and withdrawn_on is not null group by group_key
"""


def for_process(contacts_path: str | None, process_id: int, groups: list[tuple[str, str]]) -> list[dict] | None:
    """Per group (in ``groups`` order, labelled): invited, answered, withdrawn
    and the rate in per cent (None without invitations). Groups with neither
    invitations nor withdrawals are left out. None when there is no contacts
    database to read."""
    if not contacts_path:
        return None
    try:
        conn = sqlite3.connect(f"file:{contacts_path}?mode=ro", uri=True, timeout=2)
        try:
            invited = {key: (n, answered or 0) for key, n, answered in conn.execute(INVITED_SQL, [process_id])}
            withdrawn = dict(conn.execute(WITHDRAWN_SQL, [process_id]).fetchall())
        finally:
            conn.close()
    except sqlite3.Error:
        return None
    rates = []
    for key, label in groups:
        if key not in invited and key not in withdrawn:
            continue
        n_invited, n_answered = invited.get(key, (0, 0))
        rates.append({
            "group_key": key,
            "label": label,
            "invited": n_invited,
            "answered": n_answered,
            "withdrawn": withdrawn.get(key, 0),
            "rate": round(100 * n_answered / n_invited) if n_invited else None,
        })
    return rates


def view(rates: list[dict] | None, lang: str) -> dict | None:
    """The chart and its table's rows for the page, or None without a contacts database."""
    if rates is None:
        return None
    _ = i18n.translator(lang)
    drawable = [(r["label"], r["rate"]) for r in rates if r["rate"] is not None]
    chart = charts.horizontal_bars(
        drawable, title=_("Response rate per group, %"), chart_id="response-rates",
        number=charts.percent_writer(lang), lang=lang,
    ) if drawable else None
    return {"rates": rates, "chart": chart}
