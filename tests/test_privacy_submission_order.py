"""Issue 10 part 2: the served database reveals no submission order and no date link.

The attack: an evaluator with SQL (Datasette) takes every sequence the
served database exposes - rowids of every table, ids, FTS docids, the
physical order of ``select *``, dates - and tries to put one process's
responses in the order they arrived (which in a recruitment is close to
the order people were invited). Then, holding the contacts side's
``answered_on`` (a coordinator sees "answered" per participant), tries to
match responses to invitations by date.

Responses are submitted through the real respondent flow, one per day
(the clock is moved), with values chosen in a random order so that values
themselves carry no arrival order.
"""

from __future__ import annotations

import datetime
import random
import sqlite3

import pytest

import tests.fixtures.respondent as flow
from collector.db import connect
from collector.respondent import search_release
from collector.respondent import submission
from tests.fixtures.respondent import answer_everything
from tests.fixtures.respondent import send

RESPONSES = 21  # meetings takes 0..20: one distinct value per response
# Spearman's rho of a random order has sd 1/sqrt(N-1) = 0.22; |rho| above
# 0.85 happens by chance with p < 2e-4 per sequence, and is 1.0 for an
# order that follows arrival.
RHO_BOUND = 0.85


def spearman(ranks: list[int]) -> float:
    """Rank correlation between position in a sequence and arrival rank."""
    n = len(ranks)
    if n < 3 or len(set(ranks)) < n:
        return 0.0
    order = {value: position for position, value in enumerate(sorted(ranks))}
    d2 = sum((position - order[value]) ** 2 for position, value in enumerate(ranks))
    return 1 - 6 * d2 / (n * (n * n - 1))


def first_occurrences(response_ids) -> list[int]:
    seen, ordered = set(), []
    for response_id in response_ids:
        if response_id is not None and response_id not in seen:
            seen.add(response_id)
            ordered.append(response_id)
    return ordered


@pytest.fixture
def arrivals(app, survey, monkeypatch):
    """Submit RESPONSES responses, one a day; returns (arrival rank by meetings value, invitation tokens)."""
    start = datetime.date(2026, 3, 2)
    values = list(range(RESPONSES))
    random.shuffle(values)
    tokens = []
    for day, meetings in enumerate(values):
        monkeypatch.setattr(submission, "_today", lambda day=day: (start + datetime.timedelta(days=day)).isoformat())
        pages = [dict(page) for page in flow.PAGE_POSTS]
        pages[0]["meetings"] = str(meetings)
        pages[2]["comments"] = f"Kommentar ord{meetings}x"
        monkeypatch.setattr(flow, "PAGE_POSTS", pages)
        client = app.test_client()
        token = survey.invite()
        answer_everything(client, token)
        assert send(client).status_code == 303
        tokens.append(token)
    return {meetings: rank for rank, meetings in enumerate(values)}, tokens


def exposed_sequences(conn) -> dict[str, list[int]]:
    """Every sequence of response ids an evaluator can read, by where it was read."""
    meetings_question = conn.execute("select id from questions where key = 'meetings'").fetchone()[0]
    response_of_row = dict(conn.execute("select rowid, response_id from answers"))
    sequences = {}
    for (name,) in conn.execute("select name from sqlite_master where type in ('table', 'view') and name not like 'sqlite_%'"):
        columns = [row[1] for row in conn.execute(f'pragma table_xinfo("{name}")')]
        has_rowid = not conn.execute(
            "select 1 from sqlite_master where name = ? and (sql like '%without rowid%' or type = 'view')", [name]
        ).fetchone()
        id_column = "response_id" if "response_id" in columns else ("id" if name == "responses" else None)
        if id_column:
            sequences[f"{name}: select * order"] = first_occurrences(r[0] for r in conn.execute(f'select {id_column} from "{name}"'))
            if has_rowid:
                sequences[f"{name}: rowid order"] = first_occurrences(
                    r[0] for r in conn.execute(f'select {id_column} from "{name}" order by rowid')
                )
        if "answer_rowid" in columns:
            sequences[f"{name}: answer_rowid order"] = first_occurrences(
                response_of_row.get(r[0]) for r in conn.execute(f'select answer_rowid from "{name}" order by answer_rowid')
            )
    sequences["answers_fts: docid order"] = first_occurrences(
        response_of_row.get(r[0]) for r in conn.execute("select rowid from answers_fts order by rowid")
    )
    sequences["answers_fts_docsize: physical order"] = first_occurrences(
        response_of_row.get(r[0]) for r in conn.execute("select id from answers_fts_docsize")
    )
    # answer_counts rows made by exactly one response: each meetings value is one response's.
    response_of_meetings = dict(
        conn.execute("select value_int, response_id from answers where question_id = ?", [meetings_question])
    )
    for order in ("rowid", "value_int"):
        sequences[f"answer_counts: {order} order"] = [
            response_of_meetings[r[0]]
            for r in conn.execute(f"select value_int from answer_counts where question_id = ? order by {order}", [meetings_question])
        ]
    sequences["answer_counts: physical order"] = [
        response_of_meetings[r[1]]
        for r in conn.execute("select question_id, value_int from answer_counts")
        if r[0] == meetings_question
    ]
    sequences["responses: submitted_on order"] = [
        r[0] for r in conn.execute("select id from responses order by submitted_on, rowid")
    ] if len({r[0] for r in conn.execute("select submitted_on from responses")}) > 1 else []
    return sequences


