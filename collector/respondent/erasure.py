"""Erasing what a withdrawal leaves behind in the served database.

Deleting rows is not enough to keep the promise "no trace after a
withdrawal": SQLite 3.40 has no FTS5 ``secure-delete`` (3.44+), so an
external-content FTS5 'delete' only *adds* a tombstone segment and the
terms of the deleted text stay in ``answers_fts_data`` (readable with SQL)
until a merge drops them; freed b-tree pages keep the old cell bytes; and
the WAL keeps earlier page images until it is reset.

So, in the withdrawal's own transaction, :func:`merge_full_text_index` merges
the whole full-text index into one segment ('optimize'), which drops every
deleted entry, and every connection runs with ``PRAGMA secure_delete = ON``
(``collector.db.connect``) so deleted cells and freed pages are zeroed.
After the commit, :func:`truncate_wal` checkpoints the WAL into the file
and truncates it. Cost: one rewrite of the full-text index per withdrawal
(measured by ``bench/withdrawal_erasure.py``; withdrawals are rare).
"""

from __future__ import annotations

import logging
import time

_log = logging.getLogger(__name__)


def merge_full_text_index(conn) -> None:
    """Merge the full-text index into one segment.

    After a withdrawal (in its transaction): 'optimize' writes one new
    segment from the live entries only, so deleted answers' terms leave
    its storage; the old segments' pages are freed (and zeroed by
    secure_delete). After a submission with free text: FTS5 writes one
    segment per transaction and merges segments by age, so which segment
    a docid sits in would tell how recent its answer is (issue 10 part 2);
    one segment tells nothing.
    """
    conn.execute("insert into answers_fts(answers_fts) values ('optimize')")


def truncate_wal(conn, *, attempts: int = 20, pause: float = 0.05) -> bool:
    """Copy the WAL into the database file and truncate it; True when done.

    A reader in the middle of a query (Datasette) can keep old frames
    alive; the checkpoint is retried for about a second, then left to the
    next withdrawal or to SQLite's automatic checkpoints (logged).
    """
    for _ in range(attempts):
        busy, _frames, _done = conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        if not busy:
            return True
        time.sleep(pause)
    _log.warning("WAL not truncated after a withdrawal: a reader kept it busy")
    return False
