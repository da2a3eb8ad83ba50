"""Invitations, reminders, feedback and follow-ups, checked at a real SMTP
server (aiosmtpd on loopback)."""

import datetime
import re

from collector.coordinator import outreach
from collector.coordinator import participants as participant_store
from collector.ops.cli import cli
from collector.tokens import hash_secret
from tests.fixtures.coordinator import csrf_from

LINK = re.compile(r"https?://[^\s<\"]+/s/([A-Za-z0-9_\-]+)")


def _parts(message):
    text = message.get_body(preferencelist=("plain",)).get_content()
    html = message.get_body(preferencelist=("html",)).get_content()
    return text, html


def _add_people(contacts_db, process_id, rows):
    participant_store.add_participants(contacts_db, process_id, rows)


def _invite(client, process_id):
    """Confirm the invitations on their confirmation page (the real send)."""
    token = csrf_from(client, f"/coordinator/processes/{process_id}/stages")
    return client.post(f"/coordinator/processes/{process_id}/invite", data={"csrf_token": token, "action": "send"})


def test_invitations_arrive_in_each_language(app, coordinator_client, make_process, contacts_db, smtp_server):
    process_id = make_process(status="collecting")
    _add_people(contacts_db, process_id, [
        {"name": "Åsa", "email": "asa@example.se", "group_key": "representative", "language": "sv"},
        {"name": "Sam", "email": "sam@example.se", "group_key": "union", "language": "en"},
        {"name": "Printed", "email": None, "group_key": "manager", "language": "sv"},
        {"name": "Later", "email": "hired@example.se", "group_key": "hired_followup", "language": "sv"},
    ])
    response = _invite(coordinator_client, process_id)
    assert response.status_code == 302
    assert len(smtp_server.messages) == 2
    by_rcpt = {m["rcpt"][0]: m["message"] for m in smtp_server.messages}
    sv, en = by_rcpt["asa@example.se"], by_rcpt["sam@example.se"]

    assert sv["From"] == "Medverkan <medverkan@example.se>"
    assert sv["Subject"].strip() == "Din syn på rekryteringen: Avdelningschef HBG-2017-GR"
    assert en["Subject"].strip() == "Your view on the recruitment: Avdelningschef HBG-2017-GR"
    assert sv["Content-Language"] == "sv" and en["Content-Language"] == "en"
    assert sv.get_content_type() == "multipart/alternative"

    invitations = {row["participant_id"]: row for row in contacts_db.query("select * from invitations")}
    for message, language in ((sv, "sv"), (en, "en")):
        text, html = _parts(message)
        token = LINK.search(text).group(1)
        assert LINK.search(html).group(1) == token
        assert text.startswith("Hej Åsa!" if language == "sv" else "Hello Sam,")
        row = contacts_db.execute("select * from invitations where token_hash = ?", [hash_secret(token)]).fetchone()
        assert row is not None
        expires_on = contacts_db.execute(
            "select expires_on from invitations where token_hash = ?", [hash_secret(token)]
        ).fetchone()[0]
        assert expires_on in text and expires_on in html
        if language == "sv":
            assert "minuter" in text and "utan ditt namn" in text and "kvittokod" in html
        else:
            assert "minutes" in text and "without your name" in text and "receipt code" in html
        # The link works in the respondent flow when it is there.
        if any(rule.rule.startswith("/s/") for rule in app.url_map.iter_rules()):
            response = app.test_client().get(f"/s/{token}")
            assert response.status_code == 303 and response.headers["Location"].endswith("/svar")
    assert len(invitations) == 2  # no one without an address, no follow-up yet
    assert all(row["sent_on"] == datetime.date.today().isoformat() for row in invitations.values())

    # Sending again sends nothing new.
    _invite(coordinator_client, process_id)
    assert len(smtp_server.messages) == 2


