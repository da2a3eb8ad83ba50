"""Bad input, CSRF failures and language switches never lose what was typed."""

from __future__ import annotations

import re

from tests.fixtures.respondent import PAGE_POSTS
from tests.fixtures.respondent import csrf_token
from tests.fixtures.respondent import post_page


def opened(app, survey):
    client = app.test_client()
    assert client.get(f"/s/{survey.invite()}").status_code == 303
    return client


def test_validation_errors_summarised_linked_and_answers_kept(app, survey):
    client = opened(app, survey)
    response = post_page(client, 1, {"attitude": "2", "meetings": "tjugofem"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<title>Fel: Förberedelser" in html
    summary = html.split('class="error-summary"')[1].split("</div>")[0]
    assert 'role="alert"' in html.split('class="error-summary"')[0][-200:] + html.split('class="error-summary"')[1][:200]
    assert "autofocus" in html.split('class="error-summary"')[1][:120]
    assert "Det finns ett problem" in summary
    links = re.findall(r'<a href="#([^"]+)">([^<]+)</a>', summary)
    # Each link names its question, so the list makes sense read on its own.
    assert links == [
        ("had_intro-0", "Fick du en skriftlig introduktion? – Välj ett svarsalternativ"),
        ("meetings", "Hur många möten var du med på? – Skriv ett heltal med siffror, till exempel 3"),
        ("role-0", "Vilken roll hade du? – Välj ett svarsalternativ"),
    ]
    for anchor, _ in links:
        assert f'id="{anchor}"' in html
    # Inline messages tied to the fields, and what was typed is kept.
    assert 'id="meetings-error"' in html and 'aria-describedby="meetings-hint meetings-error"' in html
    assert 'value="tjugofem"' in html
    assert '<input checked id="attitude-1"' in html
    # Nothing invalid reached the draft, the valid answer did.
    draft = survey.contacts.execute("select data_json from drafts").fetchone()
    assert draft is None or '"meetings"' not in draft[0]


def test_csrf_failure_keeps_typed_answers(app, survey):
    client = opened(app, survey)
    client.get("/svar/sida/1")
    typed = {"attitude": "5", "had_intro": "2", "meetings": "7", "role": "2", "csrf_token": "stale-or-missing", "action": "next"}
    response = client.post("/svar/sida/1", data=typed)
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Dina svar sparades inte eftersom sidan hade varit öppen för länge" in html
    assert '<input checked id="attitude-4"' in html and '<input checked id="had_intro-1"' in html
    assert 'value="7"' in html and '<input checked id="role-1"' in html
    # The re-rendered page has a fresh, working token: pressing again works.
    typed["csrf_token"] = csrf_token(html)
    assert client.post("/svar/sida/1", data=typed).status_code == 303


def test_csrf_failure_on_entry_and_withdraw_is_friendly(client, survey):
    assert client.post("/s", data={"code": "x"}).status_code == 400
    response = client.post("/withdraw", data={"receipt": "ABCD"})
    assert response.status_code == 400 and "Ta tillbaka dina svar" in response.get_data(as_text=True)


def test_language_switch_mid_page_keeps_typed_answers(app, survey):
    client = opened(app, survey)
    page = client.get("/svar/sida/1").get_data(as_text=True)
    assert 'form="answers" name="action" value="lang-en"' in page
    switched = client.post(
        "/svar/sida/1",
        data={"attitude": "3", "meetings": "abc", "csrf_token": csrf_token(page), "action": "lang-en"},
    )
    html = switched.get_data(as_text=True)
    assert switched.status_code == 200
    assert '<html lang="en">' in html and "Page 1 of 3" in html
    assert "<legend>It is good that service users take part in hiring.</legend>" in html
    assert '<input checked id="attitude-2"' in html and 'value="abc"' in html
    assert "There is a problem" not in html  # switching is not submitting
    # The next pages stay English; the valid answer is in the draft.
    assert "Preparation" in client.get("/svar/sida/1").get_data(as_text=True)
    assert '"attitude": 3' in survey.contacts.execute("select data_json from drafts").fetchone()[0]
    # The header link on other pages keeps the step.
    assert 'href="/withdraw?lang=sv"' in client.get("/withdraw").get_data(as_text=True)
    resumed = client.get("/svar")
    assert resumed.headers["Location"].endswith("/svar/sida/1")


def test_save_for_later_skips_required_but_not_bad_input(app, survey):
    client = opened(app, survey)
    saved = post_page(client, 1, {"attitude": "4"}, action="save")
    assert "Dina svar är sparade" in saved.get_data(as_text=True)
    bad = post_page(client, 1, {"attitude": "4", "meetings": "99"}, action="save")
    html = bad.get_data(as_text=True)
    assert "Skriv ett tal från 0 till 20" in html and "Välj ett svarsalternativ" not in html
    assert 'value="99"' in html


def test_back_keeps_answers_and_later_pages_cannot_be_skipped_to(app, survey):
    client = opened(app, survey)
    jump = client.get("/svar/sida/3")
    assert jump.status_code == 303 and jump.headers["Location"].endswith("/svar/sida/1")
    assert client.get("/svar/granska").headers["Location"].endswith("/svar/sida/1")
    assert post_page(client, 1, PAGE_POSTS[0]).status_code == 303
    back = post_page(client, 2, {"levels": ["2"]}, action="back")
    assert back.status_code == 303 and back.headers["Location"].endswith("/svar/sida/1")
    assert 'id="levels-1" name="levels" value="2" checked' in client.get("/svar/sida/2").get_data(as_text=True)
    assert client.get("/svar/sida/99").status_code == 404


def test_earlier_answer_hides_conditional_question(app, survey):
    client = opened(app, survey)
    assert post_page(client, 1, {**PAGE_POSTS[0], "had_intro": "2"}).status_code == 303
    html = client.get("/svar/sida/2").get_data(as_text=True)
    assert "Introduktionen hjälpte mig." not in html
    assert post_page(client, 2, {"levels": ["1"]}).status_code == 303


def test_malformed_posts_never_500(app, survey):
    client = opened(app, survey)
    page = client.get("/svar/sida/3").status_code  # redirected, not reached yet
    assert page == 303
    token = csrf_token(client.get("/svar/sida/1").get_data(as_text=True))
    for data in (
        {"attitude": ["1", "2"], "role": "\x00", "meetings": "9" * 400},
        {"attitude": "", "had_intro": "9" * 50, "action": "weird"},
        {"action": "lang-xx"},
    ):
        response = client.post("/svar/sida/1", data={**data, "csrf_token": token})
        assert response.status_code in (200, 303), response.status_code
