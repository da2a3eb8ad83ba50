"""Free text enters the full-text index in batches (collector.respondent.search_release).

A submission with free text no longer rewrites the whole index: its text
waits, unsearchable and unreadable from Datasette, until FULL_TEXT_BATCH
answers wait or `medverkan release-search` runs; then the batch enters in
random order and the index is merged into one segment once. Submissions
go through the real respondent flow; Datasette is the real one with our
plugins (``datasette.client``).
"""

from __future__ import annotations

import sqlite3
import textwrap

import pytest

from collector.db import connect
from collector.migrations import init_databases
from collector.ops.cli import cli
from collector.respondent import search_release
from collector.respondent.submission import store_response
from tests.fixtures.datasette import actor_cookie
from tests.fixtures.datasette import make_datasette
from tests.fixtures.previous_version import run_in_previous_version
from tests.test_privacy_withdrawal_residue import file_bytes_hold
from tests.test_privacy_withdrawal_residue import submit_with_comment
from tests.test_privacy_withdrawal_residue import tables_holding
from tests.test_privacy_withdrawal_residue import withdraw_through_the_page

BATCH = 8


def index_storage(path: str) -> list:
    """Every row FTS5 keeps for the index (segments, structure, doc sizes)."""
    conn = sqlite3.connect(path)
    try:
        return [
            sorted(conn.execute(f"select * from {table}").fetchall())
            for table in ("answers_fts_data", "answers_fts_idx", "answers_fts_docsize")
        ]
    finally:
        conn.close()


def word(n: int) -> str:
    return f"Batchord{chr(ord('a') + n)}x"


def test_a_batch_minus_one_waits_outside_the_index_and_the_last_releases_all_in_one_random_segment(app, survey):
    app.config["FULL_TEXT_BATCH"] = BATCH
    served_path = app.config["DATABASE"]
    before = index_storage(served_path)
    for n in range(BATCH - 1):
        submit_with_comment(app, survey, f"Svar {word(n)}")
    assert index_storage(served_path) == before  # not one byte of the index changed
    conn = sqlite3.connect(served_path)
    assert conn.execute("select count(distinct response_id) from free_text_waiting").fetchone()[0] == BATCH - 1
    assert conn.execute("select count(*) from answers where value_text is not null").fetchone()[0] == 0
    conn.close()

    submit_with_comment(app, survey, f"Svar {word(BATCH - 1)}")  # the Nth

    conn = sqlite3.connect(served_path)
    assert conn.execute("select count(*) from free_text_waiting").fetchone()[0] == 0
    assert conn.execute("select count(distinct segid) from answers_fts_idx").fetchone()[0] == 1
    arrival_of_docid = {}
    for n in range(BATCH):
        hits = conn.execute("select rowid from answers_fts where answers_fts match ?", [word(n)]).fetchall()
        assert len(hits) == 1, word(n)
        arrival_of_docid[hits[0][0]] = n
    docids = sorted(arrival_of_docid)
    # Random 62-bit docids (the rows' rowids): neither consecutive nor in arrival order.
    assert [arrival_of_docid[d] for d in docids] != list(range(BATCH))
    assert min(b - a for a, b in zip(docids, docids[1:])) > BATCH
    # Each response's other text answer ("wants_more_what") came in the same batch.
    assert conn.execute("select count(*) from answers_fts where answers_fts match 'jobbet'").fetchone()[0] == BATCH
    assert set(docids) < {r[0] for r in conn.execute("select rowid from answers where value_text is not null")}
    conn.close()


