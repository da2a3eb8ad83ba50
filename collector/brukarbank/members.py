"""Members of the pool: contact data, areas of lived experience, training.

All in the contacts database. A member belongs to one department; the
department gate (:func:`member_for_user`) mirrors
``collector.coordinator.processes.process_for_user``: another department's
member, like a missing one, is a 404, so ids cannot be probed.
"""

from __future__ import annotations

import datetime

from werkzeug.exceptions import NotFound

from collector.brukarbank.vocabulary import AREA_KEYS
from collector.db import immediate_transaction

# SQLite integers are signed 64-bit: a larger id typed into the address bar
# would raise OverflowError in the driver; it names nothing, so it is a 404.
MAX_ID = 2**63 - 1


def may_access(user: dict, member: dict) -> bool:
    if user["role"] == "admin":
        return True
    return user["role"] == "coordinator" and bool(user["department"]) and member["department"] == user["department"]


def get_member(contacts_db, member_id: int) -> dict | None:
    if not 0 < member_id <= MAX_ID:
        return None
    rows = list(contacts_db.query("select * from pool_members where id = ?", [member_id]))
    if not rows:
        return None
    member = rows[0]
    member["areas"] = areas_of(contacts_db, member_id)
    return member


def member_for_user(contacts_db, user: dict, member_id: int) -> dict:
    """The member if ``user`` may see them; 404 otherwise (no existence leak)."""
    member = get_member(contacts_db, member_id)
    if member is None or not may_access(user, member):
        raise NotFound()
    return member


def areas_of(contacts_db, member_id: int) -> list[str]:
    found = {row[0] for row in contacts_db.execute("select area_key from pool_member_areas where member_id = ?", [member_id])}
    return [key for key in AREA_KEYS if key in found]


def email_taken(contacts_db, department: str, email: str, except_id: int | None = None) -> bool:
    row = contacts_db.execute(
        "select 1 from pool_members where department = ? and email = ? and id is not ?", [department, email, except_id]
    ).fetchone()
    return row is not None


def _replace_areas(contacts_db, member_id: int, areas) -> None:
    contacts_db.execute("delete from pool_member_areas where member_id = ?", [member_id])
    contacts_db["pool_member_areas"].insert_all(
        {"member_id": member_id, "area_key": key} for key in AREA_KEYS if key in set(areas)
    )


def register_member(contacts_db, values: dict, today: datetime.date) -> int:
    """Insert a member with their areas; ``values`` has department, name, email, phone, language, areas."""
    with immediate_transaction(contacts_db):
        member_id = contacts_db["pool_members"].insert(
            {
                "department": values["department"],
                "name": values["name"],
                "email": values["email"],
                "phone": values.get("phone") or None,
                "language": values.get("language") or "sv",
                "registered_on": today.isoformat(),
                "updated_on": today.isoformat(),
            }
        ).last_pk
        _replace_areas(contacts_db, member_id, values.get("areas") or ())
    return member_id


def update_member(contacts_db, member_id: int, values: dict, today: datetime.date) -> None:
    """Change contact data and areas (the department stays: it decides who may see the member)."""
    with immediate_transaction(contacts_db):
        contacts_db["pool_members"].update(
            member_id,
            {
                "name": values["name"],
                "email": values["email"],
                "phone": values.get("phone") or None,
                "language": values.get("language") or "sv",
                "updated_on": today.isoformat(),
            },
        )
        _replace_areas(contacts_db, member_id, values.get("areas") or ())


def search_members(contacts_db, user: dict, query: str = "", area: str = "", department: str | None = None) -> list[dict]:
    """Members the user may see, filtered by a text (name, email, phone) and an area.

    Each row carries its areas, whether the member is prepared (has a
    training record) and how many assignments they have had.
    """
    sql = [
        "select m.*, (select count(*) from pool_trainings t where t.member_id = m.id) as trainings,",
        "(select count(*) from pool_assignments a where a.member_id = m.id) as assignments",
        "from pool_members m where 1 = 1",
    ]
    params: list = []
    if user["role"] != "admin":
        sql.append("and m.department = ?")
        params.append(user["department"] or "\x00")
    elif department:
        sql.append("and m.department = ?")
        params.append(department)
    text = " ".join((query or "").split()).lower()
    if text:
        like = "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        sql.append(
            "and (lower(m.name) like ? escape '\\' or lower(m.email) like ? escape '\\' or coalesce(m.phone, '') like ? escape '\\')"
        )
        params += [like, like, like]
    if area in AREA_KEYS:
        sql.append("and exists (select 1 from pool_member_areas x where x.member_id = m.id and x.area_key = ?)")
        params.append(area)
    sql.append("order by m.name collate nocase, m.id")
    rows = list(contacts_db.query(" ".join(sql), params))
    areas: dict[int, set] = {}
    ids = [row["id"] for row in rows]
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        marks = ",".join("?" * len(chunk))
        for member_id, key in contacts_db.execute(
            f"select member_id, area_key from pool_member_areas where member_id in ({marks})", chunk
        ):
            areas.setdefault(member_id, set()).add(key)
    for row in rows:
        row["areas"] = [key for key in AREA_KEYS if key in areas.get(row["id"], ())]
    return rows


def trainings(contacts_db, member_id: int) -> list[dict]:
    return list(
        contacts_db.query(
            "select * from pool_trainings where member_id = ? order by coalesce(completed_on, recorded_on), id", [member_id]
        )
    )


def add_training(contacts_db, member_id: int, course: str | None, completed_on: str | None, today: datetime.date) -> int:
    """Record preparation or training: a course name and/or a date ("yes, on this date")."""
    with immediate_transaction(contacts_db):
        training_id = contacts_db["pool_trainings"].insert(
            {"member_id": member_id, "course": course or None, "completed_on": completed_on, "recorded_on": today.isoformat()}
        ).last_pk
        contacts_db.execute("update pool_members set updated_on = ? where id = ?", [today.isoformat(), member_id])
    return training_id


def delete_training(contacts_db, member_id: int, training_id: int) -> bool:
    if not 0 < training_id <= MAX_ID:
        return False
    with immediate_transaction(contacts_db):
        return contacts_db.execute(
            "delete from pool_trainings where id = ? and member_id = ?", [training_id, member_id]
        ).rowcount == 1
