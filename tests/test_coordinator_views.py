"""Coordinator pages: processes, stages, applicants, participants, scoping,
response rates, printed links, closing, purge and the audit log."""

import datetime
import re

import pytest

from collector.coordinator import participants as participant_store
from collector.invitations import create_invitation
from collector.ops.cli import cli
from tests.fixtures.coordinator import csrf_from
from tests.fixtures.coordinator import sign_in

PROCESS_FORM = {
    "code": "HBG-2017-GR",
    "post_title": "Avdelningschef Gemensamma resurser",
    "department": "socialforvaltningen",
    "post_level": "manager",
    "unit": "Gemensamma resurser",
    "opened_on": "2017-04-18",
    "application_deadline": "2017-05-26",
    "applicants": "19",
    "qualified": "6",
    "interviewed": "5",
    "finalists": "3",
    "instrument_set": "default",
}


def test_signed_out_users_are_sent_to_sign_in(client):
    response = client.get("/coordinator/processes/1")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/staff/login?next=/coordinator/processes/1")


def test_create_process_and_its_timeline(coordinator_client, served_db, contacts_db):
    token = csrf_from(coordinator_client, "/coordinator/processes/new")
    bad = {**PROCESS_FORM, "qualified": "25", "opened_on": "not a date", "csrf_token": token}
    response = coordinator_client.post("/coordinator/processes/new", data=bad)
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Kan inte vara fler än antalet sökande." in page
    assert 'href="#qualified"' in page and 'aria-invalid="true"' in page
    assert 'value="Avdelningschef Gemensamma resurser"' in page  # nothing typed is lost

    response = coordinator_client.post("/coordinator/processes/new", data={**PROCESS_FORM, "csrf_token": token})
    assert response.status_code == 302
    process_id = int(response.headers["Location"].rsplit("/", 1)[1])
    row = served_db.execute("select code, status, applicants, qualified, opened_on from processes").fetchone()
    assert row == ("HBG-2017-GR", "planning", 19, 6, "2017-04-18")

    # The code must be unique.
    response = coordinator_client.post("/coordinator/processes/new", data={**PROCESS_FORM, "csrf_token": token})
    assert response.status_code == 400

    stages_url = f"/coordinator/processes/{process_id}/stages"
    response = coordinator_client.post(stages_url, data={
        "csrf_token": token,
        "stages-0-label_sv": "Annonsering", "stages-0-starts_on": "2017-05-08", "stages-0-ends_on": "2017-05-26",
        "stages-1-label_sv": "Brukarnas urval", "stages-1-starts_on": "2017-05-31", "stages-1-ends_on": "2017-05-31",
        "stages-1-representatives_took_part": "y",
        "stages-2-label_sv": "",
    })
    assert response.status_code == 302
    stages = list(served_db.query("select position, label_sv, representatives_took_part from process_stages order by position"))
    assert stages == [
        {"position": 1, "label_sv": "Annonsering", "representatives_took_part": 0},
        {"position": 2, "label_sv": "Brukarnas urval", "representatives_took_part": 1},
    ]
    response = coordinator_client.post(stages_url, data={
        "csrf_token": token, "stages-0-label_sv": "X", "stages-0-starts_on": "2017-05-08", "stages-0-ends_on": "2017-05-01",
    })
    assert response.status_code == 400
    assert len(list(served_db.query("select * from process_stages"))) == 2

    applicants_url = f"/coordinator/processes/{process_id}/applicants"
    assert "Sökande A" in coordinator_client.get(applicants_url).get_data(as_text=True)
    response = coordinator_client.post(applicants_url, data={
        "csrf_token": token,
        "applicants-0-pseudonym": "Sökande A", "applicants-0-stage_reached": "finalist",
        "applicants-1-pseudonym": "Sökande B", "applicants-1-stage_reached": "qualified",
        "applicants-2-pseudonym": "Sökande C", "applicants-2-stage_reached": "applied",
    })
    assert response.status_code == 302
    page = coordinator_client.get(f"/coordinator/processes/{process_id}").get_data(as_text=True)
    assert "Annonsering" in page and "Brukarnas urval" in page
    funnel = re.findall(r'<th scope="row">(\w+)</th><td class="num">(\S+)</td><td class="num">(\d+)</td>', page)
    assert funnel[:2] == [("Sökande", "19", "3"), ("Behörig", "6", "2")]
    actions = [r[0] for r in contacts_db.execute("select action from audit_log order by id")]
    assert actions[-3:] == ["process_create", "stages_update", "applicants_update"]