def test_no_exposed_sequence_follows_arrival_order(app, survey, arrivals):
    rank_of_meetings, _tokens = arrivals
    conn = sqlite3.connect(app.config["DATABASE"])
    meetings_question = conn.execute("select id from questions where key = 'meetings'").fetchone()[0]
    rank_of_response = {
        response_id: rank_of_meetings[value]
        for response_id, value in conn.execute("select response_id, value_int from answers where question_id = ?", [meetings_question])
    }
    assert len(rank_of_response) == RESPONSES
    correlated = {}
    for where, response_ids in exposed_sequences(conn).items():
        ranks = [rank_of_response[r] for r in response_ids if r in rank_of_response]
        rho = spearman(ranks)
        if abs(rho) > RHO_BOUND:
            correlated[where] = round(rho, 2)
    assert correlated == {}
    # Search still works, and finds each comment once the last batch is released.
    assert search_release.waiting(conn) == RESPONSES % app.config["FULL_TEXT_BATCH"]  # responses since the last batch
    search_release.release_now(connect(app.config["DATABASE"]))
    assert conn.execute("select count(*) from answers_fts where answers_fts match 'ord7x'").fetchone()[0] == 1
    conn.close()


def test_the_full_text_index_has_no_per_submission_segments(app, survey, arrivals):
    """FTS5 writes one segment per transaction and merges them by age: the
    segment a docid sits in would tell how recent its answer is."""
    conn = sqlite3.connect(app.config["DATABASE"])
    assert conn.execute("select count(distinct segid) from answers_fts_idx").fetchone()[0] == 1
    conn.close()


def test_no_date_links_a_response_to_an_invitation(app, survey, arrivals):
    """Dates kept on both sides: a response matches an invitation if dates agree."""
    served = sqlite3.connect(app.config["DATABASE"])
    submitted = [r[0] for r in served.execute("select submitted_on from responses where process_id = ?", [survey.process_id])]
    served.close()
    answered = [
        r[0]
        for r in survey.contacts.execute(
            "select answered_on from invitations where process_id = ? and status = 'answered'", [survey.process_id]
        )
    ]
    assert len(submitted) == len(answered) == RESPONSES
    # Within one process every response carries the same value: nothing to match on.
    assert len(set(submitted)) == 1
    unique_matches = sum(1 for day in answered if day is not None and sum(s == day for s in submitted) == 1)
    assert unique_matches == 0


def test_migration_shuffles_a_previous_versions_data_and_keeps_every_response(survey, db_paths):
    """A database written by the previous version (sequential rowids, a day
    per response) is rewritten by m005: every response, answer and count
    kept, no rowid sequence or date left in arrival order."""
    from collector.db import connect
    from collector.migrations import migrate_served
    from tests.test_submission import ANSWERS
    from tests.test_submission import assert_counts_consistent

    conn = survey.served.conn
    # The previous version's writes: rowids by arrival, the day of submission.
    for day in range(RESPONSES):
        submission.store_response(
            survey.served, process_id=survey.process_id, group_key=flow.GROUP, instrument_id=survey.instrument_id,
            answers={**ANSWERS, "meetings": day, "wants_more_what": f"text{day}"}, language="sv",
            submitted_on=f"2026-04-{day + 1:02d}", response_id=1000 + day,
        )
    conn.execute("update responses set submitted_on = '2026-04-' || printf('%02d', id - 999)")
    for table in ("answers", "answer_counts", "response_counts"):
        order = "response_id" if table == "answers" else "rowid"
        conn.execute(f"create temp table old_{table} as select * from {table}")
        conn.execute(f"delete from {table}")
        conn.execute(f"insert into {table} select * from temp.old_{table} order by {order}")  # rowids 1, 2, 3...
    conn.execute("insert into answers_fts(answers_fts) values ('rebuild')")
    before = {t: conn.execute(f"select count(*) from {t}").fetchone()[0] for t in ("responses", "answers", "answer_counts")}
    assert [r[0] for r in conn.execute("select response_id from answers order by rowid")] == sorted(
        r[0] for r in conn.execute("select response_id from answers")
    )
    conn.execute("delete from _sqlite_migrations where name = 'm006_no_arrival_order'")

    served = connect(db_paths[0])
    migrate_served(served)

    after = {t: served.execute(f"select count(*) from {t}").fetchone()[0] for t in ("responses", "answers", "answer_counts")}
    assert after == before
    assert_counts_consistent(served)
    by_rowid = first_occurrences(r[0] for r in served.execute("select response_id from answers order by rowid"))
    assert abs(spearman([r - 1000 for r in by_rowid])) < RHO_BOUND
    assert {r[0] for r in served.execute("select submitted_on from responses")} == {"2026"}
    assert served.execute("select count(*) from answers_fts where answers_fts match 'text7'").fetchone()[0] == 1
    assert served.execute("select count(distinct segid) from answers_fts_idx").fetchone()[0] == 1
