"""Tables Datasette must never read, whatever SQL an evaluator writes.

``free_text_waiting`` holds the free-text answers submitted since the last
release to the search (``collector.respondent.search_release``): exactly
"the newest answers", the arrival order the served database must not
reveal (docs/privacy.md, "Free text enters search in batches"). Hiding
the table page is not enough - evaluators run their own SQL - so every
Datasette connection gets an SQLite authorizer that refuses any read of
it (a column, ``rowid`` or ``count(*)``: SQLite asks for each). ``dbstat``
is refused too: its per-page cell counts and payload sizes would count
the waiting rows without reading them.
"""

from __future__ import annotations

import sqlite3

UNREADABLE_TABLES = frozenset({"free_text_waiting", "dbstat"})


def _authorize(action, table, _column, _database, _trigger_or_view):
    if action == sqlite3.SQLITE_READ and table is not None and table.lower() in UNREADABLE_TABLES:
        return sqlite3.SQLITE_DENY
    return sqlite3.SQLITE_OK


def guard(conn) -> None:
    """Install the authorizer on one of Datasette's connections."""
    conn.set_authorizer(_authorize)
