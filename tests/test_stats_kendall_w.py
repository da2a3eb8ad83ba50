"""Kendall's W with incomplete rankings: unranked finalists count as tied last, none is dropped.

Checked by hand, and against scipy's Friedman chi-square (W = chi2 / (m (n - 1)))
on the rank matrix the documented method completes.
"""

from __future__ import annotations

import random
import sqlite3

import pytest
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st
from scipy.stats import friedmanchisquare

from datasette_plugins import stats
from tests.fixtures.datasette import RANKINGS
from tests.fixtures.datasette import actor_cookie


def triples_of(rankings):
    return [(rater, item, rank) for rater, ranks in rankings.items() for item, rank in ranks.items()]


def test_incomplete_ranking_by_hand():
    rankings = {"r1": {"A": 1, "B": 2, "C": 3, "D": 4}, "r2": {"B": 1, "A": 2, "D": 3, "C": 4}, "r3": {"A": 1, "B": 2}}
    detail = stats.kendall_w_detail(triples_of(rankings))
    # r3's C and D share ranks 3 and 4: 3.5 each. Rank sums A 4, B 5, C 10.5, D 10.5, mean 7.5:
    # S = 12.25 + 6.25 + 9 + 9 = 36.5; one tie of 2 (2^3 - 2 = 6): W = 12 * 36.5 / (9 * 60 - 3 * 6).
    assert detail["w"] == pytest.approx(12 * 36.5 / 522)
    assert (detail["m"], detail["n"]) == (3, 4)
    assert detail["items"] == ["A", "B", "C", "D"]
    assert detail["incomplete"] == {"r3": ["C", "D"]}


def complete_with_tied_last(rankings, items):
    """The documented method, written out independently: re-rank what was ranked, the rest share the last ranks."""
    matrix = []
    for ranks in rankings.values():
        ranked = sorted((r, i) for i, r in ranks.items())
        row = {}
        position = 1
        for rank in sorted({r for r, _ in ranked}):
            tied = [i for r, i in ranked if r == rank]
            for item in tied:
                row[item] = position + (len(tied) - 1) / 2
            position += len(tied)
        rest = [i for i in items if i not in row]
        for item in rest:
            row[item] = position + (len(rest) - 1) / 2
        matrix.append([row[i] for i in items])
    return matrix


@st.composite
def partial_rankings(draw):
    items = [f"S{i}" for i in range(draw(st.integers(3, 7)))]
    raters = draw(st.integers(2, 6))
    rankings = {}
    for r in range(raters):
        order = draw(st.permutations(items))
        keep = draw(st.integers(1, len(items)))
        rankings[f"p{r}"] = {item: position for position, item in enumerate(order[:keep], start=1)}
    return rankings


@settings(max_examples=150, deadline=None)
@given(partial_rankings())
def test_w_equals_friedman_chi_square_on_the_completed_ranks(rankings):
    items = sorted({i for ranks in rankings.values() for i in ranks})
    detail = stats.kendall_w_detail(triples_of(rankings))
    if len(items) < 2:
        assert detail is None  # one finalist cannot be ranked
        return
    assert detail["items"] == items  # every finalist anyone ranked counts
    m, n = len(rankings), len(items)
    columns = list(zip(*complete_with_tied_last(rankings, items)))
    if n < 3:
        return  # scipy's Friedman test needs 3 items (the hand test covers the rest)
    chi2 = friedmanchisquare(*columns).statistic
    if detail["w"] is None:
        assert chi2 != chi2  # nan: every rater tied everything
        return
    assert detail["w"] == pytest.approx(chi2 / (m * (n - 1)))
    assert detail["chi2"] == pytest.approx(chi2)


@pytest.mark.parametrize("seed", range(20))
def test_complete_rankings_match_friedman(seed):
    rng = random.Random(seed)
    items = list("ABCDEF")[: rng.randint(3, 6)]
    rankings = {f"r{r}": dict(zip(rng.sample(items, len(items)), range(1, len(items) + 1))) for r in range(rng.randint(2, 8))}
    columns = [[rankings[r][i] for r in rankings] for i in items]
    chi2 = friedmanchisquare(*columns).statistic
    detail = stats.kendall_w_detail(triples_of(rankings))
    assert detail["incomplete"] == {}
    assert detail["w"] == pytest.approx(chi2 / (len(rankings) * (len(items) - 1)))


@pytest.mark.asyncio
async def test_process_page_names_partial_rankings_and_keeps_every_finalist(ds, evaluation_db):
    conn = sqlite3.connect(evaluation_db[0])  # the file is shared by this module's tests: put it back after
    try:
        with conn:
            conn.execute("insert into rankings values (1, 'Brukarrepresentanter', 'Sökande A', 4, 0)")
        html = (await ds.client.get("/-/medverkan/process/1", cookies=actor_cookie(ds, "eva", "evaluator"))).text
    finally:
        with conn:
            conn.execute("delete from rankings where applicant = 'Sökande A'")
        conn.close()
    rankings = {party: {a: i for i, a in enumerate(order, start=1)} for party, order in RANKINGS.items()}
    rankings["Brukarrepresentanter"]["Sökande A"] = 4
    expected = stats.kendall_w_detail(triples_of(rankings))
    assert expected["incomplete"] == {p: ["Sökande A"] for p in RANKINGS if p != "Brukarrepresentanter"}
    assert "(5 parter, 4 slutkandidater)" in html
    assert "de övriga räknas som delad sista plats" in html
    assert "Förvaltningsledning (inte Sökande A)" in html
    assert '<th scope="col">Sökande A</th>' in html.split('id="rank-h"')[1]


@pytest.mark.asyncio
async def test_process_page_says_when_every_party_ranked_every_finalist(ds):
    html = (await ds.client.get("/-/medverkan/process/1", cookies=actor_cookie(ds, "eva", "evaluator"))).text
    assert "Kendalls W: 0,040 (5 parter, 3 slutkandidater)" in html
    assert "Varje part rangordnade alla slutkandidater." in html
