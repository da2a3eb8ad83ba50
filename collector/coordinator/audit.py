"""Audit log of staff actions, kept in the contacts database.

Entries record who (username), what (an action key such as ``invite``),
which process and a short detail. They never hold an email address or a
token, so the log can be shown to every admin.
"""

from __future__ import annotations

import datetime

from collector.db import immediate_transaction

ACTIONS = (
    "sign_in",
    "sign_out",
    "user_add",
    "user_update",
    "user_disable",
    "user_password",
    "user_email",
    "process_create",
    "process_update",
    "process_delete",
    "stages_update",
    "applicants_update",
    "participants_add",
    "participant_delete",
    "participant_update",
    "participants_export",
    "invite",
    "print_links",
    "remind",
    "decision",
    "feedback",
    "close",
    "followup_send",
    "purge",
)


def now_utc() -> str:
    return datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0).isoformat()


def record(contacts_db, username: str | None, action: str, process_id: int | None = None, detail: str = "") -> None:
    """Append one entry; joins the caller's transaction when one is open."""
    row = {"at": now_utc(), "username": username, "action": action, "process_id": process_id, "detail": detail}
    if contacts_db.conn.in_transaction:
        contacts_db["audit_log"].insert(row)
    else:
        with immediate_transaction(contacts_db):
            contacts_db["audit_log"].insert(row)


def entries(contacts_db, *, process_id: int | None = None, limit: int = 200) -> list[dict]:
    sql = "select * from audit_log"
    params: list = []
    if process_id is not None:
        sql += " where process_id = ?"
        params.append(process_id)
    sql += " order by id desc limit ?"
    params.append(limit)
    return [dict(row) for row in contacts_db.query(sql, params)]
