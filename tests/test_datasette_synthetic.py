"""Synthetic values are always visible and can be left out (issue 12 part 2), page by page.

The database: the Datasette fixture's two real processes (Table 2 of the
report in process 1, real and never marked), process 1's rankings and
applicants' stages marked synthetic as the demo marks the 2017 case, and a
closed, wholly synthetic process 3 with five synthetic managers who all
answered 1, a synthetic free-text answer, screening, stages and rankings.
Every figure is read three ways: ``?synthetic=1``, ``?synthetic=0`` and
with no parameter (left out, or included in demo mode).
"""

from __future__ import annotations

import csv
import io
import re

import pytest

from tests.fixtures.databases import migrated_copy
from tests.fixtures.datasette import CORE_KEY
from tests.fixtures.datasette import TEXT_KEY
from tests.fixtures.datasette import actor_cookie
from tests.fixtures.datasette import fill_served
from tests.fixtures.datasette import make_datasette

pytestmark = pytest.mark.asyncio

NOTICE = "Syntetiska data: figuren innehåller påhittade värden (demo)."
NOTICE_EN = "Synthetic data: this figure includes invented (demo) values."
SYNTHETIC_MANAGERS = 5  # all answered 1: the managers' figure moves when they count
SYNTHETIC_TEXT = "Påhittat demosvar om Fontänhuset"
MANAGER = "Chef eller tjänsteperson"


def add_synthetic_process(path: str) -> None:
    import sqlite3

    conn = sqlite3.connect(path)
    with conn:
        conn.execute(
            "insert into processes (id, code, post_title, status, is_synthetic) values (3, 'DEMO-2018', 'Enhetschef', 'closed', 1)"
        )
        instrument_id, question_id = conn.execute(
            "select i.id, q.id from instruments i join questions q on q.instrument_id = i.id "
            "where i.group_key = 'manager' and q.key = ? order by i.version desc limit 1",
            [CORE_KEY],
        ).fetchone()
        text_question = conn.execute(
            "select id from questions where instrument_id = ? and key = ?", [instrument_id, TEXT_KEY]
        ).fetchone()[0]
        for number in range(SYNTHETIC_MANAGERS):
            rid = 7_000_001 + number
            conn.execute(
                "insert into responses (id, process_id, group_key, instrument_id, language, submitted_on, is_synthetic) "
                "values (?, 3, 'manager', ?, 'sv', '2018', 1)",
                [rid, instrument_id],
            )
            conn.execute(
                "insert into answers (response_id, question_id, item, value_int, process_id, group_key) "
                "values (?, ?, '', 1, 3, 'manager')",
                [rid, question_id],
            )
            if number == 0:
                conn.execute(
                    "insert into answers (response_id, question_id, item, value_text, process_id, group_key) "
                    "values (?, ?, '', ?, 3, 'manager')",
                    [rid, text_question, SYNTHETIC_TEXT],
                )
        conn.execute("insert into answer_counts values (3, 'manager', ?, '', 1, ?)", [question_id, SYNTHETIC_MANAGERS])
        conn.execute("insert into response_counts values (3, 'manager', ?)", [SYNTHETIC_MANAGERS])
        for rater, rating in (("Brukare 1", 1), ("Brukare 2", 2), ("Brukare 3", 1)):
            conn.execute("insert into screening_ratings values (3, ?, 'Sökande X', ?, 1)", [rater, rating])
        conn.execute(
            "insert into applicants (process_id, pseudonym, stage_reached, position, is_synthetic) "
            "values (3, 'Sökande X', 'appointed', 1, 1)"
        )
        for party in ("Brukarrepresentanter", "Chefer"):
            conn.execute("insert into rankings values (3, ?, 'Sökande X', 1, 1)", [party])
        # Process 1 as the demo's 2017 case: Table 2 real, stages and rankings invented.
        conn.execute("update rankings set is_synthetic = 1 where process_id = 1")
        conn.execute(
            "update processes set appointed_applicant = 'Sökande D', synthetic_facts = 'appointed_applicant' where id = 1"
        )
        stages = {"Sökande B": "finalist", "Sökande D": "appointed", "Sökande F": "finalist"}
        for position, (name, stage) in enumerate(stages.items(), start=1):
            conn.execute(
                "insert into applicants (process_id, pseudonym, stage_reached, position, is_synthetic) values (1, ?, ?, ?, 1)",
                [name, stage, position],
            )
    conn.close()


@pytest.fixture(scope="module")
def synthetic_db(tmp_path_factory):
    folder = tmp_path_factory.mktemp("synthetic")
    served, contacts = str(folder / "medverkan.db"), str(folder / "contacts.db")
    migrated_copy(served, contacts)
    fill_served(served)
    add_synthetic_process(served)
    return served


