"""An invitation's whole life: minting, lookup, sending, reminders'
token rotation, submission state, closing and purging.

Every statement that changes a row of ``invitations`` lives here, so the
link's states (open → submitting → answered, or closed) can be read in one
place. The functions take the contacts database and run inside the
caller's transaction (except :func:`create_invitation`, which opens one when
none is open). Reporting queries that join invitations with other tables
(rates, reminder candidates) stay with the code that reports.

Minting: this is the only place invitation tokens are created.

The token itself is returned once, to be emailed or printed, and never
stored: the contacts database keeps only its SHA-256 (see
``collector.tokens``). Link URLs are built from the configured
``PUBLIC_BASE_URL`` and never from the request's Host header, so a forged
Host cannot make Medverkan email links pointing elsewhere.
"""

from __future__ import annotations

import datetime
import json

from flask import current_app
from flask import has_app_context

from collector import clock
from collector import settings as default_config
from collector import short_codes
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
    today = today or clock.today()
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


# --- lookup ------------------------------------------------------------------


def invitation_where(contacts_db, column: str, value) -> dict | None:
    """The invitation whose ``column`` (``token_hash`` or ``id``) equals ``value``."""
    if column not in ("token_hash", "id"):
        raise ValueError(column)
    cursor = contacts_db.execute(
        f"select i.*, coalesce(p.easy_read, 0) as easy_read from invitations i "
        f"left join participants p on p.id = i.participant_id where i.{column} = ?",
        [value],
    )
    row = cursor.fetchone()
    if row is None:
        return None
    return dict(zip((column[0] for column in cursor.description), row))


def reads_easy(contacts_db, invitation_id: int) -> bool:
    """Whether the invitation's participant was given the easy-to-read questionnaire.

    Unnamed printed links (no participant) and participants without the
    choice get the standard one.
    """
    row = contacts_db.execute(
        "select p.easy_read from invitations i join participants p on p.id = i.participant_id where i.id = ?",
        [invitation_id],
    ).fetchone()
    return bool(row and row[0])


def by_short_code(contacts_db, typed: str) -> dict | None:
    """The invitation whose printed short code ``typed`` is (any case, dashes or not), or None."""
    code = short_codes.normalise(typed)
    if code is None:
        return None
    for key in _secret_keys():
        row = contacts_db.execute(
            "select id from invitations where short_code_hash = ?", [short_codes.hash_short_code(code, key)]
        ).fetchone()
        if row is not None:
            return invitation_where(contacts_db, "id", row[0])
    return None


def _secret_keys() -> list[str]:
    """The app's secret key first, then its fallbacks (a rotated key's slips keep working)."""
    fallbacks = current_app.config.get("SECRET_KEY_FALLBACKS") if has_app_context() else None
    keys = [_config("SECRET_KEY")] + list(fallbacks or [])
    return [str(key) for key in keys if key]


def id_and_expiry(contacts_db, token: str) -> tuple[int, str]:
    """(id, expires_on) of the invitation a just-minted ``token`` belongs to."""
    return tuple(contacts_db.execute("select id, expires_on from invitations where token_hash = ?", [hash_secret(token)]).fetchone())


def count_for_process(contacts_db, process_id: int) -> int:
    return contacts_db.execute("select count(*) from invitations where process_id = ?", [process_id]).fetchone()[0]


# --- sending -----------------------------------------------------------------


def mark_sent(contacts_db, invitation_id: int, today: datetime.date) -> None:
    contacts_db.execute("update invitations set sent_on = ? where id = ?", [today.isoformat(), invitation_id])


def mark_sent_by_token(contacts_db, token: str, today: datetime.date) -> None:
    contacts_db.execute("update invitations set sent_on = ? where token_hash = ?", [today.isoformat(), hash_secret(token)])


def attach_short_code(contacts_db, token: str) -> str:
    """Give the printed invitation of ``token`` a short code; return it (shown once, printed).

    Runs in the caller's transaction. A collision with a live code (about
    one in 10^11 per code) just draws again.
    """
    key = _secret_keys()[0]
    while True:
        code = short_codes.new_short_code()
        code_hash = short_codes.hash_short_code(code, key)
        if contacts_db.execute("select 1 from invitations where short_code_hash = ?", [code_hash]).fetchone():
            continue
        contacts_db.execute(
            "update invitations set short_code_hash = ? where token_hash = ?", [code_hash, hash_secret(token)]
        )
        return code


def discard(contacts_db, invitation_id: int) -> None:
    """Drop a link no one has (its email failed), so the next attempt mints a fresh one."""
    contacts_db.execute("delete from invitations where id = ?", [invitation_id])


# --- reminders: claim, rotate the token, or release --------------------------


def claim_reminder(contacts_db, invitation_id: int, today: datetime.date, previous: str | None) -> bool:
    """Claim the row before mailing, so two coordinators clicking at once send one reminder."""
    cursor = contacts_db.execute(
        "update invitations set last_reminded_on = ? where id = ? and status = 'open' "
        "and last_reminded_on is ?",
        [today.isoformat(), invitation_id, previous],
    )
    return cursor.rowcount == 1


