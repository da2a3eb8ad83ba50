"""Questions read aloud (issue 16 part 6): speech made with espeak-ng when a
version is published, one clip per distinct text, served by name with long
cache headers, and a plain ``<audio controls preload="none">`` next to every
question and option on the respondent's pages, in the respondent's language.
"""

from __future__ import annotations

import dataclasses
import logging
import os
import re
import shutil
import time

import pytest

from collector.instruments.registry import register_instrument
from collector.ops.cli import cli
from collector.speech.publish import speak_version
from collector.speech.store import clips_folder
from collector.speech.store import generate
from collector.speech.store import manifest_path
from collector.speech.synth import synthesise
from forms.model import AGREEMENT_SCALE
from forms.model import SCREENING_SCALE
from forms.model import YESNO_SCALE
from forms.questions import THEMES
from forms.speech import CLIP_NAME
from forms.speech import clip_stem
from forms.xlsform import write_xlsform
from tests.conftest import make_test_app
from tests.fixtures.respondent import sample_instrument

pytestmark = pytest.mark.skipif(not shutil.which("espeak-ng"), reason="espeak-ng is not installed (apt-get install espeak-ng)")

AUDIO = re.compile(r'<audio controls preload="none" src="(/ljud/[^"]+)" class="[^"]*" aria-label="([^"]*)"></audio>')


@pytest.fixture
def speaking_app(db_paths, tmp_path):
    return make_test_app(db_paths, tmp_path, SPEECH_ON_PUBLISH=True)


def clip_files(app) -> list[str]:
    folder = clips_folder(app.config["AUDIO_FOLDER"])
    return sorted(os.listdir(folder)) if os.path.isdir(folder) else []


def distinct_texts(instrument) -> set[tuple[str, str]]:
    """Counted here by hand: intros, question texts and option labels, each once per language."""
    texts = set()
    for language in ("sv", "en"):
        texts.add((language, instrument.intro[language]))
        for page in instrument.pages:
            if page.intro:
                texts.add((language, page.intro[language]))
            for question in page.questions:
                texts.add((language, question.text[language]))
                scales = {"likert": AGREEMENT_SCALE, "yesno": YESNO_SCALE, "screening": SCREENING_SCALE}
                labels = scales.get(question.type) or {choice.value: choice.label for choice in question.choices}
                texts.update((language, label[language]) for label in labels.values())
    return texts


def spoken_sample(key: str = "spoken"):
    """The respondent tests' instrument (every question type), with themes an XLSForm accepts."""
    instrument = sample_instrument(key=key)
    pages = tuple(
        dataclasses.replace(page, questions=tuple(
            dataclasses.replace(q, theme="time_notice") if q.theme not in THEMES else q for q in page.questions
        ))
        for page in instrument.pages
    )
    return dataclasses.replace(instrument, pages=pages)


def publish_sample(app, tmp_path):
    path = tmp_path / "sample.xlsx"
    write_xlsform(spoken_sample(), str(path))
    return app.test_cli_runner().invoke(cli, args=["instruments", "publish", str(path)])


def test_publishing_speaks_every_intro_question_and_option_in_both_languages_once(speaking_app, tmp_path):
    result = publish_sample(speaking_app, tmp_path)
    assert result.exit_code == 0, result.output
    expected = distinct_texts(spoken_sample())
    files = clip_files(speaking_app)
    # Two Likert questions share the agreement scale, two yes/no questions
    # the yes/no scale: their options are one clip each, not two.
    assert len(files) == len(expected), (len(files), len(expected))
    assert {name.rsplit(".", 1)[0] for name in files} == {clip_stem(language, text) for language, text in expected}
    assert f"speech: {len(expected)} clips made, 0 already there, 0 failed" in result.output
    assert all(CLIP_NAME.fullmatch(name) for name in files)
    # The version's record names the clip of each text.
    record = (tmp_path / "instance" / "audio" / "versions" / "spoken-v1.json").read_text(encoding="utf-8")
    assert "Instämmer helt" in record and "Strongly agree" in record


def test_published_speech_is_made_once(speaking_app, tmp_path, made_clips):
    seed(speaking_app, made_clips)
    folder = clips_folder(speaking_app.config["AUDIO_FOLDER"])
    before = {name: os.stat(os.path.join(folder, name)).st_mtime_ns for name in os.listdir(folder)}
    result = publish_sample(speaking_app, tmp_path)
    assert result.exit_code == 0, result.output
    assert f"speech: 0 clips made, {len(before)} already there, 0 failed" in result.output
    again = speaking_app.test_cli_runner().invoke(cli, args=["instruments", "audio", "spoken"])
    assert f"spoken@1: 0 clips made, {len(before)} already there, 0 failed" in again.output
    assert {name: os.stat(os.path.join(folder, name)).st_mtime_ns for name in os.listdir(folder)} == before


