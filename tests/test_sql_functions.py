"""Statistics SQL functions against the krippendorff package, scipy and hand computations."""

import json
import sqlite3

import krippendorff
import numpy as np
import pytest
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st
from scipy import stats as scipy_stats

from datasette_plugins.sql_functions import register_functions

# Table 2 of the 2017 evaluation report: applicant -> (Brukare A, B, C).
TABLE_2 = {
    "Sökande A": (4, 1, 4),
    "Sökande B": (3, 1, 2),
    "Sökande C": (4, 1, 4),
    "Sökande D": (1, 4, 1),
    "Sökande E": (4, 4, 3),
    "Sökande F": (4, 4, 2),
}
RATERS = ("Brukare A", "Brukare B", "Brukare C")


@pytest.fixture
def conn():
    connection = sqlite3.connect(":memory:")
    register_functions(connection)
    connection.execute("create table ratings (unit, rater, value)")
    connection.execute("create table likert (value, n)")
    connection.execute("create table ranks (rater, item, rank)")
    connection.execute("create table scores (value, grp)")
    yield connection
    connection.close()


def insert_table_2(conn):
    conn.executemany(
        "insert into ratings values (?, ?, ?)",
        [(applicant, RATERS[i], v) for applicant, values in TABLE_2.items() for i, v in enumerate(values)],
    )


def package_alpha(level):
    matrix = np.array([[TABLE_2[a][i] for a in TABLE_2] for i in range(3)], dtype=float)
    return krippendorff.alpha(reliability_data=matrix, level_of_measurement=level)


@pytest.mark.parametrize("level", ["nominal", "ordinal", "interval"])
def test_alpha_for_table_2_matches_the_krippendorff_package(conn, level):
    insert_table_2(conn)
    (alpha,) = conn.execute("select krippendorff_alpha(unit, rater, value, ?) from ratings", [level]).fetchone()
    assert alpha == pytest.approx(package_alpha(level), abs=1e-9)
    assert alpha < 0.2  # the report: the representatives disagreed widely


def test_alpha_defaults_to_nominal_and_ignores_missing_values(conn):
    insert_table_2(conn)
    conn.execute("insert into ratings values ('Sökande G', 'Brukare A', NULL)")
    conn.execute("insert into ratings values ('Sökande H', 'Brukare A', 2)")  # unpairable unit
    (alpha,) = conn.execute("select krippendorff_alpha(unit, rater, value) from ratings").fetchone()
    assert alpha == pytest.approx(package_alpha("nominal"), abs=1e-9)


def test_alpha_by_hand_perfect_agreement_is_one(conn):
    conn.executemany("insert into ratings values (?, ?, ?)", [(u, r, u % 3) for u in range(6) for r in "ab"])
    assert conn.execute("select krippendorff_alpha(unit, rater, value, 'ordinal') from ratings").fetchone()[0] == 1.0


def test_alpha_without_variation_is_null_and_unknown_level_is_null(conn):
    conn.executemany("insert into ratings values (?, ?, ?)", [(u, r, 1) for u in range(3) for r in "ab"])
    assert conn.execute("select krippendorff_alpha(unit, rater, value) from ratings").fetchone()[0] is None
    insert_table_2(conn)
    assert conn.execute("select krippendorff_alpha(unit, rater, value, 'ratio?') from ratings").fetchone()[0] is None


@settings(max_examples=200, deadline=None)
@given(st.lists(st.lists(st.one_of(st.none(), st.integers(1, 4)), min_size=3, max_size=3), min_size=3, max_size=8))
def test_alpha_matches_package_on_random_data(rows):
    matrix = np.array([[np.nan if v is None else v for v in row] for row in rows], dtype=float).T
    connection = sqlite3.connect(":memory:")
    register_functions(connection)
    triples = [(u, r, v) for u, row in enumerate(rows) for r, v in enumerate(row)]
    connection.execute("create table t (unit, rater, value)")
    connection.executemany("insert into t values (?, ?, ?)", triples)
    for level in ("nominal", "ordinal", "interval"):
        (ours,) = connection.execute("select krippendorff_alpha(unit, rater, value, ?) from t", [level]).fetchone()
        try:
            theirs = krippendorff.alpha(reliability_data=matrix, level_of_measurement=level)
        except (ValueError, ZeroDivisionError):
            theirs = None
        # NULL exactly when alpha is undefined (the package raises or gives
        # NaN: no pairable values, or no variation); a NULL where the package
        # has a number is a failure, not a case to skip.
        if theirs is None or np.isnan(theirs):
            assert ours is None, (level, rows, ours)
        else:
            assert ours is not None, (level, rows, theirs)
            assert ours == pytest.approx(theirs, abs=1e-9)


def test_likert_functions_ignore_dont_know_and_null(conn):
    conn.executemany("insert into likert values (?, 1)", [(v,) for v in (1, 2, 4, 5, 5, 9, 9, None)])
    median, mean, share = conn.execute(
        "select likert_median(value), likert_mean(value), likert_agree_share(value) from likert"
    ).fetchone()
    assert median == 4.0
    assert mean == pytest.approx(17 / 5)
    assert share == pytest.approx(3 / 5)


