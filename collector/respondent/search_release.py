"""Free-text answers enter the full-text index in batches, never one by one.

FTS5 writes one segment per transaction and merges segments by age, so an
answer indexed on its own would sit in a segment that tells how recent it
is (issue 10 part 2). Merging the whole index into one segment after every
submission hides that, but costs a rewrite of the index (about a second at
60,000 answers) while holding the served database's write lock, and every
other submission queues behind it (``bench/README.md``).

So a submission stores its text rows in ``free_text_waiting`` (durably, in
its own transaction, with random rowids) instead of ``answers``. When
text of at least ``FULL_TEXT_BATCH`` responses waits, or when ``medverkan release-search``
runs (daily, from cron), :func:`release` moves every waiting row into
``answers`` in random order - the full-text triggers index them - and merges
the index into one segment once. After a release nothing tells the batches
apart: one segment, random docids.

What the waiting rows would reveal is "these are the newest answers"; the
table is unreadable from Datasette (``datasette_plugins.sql_functions``
denies every read of it, ``access`` hides it), so evaluators see a waiting
answer as not yet given, exactly like numeric answers that are not yet
submitted. Withdrawing a waiting answer deletes its row (zeroed by
``secure_delete``): it never reached the index, so nothing needs merging.
``docs/privacy.md`` ("Free text enters search in batches") has the argument.
"""

from __future__ import annotations

import logging

from collector import settings
from collector.db import immediate_transaction
from collector.respondent import erasure
from collector.tokens import new_row_id

WAITING_TABLE = "free_text_waiting"
_log = logging.getLogger(__name__)


def configured_batch() -> int:
    """``FULL_TEXT_BATCH`` of the running app (a request or a CLI command), else the default.

    A value that is not a number is logged and replaced by the default:
    a typo in the configuration must not fail submissions.
    """
    from flask import current_app
    from flask import has_app_context

    value = current_app.config.get("FULL_TEXT_BATCH", settings.FULL_TEXT_BATCH) if has_app_context() else None
    try:
        return max(1, int(value if value is not None else settings.FULL_TEXT_BATCH))
    except (TypeError, ValueError):
        _log.error("FULL_TEXT_BATCH %r is not a number: using %d", value, settings.FULL_TEXT_BATCH)
        return settings.FULL_TEXT_BATCH


def hold(conn, response_id: int, process_id: int, group_key: str, text_rows) -> None:
    """Store a submission's text rows ``(question_id, item, value_text)`` until the next release.

    Random rowids: the rowid becomes the answer's rowid and full-text docid
    on release, so nothing follows arrival.
    """
    conn.executemany(
        f"insert into {WAITING_TABLE} (rowid, response_id, question_id, item, value_text, process_id, group_key) "
        "values (?, ?, ?, ?, ?, ?, ?)",
        [
            (new_row_id(), response_id, question_id, item, value_text, process_id, group_key)
            for question_id, item, value_text in text_rows
        ],
    )


def waiting(conn) -> int:
    """How many responses have free text waiting for the next release.

    Responses, not answers: a batch then always mixes the text of at least
    that many respondents, however many text questions each answered.
    """
    return conn.execute(f"select count(distinct response_id) from {WAITING_TABLE}").fetchone()[0]


def release(conn) -> int:
    """Move every waiting answer into ``answers`` (and the index); the number moved.

    Run inside the caller's write transaction. The rows go in in random
    order under the rowids they waited with, the full-text insert trigger
    indexes them, and one 'optimize' leaves the index as one segment.
    """
    moved = conn.execute(
        f"insert into answers (rowid, response_id, question_id, item, value_text, process_id, group_key) "
        f"select rowid, response_id, question_id, item, value_text, process_id, group_key from {WAITING_TABLE} "
        "order by random()"
    ).rowcount
    if moved:
        conn.execute(f"delete from {WAITING_TABLE}")
        erasure.merge_full_text_index(conn)
    return moved


def release_when_batch_is_full(conn, batch: int) -> int:
    """:func:`release` when text of at least ``batch`` responses waits (in the caller's transaction); the number moved."""
    if waiting(conn) >= batch:
        return release(conn)
    return 0


def release_now(served_db) -> int:
    """Release whatever waits, in its own write transaction (``medverkan release-search``)."""
    with immediate_transaction(served_db):
        return release(served_db.conn)


def forget(conn, response_id: int) -> None:
    """Delete a withdrawn response's waiting answers (in the withdrawal's transaction)."""
    conn.execute(f"delete from {WAITING_TABLE} where response_id = ?", [response_id])
