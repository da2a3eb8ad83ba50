"""A first visit's page comes from ``collector/respondent/page_cache.py``:
exactly the page a fresh rendering gives, with the respondent's own CSRF
token, and never a page that carries an answer, an error or a message
meant for one respondent.
"""

from __future__ import annotations

import dataclasses
import os

import pytest

from collector.respondent import page_cache
from collector.speech.store import clips_folder
from forms.speech import clip_stem
from tests.fixtures.respondent import csrf_token
from tests.fixtures.respondent import post_page

PAGE_ONE = {"attitude": "4", "had_intro": "1", "meetings": "3", "role": "1"}


@pytest.fixture(autouse=True)
def empty_cache():
    page_cache._pages.clear()
    yield
    page_cache._pages.clear()


def _respondent(app, survey):
    client = app.test_client()
    assert client.get(f"/s/{survey.invite()}").status_code == 303
    return client


def _without_token(html: str) -> str:
    return html.replace(csrf_token(html), "")


def test_a_kept_first_page_is_the_fresh_page_with_the_respondents_own_token(app, survey, monkeypatch):
    first, second, third = (_respondent(app, survey) for _ in range(3))
    rendered = first.get("/svar/sida/1").get_data(as_text=True)
    assert len(page_cache._pages) == 1
    kept = second.get("/svar/sida/1").get_data(as_text=True)
    monkeypatch.setattr(page_cache, "cached", lambda *args: None)
    fresh = third.get("/svar/sida/1").get_data(as_text=True)
    assert _without_token(kept) == _without_token(fresh) == _without_token(rendered)
    assert csrf_token(kept) != csrf_token(rendered)
    # The token on the kept page is the second respondent's own: their answers are accepted with it.
    response = second.post("/svar/sida/1", data={**PAGE_ONE, "csrf_token": csrf_token(kept), "action": "next"})
    assert response.status_code == 303 and response.headers["Location"].endswith("/svar/sida/2")


def test_a_page_with_an_answer_on_it_is_never_kept(app, survey):
    client = _respondent(app, survey)
    assert post_page(client, 1, PAGE_ONE, action="save").status_code == 200
    page = client.get("/svar/sida/1").get_data(as_text=True)
    assert "checked" in page
    assert all("checked" not in html for _instrument, html in page_cache._pages.values())


def test_a_flashed_message_is_shown_to_its_respondent_and_never_kept(app, survey):
    returning = _respondent(app, survey)
    assert post_page(returning, 1, PAGE_ONE).status_code == 303
    resumed = returning.get("/svar", follow_redirects=True).get_data(as_text=True)  # "Welcome back …" on page 2
    assert "flash" in resumed and "sida 2 av 3" in resumed.replace("&nbsp;", " ").lower()
    assert [key[2] for key in page_cache._pages] == [1]  # page 2, shown with the message, was not kept
    other = _respondent(app, survey)
    assert post_page(other, 1, PAGE_ONE).status_code == 303
    page_two = other.get("/svar/sida/2").get_data(as_text=True)
    assert "flash-info" not in page_two
    assert sorted(key[2] for key in page_cache._pages) == [1, 2]
    assert all("flash" not in html for _instrument, html in page_cache._pages.values())


def test_a_clip_made_after_the_page_was_kept_brings_its_player(app, survey):
    question = survey.instrument.pages[0].questions[0].text["sv"]
    first = _respondent(app, survey).get("/svar/sida/1").get_data(as_text=True)
    assert "<audio" not in first
    folder = clips_folder(app.config["AUDIO_FOLDER"])
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, clip_stem("sv", question) + ".mp3"), "wb") as clip:
        clip.write(b"ID3")
    settled = os.stat(folder).st_mtime_ns - 5_000_000_000
    os.utime(folder, ns=(settled, settled))
    later = _respondent(app, survey).get("/svar/sida/1").get_data(as_text=True)
    assert later.count("<audio") == 1


def test_without_csrf_checks_pages_render_and_are_not_kept(db_paths, tmp_path, survey):
    """A configuration without CSRF (some tests use one) has no token to take out: nothing is kept."""
    from tests.conftest import make_test_app

    app = make_test_app(db_paths, tmp_path, WTF_CSRF_ENABLED=False)
    client = app.test_client()
    assert client.get(f"/s/{survey.invite()}").status_code == 303
    page = client.get("/svar/sida/1")
    assert page.status_code == 200 and "csrf_token" not in page.get_data(as_text=True)
    assert not page_cache._pages
    response = client.post("/svar/sida/1", data={**PAGE_ONE, "action": "next"})
    assert response.status_code == 303
    assert client.get("/svar/granska").status_code in (200, 303)


def test_a_version_registered_again_with_new_content_shows_the_new_questions(app, survey, registry, served_db):
    """A version nobody has answered may be registered again with new content: every page shows the new one."""
    assert "Det är bra att brukare" in _respondent(app, survey).get("/svar/sida/1").get_data(as_text=True)
    instrument = survey.instrument
    rewritten = {"sv": "En omskriven första fråga", "en": "A rewritten first question"}
    first = dataclasses.replace(instrument.pages[0].questions[0], text=rewritten)
    title = {"sv": "En ny sidtitel", "en": "A new page title"}
    page = dataclasses.replace(instrument.pages[0], title=title, questions=(first, *instrument.pages[0].questions[1:]))
    again = dataclasses.replace(instrument, pages=(page, *instrument.pages[1:]))
    assert registry.register_instrument(served_db, again) == survey.instrument_id
    html = _respondent(app, survey).get("/svar/sida/1").get_data(as_text=True)
    assert "En ny sidtitel" in html and "En omskriven första fråga" in html
    assert "Det är bra att brukare" not in html
