"""The respondent pages' shared caches never carry one person's input to another.

``collector/respondent/question_cache.py`` keeps a question's HTML per
answer state and hands it to every respondent in the same state; text and
number boxes are kept only while empty. ``collector/speech/store.py`` keeps
the clips folder's listing until the folder changes. The session cookie's
serializer is kept until the keys change (``coordinator/auth.py``).
"""

from __future__ import annotations

import os
import re

from flask.sessions import SecureCookieSessionInterface

from collector.respondent import question_cache
from collector.speech import store
from collector.speech.store import existing_clip
from forms.model import AGREEMENT_SCALE
from forms.speech import clip_stem
from tests.fixtures.respondent import csrf_token
from tests.fixtures.respondent import post_page


def _box(html: str, name: str) -> str:
    """The value written in the text input ``name`` (or a textarea's content)."""
    match = re.search(rf'<input[^>]*name="{name}"[^>]*value="([^"]*)"', html) or re.search(
        rf'<textarea[^>]*name="{name}"[^>]*>\s*([^<]*)</textarea>', html
    )
    return match.group(1) if match else ""


def _first_page_with_error(client, token, meetings):
    assert client.get(f"/s/{token}").status_code == 303
    data = {"attitude": "4", "had_intro": "1", "meetings": meetings, "role": "1"}
    return post_page(client, 1, data)


def _kept_anywhere(text: str) -> bool:
    """Whether ``text`` is in a key or a page fragment of the shared question cache."""
    return any(text in repr(key) or text in html for key, html in question_cache._cache.items())


def test_a_rejected_number_typed_by_one_respondent_is_never_kept_or_shown_to_another(app, survey):
    """Two people type different invalid numbers into the same box.

    Each sees their own typing back with the error, and neither typing is
    kept in the cache that every respondent's pages come from (where a cache
    hit's speed would also tell someone probing that another person typed it).
    """
    first, second = app.test_client(), app.test_client()
    page = _first_page_with_error(first, survey.invite(), "sju eller åtta")
    assert page.status_code == 200 and _box(page.get_data(as_text=True), "meetings") == "sju eller åtta"
    page = _first_page_with_error(second, survey.invite(), "tjugotre")
    html = page.get_data(as_text=True)
    assert _box(html, "meetings") == "tjugotre"
    assert "sju eller åtta" not in html
    assert not _kept_anywhere("sju eller åtta") and not _kept_anywhere("tjugotre")


def test_a_saved_text_answer_is_never_kept_or_shown_to_another_respondent(app, survey):
    first, second = app.test_client(), app.test_client()
    for client in (first, second):
        token = survey.invite()
        assert client.get(f"/s/{token}").status_code == 303
        assert post_page(client, 1, {"attitude": "4", "had_intro": "1", "meetings": "3", "role": "1"}).status_code == 303
    secret = "Mitt svar som ingen annan ska se"
    data = {"intro_useful": "5", "levels": ["1"], "wants_more": "1", "wants_more_what": secret}
    assert post_page(first, 2, data, action="save").status_code == 200
    assert secret in first.get("/svar/sida/2").get_data(as_text=True)
    assert secret not in second.get("/svar/sida/2").get_data(as_text=True)
    assert not _kept_anywhere(secret)


def test_an_empty_number_box_is_rendered_once_and_shared(app, survey):
    """The first visit's empty box comes from the cache for the next respondent."""
    question_cache._cache.clear()
    first, second = app.test_client(), app.test_client()
    pages = []
    for client in (first, second):
        assert client.get(f"/s/{survey.invite()}").status_code == 303
        pages.append(client.get("/svar/sida/1").get_data(as_text=True))
    cached_number_boxes = [key for key in question_cache._cache if key[1] == "meetings"]
    assert len(cached_number_boxes) == 1
    assert _box(pages[0], "meetings") == _box(pages[1], "meetings") == ""
    # The pages differ only by their CSRF token.
    assert pages[0].replace(csrf_token(pages[0]), "") == pages[1].replace(csrf_token(pages[1]), "")


def _clip(folder, language, text, extension=".mp3"):
    os.makedirs(folder, exist_ok=True)
    name = clip_stem(language, text) + extension
    with open(os.path.join(folder, name), "wb") as handle:
        handle.write(b"ID3")
    return name


