"""The served side of the pool: ``representative_profile`` holds counts only,
small cells suppressed (k), refreshed when assignments change; the served
database never holds a pool member's name, email or phone; the migration
sets upgrade a database made by the previous version with every row kept."""

from __future__ import annotations

import datetime
import sqlite3

import pytest

from collector.brukarbank import assignments
from collector.brukarbank import members
from collector.brukarbank import profile
from collector.brukarbank import retention
from collector.brukarbank.vocabulary import CHARACTERISTICS
from collector.migrations import migrate_contacts
from collector.migrations import migrate_served
from tests.fixtures.coordinator import csrf_from

K = 5
TODAY = datetime.date(2026, 3, 1)


@pytest.mark.parametrize(
    "count, total, shown",
    [(0, 4, False), (2, 4, False), (4, 4, False),  # fewer than k representatives: nothing shown, not even 0
     (0, 5, True), (1, 10, False), (4, 10, False), (5, 10, True), (6, 10, False), (10, 10, False), (5, 9, False)],
)
def test_a_count_is_shown_only_when_neither_side_is_a_small_cell(count, total, shown):
    assert profile.publishable(count, total, K) is shown


def _member(contacts_db, n, areas=(), trained=False, department="socialforvaltningen"):
    member_id = members.register_member(contacts_db, {
        "department": department, "name": f"Person Nummer{n}", "email": f"person{n}@example.se",
        "phone": f"070-555 {n:04d}", "language": "sv", "areas": list(areas)}, TODAY)
    if trained:
        members.add_training(contacts_db, member_id, "Introduktion", "2026-01-10", TODAY)
    return members.get_member(contacts_db, member_id)


def _assert_rule_holds(served_db, k=K):
    for row in served_db["representative_profile"].rows:
        c, n = row["with_characteristic"], row["representatives"]
        if c is None:
            assert row["suppressed"] == 1
            continue
        assert row["suppressed"] == 0 and n >= k, row
        assert c == 0 or (c >= k and n - c >= k), row


def test_served_counts_suppress_small_cells_and_pool_them_over_closed_processes(served_db, contacts_db, make_process):
    big = make_process("BIG", status="collecting")
    small_a = make_process("SMALL-A", status="closed")
    small_b = make_process("SMALL-B", status="closed")
    # BIG: 12 representatives, 6 with addiction, 6 prepared, 1 homeless, none with disability.
    people = [_member(contacts_db, n, ["addiction"] if n < 6 else [], trained=n % 2 == 0) for n in range(12)]
    people[11] = _member(contacts_db, 99, ["homelessness"])
    assignments.pick(contacts_db, big, people, TODAY)
    # Two small closed processes, 3 representatives each, all with addiction experience.
    assignments.pick(contacts_db, small_a, [_member(contacts_db, 20 + n, ["addiction"]) for n in range(3)], TODAY)
    assignments.pick(contacts_db, small_b, [_member(contacts_db, 30 + n, ["addiction"]) for n in range(3)], TODAY)
    profile.refresh(served_db, contacts_db, K)
    rows = {(r["process_id"], r["characteristic"]): r for r in served_db["representative_profile"].rows}
    assert rows[(big, "addiction")]["with_characteristic"] == 6
    assert rows[(big, "prepared")]["with_characteristic"] == 6
    assert rows[(big, "disability")]["with_characteristic"] == 0
    assert rows[(big, "homelessness")]["with_characteristic"] is None  # 1 of 12: would point at a person
    for small in (small_a, small_b):
        assert all(rows[(small, c)]["suppressed"] == 1 for c in CHARACTERISTICS)
    # Pooled over the closed processes' hidden cells: 6 representatives, all 6 with addiction -> still hidden;
    # none with disability -> 0 is shown.
    assert rows[(None, "addiction")]["representatives"] == 6 and rows[(None, "addiction")]["with_characteristic"] is None
    assert rows[(None, "disability")]["with_characteristic"] == 0
    _assert_rule_holds(served_db)


def test_the_rule_follows_the_configured_k(served_db, contacts_db, make_process):
    process_id = make_process()
    assignments.pick(contacts_db, process_id, [_member(contacts_db, n, ["addiction"] if n < 3 else []) for n in range(6)], TODAY)
    profile.refresh(served_db, contacts_db, 3)
    shown = {r["characteristic"]: r["with_characteristic"] for r in served_db["representative_profile"].rows if r["process_id"]}
    assert shown["addiction"] == 3
    profile.refresh(served_db, contacts_db, 5)
    _assert_rule_holds(served_db, 5)


