"""The whole respondent flow through the Flask test client, on real SQLite files."""

from __future__ import annotations

import pytest

from tests.fixtures.respondent import PAGE_POSTS
from tests.fixtures.respondent import csrf_token
from tests.fixtures.respondent import post_page
from tests.fixtures.respondent import receipt_from


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


@pytest.mark.parametrize(
    "invitation_language, link_suffix, expected",
    [("sv", "", "sv"), ("en", "", "en"), ("sv", "?lang=en", "en"), ("en", "?lang=sv", "sv")],
)
def test_the_link_opens_in_the_invitation_language_unless_it_asks_for_another(
    app, survey, invitation_language, link_suffix, expected
):
    client = app.test_client()
    token = survey.invite(language=invitation_language)
    assert client.get(f"/s/{token}{link_suffix}").status_code == 303
    html = client.get("/svar").get_data(as_text=True)
    assert f'<html lang="{expected}"' in html
    assert ("It takes about" in html) == (expected == "en")


def test_whole_flow_save_resume_submit_withdraw(app, survey):
    token = survey.invite()
    first = app.test_client()
    assert first.get(f"/s/{token}").status_code == 303
    assert post_page(first, 1, PAGE_POSTS[0]).status_code == 303
    # Page 2: save and continue later, with the page half answered.
    saved = post_page(first, 2, {"levels": ["3"], "wants_more": "2"}, action="save")
    assert saved.status_code == 200
    assert "Dina svar är sparade" in saved.get_data(as_text=True)
    draft = next(survey.contacts.query("select * from drafts"))
    assert draft["page"] == 2

    # A new browser with the same link resumes on page 2 with the answers filled in.
    second = app.test_client()
    assert second.get(f"/s/{token}").status_code == 303
    resumed = second.get("/svar")
    assert resumed.status_code == 303 and resumed.headers["Location"].endswith("/svar/sida/2")
    html = second.get("/svar/sida/2").get_data(as_text=True)
    assert 'id="levels-2" name="levels" value="3" checked' in html
    assert '<input checked id="wants_more-1" name="wants_more" type="radio" value="2">' in html
    assert '<input checked id="wants_more-0"' not in html
    assert "Sida 2 av 3" in html and '<progress max="3" value="2"' in html
    # Page 1's answers are still there too.
    page_one = second.get("/svar/sida/1").get_data(as_text=True)
    assert '<input checked id="attitude-3" name="attitude" required type="radio" value="4">' in page_one
    assert 'value="3">' in page_one and '<input checked id="role-0"' in page_one

    for number in (2, 3):
        assert post_page(second, number, PAGE_POSTS[number - 1]).status_code == 303
    review = second.get("/svar/granska")
    text = review.get_data(as_text=True)
    assert "Kontrollera dina svar" in text and "Varför hon fick jobbet" in text
    sent = second.post("/svar/skicka", data={"csrf_token": csrf_token(text)})
    assert sent.status_code == 303 and sent.headers["Location"].endswith("/svar/tack")
    thanks = second.get("/svar/tack")
    code = receipt_from(thanks.get_data(as_text=True))

    assert survey.served.execute("select count(*) from responses").fetchone()[0] == 1
    response = next(survey.served.query("select * from responses"))
    assert response["language"] == "sv" and len(response["submitted_on"]) == 4  # the collection year (issue 10 part 2)
    assert survey.contacts.execute("select count(*) from drafts").fetchone()[0] == 0
    assert survey.contacts.execute("select count(*) from pending_submissions").fetchone()[0] == 0
    assert survey.invitation(token)["status"] == "answered"
    answers = {
        (row["key"], row["item"]): (row["value_int"], row["value_text"])
        for row in survey.served.query(
            "select q.key, a.item, a.value_int, a.value_text from answers a join questions q on q.id = a.question_id "
            # free text waits there, stored, until its batch enters the search (search_release.py)
            "union all select q.key, w.item, null, w.value_text from free_text_waiting w join questions q on q.id = w.question_id"
        )
    }
    assert answers[("attitude", "")] == (4, None)
    assert answers[("levels", "1")] == (1, None) and answers[("levels", "2")] == (2, None)
    assert ("levels", "3") not in answers
    assert answers[("screening", "Sökande D")] == (4, None)
    assert answers[("ranking", "Sökande C")] == (1, None)
    assert answers[("wants_more_what", "")] == (None, "Varför hon fick jobbet")
    frozen = survey.served.execute("select frozen_on from instruments where id = ?", [survey.instrument_id]).fetchone()[0]
    assert frozen

    # The link is used now: it says so, with no form.
    again = app.test_client().get(f"/s/{token}")
    assert again.status_code == 200
    assert "Du har redan svarat" in again.get_data(as_text=True) and "<form" not in again.get_data(as_text=True).split("<main")[1]

    # Withdraw: form, confirm, deleted; a second time says it is already deleted.
    withdrawer = app.test_client()
    page = withdrawer.get("/withdraw").get_data(as_text=True)
    confirm = withdrawer.post("/withdraw", data={"receipt": code.lower().replace("-", " "), "csrf_token": csrf_token(page)})
    assert "Vill du ta bort dina svar?" in confirm.get_data(as_text=True)
    done = withdrawer.post(
        "/withdraw", data={"receipt": code, "confirm": "yes", "csrf_token": csrf_token(confirm.get_data(as_text=True))}
    )
    assert "Dina svar är borttagna" in done.get_data(as_text=True)
    assert survey.served.execute("select count(*) from responses").fetchone()[0] == 0
    assert survey.served.execute("select count(*) from answers").fetchone()[0] == 0
    assert survey.served.execute("select count(*) from answer_counts").fetchone()[0] == 0
    again = withdrawer.post("/withdraw", data={"receipt": code, "csrf_token": csrf_token(page)})
    assert "Dina svar är redan borttagna" in again.get_data(as_text=True)


