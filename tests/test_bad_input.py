"""Bad input, never a 500, nothing lost.

A corpus of hostile and broken requests is posted to every respondent form
endpoint (code entry, questionnaire pages, send, withdrawal) and to staff
sign-in, against the demo case in the real app (CSRF on). Every answer must
be below 500, in the respondent's language, and earlier answers must still
be there afterwards. A stored HTML/JS payload must come back escaped on
every page and export that shows it.
"""

from __future__ import annotations

import os
import re
import secrets
import shutil

import pytest
from werkzeug.datastructures import MultiDict

from collector import create_app
from collector.db import connect
from collector.demo.case import CASE_CODE
from collector.invitations import create_invitation
from tests.fixtures.databases import demo_copy
from tests.fixtures.databases import scratch_folder
from tests.http_respondent import answers_for
from tests.http_respondent import read_form

SCRIPT = "<script>alert('x')</script>"
IMG = '"><img src=x onerror=alert(1)>'

# name -> function(fields of the page) -> (body, content type)
VALUE_PAYLOADS = {
    "out of range low": "0",
    "out of range high": "6",
    "negative": "-1",
    "non-integer": "3.5",
    "letters": "abc",
    "huge integer": "9" * 400,
    "choice not in list": "42",
    "empty": "",
    "NUL byte": "1\x00",
    "right-to-left and emoji": "\u202e\u05e9\u05dc\u05d5\u05dd 🙂👍🏽",
    "HTML/JS": SCRIPT + IMG,
    "SQL fragment": "1'; DROP TABLE answers; --",
    "1 MB text": "x" * (1024 * 1024),
}


@pytest.fixture(scope="module")
def demo_files():
    """The demo case (the test process's shared copy, ``demo_copy``), once
    per module in a private folder; each test gets its own copy."""
    directory = scratch_folder()
    served, contacts = demo_copy(os.path.join(directory, "medverkan.db"), os.path.join(directory, "contacts.db"))
    served_db = connect(served)
    process_id = served_db.execute("select id from processes where code = ?", [CASE_CODE]).fetchone()[0]
    served_db.conn.close()
    yield served, contacts, process_id
    shutil.rmtree(directory, ignore_errors=True)


@pytest.fixture
def hostile_app(demo_files, tmp_path):
    source_served, source_contacts, process_id = demo_files
    directory = scratch_folder()  # in memory when possible: no fsync wait per commit
    served, contacts = os.path.join(directory, "medverkan.db"), os.path.join(directory, "contacts.db")
    shutil.copy(source_served, served)
    shutil.copy(source_contacts, contacts)
    contacts_db = connect(contacts)
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "bad-input-secret",
            "DATABASE": served,
            "CONTACTS_DATABASE": contacts,
            "RATELIMIT_ENABLED": False,
            "ARGON2_PROFILE": "testing",
        },
        instance_path=str(tmp_path / "instance"),
    )

    def invite(group="representative"):
        return create_invitation(contacts_db, process_id, group)

    yield app, invite
    contacts_db.conn.close()
    shutil.rmtree(directory, ignore_errors=True)


def _body(client, method, path, **kwargs):
    if isinstance(kwargs.get("data"), list):
        kwargs["data"] = MultiDict(kwargs["data"])
    response = client.open(path, method=method, **kwargs)
    assert response.status_code < 500, f"{method} {path} -> {response.status_code}"
    return response


