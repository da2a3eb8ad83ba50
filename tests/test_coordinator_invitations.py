"""Minting personal links: hashed storage, expiry, URLs from configuration."""

import datetime

from collector.invitations import create_invitation
from collector.invitations import invitation_url
from collector.tokens import hash_secret


def test_create_invitation_stores_only_the_hash(app, contacts_db):
    with app.app_context():
        token = create_invitation(contacts_db, 1, "representative", language="en", valid_days=10)
    rows = list(contacts_db["invitations"].rows)
    assert len(rows) == 1
    row = rows[0]
    assert row["token_hash"] == hash_secret(token)
    assert token not in str(row)
    assert row["status"] == "open"
    assert row["language"] == "en"
    assert row["expires_on"] == (datetime.date.today() + datetime.timedelta(days=10)).isoformat()


def test_default_validity_comes_from_config(app, contacts_db):
    app.config["INVITATION_VALID_DAYS"] = 3
    with app.app_context():
        create_invitation(contacts_db, 1, "candidate")
    row = next(contacts_db["invitations"].rows)
    assert row["expires_on"] == (datetime.date.today() + datetime.timedelta(days=3)).isoformat()


def test_url_uses_public_base_url_not_host_header(app):
    app.config["PUBLIC_BASE_URL"] = "https://medverkan.example.se/"
    with app.test_request_context("/", headers={"Host": "evil.example"}):
        url = invitation_url("abc")
    assert url == "https://medverkan.example.se/s/abc"
