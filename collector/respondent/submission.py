"""The write path for answers: storing, submitting and withdrawing responses.

Anonymity, integrity and speed come from the order of a few short
transactions (``docs/ARCHITECTURE.md``, "Anonymity"), each one
``BEGIN IMMEDIATE`` so a second writer waits instead of failing:

0. reserve (contacts, with the first saved draft): a random response id
   and a receipt code are parked in ``pending_submissions``;
1. claim (contacts): only when nothing was reserved (a submission without a
   draft); the same reservation, plus the invitation goes ``submitting``;
2. store (served, ``synchronous=FULL``): the response, its answers and the
   exact counts under the reserved id, skipped when the id is already there
   (a retry after a crash). Once this commits, everything the
   acknowledgement promises is durable: the response, and the receipt code
   (reserved in step 0 or 1);
3. finish (contacts): the invitation becomes ``answered`` (a date, no time),
   the draft and the reservation are deleted and a receipt (hash of the
   receipt code -> response id) is stored. This commit skips its fsync:
   if a power cut loses it, :func:`finish_if_stored` redoes it from the
   reservation with the same code (on the next visit of the link and at
   start-up), because the reserved response id is then found in the served
   database.

So a submission costs one fsync, as a naive single-table insert does. Only
while a reservation exists does anything tie an invitation to a response id,
and that id is in the served database only from step 2 until step 3. A
double click, a retry or a second tab uses the same reserved id and never
creates a second response.
"""

from __future__ import annotations

import datetime
import json
import logging
import os
import sqlite3
from typing import Any

from collector import clock
from collector import invitations
from collector.db import connect
from collector.db import immediate_transaction
from collector.instruments.registry import cached_question_ids
from collector.instruments.registry import instrument_for
from collector.instruments.registry import load_registered
from collector.respondent import erasure
from collector.respondent import search_release
from collector.tokens import hash_receipt
from collector.tokens import new_receipt_code
from collector.tokens import new_response_id
from collector.tokens import new_row_id
from forms.model import Instrument
from forms.model import answer_rows


def _today() -> str:
    return clock.today().isoformat()


def _question_ids(served_db, instrument_id: int) -> dict[str, int]:
    return cached_question_ids(served_db, instrument_id)


def _load_instrument(served_db, instrument_id: int) -> Instrument:
    return load_registered(served_db, instrument_id)


