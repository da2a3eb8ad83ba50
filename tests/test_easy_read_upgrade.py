"""Upgrade in place for the easy-to-read variants (issue 16 part 5): databases
made by the previous version (the branch's base commit, run from a
`git archive` copy) gain `instruments.reading` (forms step
f002_instrument_reading) and `participants.easy_read` (contacts step
c007_participant_easy_read) with every response, participant and link kept;
answered questionnaires keep their stored definition and hash, old links
still open the standard questionnaire, and a participant marked easy-to-read
afterwards gets the variant."""

import textwrap

from collector import create_app
from collector.db import connect
from collector.instruments.registry import instrument_for
from collector.migrations import init_databases
from tests.fixtures.previous_version import run_in_previous_version

PREVIOUS = "86bb77a"  # main before this branch (issue 16 part 5)

OLD_VERSION_SCRIPT = textwrap.dedent('''
    import sys
    from collector.migrations import init_databases
    from collector.db import connect
    from collector.invitations import create_invitation
    from collector.respondent.submission import store_response
    served_path, contacts_path = sys.argv[1:3]
    init_databases(served_path, contacts_path)
    served, contacts = connect(served_path), connect(contacts_path)
    process_id = served.execute("insert into processes (code, post_title, status) values ('OLD-1', 'Chef', 'collecting')").lastrowid
    served.conn.commit()
    for group in ("representative", "hired_followup"):
        instrument_id = served.execute("select id from instruments where key = ?", [group]).fetchone()[0]
        for value in (2, 5):
            store_response(served, process_id=process_id, group_key=group, instrument_id=instrument_id,
                           answers={"attitude_user_involvement": value, "should_continue": 1}, language="sv",
                           submitted_on="2026-11-01")
    participant = contacts["participants"].insert({"process_id": process_id, "name": "Åsa", "email": "asa@example.se",
                                                  "group_key": "representative", "language": "sv",
                                                  "created_on": "2026-11-01"}).last_pk
    token = create_invitation(contacts, process_id, "representative", participant, valid_days=365)
    contacts.conn.commit()
    print(process_id, participant, token)
''')


def test_previous_version_databases_gain_the_easy_to_read_choice_with_everything_kept(tmp_path):
    served_path, contacts_path, last_line = run_in_previous_version(tmp_path, PREVIOUS, OLD_VERSION_SCRIPT)
    process_id, participant, token = last_line.split()
    served, contacts = connect(served_path), connect(contacts_path)
    assert "reading" not in served["instruments"].columns_dict and "easy_read" not in contacts["participants"].columns_dict
    before_answers = served.execute("select * from answers order by response_id, question_id, item").fetchall()
    before_instruments = served.execute("select id, key, definition_json, source_sha256 from instruments order by id").fetchall()
    before_totals = served.execute("select * from core_answer_totals order by 1, 2, 3, 4").fetchall()
    served.conn.close()
    contacts.conn.close()

    init_databases(served_path, contacts_path)

    served, contacts = connect(served_path), connect(contacts_path)
    try:
        assert served.execute("select * from answers order by response_id, question_id, item").fetchall() == before_answers
        assert served.execute("select * from core_answer_totals order by 1, 2, 3, 4").fetchall() == before_totals
        assert served.execute("select count(*) from responses").fetchone()[0] == 4
        # Answered questionnaires are unchanged (same JSON and hash: not "changed" by the new fields) and standard.
        for instrument_id, key, definition, digest in before_instruments:
            assert served.execute(
                "select key, definition_json, source_sha256, reading from instruments where id = ?", [instrument_id]
            ).fetchone() == (key, definition, digest, None)
        assert dict(served.execute("select key, reading from instruments where reading is not null").fetchall()) == {
            "representative_easy": "easy_read", "hired_followup_easy": "easy_read",
        }
        assert contacts.execute("select easy_read from participants").fetchall() == [(0,)]
        assert served.execute(
            "select key from instruments where id = ?", [instrument_for(served, int(process_id), "representative")]
        ).fetchone() == ("representative",)
        # Marked easy-to-read after the upgrade: the same link now opens the variant.
        contacts.execute("update participants set easy_read = 1 where id = ?", [int(participant)])
    finally:
        served.conn.close()
        contacts.conn.close()
    app = create_app({"TESTING": True, "SECRET_KEY": "test-secret", "DATABASE": served_path,
                      "CONTACTS_DATABASE": contacts_path, "RATELIMIT_ENABLED": False})
    app.instance_path = str(tmp_path / "instance")
    client = app.test_client()
    assert client.get(f"/s/{token}").status_code == 303
    assert "Håller helt med" in client.get("/svar/sida/1").get_data(as_text=True)
