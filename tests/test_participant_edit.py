"""Editing a participant (issue 11 part 4) instead of removing and adding
them again: name, email, language and group through the real page, with a
real SMTP server (aiosmtpd) where links go out.

Decisions the tests pin down: a new email address keeps the link already
sent working (the token is not tied to the address) and the next reminder
goes to the new address; the group follows to the person's unstarted link,
but once they have started (a saved draft) or finished answering, a group
change is refused with a clear message, because the answers are anonymous
and cannot move; after closing, only the group is frozen.
"""

from __future__ import annotations

import datetime
import re

from collector import invitations
from collector.coordinator import outreach
from collector.coordinator import participants as participant_store
from tests.fixtures.coordinator import csrf_from

LINK = re.compile(r"https?://[^\s<\"]+/s/([A-Za-z0-9_\-]+)")


def _add(contacts_db, process_id, name="Åsa Berg", email="asa@example.se", group_key="representative", language="sv"):
    participant_store.add_participants(
        contacts_db, process_id, [{"name": name, "email": email, "group_key": group_key, "language": language}]
    )
    return contacts_db.execute("select max(id) from participants").fetchone()[0]


def _edit(client, process_id, participant_id, **data):
    url = f"/coordinator/processes/{process_id}/participants/{participant_id}/edit"
    token = csrf_from(client, url)
    return client.post(url, data={"csrf_token": token, **data})


def _participant(contacts_db, participant_id):
    return dict(next(contacts_db.query("select * from participants where id = ?", [participant_id])))


def _process(served_db, process_id):
    return dict(next(served_db.query("select * from processes where id = ?", [process_id])))


def test_editing_a_participant_changes_every_field_and_is_audited(coordinator_client, make_process, contacts_db):
    process_id = make_process()
    person = _add(contacts_db, process_id)
    page = coordinator_client.get(f"/coordinator/processes/{process_id}/participants").get_data(as_text=True)
    assert f"/participants/{person}/edit" in page
    form = coordinator_client.get(f"/coordinator/processes/{process_id}/participants/{person}/edit").get_data(as_text=True)
    assert 'value="Åsa Berg"' in form and 'value="asa@example.se"' in form

    response = _edit(coordinator_client, process_id, person, name="Åsa Lind", email=" Asa.Lind@Example.se ",
                     group_key="union", language="en")
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/processes/{process_id}/participants")
    row = _participant(contacts_db, person)
    assert (row["name"], row["email"], row["group_key"], row["language"]) == ("Åsa Lind", "asa.lind@example.se", "union", "en")
    entry = contacts_db.execute("select action, detail from audit_log where action = 'participant_update'").fetchone()
    assert entry == ("participant_update", f"participant {person}: name, email, language, group_key")
    # The audit log never holds an address (it is shown to every admin).
    assert contacts_db.execute("select count(*) from audit_log where detail like '%@%'").fetchone()[0] == 0


def test_bad_input_keeps_what_was_typed_and_names_the_field_in_the_users_language(coordinator_client, make_process, contacts_db):
    process_id = make_process()
    person = _add(contacts_db, process_id)
    _add(contacts_db, process_id, name="Bo", email="bo@example.se")
    response = _edit(coordinator_client, process_id, person, name="Åsa Nyberg", email="inte-en-adress",
                     group_key="union", language="en")
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert 'class="error-summary"' in page and "E-postadress: Skriv en e-postadress som namn@exempel.se." in page
    assert 'href="#email"' in page
    assert 'value="Åsa Nyberg"' in page and 'value="inte-en-adress"' in page
    assert '<option selected value="union">' in page and '<option selected value="en">' in page
    assert _participant(contacts_db, person)["name"] == "Åsa Berg"

    response = _edit(coordinator_client, process_id, person, name="Åsa", email="BO@example.se", group_key="representative",
                     language="sv")
    assert response.status_code == 400 and "redan deltagare i processen" in response.get_data(as_text=True)

    coordinator_client.get("/?lang=en")
    response = _edit(coordinator_client, process_id, person, name="Åsa", email="nope", group_key="representative", language="sv")
    assert response.status_code == 400 and "Email address: Enter an email address like name@example.se." in response.get_data(as_text=True)


