"""Sending safely (issue 11 part 5): a confirmation step before invitations,
reminders, feedback and deletion, "send a test to myself", and the state
rules, checked through the real pages and a real SMTP server (aiosmtpd).

The first two tests replay what happened: feedback went to nine people of a
process still in planning with no invitation sent, and reminders could go
seconds after the invitations.
"""

import datetime
import re

from collector.coordinator import outreach
from collector.coordinator import participants as participant_store
from tests.fixtures.coordinator import csrf_from

LINK = re.compile(r"https?://[^\s<\"]+/s/([A-Za-z0-9_\-]+)")


def _people(contacts_db, process_id, rows):
    participant_store.add_participants(contacts_db, process_id, rows)


def _nine(contacts_db, process_id):
    _people(contacts_db, process_id, [
        {"name": f"P{i}", "email": f"p{i}@example.se", "group_key": "representative", "language": "sv"} for i in range(9)
    ])


def _post(client, url, **data):
    token = csrf_from(client, "/coordinator/processes/new")  # one token per session
    return client.post(url, data={"csrf_token": token, **data})


def _process(served_db, process_id):
    return dict(next(served_db.query("select * from processes where id = ?", [process_id])))


def test_no_feedback_to_a_process_in_planning_without_invitations(coordinator_client, make_process, contacts_db, smtp_server):
    process_id = make_process(status="planning", appointed_applicant="A", decision_rationale="Bäst.")
    _nine(contacts_db, process_id)
    url = f"/coordinator/processes/{process_id}/feedback"
    # The old form's fields, posted straight: nothing goes out.
    _post(coordinator_client, url, message_sv="A fick tjänsten.", message_en="A got the job.")
    _post(coordinator_client, url + "/confirm", action="send")
    assert smtp_server.messages == []
    page = coordinator_client.get(url).get_data(as_text=True)
    assert "planeras fortfarande" in page and "<textarea" not in page


def test_no_feedback_before_the_decision_nor_to_the_uninvited(app, coordinator_client, make_process, contacts_db, served_db, smtp_server):
    process_id = make_process(status="collecting")
    _nine(contacts_db, process_id)
    with app.app_context():
        outreach.send_invitations(served_db, contacts_db, app.config, _process(served_db, process_id), "coord", datetime.date.today())
    smtp_server.messages.clear()
    _people(contacts_db, process_id, [{"name": "Late", "email": "late@example.se", "group_key": "union", "language": "sv"}])
    url = f"/coordinator/processes/{process_id}/feedback"
    assert "Registrera beslutet innan" in coordinator_client.get(url).get_data(as_text=True)
    assert "Registrera beslutet innan" in coordinator_client.get(f"/coordinator/processes/{process_id}").get_data(as_text=True)
    _post(coordinator_client, url, message_representative_sv="x")
    assert smtp_server.messages == []

    served_db["processes"].update(process_id, {"appointed_applicant": "A", "decision_rationale": "Bäst på samtal."})
    page = coordinator_client.get(url).get_data(as_text=True)
    assert "Sökande A" not in page and "A fick" not in page  # no pseudonym in the defaults
    assert "Tack för att du träffade de sökande" in page and "Bäst på samtal." in page
    response = _post(coordinator_client, url, message_representative_sv="Tjänsten är tillsatt. Tack!", message_representative_en="")
    assert response.status_code == 302 and response.headers["Location"].endswith("/feedback/confirm")
    confirm = coordinator_client.get(url + "/confirm").get_data(as_text=True)
    assert "9 personer får de här meddelandena" in confirm and "Tjänsten är tillsatt. Tack!" in confirm
    response = _post(coordinator_client, url + "/confirm", action="send")
    assert response.status_code == 302
    assert sorted(m["rcpt"][0] for m in smtp_server.messages) == sorted(f"p{i}@example.se" for i in range(9))
    # Sent to everyone: the draft is gone (nothing kept that is no longer needed).
    assert contacts_db.execute("select count(*) from feedback_drafts").fetchone()[0] == 0


def test_no_reminder_sooner_than_the_minimum_after_the_invitation(app, make_process, contacts_db, served_db, smtp_server):
    process_id = make_process(status="collecting")
    _nine(contacts_db, process_id)
    process = _process(served_db, process_id)
    today = datetime.date.today()
    min_days = app.config["REMINDER_MIN_DAYS"]
    with app.app_context():
        outreach.send_invitations(served_db, contacts_db, app.config, process, "coord", today)
        assert outreach.send_reminders(served_db, contacts_db, app.config, process, "coord", today).sent == 0
        day_before = today + datetime.timedelta(days=min_days - 1)
        assert outreach.send_reminders(served_db, contacts_db, app.config, process, "coord", day_before).sent == 0
        on_time = today + datetime.timedelta(days=min_days)
        assert outreach.send_reminders(served_db, contacts_db, app.config, process, "coord", on_time).sent == 9
    assert len(smtp_server.messages) == 18