def _page(client, number):
    response = client.get(f"/svar/sida/{number}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def _start(client, token, lang="sv"):
    client.get(f"/?lang={lang}")  # the respondent chose a language on the landing page
    response = client.get(f"/s/{token}?lang={lang}", follow_redirects=True)
    assert response.status_code == 200
    return response


def _checked_values(html):
    return sorted(re.findall(r'<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"[^>]*checked', html))


def _form_fields(html, number):
    reader = read_form(html, f"/svar/sida/{number}")
    return reader, answers_for(reader)


def _answer_page(client, number, value_for=lambda name, value: value):
    """Answer page ``number`` with valid values; answer again while the page comes
    back with a follow-up question an answer made apply. Returns the last POST."""
    for _ in range(5):
        reader, valid = _form_fields(_page(client, number), number)
        data = [(name, value_for(name, value)) for name, value in valid]
        posted = _body(client, "POST", reader.action, data=[*data, ("action", "next")])
        if posted.status_code != 303 or not posted.headers["Location"].endswith(reader.action):
            return posted
    raise AssertionError(f"page {number} kept asking follow-up questions")


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_corpus_on_questionnaire_pages_never_500_and_keeps_earlier_answers(hostile_app, lang):
    app, invite = hostile_app
    client = app.test_client()
    _start(client, invite(), lang)
    response = _answer_page(client, 1)
    assert response.status_code == 303 and response.headers["Location"].endswith("/svar/sida/2")
    kept = _checked_values(_page(client, 1))
    assert kept, "page 1 answers were stored"
    second = _page(client, 2)
    reader, valid2 = _form_fields(second, 2)
    csrf = [pair for pair in valid2 if pair[0] == "csrf_token"]
    answer_names = sorted({name for name, _ in valid2 if name != "csrf_token"})
    assert answer_names

    bodies = {}
    for label, value in VALUE_PAYLOADS.items():
        bodies[label] = [*csrf, *[(name, value) for name in answer_names], ("action", "next")]
    bodies["missing every field"] = [*csrf, ("action", "next")]
    bodies["duplicated fields"] = [*csrf, *valid2[1:], *[(name, "2") for name in answer_names], ("action", "next")]
    bodies["unknown action"] = [*valid2, ("action", "<script>")]
    bodies["unknown field"] = [*valid2, ("x" * 5000, "y"), ("action", "next")]

    for label, data in bodies.items():
        response = _body(client, "POST", "/svar/sida/2", data=data)
        html = response.get_data(as_text=True)
        if response.status_code in (200, 400):
            assert f'<html lang="{lang}">' in html, label
            assert SCRIPT not in html and "<img src=x" not in html, f"{label}: payload echoed unescaped"
        assert response.status_code in (200, 303, 400, 413), (label, response.status_code)

    raw_bodies = {
        "invalid UTF-8": (
            b"csrf_token=" + csrf[0][1].encode() + b"&" + answer_names[0].encode() + b"=%FF%FE%00\xff\xfe&action=next",
            "application/x-www-form-urlencoded",
        ),
        "JSON body": (b'{"action": "next"}', "application/json"),
        "text/plain": (b"action=next", "text/plain"),
        "broken multipart": (b"--x\r\nContent-Disposition: form-data; name=action\r\n\r\nnext", "multipart/form-data; boundary=x"),
        "no content type": (b"\x00\x01\x02", ""),
    }
    for label, (body, content_type) in raw_bodies.items():
        headers = {"Content-Type": content_type} if content_type else {}
        response = _body(client, "POST", "/svar/sida/2", data=body, headers=headers)
        assert response.status_code in (200, 303, 400), (label, response.status_code)

    too_big = _body(client, "POST", "/svar/sida/2", data=[*csrf, ("action", "next"), (answer_names[0], "x" * (5 * 1024 * 1024))])
    assert too_big.status_code == 413
    assert ("för stort" if lang == "sv" else "too large") in too_big.get_data(as_text=True)

    # Nothing typed earlier was lost.
    assert _checked_values(_page(client, 1)) == kept


def test_csrf_missing_stale_or_forged_keeps_typed_answers(hostile_app):
    app, invite = hostile_app
    client = app.test_client()
    _start(client, invite())
    html = _page(client, 1)
    reader, valid = _form_fields(html, 1)
    without_csrf = [pair for pair in valid if pair[0] != "csrf_token"]
    for label, extra in {
        "missing": [],
        "forged": [("csrf_token", "forged." + secrets.token_hex(20))],
        "stale": [("csrf_token", "IjAwMDAi.aaaa.bbbb")],
    }.items():
        response = _body(client, "POST", "/svar/sida/1", data=[*without_csrf, *extra, ("action", "next")])
        assert response.status_code == 400, label
        page = response.get_data(as_text=True)
        # What was chosen comes back checked, so pressing the button again is enough.
        for name, value in without_csrf[:3]:
            assert (
                re.search(
                    rf'name="{re.escape(name)}"[^>]*value="{re.escape(value)}"[^>]*checked|value="{re.escape(value)}"[^>]*name="{re.escape(name)}"[^>]*checked',
                    page,
                )
                or value in page
            ), (label, name)


@pytest.mark.parametrize(
    "token",
    [
        "x",
        "A" * 5000,
        "../../etc/passwd",
        "%00",
        "' OR 1=1 --",
        "<script>",
        "🙂" * 10,
        "yC3wM0mQ8s1V_o-4JkL2nX9pR7tE5aB6",  # a well-formed token nobody was given
    ],
)
def test_forged_tokens_get_a_clear_page(hostile_app, token):
    app, _ = hostile_app
    response = _body(app.test_client(), "GET", f"/s/{token}")
    assert response.status_code in (404, 410)
    html = response.get_data(as_text=True)
    assert "<script>" not in html.replace("<script src", "")


@pytest.mark.parametrize("value", [*VALUE_PAYLOADS.values(), "ABCD-EFGH-JKMN-PQRS", "abcd efgh jkmn pqrs"])
def test_code_entry_withdrawal_and_sign_in_never_500(hostile_app, value):
    app, _ = hostile_app
    client = app.test_client()
    for path, form_path, field in [
        ("/", "/s", "code"),
        ("/withdraw", "/withdraw", "receipt"),
        ("/login", "/login", "username"),
    ]:
        html = client.get(path).get_data(as_text=True)
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html)
        data = {field: value, "password": value}
        if token:
            data["csrf_token"] = token.group(1)
        response = _body(client, "POST", form_path, data=data)
        page = response.get_data(as_text=True)
        assert SCRIPT not in page and "<img src=x" not in page
        assert response.status_code in (200, 303, 302, 400, 404, 410, 413, 429)


def test_stored_script_is_escaped_on_review_and_in_exports(hostile_app):
    app, invite = hostile_app
    client = app.test_client()
    _start(client, invite())
    for number in range(1, 20):
        response = client.get(f"/svar/sida/{number}")
        if response.status_code != 200 or "/svar/sida/" not in response.request.path:
            break
        reader, _valid = _form_fields(response.get_data(as_text=True), number)
        if reader.action is None:
            break
        posted = _answer_page(
            client, number, lambda name, value: SCRIPT if name != "csrf_token" and value == "Svar från lasttest" else value
        )
        if posted.status_code != 303 or "granska" in posted.headers.get("Location", ""):
            break
    review = client.get("/svar/granska").get_data(as_text=True)
    if "&lt;script&gt;" not in review:
        pytest.fail("no free-text question carried the payload to the review page")
    assert SCRIPT not in review

    import io

    from collector.ops.csv_export import export_rows
    from collector.ops.csv_export import write_csv

    served = connect(app.config["DATABASE"])
    try:
        process_id = served.execute("select id from processes where code = ?", [CASE_CODE]).fetchone()[0]
        out = io.StringIO()
        write_csv(out, export_rows(served, process_id))
        text = out.getvalue()
        for line in text.splitlines():
            for cell in line.split(","):
                assert not cell.lstrip('"').startswith(("=", "+", "@")), f"formula-looking cell in export: {cell[:40]}"
    finally:
        served.conn.close()
