"""Fleiss' kappa, percent agreement, coverage and the bootstrap interval for alpha (Table 2).

References: Fleiss' kappa by hand on the worked example of 10 subjects x 14
raters (Fleiss 1971's formula; the example is the one Wikipedia's "Fleiss'
kappa" article works through, kappa = 0.210) and by a numpy transcription
of the textbook formula; percent agreement by enumerating rater pairs; alpha
by the ``krippendorff`` package, which also drives an independent bootstrap.
"""

from __future__ import annotations

import itertools
import random

import krippendorff
import numpy as np
import pytest
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from datasette_plugins import agreement

# Rows: subjects; columns: how many of the 14 raters chose category 1..5.
FLEISS_EXAMPLE = [
    [0, 0, 0, 0, 14], [0, 2, 6, 4, 2], [0, 0, 3, 5, 6], [0, 3, 9, 2, 0], [2, 2, 8, 1, 1],
    [7, 7, 0, 0, 0], [3, 2, 6, 3, 0], [2, 5, 3, 2, 2], [6, 5, 2, 1, 0], [0, 2, 2, 3, 7],
]


def triples_from_counts(table):
    triples = []
    for subject, counts in enumerate(table):
        rater = 0
        for category, n in enumerate(counts, start=1):
            for _ in range(n):
                triples.append((subject, rater, category))
                rater += 1
    return triples


def test_fleiss_kappa_on_the_worked_example_is_0_210():
    assert agreement.fleiss_kappa(triples_from_counts(FLEISS_EXAMPLE)) == pytest.approx(0.2099, abs=0.0005)
    # Its P-bar, the observed agreement, is 0.378.
    assert agreement.percent_agreement(triples_from_counts(FLEISS_EXAMPLE)) == pytest.approx(0.378, abs=0.0005)


def textbook_fleiss(matrix):
    """Fleiss (1971), eqs. 2-9, on a subjects x categories count matrix with n ratings per subject."""
    matrix = np.asarray(matrix, dtype=float)
    n = matrix.sum(axis=1)[0]
    p_j = matrix.sum(axis=0) / matrix.sum()
    p_i = (np.sum(matrix**2, axis=1) - n) / (n * (n - 1))
    p_e = np.sum(p_j**2)
    return (p_i.mean() - p_e) / (1 - p_e)


complete_ratings = st.integers(2, 5).flatmap(
    lambda raters: st.lists(st.lists(st.integers(1, 4), min_size=raters, max_size=raters), min_size=2, max_size=12)
)


@settings(max_examples=100, deadline=None)
@given(complete_ratings)
def test_fleiss_kappa_matches_the_textbook_formula(units):
    triples = [(u, r, v) for u, values in enumerate(units) for r, v in enumerate(values)]
    counts = [[values.count(c) for c in range(1, 5)] for values in units]
    if len({v for values in units for v in values}) == 1:
        assert agreement.fleiss_kappa(triples) is None
        return
    assert agreement.fleiss_kappa(triples) == pytest.approx(textbook_fleiss(counts))


ratings_with_gaps = st.lists(
    st.lists(st.one_of(st.none(), st.integers(1, 4)), min_size=3, max_size=3), min_size=1, max_size=10
)


@settings(max_examples=100, deadline=None)
@given(ratings_with_gaps)
def test_percent_agreement_is_the_mean_share_of_agreeing_rater_pairs(units):
    triples = [(u, r, v) for u, values in enumerate(units) for r, v in enumerate(values)]
    shares = []
    for values in units:
        given_values = [v for v in values if v is not None]
        pairs = list(itertools.combinations(given_values, 2))
        if pairs:
            shares.append(sum(a == b for a, b in pairs) / len(pairs))
    expected = sum(shares) / len(shares) if shares else None
    assert agreement.percent_agreement(triples) == (pytest.approx(expected) if shares else None)


