"""The paper route (issue 11 part 9): a printed slip carries a QR code, the
start page's short address, a short code and the deadline, in the
participant's language; the code is typed on the start page in any case,
with or without dashes; only its keyed hash is stored; wrong guesses count
against the same throttle as unknown links."""

import datetime
import itertools
import re

import pytest

from collector import create_app
from collector import short_codes
from collector.coordinator import participants as participant_store
from tests.fixtures.coordinator import csrf_from

SLIP_CODE = re.compile(r'<p class="slip-code"><span class="visually-hidden">[^<]*</span>([^<]+)</p>')


def test_codes_are_short_unambiguous_and_checked():
    codes = {short_codes.new_short_code() for _ in range(2000)}
    assert len(codes) == 2000
    for code in itertools.islice(codes, 200):
        printed = short_codes.display(code)
        assert len(code) == 11 and len(printed) <= 13 and set(code) <= set(short_codes.ALPHABET)
        assert not set(code) & set("ILOU")
        for typed in (printed, printed.lower(), code.lower(), " ".join(printed.split("-")), printed.replace("0", "O").replace("1", "l")):
            assert short_codes.normalise(typed) == code, typed
        # Every single wrong symbol is caught by the check symbol.
        for position, symbol in itertools.product(range(11), short_codes.ALPHABET):
            if symbol != code[position]:
                assert short_codes.normalise(code[:position] + symbol + code[position + 1:]) is None
    assert short_codes.normalise("7KQM-3TXA-9RF") == "7KQM3TXA9RF"  # the start page's example is well-formed


def _print(client, process_id, **data):
    url = f"/coordinator/processes/{process_id}/print"
    token = csrf_from(client, url)
    return client.post(url, data={"csrf_token": token, **data})


def test_the_slip_has_qr_short_address_code_and_deadline_in_the_participants_language(app, coordinator_client, make_process, contacts_db):
    process_id = make_process(status="collecting")
    participant_store.add_participants(contacts_db, process_id, [
        {"name": "Utan E-post", "email": None, "group_key": "manager", "language": "sv"},
    ])
    response = _print(coordinator_client, process_id, group_key="representative", count="2", language="en")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    codes = SLIP_CODE.findall(page)
    assert len(codes) == 3 and all(short_codes.normalise(code) for code in codes)
    assert page.count("<svg") == 3
    deadline = (datetime.date.today() + datetime.timedelta(days=app.config["INVITATION_VALID_DAYS"])).isoformat()
    slips = re.findall(r'<li class="link-slip" lang="(\w+)">(.*?)</li>', page, re.S)
    languages = [language for language, _body in slips]
    assert languages == ["sv", "en", "en"]
    swedish, english = slips[0][1], slips[1][1]
    assert "Eller gå till 127.0.0.1:5000 och skriv in den här koden:" in swedish and f"Svara senast {deadline}." in swedish
    assert "Or go to 127.0.0.1:5000 and type this code:" in english and f"Answer by {deadline}." in english
    assert "Service-user representative" in english
    # No 32-character address to type on the slip.
    assert "/s/" not in page
    # Only the keyed hash is stored: no code appears anywhere in the contacts database.
    stored = " ".join(str(value) for table in contacts_db.table_names() for row in contacts_db[table].rows for value in row.values())
    for code in codes:
        assert short_codes.normalise(code) not in stored and code not in stored
    assert contacts_db.execute("select count(*) from invitations where short_code_hash is not null").fetchone()[0] == 3


def test_the_code_is_typed_on_the_start_page_in_any_form(app, coordinator_client, make_process):
    process_id = make_process(status="collecting")
    page = _print(coordinator_client, process_id, group_key="representative", count="3", language="sv").get_data(as_text=True)
    codes = SLIP_CODE.findall(page)
    for typed in (codes[0], codes[1].lower().replace("-", ""), " " + codes[2].replace("-", " ") + " "):
        respondent = app.test_client()
        token = csrf_from(respondent, "/")
        response = respondent.post("/s", data={"csrf_token": token, "code": typed})
        assert response.status_code == 303, typed
        assert respondent.get(response.headers["Location"]).status_code in (200, 303)


def test_a_typing_error_is_named_and_an_unknown_code_is_not_found(app, client):
    token = csrf_from(client, "/")
    code = short_codes.new_short_code()
    wrong = code[:3] + ("A" if code[3] != "A" else "B") + code[4:]
    response = client.post("/s", data={"csrf_token": token, "code": short_codes.display(wrong)})
    assert response.status_code == 400 and "Koden har ett skrivfel" in response.get_data(as_text=True)
    response = client.post("/s", data={"csrf_token": token, "code": short_codes.display(code)})
    page = response.get_data(as_text=True)
    assert response.status_code == 404 and "Vi hittar inte den koden" in page
    assert 'class="error-summary"' in page and 'value="' + short_codes.display(code) + '"' in page  # nothing typed is lost


@pytest.fixture
def limited_app(db_paths, tmp_path):
    served, contacts = db_paths
    app = create_app({
        "TESTING": True, "SECRET_KEY": "test-secret", "DATABASE": served, "CONTACTS_DATABASE": contacts,
        "RATELIMIT_ENABLED": True, "TOKEN_GUESS_LIMIT": "5 per 10 minutes", "WTF_CSRF_ENABLED": False,
    })
    app.instance_path = str(tmp_path / "instance")
    return app


def test_guessing_codes_meets_the_token_throttle(limited_app):
    client = limited_app.test_client()
    statuses = [client.post("/s", data={"code": short_codes.display(short_codes.new_short_code())}).status_code for _ in range(7)]
    assert statuses[:5] == [404] * 5 and statuses[-1] == 429
