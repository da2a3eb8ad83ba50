"""The whole respondent flow through the Flask test client, on real SQLite files."""

from __future__ import annotations

from tests.fixtures.respondent import PAGE_POSTS
from tests.fixtures.respondent import answer_everything
from tests.fixtures.respondent import csrf_token
from tests.fixtures.respondent import post_page
from tests.fixtures.respondent import receipt_from
from tests.fixtures.respondent import send


def test_link_redirects_and_token_leaves_the_address_bar(client, survey):
    token = survey.invite()
    response = client.get(f"/s/{token}")
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/svar")
    assert token not in response.headers["Location"]
    assert response.headers["Referrer-Policy"] == "no-referrer"
    start = client.get("/svar")
    html = start.get_data(as_text=True)
    assert start.status_code == 200
    assert "Dina erfarenheter av rekryteringen" in html
    assert "6 minuter" in html
    assert token not in html
    assert start.headers["Cache-Control"] == "no-store"