def store_response(
    served_db,
    *,
    process_id: int,
    group_key: str,
    instrument_id: int,
    answers: dict[str, Any],
    language: str,
    submitted_on: str,
    is_synthetic: bool = False,
    response_id: int | None = None,
    instrument: Instrument | None = None,
    full_text_batch: int = 1,
) -> int:
    """Insert one response with its answers and counts in one served transaction.

    ``answers`` maps question keys to values in the shapes of
    ``forms.model``. ``submitted_on`` must be a date (``YYYY-MM-DD``); only
    the year of the process's first response is stored (a day would order
    responses and match the contacts side's ``answered_on``). When ``response_id`` already
    exists nothing is written (a retry of step 2) and the id is returned.
    The instrument is frozen in the same transaction (its first answer).
    Free text waits in ``free_text_waiting`` until text of ``full_text_batch``
    responses waits (``search_release``; 1, the default here, releases at once).
    """
    submitted_on = datetime.date.fromisoformat(str(submitted_on)[:10]).isoformat()
    if instrument is None:
        instrument = _load_instrument(served_db, instrument_id)
    question_ids = _question_ids(served_db, instrument_id)
    response_id = response_id or new_response_id()
    rows = []
    for key, value in answers.items():
        if key not in question_ids:
            raise ValueError(f"question {key!r} is not in instrument {instrument_id}")
        for row in answer_rows(instrument.question(key), value):
            rows.append((question_ids[key], row))
    frozen = served_db.__dict__.setdefault("_medverkan_frozen_instruments", set())
    with immediate_transaction(served_db):
        conn = served_db.conn
        # The date is kept only as the process's collection year, the same
        # for all its responses (issue 10 part 2): a day would order them
        # and match the contacts side's answered_on.
        inserted = conn.execute(
            "insert into responses (id, process_id, group_key, instrument_id, language, submitted_on, is_synthetic) "
            "values (?, ?, ?, ?, ?, coalesce((select submitted_on from responses where process_id = ? limit 1), ?), ?) "
            "on conflict (id) do nothing",
            [response_id, process_id, group_key, instrument_id, language, process_id, submitted_on[:4], 1 if is_synthetic else 0],
        ).rowcount
        if not inserted:
            return response_id  # a retry of step 2: already stored
        # Random rowids (also the full-text docids), free text released to
        # the index in batches: no rowid, docid or segment follows arrival.
        conn.executemany(
            "insert into answers (rowid, response_id, question_id, item, value_int, value_text, process_id, group_key) "
            "values (?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (new_row_id(), response_id, question_id, row.item, row.value_int, row.value_text, process_id, group_key)
                for question_id, row in rows
                if row.value_text is None
            ],
        )
        text_rows = [(question_id, row.item, row.value_text) for question_id, row in rows if row.value_text is not None]
        if text_rows:
            search_release.hold(conn, response_id, process_id, group_key, text_rows)
            search_release.release_when_batch_is_full(conn, full_text_batch)
        conn.executemany(
            "insert into answer_counts (rowid, process_id, group_key, question_id, item, value_int, n) "
            "values (?, ?, ?, ?, ?, ?, 1) "
            "on conflict (process_id, group_key, question_id, item, value_int) do update set n = n + 1",
            [
                (new_row_id(), process_id, group_key, question_id, row.item, row.value_int)
                for question_id, row in rows
                if row.value_int is not None
            ],
        )
        conn.execute(
            "insert into response_counts (rowid, process_id, group_key, n) values (?, ?, ?, 1) "
            "on conflict (process_id, group_key) do update set n = n + 1",
            [new_row_id(), process_id, group_key],
        )
        # Answers always point at the exact version they were given: from
        # the first answer on, this version must never change (and a frozen
        # version never thaws, so each connection freezes it once).
        if instrument_id not in frozen:
            conn.execute(
                "update instruments set frozen_on = ? where id = ? and frozen_on is null", [_today(), instrument_id]
            )
    frozen.add(instrument_id)
    return response_id


def _pinned_instrument_id(contacts_db, invitation_id: int) -> int | None:
    row = contacts_db.execute("select data_json from drafts where invitation_id = ?", [invitation_id]).fetchone()
    if row and row[0]:
        try:
            return json.loads(row[0]).get("instrument_id")
        except (ValueError, AttributeError):
            return None
    return None


def reserve(contacts_db, invitation_id: int) -> None:
    """Choose the response id and receipt code an invitation will submit with.

    Called inside the transaction that saves a draft, so the reservation is
    durable before any answer reaches the served database. A second call
    keeps the first reservation.
    """
    if contacts_db.execute("select 1 from pending_submissions where invitation_id = ?", [invitation_id]).fetchone():
        return  # every page saves the draft; only the first draws the codes
    contacts_db.execute(
        "insert into pending_submissions (invitation_id, response_id, receipt_code) values (?, ?, ?) "
        "on conflict (invitation_id) do nothing",
        [invitation_id, new_response_id(), new_receipt_code()],
    )


def _reservation(contacts_db, invitation_id: int):
    """(process_id, group_key, status, response_id, receipt_code) or None."""
    return contacts_db.execute(
        "select i.process_id, i.group_key, i.status, p.response_id, p.receipt_code "
        "from invitations i left join pending_submissions p on p.invitation_id = i.id where i.id = ?",
        [invitation_id],
    ).fetchone()