def test_a_new_email_keeps_the_sent_link_working_and_the_reminder_goes_to_the_new_address(
    app, coordinator_client, make_process, contacts_db, served_db, smtp_server
):
    process_id = make_process(status="collecting")
    person = _add(contacts_db, process_id)
    today = datetime.date.today()
    with app.app_context():
        outreach.send_invitations(served_db, contacts_db, app.config, _process(served_db, process_id), "coord", today)
    [invitation] = smtp_server.messages
    token = LINK.search(invitation["message"].get_body(preferencelist=("plain",)).get_content()).group(1)

    assert _edit(coordinator_client, process_id, person, name="Åsa Berg", email="asa.ny@example.se",
                 group_key="representative", language="sv").status_code == 302
    assert app.test_client().get(f"/s/{token}").status_code == 303  # the link in the first email still opens
    later = today + datetime.timedelta(days=app.config["REMINDER_MIN_DAYS"])
    with app.app_context():
        outreach.send_reminders(served_db, contacts_db, app.config, _process(served_db, process_id), "coord", later)
    assert [m["rcpt"] for m in smtp_server.messages] == [["asa@example.se"], ["asa.ny@example.se"]]
    assert app.test_client().get(f"/s/{token}").status_code == 303


def test_a_group_change_before_answering_moves_the_unstarted_link_to_the_new_group(
    app, coordinator_client, make_process, contacts_db, served_db, smtp_server
):
    process_id = make_process(status="collecting")
    person = _add(contacts_db, process_id, group_key="manager")
    with app.app_context():
        outreach.send_invitations(served_db, contacts_db, app.config, _process(served_db, process_id), "coord", datetime.date.today())
    assert _edit(coordinator_client, process_id, person, name="Åsa Berg", email="asa@example.se",
                 group_key="union", language="en").status_code == 302
    moved = contacts_db.execute("select group_key, language from invitations where participant_id = ?", [person]).fetchone()
    assert moved == ("union", "en")


def test_a_group_change_after_answering_is_refused_with_a_clear_message(coordinator_client, make_process, contacts_db):
    process_id = make_process(status="collecting")
    person = _add(contacts_db, process_id)
    token = invitations.create_invitation(contacts_db, process_id, "representative", person)
    invitation_id = invitations.id_and_expiry(contacts_db, token)[0]
    invitations.mark_answered(contacts_db, invitation_id, datetime.date.today().isoformat())

    response = _edit(coordinator_client, process_id, person, name="Åsa Lind", email="asa@example.se",
                     group_key="union", language="sv")
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Gruppen kan inte ändras: personen har redan börjat svara eller svarat som Brukarrepresentant" in page
    assert "kan därför inte flyttas till en annan grupp" in page and 'href="#group_key"' in page
    assert 'value="Åsa Lind"' in page  # nothing typed is lost
    row = _participant(contacts_db, person)
    assert (row["name"], row["group_key"]) == ("Åsa Berg", "representative")
    assert contacts_db.execute("select group_key from invitations where id = ?", [invitation_id]).fetchone()[0] == "representative"
    # Everything but the group can still change.
    assert _edit(coordinator_client, process_id, person, name="Åsa Lind", email="asa.lind@example.se",
                 group_key="representative", language="sv").status_code == 302
    assert _participant(contacts_db, person)["email"] == "asa.lind@example.se"


def test_a_group_change_after_a_saved_draft_is_refused(coordinator_client, make_process, contacts_db):
    """Half-filled answers belong to the group's questionnaire: moving the link would mix two questionnaires."""
    process_id = make_process(status="collecting")
    person = _add(contacts_db, process_id)
    token = invitations.create_invitation(contacts_db, process_id, "representative", person)
    invitation_id = invitations.id_and_expiry(contacts_db, token)[0]
    contacts_db["drafts"].insert({"invitation_id": invitation_id, "page": 1, "data_json": "{}", "language": "sv",
                                  "updated_on": datetime.date.today().isoformat()})
    response = _edit(coordinator_client, process_id, person, name="Åsa Berg", email="asa@example.se", group_key="union", language="sv")
    assert response.status_code == 400 and "Gruppen kan inte ändras" in response.get_data(as_text=True)
    assert _participant(contacts_db, person)["group_key"] == "representative"