def test_the_reminder_says_the_first_link_still_works(app, make_process, contacts_db, served_db, smtp_server):
    """The old words said the first link "no longer works"; it does (earlier_links), and must."""
    process_id = make_process(status="collecting")
    _people(contacts_db, process_id, [
        {"name": "Åsa", "email": "asa@example.se", "group_key": "representative", "language": "sv"},
        {"name": "Sam", "email": "sam@example.se", "group_key": "union", "language": "en"},
    ])
    process = _process(served_db, process_id)
    today = datetime.date.today()
    with app.app_context():
        outreach.send_invitations(served_db, contacts_db, app.config, process, "coord", today)
        later = today + datetime.timedelta(days=app.config["REMINDER_MIN_DAYS"])
        assert outreach.send_reminders(served_db, contacts_db, app.config, process, "coord", later).sent == 2
    first = {m["rcpt"][0]: m["message"] for m in smtp_server.messages[:2]}
    for reminder in smtp_server.messages[2:]:
        message = reminder["message"]
        text = message.get_body(preferencelist=("plain",)).get_content()
        html = message.get_body(preferencelist=("html",)).get_content()
        for body in (text, html):
            assert "fungerar inte längre" not in body and "no longer works" not in body
            assert "båda öppnar samma enkät" in body or "both open the same questionnaire" in body
        first_text = first[reminder["rcpt"][0]].get_body(preferencelist=("plain",)).get_content()
        assert app.test_client().get(f"/s/{LINK.search(first_text).group(1)}").status_code == 303


def test_reminder_page_says_when_the_next_is_possible(coordinator_client, app, make_process, contacts_db, served_db, smtp_server):
    process_id = make_process(status="collecting")
    _nine(contacts_db, process_id)
    url = f"/coordinator/processes/{process_id}/invite"
    _post(coordinator_client, url, action="send")
    assert len(smtp_server.messages) == 9
    next_on = (datetime.date.today() + datetime.timedelta(days=app.config["REMINDER_MIN_DAYS"])).isoformat()
    page = coordinator_client.get(f"/coordinator/processes/{process_id}/remind").get_data(as_text=True)
    assert f"Nästa påminnelse kan skickas {next_on}" in page
    assert f"Nästa påminnelse kan skickas {next_on}" in coordinator_client.get(f"/coordinator/processes/{process_id}").get_data(
        as_text=True
    )
    response = _post(coordinator_client, f"/coordinator/processes/{process_id}/remind", action="send")
    assert response.status_code == 302 and len(smtp_server.messages) == 9
    assert "Ingen påminnelse skickades" in coordinator_client.get(response.headers["Location"]).get_data(as_text=True)


def test_invitation_confirmation_shows_the_real_messages_per_language(coordinator_client, make_process, contacts_db, smtp_server):
    process_id = make_process(status="collecting")
    _people(contacts_db, process_id, [
        {"name": "Åsa", "email": "asa@example.se", "group_key": "representative", "language": "sv"},
        {"name": "Bo", "email": "bo@example.se", "group_key": "representative", "language": "sv"},
        {"name": "Sam", "email": "sam@example.se", "group_key": "representative", "language": "en"},
    ])
    url = f"/coordinator/processes/{process_id}/invite"
    response = coordinator_client.get(url)
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and smtp_server.messages == []  # GET only shows
    assert "3 personer får de här meddelandena" in page
    assert "Din syn på rekryteringen: Avdelningschef HBG-2017-GR" in page  # Swedish subject
    assert "Your view on the recruitment: Avdelningschef HBG-2017-GR" in page  # English subject
    assert "Hej Åsa!" in page and "Hello Sam," in page
    assert '<div class="mail-html" lang="en">' in page and "receipt code" in page


def test_send_a_test_to_myself_goes_to_my_account_address(app, coordinator_client, make_process, contacts_db, smtp_server):
    process_id = make_process(status="collecting")
    _people(contacts_db, process_id, [
        {"name": "Åsa", "email": "asa@example.se", "group_key": "representative", "language": "sv"},
        {"name": "Sam", "email": "sam@example.se", "group_key": "union", "language": "en"},
    ])
    url = f"/coordinator/processes/{process_id}/invite"
    response = _post(coordinator_client, url, action="test")
    assert response.status_code == 302 and smtp_server.messages == []
    assert "Ditt konto har ingen e-postadress" in coordinator_client.get(url).get_data(as_text=True)

    contacts_db.execute("update users set email = 'coord@kommun.se' where username = 'coord'")
    response = _post(coordinator_client, url, action="test")
    assert response.status_code == 302 and response.headers["Location"].endswith("/invite")
    assert [m["rcpt"] for m in smtp_server.messages] == [["coord@kommun.se"], ["coord@kommun.se"]]
    subjects = sorted(m["message"]["Subject"] for m in smtp_server.messages)
    assert subjects == ["TEST: Din syn på rekryteringen: Avdelningschef HBG-2017-GR",
                        "TEST: Your view on the recruitment: Avdelningschef HBG-2017-GR"]
    # A test mints no invitation: the real send still has everyone to invite.
    assert contacts_db.execute("select count(*) from invitations").fetchone()[0] == 0
    _post(coordinator_client, url, action="send")
    assert sorted(m["rcpt"][0] for m in smtp_server.messages[2:]) == ["asa@example.se", "sam@example.se"]
    # A reload of the page after sending sends nothing (PRG): GET never sends.
    coordinator_client.get(url)
    assert len(smtp_server.messages) == 4


def test_deleting_a_process_asks_for_its_code(coordinator_client, make_process, served_db):
    process_id = make_process("DEL-1")
    url = f"/coordinator/processes/{process_id}/delete"
    page = coordinator_client.get(url).get_data(as_text=True)
    assert "DEL-1" in page and 'name="code"' in page
    response = _post(coordinator_client, url)
    assert response.status_code == 400
    response = _post(coordinator_client, url, code="DEL-2")
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and "Skriv DEL-1 för att ta bort den" in page
    assert served_db.execute("select count(*) from processes").fetchone()[0] == 1
    assert _post(coordinator_client, url, code=" del-1 ").status_code == 302
    assert served_db.execute("select count(*) from processes").fetchone()[0] == 0
