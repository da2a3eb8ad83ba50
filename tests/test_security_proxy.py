"""Issue 10 part 5: throttles behind the recommended TLS proxy.

The attack: behind a proxy every client has the proxy's address, so the
throttles keyed by address turn against everyone: 19 unknown links from one
guesser made a valid respondent link answer 429, 11 failed sign-ins made the
admin's correct password answer 429, and 10 wrong passwords locked a named
account for everyone. Requests here come from the proxy (REMOTE_ADDR
127.0.0.1) with ``X-Forwarded-For`` set as a proxy sets it.
"""

from __future__ import annotations

import os
import secrets

from collector import create_app
from tests.fixtures.coordinator import STAFF_PASSWORD
from tests.fixtures.coordinator import csrf_from

PROXY = {"REMOTE_ADDR": "127.0.0.1"}
A = {"X-Forwarded-For": "198.51.100.7"}
B = {"X-Forwarded-For": "203.0.113.42"}


def proxied_app(db_paths, hops: int = 1):
    served, contacts = db_paths
    return create_app(
        {
            "TESTING": True, "SECRET_KEY": "test-secret", "DATABASE": served, "CONTACTS_DATABASE": contacts,
            # The throttles are under test, not the hashing: staff made by
            # make_user have cheap hashes, and a sign-in would otherwise
            # re-hash them at production cost.
            "ARGON2_PROFILE": "testing",
            "RATELIMIT_ENABLED": True, "TRUSTED_PROXY_HOPS": hops,
            # The shipped limits (collector/settings.py).
            "TOKEN_GUESS_LIMIT": "20 per 10 minutes",
            "SIGNIN_LIMIT_PER_ACCOUNT": "5 per 15 minutes", "SIGNIN_LIMIT_PER_ADDRESS": "20 per 15 minutes",
        },
        # Next to the test's databases, not in the source tree's instance/.
        instance_path=os.path.join(os.path.dirname(served), "instance"),
    )


def sign_in_from(app, headers, username, password):
    client = app.test_client()
    client.environ_base.update(PROXY)
    page = client.get("/staff/login", headers=headers)
    token = csrf_from(client, "/staff/login")
    assert page.status_code == 200
    return client.post(
        "/staff/login", headers=headers,
        data={"username": username, "password": password, "csrf_token": token},
    )


def test_a_guesser_behind_the_proxy_does_not_block_valid_links_of_others(db_paths, survey):
    app = proxied_app(db_paths)
    guesser, respondent = app.test_client(), app.test_client()
    for _ in range(19):
        assert guesser.get(f"/s/{secrets.token_urlsafe(24)}", headers=A, environ_base=PROXY).status_code in (404, 410)
    assert respondent.get(f"/s/{survey.invite()}", headers=B, environ_base=PROXY).status_code == 303
    # The guesser is still throttled ...
    for _ in range(5):
        last = guesser.get(f"/s/{secrets.token_urlsafe(24)}", headers=A, environ_base=PROXY)
    assert last.status_code == 429
    # ... but a valid link is never refused, even from the guesser's address.
    assert app.test_client().get(f"/s/{survey.invite()}", headers=A, environ_base=PROXY).status_code == 303


def test_failed_sign_ins_from_one_address_do_not_block_the_admin_elsewhere(db_paths, make_user, departments):
    app = proxied_app(db_paths)
    make_user("boss", "admin", None)
    for n in range(11):  # some on the admin's name, some on others
        username = "boss" if n % 2 == 0 else f"nobody{n}"
        assert sign_in_from(app, A, username, "wrong password!!").status_code in (401, 429)
    assert sign_in_from(app, B, "boss", STAFF_PASSWORD).status_code == 302


def test_wrong_passwords_from_one_address_do_not_lock_a_named_account(db_paths, make_user, departments):
    app = proxied_app(db_paths)
    make_user("boss", "admin", None)
    statuses = [sign_in_from(app, A, "boss", "wrong password!!").status_code for _ in range(10)]
    assert statuses[:5] == [401] * 5 and statuses[-1] == 429  # the guesser is stopped
    assert sign_in_from(app, A, "boss", STAFF_PASSWORD).status_code == 429
    assert sign_in_from(app, B, "boss", STAFF_PASSWORD).status_code == 302  # the owner is not


def test_forwarded_headers_are_ignored_unless_a_proxy_is_configured(db_paths, make_user, departments):
    """Off by default: a client cannot pick a fresh address per request by sending the header itself."""
    app = proxied_app(db_paths, hops=0)
    make_user("boss", "admin", None)
    for n in range(5):
        headers = {"X-Forwarded-For": f"192.0.2.{n}"}
        assert sign_in_from(app, headers, "boss", "wrong password!!").status_code == 401
    assert sign_in_from(app, {"X-Forwarded-For": "192.0.2.99"}, "boss", STAFF_PASSWORD).status_code == 429


def test_the_client_address_comes_from_the_last_trusted_hop(db_paths, make_user, departments):
    """With one proxy, a spoofed leftmost entry is ignored: the proxy's appended one counts."""
    app = proxied_app(db_paths, hops=1)
    make_user("boss", "admin", None)
    for n in range(5):
        headers = {"X-Forwarded-For": f"10.0.0.{n}, 198.51.100.7"}
        assert sign_in_from(app, headers, "boss", "wrong password!!").status_code == 401
    assert sign_in_from(app, {"X-Forwarded-For": "10.9.9.9, 198.51.100.7"}, "boss", STAFF_PASSWORD).status_code == 429