def test_reminders_only_to_non_responders_never_twice(app, make_process, contacts_db, served_db, smtp_server):
    process_id = make_process(status="collecting")
    _add_people(contacts_db, process_id, [
        {"name": n, "email": f"{n}@example.se", "group_key": "candidate", "language": "sv"} for n in ("a", "b", "c")
    ])
    process = dict(next(served_db.query("select * from processes where id = ?", [process_id])))
    today = datetime.date.today()
    with app.app_context():
        outreach.send_invitations(served_db, contacts_db, app.config, process, "coord", today)
        assert len(smtp_server.messages) == 3
        first_hash = {r["id"]: r["token_hash"] for r in contacts_db.query("select * from invitations")}
        contacts_db.execute("update invitations set status = 'answered' where participant_id = 1")

        # Not on the day of the invitation (REMINDER_MIN_DAYS, see test_sending_safely) ...
        assert outreach.send_reminders(served_db, contacts_db, app.config, process, "coord", today).sent == 0
        today = today + datetime.timedelta(days=app.config["REMINDER_MIN_DAYS"])
        outcome = outreach.send_reminders(served_db, contacts_db, app.config, process, "coord", today)
        assert outcome.sent == 2
        reminded = sorted(m["rcpt"][0] for m in smtp_server.messages[3:])
        assert reminded == ["b@example.se", "c@example.se"]
        assert smtp_server.messages[3]["message"]["Subject"].strip().startswith("Påminnelse:")
        # The reminder's link is new and is the one that works now.
        token = LINK.search(_parts(smtp_server.messages[3]["message"])[0]).group(1)
        row = contacts_db.execute(
            "select id, reminders_sent from invitations where token_hash = ?", [hash_secret(token)]
        ).fetchone()
        assert row is not None and row[1] == 1 and first_hash[row[0]] != hash_secret(token)
        # The link in the same person's first email still opens their questionnaire.
        recipient = smtp_server.messages[3]["rcpt"][0]
        first_email = next(m for m in smtp_server.messages[:3] if m["rcpt"][0] == recipient)
        first_token = LINK.search(_parts(first_email["message"])[0]).group(1)
        respondent = app.test_client()
        assert respondent.get(f"/s/{first_token}").status_code == 303
        assert respondent.get(f"/s/{token}").status_code == 303

        # Not again within REMINDER_MIN_DAYS ...
        assert outreach.send_reminders(served_db, contacts_db, app.config, process, "coord", today).sent == 0
        later = today + datetime.timedelta(days=app.config["REMINDER_MIN_DAYS"] - 1)
        assert outreach.send_reminders(served_db, contacts_db, app.config, process, "coord", later).sent == 0
        assert len(smtp_server.messages) == 5
        # ... but after it.
        later = today + datetime.timedelta(days=app.config["REMINDER_MIN_DAYS"])
        assert outreach.send_reminders(served_db, contacts_db, app.config, process, "coord", later).sent == 2


def test_unreachable_server_keeps_nothing_half_done(app, coordinator_client, make_process, contacts_db):
    from tests.fixtures.coordinator import _free_port

    app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=_free_port())
    process_id = make_process(status="collecting")
    _add_people(contacts_db, process_id, [{"name": "a", "email": "a@example.se", "group_key": "candidate", "language": "sv"}])
    response = _invite(coordinator_client, process_id)
    assert response.status_code == 302
    page = coordinator_client.get(f"/coordinator/processes/{process_id}").get_data(as_text=True)
    assert "Kunde inte skicka till 1 adresser: a@example.se" in page
    assert contacts_db.execute("select count(*) from invitations").fetchone()[0] == 0


def test_decision_and_feedback(app, coordinator_client, make_process, contacts_db, served_db, smtp_server):
    process_id = make_process(status="collecting")
    served_db["applicants"].insert_all(
        [{"process_id": process_id, "pseudonym": p, "stage_reached": "finalist", "position": i} for i, p in enumerate("AB")]
    )
    _add_people(contacts_db, process_id, [
        {"name": "Åsa", "email": "asa@example.se", "group_key": "representative", "language": "sv"},
        {"name": "Sam", "email": "sam@example.se", "group_key": "union", "language": "en"},
    ])
    url = f"/coordinator/processes/{process_id}/decision"
    token = csrf_from(coordinator_client, url)
    response = coordinator_client.post(url, data={"csrf_token": token, "appointed_applicant": "Z", "decision_rationale": "x"})
    assert response.status_code == 400  # not one of the pseudonyms
    response = coordinator_client.post(url, data={"csrf_token": token, "appointed_applicant": "B", "decision_rationale": "Bäst på samtal."})
    assert response.status_code == 302
    process = served_db.execute("select appointed_applicant, decision_rationale from processes").fetchone()
    assert process == ("B", "Bäst på samtal.")

    _invite(coordinator_client, process_id)
    smtp_server.messages.clear()
    url = f"/coordinator/processes/{process_id}/feedback"
    page = coordinator_client.get(url).get_data(as_text=True)
    assert "fick tjänsten" not in page and "Bäst på samtal." in page  # no pseudonym, the rationale offered
    response = coordinator_client.post(url, data={
        "csrf_token": token, "message_representative_sv": "Tjänsten är tillsatt.\n\nBäst på samtal.",
        "message_union_sv": "Tjänsten är tillsatt.", "message_union_en": "The post has been filled.",
    })
    assert response.status_code == 302 and smtp_server.messages == []
    response = coordinator_client.post(url + "/confirm", data={"csrf_token": token, "action": "send"})
    assert response.status_code == 302
    by_rcpt = {m["rcpt"][0]: m["message"] for m in smtp_server.messages}
    assert "Bäst på samtal." in _parts(by_rcpt["asa@example.se"])[0]
    assert "The post has been filled." in _parts(by_rcpt["sam@example.se"])[1]
    assert by_rcpt["sam@example.se"]["Subject"].strip().startswith("Outcome of the recruitment")
    assert served_db.execute("select feedback_sent_on from processes").fetchone()[0] == datetime.date.today().isoformat()
    page = coordinator_client.get(f"/coordinator/processes/{process_id}").get_data(as_text=True)
    assert "Återkopplingen skickades" in page and "UTC" in page