def submit(
    served_db,
    contacts_db,
    invitation_id: int,
    answers: dict[str, Any],
    language: str,
    *,
    instrument_id: int | None = None,
    instrument: Instrument | None = None,
) -> str | None:
    """Submit ``answers`` for an invitation; return the receipt code.

    Returns ``None`` when the invitation was already answered (a double
    click, a retry or another tab got there first), so the caller shows
    the thank-you page rather than an error. Raises ``LookupError`` for an
    unknown invitation. ``instrument_id`` defaults to the one pinned in the
    draft, else the process's current instrument for the group;
    ``instrument`` is its already-loaded definition, when the caller has it.
    """
    if instrument_id is None:
        instrument = None  # a definition is only trusted together with its id
    row = _reservation(contacts_db, invitation_id)
    if row is None:
        raise LookupError(invitation_id)
    process_id, group_key, status, response_id, code = row
    if status == "answered":
        return None
    if response_id is None:
        # Step 1: nothing reserved (no draft was saved): claim durably now.
        with immediate_transaction(contacts_db):
            reserve(contacts_db, invitation_id)
            invitations.mark_submitting(contacts_db, invitation_id)
            process_id, group_key, status, response_id, code = _reservation(contacts_db, invitation_id)
        if status == "answered":
            return None
    if instrument_id is None:
        instrument_id = _pinned_instrument_id(contacts_db, invitation_id)
    if instrument_id is None:
        easy_read = invitations.reads_easy(contacts_db, invitation_id)
        instrument_id = instrument_for(served_db, process_id, group_key, easy_read=easy_read)

    # Step 2: the anonymous response (idempotent by id), durable.
    store_response(
        served_db,
        process_id=process_id,
        group_key=group_key,
        instrument_id=instrument_id,
        answers=answers,
        language=language,
        submitted_on=_today(),
        response_id=response_id,
        instrument=instrument,
        full_text_batch=search_release.configured_batch(),
    )

    # Step 3: forget the link between invitation and response; keep the receipt.
    return _finish(contacts_db, invitation_id, response_id, code, process_id, group_key)


def _finish(contacts_db, invitation_id: int, response_id: int, code: str | None, process_id: int, group_key: str):
    """Step 3; the receipt code, or None when another request finished first.

    Without a reserved code (a reservation made before codes were reserved)
    a new code is made here, and then this commit must be durable itself.
    """
    durable_elsewhere = code is not None
    code = code or new_receipt_code()
    conn = contacts_db.conn
    if durable_elsewhere:
        conn.execute("PRAGMA synchronous = NORMAL")
    try:
        with immediate_transaction(contacts_db):
            if not invitations.mark_answered(contacts_db, invitation_id, _today()):
                return None  # a concurrent request finished it
            contacts_db.execute("delete from drafts where invitation_id = ?", [invitation_id])
            contacts_db.execute("delete from pending_submissions where invitation_id = ?", [invitation_id])
            contacts_db.execute(
                "insert into receipts (receipt_hash, response_id, process_id, group_key) values (?, ?, ?, ?)",
                [hash_receipt(code), response_id, process_id, group_key],
            )
    finally:
        if durable_elsewhere:
            conn.execute("PRAGMA synchronous = FULL")
    return code


def _is_stored(served_db, response_id: int) -> bool:
    return served_db.execute("select 1 from responses where id = ?", [response_id]).fetchone() is not None


def finish_if_stored(served_db, contacts_db, invitation_id: int) -> str | None:
    """Finish a submission whose response is stored but whose step 3 is not.

    Returns the receipt code (the reserved one, so a respondent who saw it
    before a power cut keeps a working code), or None when there is nothing
    to finish.
    """
    row = _reservation(contacts_db, invitation_id)
    if row is None:
        return None
    process_id, group_key, status, response_id, code = row
    if status == "answered" or response_id is None or not _is_stored(served_db, response_id):
        return None
    return _finish(contacts_db, invitation_id, response_id, code, process_id, group_key)