def test_likert_median_of_even_count_is_the_midpoint(conn):
    conn.executemany("insert into likert values (?, 1)", [(v,) for v in (1, 2, 3, 4)])
    assert conn.execute("select likert_median(value) from likert").fetchone()[0] == 2.5


def test_weighted_likert_functions_equal_the_unweighted_on_expanded_rows(conn):
    counts = {1: 3, 2: 0, 3: 7, 4: 2, 5: 9, 9: 4}
    conn.executemany("insert into likert values (?, ?)", counts.items())
    weighted = conn.execute(
        "select likert_median(value, n), likert_mean(value, n), likert_agree_share(value, n) from likert"
    ).fetchone()
    expanded = [v for v, n in counts.items() for _ in range(n) if v != 9]
    assert weighted[0] == float(np.median(expanded))
    assert weighted[1] == pytest.approx(np.mean(expanded))
    assert weighted[2] == pytest.approx(sum(v >= 4 for v in expanded) / len(expanded))


def test_likert_on_only_dont_know_is_null(conn):
    conn.executemany("insert into likert values (9, 3)", [()])
    assert conn.execute("select likert_median(value, n), likert_mean(value, n) from likert").fetchone() == (None, None)


def test_kendall_w_by_hand_and_with_scipy_friedman(conn):
    parties = {
        "p1": ["B", "F", "D"],
        "p2": ["D", "B", "F"],
        "p3": ["D", "F", "B"],
        "p4": ["F", "D", "B"],
        "p5": ["F", "B", "D"],
    }
    conn.executemany(
        "insert into ranks values (?, ?, ?)",
        [(p, item, i + 1) for p, order in parties.items() for i, item in enumerate(order)],
    )
    (w,) = conn.execute("select kendall_w(rater, item, rank) from ranks").fetchone()
    # By hand: rank sums B=1+2+3+3+2=11, D=3+1+1+2+3=10, F=2+3+2+1+1=9, mean 10:
    # S = 1+0+1 = 2, W = 12*2 / (25*(27-3)) = 24/600.
    assert w == pytest.approx(24 / 600)
    # Friedman's chi-square = m (n-1) W.
    columns = [[order.index(item) + 1 for order in parties.values()] for item in "BDF"]
    chi2 = scipy_stats.friedmanchisquare(*columns).statistic
    assert chi2 == pytest.approx(5 * 2 * w)


def test_kendall_w_complete_agreement_is_one(conn):
    conn.executemany("insert into ranks values (?, ?, ?)", [(r, i, i) for r in "abc" for i in (1, 2, 3, 4)])
    assert conn.execute("select kendall_w(rater, item, rank) from ranks").fetchone()[0] == pytest.approx(1.0)


def test_kendall_w_with_ties_matches_friedman(conn):
    data = {"a": [1, 2, 2, 4], "b": [1, 3, 2, 4], "c": [2, 1, 3, 3]}
    conn.executemany("insert into ranks values (?, ?, ?)", [(r, i, v) for r, vs in data.items() for i, v in enumerate(vs)])
    (w,) = conn.execute("select kendall_w(rater, item, rank) from ranks").fetchone()
    columns = list(zip(*data.values()))
    chi2 = scipy_stats.friedmanchisquare(*columns).statistic
    assert chi2 == pytest.approx(3 * 3 * w)


@pytest.mark.parametrize(
    "first,second",
    [
        ([1, 2, 2, 3, 4, 5, 5], [3, 4, 4, 5, 5, 5]),
        ([1, 1, 1, 2], [4, 5, 5, 5, 3]),
        ([3, 3, 3], [3, 3, 4]),
        ([5, 4, 4, 2, 1, 1, 3, 3, 2], [1, 2]),
    ],
)
def test_mann_whitney_matches_scipy(conn, first, second):
    conn.executemany("insert into scores values (?, 1)", [(v,) for v in first])
    conn.executemany("insert into scores values (?, 0)", [(v,) for v in second])
    (result,) = conn.execute("select mann_whitney(value, grp, 'asymptotic') from scores").fetchone()
    result = json.loads(result)
    assert result["method"] == "asymptotic"
    expected = scipy_stats.mannwhitneyu(first, second, alternative="two-sided", method="asymptotic")
    assert result["u"] == pytest.approx(expected.statistic)
    assert result["p"] == pytest.approx(expected.pvalue)
    assert result["rank_biserial"] == pytest.approx(2 * expected.statistic / (len(first) * len(second)) - 1)
    assert (result["n1"], result["n2"]) == (len(first), len(second))


def test_mann_whitney_with_one_empty_group_is_null(conn):
    conn.executemany("insert into scores values (?, 1)", [(1,), (2,)])
    assert conn.execute("select mann_whitney(value, grp) from scores").fetchone()[0] is None


def test_small_cell_k_reads_the_configured_threshold(conn, monkeypatch):
    assert conn.execute("select small_cell_k()").fetchone()[0] == 5
    monkeypatch.setenv("MEDVERKAN_DS_K", "3")
    assert conn.execute("select small_cell_k()").fetchone()[0] == 3