def rotate_token(contacts_db, invitation_id: int, token_hash: str, today: datetime.date) -> None:
    """A reminder carries a new token; the link in the earlier email keeps working
    (``collector.respondent.views`` looks it up in ``earlier_links``)."""
    contacts_db.execute(
        "insert or ignore into earlier_links (token_hash, invitation_id, replaced_on) "
        "select token_hash, id, ? from invitations where id = ?",
        [today.isoformat(), invitation_id],
    )
    contacts_db.execute(
        "update invitations set token_hash = ?, reminders_sent = reminders_sent + 1 where id = ?",
        [token_hash, invitation_id],
    )


def release_reminder(contacts_db, invitation_id: int, previous: str | None) -> None:
    """The reminder could not be sent: restore the claim so a later one may go."""
    contacts_db.execute("update invitations set last_reminded_on = ? where id = ?", [previous, invitation_id])


# --- submission state --------------------------------------------------------


def mark_submitting(contacts_db, invitation_id: int) -> None:
    contacts_db.execute(
        "update invitations set status = 'submitting' where id = ? and status != 'answered'", [invitation_id]
    )


def mark_answered(contacts_db, invitation_id: int, answered_on: str) -> bool:
    """True when this call finished the invitation (False: a concurrent request did)."""
    return bool(
        contacts_db.execute(
            "update invitations set status = 'answered', answered_on = ? where id = ? and status != 'answered'",
            [answered_on, invitation_id],
        ).rowcount
    )


def mark_participant_answered(contacts_db, participant_id: int, answered_on: str) -> None:
    """The demo's synthetic answers: the participant's open link counts as answered."""
    contacts_db.execute(
        "update invitations set status = 'answered', answered_on = ? "
        "where participant_id = ? and status = 'open'",
        [answered_on, participant_id],
    )


# --- a participant's details changed ------------------------------------------


def begun_by_participant(contacts_db, participant_id: int) -> bool:
    """True once any link of the participant has answers: answered, mid-submission,
    or open with a saved draft or a reserved response (``submission.reserve``)."""
    return contacts_db.execute(
        "select exists (select 1 from invitations i where i.participant_id = ? and ("
        " i.status in ('answered', 'submitting')"
        " or exists (select 1 from drafts d where d.invitation_id = i.id)"
        " or exists (select 1 from pending_submissions s where s.invitation_id = i.id)))",
        [participant_id],
    ).fetchone()[0] == 1


def follow_participant(contacts_db, participant_id: int, group_key: str, language: str) -> int:
    """The participant's unstarted open links take their new group and language.

    The token is not tied to the person's details, so the link keeps
    working; it opens the new group's questionnaire. Call only after
    :func:`begun_by_participant` said False, in the same transaction.
    """
    return contacts_db.execute(
        "update invitations set group_key = ?, language = ? where participant_id = ? and status = 'open' "
        "and id not in (select invitation_id from drafts) and id not in (select invitation_id from pending_submissions)",
        [group_key, language if language in ("sv", "en") else "sv", participant_id],
    ).rowcount


# --- closing and purging -----------------------------------------------------


def close_open(contacts_db, process_id: int) -> None:
    """The process closed: its links stop working (the follow-up's excepted)."""
    contacts_db.execute(
        "update invitations set status = 'closed' where process_id = ? and status = 'open' and is_followup = 0",
        [process_id],
    )


def discard_unused(contacts_db, participant_id: int) -> None:
    """Drop a participant's open links that have no draft (the demo re-mints its links)."""
    contacts_db.execute(
        "delete from invitations where participant_id = ? and status = 'open' "
        "and id not in (select invitation_id from drafts)",
        [participant_id],
    )


def purge_process(contacts_db, process_id: int, keep_participant_ids: list[int]) -> int:
    """Delete a closed process's links except the follow-up links of the participants in
    ``keep_participant_ids`` (their follow-up is pending) and those mid-submission; returns the count.

    What is deleted is first added to ``purged_invitation_counts`` (invited, answered per group),
    so the process's response rates outlive its links. Run inside the caller's transaction.
    """
    doomed = (
        "from invitations where process_id = ? and status != 'submitting' and not ("
        "is_followup = 1 and coalesce(participant_id in (select value from json_each(?)), 0))"
    )
    params = [process_id, json.dumps(keep_participant_ids)]
    contacts_db.execute(
        "insert into purged_invitation_counts (process_id, group_key, invited, answered) "
        f"select process_id, group_key, count(*), sum(status = 'answered') {doomed} group by group_key "
        "on conflict (process_id, group_key) do update set "
        "invited = invited + excluded.invited, answered = answered + excluded.answered",
        params,
    )
    return contacts_db.execute(f"delete {doomed}", params).rowcount