def test_status_moves_forward(coordinator_client, make_process, served_db):
    process_id = make_process()
    token = csrf_from(coordinator_client, f"/coordinator/processes/{process_id}")
    assert coordinator_client.post(f"/coordinator/processes/{process_id}/start", data={"csrf_token": token}).status_code == 302
    assert served_db.execute("select status from processes").fetchone()[0] == "collecting"
    assert coordinator_client.post(f"/coordinator/processes/{process_id}/start", data={}).status_code == 400


def test_department_scoping_and_idor(app, coordinator_client, make_process, make_user, contacts_db):
    mine = make_process("MINE-1", "socialforvaltningen")
    theirs = make_process("THEIRS-1", "arbetsmarknadsforvaltningen", status="collecting")
    participant_store.add_participants(contacts_db, theirs, [{"name": "X", "email": "x@example.se", "group_key": "candidate"}])
    page = coordinator_client.get("/coordinator/").get_data(as_text=True)
    assert "MINE-1" in page and "THEIRS-1" not in page
    token = csrf_from(coordinator_client, f"/coordinator/processes/{mine}")
    for path in ("", "/edit", "/stages", "/applicants", "/participants", "/import", "/print", "/decision", "/feedback", "/close"):
        assert coordinator_client.get(f"/coordinator/processes/{theirs}{path}").status_code == 404, path
    for path in ("/invite", "/remind", "/start", "/close", "/delete", "/participants", "/participants/1/delete", "/decision", "/feedback"):
        assert coordinator_client.post(f"/coordinator/processes/{theirs}{path}", data={"csrf_token": token}).status_code == 404, path
    assert coordinator_client.get("/coordinator/processes/999").status_code == 404
    # Cannot create a process in another department either.
    response = coordinator_client.post(
        "/coordinator/processes/new",
        data={**PROCESS_FORM, "code": "SNEAK", "department": "arbetsmarknadsforvaltningen", "csrf_token": token},
    )
    assert response.status_code == 400
    # Nor delete a participant of another process through one's own.
    assert coordinator_client.post(f"/coordinator/processes/{mine}/participants/1/delete", data={"csrf_token": token}).status_code == 404
    assert contacts_db.execute("select count(*) from participants").fetchone()[0] == 1
    assert coordinator_client.get("/coordinator/users").status_code == 403
    assert coordinator_client.get("/coordinator/audit").status_code == 403

    make_user("boss", "admin", None)
    admin = app.test_client()
    sign_in(admin, "boss")
    page = admin.get("/coordinator/").get_data(as_text=True)
    assert "MINE-1" in page and "THEIRS-1" in page
    assert admin.get(f"/coordinator/processes/{theirs}").status_code == 200