def test_versions_published_before_speech_get_it_from_the_command(speaking_app, served_db):
    register_instrument(served_db, spoken_sample())
    assert clip_files(speaking_app) == []
    result = speaking_app.test_cli_runner().invoke(cli, args=["instruments", "audio", "spoken"])
    assert result.exit_code == 0, result.output
    expected = len(distinct_texts(spoken_sample()))
    assert f"spoken@1: {expected} clips made, 0 already there, 0 failed" in result.output
    assert len(clip_files(speaking_app)) == expected
    unknown = speaking_app.test_cli_runner().invoke(cli, args=["instruments", "audio", "no_such_key"])
    assert unknown.exit_code != 0 and "no registered instrument" in unknown.output


def test_publishing_without_espeak_ng_still_publishes_and_pages_show_no_player(db_paths, tmp_path, served_db, caplog):
    app = make_test_app(db_paths, tmp_path, SPEECH_ON_PUBLISH=True, ESPEAK_NG_COMMAND=str(tmp_path / "no-espeak-ng"))
    with caplog.at_level(logging.WARNING, logger="collector.speech.store"):
        result = publish_sample(app, tmp_path)
    assert result.exit_code == 0, result.output
    assert "published spoken@1" in result.output and "is not installed" in result.output
    assert served_db.execute("select count(*) from instruments where key = 'spoken'").fetchone() == (1,)
    assert clip_files(app) == []
    assert any("is published without speech" in record.getMessage() for record in caplog.records)
    # The command that makes speech says it could not, and fails (for cron's mail).
    command = app.test_cli_runner().invoke(cli, args=["instruments", "audio", "spoken"])
    assert command.exit_code != 0 and "not made" in command.output


def test_text_reaches_espeak_ng_as_data_never_as_options_or_shell(tmp_path):
    marker = tmp_path / "should-not-exist"
    text = f'-w {marker} --help; touch {marker} $(touch {marker}) "quoted" <b>tag</b>'
    data, extension = synthesise(text, "sv", espeak="espeak-ng", lame=None, timeout=30)
    assert extension == ".wav" and data[:4] == b"RIFF" and len(data) > 20_000  # spoken, several seconds
    assert not marker.exists()


# --- serving -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def made_clips(tmp_path_factory):
    """The sample's clips, made once for the module (espeak-ng takes a while on a shared machine)."""
    folder = tmp_path_factory.mktemp("speech")
    result = generate(spoken_sample(), str(folder), espeak_command="espeak-ng", lame_command="lame", timeout=30)
    assert result.failed == 0 and result.made == len(distinct_texts(spoken_sample()))
    return folder


def seed(app, made_clips) -> None:
    """Give ``app`` the clips already made, as a previous publish would have."""
    shutil.copytree(clips_folder(str(made_clips)), clips_folder(app.config["AUDIO_FOLDER"]))


@pytest.fixture
def spoken_survey(speaking_app, survey, served_db, made_clips):
    seed(speaking_app, made_clips)
    result = speak_version(served_db, survey.instrument_id, speaking_app.config)
    assert result.failed == 0 and result.made == 0 and result.reused > 0
    return survey


def test_clip_is_served_with_its_type_and_cached_for_a_year_without_cookies(speaking_app, spoken_survey):
    client = speaking_app.test_client()
    name = clip_files(speaking_app)[0]
    response = client.get(f"/ljud/{name}")
    assert response.status_code == 200
    expected_type = {"mp3": "audio/mpeg", "wav": "audio/wav"}[name.rsplit(".", 1)[1]]
    assert response.mimetype == expected_type
    assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert "Set-Cookie" not in response.headers and "Pragma" not in response.headers
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.data[:3] in (b"ID3", b"RIF") or response.data[:2] == b"\xff\xf3"
    # Browsers fetch media in ranges.
    partial = client.get(f"/ljud/{name}", headers={"Range": "bytes=0-99"})
    assert partial.status_code == 206 and len(partial.data) == 100


@pytest.mark.parametrize("name", [
    "..%2F..%2Fcontacts.db", "contacts.db", "sv-" + "0" * 32 + ".mp3", "sv-" + "0" * 32 + ".ogg", "xx-" + "0" * 32 + ".wav",
])
def test_clip_route_serves_nothing_but_made_clips(speaking_app, spoken_survey, name):
    response = speaking_app.test_client().get(f"/ljud/{name}")
    assert response.status_code == 404
    assert response.headers["Cache-Control"] == "no-store"


def question_page(client, survey, number=1, language=None):
    token = survey.invite()
    assert client.get(f"/s/{token}").status_code == 303
    if language:
        client.get(f"/svar?lang={language}")
    page = client.get(f"/svar/sida/{number}" + (f"?lang={language}" if language else ""))
    assert page.status_code == 200
    return token, page.get_data(as_text=True)