def test_served_database_never_holds_a_pool_members_name_email_or_phone(coordinator_client, served_db, contacts_db, make_process, db_paths):
    process_id = make_process(status="collecting")
    ids = []
    for n in range(7):
        token = csrf_from(coordinator_client, "/coordinator/brukarbank/new")
        response = coordinator_client.post("/coordinator/brukarbank/new", data={
            "csrf_token": token, "name": f"Zelda Quist{n}", "email": f"zelda.quist{n}@example.se", "phone": f"0701-99 88 7{n}",
            "language": "sv", "department": "socialforvaltningen", "areas": ["addiction", "mental_health"]})
        ids.append(int(response.headers["Location"].rsplit("/", 1)[1]))
    token = csrf_from(coordinator_client, f"/coordinator/brukarbank/processes/{process_id}/pick")
    coordinator_client.post(f"/coordinator/brukarbank/processes/{process_id}/pick",
                            data={"csrf_token": token, "pick": "1", "members": [str(i) for i in ids]})
    assert served_db["representative_profile"].count > 0  # the pick refreshed the counts
    secrets = set()
    for member in contacts_db["pool_members"].rows:
        secrets |= {member["name"].lower(), member["email"].lower(), member["phone"].lower(), member["name"].split()[1].lower()}
    conn = sqlite3.connect(db_paths[0])
    tables = [r[0] for r in conn.execute("select name from sqlite_master where type = 'table'")]
    found = []
    for table in tables:
        for row in conn.execute(f'select * from "{table}"'):
            for cell in row:
                text = str(cell).lower() if cell is not None else ""
                found += [(table, s) for s in secrets if s in text]
    conn.close()
    assert found == []
    assert "representative_profile" in tables


def test_counts_follow_assignments_and_survive_a_members_removal(served_db, contacts_db, make_process):
    process_id = make_process()
    people = [_member(contacts_db, n, ["disability"]) for n in range(10)]
    assignments.pick(contacts_db, process_id, people[:5], TODAY)
    profile.refresh(served_db, contacts_db, K)

    def shown():
        return {r["characteristic"]: (r["representatives"], r["with_characteristic"])
                for r in served_db["representative_profile"].rows if r["process_id"] == process_id}

    assert shown()["disability"] == (5, None)  # all five: "everyone has it" is hidden too
    assignments.pick(contacts_db, process_id, people[5:], TODAY)
    for person in people[5:]:
        contacts_db.execute("delete from pool_member_areas where member_id = ?", [person["id"]])
    profile.refresh(served_db, contacts_db, K)
    assert shown()["disability"] == (10, 5)
    retention.remove_member(contacts_db, people[0]["id"])
    profile.refresh(served_db, contacts_db, K)
    assert shown()["disability"] == (10, 5)  # the removed person lives on only as a count
    assert contacts_db.execute("select count(*) from pool_members where email = 'person0@example.se'").fetchone()[0] == 0


def test_deleted_processes_leave_the_served_counts(served_db, contacts_db, make_process):
    process_id = make_process()
    assignments.pick(contacts_db, process_id, [_member(contacts_db, 1)], TODAY)
    served_db.execute("delete from processes where id = ?", [process_id])
    profile.refresh(served_db, contacts_db, K)
    assert served_db["representative_profile"].count == 0


def test_previous_version_databases_upgrade_with_every_row_kept(db_paths):
    from collector.db import connect

    served, contacts = connect(db_paths[0]), connect(db_paths[1])
    # The previous version: no pool tables, no record of the pool's migration sets.
    served.execute("drop table representative_profile")
    served.execute("delete from _sqlite_migrations where migration_set = 'medverkan-brukarbank-served'")
    for table in ("pool_assignments", "pool_trainings", "pool_member_areas", "pool_retired_counts", "pool_members"):
        contacts.execute(f"drop table {table}")
    contacts.execute("delete from _sqlite_migrations where migration_set = 'medverkan-brukarbank'")
    served["departments"].insert({"key": "x", "name_sv": "X", "name_en": "X"}, ignore=True)
    served["response_counts"].insert({"process_id": 1, "group_key": "representative", "n": 3})
    contacts["participants"].insert(
        {"process_id": 1, "group_key": "representative", "name": "Kvar", "email": "kvar@example.se", "language": "sv"}
    )
    before = (served["response_counts"].count, contacts["participants"].count, served["departments"].count)
    migrate_served(served)
    migrate_contacts(contacts)
    assert (served["response_counts"].count, contacts["participants"].count, served["departments"].count) == before
    assert "representative_profile" in served.table_names() and "pool_members" in contacts.table_names()
    served.conn.close()
    contacts.conn.close()