def test_response_rates_count_only(coordinator_client, make_process, contacts_db):
    process_id = make_process(status="collecting")
    for status, group in [("answered", "representative"), ("answered", "representative"), ("open", "representative"),
                          ("answered", "union"), ("open", "candidate")]:
        create_invitation(contacts_db, process_id, group)
        contacts_db.execute("update invitations set status = ? where id = (select max(id) from invitations)", [status])
    contacts_db["receipts"].insert({"receipt_hash": "h1", "response_id": 5, "process_id": process_id,
                                    "group_key": "representative", "withdrawn_on": "2026-01-01"})
    contacts_db["receipts"].insert({"receipt_hash": "h2", "response_id": 6, "process_id": process_id,
                                    "group_key": "union", "withdrawn_on": None})
    page = coordinator_client.get(f"/coordinator/processes/{process_id}").get_data(as_text=True)
    rows = re.findall(
        r'<tr><th scope="row">([^<]+)</th><td class="num">(\d+)</td><td class="num">(\d+)</td>'
        r'<td class="num">(\d+)</td><td class="num">([^<]+)</td></tr>',
        page,
    )
    assert rows == [
        ("Brukarrepresentant", "3", "2", "1", "67 %"),
        ("Sökande", "1", "0", "0", "0 %"),
        ("Facklig företrädare", "1", "1", "0", "100 %"),
    ]


