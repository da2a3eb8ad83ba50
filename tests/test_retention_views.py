"""What the coordinator sees of a closed process around the purge: response
rates that outlive the deleted links (contacts migration k006), and the
closing section's words once the purge date has passed while the hired
person's follow-up is pending. Both were found walking a whole year in the
browser (tests/test_browser_whole_year.py)."""

from __future__ import annotations

from collector.coordinator import participants as participant_store
from collector.invitations import create_invitation
from collector.ops.cli import cli


def test_response_rates_survive_the_purge_of_the_links(app, make_process, contacts_db, served_db):
    """The purge deleted the invitations the rates were counted from: a closed process's page then
    said "No invitations yet." about a recruitment that had them, and the rates were lost."""
    from collector.coordinator import outreach

    process_id = make_process("OLD-3", status="closed")
    served_db.execute("update processes set closed_on = '2026-01-10' where id = ?", [process_id])
    participant_store.add_participants(contacts_db, process_id, [
        {"name": f"Rep {n}", "email": f"rep{n}@example.se", "group_key": "representative"} for n in range(3)
    ] + [{"name": "Hired", "email": "hired@example.se", "group_key": "hired_followup"}])
    for participant_id in (1, 2, 3):
        create_invitation(contacts_db, process_id, "representative", participant_id=participant_id)
    contacts_db.execute("update invitations set status = 'answered' where participant_id in (1, 2)")
    create_invitation(contacts_db, process_id, "hired_followup", participant_id=4)
    contacts_db.execute("update invitations set is_followup = 1, status = 'open' where participant_id = 4")
    contacts_db.execute("insert into scheduled_followups (process_id, participant_id, due_on, sent_on) "
                        "values (?, 4, '2026-03-01', '2026-03-01')", [process_id])
    before = outreach.response_rates(contacts_db, process_id)
    assert [(r["group_key"], r["invited"], r["answered"]) for r in before] == [("representative", 3, 2), ("hired_followup", 1, 0)]

    runner = app.test_cli_runner()
    assert runner.invoke(cli, ["purge", "--today", "2026-05-01"]).exit_code == 0
    assert contacts_db.execute("select count(*) from invitations where is_followup = 0").fetchone()[0] == 0
    assert outreach.response_rates(contacts_db, process_id) == before
    contacts_db.execute("update invitations set status = 'answered' where participant_id = 4")
    assert runner.invoke(cli, ["purge", "--today", "2026-05-02"]).exit_code == 0
    assert contacts_db.execute("select count(*) from invitations").fetchone()[0] == 0
    after = outreach.response_rates(contacts_db, process_id)
    assert [(r["group_key"], r["invited"], r["answered"], r["rate"]) for r in after] == [
        ("representative", 3, 2, 67), ("hired_followup", 1, 1, 100)
    ]
    assert runner.invoke(cli, ["purge", "--today", "2026-05-03"]).exit_code == 0  # idempotent: nothing counted twice
    assert outreach.response_rates(contacts_db, process_id) == after


def test_purged_invitation_counts_migration_upgrades_a_database_of_the_previous_version(tmp_path):
    """k006 on a contacts database made before it: every row kept, the new table added and used by the next purge."""
    from collector.coordinator import migrations as coordinator_migrations
    from collector.coordinator import outreach
    from collector.db import connect
    from collector.migrations import migrate_contacts
    from collector.migrations_contacts import contacts as core_contacts

    db = connect(str(tmp_path / "contacts.db"))
    core_contacts.apply(db)
    coordinator_migrations.migrations.apply(db, stop_before="k006_purged_invitation_counts")
    assert "purged_invitation_counts" not in db.table_names()
    participant_store.add_participants(db, 7, [{"name": "Rep", "email": "rep@example.se", "group_key": "representative"}])
    create_invitation(db, 7, "representative", participant_id=1)
    db.execute("update invitations set status = 'answered'")

    migrate_contacts(db)
    assert "purged_invitation_counts" in db.table_names()
    assert db.execute("select email from participants").fetchall() == [("rep@example.se",)]
    assert db.execute("select group_key, status from invitations").fetchall() == [("representative", "answered")]
    rates = [(r["group_key"], r["invited"], r["answered"]) for r in outreach.response_rates(db, 7)]
    assert rates == [("representative", 1, 1)]
    db.conn.close()


def test_process_page_after_the_purge_date_says_only_the_hire_is_kept(app, coordinator_client, make_process, contacts_db, served_db):
    """The page announced "will be deleted on <a date long past>" while the hire's follow-up was pending."""
    process_id = make_process("OLD-2", status="closed")
    served_db.execute("update processes set closed_on = '2026-01-10' where id = ?", [process_id])
    participant_store.add_participants(contacts_db, process_id, [
        {"name": "Rep", "email": "rep@example.se", "group_key": "representative"},
        {"name": "Hired", "email": "hired@example.se", "group_key": "hired_followup"},
    ])
    contacts_db.execute("insert into scheduled_followups (process_id, participant_id, due_on) values (?, 2, '2026-09-01')", [process_id])
    url = f"/coordinator/processes/{process_id}"
    app.config["TODAY"] = "2026-03-01"
    assert "Namn och e-postadresser raderas 2026-04-10" in coordinator_client.get(url).get_data(as_text=True)

    app.config["TODAY"] = "2026-05-01"
    assert app.test_cli_runner().invoke(cli, ["purge"]).exit_code == 0
    page = coordinator_client.get(url).get_data(as_text=True)
    assert "raderas 2026-04-10" not in page
    assert "har raderats av den schemalagda gallringen, utom den anställdas" in page
