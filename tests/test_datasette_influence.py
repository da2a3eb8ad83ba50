""""Did it matter?" (issue 12 part 5): /-/medverkan/influence and datasette_plugins/influence.py.

Process 1 is the 2017 case: Table 2 as printed (fixtures/datasette.py) and
the stages each pseudonym reached as the demo stores them
(collector/demo/case_2017.yaml, ``applicants``). Process 2 is a small
synthetic process of another department, with the representatives'
influence answers, so that aggregates, scope and synthetic marking can be
checked.
"""

import html
import re
import sqlite3
from pathlib import Path

import pytest
import yaml
from scipy import stats as scipy_stats

from datasette_plugins import i18n
from datasette_plugins import influence
from datasette_plugins import influence_page
from tests.fixtures.datasette import RANKINGS
from tests.fixtures.datasette import REPO
from tests.fixtures.datasette import actor_cookie

CASE_2017 = yaml.safe_load(Path(REPO, "collector/demo/case_2017.yaml").read_text(encoding="utf-8"))
PROCESS_2_RATINGS = {"Brukare 1": {"X": 1, "Y": 2}, "Brukare 2": {"X": 1, "Y": 3}, "Brukare 3": {"X": 4, "Y": 4}}
PROCESS_2_STAGES = {"X": "appointed", "Y": "finalist"}
PROCESS_2_RANKINGS = {"Brukarrepresentanter": ["X", "Y"], "Chefer": ["Y", "X"]}
# Representatives' answers to influence_view_mattered: value -> n.
INFLUENCE_ANSWERS = {1: {4: 2, 2: 1}, 2: {4: 5, 5: 3}}
USERS = {"olle": ("coordinator", "omsorg"), "chef": ("management", None), "eva": ("evaluator", None)}


@pytest.fixture(scope="module")
def influence_db(evaluation_db):
    served, contacts = evaluation_db
    with sqlite3.connect(served) as conn:
        for key in ("social", "omsorg"):
            conn.execute("insert or ignore into departments values (?, ?, ?)", [key, key, key])
        conn.execute("update processes set department = 'social' where id = 1")
        conn.execute("update processes set department = 'omsorg', is_synthetic = 1 where id = 2")
        for position, (name, stage) in enumerate(CASE_2017["applicants"].items(), start=1):
            conn.execute(
                "insert into applicants (process_id, pseudonym, stage_reached, position) values (1, ?, ?, ?)",
                [name, stage, position],
            )
        for position, (name, stage) in enumerate(PROCESS_2_STAGES.items(), start=1):
            conn.execute(
                "insert into applicants (process_id, pseudonym, stage_reached, position) values (2, ?, ?, ?)",
                [name, stage, position],
            )
        for rater, ratings in PROCESS_2_RATINGS.items():
            for applicant, rating in ratings.items():
                conn.execute("insert into screening_ratings values (2, ?, ?, ?, 1)", [rater, applicant, rating])
        for party, order in PROCESS_2_RANKINGS.items():
            for rank, applicant in enumerate(order, start=1):
                conn.execute("insert into rankings values (2, ?, ?, ?, 1)", [party, applicant, rank])
        instrument_id, question_id = conn.execute(
            "select i.id, q.id from instruments i join questions q on q.instrument_id = i.id "
            "where i.group_key = 'representative' and q.key = 'influence_view_mattered' order by i.version desc limit 1"
        ).fetchone()
        for pid, counts in INFLUENCE_ANSWERS.items():
            for value, n in counts.items():
                conn.execute("insert into answer_counts values (?, 'representative', ?, '', ?, ?)", [pid, question_id, value, n])
        conn.execute(
            "insert into responses (id, process_id, group_key, instrument_id, language, submitted_on, is_synthetic) "
            "values (9000001, 2, 'representative', ?, 'sv', '2024-05-02', 1)",
            [instrument_id],
        )
    with sqlite3.connect(contacts) as conn:
        for username, (role, department) in USERS.items():
            conn.execute(
                "insert or ignore into users (username, role, department, password_hash, is_active) values (?, ?, ?, 'x', 1)",
                [username, role, department],
            )
    return evaluation_db


@pytest.fixture
def site(ds, influence_db, monkeypatch):
    monkeypatch.setenv("MEDVERKAN_DS_CONTACTS", influence_db[1])
    return ds


async def get(ds, path, username=None):
    """Process 2 is synthetic: these tests read the figures with it (``?synthetic=1``);
    tests/test_datasette_synthetic.py checks leaving it out."""
    cookies = actor_cookie(ds, username, USERS[username][0]) if username else {}
    if "synthetic=" not in path:
        path += ("&" if "?" in path else "?") + "synthetic=1"
    return await ds.client.get(path, cookies=cookies)


def table_rows(page: str, table_id: str) -> dict:
    """{row header: cell text} of the table with ``table_id``."""
    table = page[page.index(f'id="{table_id}"'):]
    table = table[: table.index("</table>")]
    rows = re.findall(r'<th scope="row">(.*?)</th><td>(.*?)</td>', table)
    return {html.unescape(label): html.unescape(value) for label, value in rows}


