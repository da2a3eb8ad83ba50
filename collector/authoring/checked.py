"""Checked uploads: an XLSForm that passed the checks, kept server-side until
it is published.

Why server-side: the preview used to be the response to the upload POST (and
its page buttons POSTs again), so the browser's Back button after a preview
answered ERR_CACHE_MISS and the file had to be uploaded again. Now the upload
POST stores the checked definition in the contacts database under a random
id and redirects (303) to a GET page; the preview pages are GETs too.
Only the account that uploaded it can see or publish it, and it is deleted
when published or a day after the upload (purged on every upload). What is
stored has passed every check; publishing re-reads it from here, so nothing
posted by the browser is trusted as a definition.
"""

from __future__ import annotations

import datetime
import secrets

from collector.db import immediate_transaction
from collector.instruments.registry import canonical_json
from collector.instruments.registry import instrument_from_json
from forms.model import Instrument

LIFETIME = datetime.timedelta(days=1)


def _now() -> str:
    return datetime.datetime.now(datetime.timezone.utc).isoformat()


def store(contacts_db, user_id: int, filename: str, instrument: Instrument) -> str:
    """Keep ``instrument`` for ``user_id``; return the random id of its pages."""
    upload_id = secrets.token_urlsafe(16)
    expires = (datetime.datetime.now(datetime.timezone.utc) + LIFETIME).isoformat()
    with immediate_transaction(contacts_db):
        contacts_db.execute("delete from authoring_checked_uploads where expires_at < ?", [_now()])
        contacts_db.execute(
            "insert into authoring_checked_uploads (id, user_id, filename, definition_json, expires_at) values (?, ?, ?, ?, ?)",
            [upload_id, user_id, filename, canonical_json(instrument), expires],
        )
    return upload_id


def load(contacts_db, upload_id: str, user_id: int) -> tuple[str, Instrument] | None:
    """(file name, instrument) of the user's unexpired upload, else None."""
    row = contacts_db.execute(
        "select filename, definition_json from authoring_checked_uploads where id = ? and user_id = ? and expires_at >= ?",
        [upload_id, user_id, _now()],
    ).fetchone()
    if row is None:
        return None
    return row[0], instrument_from_json(row[1])


def forget(contacts_db, upload_id: str) -> None:
    with immediate_transaction(contacts_db):
        contacts_db.execute("delete from authoring_checked_uploads where id = ?", [upload_id])
