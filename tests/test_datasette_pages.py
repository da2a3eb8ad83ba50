"""The evaluation pages: Table 2 with alpha, rankings with W, charts, search, language."""

import re

import krippendorff
import numpy as np
import pytest

from datasette_plugins.i18n import format_number
from tests.fixtures.datasette import TABLE_2
from tests.fixtures.datasette import actor_cookie

pytestmark = pytest.mark.asyncio

OUR_PAGES = [
    "/-/medverkan/attitudes",
    "/-/medverkan/attitudes?process=1",
    "/-/medverkan/process/1",
    "/-/medverkan/search?q=Fontänhuset",
    "/-/medverkan/exports",
    "/-/medverkan-login",
]


async def get(ds, path, role="evaluator"):
    return await ds.client.get(path, cookies=actor_cookie(ds, "eva", role) if role else {})


async def test_process_page_shows_table_2_and_its_alpha(ds):
    html = (await get(ds, "/-/medverkan/process/1")).text
    matrix = np.array([[TABLE_2[r][a] for a in sorted(TABLE_2["Brukare A"])] for r in sorted(TABLE_2)], dtype=float)
    ordinal = krippendorff.alpha(reliability_data=matrix, level_of_measurement="ordinal")
    nominal = krippendorff.alpha(reliability_data=matrix, level_of_measurement="nominal")
    assert f"ordinal {format_number(ordinal, 'sv', 3)}" in html  # Swedish figures: −0,080
    assert f"nominal {format_number(nominal, 'sv', 3)}" in html
    # Heat map and the table behind it: Sökande D was rated 1, 4, 1.
    assert '<svg xmlns="http://www.w3.org/2000/svg" class="medverkan-chart"' in html
    assert re.search(r"<th scope=\"row\">Sökande D</th><td>1</td><td>4</td><td>1</td>", html)
    assert "Sökande D: Brukare A 1, Brukare B 4, Brukare C 1" in html  # the chart's text alternative


async def test_process_page_shows_rankings_and_kendalls_w(ds):
    html = (await get(ds, "/-/medverkan/process/1")).text
    assert "Kendalls W: 0,040" in html
    assert re.search(r"<th scope=\"row\">Brukarrepresentanter</th><td class=\"rank-1\">1</td>", html)


async def test_unknown_process_is_a_friendly_404(ds):
    response = await get(ds, "/-/medverkan/process/987")
    assert response.status_code == 404
    assert "Okänd rekrytering" in response.text


async def test_attitudes_page_draws_diverging_bars_with_text_alternatives(ds):
    html = (await get(ds, "/-/medverkan/attitudes?process=1")).text
    assert html.count('role="img"') >= 2
    # Candidates in process 1 answered 4, 5, 5, 3, 9, 4: 9 is left out, so 1/5 neutral, 2/5 agree, 2/5 strongly.
    assert "Sökande: 1: 0 %, 2: 0 %, 3: 20 %, 4: 40 %, 5: 40 %" in html
    assert "<caption>" in html and "Andel som instämmer per tema och grupp" in html


async def test_pages_have_no_inline_script_or_style(ds):
    for path in OUR_PAGES:
        html = (await get(ds, path)).text
        ours = html.split('<section class="content">', 1)[-1].split("</section>\n</div>", 1)[0]
        assert "<script" not in ours and "<style" not in ours and " style=" not in ours, path


async def test_pages_are_swedish_first_with_an_english_switch(ds):
    swedish = (await get(ds, "/-/medverkan/attitudes")).text
    assert "Attityder per svarsgrupp" in swedish
    assert 'lang="en"' in swedish
    english = await get(ds, "/-/medverkan/attitudes?lang=en")
    assert "Attitudes by respondent group" in english.text
    assert "medverkan_lang=en" in english.headers.get("set-cookie", "")


async def test_css_is_served_from_the_plugin(ds):
    html = (await get(ds, "/-/medverkan/attitudes")).text
    href = re.search(r'href="([^"]*medverkan\.css)"', html).group(1)
    response = await ds.client.get(href)
    assert response.status_code == 200
    assert ".medverkan-chart" in response.text


async def test_search_finds_free_text_with_question_group_and_process(ds):
    html = (await get(ds, "/-/medverkan/search?q=fontanhuset")).text  # diacritics folded
    assert "Bra samtal på <mark>Fontänhuset</mark>" in html
    assert "HBG-2017-GR" in html and "· Chef eller tjänsteperson ·" in html
    assert "Mötet med brukarrepresentanterna" not in html