def test_a_clip_made_after_the_folder_was_listed_is_found(tmp_path):
    audio = str(tmp_path / "audio")
    folder = store.clips_folder(audio)
    assert existing_clip(audio, "sv", "Första frågan") is None  # no folder yet
    _clip(folder, "sv", "Första frågan")
    old = os.stat(folder).st_mtime_ns - 5_000_000_000
    os.utime(folder, ns=(old, old))  # long settled: this listing is kept
    assert existing_clip(audio, "sv", "Andra frågan") is None
    name = _clip(folder, "sv", "Andra frågan")
    assert existing_clip(audio, "sv", "Andra frågan") == name


def test_a_listing_of_a_folder_changed_within_the_second_is_not_kept(tmp_path):
    """On a file system with coarse times a clip written just after the listing
    can leave the folder's time unchanged: a fresh listing is therefore not reused."""
    audio = str(tmp_path / "audio")
    folder = store.clips_folder(audio)
    _clip(folder, "sv", "Första frågan")
    stamp = os.stat(folder).st_mtime_ns
    assert existing_clip(audio, "sv", "Andra frågan") is None
    name = _clip(folder, "sv", "Andra frågan")
    os.utime(folder, ns=(stamp, stamp))  # the coarse clock: same folder time as at the listing
    assert existing_clip(audio, "sv", "Andra frågan") == name


def test_a_session_cookie_signed_with_a_retired_key_is_refused_after_the_key_changes(app):
    """The kept serializer follows SECRET_KEY and SECRET_KEY_FALLBACKS."""
    interface = app.session_interface
    old = SecureCookieSessionInterface().get_signing_serializer(app).dumps({"lang": "en"})
    assert interface.get_signing_serializer(app).loads(old) == {"lang": "en"}
    retired, app.secret_key = app.secret_key, "a new secret key for this installation, long enough"
    try:
        client = app.test_client()
        client.set_cookie(app.config["SESSION_COOKIE_NAME"], old)
        assert '<html lang="sv">' in client.get("/").get_data(as_text=True)  # the old cookie's English is ignored
        app.config["SECRET_KEY_FALLBACKS"] = [retired]
        client.set_cookie(app.config["SESSION_COOKIE_NAME"], old)  # the refused one was replaced
        assert '<html lang="en">' in client.get("/").get_data(as_text=True)  # still valid during a rotation
    finally:
        app.secret_key = retired
        app.config["SECRET_KEY_FALLBACKS"] = []


def _settle(folder, seconds_ago):
    moment = os.stat(folder).st_mtime_ns - seconds_ago * 1_000_000_000
    os.utime(folder, ns=(moment, moment))


def test_an_option_clip_made_after_the_question_was_kept_brings_its_player(app, survey):
    """A question kept with its own player but before an option's clip existed gets the option's player."""
    client = app.test_client()
    assert client.get(f"/s/{survey.invite()}").status_code == 303
    assert post_page(client, 1, {"attitude": "4", "had_intro": "1", "meetings": "3", "role": "1"}, action="save").status_code == 200
    audio = app.config["AUDIO_FOLDER"]
    folder = store.clips_folder(audio)
    _clip(folder, "sv", survey.instrument.pages[0].questions[0].text["sv"])
    _settle(folder, 10)
    before = client.get("/svar/sida/1").get_data(as_text=True)  # answered: the page itself is not kept
    _clip(folder, "sv", AGREEMENT_SCALE[4]["sv"])
    _settle(folder, 5)
    after = client.get("/svar/sida/1").get_data(as_text=True)
    assert after.count("<audio") == before.count("<audio") + 1


def test_a_question_kept_under_one_mount_point_is_not_served_under_another(app, survey):
    """The players' addresses carry the mount point (SCRIPT_NAME, which a proxy may set per request)."""
    folder = store.clips_folder(app.config["AUDIO_FOLDER"])
    _clip(folder, "sv", survey.instrument.pages[0].questions[0].text["sv"])
    _settle(folder, 10)
    mounted = app.test_client()
    assert mounted.get(f"/s/{survey.invite()}", base_url="http://localhost/a/").status_code == 303
    assert 'src="/a/ljud/' in mounted.get("/svar/sida/1", base_url="http://localhost/a/").get_data(as_text=True)
    root = app.test_client()
    assert root.get(f"/s/{survey.invite()}").status_code == 303
    sources = re.findall(r'<audio[^>]*src="([^"]+)"', root.get("/svar/sida/1").get_data(as_text=True))
    assert sources and all(source.startswith("/ljud/") for source in sources)