def connection(influence_db):
    return sqlite3.connect(influence_db[0])


def test_said_yes_means_a_strict_majority_of_yes_or_yes_with_reservation():
    assert influence.said_yes([1, 2, 4])
    assert not influence.said_yes([1, 3, 4])  # one yes in three is a minority view
    assert not influence.said_yes([1, 4])  # half is not a majority
    assert not influence.said_yes([])


@pytest.mark.asyncio
async def test_2017_funnel_matches_the_hand_count_from_table_2_and_the_demo_stages(site, influence_db):
    """By hand from Table 2: A (4,1,4) no; B (3,1,2) yes; C (4,1,4) no; D (1,4,1) yes;
    E (4,4,3) no; F (4,4,2) no. The demo's stages: B finalist, D appointed.
    So 2 said yes, 2 went to interview, 2 reached the final round, 1 was appointed."""
    assert CASE_2017["applicants"]["Sökande B"] == "finalist" and CASE_2017["applicants"]["Sökande D"] == "appointed"
    with connection(influence_db) as conn:
        result = influence.for_process(conn, influence.process_rows(conn, [1])[0])
    assert result.yes == ["Sökande B", "Sökande D"]
    assert result.funnel == {"interviewed": 2, "finalist": 2, "appointed": 1}
    assert result.appointed == ["Sökande D"]
    page = (await get(site, "/-/medverkan/influence?process=1", "eva")).text
    assert table_rows(page, "funnel-process") == {
        "Brukarna sa ja till": "2", "Gick till intervju": "2", "Kom till slutomgången": "2", "Fick tjänsten": "1",
    }


@pytest.mark.asyncio
async def test_the_appointed_applicants_rank_with_each_party_is_read_from_the_rankings(site, influence_db):
    with connection(influence_db) as conn:
        result = influence.for_process(conn, influence.process_rows(conn, [1])[0])
    expected = {party: order.index("Sökande D") + 1 for party, order in RANKINGS.items()}
    assert {party: ranks["Sökande D"] for party, ranks in result.appointed_ranks} == expected
    assert expected["Brukarrepresentanter"] == 3 and expected["Förvaltningsledning"] == 1


@pytest.mark.asyncio
async def test_w_per_pair_agrees_with_scipys_friedman_statistic(site, influence_db):
    """W = chi2_Friedman / (m (n - 1)) with m = 2 parties and n finalists."""
    with connection(influence_db) as conn:
        result = influence.for_process(conn, influence.process_rows(conn, [1])[0])
    representatives = RANKINGS["Brukarrepresentanter"]
    finalists = sorted(representatives)
    assert result.representatives_party == "Brukarrepresentanter"
    assert len(result.agreement) == len(RANKINGS) - 1
    for party, w, n in result.agreement:
        other = RANKINGS[party]
        columns = [[representatives.index(f) + 1, other.index(f) + 1] for f in finalists]
        chi2 = scipy_stats.friedmanchisquare(*columns).statistic
        assert n == 3
        assert w == pytest.approx(chi2 / (2 * (len(finalists) - 1)))
    page = (await get(site, "/-/medverkan/influence?process=1", "eva")).text
    for party, w, _n in result.agreement:
        assert f"<th scope=\"row\">{party}</th><td>{i18n.format_number(w, 'sv', 2)}</td>" in page


@pytest.mark.asyncio
async def test_figures_are_written_in_swedish_by_default_and_english_on_request(site):
    swedish = (await get(site, "/-/medverkan/influence?process=1", "eva")).text
    english = (await get(site, "/-/medverkan/influence?process=1&lang=en", "eva")).text
    # Unit managers ranked F, D, B against the representatives' B, F, D: W = 0.25.
    assert "<td>0,25</td>" in swedish and "<td>0.25</td>" in english
    assert "Spelade det roll?" in swedish and "Did it matter?" in english


@pytest.mark.asyncio
async def test_unknown_or_impossible_process_ids_give_404_not_500(site):
    for value in ("999", "9" * 30, "abc", "-1"):
        response = await get(site, f"/-/medverkan/influence?process={value}", "eva")
        assert response.status_code == 404, value


@pytest.mark.asyncio
async def test_anonymous_visitors_are_sent_to_sign_in(site):
    response = await get(site, "/-/medverkan/influence")
    assert response.status_code == 302 and "/-/medverkan-login" in response.headers["location"]


@pytest.mark.asyncio
async def test_evaluators_see_every_process_and_synthetic_ones_are_marked(site):
    page = (await get(site, "/-/medverkan/influence", "eva")).text
    assert "HBG-2017-GR" in page and "HBG-2024-XX" in page
    assert "<td>syntetiska data</td>" in page
    assert "Syntetiska data: figuren innehåller påhittade värden (demo)." in page
    assert "Brukarnas svar innehåller syntetiska data." in page


