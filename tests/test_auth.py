"""Staff sign-in: sessions, the Datasette cookie, next=, throttling, roles."""

import time
from pathlib import Path

import pytest
from datasette.app import Datasette
from datasette.utils import baseconv

from collector import create_app
from collector.coordinator import users as user_store
from collector.coordinator.actor_cookie import actor_cookie_value
from collector.coordinator.actor_cookie import base62_encode
from collector.ops.cli import cli
from tests.fixtures.coordinator import STAFF_PASSWORD
from tests.fixtures.coordinator import csrf_from
from tests.fixtures.coordinator import sign_in


def _cookie(client, name):
    return client.get_cookie(name)


def test_sign_in_sets_session_and_datasette_cookie(app, make_user, departments):
    make_user("anna", "evaluator", None)
    client = app.test_client()
    response = sign_in(client, "anna")
    assert response.status_code == 302
    set_cookies = response.headers.getlist("Set-Cookie")
    session_cookie = next(c for c in set_cookies if c.startswith("session="))
    assert "HttpOnly" in session_cookie and "SameSite=Lax" in session_cookie
    actor = next(c for c in set_cookies if c.startswith("ds_actor="))
    assert "HttpOnly" in actor
    value = _cookie(client, "ds_actor").value
    # Datasette itself must accept it.
    ds = Datasette(memory=True, secret="test-secret")
    decoded = ds.unsign(value, "actor")
    assert decoded["a"] == {"id": "anna", "role": "evaluator"}
    assert int(baseconv.base62.decode(decoded["e"])) > time.time() + 3600


def test_base62_matches_datasette():
    for number in (0, 61, 62, 1_700_000_000, 2**40):
        assert baseconv.base62.encode(number) == base62_encode(number)


@pytest.mark.asyncio
async def test_datasette_recognises_the_actor():
    ds = Datasette(memory=True, secret="s3cret")
    cookie = actor_cookie_value("s3cret", "anna", "evaluator", 3600)
    response = await ds.client.get("/-/actor.json", cookies={"ds_actor": cookie})
    assert response.json()["actor"] == {"id": "anna", "role": "evaluator"}
    expired = actor_cookie_value("s3cret", "anna", "evaluator", -10)
    response = await ds.client.get("/-/actor.json", cookies={"ds_actor": expired})
    # Anonymous: Datasette answers null, or Medverkan's plugin sends to sign-in.
    assert response.status_code == 302 or response.json()["actor"] is None


def test_secure_cookies_over_https(app, make_user, departments):
    make_user("anna", "coordinator")
    client = app.test_client()
    page = client.get("/staff/login", base_url="https://localhost").get_data(as_text=True)
    token = page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    response = client.post(
        "/staff/login",
        data={"username": "anna", "password": STAFF_PASSWORD, "csrf_token": token},
        base_url="https://localhost",
        headers={"Referer": "https://localhost/staff/login"},
    )
    assert response.status_code == 302
    for header in response.headers.getlist("Set-Cookie"):
        assert "Secure" in header


def test_wrong_password_keeps_you_out(app, make_user, departments):
    make_user("anna", "coordinator")
    client = app.test_client()
    response = sign_in(client, "anna", "wrong password!!")
    assert response.status_code == 401
    assert "Fel användarnamn eller lösenord" in response.get_data(as_text=True)
    assert client.get("/coordinator/").status_code == 302


def test_disabled_account_and_password_change_end_sessions(app, make_user, departments, contacts_db):
    user_id = make_user("anna", "coordinator")
    client = app.test_client()
    sign_in(client, "anna")
    assert client.get("/coordinator/").status_code == 200
    user_store.set_password(contacts_db, user_id, "another long password")
    assert client.get("/coordinator/").status_code == 302
    sign_in(client, "anna", "another long password")
    assert client.get("/coordinator/").status_code == 200
    user_store.set_active(contacts_db, user_id, False)
    assert client.get("/coordinator/").status_code == 302


def test_session_expires(app, make_user, departments):
    import datetime

    make_user("anna", "coordinator")
    client = app.test_client()
    sign_in(client, "anna")
    with client.session_transaction() as session:
        session["since"] = (datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(hours=9)).isoformat()
    assert client.get("/coordinator/").status_code == 302


def test_next_only_local_or_datasette(app, make_user, departments):
    make_user("anna", "evaluator", None)
    app.config["DATASETTE_URL"] = "http://127.0.0.1:8001"
    for target, expected in [
        ("/coordinator/staff", "/coordinator/staff"),
        ("http://127.0.0.1:8001/medverkan", "http://127.0.0.1:8001/medverkan"),
        ("https://evil.example/", "/coordinator/staff"),
        ("//evil.example/", "/coordinator/staff"),
        ("http://127.0.0.1:8001.evil.example/", "/coordinator/staff"),
    ]:
        client = app.test_client()
        token = csrf_from(client, "/staff/login")
        response = client.post(
            "/staff/login", data={"username": "anna", "password": STAFF_PASSWORD, "csrf_token": token, "next": target}
        )
        assert response.headers["Location"] == expected, target


