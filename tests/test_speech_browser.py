"""A question's speech plays in a real browser (issue 16 part 6): Debian's
Chromium through Playwright against the collector under gunicorn with the
production configuration, speech made by espeak-ng. Without JavaScript the
players are there, labelled, loading nothing; with it, ``play()`` advances
the clip; axe finds no WCAG problem on a page with players.
"""

from __future__ import annotations

import dataclasses
import os
import shutil
from pathlib import Path

import pytest

from collector.db import connect
from collector.instruments.registry import register_instrument
from collector.invitations import create_invitation
from collector.speech.store import generate
from tests.fixtures.browser import CHROMIUM
from tests.fixtures.browser import CHROMIUM_ARGS
from tests.fixtures.browser import DESKTOP
from tests.fixtures.browser import PHONE
from tests.fixtures.browser import assert_accessible
from tests.fixtures.browser import assert_no_sideways_scroll
from tests.fixtures.databases import migrated_copy
from tests.fixtures.respondent import GROUP
from tests.fixtures.respondent import add_sample_process
from tests.fixtures.servers import start_gunicorn

SCREENSHOTS = Path(__file__).resolve().parents[1] / "docs" / "screenshots"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not shutil.which("espeak-ng"), reason="espeak-ng is not installed (apt-get install espeak-ng)"),
]


@pytest.fixture(scope="module")
def spoken_site(tmp_path_factory):
    """One site for the module: each test opens its own link (the first, the second), so
    neither sees the other's visit; the speech is made and the server started once."""
    tmp_path = tmp_path_factory.mktemp("spoken-site")
    served_path, contacts_path = migrated_copy(str(tmp_path / "medverkan.db"), str(tmp_path / "contacts.db"))
    served, contacts = connect(served_path), connect(contacts_path)
    process_id, instrument = add_sample_process(served, "SPEECH-1")
    register_instrument(served, instrument)
    audio = tmp_path / "audio"
    # The first page's speech is enough to play one (and quicker to make).
    first_page = dataclasses.replace(instrument, pages=instrument.pages[:1])
    made = generate(first_page, str(audio), espeak_command="espeak-ng", lame_command="lame", timeout=30)
    assert made.failed == 0 and made.made > 0
    server = start_gunicorn(served_path, contacts_path, log_path=tmp_path / "gunicorn.log",
                            env={"MEDVERKAN_AUDIO_FOLDER": str(audio)})
    links = [server.url + "/s/" + create_invitation(contacts, process_id, GROUP) for _ in range(2)]
    served.conn.close()
    contacts.conn.close()
    try:
        yield links
    finally:
        server.kill()  # the tests are done and it is idle: a graceful stop only waited (about a second)


@pytest.fixture(scope="module")
def chromium():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        # play() without a click: the test stands in for the respondent's press.
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS + ["--autoplay-policy=no-user-gesture-required"]
        )
        yield browser
        browser.close()


def open_first_page(context, link):
    page = context.new_page()
    fetched = []
    page.on("request", lambda request: fetched.append(request.url))
    page.goto(link)
    page.goto(link.split("/s/")[0] + "/svar/sida/1")
    return page, fetched


def test_players_work_without_javascript_and_load_nothing_until_played(chromium, spoken_site):
    context = chromium.new_context(java_script_enabled=False, viewport=PHONE)
    try:
        page, fetched = open_first_page(context, spoken_site[0])
        players = page.locator('audio[controls][preload="none"]')
        assert players.count() == 4 + 6 + 3 + 3
        labels = [players.nth(i).get_attribute("aria-label") for i in range(players.count())]
        assert labels.count("Lyssna på frågan") == 4 and "Lyssna: Instämmer helt" in labels
        assert not [url for url in fetched if "/ljud/" in url], "a clip was loaded before it was played"
        assert_no_sideways_scroll(page, "page with players (phone)")
        if os.environ.get("MEDVERKAN_SCREENSHOTS") == "1":
            page.screenshot(path=str(SCREENSHOTS / "15-page-with-speech-phone.png"), full_page=True)
            page.set_viewport_size(DESKTOP)
            page.screenshot(path=str(SCREENSHOTS / "16-page-with-speech-desktop.png"), full_page=True)
    finally:
        context.close()


def test_a_questions_speech_plays_in_chromium(chromium, spoken_site):
    context = chromium.new_context(viewport=PHONE)
    try:
        page, _fetched = open_first_page(context, spoken_site[1])
        played = page.evaluate(
            """async () => {
                const audio = document.querySelector('audio[aria-label="Lyssna på frågan"]');
                await audio.play();
                // Until the clip has played past 0.3 s (what is asserted below), at most 5 s.
                const until = Date.now() + 5000;
                while (audio.currentTime <= 0.3 && !audio.error && Date.now() < until) {
                    await new Promise(resolve => setTimeout(resolve, 50));
                }
                return {time: audio.currentTime, duration: audio.duration, ready: audio.readyState,
                        error: audio.error && audio.error.code, src: audio.currentSrc};
            }"""
        )
        assert played["error"] is None, played
        assert played["duration"] > 1 and played["time"] > 0.3 and played["ready"] >= 2, played
        assert "/ljud/sv-" in played["src"]
        assert_accessible(page, "questionnaire page with players")
    finally:
        context.close()