def test_units_with_fewer_than_two_ratings_are_left_out_and_named():
    triples = [("A", "r1", 1), ("A", "r2", 1), ("B", "r1", 2), ("B", "r3", None), ("C", "r2", 3), ("C", "r3", 4)]
    cover = agreement.coverage(triples)
    assert cover["units"] == ["A", "C"]
    assert cover["units_left_out"] == ["B"]
    assert cover["raters"] == ["r1", "r2", "r3"]
    assert cover["values"] == 4


@settings(max_examples=40, deadline=None)
@given(ratings_with_gaps)
def test_all_three_alpha_levels_match_the_krippendorff_package(units):
    triples = [(u, r, v) for u, values in enumerate(units) for r, v in enumerate(values)]
    result = agreement.screening_agreement(triples)
    matrix = np.array([[np.nan if v is None else v for v in values] for values in units], dtype=float).T
    for level in agreement.LEVELS:
        ours = result["alphas"][level]
        try:
            theirs = krippendorff.alpha(reliability_data=matrix, level_of_measurement=level)
        except ValueError:
            theirs = None  # fewer than two values in the domain
        if ours is None:
            assert theirs is None or not np.isfinite(theirs)
        else:
            assert ours == pytest.approx(theirs)


def table_2_like(seed, units=8, raters=3):
    rng = random.Random(seed)
    return [(u, r, rng.choice([1, 1, 2, 2, 3, 4])) for u in range(units) for r in range(raters)]


def test_bootstrap_interval_is_stable_between_loads():
    triples = table_2_like(1)
    assert agreement.bootstrap_alpha(triples, "ordinal") == agreement.bootstrap_alpha(triples, "ordinal")
    low, high, used = agreement.bootstrap_alpha(triples, "ordinal")
    assert low < high and used <= agreement.BOOTSTRAP_RESAMPLES


def test_bootstrap_of_perfect_agreement_is_one_to_one():
    triples = [(u, r, u % 3 + 1) for u in range(6) for r in range(3)]
    low, high, _ = agreement.bootstrap_alpha(triples, "nominal")
    assert (low, high) == (pytest.approx(1.0), pytest.approx(1.0))


@pytest.mark.parametrize("seed", [3, 4])
def test_bootstrap_interval_agrees_with_an_independent_numpy_bootstrap(seed):
    """Same method (resample units, percentile 95 %), other code and random numbers: bounds within 0.06."""
    triples = table_2_like(seed, units=12)
    matrix = np.array([[v for u2, _r, v in triples if u2 == u] for u in range(12)], dtype=float)
    rng = np.random.default_rng(seed)
    alphas = []
    for _ in range(4000):
        drawn = matrix[rng.integers(0, 12, 12)]
        if len(np.unique(drawn)) > 1:
            alphas.append(krippendorff.alpha(reliability_data=drawn.T, level_of_measurement="ordinal"))
    low, high, _ = agreement.bootstrap_alpha(triples, "ordinal", resamples=4000)
    assert low == pytest.approx(np.percentile(alphas, 2.5), abs=0.06)
    assert high == pytest.approx(np.percentile(alphas, 97.5), abs=0.06)


@pytest.mark.parametrize(
    "alpha,words",
    [(-0.08, "disagree more than chance"), (0.5, "too weak"), (0.7, "tentative"), (0.85, "reliably"), (None, "cannot")],
)
def test_each_alpha_gets_a_plain_language_reading(alpha, words):
    assert words in agreement.alpha_reading(alpha)


def test_sql_functions_give_kappa_and_percent_agreement():
    import sqlite3

    from datasette_plugins import sql_functions

    conn = sqlite3.connect(":memory:")
    sql_functions.register_functions(conn)
    conn.execute("create table ratings (unit, rater, value)")
    triples = triples_from_counts(FLEISS_EXAMPLE) + [("alone", "r1", 3)]  # a unit with one rating is left out
    conn.executemany("insert into ratings values (?, ?, ?)", triples)
    kappa, share = conn.execute("select fleiss_kappa(unit, rater, value), percent_agreement(unit, rater, value) from ratings").fetchone()
    assert kappa == pytest.approx(0.2099, abs=0.0005)
    assert share == pytest.approx(0.378, abs=0.0005)