def test_sign_out_deletes_both(app, make_user, departments):
    make_user("anna", "coordinator")
    client = app.test_client()
    sign_in(client, "anna")
    token = csrf_from(client, "/staff/logout")
    response = client.post("/staff/logout", data={"csrf_token": token})
    assert response.status_code == 302
    assert any(c.startswith("ds_actor=;") for c in response.headers.getlist("Set-Cookie"))
    assert client.get("/coordinator/").status_code == 302


def test_signing_out_ends_copies_of_the_session_on_other_devices(app, make_user, departments):
    make_user("anna", "coordinator")
    laptop = app.test_client()
    sign_in(laptop, "anna")
    phone = app.test_client()
    phone.set_cookie("session", laptop.get_cookie("session").value)
    assert phone.get("/coordinator/").status_code == 200
    token = csrf_from(laptop, "/staff/logout")
    laptop.post("/staff/logout", data={"csrf_token": token})
    assert phone.get("/coordinator/").status_code == 302
    # Signing in again works, with a fresh stamp in the Datasette cookie.
    response = sign_in(app.test_client(), "anna")
    assert any(c.startswith("ds_actor=") and len(c) > 20 for c in response.headers.getlist("Set-Cookie"))


def test_logout_needs_csrf(app, make_user, departments):
    make_user("anna", "coordinator")
    client = app.test_client()
    sign_in(client, "anna")
    assert client.post("/staff/logout", data={}).status_code == 400
    assert client.get("/coordinator/").status_code == 200


def throttled_app(db_paths, **limits):
    """A fresh app: its throttling counters start at zero (they belong to the app)."""
    served, contacts = db_paths
    return create_app(
        {"TESTING": True, "SECRET_KEY": "test-secret", "DATABASE": served, "CONTACTS_DATABASE": contacts,
         "RATELIMIT_ENABLED": True, "ARGON2_PROFILE": "testing", **limits},
        instance_path=str(Path(served).parent / "instance"),
    )


def test_sign_in_throttled_per_account(db_paths, make_user, departments):
    app = throttled_app(db_paths, SIGNIN_LIMIT_PER_ACCOUNT="3 per 15 minutes", SIGNIN_LIMIT_PER_ADDRESS="100 per 15 minutes")
    make_user("anna", "coordinator")
    client = app.test_client()
    for _ in range(3):
        assert sign_in(client, "anna", "wrong password!!").status_code == 401
    # Even the right password is refused now, with a clear Swedish message.
    response = sign_in(client, "anna")
    assert response.status_code == 429
    assert "För många misslyckade inloggningsförsök" in response.get_data(as_text=True)
    # Another account from the same address is not locked.
    make_user("bo", "coordinator")
    assert sign_in(client, "bo").status_code == 302


def test_sign_in_throttled_per_address(db_paths, make_user, departments):
    app = throttled_app(db_paths, SIGNIN_LIMIT_PER_ACCOUNT="100 per 15 minutes", SIGNIN_LIMIT_PER_ADDRESS="4 per 15 minutes")
    make_user("anna", "coordinator")
    client = app.test_client()
    for name in ("x1", "x2", "x3", "x4"):
        assert sign_in(client, name, "whatever password").status_code == 401
    assert sign_in(client, "anna").status_code == 429


def test_roles_reach_their_pages(app, make_user, departments):
    make_user("eva", "evaluator", None)
    client = app.test_client()
    response = sign_in(client, "eva")
    assert response.headers["Location"] == "/coordinator/staff"
    assert client.get("/coordinator/").status_code == 403
    assert client.get("/coordinator/users").status_code == 403
    assert client.get("/coordinator/staff").status_code == 200


def test_user_cli(runner, contacts_db):
    result = runner.invoke(cli, args=["user", "add", "Kim", "--role", "coordinator", "--department", "x", "--password", "a long enough pw"])
    assert result.exit_code == 0, result.output
    assert "kim\tcoordinator\tx\tactive" in runner.invoke(cli, args=["user", "list"]).output
    assert runner.invoke(cli, args=["user", "add", "kim", "--role", "admin", "--password", "a long enough pw"]).exit_code != 0
    assert runner.invoke(cli, args=["user", "add", "lo", "--role", "admin", "--password", "short"]).exit_code != 0
    assert runner.invoke(cli, args=["user", "set-password", "kim", "--password", "another long pw"]).exit_code == 0
    assert user_store.authenticate(contacts_db, "kim", "another long pw") is not None
    assert runner.invoke(cli, args=["user", "disable", "kim"]).exit_code == 0
    assert user_store.authenticate(contacts_db, "kim", "another long pw") is None
    hashed = user_store.get_user_by_username(contacts_db, "kim")["password_hash"]
    assert hashed.startswith("$argon2id$")
