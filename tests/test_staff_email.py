"""The staff account's email address (issue 11 part 4): set by the person on
their account page, by an admin on the accounts pages and by
``medverkan user``; "send a test to myself" uses it (a real SMTP server,
aiosmtpd) and says what to do when it is missing.

No migration: ``users.email`` has existed since step k001 but nothing could
set it. The upgrade test shows an account made by the previous version (a
``git archive`` copy of the branch's base commit) gets its address and its
test message on the new code, with nothing else about it changed.
"""

from __future__ import annotations

import re
import textwrap
import urllib.parse

from collector import create_app
from collector.coordinator import participants as participant_store
from collector.coordinator import users as user_store
from collector.db import connect
from collector.migrations import init_databases
from collector.ops.cli import cli
from tests.fixtures.coordinator import STAFF_PASSWORD
from tests.fixtures.coordinator import csrf_from
from tests.fixtures.coordinator import sign_in
from tests.fixtures.previous_version import run_in_previous_version

PREVIOUS = "86bb77a"  # main before this branch (issue 11 part 4)


def _email(contacts_db, username):
    return contacts_db.execute("select email from users where username = ?", [username]).fetchone()[0]


def test_a_missing_address_says_what_to_do_and_the_account_page_fixes_it(coordinator_client, make_process, contacts_db, smtp_server):
    process_id = make_process(status="collecting")
    participant_store.add_participants(contacts_db, process_id, [
        {"name": "Åsa", "email": "asa@example.se", "group_key": "representative", "language": "sv"}])
    invite = f"/coordinator/processes/{process_id}/invite"
    page = coordinator_client.get(invite).get_data(as_text=True)
    assert "Ditt konto har ingen e-postadress" in page and "Lägg till din på kontosidan" in page
    account = re.search(r'href="(/staff/account\?next=[^"]+)"', page).group(1)
    assert urllib.parse.unquote(account) == f"/staff/account?next=/coordinator/processes/{process_id}/invite"
    token = csrf_from(coordinator_client, invite)
    response = coordinator_client.post(invite, data={"csrf_token": token, "action": "test"})
    flashed = coordinator_client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Lägg till din på kontosidan" in flashed and smtp_server.messages == []

    response = coordinator_client.post(account, data={"csrf_token": token, "email": "coord@kommun", "next": invite})
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and "E-postadress: Skriv en e-postadress som namn@exempel.se." in page
    assert 'value="coord@kommun"' in page and _email(contacts_db, "coord") is None

    response = coordinator_client.post(account, data={"csrf_token": token, "email": " Coord@Kommun.se ", "next": invite})
    assert response.status_code == 302 and response.headers["Location"] == invite
    assert _email(contacts_db, "coord") == "coord@kommun.se"
    assert contacts_db.execute("select count(*) from audit_log where action = 'user_email'").fetchone()[0] == 1
    page = coordinator_client.get(invite).get_data(as_text=True)
    assert "Skicka ett test till mig själv (coord@kommun.se)" in page
    coordinator_client.post(invite, data={"csrf_token": token, "action": "test"})
    assert [m["rcpt"] for m in smtp_server.messages] == [["coord@kommun.se"]]
    assert smtp_server.messages[0]["message"]["Subject"].startswith("TEST: ")

    # Emptying the field removes the address.
    coordinator_client.post("/staff/account", data={"csrf_token": token, "email": ""})
    assert _email(contacts_db, "coord") is None


def test_every_role_has_the_account_page_and_next_stays_on_the_site(app, make_user, departments, contacts_db):
    make_user("eva", "evaluator", None)
    client = app.test_client()
    sign_in(client, "eva")
    page = client.get("/staff/account").get_data(as_text=True)
    assert "Ditt konto" in page and "eva" in page
    token = csrf_from(client, "/staff/account")
    response = client.post("/staff/account", data={"csrf_token": token, "email": "eva@kommun.se", "next": "https://evil.example/"})
    assert response.status_code == 302 and response.headers["Location"] == "/staff/account"
    assert _email(contacts_db, "eva") == "eva@kommun.se"
    assert app.test_client().get("/staff/account").status_code == 302  # signed out: to the sign-in page
    response = client.post("/staff/account", data={"email": "x@kommun.se"})  # no CSRF token
    assert response.status_code == 400 and _email(contacts_db, "eva") == "eva@kommun.se"