@pytest.fixture
def site(synthetic_db, monkeypatch):
    for name in ("MEDVERKAN_DS_K", "MEDVERKAN_DS_CONTACTS", "MEDVERKAN_DS_DEMO"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("MEDVERKAN_DS_LOGIN_URL", "http://collector.test/staff/login")
    return make_datasette(synthetic_db)


async def get(ds, path, role="evaluator"):
    response = await ds.client.get(path, cookies=actor_cookie(ds, "eva", role))
    assert response.status_code == 200, (path, response.status_code)
    return response.text


def respondents(page: str, label: str) -> list[str]:
    """The respondents cell of every table row headed ``label``."""
    return re.findall(rf'<th scope="row">{re.escape(label)}\*?</th>\s*<td[^>]*>([^<]*)</td>', page)


# --- the attitudes page -------------------------------------------------------


async def test_attitudes_count_synthetic_answers_only_when_included_and_then_say_so(site):
    # Real managers: 8 in process 1, 5 in process 2 (one "don't know" each way counted as a respondent).
    included = await get(site, "/-/medverkan/attitudes?synthetic=1")
    excluded = await get(site, "/-/medverkan/attitudes?synthetic=0")
    default = await get(site, "/-/medverkan/attitudes")
    assert respondents(included, MANAGER)[0] == str(13 + SYNTHETIC_MANAGERS)
    assert respondents(excluded, MANAGER)[0] == respondents(default, MANAGER)[0] == "13"
    assert NOTICE in included
    assert NOTICE not in excluded and NOTICE not in default
    # The toggle is a plain link each way, and the page's own form keeps the choice.
    assert 'href="/-/medverkan/attitudes?synthetic=0"' in included
    assert 'href="/-/medverkan/attitudes?synthetic=1"' in excluded
    assert '<input type="hidden" name="synthetic" value="1">' in included


async def test_demo_mode_includes_synthetic_values_by_default(site, monkeypatch):
    monkeypatch.setenv("MEDVERKAN_DS_DEMO", "1")
    page = await get(site, "/-/medverkan/attitudes")
    assert respondents(page, MANAGER)[0] == str(13 + SYNTHETIC_MANAGERS) and NOTICE in page
    assert respondents(await get(site, "/-/medverkan/attitudes?synthetic=0"), MANAGER)[0] == "13"


async def test_a_synthetic_process_chosen_with_synthetic_left_out_shows_no_figures(site):
    assert NOTICE in await get(site, "/-/medverkan/attitudes?process=3&synthetic=1")
    page = await get(site, "/-/medverkan/attitudes?process=3&synthetic=0")
    assert respondents(page, MANAGER) == [] and NOTICE not in page
    real = await get(site, "/-/medverkan/attitudes?process=2&synthetic=1")
    assert NOTICE not in real  # a real process's figures are never marked


async def test_the_notice_is_in_english_on_request(site):
    page = await get(site, "/-/medverkan/attitudes?synthetic=1&lang=en")
    assert NOTICE_EN in page and NOTICE not in page


# --- the management start page -------------------------------------------------


def overview(page: str) -> str:
    start = page.index('id="overview-h"')
    return page[start: page.index("</table>", start)]


async def test_management_start_page_leaves_synthetic_out_unless_asked(site, monkeypatch):
    monkeypatch.setenv("MEDVERKAN_DS_K", "5")
    included = await get(site, "/?synthetic=1", role="management")
    excluded = await get(site, "/?synthetic=0", role="management")
    default = await get(site, "/", role="management")
    assert overview(included) != overview(excluded)  # five managers who all disagree move the share
    assert overview(excluded) == overview(default)
    assert NOTICE in included and NOTICE not in excluded and NOTICE not in default
    latest = default[default.index('id="latest-h"'):]
    assert re.search(r"DEMO-2018 – Enhetschef</a>\s*<span class=\"medverkan-note\">[^<]*· Syntetiskt</span>", latest)


# --- the process page ------------------------------------------------------------


async def test_table_2_from_the_report_is_never_marked_synthetic(site):
    page = await get(site, "/-/medverkan/process/1?synthetic=1")
    table_2 = page[page.index('id="table-2-h"'): page.index('id="rank-h"')]
    assert "Sökande D" in table_2 and NOTICE not in table_2
    rankings = page[page.index('id="rank-h"'):]
    assert NOTICE in rankings  # the invented rankings are
    excluded = await get(site, "/-/medverkan/process/1?synthetic=0")
    assert "Sökande D" in excluded[excluded.index('id="table-2-h"'):]  # real Table 2 stays
    assert "Brukarrepresentanter" not in excluded[excluded.index('id="rank-h"'):]
    assert NOTICE not in excluded


async def test_process_page_counts_synthetic_responses_only_when_included(site):
    included = await get(site, "/-/medverkan/process/3?synthetic=1")
    excluded = await get(site, "/-/medverkan/process/3")
    assert respondents(included, MANAGER) == [str(SYNTHETIC_MANAGERS)]
    assert respondents(excluded, MANAGER) == ["0"]
    assert NOTICE in included and NOTICE not in excluded
    assert "Sökande X" in included and "Sökande X" not in excluded


# --- the influence page ------------------------------------------------------------


async def test_influence_page_leaves_the_synthetic_process_and_invented_stages_out(site):
    included = await get(site, "/-/medverkan/influence?synthetic=1")
    excluded = await get(site, "/-/medverkan/influence?synthetic=0")
    assert "DEMO-2018" in included and "DEMO-2018" not in excluded
    assert NOTICE in included and NOTICE not in excluded
    chosen = await get(site, "/-/medverkan/influence?process=1&synthetic=1")
    assert "Vem som fick tjänsten är påhittat" in chosen and NOTICE in chosen
    real_only = await get(site, "/-/medverkan/influence?process=1&synthetic=0")
    assert "Vem som fick tjänsten är påhittat" not in real_only and NOTICE not in real_only
    assert 'id="funnel-process"' in chosen
    assert 'id="funnel-process"' not in real_only  # no funnel drawn from invented stages


# --- search and exports -------------------------------------------------------------


async def test_search_finds_synthetic_free_text_only_when_included_and_marks_it(site):
    included = await get(site, "/-/medverkan/search?q=Fontänhuset&synthetic=1")
    excluded = await get(site, "/-/medverkan/search?q=Fontänhuset&synthetic=0")
    # Hits are snippets with the matched word marked: compare the text around it.
    words = SYNTHETIC_TEXT.replace("Fontänhuset", "<mark>Fontänhuset</mark>")
    assert words in included and "· Syntetiskt" in included and NOTICE in included
    assert words not in excluded and NOTICE not in excluded and "· Syntetiskt" not in excluded
    assert "Bra samtal på <mark>Fontänhuset</mark>" in excluded  # the real answer stays


async def test_exports_leave_synthetic_responses_out_unless_asked(site, synthetic_db):
    import sqlite3

    conn = sqlite3.connect(synthetic_db)
    instrument_id = conn.execute("select instrument_id from responses where process_id = 3 limit 1").fetchone()[0]
    conn.close()
    for path in (f"/-/medverkan/export/{instrument_id}/data.csv", f"/-/medverkan/research/{instrument_id}/csv"):
        included = list(csv.DictReader(io.StringIO(await get(site, path + "?synthetic=1"))))
        excluded = list(csv.DictReader(io.StringIO(await get(site, path))))
        assert len(included) == len(excluded) + SYNTHETIC_MANAGERS, path
        assert {row["is_synthetic"] for row in excluded} == {"0"}
    page = await get(site, "/-/medverkan/exports?synthetic=1")
    assert "Filerna innehåller syntetiska svar" in page and "data.csv?synthetic=1" in page
    page = await get(site, "/-/medverkan/exports")
    assert "Filerna innehåller syntetiska svar" not in page and "data.csv?synthetic=0" in page


async def test_the_evaluator_start_page_marks_synthetic_and_partly_synthetic_processes(site):
    page = await get(site, "/")
    assert re.search(r"DEMO-2018 – Enhetschef</a>\s*<span class=\"medverkan-synthetic\">\(Syntetiskt\)</span>", page)
    assert re.search(r"HBG-2017-GR – Verksamhetschef</a>\s*<span class=\"medverkan-synthetic\">\(delvis syntetisk\)", page)
    assert not re.search(r"HBG-2024-XX – Verksamhetschef</a>\s*<span", page)


async def test_canned_queries_name_each_rows_data_real_or_synthetic(site, monkeypatch):
    """Per process, the vetted queries say which; Table 2 of the report is real."""
    monkeypatch.setenv("MEDVERKAN_DS_K", "5")

    async def rows(path, role="evaluator"):
        response = await site.client.get(path + "&_shape=array", cookies=actor_cookie(site, "eva", role))
        assert response.status_code == 200, path
        return response.json()

    synthetic, real = "syntetiska data / synthetic data", "verkliga / real"
    for role in ("evaluator", "management"):
        assert {r["data"] for r in await rows("/medverkan/responses_by_group.json?process_id=3", role)} == {synthetic}
        assert {r["data"] for r in await rows("/medverkan/core_items_by_group.json?process_id=3", role)} == {synthetic}
        assert {r["data"] for r in await rows("/medverkan/responses_by_group.json?process_id=2", role)} == {real}
    assert {r["data"] for r in await rows("/medverkan/screening_table_2.json?process_id=1")} == {real}
    assert {r["data"] for r in await rows("/medverkan/rankings_by_party.json?process_id=1")} == {synthetic}
