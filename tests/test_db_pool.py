"""Pooled connections: reused between requests, never stale, never left mid-transaction."""

from __future__ import annotations

import os
import sqlite3

from collector.db import get_contacts_db
from collector.db import get_db


def _process_codes(app) -> list[str]:
    with app.app_context():
        return [row[0] for row in get_db().execute("select code from processes order by code")]


def test_a_worker_reuses_its_connection_between_requests(app):
    with app.app_context():
        first = get_db()
    with app.app_context():
        second = get_db()
    assert first is second
    with app.app_context():
        assert get_contacts_db() is not first


def test_a_replaced_database_file_is_reopened(app):
    served = app.config["DATABASE"]
    with app.app_context():
        get_db().execute("insert into processes (code, post_title, status) values ('OLD-1', 'x', 'planning')")
    assert _process_codes(app) == ["OLD-1"]
    # What `medverkan restore` does: a verified copy made next to the file
    # (a rename cannot cross file systems) is moved over it.
    replacement = os.path.join(os.path.dirname(served), "replacement.db")
    source, conn = sqlite3.connect(served), sqlite3.connect(replacement)
    source.backup(conn)
    source.close()
    conn.execute("update processes set code = 'RESTORED-1'")
    conn.commit()
    conn.close()
    for suffix in ("-wal", "-shm"):
        if os.path.exists(served + suffix):
            os.remove(served + suffix)
    os.replace(replacement, served)
    assert _process_codes(app) == ["RESTORED-1"]


def test_a_transaction_left_open_by_an_error_is_rolled_back(app):
    with app.app_context():
        db = get_db()
        db.conn.execute("BEGIN IMMEDIATE")
        db.execute("insert into processes (code, post_title, status) values ('HALF-1', 'x', 'planning')")
        # The view raised here; the app context ends without a commit.
    with app.app_context():
        assert not get_db().conn.in_transaction
        assert _process_codes(app) == []
        # And the write lock is free for the next request.
        get_db().conn.execute("BEGIN IMMEDIATE")
        get_db().conn.execute("ROLLBACK")
