"""Leaving the pool, and how long the pool keeps a person.

Removing a member deletes their contact data, areas, trainings and
assignments (with the compensation records: the municipality's payroll
system is the record of payment) in one contacts transaction. What their
assignments contributed to the served counts is first added to
``pool_retired_counts`` (per process and characteristic, summed with other
removed members: no member id), so the published figures do not change when
someone leaves. A member with no activity (registration, edit, training,
assignment) for ``POOL_INACTIVE_DAYS`` is removed the same way by
``medverkan brukarbank purge``. Participants created by a pick are purged
with their process by the normal purge (``RETENTION_DAYS`` after closing).
"""

from __future__ import annotations

import datetime

from collector.brukarbank.vocabulary import CHARACTERISTICS
from collector.brukarbank.vocabulary import PREPARED
from collector.db import immediate_transaction


def _retire_counts(contacts_db, member_id: int) -> None:
    areas = {row[0] for row in contacts_db.execute("select area_key from pool_member_areas where member_id = ?", [member_id])}
    prepared = contacts_db.execute("select exists (select 1 from pool_trainings where member_id = ?)", [member_id]).fetchone()[0]
    held = {key: 1 if key in areas else 0 for key in CHARACTERISTICS}
    held[PREPARED] = 1 if prepared else 0
    for (process_id,) in contacts_db.execute("select process_id from pool_assignments where member_id = ?", [member_id]).fetchall():
        for characteristic, value in held.items():
            contacts_db.execute(
                """
                insert into pool_retired_counts (process_id, characteristic, representatives, with_characteristic)
                values (?, ?, 1, ?)
                on conflict (process_id, characteristic) do update set
                    representatives = representatives + 1, with_characteristic = with_characteristic + excluded.with_characteristic
                """,
                [process_id, characteristic, value],
            )


def remove_member(contacts_db, member_id: int) -> bool:
    """Delete the member (cascading to areas, trainings, assignments), keeping only counts."""
    with immediate_transaction(contacts_db):
        _retire_counts(contacts_db, member_id)
        return contacts_db.execute("delete from pool_members where id = ?", [member_id]).rowcount == 1


def inactive_members(contacts_db, today: datetime.date, inactive_days: int) -> list[int]:
    """Members whose latest activity is more than ``inactive_days`` before ``today``."""
    cutoff = (today - datetime.timedelta(days=int(inactive_days))).isoformat()
    return [
        row[0]
        for row in contacts_db.execute(
            """
            select m.id from pool_members m
            where max(m.registered_on, m.updated_on,
                      coalesce((select max(max(assigned_on, coalesce(paid_on, ''))) from pool_assignments a where a.member_id = m.id), ''),
                      coalesce((select max(max(recorded_on, coalesce(completed_on, '')))
                                from pool_trainings t where t.member_id = m.id), '')
                  ) < ?
            """,
            [cutoff],
        )
    ]


def purge_inactive(contacts_db, today: datetime.date, inactive_days: int) -> list[int]:
    removed = [member_id for member_id in inactive_members(contacts_db, today, inactive_days) if remove_member(contacts_db, member_id)]
    return removed
