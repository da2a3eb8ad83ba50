"""Keyboard and resume on the respondent's side (issue 16 part 4), through the
Flask test client: the default submit button, "Change" returning to the
review, the resume message, conditional questions without JavaScript and
the receipt page's copy and print.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

from tests.fixtures.respondent import PAGE_POSTS
from tests.fixtures.respondent import answer_everything
from tests.fixtures.respondent import csrf_token
from tests.fixtures.respondent import post_page
from tests.fixtures.respondent import send


class SubmitButtons(HTMLParser):
    """Submit buttons whose form owner is form#answers, in document order."""

    def __init__(self):
        super().__init__()
        self.inside = False
        self.buttons: list[dict] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "form":
            self.inside = attributes.get("id") == "answers"
        if tag in ("button", "input") and attributes.get("type", "submit" if tag == "button" else "text") == "submit":
            owner = attributes.get("form")
            if owner == "answers" or (owner is None and self.inside):
                self.buttons.append(attributes)

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False


def test_the_forms_default_button_is_next_not_the_language_switch(client, survey):
    """Enter in a field submits with the form's first submit button (HTML implicit submission)."""
    client.get(f"/s/{survey.invite()}")
    parser = SubmitButtons()
    parser.feed(client.get("/svar/sida/1").get_data(as_text=True))
    assert parser.buttons[0]["value"] == "next", parser.buttons[0]
    assert any(b["value"] == "lang-en" for b in parser.buttons)  # the switch still keeps typed answers


def test_change_on_the_review_returns_to_the_review(client, survey):
    review = answer_everything(client, survey.invite())
    html = review.get_data(as_text=True)
    change = re.findall(r'href="(/svar/sida/1[^"]*)"', html)
    assert change == ["/svar/sida/1?granska=1"], change
    page = client.get(change[0]).get_data(as_text=True)
    assert 'action="/svar/sida/1?granska=1"' in page and "Fortsätt och granska" in page
    changed = dict(PAGE_POSTS[0], role="2", csrf_token=csrf_token(page), action="next")
    response = client.post(change[0], data=changed)
    assert response.status_code == 303 and response.headers["Location"].endswith("/svar/granska")
    assert "Granskare" in client.get("/svar/granska").get_data(as_text=True)
    # Back from a page opened with "Change" also returns to the review.
    back = client.post("/svar/sida/2?granska=1", data={**PAGE_POSTS[1], "csrf_token": csrf_token(page), "action": "back"})
    assert back.headers["Location"].endswith("/svar/granska")
    # Without the review behind it, Next walks on as before.
    assert post_page(client, 1, PAGE_POSTS[0]).headers["Location"].endswith("/svar/sida/2")


def test_a_change_that_makes_a_required_question_apply_goes_there_before_the_review(client, survey):
    answer_everything(client, survey.invite())
    page = client.get("/svar/sida/1?granska=1").get_data(as_text=True)
    # had_intro No -> Yes: page 2's required intro_useful (asked only after a Yes) now applies.
    post_page(client, 1, dict(PAGE_POSTS[0], had_intro="2"))
    post_page(client, 2, {"levels": ["1"], "wants_more": "2"})
    post_page(client, 3, PAGE_POSTS[2])
    response = client.post(
        "/svar/sida/1?granska=1", data=dict(PAGE_POSTS[0], had_intro="1", csrf_token=csrf_token(page), action="next")
    )
    assert response.headers["Location"].endswith("/svar/sida/2?granska=1")


def test_resuming_says_which_page_the_person_is_on(app, survey):
    token = survey.invite()
    first = app.test_client()
    first.get(f"/s/{token}")
    post_page(first, 1, PAGE_POSTS[0])
    post_page(first, 2, {"levels": ["3"]}, action="save")
    later = app.test_client()
    later.get(f"/s/{token}")
    resumed = later.get("/svar")
    assert resumed.headers["Location"].endswith("/svar/sida/2")
    html = later.get("/svar/sida/2").get_data(as_text=True)
    assert "Välkommen tillbaka — du är på sida 2 av 3." in html
    # Said once, not on every page after.
    assert "Välkommen tillbaka" not in later.get("/svar/sida/1").get_data(as_text=True)