def test_after_closing_the_group_is_frozen_but_the_address_can_change(coordinator_client, make_process, contacts_db, served_db):
    """The hired person's address may change before the six-month follow-up: that must stay possible."""
    process_id = make_process(status="closed")
    person = _add(contacts_db, process_id, name="Ny Chef", email="ny@example.se", group_key="hired_followup")
    response = _edit(coordinator_client, process_id, person, name="Ny Chef", email="ny@example.se", group_key="union", language="sv")
    assert response.status_code == 400 and "Gruppen kan inte ändras efter att processen har stängts." in response.get_data(as_text=True)
    assert _edit(coordinator_client, process_id, person, name="Ny Chef", email="ny.chef@privat.se", group_key="hired_followup",
                 language="sv").status_code == 302
    assert _participant(contacts_db, person)["email"] == "ny.chef@privat.se"


def test_editing_is_scoped_to_the_department_and_the_process_and_needs_csrf(
    app, coordinator_client, make_process, contacts_db
):
    own = make_process("SOC-1")
    other = make_process("ARB-1", department="arbetsmarknadsforvaltningen")
    theirs = _add(contacts_db, other, name="Annan", email="annan@example.se")
    mine = _add(contacts_db, own)
    assert coordinator_client.get(f"/coordinator/processes/{other}/participants/{theirs}/edit").status_code == 404
    # Another department's participant under one's own process id: 404, and nothing changes.
    token = csrf_from(coordinator_client, f"/coordinator/processes/{own}/participants/{mine}/edit")
    response = coordinator_client.post(f"/coordinator/processes/{own}/participants/{theirs}/edit", data={
        "csrf_token": token, "name": "Hackad", "email": "x@example.se", "group_key": "union", "language": "sv"})
    assert response.status_code == 404
    assert _participant(contacts_db, theirs)["name"] == "Annan"
    assert coordinator_client.get(f"/coordinator/processes/{own}/participants/{2 ** 70}/edit").status_code == 404
    response = coordinator_client.post(f"/coordinator/processes/{own}/participants/{mine}/edit",
                                       data={"name": "Utan token", "email": "", "group_key": "union", "language": "sv"})
    assert response.status_code == 400 and _participant(contacts_db, mine)["name"] == "Åsa Berg"


def test_a_representative_picked_from_the_pool_keeps_the_group(coordinator_client, make_process, contacts_db):
    """The pool's served counts are of representatives: a pick leaves the group only by undoing the pick."""
    from collector.brukarbank import assignments

    process_id = make_process()
    member_id = contacts_db["pool_members"].insert({
        "department": "socialforvaltningen", "name": "Åsa Pool", "email": "pool@example.se", "language": "sv",
        "registered_on": "2026-01-01", "updated_on": "2026-01-01"}).last_pk
    member = dict(next(contacts_db.query("select * from pool_members where id = ?", [member_id])))
    assert assignments.pick(contacts_db, process_id, [member], datetime.date.today()) == 1
    person = contacts_db.execute("select id from participants where email = 'pool@example.se'").fetchone()[0]
    response = _edit(coordinator_client, process_id, person, name="Åsa Pool", email="pool@example.se", group_key="union",
                     language="sv")
    assert response.status_code == 400 and "Personen valdes från brukarbanken" in response.get_data(as_text=True)
    assert _participant(contacts_db, person)["group_key"] == "representative"


def test_the_easy_to_read_choice_can_be_changed_on_the_edit_form(coordinator_client, make_process, contacts_db):
    """The choice made when adding (issue 16 part 5) can be corrected without removing the person."""
    process_id = make_process()
    person = _add(contacts_db, process_id)
    url = f"/coordinator/processes/{process_id}/participants/{person}/edit"
    assert 'name="easy_read"' in coordinator_client.get(url).get_data(as_text=True)
    _edit(coordinator_client, process_id, person, name="Åsa Berg", email="asa@example.se",
          group_key="representative", language="sv", easy_read="y")
    assert _participant(contacts_db, person)["easy_read"] == 1
    assert "checked" in re.search(r'<input[^>]*name="easy_read"[^>]*>', coordinator_client.get(url).get_data(as_text=True)).group(0)
    entry = contacts_db.execute("select detail from audit_log where action = 'participant_update'").fetchone()
    assert entry == (f"participant {person}: easy_read",)
    _edit(coordinator_client, process_id, person, name="Åsa Berg", email="asa@example.se", group_key="representative", language="sv")
    assert _participant(contacts_db, person)["easy_read"] == 0
