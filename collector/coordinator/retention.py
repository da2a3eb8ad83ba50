"""Deleting contact data on time: ``RETENTION_DAYS`` after a process closed.

Names, emails and links go; responses, receipts (for withdrawal) and the
audit log stay. The one exception is a pending follow-up, which keeps
exactly the hired person's participant row and follow-up link until it is
answered or expires (``collector.coordinator.followups``). ``medverkan
purge`` runs :func:`purge` daily from cron; it is idempotent.
"""

from __future__ import annotations

import datetime
import json

from collector import invitations
from collector.coordinator import audit
from collector.coordinator import followups
from collector.db import immediate_transaction


def purge_due_on(closed_on: str | None, config) -> str | None:
    if not closed_on:
        return None
    return (datetime.date.fromisoformat(closed_on) + datetime.timedelta(days=int(config["RETENTION_DAYS"]))).isoformat()


def purge(served_db, contacts_db, config, today: datetime.date, actor: str = "purge") -> list[int]:
    """Delete names, emails and links of processes closed more than RETENTION_DAYS ago.

    Responses, receipts (for withdrawal) and the audit log stay. A pending
    follow-up keeps exactly the hired person's participant row and follow-up
    link, until it is answered or expires (``collector.coordinator.followups``);
    then the next run deletes them and the start date.
    """
    cutoff = (today - datetime.timedelta(days=int(config["RETENTION_DAYS"]))).isoformat()
    process_ids = [
        row[0]
        for row in served_db.execute(
            "select id from processes where status = 'closed' and closed_on is not null and closed_on <= ?", [cutoff]
        )
    ]
    purged = []
    for process_id in process_ids:
        with immediate_transaction(contacts_db):
            keep = followups.pending_participants(contacts_db, process_id, today)
            links_deleted = invitations.purge_process(contacts_db, process_id, keep)
            participants = contacts_db.execute(
                "delete from participants where process_id = ? and id not in (select value from json_each(?))",
                [process_id, json.dumps(keep)],
            ).rowcount
            if not keep:
                followups.forget_start(contacts_db, process_id)
            remaining = contacts_db.execute(
                "select count(*) from participants where process_id = ?", [process_id]
            ).fetchone()[0]
            already = contacts_db.execute(
                "select 1 from purged_processes where process_id = ?", [process_id]
            ).fetchone()
            if remaining == 0 and not already:
                contacts_db["purged_processes"].insert(
                    {
                        "process_id": process_id,
                        "purged_on": today.isoformat(),
                        "participants_deleted": participants,
                        "invitations_deleted": links_deleted,
                    }
                )
            if participants or links_deleted:
                audit.record(
                    contacts_db, actor, "purge", process_id, f"{participants} participants, {links_deleted} links deleted"
                )
                purged.append(process_id)
    return purged