def test_an_admin_sets_the_address_when_creating_and_editing_an_account(admin_client, contacts_db):
    token = csrf_from(admin_client, "/coordinator/users")
    response = admin_client.post("/coordinator/users", data={
        "csrf_token": token, "username": "kim", "display_name": "Kim", "email": "nope", "role": "coordinator",
        "department": "socialforvaltningen", "password": "a long enough pw"})
    assert response.status_code == 400 and "Skriv en e-postadress som namn@exempel.se." in response.get_data(as_text=True)
    assert user_store.get_user_by_username(contacts_db, "kim") is None
    response = admin_client.post("/coordinator/users", data={
        "csrf_token": token, "username": "kim", "display_name": "Kim", "email": "Kim@Kommun.se", "role": "coordinator",
        "department": "socialforvaltningen", "password": "a long enough pw"})
    assert response.status_code == 302 and _email(contacts_db, "kim") == "kim@kommun.se"

    kim = user_store.get_user_by_username(contacts_db, "kim")
    edit = f"/coordinator/users/{kim['id']}"
    assert 'value="kim@kommun.se"' in admin_client.get(edit).get_data(as_text=True)
    response = admin_client.post(edit, data={"csrf_token": token, "display_name": "Kim", "email": "kim.ny@kommun.se",
                                             "role": "coordinator", "department": "socialforvaltningen", "is_active": "y"})
    assert response.status_code == 302 and _email(contacts_db, "kim") == "kim.ny@kommun.se"
    entry = contacts_db.execute("select username, detail from audit_log where action = 'user_email'").fetchone()
    assert entry == ("boss", "kim")  # who changed whose address; never the address itself


def test_the_cli_sets_and_removes_the_address(runner, contacts_db):
    result = runner.invoke(cli, args=["user", "add", "kim", "--role", "admin", "--email", "kim@kommun.se", "--password", STAFF_PASSWORD])
    assert result.exit_code == 0, result.output
    assert _email(contacts_db, "kim") == "kim@kommun.se"
    assert runner.invoke(cli, args=["user", "set-email", "kim", "KIM.NY@kommun.se"]).exit_code == 0
    assert _email(contacts_db, "kim") == "kim.ny@kommun.se"
    result = runner.invoke(cli, args=["user", "set-email", "kim", "inte en adress"])
    assert result.exit_code != 0 and "Enter an email address" in result.output
    assert _email(contacts_db, "kim") == "kim.ny@kommun.se"
    assert runner.invoke(cli, args=["user", "set-email", "kim"]).exit_code == 0
    assert _email(contacts_db, "kim") is None
    assert runner.invoke(cli, args=["user", "set-email", "nobody", "a@b.se"]).exit_code != 0


OLD_VERSION_SCRIPT = textwrap.dedent('''
    import sys
    from collector.migrations import init_databases
    from collector.db import connect
    from collector.coordinator.users import add_user, use_argon2_profile
    use_argon2_profile("testing")
    served_path, contacts_path, password = sys.argv[1:4]
    init_databases(served_path, contacts_path)
    served, contacts = connect(served_path), connect(contacts_path)
    served["departments"].insert({"key": "soc", "name_sv": "Socialförvaltningen", "name_en": "Social services"})
    served.execute("insert into processes (code, post_title, status, department) values ('OLD-1', 'Chef', 'collecting', 'soc')")
    served.conn.commit()
    add_user(contacts, "gammal", password, "coordinator", department="soc")
    contacts.execute("insert into participants (process_id, name, email, group_key, language, created_on) "
                     "values (1, 'Åsa', 'asa@example.se', 'representative', 'sv', '2026-11-01')")
    contacts.conn.commit()
''')


def test_an_account_made_by_the_previous_version_gets_its_address(tmp_path, app, smtp_server):
    served_path, contacts_path, _ = run_in_previous_version(tmp_path, PREVIOUS, OLD_VERSION_SCRIPT, STAFF_PASSWORD)

    init_databases(served_path, contacts_path)
    smtp = {key: value for key, value in app.config.items() if key.startswith(("SMTP_", "MAIL_"))}  # the aiosmtpd server
    upgraded = create_app({"TESTING": True, "SECRET_KEY": "test-secret", "DATABASE": served_path, "CONTACTS_DATABASE": contacts_path,
                           "RATELIMIT_ENABLED": False, "ARGON2_PROFILE": "testing", **smtp},
                          instance_path=str(tmp_path / "upgraded-instance"))
    client = upgraded.test_client()
    assert sign_in(client, "gammal").status_code == 302
    token = csrf_from(client, "/staff/account")
    assert client.post("/staff/account", data={"csrf_token": token, "email": "gammal@kommun.se"}).status_code == 302
    client.post("/coordinator/processes/1/invite", data={"csrf_token": token, "action": "test"})
    assert [m["rcpt"] for m in smtp_server.messages] == [["gammal@kommun.se"]]
    contacts = connect(contacts_path)
    assert contacts.execute("select count(*) from participants").fetchone()[0] == 1
    assert user_store.authenticate(contacts, "gammal", STAFF_PASSWORD)["email"] == "gammal@kommun.se"
    contacts.conn.close()
