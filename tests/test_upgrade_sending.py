"""Upgrade in place (issue 11 parts 5 and 9): databases made by the previous
version (the branch's base commit, run from a `git archive` copy) gain
`feedback_drafts` and `invitations.short_code_hash` with every response,
participant and link kept, and an old printed link still opens."""

import textwrap

from collector import create_app
from collector.db import connect
from collector.migrations import init_databases
from tests.fixtures.previous_version import run_in_previous_version

PREVIOUS = "9df163d"  # main before this branch (issue 11 parts 5-9)

OLD_VERSION_SCRIPT = textwrap.dedent('''
    import sys
    from collector.migrations import init_databases
    from collector.db import connect
    from collector.invitations import create_invitation, mark_sent_by_token
    from collector.respondent.submission import store_response
    served_path, contacts_path = sys.argv[1:3]
    init_databases(served_path, contacts_path)
    served, contacts = connect(served_path), connect(contacts_path)
    process_id = served.execute("insert into processes (code, post_title, status) values ('OLD-1', 'Chef', 'collecting')").lastrowid
    served.conn.commit()
    instrument_id = served.execute("select id from instruments where group_key = 'representative' order by id limit 1").fetchone()[0]
    for _ in range(3):
        store_response(served, process_id=process_id, group_key="representative", instrument_id=instrument_id,
                       answers={}, language="sv", submitted_on="2026-11-01")
    participant = contacts["participants"].insert({"process_id": process_id, "name": "Pappers", "email": None,
                                                  "group_key": "manager", "language": "sv", "created_on": "2026-11-01"}).last_pk
    token = create_invitation(contacts, process_id, "manager", participant, valid_days=365)
    mark_sent_by_token(contacts, token, __import__("datetime").date.today())
    contacts.conn.commit()
    print(token)
''')


def test_previous_version_databases_upgrade_in_place(tmp_path):
    served_path, contacts_path, last_line = run_in_previous_version(tmp_path, PREVIOUS, OLD_VERSION_SCRIPT)
    token = last_line
    contacts = connect(contacts_path)
    assert "short_code_hash" not in contacts["invitations"].columns_dict and "feedback_drafts" not in contacts.table_names()
    contacts.conn.close()

    init_databases(served_path, contacts_path)

    served, contacts = connect(served_path), connect(contacts_path)
    assert served.execute("select count(*) from responses").fetchone()[0] == 3
    assert contacts.execute("select count(*) from participants").fetchone()[0] == 1
    assert contacts.execute("select count(*) from invitations where short_code_hash is null").fetchone()[0] == 1
    assert "feedback_drafts" in contacts.table_names()
    served.conn.close()
    contacts.conn.close()
    app = create_app({"TESTING": True, "SECRET_KEY": "test-secret", "DATABASE": served_path,
                      "CONTACTS_DATABASE": contacts_path, "RATELIMIT_ENABLED": False})
    app.instance_path = str(tmp_path / "instance")
    assert app.test_client().get(f"/s/{token}").status_code == 303