@pytest.mark.asyncio
async def test_management_sees_nothing_until_k_processes_contribute(site, monkeypatch):
    monkeypatch.setenv("MEDVERKAN_DS_K", "5")
    page = (await get(site, "/-/medverkan/influence", "chef")).text
    assert "Visas när minst 5 rekryteringar" in page
    assert "medverkan-chart" not in page and "funnel-all" not in page


@pytest.mark.asyncio
async def test_management_sees_only_the_aggregate_never_a_process(site, monkeypatch):
    monkeypatch.setenv("MEDVERKAN_DS_K", "2")
    response = await get(site, "/-/medverkan/influence", "chef")
    page = response.text
    assert response.status_code == 200
    # Summed over both processes: B, D and X said yes; D and X appointed.
    assert table_rows(page, "funnel-all") == {
        "Brukarna sa ja till": "3", "Gick till intervju": "3", "Kom till slutomgången": "3", "Fick tjänsten": "2",
    }
    assert "HBG-2017-GR" not in page and "HBG-2024-XX" not in page
    assert (await get(site, "/-/medverkan/influence?process=1", "chef")).status_code == 403
    # Only the representatives ranked in both processes; every other party in one:
    # its mean rank or W would be that process's own, so it is named as left out, no figure.
    assert "<td>0,25</td>" not in page and "Enhetschefer</th>" not in page
    assert "Parter som rangordnade i färre än 2 rekryteringar visas inte" in page


@pytest.mark.asyncio
async def test_management_reads_the_influence_answers_through_the_small_value_ladder(site, monkeypatch):
    """Over both processes 1 answered 2, 7 answered 4, 3 answered 5: mean 45 / 11 = 4,09.
    Evaluators see it; with k = 2 no merge hides the single "2" from management
    (disclosure.py's ladder ends at withholding the distribution), so neither
    the distribution nor the mean is shown."""
    monkeypatch.setenv("MEDVERKAN_DS_K", "2")
    evaluator = (await get(site, "/-/medverkan/influence", "eva")).text
    assert "Det jag tyckte spelade roll för vem som fick jobbet." in evaluator
    assert "<td>4,09</td>" in evaluator
    management = (await get(site, "/-/medverkan/influence", "chef")).text
    assert "Det jag tyckte spelade roll för vem som fick jobbet." in management
    assert "4,09" not in management
    # 1, 1–2 and 1–3 all hold that single answer: only the number of respondents is left.
    assert "fördelningen visas inte" in management and "<td>11</td>" in management
    monkeypatch.setenv("MEDVERKAN_DS_K", "3")  # more than the two processes there are
    assert "Det jag tyckte spelade roll" not in (await get(site, "/-/medverkan/influence", "chef")).text


def test_a_process_with_fewer_than_k_representative_answers_is_left_out_of_management_sums(influence_db):
    """Process 1 has 3 answers, process 2 has 8: with k = 4 process 1 alone is a small cell
    and cannot be pooled with another, so management's sum is process 2's; evaluators' is both."""
    with connection(influence_db) as conn:
        [protected] = influence.influence_counts(conn, k=4)
        [everything] = influence.influence_counts(conn)
    assert protected["counts"] == INFLUENCE_ANSWERS[2] and protected["partial"]
    assert everything["counts"] == {2: 1, 4: 7, 5: 3}


def test_a_small_funnel_count_is_not_shown_to_management_in_table_or_chart():
    view = influence_page._funnel(6, {"interviewed": 5, "finalist": 5, "appointed": 1}, "sv", 5, True, "t", "T")
    assert dict(view["rows"])["Fick tjänsten"] == "färre än 5"
    assert "Fick tjänsten: 1" not in str(view["chart"])
    shown = influence_page._funnel(6, {"interviewed": 5, "finalist": 5, "appointed": 1}, "sv", 5, False, "t", "T")
    assert dict(shown["rows"])["Fick tjänsten"] == "1"


@pytest.mark.asyncio
async def test_a_coordinator_sees_only_their_departments_processes(site, monkeypatch):
    monkeypatch.setenv("MEDVERKAN_DS_K", "1")
    page = (await get(site, "/-/medverkan/influence", "olle")).text
    # Only process 2 (omsorg): X said yes and was appointed.
    assert table_rows(page, "funnel-all") == {
        "Brukarna sa ja till": "1", "Gick till intervju": "1", "Kom till slutomgången": "1", "Fick tjänsten": "1",
    }
    assert (await get(site, "/-/medverkan/influence?process=1", "olle")).status_code == 403


@pytest.mark.asyncio
async def test_the_page_is_linked_from_the_evaluator_start_page_and_the_process_page(site):
    home = (await get(site, "/", "eva")).text
    assert 'href="/-/medverkan/influence"' in home
    process = (await get(site, "/-/medverkan/process/1", "eva")).text
    assert 'href="/-/medverkan/influence?process=1"' in process