def test_withdrawing_a_waiting_answer_leaves_no_word_and_never_touches_the_index(app, survey):
    app.config["FULL_TEXT_BATCH"] = 10
    served_path = app.config["DATABASE"]
    submit_with_comment(app, survey, "Det var bra Kvarstaendeord")
    code = submit_with_comment(app, survey, "Jag heter Zyxwvutsqpanorama")
    assert tables_holding(served_path, "Zyxwvutsqpanorama") == ["free_text_waiting"]  # the attack's target
    before = index_storage(served_path)

    withdraw_through_the_page(app, code)

    assert tables_holding(served_path, "Zyxwvutsqpanorama") == []
    assert file_bytes_hold(served_path, "Zyxwvutsqpanorama") == []
    assert index_storage(served_path) == before
    served = connect(served_path)
    assert search_release.release_now(served) == 2  # the other response's two answers are kept, and released
    served.conn.close()
    conn = sqlite3.connect(served_path)
    assert conn.execute("select count(*) from answers_fts where answers_fts match 'Kvarstaendeord'").fetchone()[0] == 1
    assert conn.execute("select count(*) from answers_fts where answers_fts match 'Zyxwvutsqpanorama'").fetchone()[0] == 0
    conn.close()


def test_release_search_command_makes_waiting_answers_searchable_in_one_segment(app, survey, runner):
    app.config["FULL_TEXT_BATCH"] = 10
    served_path = app.config["DATABASE"]
    for n in range(3):
        submit_with_comment(app, survey, f"Svar {word(n)}")

    result = runner.invoke(cli, args=["release-search"])

    assert result.exit_code == 0, result.output
    assert "6 free-text answers released" in result.output  # two text questions each
    conn = sqlite3.connect(served_path)
    found = [conn.execute("select count(*) from answers_fts where answers_fts match ?", [word(n)]).fetchone()[0] for n in range(3)]
    assert found == [1, 1, 1]
    assert conn.execute("select count(distinct segid) from answers_fts_idx").fetchone()[0] == 1
    assert conn.execute("select count(*) from free_text_waiting").fetchone()[0] == 0
    conn.close()
    again = runner.invoke(cli, args=["release-search"])
    assert again.exit_code == 0 and "0 free-text answers released" in again.output


@pytest.mark.asyncio
async def test_evaluators_can_neither_search_nor_read_waiting_answers_but_find_released_ones(app, survey, monkeypatch):
    monkeypatch.setenv("MEDVERKAN_DS_LOGIN_URL", "http://collector.test/staff/login")
    app.config["FULL_TEXT_BATCH"] = 10
    served_path = app.config["DATABASE"]
    submit_with_comment(app, survey, "Vi fick bra återkoppling Frislapptord")
    served = connect(served_path)
    search_release.release_now(served)
    served.conn.close()
    submit_with_comment(app, survey, "Väntande svar Vantarkvarord")
    ds = make_datasette(served_path)
    cookies = actor_cookie(ds, "eva", "evaluator")

    released = await ds.client.get("/-/medverkan/search", params={"q": "Frislapptord"}, cookies=cookies)
    assert "1 svar hittades" in released.text
    assert "Nya svar läggs in i sökningen i omgångar" in released.text
    waiting = await ds.client.get("/-/medverkan/search", params={"q": "Vantarkvarord"}, cookies=cookies)
    assert "<mark>" not in waiting.text and "Väntande svar" not in waiting.text
    assert "svar hittades" not in waiting.text or '<h2 id="hits-h">0 svar hittades</h2>' in waiting.text
    # The attack: the evaluator's own SQL, on the table or through page statistics.
    database = ds.get_database().name
    for sql in (
        "select value_text from free_text_waiting",
        "select count(*) from free_text_waiting",
        "select rowid, response_id from free_text_waiting",
        "select sum(ncell) from dbstat where name = 'free_text_waiting'",
    ):
        response = await ds.client.get(f"/{database}.json", params={"sql": sql, "_shape": "array"}, cookies=cookies)
        assert response.status_code != 200 or "Vantarkvarord" not in response.text, sql
        assert response.status_code in (400, 403), (sql, response.status_code, response.text[:200])
    table_page = await ds.client.get(f"/{database}/free_text_waiting", cookies=cookies)
    assert table_page.status_code == 403
    listing = await ds.client.get(f"/{database}.json", cookies=cookies)
    assert "free_text_waiting" not in [table["name"] for table in listing.json()["tables"]]
    # Row pages of what a waiting row refers to still work (no foreign key makes Datasette count it).
    conn = sqlite3.connect(served_path)
    response_id, question_id = conn.execute("select response_id, question_id from free_text_waiting").fetchone()
    conn.close()
    for path in (f"/{database}/responses/{response_id}", f"/{database}/questions/{question_id}"):
        assert (await ds.client.get(path, cookies=cookies)).status_code == 200, path
    # Other tables stay readable.
    answers = await ds.client.get(
        f"/{database}.json",
        params={"sql": "select count(*) as n from answers where value_text is not null", "_shape": "array"},
        cookies=cookies,
    )
    assert answers.status_code == 200 and answers.json() == [{"n": 2}]  # the released response's two