def test_printed_sheet_has_qr_codes_and_working_tokens(coordinator_client, make_process, contacts_db):
    process_id = make_process(status="collecting")
    participant_store.add_participants(contacts_db, process_id, [{"name": "Utan E-post", "email": None, "group_key": "manager"}])
    url = f"/coordinator/processes/{process_id}/print"
    token = csrf_from(coordinator_client, url)
    response = coordinator_client.post(url, data={"csrf_token": token, "group_key": "representative", "count": "3"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert page.count("<svg") == 4
    assert "style=" not in page and "<script" not in page
    assert "Utan E-post" in page
    assert contacts_db.execute(
        "select count(*) from invitations where status = 'open' and sent_on = ?", [datetime.date.today().isoformat()]
    ).fetchone()[0] == 4
    # Each slip has a short code to type instead of the long link (tests/test_paper_route.py).
    assert len(re.findall(r'class="slip-code"', page)) == 4
    response = coordinator_client.post(url, data={"csrf_token": token, "group_key": "representative", "count": "5000"})
    assert response.status_code == 400


def test_participants_one_at_a_time(coordinator_client, make_process, contacts_db):
    process_id = make_process()
    url = f"/coordinator/processes/{process_id}/participants"
    token = csrf_from(coordinator_client, url)
    response = coordinator_client.post(
        url, data={"csrf_token": token, "name": "Åsa", "email": "åsa@", "group_key": "representative", "language": "sv"}
    )
    assert response.status_code == 400
    assert "Skriv en e-postadress som" in response.get_data(as_text=True)
    assert 'value="Åsa"' in response.get_data(as_text=True)
    assert (
        coordinator_client.post(
            url, data={"csrf_token": token, "name": "Åsa", "email": "Asa@Example.se", "group_key": "representative", "language": "sv"}
        ).status_code
        == 302
    )
    response = coordinator_client.post(
        url, data={"csrf_token": token, "name": "Åsa 2", "email": "asa@example.se", "group_key": "union", "language": "sv"}
    )
    assert response.status_code == 400
    response = coordinator_client.post(
        url, data={"csrf_token": token, "name": "X", "email": "x@example.se", "group_key": "astronaut", "language": "sv"}
    )
    assert response.status_code == 400
    assert [r[0] for r in contacts_db.execute("select email from participants")] == ["asa@example.se"]


def test_purge_deletes_contacts_keeps_pending_followups(app, make_process, contacts_db, served_db):
    old = make_process("OLD-1", status="closed")
    recent = make_process("NEW-1", status="closed")
    long_ago = (datetime.date.today() - datetime.timedelta(days=app.config["RETENTION_DAYS"] + 1)).isoformat()
    served_db.execute("update processes set closed_on = ? where id = ?", [long_ago, old])
    served_db.execute("update processes set closed_on = ? where id = ?", [datetime.date.today().isoformat(), recent])
    for process_id in (old, recent):
        participant_store.add_participants(contacts_db, process_id, [
            {"name": "Rep", "email": f"rep{process_id}@example.se", "group_key": "representative"},
            {"name": "Hired", "email": f"hired{process_id}@example.se", "group_key": "hired_followup"},
        ])
        create_invitation(contacts_db, process_id, "representative", participant_id=1 if process_id == old else 3)
    contacts_db.execute("insert into scheduled_followups (process_id, participant_id, due_on) values (?, 2, '2099-01-01')", [old])
    contacts_db["receipts"].insert({"receipt_hash": "r", "response_id": 1, "process_id": old, "group_key": "representative"})

    runner = app.test_cli_runner()
    result = runner.invoke(cli, ["purge"])
    assert result.exit_code == 0 and "Processes purged: 1" in result.output
    remaining = [tuple(r) for r in contacts_db.execute("select process_id, group_key from participants order by id")]
    assert remaining == [(old, "hired_followup"), (recent, "representative"), (recent, "hired_followup")]
    assert contacts_db.execute("select count(*) from invitations where process_id = ?", [old]).fetchone()[0] == 0
    assert contacts_db.execute("select count(*) from receipts").fetchone()[0] == 1  # withdrawal still possible
    assert served_db.execute("select count(*) from processes").fetchone()[0] == 2  # responses' process stays
    # Once the follow-up has gone out, the hired person's details go too.
    contacts_db.execute("update scheduled_followups set sent_on = '2099-01-01'")
    runner.invoke(cli, ["purge"])
    assert contacts_db.execute("select count(*) from participants where process_id = ?", [old]).fetchone()[0] == 0
    assert contacts_db.execute("select process_id from purged_processes").fetchall() == [(old,)]
    assert runner.invoke(cli, ["purge"]).output.startswith("Processes purged: 0")
    assert [r[0] for r in contacts_db.execute("select action from audit_log")] == ["purge", "purge"]


def test_admin_manages_accounts_and_sees_the_audit_log(admin_client, contacts_db):
    token = csrf_from(admin_client, "/coordinator/users")
    response = admin_client.post("/coordinator/users", data={
        "csrf_token": token, "username": "kim", "display_name": "Kim", "role": "coordinator",
        "department": "socialforvaltningen", "password": "short",
    })
    assert response.status_code == 400
    assert "minst 12 tecken" in response.get_data(as_text=True)
    response = admin_client.post("/coordinator/users", data={
        "csrf_token": token, "username": "kim", "display_name": "Kim", "role": "coordinator",
        "department": "socialforvaltningen", "password": "a long enough password",
    })
    assert response.status_code == 302
    user_id = contacts_db.execute("select id from users where username = 'kim'").fetchone()[0]
    response = admin_client.post(f"/coordinator/users/{user_id}", data={
        "csrf_token": token, "display_name": "Kim", "role": "evaluator", "department": "", "password": "",
    })
    assert response.status_code == 302
    assert contacts_db.execute("select role, is_active from users where id = ?", [user_id]).fetchone() == ("evaluator", 0)
    page = admin_client.get("/coordinator/audit").get_data(as_text=True)
    assert "skapade ett konto" in page and "stängde av ett konto" in page and "loggade in" in page


def test_an_account_gets_an_email_address_in_the_admin_pages_and_the_cli(admin_client, app, contacts_db):
    """Without one, "send a test to myself" was unreachable: no page or command set a staff address."""
    token = csrf_from(admin_client, "/coordinator/users")
    fields = {"csrf_token": token, "username": "kim", "display_name": "Kim", "role": "coordinator",
              "department": "socialforvaltningen", "password": "a long enough password"}
    refused = admin_client.post("/coordinator/users", data={**fields, "email": "kim-at-kommun.se"})
    assert refused.status_code == 400
    assert "Skriv en e-postadress som namn@exempel.se." in refused.get_data(as_text=True)
    assert admin_client.post("/coordinator/users", data={**fields, "email": " Kim@Kommun.se "}).status_code == 302
    user_id, email = contacts_db.execute("select id, email from users where username = 'kim'").fetchone()
    assert email == "kim@kommun.se"
    page = admin_client.get(f"/coordinator/users/{user_id}").get_data(as_text=True)
    assert 'value="kim@kommun.se"' in page
    response = admin_client.post(f"/coordinator/users/{user_id}", data={
        "csrf_token": token, "display_name": "Kim", "role": "coordinator", "department": "socialforvaltningen",
        "is_active": "y", "email": "kim.k@kommun.se", "password": "",
    })
    assert response.status_code == 302
    assert contacts_db.execute("select email from users where id = ?", [user_id]).fetchone() == ("kim.k@kommun.se",)

    runner = app.test_cli_runner()
    add = ["user", "add", "lo", "--role", "coordinator", "--password", "a long enough password"]
    bad = runner.invoke(cli, [*add, "--email", "lo"])
    assert bad.exit_code == 2 and "--email" in bad.output
    made = runner.invoke(cli, [*add, "--email", "Lo@Kommun.se"])
    assert made.exit_code == 0, made.output
    assert contacts_db.execute("select email from users where username = 'lo'").fetchone() == ("lo@kommun.se",)


@pytest.mark.parametrize("lang,heading", [("sv", "Rekryteringsprocesser"), ("en", "Recruitment processes")])
def test_swedish_first_with_english_switch(coordinator_client, lang, heading):
    page = coordinator_client.get(f"/coordinator/?lang={lang}").get_data(as_text=True)
    assert f'<html lang="{lang}">' in page and f"<h1>{heading}</h1>" in page


def test_pages_have_no_inline_styles_or_scripts(coordinator_client, make_process, contacts_db):
    process_id = make_process(status="collecting")
    participant_store.add_participants(contacts_db, process_id, [{"name": "A", "email": "a@example.se", "group_key": "candidate"}])
    for path in ("/coordinator/", "/coordinator/processes/new", f"/coordinator/processes/{process_id}",
                 f"/coordinator/processes/{process_id}/stages", f"/coordinator/processes/{process_id}/applicants",
                 f"/coordinator/processes/{process_id}/participants", f"/coordinator/processes/{process_id}/import",
                 f"/coordinator/processes/{process_id}/print", f"/coordinator/processes/{process_id}/decision",
                 f"/coordinator/processes/{process_id}/feedback", f"/coordinator/processes/{process_id}/close",
                 f"/coordinator/processes/{process_id}/invite", f"/coordinator/processes/{process_id}/remind",
                 "/staff/logout"):
        response = coordinator_client.get(path)
        page = response.get_data(as_text=True)
        assert response.status_code == 200, path
        assert "style=" not in page and "<script" not in page and "<style" not in page, path
        for tag in re.findall(r'<(?:input|select|textarea)[^>]*>', page):
            field_id = re.search(r'\bid="([^"]+)"', tag)
            if 'type="hidden"' in tag or " hidden" in tag or field_id is None:
                continue
            assert f'for="{field_id.group(1)}"' in page, (path, tag)


def test_only_unused_planning_processes_can_be_deleted(coordinator_client, make_process, served_db, contacts_db):
    unused = make_process("UNUSED")
    used = make_process("USED")
    create_invitation(contacts_db, used, "candidate")
    participant_store.add_participants(contacts_db, unused, [{"name": "A", "email": "a@example.se", "group_key": "candidate"}])
    token = csrf_from(coordinator_client, f"/coordinator/processes/{unused}")
    assert coordinator_client.post(f"/coordinator/processes/{used}/delete", data={"csrf_token": token, "code": "USED"}).status_code == 302
    assert (
        coordinator_client.post(f"/coordinator/processes/{unused}/delete", data={"csrf_token": token, "code": "UNUSED"}).status_code == 302
    )
    assert [r[0] for r in served_db.execute("select code from processes")] == ["USED"]
    assert contacts_db.execute("select count(*) from participants").fetchone()[0] == 0
