"""collector.db.immediate_transaction: all or nothing, and a second writer waits.

The write path's guarantees (one response with all its answers, exact
counts) rest on this helper; these tests break if it stops rolling back or
stops taking the write lock up front.
"""

from __future__ import annotations

import threading
import time

import pytest

from collector.db import connect
from collector.db import immediate_transaction


class Boom(Exception):
    pass


def test_an_error_inside_rolls_back_everything_written(served_db):
    before = served_db.execute("select count(*) from departments").fetchone()[0]
    with pytest.raises(Boom):
        with immediate_transaction(served_db):
            served_db.execute("insert into departments (key, name_sv, name_en) values ('a', 'A', 'A')")
            served_db.execute("insert into departments (key, name_sv, name_en) values ('b', 'B', 'B')")
            raise Boom
    assert served_db.execute("select count(*) from departments").fetchone()[0] == before
    assert not served_db.conn.in_transaction


def test_the_write_lock_is_taken_when_the_transaction_begins(db_paths):
    """While one connection is inside ``immediate_transaction`` (before writing
    anything), another cannot start a write: the lock is held from BEGIN on."""
    holder = connect(db_paths[0])
    other = connect(db_paths[0])
    other.conn.execute("PRAGMA busy_timeout = 0")
    try:
        with immediate_transaction(holder):
            with pytest.raises(Exception, match="locked|busy"):
                other.conn.execute("BEGIN IMMEDIATE")
    finally:
        holder.conn.close()
        other.conn.close()


def test_a_second_writer_waits_for_the_first_instead_of_failing(db_paths):
    first, second = connect(db_paths[0]), connect(db_paths[0])
    started, order = threading.Event(), []

    def hold():
        with immediate_transaction(first):
            first.execute("insert into departments (key, name_sv, name_en) values ('first', 'F', 'F')")
            started.set()
            time.sleep(0.3)
            order.append("first")

    thread = threading.Thread(target=hold)
    thread.start()
    started.wait(5)
    with immediate_transaction(second):
        # The read that a deferred transaction would take first, then the write.
        count = second.execute("select count(*) from departments where key = 'first'").fetchone()[0]
        second.execute("insert into departments (key, name_sv, name_en) values ('second', 'S', 'S')")
        order.append("second")
    thread.join()
    first.conn.close()
    second.conn.close()
    assert order == ["first", "second"] and count == 1