def test_every_question_and_option_has_a_labelled_player_without_javascript(speaking_app, spoken_survey):
    client = speaking_app.test_client()
    token, html = question_page(client, spoken_survey)
    players = AUDIO.findall(html)
    page = spoken_survey.instrument.pages[0]
    # likert (6 options), yes/no (3), integer (none), single (3): four questions, twelve options.
    assert len(players) == 4 + 6 + 3 + 3
    labels = [label for _src, label in players]
    assert labels.count("Lyssna på frågan") == len(page.questions)
    assert "Lyssna: Instämmer helt" in labels and "Lyssna: Intervjuare" in labels
    assert not re.search(r"<script", html)
    for src, _label in players:
        assert token not in src and CLIP_NAME.fullmatch(src.rsplit("/", 1)[1])
        assert src.rsplit("/", 1)[1].startswith("sv-")
        assert client.get(src).status_code == 200
    question_src = players[0][0]
    assert question_src.rsplit("/", 1)[1].split(".")[0] == clip_stem("sv", page.questions[0].text["sv"])


def test_players_follow_the_respondents_language(speaking_app, spoken_survey):
    client = speaking_app.test_client()
    _token, html = question_page(client, spoken_survey, language="en")
    players = AUDIO.findall(html)
    assert players and all(src.rsplit("/", 1)[1].startswith("en-") for src, _label in players)
    assert "Listen to the question" in [label for _src, label in players]
    assert "Listen: Strongly agree" in [label for _src, label in players]


def test_start_page_intro_and_grid_questions_have_players(speaking_app, spoken_survey):
    client = speaking_app.test_client()
    token = spoken_survey.invite()
    client.get(f"/s/{token}")
    start = client.get("/svar").get_data(as_text=True)
    assert [label for _src, label in AUDIO.findall(start)] == ["Lyssna på texten"]
    # Page 3: screening (question + its four options once, not per applicant), ranking, text.
    from tests.fixtures.respondent import PAGE_POSTS
    from tests.fixtures.respondent import post_page

    for number in (1, 2):
        assert post_page(client, number, PAGE_POSTS[number - 1]).status_code == 303
    html = client.get("/svar/sida/3").get_data(as_text=True)
    labels = [label for _src, label in AUDIO.findall(html)]
    assert labels.count("Lyssna på frågan") == 3
    assert sorted(label for label in labels if label.startswith("Lyssna: ")) == sorted(
        ["Lyssna: Ja", "Lyssna: Ja, med reservation", "Lyssna: Tveksam", "Lyssna: Nej"]
    )


def test_pages_of_a_version_without_speech_show_no_player(app, survey):
    _token, html = question_page(app.test_client(), survey)
    assert "<audio" not in html


def signed_in_author(app, make_user):
    from tests.fixtures.coordinator import sign_in

    make_user("coord", "coordinator", "socialforvaltningen")
    client = app.test_client()
    assert sign_in(client, "coord").status_code == 302
    return client


def publish_on_the_page(client, key):
    from tests.test_authoring import checked_page
    from tests.test_authoring import publish
    from tests.test_authoring import xlsx

    url, page = checked_page(client, xlsx(spoken_sample(key)), f"{key}.xlsx")
    response = publish(client, url, page)
    assert response.status_code == 303
    return client.get(response.headers["Location"]).get_data(as_text=True)


def test_publishing_on_the_authoring_page_makes_speech_in_the_background(db_paths, tmp_path, make_user, departments):
    app = make_test_app(db_paths, tmp_path, SPEECH_ON_PUBLISH=True)
    page = publish_on_the_page(signed_in_author(app, make_user), "spoken_web")
    assert "Publicerade spoken_web" in page or "spoken_web" in page
    record = manifest_path(app.config["AUDIO_FOLDER"], spoken_sample("spoken_web"))
    deadline = time.monotonic() + 120
    while not os.path.exists(record) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert os.path.exists(record), "no speech within two minutes"
    assert len(clip_files(app)) == len(distinct_texts(spoken_sample()))


def test_publishing_on_the_authoring_page_without_espeak_ng_says_so(db_paths, tmp_path, make_user, departments, served_db):
    app = make_test_app(db_paths, tmp_path, SPEECH_ON_PUBLISH=True, ESPEAK_NG_COMMAND="no-such-espeak-ng")
    page = publish_on_the_page(signed_in_author(app, make_user), "spoken_web")
    assert "Frågorna kan inte läsas upp: espeak-ng är inte installerat på servern." in page
    assert served_db.execute("select count(*) from instruments where key = 'spoken_web'").fetchone() == (1,)
    assert clip_files(app) == []