@pytest.mark.parametrize("query", ['"', "AND OR", "NEAR(", "*", "a" * 500, "col:value", "-x"])
async def test_search_never_errors_on_odd_input(ds, query):
    response = await ds.client.get("/-/medverkan/search", params={"q": query}, cookies=actor_cookie(ds, "eva", "evaluator"))
    assert response.status_code == 200
    assert 'value="' in response.text


async def test_search_index_follows_inserts_and_deletes(evaluation_db, ds):
    import sqlite3

    conn = sqlite3.connect(evaluation_db[0])
    with conn:
        rid = conn.execute("select id from responses where process_id = 2 and group_key = 'manager' limit 1").fetchone()[0]
        qid = conn.execute("select id from questions where key = 'overall_comments' limit 1").fetchone()[0]
        conn.execute(
            "insert into answers (response_id, question_id, item, value_text, process_id, group_key) "
            "values (?, ?, 'x', 'Zebrafink', 2, 'manager')",
            [rid, qid],
        )
    assert "Zebrafink" in (await get(ds, "/-/medverkan/search?q=zebrafink")).text
    with conn:
        conn.execute("delete from answers where value_text = 'Zebrafink'")
    conn.close()
    assert "Inga träffar" in (await get(ds, "/-/medverkan/search?q=zebrafink")).text


async def test_menu_links_follow_the_role(ds):
    evaluator = (await get(ds, "/-/medverkan/attitudes")).text
    management = (await get(ds, "/-/medverkan/attitudes", role="management")).text
    assert "/-/medverkan/search" in evaluator
    assert "/-/medverkan/search" not in management
    assert "/-/medverkan/process/" not in management


async def test_evaluators_compare_two_groups_with_mann_whitney(ds):
    from scipy.stats import mannwhitneyu

    from tests.fixtures.datasette import GROUP_SIZES

    response = await get(ds, "/-/medverkan/attitudes?process=1&a=candidate&b=manager")
    html = response.text
    section = html.split('id="compare-h"')[1]
    candidates = [v for v in GROUP_SIZES[(1, "candidate")] if v != 9]
    managers = [v for v in GROUP_SIZES[(1, "manager")] if v != 9]
    import numpy as np
    from scipy.stats import permutation_test

    expected = mannwhitneyu(candidates, managers, alternative="two-sided", method="asymptotic")
    # 5 x 7 answers: small groups get the exact p (every split of the answers, ties included).
    exact = permutation_test(
        (candidates, managers), lambda x, y, axis: mannwhitneyu(x, y, axis=axis).statistic,
        permutation_type="independent", n_resamples=np.inf, alternative="two-sided", vectorized=True,
    )
    assert f"<td>{len(candidates)}</td><td>{len(managers)}</td>" in section
    assert f"<td>{format_number(expected.statistic, 'sv', 1)}</td><td>{format_number(exact.pvalue, 'sv', 3)}</td><td>exakt</td>" in section
    assert '<option value="candidate" selected>' in section
    # Management sees no test: it would work on cells they may not see.
    management = await get(ds, "/-/medverkan/attitudes?process=1&a=candidate&b=manager", role="management")
    assert 'id="compare-h"' not in management.text


@pytest.mark.parametrize("seed", range(30))
async def test_mann_whitney_from_counts_matches_scipy_on_the_raw_values(seed):
    import random

    from scipy.stats import mannwhitneyu

    from datasette_plugins import stats

    rng = random.Random(seed)
    first = [rng.randint(1, 5) for _ in range(rng.randint(1, 40))]
    second = [rng.choice([1, 2, 2, 3, 5]) for _ in range(rng.randint(1, 40))]
    counted = stats.mann_whitney_counts(
        {v: first.count(v) for v in set(first)}, {v: second.count(v) for v in set(second)}, "asymptotic"
    )
    if len(set(first + second)) == 1:
        assert counted["p"] == 1.0  # no variation: scipy gives nan
        return
    expected = mannwhitneyu(first, second, alternative="two-sided", method="asymptotic")
    assert counted["u"] == pytest.approx(expected.statistic)
    assert counted["p"] == pytest.approx(expected.pvalue)
