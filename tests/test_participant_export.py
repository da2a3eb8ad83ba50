"""The participant list as CSV (issue 11 part 4): Swedish-Excel dialect,
formulas neutralised, exactly the columns the participants page shows, and
never a token, short code or hash. The privacy test plays the attack: every
secret in the contacts database, and every link and code handed out, is
looked for in the file; a deliberately leaky export shows the check bites."""

from __future__ import annotations

import csv
import datetime
import io
import re

from collector.coordinator import outreach
from collector.coordinator import participant_export
from collector.coordinator import participants as participant_store
from collector.short_codes import normalise

LINK = re.compile(r"https?://[^\s<\"]+/s/([A-Za-z0-9_\-]+)")
SECRET_COLUMNS = ("hash", "token", "short_code", "receipt_code", "stamp")


def _process(served_db, process_id):
    return dict(next(served_db.query("select * from processes where id = ?", [process_id])))


def _secrets(contacts_db) -> set[str]:
    """Every value in a contacts column that holds a token, a code or a hash."""
    found = set()
    for table in contacts_db.table_names():
        for column in contacts_db[table].columns:
            if any(word in column.name for word in SECRET_COLUMNS):
                for (value,) in contacts_db.execute(f"select [{column.name}] from [{table}] where [{column.name}] is not null"):
                    found.add(str(value))
    return found


def _collecting_process_with_links(app, make_process, served_db, contacts_db):
    """Invited, reminded (a rotated token: earlier_links) and printed (short codes) participants."""
    process_id = make_process(status="collecting")
    participant_store.add_participants(contacts_db, process_id, [
        {"name": "=HYPERLINK(\"http://evil.example\";\"klicka\")", "email": "asa@example.se", "group_key": "representative",
         "language": "sv"},
        {"name": "Bo Ek", "email": "bo@example.se", "group_key": "union", "language": "en"},
        {"name": "+Papper", "email": None, "group_key": "manager", "language": "sv"},
    ])
    today = datetime.date.today()
    handed_out = set()
    with app.app_context():
        process = _process(served_db, process_id)
        outreach.send_invitations(served_db, contacts_db, app.config, process, "coord", today)
        later = today + datetime.timedelta(days=app.config["REMINDER_MIN_DAYS"])
        outreach.send_reminders(served_db, contacts_db, app.config, process, "coord", later)
        for link in outreach.print_links(contacts_db, process, "candidate", 2, "coord", today):
            handed_out |= {link["url"].rsplit("/", 1)[1], link["short_code"], normalise(link["short_code"])}
    return process_id, handed_out


def _csv(client, process_id):
    response = client.get(f"/coordinator/processes/{process_id}/participants.csv")
    assert response.status_code == 200
    return response


def _leaks(body: str, secrets: set[str]) -> set[str]:
    return {secret for secret in secrets if secret and secret in body}


def test_the_csv_is_swedish_excel_with_the_pages_columns_and_neutralised_formulas(
    app, coordinator_client, make_process, served_db, contacts_db, smtp_server
):
    process_id, _codes = _collecting_process_with_links(app, make_process, served_db, contacts_db)
    response = _csv(coordinator_client, process_id)
    assert response.mimetype == "text/csv"
    assert 'attachment; filename="deltagare-HBG-2017-GR.csv"' == response.headers["Content-Disposition"]
    raw = response.get_data()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == ["Namn", "E-postadress", "Grupp", "Språk", "Inbjudan", "Skickad", "Påmind"]
    by_email = {row[1]: row for row in rows[1:]}
    assert by_email["asa@example.se"][0] == "'=HYPERLINK(\"http://evil.example\";\"klicka\")"
    assert by_email["bo@example.se"][2:5] == ["Facklig företrädare", "en", "Inte svarat"]
    assert by_email["bo@example.se"][5] == datetime.date.today().isoformat() and by_email["bo@example.se"][6]
    paper = next(row for row in rows[1:] if row[0] == "'+Papper")
    assert paper[1] == "(utskriven länk)" and paper[4] == "Inte svarat"
    assert len(rows) == 4  # the two unnamed printed links are not participants
    assert all(len(row) == 7 for row in rows)
    assert contacts_db.execute("select count(*) from audit_log where action = 'participants_export'").fetchone()[0] == 1


def test_the_csv_header_is_in_english_for_an_english_reader(app, coordinator_client, make_process, contacts_db):
    process_id = make_process()
    participant_store.add_participants(contacts_db, process_id, [
        {"name": "Bo", "email": "bo@example.se", "group_key": "union", "language": "sv"}])
    coordinator_client.get("/?lang=en")
    rows = list(csv.reader(io.StringIO(_csv(coordinator_client, process_id).get_data().decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == ["Name", "Email address", "Group", "Language", "Invitation", "Sent", "Reminded"]
    assert rows[1] == ["Bo", "bo@example.se", "Union representative", "sv", "Not invited", "", ""]


def test_no_token_short_code_or_hash_from_the_contacts_database_reaches_the_csv(
    app, coordinator_client, make_process, served_db, contacts_db, smtp_server
):
    process_id, handed_out = _collecting_process_with_links(app, make_process, served_db, contacts_db)
    for message in smtp_server.messages:
        handed_out |= set(LINK.findall(message["message"].get_body(preferencelist=("plain",)).get_content()))
    secrets = _secrets(contacts_db) | handed_out
    assert contacts_db.execute("select count(*) from earlier_links").fetchone()[0] == 2  # the reminders rotated tokens
    assert len(secrets) >= 12
    body = _csv(coordinator_client, process_id).get_data().decode("utf-8-sig")
    assert _leaks(body, secrets) == set()


def test_the_secret_check_catches_a_leaky_export(app, coordinator_client, make_process, served_db, contacts_db, smtp_server, monkeypatch):
    """The same attack against a deliberately leaky export (every column of the latest invitation): caught."""
    process_id, handed_out = _collecting_process_with_links(app, make_process, served_db, contacts_db)

    def leaky_rows(db, pid):
        return list(db.query("select p.*, i.* from participants p left join invitations i on i.participant_id = p.id "
                             "where p.process_id = ?", [pid]))

    monkeypatch.setattr(participant_store, "participants_with_status", leaky_rows)
    monkeypatch.setattr(participant_export, "row_for", lambda person: [str(value) for value in person.values()])
    body = _csv(coordinator_client, process_id).get_data().decode("utf-8-sig")
    assert _leaks(body, _secrets(contacts_db) | handed_out)


def test_a_coordinator_cannot_download_another_departments_list(coordinator_client, make_process, contacts_db):
    other = make_process("ARB-1", department="arbetsmarknadsforvaltningen")
    participant_store.add_participants(contacts_db, other, [
        {"name": "Annan", "email": "annan@example.se", "group_key": "union", "language": "sv"}])
    response = coordinator_client.get(f"/coordinator/processes/{other}/participants.csv")
    assert response.status_code == 404 and b"annan@example.se" not in response.get_data()
    assert coordinator_client.get(f"/coordinator/processes/{2 ** 70}/participants.csv").status_code == 404


def test_the_file_name_carries_no_header_injection():
    assert participant_export.safe_filename('SOC "1"\r\nSet-Cookie: x=1') == "SOC-1-Set-Cookie-x-1"
    assert participant_export.safe_filename("") == "process"
