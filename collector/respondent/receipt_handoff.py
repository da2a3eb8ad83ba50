"""Hand the receipt code from the final submit to the thanks page, once.

Why not in the session: Flask's session cookie is signed, not encrypted.
Anyone who can read the cookie (a shared computer's browser profile, a
proxy log, a screenshot of developer tools) could read the receipt code and
the invitation id side by side, which links a named invitation to a
response and lets them withdraw it. So the submit stores the code in the
contacts database under the SHA-256 of a random nonce, puts only the nonce
in the session and drops the invitation id from it. The thanks page takes
the row (reads and deletes it in one transaction) and shows the code once;
a reload, the Back button or a second tab finds nothing. A row nobody
fetches expires after ``RECEIPT_HANDOFF_SECONDS`` and is deleted by the next
hand-over or fetch. The row holds no invitation id, so it links nothing.
"""

from __future__ import annotations

import datetime
import secrets

from flask import current_app
from flask import session

from collector.db import immediate_transaction
from collector.respondent.links import SESSION_INVITATION
from collector.respondent.links import SESSION_RECEIPT
from collector.respondent.links import SESSION_SENT
from collector.tokens import hash_secret


def _now() -> datetime.datetime:
    return datetime.datetime.now(datetime.timezone.utc)


def _purge_expired(contacts_db) -> None:
    contacts_db.execute("delete from receipt_handoffs where expires_at < ?", [_now().isoformat()])


def hand_over(contacts_db, code: str) -> None:
    """Park ``code`` for one display; the session keeps only a random nonce."""
    nonce = secrets.token_urlsafe(32)
    lifetime = datetime.timedelta(seconds=int(current_app.config.get("RECEIPT_HANDOFF_SECONDS", 600)))
    with immediate_transaction(contacts_db):
        _purge_expired(contacts_db)
        contacts_db.execute(
            "insert into receipt_handoffs (nonce_hash, receipt_code, expires_at) values (?, ?, ?)",
            [hash_secret(nonce), code, (_now() + lifetime).isoformat()],
        )
    session.pop(SESSION_INVITATION, None)
    session[SESSION_RECEIPT] = nonce
    session[SESSION_SENT] = True


def has_sent() -> bool:
    """True when this browser sent answers (whether or not the code was shown yet)."""
    return bool(session.get(SESSION_SENT) or session.get(SESSION_RECEIPT))


def take(contacts_db) -> str | None:
    """The parked receipt code, deleted as it is read; None when shown before or expired."""
    nonce = session.pop(SESSION_RECEIPT, None)
    if not isinstance(nonce, str) or not nonce:
        return None
    with immediate_transaction(contacts_db):
        row = contacts_db.execute(
            "select receipt_code, expires_at from receipt_handoffs where nonce_hash = ?", [hash_secret(nonce)]
        ).fetchone()
        contacts_db.execute("delete from receipt_handoffs where nonce_hash = ?", [hash_secret(nonce)])
        _purge_expired(contacts_db)
    if row is None or row[1] < _now().isoformat():
        return None
    return row[0]
