"""A served database full of free-text answers, and one more submission: for the search benches.

Shared by ``withdrawal_erasure.py`` and ``swedish_search.py``: ``generate``
writes ``responses`` responses with three 20-word answers each (random
rowids, as the collector writes them) and merges the full-text index once;
``submit_text`` times one response with one free-text answer written the way
``store_response`` writes it, with or without the merge of the whole index.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable

from collector.db import connect
from collector.migrations import migrate_served
from collector.respondent import erasure


def generate(path: str, responses: int, words: Callable[[random.Random], list[str]], *, seed: int, capitalise=False) -> None:
    """``words(rng)`` gives the vocabulary each answer draws its 20 words from."""
    from collector.instruments.registry import sync_builtin_instruments

    db = connect(path)
    migrate_served(db)
    sync_builtin_instruments(db)
    conn = db.conn
    instrument_id, group_key = conn.execute("select id, group_key from instruments order by id limit 1").fetchone()
    text_questions = [row[0] for row in conn.execute("select id from questions where instrument_id = ? and type = 'text'", [instrument_id])]
    text_questions = (text_questions * 3)[:3]
    conn.execute("insert into processes (id, code, post_title, status) values (1, 'BENCH', 'Tjänst', 'closed')")
    rng = random.Random(seed)
    vocabulary = words(rng)
    conn.execute("PRAGMA synchronous = OFF")
    conn.execute("BEGIN")
    for response_id in range(1, responses + 1):
        conn.execute(
            "insert into responses (id, process_id, group_key, instrument_id, language, submitted_on) values (?, 1, ?, ?, 'sv', '2026')",
            [response_id, group_key, instrument_id],
        )
        for item, question_id in enumerate(text_questions):
            text = " ".join(rng.choice(vocabulary) for _ in range(20))
            conn.execute(
                "insert into answers (rowid, response_id, question_id, item, value_text, process_id, group_key) "
                "values (?, ?, ?, ?, ?, 1, ?)",
                [rng.getrandbits(62), response_id, question_id, str(item), text.capitalize() if capitalise else text, group_key],
            )
    conn.execute("COMMIT")
    conn.execute("insert into answers_fts(answers_fts) values ('optimize')")
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()


def submit_text(conn, response_id: int, text: str, *, merge: bool) -> float:
    """Seconds for one response with one free-text answer (and the whole index merged, if asked)."""
    instrument_id, group_key = conn.execute("select instrument_id, group_key from responses limit 1").fetchone()
    question_id = conn.execute("select question_id from answers limit 1").fetchone()[0]
    started = time.perf_counter()
    conn.execute("BEGIN IMMEDIATE")
    conn.execute(
        "insert into responses (id, process_id, group_key, instrument_id, language, submitted_on) values (?, 1, ?, ?, 'sv', '2026')",
        [response_id, group_key, instrument_id],
    )
    conn.execute(
        "insert into answers (rowid, response_id, question_id, item, value_text, process_id, group_key) values (?, ?, ?, '', ?, 1, ?)",
        [random.getrandbits(62), response_id, question_id, text, group_key],
    )
    if merge:
        erasure.merge_full_text_index(conn)
    conn.execute("COMMIT")
    return time.perf_counter() - started
