"""Page weight of the questionnaire pages (issue 16 part 6): the HTML of a
page plus the style sheets and scripts it links stays under 60 KB, without
and with the speech players (the clips themselves load only when played:
``preload="none"``). Every page of every built-in questionnaire is measured
without speech; the heaviest is measured again with its speech made.
"""

from __future__ import annotations

import dataclasses
import json
import re
import shutil

import pytest

from collector.invitations import create_invitation
from collector.speech.store import generate
from forms.vocabulary import GROUP_KEYS
from tests.conftest import make_test_app

LIMIT = 60 * 1024
LINKED = re.compile(r'<(?:link rel="stylesheet" href|script[^>]* src)="([^"]+)"')
PLAYER = re.compile(r'<audio controls preload="none" src="/ljud/[^"]+"')
APPLICANTS = [("Sökande A", "finalist"), ("Sökande B", "finalist"), ("Sökande C", "appointed"), ("Sökande D", "qualified")]


def weight(client, html: str) -> int:
    """Bytes of the page and of every style sheet and script it links."""
    total = len(html.encode("utf-8"))
    for url in set(LINKED.findall(html)):
        response = client.get(url)
        assert response.status_code == 200, url
        total += len(response.data)
    return total


@pytest.fixture
def built_in_pages(db_paths, tmp_path, served_db, contacts_db):
    """(app, client per group with every page open, instrument per group)."""
    app = make_test_app(db_paths, tmp_path)
    process_id = served_db["processes"].insert({"code": "WEIGHT-1", "post_title": "Socialsekreterare", "status": "collecting"}).last_pk
    served_db["applicants"].insert_all(
        {"process_id": process_id, "pseudonym": name, "stage_reached": stage, "position": i}
        for i, (name, stage) in enumerate(APPLICANTS, start=1)
    )
    clients = {}
    for group in GROUP_KEYS:
        token = create_invitation(contacts_db, process_id, group)
        client = app.test_client()
        assert client.get(f"/s/{token}").status_code == 303
        invitation_id = contacts_db.execute("select max(id) from invitations").fetchone()[0]
        # Every page reachable: as if the respondent had gone through them all.
        contacts_db["drafts"].insert(
            {"invitation_id": invitation_id, "page": 1, "data_json": json.dumps({"page": 1, "reached": 99, "answers": {}}),
             "language": "sv", "updated_on": "2026-01-01"},
        )
        clients[group] = client
    return app, clients


def page_count(client) -> int:
    html = client.get("/svar/sida/1").get_data(as_text=True)
    return int(re.search(r'<progress max="(\d+)"', html).group(1))


def test_every_built_in_page_stays_under_60_kb_without_and_with_speech(built_in_pages, served_db):
    app, clients = built_in_pages
    weights, players_due = {}, {}
    for group, client in clients.items():
        for number in range(1, page_count(client) + 1):
            html = client.get(f"/svar/sida/{number}").get_data(as_text=True)
            assert "<audio" not in html
            weights[(group, number)] = weight(client, html)
            # A player per question and per option (a grid's options once): roughly.
            players_due[(group, number)] = html.count('class="question field') + html.count('<div class="choice">')
    heaviest = max(weights, key=weights.get)
    print(f"\nwithout speech: {len(weights)} pages, heaviest {heaviest} {weights[heaviest]} bytes")
    assert weights[heaviest] < LIMIT, weights[heaviest]
    # The page likely heaviest with players (about 170 bytes each) is measured with them.
    heaviest = max(weights, key=lambda page: weights[page] + 170 * players_due[page])

    if not shutil.which("espeak-ng"):
        pytest.skip("espeak-ng is not installed: the players cannot be measured")
    group, number = heaviest
    from collector.instruments.registry import instrument_for
    from collector.instruments.registry import load_registered

    process_id = served_db.execute("select id from processes where code = 'WEIGHT-1'").fetchone()[0]
    instrument = load_registered(served_db, instrument_for(served_db, process_id, group))
    one_page = dataclasses.replace(instrument, intro=None, pages=(instrument.pages[number - 1],))
    made = generate(one_page, app.config["AUDIO_FOLDER"], espeak_command="espeak-ng", lame_command="lame", timeout=30)
    assert made.failed == 0
    client = clients[group]
    html = client.get(f"/svar/sida/{number}").get_data(as_text=True)
    players = len(PLAYER.findall(html))
    with_speech = weight(client, html)
    print(f"with speech: {heaviest} with {players} players, {with_speech} bytes")
    assert players >= len(one_page.pages[0].questions)
    assert with_speech < LIMIT, with_speech
