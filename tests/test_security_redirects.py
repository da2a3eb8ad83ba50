"""Issue 10 part 6: staff sign-in follows only same-origin ``next=`` targets.

The attack: a link to the real sign-in page whose ``next`` sends the
freshly signed-in user to the attacker's site (phishing a second password
prompt). Before the fix ``next=/%09/evil.example/`` answered
``Location: //evil.example/`` (the tab is dropped).
"""

from __future__ import annotations

import urllib.parse

import pytest

from tests.fixtures.coordinator import STAFF_PASSWORD
from tests.fixtures.coordinator import csrf_from

# As they appear in a link's query string (percent-encoded).
BYPASSES = [
    "/%09/evil.example/",
    "/%0D%0A/evil.example/",
    "/%0a/evil.example/",
    "%09//evil.example/",
    "%20//evil.example/",
    "//evil.example/",
    "///evil.example/",
    "/%2F/evil.example/",
    "%2F%2Fevil.example/",
    "/%5Cevil.example/",
    "%5C%5Cevil.example/",
    "/%5C/evil.example/",
    "https://evil.example/",
    "https:evil.example",
    "https:/evil.example",
    "javascript:alert(document.domain)",
    "JaVaScRiPt%3Aalert(1)",
    "%0Ajavascript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "http://127.0.0.1:8001@evil.example/",
    "http://127.0.0.1:8001.evil.example/",
    "http://evil.example\\@127.0.0.1:8001/",
    "http://127.0.0.1:8001%09.evil.example/",
    "/%00/evil.example/",
    "/\u3000/evil.example/",
]


def as_a_browser_reads(location: str) -> urllib.parse.SplitResult:
    """Resolve Location as the WHATWG URL parser does: tabs and newlines
    are removed, leading control characters and spaces stripped, and
    backslashes read as slashes."""
    cleaned = location.replace("\t", "").replace("\n", "").replace("\r", "").lstrip("\x00\x01 \x1f").replace("\\", "/")
    return urllib.parse.urlsplit(urllib.parse.urljoin("http://localhost/staff/login", cleaned))


@pytest.mark.parametrize("raw_next", BYPASSES)
def test_sign_in_never_redirects_off_site(app, make_user, departments, raw_next):
    make_user("anna", "evaluator", None)
    app.config["DATASETTE_URL"] = "http://127.0.0.1:8001"
    client = app.test_client()
    page = client.get(f"/staff/login?next={raw_next}")
    assert page.status_code == 200
    target = urllib.parse.unquote(raw_next)
    token = csrf_from(client, "/staff/login")
    response = client.post(
        "/staff/login", data={"username": "anna", "password": STAFF_PASSWORD, "csrf_token": token, "next": target}
    )
    assert response.status_code == 302
    location = as_a_browser_reads(response.headers["Location"])
    assert location.scheme in ("http", "https"), response.headers["Location"]
    assert location.netloc in ("localhost", "127.0.0.1:8001"), response.headers["Location"]
    assert "evil" not in location.netloc


def test_same_origin_targets_are_still_followed(app, make_user, departments):
    make_user("anna", "evaluator", None)
    app.config["DATASETTE_URL"] = "http://127.0.0.1:8001"
    for target in ("/coordinator/staff", "/coordinator/staff?x=1#top", "http://127.0.0.1:8001/medverkan/responses", "/@evil.example"):
        client = app.test_client()
        token = csrf_from(client, "/staff/login")
        response = client.post(
            "/staff/login", data={"username": "anna", "password": STAFF_PASSWORD, "csrf_token": token, "next": target}
        )
        assert response.headers["Location"] == target