def test_resuming_after_the_last_page_says_so_on_the_review(app, survey):
    token = survey.invite()
    answer_everything(app.test_client(), token)
    later = app.test_client()
    later.get(f"/s/{token}")
    assert later.get("/svar").headers["Location"].endswith("/svar/granska")
    assert "du har svarat på alla sidor" in later.get("/svar/granska").get_data(as_text=True)


def _reveal_block(page: str) -> str:
    """The follow-up's wrapper: hidden by CSS until the trigger's "Yes" is checked."""
    match = re.search(r'<div class="reveal reveal-1">(.*?)</div>\s*</div>', page, re.S)
    assert match, "the follow-up is in the page, in its reveal block"
    return match.group(1)


def test_same_page_follow_up_is_in_the_page_and_revealed_by_its_trigger_without_a_round_trip(client, survey):
    """A follow-up right after its radio question (issue 15 part 5): in the page from the start,
    hidden by CSS (``.reveal-group:not(:has(.reveals-1:checked)) > .reveal-1``) until "Yes" is
    checked, so answering it costs no extra request; the server still stores and requires it
    only when "Yes" was given. The browser side is checked in tests/test_nojs_respondent.py."""
    client.get(f"/s/{survey.invite()}")
    post_page(client, 1, PAGE_POSTS[0])
    page = client.get("/svar/sida/2").get_data(as_text=True)
    assert 'name="wants_more_what"' in _reveal_block(page)
    assert 'name="shown" value="wants_more_what"' in _reveal_block(page)
    assert re.search(r'<input class="reveals-1" id="wants_more-0" name="wants_more"[^>]* value="1">', page)
    assert "Frågan gäller dig som svarade ”Ja”" in page
    # "Yes" and the follow-up left empty: an error on the same page, not a silent pass.
    empty = client.post(
        "/svar/sida/2",
        data={"intro_useful": "5", "levels": ["1"], "wants_more": "1", "shown": "wants_more_what",
              "csrf_token": csrf_token(page), "action": "next"},
    )
    assert empty.status_code == 200 and "Skriv ett svar" in empty.get_data(as_text=True)
    again = empty.get_data(as_text=True)
    assert re.search(r'<input checked class="reveals-1" id="wants_more-0"', again)  # the trigger stays checked: shown
    done = client.post(
        "/svar/sida/2",
        data={"intro_useful": "5", "levels": ["1"], "wants_more": "1", "shown": "wants_more_what",
              "wants_more_what": "Allt", "csrf_token": csrf_token(again), "action": "next"},
    )
    assert done.headers["Location"].endswith("/svar/sida/3")


def test_no_to_the_controlling_question_moves_on_without_the_follow_up(client, survey):
    client.get(f"/s/{survey.invite()}")
    post_page(client, 1, PAGE_POSTS[0])
    response = post_page(client, 2, {"intro_useful": "5", "levels": ["1"], "wants_more": "2", "wants_more_what": "text"})
    assert response.headers["Location"].endswith("/svar/sida/3")
    # No: the follow-up's answer is dropped, and the page shows it empty and unrevealed.
    page = client.get("/svar/sida/2").get_data(as_text=True)
    assert "text</textarea>" not in _reveal_block(page)
    assert not re.search(r'<input checked class="reveals-1"', page)


def test_receipt_page_offers_copy_and_print_and_works_without_script(client, survey):
    answer_everything(client, survey.invite())
    send(client)
    html = client.get("/svar/tack").get_data(as_text=True)
    assert "det enda sättet att ta tillbaka dina svar" in html
    assert '<div class="receipt-actions" id="receipt-actions" hidden>' in html  # revealed by the script only
    assert 'src="/static/receipt.js"' in html and "<script>" not in html
    assert 'href="/static/print.css" media="print"' in html
    assert "http://127.0.0.1:5000/withdraw" in html  # the address is written out for the printout
    script = client.get("/static/receipt.js")
    assert script.status_code == 200 and "clipboard" in script.get_data(as_text=True)
    assert ".receipt-actions" in client.get("/static/print.css").get_data(as_text=True)
