"""Issue 10 part 3: no role recovers one named person's answers by differencing over time.

The attack: a coordinator sees each participant's status ("Har svarat").
Taking the attitude figures before and after one named participant's
status flipped gave that person's answers exactly. Management does the
same with the figures over all processes when a process with a lone
respondent in a group closes.

The attacker here is stronger than the pages: it reads the exact value
counts behind every shown row (``aggregates.attitude_figures``, which the
attitudes page, its charts and totals are drawn from; the page shows them
merged), for one process, for a department and over all processes, after
every single event, and also runs management's canned query.
"""

from __future__ import annotations

import asyncio
import itertools

import pytest

from collector.respondent import submission
from datasette_plugins import aggregates
from tests.fixtures.datasette import actor_cookie
from tests.fixtures.datasette import make_datasette
from tests.fixtures.respondent import GROUP
from tests.fixtures.respondent import sample_instrument

K = 5


def snapshot(conn, process_ids) -> dict:
    """Everything a coordinator or management user can read at one moment: exact counts per shown row."""
    views = {"all": aggregates.attitude_figures(conn, k=K, suppress=True)}
    views["department"] = aggregates.attitude_figures(conn, process_ids=list(process_ids), k=K, suppress=True)
    for pid in process_ids:
        views[f"process {pid}"] = aggregates.attitude_figures(conn, process_id=pid, k=K, suppress=True)
    seen = {}
    for view, figures in views.items():
        for figure in figures:
            for row in [*figure.rows, *([figure.total] if figure.total else [])]:
                if not row.suppressed:
                    seen[(view, figure.key, figure.item, row.group_key)] = dict(row.counts)
    return seen


def single_answers_recovered(before: dict, after: dict) -> list:
    """Rows whose change between two moments is exactly one answer (one person's value)."""
    recovered = []
    for cell in set(before) | set(after):
        old, new = before.get(cell, {}), after.get(cell, {})
        difference = {v: new.get(v, 0) - old.get(v, 0) for v in set(old) | set(new)}
        difference = {v: d for v, d in difference.items() if d}
        if sum(abs(d) for d in difference.values()) == 1:
            recovered.append((cell, difference))
    return recovered


@pytest.fixture
def two_processes(served_db, registry):
    instrument = sample_instrument()
    instrument_id = registry.register_instrument(served_db, instrument)
    ids = []
    for code in ("P-1", "P-2"):
        ids.append(served_db["processes"].insert({"code": code, "post_title": "Enhetschef", "status": "collecting"}).last_pk)
    return served_db, instrument, instrument_id, ids


def answer(served_db, instrument, instrument_id, process_id, attitude: int):
    submission.store_response(
        served_db, process_id=process_id, group_key=GROUP, instrument_id=instrument_id,
        answers={"attitude": attitude, "had_intro": 2, "role": 1},
        language="sv", submitted_on="2026-05-01", instrument=instrument,
    )


def close(served_db, process_id, day):
    served_db.execute("update processes set status = 'closed', closed_on = ? where id = ?", [day, process_id])


def test_no_single_answer_is_recovered_from_figures_taken_over_time(two_processes):
    served_db, instrument, instrument_id, (p1, p2) = two_processes
    conn = served_db.conn
    events = []
    # Process 1: six respondents answer one by one; the coordinator watches statuses.
    for attitude in (4, 4, 5, 3, 4, 1):
        events.append(("answers in P-1", lambda a=attitude: answer(served_db, instrument, instrument_id, p1, a)))
    events.append(("P-1 closes", lambda: close(served_db, p1, "2026-05-10")))
    # Process 2: a lone respondent in the group, then it closes.
    events.append(("answers in P-2", lambda: answer(served_db, instrument, instrument_id, p2, 2)))
    events.append(("P-2 closes", lambda: close(served_db, p2, "2026-05-20")))
    moments = [snapshot(conn, (p1, p2))]
    for _name, event in events:
        event()
        moments.append(snapshot(conn, (p1, p2)))
    assert any(moments[-1].values()), "figures must still be shown once processes close"
    leaks = []
    for (i, before), (j, after) in itertools.combinations(enumerate(moments), 2):
        for cell, difference in single_answers_recovered(before, after):
            leaks.append((events[i][0] if i < len(events) else "?", events[j - 1][0], cell, difference))
    assert leaks == []


def test_a_collecting_process_shows_no_figures_to_aggregate_roles_but_does_to_evaluators(two_processes):
    served_db, instrument, instrument_id, (p1, _p2) = two_processes
    for attitude in (4, 4, 5, 3, 4, 1):
        answer(served_db, instrument, instrument_id, p1, attitude)
    assert aggregates.attitude_figures(served_db.conn, process_id=p1, k=K, suppress=True) == []
    assert aggregates.attitude_figures(served_db.conn, process_id=p1, k=K, suppress=False)
    close(served_db, p1, "2026-05-10")
    assert aggregates.attitude_figures(served_db.conn, process_id=p1, k=K, suppress=True)


def test_managements_canned_query_answers_only_for_closed_processes(two_processes, db_paths, monkeypatch):
    served_db, instrument, instrument_id, (p1, _p2) = two_processes
    for attitude in (4, 4, 5, 3, 4, 1):
        answer(served_db, instrument, instrument_id, p1, attitude)
    monkeypatch.setenv("MEDVERKAN_DS_LOGIN_URL", "http://collector.test/staff/login")
    ds = make_datasette(db_paths[0])

    async def rows():
        response = await ds.client.get(
            f"/medverkan/core_items_by_group.json?process_id={p1}&_shape=array", cookies=actor_cookie(ds, "mia", "management")
        )
        assert response.status_code == 200, response.text[:300]
        return response.json()

    assert asyncio.run(rows()) == []
    close(served_db, p1, "2026-05-10")
    assert len(asyncio.run(rows())) >= 1