def finish_stored_submissions(served_db, contacts_db) -> int:
    """:func:`finish_if_stored` for every reservation; the number finished.

    Run at start-up (after a crash or power cut nobody may come back to the
    link, and response rates and reminders must count the answer).
    """
    finished = 0
    reservations = contacts_db.execute("select invitation_id, response_id from pending_submissions").fetchall()
    for invitation_id, response_id in reservations:
        if _is_stored(served_db, response_id) and finish_if_stored(served_db, contacts_db, invitation_id):
            finished += 1
    return finished


def init_app(app) -> None:
    """At start-up, finish submissions a crash or power cut left half-done.

    Skipped while the databases do not exist or are not migrated yet
    (``medverkan init`` creates and migrates them).
    """
    served_path, contacts_path = app.config["DATABASE"], app.config["CONTACTS_DATABASE"]
    if not (os.path.exists(served_path) and os.path.exists(contacts_path)):
        return
    served_db, contacts_db = connect(served_path), connect(contacts_path)
    try:
        finished = finish_stored_submissions(served_db, contacts_db)
        if finished:
            logging.getLogger(__name__).warning("finished %d interrupted submission(s)", finished)
    except sqlite3.OperationalError:
        pass  # not migrated yet
    finally:
        served_db.conn.close()
        contacts_db.conn.close()


def receipt_state(contacts_db, receipt_code: str) -> str:
    """``"unknown"``, ``"active"`` or ``"withdrawn"`` for a typed receipt code."""
    row = contacts_db.execute(
        "select withdrawn_on from receipts where receipt_hash = ?", [hash_receipt(receipt_code)]
    ).fetchone()
    if row is None:
        return "unknown"
    return "withdrawn" if row[0] else "active"


def withdraw(served_db, contacts_db, receipt_code: str) -> bool:
    """Delete the response a receipt code belongs to; True when this call withdrew it.

    Counts are decremented exactly (rows reaching zero are removed, so
    ``answer_counts`` always equals a GROUP BY over ``answers``) in the same
    served transaction as the delete; the receipt is then marked withdrawn
    so response rates can show withdrawals per group. Nothing of the
    response stays readable (``erasure``): released text is merged out of
    the full-text index, waiting text never reached it, and the WAL is
    truncated before this returns.
    """
    receipt_hash = hash_receipt(receipt_code)
    row = contacts_db.execute(
        "select response_id, withdrawn_on from receipts where receipt_hash = ?", [receipt_hash]
    ).fetchone()
    if row is None or row[1]:
        return False
    response_id = row[0]
    with immediate_transaction(served_db):
        conn = served_db.conn
        response = conn.execute("select process_id, group_key from responses where id = ?", [response_id]).fetchone()
        if response is not None:
            process_id, group_key = response
            counted = conn.execute(
                "select question_id, item, value_int from answers where response_id = ? and value_int is not null",
                [response_id],
            ).fetchall()
            conn.executemany(
                "update answer_counts set n = n - 1 where process_id = ? and group_key = ? "
                "and question_id = ? and item = ? and value_int = ?",
                [(process_id, group_key, *answer) for answer in counted],
            )
            conn.execute("delete from answer_counts where process_id = ? and group_key = ? and n <= 0", [process_id, group_key])
            conn.execute(
                "update response_counts set n = n - 1 where process_id = ? and group_key = ?", [process_id, group_key]
            )
            conn.execute("delete from response_counts where process_id = ? and group_key = ? and n <= 0", [process_id, group_key])
            had_text = conn.execute(
                "select 1 from answers where response_id = ? and value_text is not null limit 1", [response_id]
            ).fetchone()
            search_release.forget(conn, response_id)  # never indexed: nothing to merge
            conn.execute("delete from answers where response_id = ?", [response_id])
            conn.execute("delete from responses where id = ?", [response_id])
            if had_text:
                erasure.merge_full_text_index(conn)
    erasure.truncate_wal(served_db.conn)
    with immediate_transaction(contacts_db):
        updated = contacts_db.execute(
            "update receipts set withdrawn_on = ? where receipt_hash = ? and withdrawn_on is null",
            [_today(), receipt_hash],
        ).rowcount
    return bool(updated)