def test_close_schedules_followup_and_send_due_is_idempotent(app, coordinator_client, make_process, contacts_db, served_db, smtp_server):
    process_id = make_process(status="collecting")
    _add_people(contacts_db, process_id, [
        {"name": "Ny chef", "email": "chef@example.se", "group_key": "hired_followup", "language": "en"},
        {"name": "Åsa", "email": "asa@example.se", "group_key": "representative", "language": "sv"},
    ])
    _invite(coordinator_client, process_id)
    assert len(smtp_server.messages) == 1

    url = f"/coordinator/processes/{process_id}/close"
    token = csrf_from(coordinator_client, url)
    assert coordinator_client.post(url, data={"csrf_token": token}).status_code == 302
    assert served_db.execute("select status, closed_on from processes").fetchone() == ("closed", datetime.date.today().isoformat())
    # Closing stops the links.
    assert [r[0] for r in contacts_db.execute("select status from invitations")] == ["closed"]
    if any(rule.rule.startswith("/s/") for rule in app.url_map.iter_rules()):
        old_token = LINK.search(_parts(smtp_server.messages[0]["message"])[0]).group(1)
        assert app.test_client().get(f"/s/{old_token}").status_code != 303
    due_on = contacts_db.execute("select due_on from scheduled_followups").fetchone()[0]
    assert due_on == (datetime.date.today() + datetime.timedelta(days=app.config["FOLLOWUP_DAYS"])).isoformat()
    assert due_on in coordinator_client.get(f"/coordinator/processes/{process_id}").get_data(as_text=True)

    runner = app.test_cli_runner()
    day_before = (datetime.date.fromisoformat(due_on) - datetime.timedelta(days=1)).isoformat()
    assert runner.invoke(cli, ["send-due", "--today", day_before]).exit_code == 0
    assert len(smtp_server.messages) == 1
    result = runner.invoke(cli, ["send-due", "--today", due_on])
    assert result.exit_code == 0, result.output
    assert len(smtp_server.messages) == 2
    message = smtp_server.messages[1]["message"]
    assert smtp_server.messages[1]["rcpt"] == ["chef@example.se"]
    assert message["Subject"].strip().startswith("Six months on")
    token = LINK.search(_parts(message)[0]).group(1)
    row = contacts_db.execute(
        "select status, is_followup, group_key from invitations where token_hash = ?", [hash_secret(token)]
    ).fetchone()
    assert row == ("open", 1, "hired_followup")
    # Cron runs it again: nothing more is sent.
    assert runner.invoke(cli, ["send-due", "--today", due_on]).exit_code == 0
    assert runner.invoke(cli, ["send-due"]).exit_code == 0
    assert len(smtp_server.messages) == 2


def test_headers_cannot_be_injected():
    from collector.coordinator.mail import Outgoing
    from collector.coordinator.mail import build_message

    message = build_message(
        Outgoing("a@example.se", "Chef\r\nBcc: evil@example.se", "text", "<p>html</p>"), "Medverkan <m@example.se>"
    )
    assert message["Bcc"] is None
    assert message["Subject"] == "Chef Bcc: evil@example.se"
    assert b"\nBcc:" not in message.as_bytes()