def test_unknown_receipt_code_gets_a_clear_message(client, survey):
    page = client.get("/withdraw").get_data(as_text=True)
    response = client.post("/withdraw", data={"receipt": "AAAA-BBBB-CCCC-DDDD", "csrf_token": csrf_token(page)})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Vi hittar inte den kvittokoden" in html
    assert 'href="#receipt"' in html and "<title>Fel:" in html
    assert 'value="AAAA-BBBB-CCCC-DDDD"' in html


def test_used_expired_unknown_and_closed_links(client, survey):
    unknown = client.get("/s/not-a-real-token-at-all")
    assert unknown.status_code == 404 and "Vi hittar inte länken" in unknown.get_data(as_text=True)
    expired = client.get(f"/s/{survey.invite(expires_on='2020-01-01')}")
    assert expired.status_code == 410 and "Länken har slutat gälla" in expired.get_data(as_text=True)
    used = client.get(f"/s/{survey.invite(status='answered')}")
    assert used.status_code == 200 and "Du har redan svarat" in used.get_data(as_text=True)
    token = survey.invite()
    survey.served.execute("update processes set status = 'closed' where id = ?", [survey.process_id])
    closed = client.get(f"/s/{token}")
    assert closed.status_code == 410 and "Enkäten är stängd" in closed.get_data(as_text=True)
    # Without a session the questionnaire explains what to do.
    fresh = client.application.test_client()
    assert "Öppna länken i din inbjudan" in fresh.get("/svar").get_data(as_text=True)


def test_typed_code_from_a_letter(client, survey):
    token = survey.invite()
    landing = client.get("/")
    html = landing.get_data(as_text=True)
    assert 'href="/staff/login"' in html and 'for="code"' in html
    wrong = client.post("/s", data={"code": "nope", "csrf_token": csrf_token(html)})
    assert wrong.status_code == 404 and 'href="#code"' in wrong.get_data(as_text=True)
    assert 'value="nope"' in wrong.get_data(as_text=True)
    right = client.post("/s", data={"code": f"  http://example.org/s/{token} ", "csrf_token": csrf_token(html)})
    assert right.status_code == 303 and right.headers["Location"].endswith("/svar")
