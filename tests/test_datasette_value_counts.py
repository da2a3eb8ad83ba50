"""Small value counts (issue 10, part 11), played as the attack.

Management sees only groups of at least k, but before this rule the
percentages and the "don't know" count of a shown group gave back value
counts of 1..k-1 (64 on the demo). The attacker here reads exactly what the
attitudes table and chart show of one item (respondents, each shown share,
"don't know", median, mean, agree share, for every group and the total),
knows the counts are whole numbers >= 0, and for every single value count
of every group works out the smallest and largest value consistent with all
of it (linear programming). A count pinned to one value in 1..k-1 is a leak.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st
from scipy.optimize import linprog

from datasette_plugins import aggregates
from datasette_plugins import disclosure
from tests.fixtures.databases import demo_copy

K = 5
VALUES = (1, 2, 3, 4, 5, 9)
SCALE = (1, 2, 3, 4, 5)


def _equations_for(row, columns):
    """(coefficients, value) pairs a reader gets from one displayed row.

    ``columns`` maps a value to its variables (one per group, summed for the total)."""
    if row.suppressed:
        return []
    cells = disclosure.table_cells(row, "en", "fewer than 5")
    equations = [({v: 1 for v in VALUES}, int(cells[0][1]))]  # respondents
    if not row.partition.withheld:
        equations += _shown_distribution(row, cells)
    return [({(g, v): c for v, c in coefs.items() for g in columns}, value) for coefs, value in equations]


def _shown_distribution(row, cells):
    equations = []
    dont_know_cell = cells[-4][1]
    dont_know = None if not dont_know_cell.isdigit() else int(dont_know_cell)
    if dont_know is not None:
        equations.append(({9: 1}, dont_know))
    denominator = row.n - (dont_know or 0)
    for block, share in row.segments():  # exact shares: stronger than the rounded percentages shown
        equations.append(({v: 1 for v in block}, round(share * denominator)))
    mean_cell = cells[-2][1]
    if mean_cell != "–":
        equations.append(({v: v for v in SCALE}, round(row.mean() * denominator)))
    if cells[-1][1] != "–" and dont_know is not None:
        equations.append(({4: 1, 5: 1}, round((row.agree() or 0) * denominator)))
    return equations


def leaked_counts(figure, k=K):
    """Every single value count of a group pinned to 1..k-1 by what ``figure`` shows."""
    groups = [row.group_key for row in figure.rows if not row.suppressed]
    variables = [(g, v) for g in groups for v in VALUES]
    index = {var: i for i, var in enumerate(variables)}
    equations = []
    for row in figure.rows:
        equations += _equations_for(row, [row.group_key])
    if figure.total is not None:
        equations += _equations_for(figure.total, groups)
    if not variables:
        return []
    a = np.zeros((len(equations), len(variables)))
    b = np.zeros(len(equations))
    for i, (coefs, value) in enumerate(equations):
        for var, c in coefs.items():
            a[i, index[var]] = c
        b[i] = value
    leaks = []
    for var, i in index.items():
        objective = np.zeros(len(variables))
        objective[i] = 1
        low = linprog(objective, A_eq=a, b_eq=b, bounds=(0, None), method="highs")
        assert low.success
        lowest = np.ceil(low.fun - 1e-6)
        if not 1 <= lowest < k:
            continue  # pinned or not, the count is not one of 1..k-1: the maximum cannot change that
        high = linprog(-objective, A_eq=a, b_eq=b, bounds=(0, None), method="highs")
        assert high.success
        highest = np.floor(-high.fun + 1e-6)
        if lowest == highest:
            leaks.append((var, int(lowest)))
    return leaks


def figure_of(groups: dict, *, suppress=True, k=K):
    rows = {}
    for g, counts in groups.items():
        rows[g] = aggregates.GroupRow(g, g, {v: n for v, n in counts.items() if n})
    return aggregates._item_figures("q", "", ("Question", "theme"), rows, suppress, k)


counts_strategy = st.fixed_dictionaries({v: st.integers(0, 9) for v in VALUES})


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.dictionaries(st.sampled_from(["a", "b", "c", "d"]), counts_strategy, min_size=1, max_size=4))
def test_no_value_count_of_1_to_k_minus_1_can_be_worked_out(groups):
    assert leaked_counts(figure_of(groups)) == []


def test_the_attack_finds_small_counts_without_the_rule():
    """Evaluators see every count: there the same reader does find them (the test can fail)."""
    figure = figure_of({"a": {1: 1, 2: 0, 3: 2, 4: 3, 5: 1, 9: 1}, "b": {1: 5, 2: 5, 3: 5, 4: 5, 5: 5, 9: 5}}, suppress=False)
    assert (("a", 1), 1) in leaked_counts(figure)


def test_merging_keeps_what_is_safe_to_show():
    figure = figure_of({"a": {1: 0, 2: 0, 3: 5, 4: 2, 5: 4, 9: 0}})
    row = figure.rows[0]
    assert row.partition == disclosure.Partition(merge_agree=True)
    assert [block for block, _share in row.segments()] == [(1,), (2,), (3,), (4, 5)]
    cells = disclosure.table_cells(row, "sv", "färre än 5")
    assert cells[4] == (2, "55 %")  # 4–5 span both columns
    assert cells[-3:] == [(1, "–"), (1, "–"), (1, "55 %")]  # no median or mean to split 4–5 with


def test_a_small_dont_know_joins_the_middle_and_is_never_shown():
    row = figure_of({"a": {1: 5, 2: 0, 3: 5, 4: 6, 5: 0, 9: 2}}).rows[0]
    assert row.partition.dont_know_in_neutral
    cells = disclosure.table_cells(row, "sv", "färre än 5")
    assert "2" not in [text for _span, text in cells[1:]]
    assert cells[-4] == (1, "ingår i 3")


def test_every_value_count_is_shown_when_all_are_0_or_at_least_k():
    row = figure_of({"a": {1: 5, 2: 0, 3: 7, 4: 5, 5: 9, 9: 6}}).rows[0]
    assert row.partition.exact and row.mean() is not None


@pytest.fixture(scope="module")
def demo_served(tmp_path_factory):
    folder = tmp_path_factory.mktemp("demo-values")
    served, contacts = str(folder / "medverkan.db"), str(folder / "contacts.db")
    demo_copy(served, contacts)
    return served


def test_no_small_value_count_can_be_worked_out_on_the_demo(demo_served):
    import sqlite3

    from datasette_plugins.sql_functions import register_functions

    conn = sqlite3.connect(demo_served)
    register_functions(conn)
    leaks, checked = [], 0
    for process in [None] + [p["id"] for p in aggregates.processes(conn)]:
        for figure in aggregates.attitude_figures(conn, process_id=process, k=K, suppress=True):
            checked += 1
            leaks += [(process, figure.key, figure.item, var, n) for var, n in leaked_counts(figure)]
    assert checked > 0
    assert leaks == []


@pytest.mark.asyncio
async def test_managements_canned_query_shows_the_merged_distribution_only(ds):
    from tests.fixtures.datasette import actor_cookie

    path = "/medverkan/core_items_by_group.json?process_id=1&_shape=array"
    management = (await ds.client.get(path, cookies=actor_cookie(ds, "chef", "management"))).json()
    evaluator = (await ds.client.get(path, cookies=actor_cookie(ds, "eva", "evaluator"))).json()
    assert management and evaluator
    columns = {"question", "text_sv", "text_en", "item", "group_key", "answered", "distribution", "data"}
    assert all(set(row) == columns for row in management)
    assert all("pct_1" in row and "median" in row for row in evaluator)  # evaluators see every count
    # candidate in process 1: 3:1, 4:2, 5:2, 9:1: even 1–3 with "don't know" is 2, so withheld
    candidate = next(row for row in management if row["group_key"] == "candidate")
    assert candidate["distribution"].startswith("fördelningen visas inte")
    assert candidate["answered"] == 6


def test_protected_distribution_uses_the_same_rung_as_the_page():
    counts = {1: 0, 2: 0, 3: 5, 4: 2, 5: 4, 9: 0}
    assert disclosure.distribution_text(0, 0, 5, 2, 4, 0, 5) == "1: 0 %; 2: 0 %; 3: 45 %; 4–5: 55 %; vet inte / don't know: 0"
    assert disclosure.choose(counts, 5) == disclosure.Partition(merge_agree=True)