PREVIOUS = "0869d86"  # main before this branch: every free-text answer indexed at once
OLD_VERSION_SCRIPT = textwrap.dedent('''
    import sys
    from collector.migrations import init_databases
    from collector.db import connect
    from collector.respondent.submission import store_response
    served_path, contacts_path = sys.argv[1:3]
    init_databases(served_path, contacts_path)
    served = connect(served_path)
    process_id = served.execute("insert into processes (code, post_title, status) values ('OLD-1', 'Chef', 'collecting')").lastrowid
    served.conn.commit()
    instrument_id = served.execute("select id from instruments where group_key = 'representative' order by id limit 1").fetchone()[0]
    for n in range(5):
        answers = {"overall_comments": f"Gammalt svar Gammalord{n}x"} if n < 4 else {}
        store_response(served, process_id=process_id, group_key="representative", instrument_id=instrument_id,
                       answers=answers, language="sv", submitted_on="2026-11-01")
''')


def test_a_previous_versions_database_upgrades_with_every_response_and_its_text_searchable(tmp_path):
    served_path, contacts_path, _ = run_in_previous_version(tmp_path, PREVIOUS, OLD_VERSION_SCRIPT)
    served = connect(served_path)
    assert "free_text_waiting" not in served.table_names()
    before = {t: served.execute(f"select count(*) from {t}").fetchone()[0] for t in ("responses", "answers", "answer_counts")}
    served.conn.close()

    init_databases(served_path, contacts_path)

    served = connect(served_path)
    after = {t: served.execute(f"select count(*) from {t}").fetchone()[0] for t in ("responses", "answers", "answer_counts")}
    assert after == before and after["responses"] == 5
    assert served.execute("select count(*) from free_text_waiting").fetchone()[0] == 0  # nothing was waiting
    found = [
        served.execute("select count(*) from answers_fts where answers_fts match ?", [f"Gammalord{n}x"]).fetchone()[0]
        for n in range(4)
    ]
    assert found == [1, 1, 1, 1]
    # New text after the upgrade waits for a batch, then joins the old in one segment.
    instrument_id = served.execute("select id from instruments where group_key = 'representative' order by id limit 1").fetchone()[0]
    process_id = served.execute("select id from processes where code = 'OLD-1'").fetchone()[0]
    store_response(
        served, process_id=process_id, group_key="representative", instrument_id=instrument_id,
        answers={"overall_comments": "Nytt svar Nyttord"}, language="sv", submitted_on="2026-11-02", full_text_batch=2,
    )
    assert served.execute("select count(*) from answers_fts where answers_fts match 'Nyttord'").fetchone()[0] == 0
    assert search_release.release_now(served) == 1
    assert served.execute("select count(*) from answers_fts where answers_fts match 'Nyttord'").fetchone()[0] == 1
    assert served.execute("select count(distinct segid) from answers_fts_idx").fetchone()[0] == 1
    served.conn.close()


def test_a_batch_size_that_is_not_a_number_falls_back_to_the_default_and_loses_no_submission(app, survey):
    app.config["FULL_TEXT_BATCH"] = "tio"
    with app.app_context():
        assert search_release.configured_batch() == 10
    submit_with_comment(app, survey, "Svar trots konfigurationsfel Felkonfigord")
    conn = sqlite3.connect(app.config["DATABASE"])
    assert conn.execute("select count(*) from free_text_waiting where value_text like '%Felkonfigord%'").fetchone()[0] == 1
    conn.close()
