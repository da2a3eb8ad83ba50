"""Members picked for a process, and what they were paid (arvode).

Picking a member makes them a participant of group ``representative`` in
that process through ``collector.coordinator.participants.add_participants``
(the one writer of participants), so the normal invitation flow sends their
link. An assignment row ties the member to the process and to that
participant; the process purge later deletes the participant (the link then
becomes NULL) while the assignment, in the pool, stays until the member
leaves it (``collector.brukarbank.retention``).
"""

from __future__ import annotations

import datetime

from collector.brukarbank.members import MAX_ID
from collector.coordinator import participants as participant_store
from collector.db import immediate_transaction

GROUP = "representative"


def for_process(contacts_db, process_id: int) -> list[dict]:
    """The pool members assigned to a process, with their names (contacts database only)."""
    return list(
        contacts_db.query(
            """
            select a.*, m.name, m.email, m.language
            from pool_assignments a join pool_members m on m.id = a.member_id
            where a.process_id = ? order by m.name collate nocase, a.id
            """,
            [process_id],
        )
    )


def for_member(contacts_db, member_id: int) -> list[dict]:
    return list(
        contacts_db.query("select * from pool_assignments where member_id = ? order by assigned_on desc, id desc", [member_id])
    )


def get_assignment(contacts_db, assignment_id: int) -> dict | None:
    if not 0 < assignment_id <= MAX_ID:
        return None
    rows = list(contacts_db.query("select * from pool_assignments where id = ?", [assignment_id]))
    return rows[0] if rows else None


def assigned_member_ids(contacts_db, process_id: int) -> set[int]:
    return {row[0] for row in contacts_db.execute("select member_id from pool_assignments where process_id = ?", [process_id])}


def _participant_id(contacts_db, process_id: int, email: str) -> int | None:
    row = contacts_db.execute(
        "select max(id) from participants where process_id = ? and email = ?", [process_id, email]
    ).fetchone()
    return row[0] if row else None


def pick(contacts_db, process_id: int, members: list[dict], today: datetime.date) -> int:
    """Assign members to a process and add them as participants; returns how many were new.

    A member already assigned is skipped; a member whose email is already a
    participant of the process is linked to that participant, not added twice.
    """
    already = assigned_member_ids(contacts_db, process_id)
    fresh = [member for member in members if member["id"] not in already]
    if not fresh:
        return 0
    present = participant_store.existing_emails(contacts_db, process_id)
    participant_store.add_participants(
        contacts_db,
        process_id,
        [
            {"name": m["name"], "email": m["email"], "group_key": GROUP, "language": m["language"]}
            for m in fresh
            if m["email"] not in present
        ],
        today,
    )
    with immediate_transaction(contacts_db):
        for member in fresh:
            contacts_db["pool_assignments"].insert(
                {
                    "member_id": member["id"],
                    "process_id": process_id,
                    "participant_id": _participant_id(contacts_db, process_id, member["email"]),
                    "assigned_on": today.isoformat(),
                }
            )
    return len(fresh)


def update_compensation(contacts_db, assignment_id: int, values: dict) -> None:
    """The assignment's description and arvode: hours, amount in SEK, date paid."""
    with immediate_transaction(contacts_db):
        contacts_db["pool_assignments"].update(
            assignment_id,
            {
                "assignment": values.get("assignment") or None,
                "hours": values.get("hours"),
                "amount_sek": values.get("amount_sek"),
                "paid_on": values.get("paid_on"),
            },
        )


def unassign(contacts_db, assignment: dict) -> None:
    """Undo a pick: the assignment goes, and so does the participant it created."""
    if assignment["participant_id"] is not None:
        participant_store.delete_participant(contacts_db, assignment["process_id"], assignment["participant_id"])
    with immediate_transaction(contacts_db):
        contacts_db.execute("delete from pool_assignments where id = ?", [assignment["id"]])
