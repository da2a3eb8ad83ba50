"""Minting personal links: the only place invitation tokens are created.

The token itself is returned once, to be emailed or printed, and never
stored: the contacts database keeps only its SHA-256 (see
``collector.tokens``). Link URLs are built from the configured
``PUBLIC_BASE_URL`` and never from the request's Host header, so a forged
Host cannot make Medverkan email links pointing elsewhere.
"""

from __future__ import annotations

import datetime

from flask import current_app
from flask import has_app_context

from collector import config as default_config
from collector.db import immediate_transaction
from collector.tokens import hash_secret
from collector.tokens import new_token

RESPONDENT_PATH = "/s/"


def _config(key: str):
    """Return an app setting, falling back to the defaults outside an app."""
    if has_app_context():
        return current_app.config.get(key, getattr(default_config, key))
    return getattr(default_config, key)


def create_invitation(
    contacts_db,
    process_id: int,
    group_key: str,
    participant_id: int | None = None,
    language: str = "sv",
    valid_days: int | None = None,
    *,
    is_followup: bool = False,
    today: datetime.date | None = None,
) -> str:
    """Store a new open invitation and return its token (shown once).

    ``expires_on`` is today plus ``valid_days`` (default: the
    ``INVITATION_VALID_DAYS`` setting).
    """
    if valid_days is None:
        valid_days = int(_config("INVITATION_VALID_DAYS"))
    today = today or datetime.date.today()
    token = new_token()
    row = {
        "process_id": process_id,
        "group_key": group_key,
        "participant_id": participant_id,
        "token_hash": hash_secret(token),
        "language": language if language in ("sv", "en") else "sv",
        "status": "open",
        "created_on": today.isoformat(),
        "expires_on": (today + datetime.timedelta(days=valid_days)).isoformat(),
        "reminders_sent": 0,
        "is_followup": 1 if is_followup else 0,
    }
    conn = contacts_db.conn
    if conn.in_transaction:
        contacts_db["invitations"].insert(row)
    else:
        with immediate_transaction(contacts_db):
            contacts_db["invitations"].insert(row)
    return token


def invitation_url(token: str) -> str:
    """Return the public personal-link URL for ``token``."""
    base = str(_config("PUBLIC_BASE_URL")).rstrip("/")
    return f"{base}{RESPONDENT_PATH}{token}"
