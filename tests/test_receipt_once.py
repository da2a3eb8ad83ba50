"""The receipt code stays with the respondent (issue 10 part 10).

Played as the attack: Flask's session cookie is signed, not encrypted, so
anyone who sees it (a shared computer's profile, a proxy log, developer
tools) can base64-decode it without the secret key. Before the fix it held
the receipt code next to the invitation id, and ``/svar/tack`` showed the
code on every reload.
"""

from __future__ import annotations

import base64
import json
import zlib

from collector.db import connect
from collector.migrations import migrate_contacts
from collector.migrations_contacts import contacts as contacts_migrations
from tests.fixtures.respondent import answer_everything
from tests.fixtures.respondent import csrf_token
from tests.fixtures.respondent import receipt_from


def decoded_session(client) -> str:
    """The session cookie's payload as an attacker reads it: no key needed."""
    cookie = client.get_cookie("session")
    if cookie is None:
        return ""
    payload = cookie.value.split(".")
    compressed = payload[0] == ""
    data = payload[1] if compressed else payload[0]
    raw = base64.urlsafe_b64decode(data + "=" * (-len(data) % 4))
    return (zlib.decompress(raw) if compressed else raw).decode()


def submit(client, survey):
    token = survey.invite()
    invitation_id = survey.invitation(token)["id"]
    review = answer_everything(client, token)
    assert '"respondent_invitation"' in decoded_session(client)  # the decoder works: the id is there while answering
    sent = client.post("/svar/skicka", data={"csrf_token": csrf_token(review.get_data(as_text=True))})
    assert sent.status_code == 303 and sent.headers["Location"].endswith("/svar/tack")
    return invitation_id


def holds_id(session: dict, invitation_id: int) -> bool:
    """True when an integer value of the session equals the id (True == 1 does not count)."""
    return any(type(value) is int and value == invitation_id for value in session.values())


def assert_cookie_holds_neither(client, code: str, invitation_id: int) -> None:
    text = decoded_session(client)
    assert code not in text and code.replace("-", "") not in text, text
    session = json.loads(text) if text else {}
    assert "respondent_invitation" not in session, session
    assert not holds_id(session, invitation_id), session


def test_session_cookie_after_submit_holds_no_receipt_code_nor_invitation_id(app, survey):
    client = app.test_client()
    invitation_id = submit(client, survey)
    after_submit = decoded_session(client)
    thanks = client.get("/svar/tack")
    code = receipt_from(thanks.get_data(as_text=True))
    assert code not in after_submit and code.replace("-", "") not in after_submit, after_submit
    session = json.loads(after_submit)
    assert "respondent_invitation" not in session and not holds_id(session, invitation_id), session
    assert_cookie_holds_neither(client, code, invitation_id)


def test_receipt_code_is_shown_once(app, survey):
    client = app.test_client()
    submit(client, survey)
    first = client.get("/svar/tack")
    code = receipt_from(first.get_data(as_text=True))
    second = client.get("/svar/tack")
    html = second.get_data(as_text=True)
    assert second.status_code == 200
    assert code not in html and 'id="receipt-code"' not in html
    assert "Kvittokoden visades en gång" in html
    # Nothing of the hand-over is left in the contacts database either.
    assert survey.contacts.execute("select count(*) from receipt_handoffs").fetchone()[0] == 0
    # The questionnaire address now also says the answers were sent.
    assert client.get("/svar").headers["Location"].endswith("/svar/tack")


def test_a_copied_cookie_cannot_show_the_code_after_the_respondent_saw_it(app, survey):
    client = app.test_client()
    submit(client, survey)
    stolen = client.get_cookie("session").value
    receipt_from(client.get("/svar/tack").get_data(as_text=True))
    thief = app.test_client()
    thief.set_cookie("session", stolen)
    page = thief.get("/svar/tack").get_data(as_text=True)
    assert 'id="receipt-code"' not in page


def test_an_unfetched_receipt_expires(app, survey):
    app.config["RECEIPT_HANDOFF_SECONDS"] = -1
    client = app.test_client()
    submit(client, survey)
    page = client.get("/svar/tack").get_data(as_text=True)
    assert 'id="receipt-code"' not in page and "Kvittokoden visades en gång" in page
    assert survey.contacts.execute("select count(*) from receipt_handoffs").fetchone()[0] == 0


def test_hand_over_table_is_added_to_a_contacts_database_of_the_previous_version(tmp_path):
    path = str(tmp_path / "contacts.db")
    db = connect(path)
    contacts_migrations.apply(db, stop_before="c004_receipt_handoffs")
    assert not db["receipt_handoffs"].exists()
    db["receipts"].insert({"receipt_hash": "h", "response_id": 7, "process_id": 1, "group_key": "representative"})
    migrate_contacts(db)
    assert db["receipt_handoffs"].exists()
    assert [r["response_id"] for r in db["receipts"].rows] == [7]
