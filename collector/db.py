"""Connections to Medverkan's two SQLite files.

There are two databases on purpose:

* the **served** database (``DATABASE``) holds processes, instruments,
  anonymous responses and answers. Datasette reads this file. It must never
  hold a name, an email address, a token or anything that links a response
  to an invitation.
* the **contacts** database (``CONTACTS_DATABASE``) holds participants,
  invitations (token hashes only), drafts, receipts, staff accounts and the
  audit log. Datasette is never given this file.

Every connection gets the same pragmas: WAL (a persistent property of the
file, set by the first migration), ``synchronous=FULL`` so an acknowledged
submission survives a power loss, ``foreign_keys=ON`` (SQLite's default is
off), a ``busy_timeout`` so short lock waits queue instead of failing, and
``secure_delete=ON`` so deleted rows and freed pages are zeroed, not left
readable in the file.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import threading
import time
from collections import OrderedDict
from collections.abc import Iterator

import sqlite_utils
from flask import current_app
from flask import g

from datasette_plugins.sql_functions import register_functions as register_statistics_functions

BUSY_TIMEOUT_MS = 5000


def connect(path: str, *, register_functions: bool = True) -> sqlite_utils.Database:
    """Open ``path`` with Medverkan's pragmas and return a sqlite-utils Database.

    ``isolation_level=None`` puts the sqlite3 module in autocommit mode so
    that we, not the driver, decide where transactions start (see
    :func:`immediate_transaction`).
    """
    conn = sqlite3.connect(
        path,
        timeout=BUSY_TIMEOUT_MS / 1000,
        isolation_level=None,
        check_same_thread=False,
    )
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    conn.execute("PRAGMA synchronous = FULL")
    conn.execute("PRAGMA foreign_keys = ON")
    # Deleted content is overwritten with zeros (withdrawals, purges): see
    # collector.respondent.erasure.
    conn.execute("PRAGMA secure_delete = ON")
    db = sqlite_utils.Database(conn)
    if register_functions:
        # Statistics functions are registered on every connection, the
        # collector's included, so that views never depend on a function
        # only Datasette has.
        register_statistics_functions(conn)
    return db


@contextlib.contextmanager
def immediate_transaction(db: sqlite_utils.Database) -> Iterator[sqlite_utils.Database]:
    """Run the block in one ``BEGIN IMMEDIATE`` transaction.

    sqlite-utils' ``db.atomic()`` opens a *deferred* transaction: when two
    writers overlap, upgrading the read lock to a write lock fails at once
    with "database is locked" and ``busy_timeout`` does not help. Taking the
    write lock up front makes the second writer wait in the busy handler
    instead. We retry ``BEGIN IMMEDIATE`` ourselves with a short sleep, which
    keeps tail latency low under contention (SQLite's own handler backs off
    up to 100 ms).
    """
    conn = db.conn
    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    while True:
        try:
            conn.execute("BEGIN IMMEDIATE")
            break
        except sqlite3.OperationalError as error:
            if "locked" not in str(error) and "busy" not in str(error):
                raise
            if time.monotonic() > deadline:
                raise
            time.sleep(0.0005)
    try:
        yield db
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    else:
        conn.execute("COMMIT")


class _ConnectionPool(threading.local):
    """Each worker thread keeps its connections open between requests.

    Opening a connection (pragmas, WAL index, the statistics functions) costs
    more than a whole submission's SQL, so a gunicorn sync worker reuses one
    connection per database file instead of the Flask tutorial's
    open-per-request. A connection is reopened when the file was replaced
    (``medverkan restore`` installs new files) or the process forked, and at
    most :attr:`LIMIT` files stay open per thread (tests create hundreds).
    """

    LIMIT = 4

    def __init__(self):
        self.connections: OrderedDict[str, tuple[int, tuple[int, int], sqlite_utils.Database]] = OrderedDict()

    def get(self, path: str) -> sqlite_utils.Database:
        identity = _file_identity(path)
        cached = self.connections.pop(path, None)
        if cached is not None:
            pid, known_identity, db = cached
            if pid == os.getpid() and known_identity == identity and identity is not None:
                self.connections[path] = cached
                return db
            if pid == os.getpid():
                db.conn.close()
        db = connect(path)
        self.connections[path] = (os.getpid(), _file_identity(path), db)
        while len(self.connections) > self.LIMIT:
            _, (pid, _, oldest) = self.connections.popitem(last=False)
            if pid == os.getpid():
                oldest.conn.close()
        return db

    def close_all(self) -> None:
        while self.connections:
            _, (pid, _, db) = self.connections.popitem()
            if pid == os.getpid():
                db.conn.close()


def _file_identity(path: str) -> tuple[int, int] | None:
    try:
        stat = os.stat(path)
    except OSError:
        return None
    return (stat.st_dev, stat.st_ino)


_pool = _ConnectionPool()


def get_db() -> sqlite_utils.Database:
    """Return the served database for this request (a pooled connection)."""
    if "db" not in g:
        g.db = _pool.get(current_app.config["DATABASE"])
    return g.db


def get_contacts_db() -> sqlite_utils.Database:
    """Return the contacts database for this request (a pooled connection)."""
    if "contacts_db" not in g:
        g.contacts_db = _pool.get(current_app.config["CONTACTS_DATABASE"])
    return g.contacts_db


def close_db(error: BaseException | None = None) -> None:
    """End the request's use of both connections.

    The connections stay open for the next request; a transaction left
    open by an error is rolled back so the next request starts clean.
    """
    for name in ("db", "contacts_db"):
        db = g.pop(name, None)
        if db is not None and db.conn.in_transaction:
            db.conn.execute("ROLLBACK")


def close_pooled_connections() -> None:
    """Close this thread's pooled connections (tests, before removing files)."""
    _pool.close_all()


def init_app(app) -> None:
    """Close the request's connections when its app context ends."""
    app.teardown_appcontext(close_db)
