"""Filters by department, year and post level (issue 12 part 7): right figures, no small cell out.

The attack: management may choose any department, year and post level. If
each filtered figure pooled its own small cells, three filters choosing
{P1, P2}, {P1, P3} and {P2, P3} give s1 + s2, s1 + s3 and s2 + s3, and
(first + second - third) / 2 is P1's lone small group. The attacker here
reads the exact counts behind every shown row, of every combination of
filters, of every single process and of the unfiltered page, and tries
every sum and difference of up to three of them.
"""

from __future__ import annotations

import itertools
import sqlite3

import sqlite_utils
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from collector.migrations_served import m003_core_summaries
from datasette_plugins import aggregates
from datasette_plugins import process_filters
from datasette_plugins import scope
from datasette_plugins.process_filters import ProcessFilter

K = 5
GROUPS = ["representative", "candidate", "manager"]
# id, department, opened, post level, status, closed on
PROCESSES = [
    (1, "a", "2018-03-01", "manager", "closed", "2018-12-01"),
    (2, "b", "2018-05-01", "social_worker", "closed", "2019-01-01"),
    (3, "a", "2019-02-01", "social_worker", "closed", "2019-06-01"),
    (4, "b", "2019-04-01", "manager", "collecting", None),
    (5, "b", "2019-08-01", None, "closed", "2020-02-01"),  # made before the level was recorded
]
# (process, group) -> value counts. Managers: a cell of at least K in every process;
# representatives: three small cells (3 each), the first two released together.
CELLS = {
    (1, "manager"): {4: 3, 5: 3},
    (2, "manager"): {2: 5, 3: 1},
    (3, "manager"): {4: 5},
    (4, "manager"): {1: 6},  # still collecting: management never sees it
    (5, "manager"): {3: 2, 4: 4},
    (1, "representative"): {1: 3},  # the secret: P1's three representatives all said 1
    (2, "representative"): {5: 3},
    (3, "representative"): {4: 3},
}


def tiny_db(cells=CELLS, processes=PROCESSES):
    conn = sqlite3.connect(":memory:")
    conn.executescript(
        """
        create table respondent_groups (key, label_sv, label_en, position);
        create table departments (key, name_sv, name_en);
        create table questions (id, key, text_sv, text_en, theme, type, core, position, instrument_id);
        create table instruments (id, reading);
        insert into instruments values (1, null);
        create table answer_counts (process_id, group_key, question_id, item, value_int, n);
        create table processes (id, code, post_title, department, opened_on, post_level, status, closed_on);
        insert into departments values ('a', 'Avdelning A', 'Department A'), ('b', 'Avdelning B', 'Department B');
        insert into questions values (1, 'q', 'Fråga', 'Question', 'attitude', 'likert', 1, 1, 1);
        """
    )
    m003_core_summaries(sqlite_utils.Database(conn))
    for i, g in enumerate(GROUPS):
        conn.execute("insert into respondent_groups values (?, ?, ?, ?)", [g, g, g, i])
    for pid, department, opened, level, status, closed in processes:
        conn.execute(
            "insert into processes values (?, ?, 'Tjänst', ?, ?, ?, ?, ?)", [pid, f"P-{pid}", department, opened, level, status, closed]
        )
    for (pid, group), counts in cells.items():
        for value, n in counts.items():
            conn.execute("insert into answer_counts values (?, ?, 1, '', ?, ?)", [pid, group, value, n])
    return conn


def all_filters(conn):
    choices = process_filters.options(conn, process_filters.listed_processes(conn), "sv")
    departments = [None] + [key for key, _ in choices["departments"]]
    years = [None] + choices["years"]
    levels = [None] + [key for key, _ in choices["post_levels"]]
    return [ProcessFilter(d, y, lv) for d, y, lv in itertools.product(departments, years, levels)]


def safe_figures(conn, chosen: ProcessFilter, *, suppress=True):
    processes = process_filters.listed_processes(conn)
    units = process_filters.item_units(conn, lang="sv", scope_ids=None, k=K, suppress=suppress)
    ids = [p["id"] for p in processes if chosen.matches(p)]
    return process_filters.figures(units, aggregates.groups(conn, "sv"), ids, k=K, suppress=suppress)


def naive_figures(conn, chosen: ProcessFilter):
    """What passing the filter's processes to ``attitude_figures`` gives: each filter pools its own small cells."""
    ids = [p["id"] for p in process_filters.listed_processes(conn) if chosen.matches(p)]
    return aggregates.attitude_figures(conn, process_ids=ids, k=K, suppress=True)


def shown(figures) -> dict:
    return {row.group_key: dict(row.counts) for f in figures for row in f.rows if not row.suppressed}


def observations(conn, make) -> list[dict]:
    """Every group row management can read: each filter combination, each process, the unfiltered page."""
    seen = [shown(make(conn, chosen)) for chosen in all_filters(conn)]
    seen += [shown(aggregates.attitude_figures(conn, process_id=pid, k=K, suppress=True)) for pid, *_ in PROCESSES]
    seen.append(shown(aggregates.attitude_figures(conn, k=K, suppress=True)))
    return seen


def small_cells_recovered(seen: list[dict], cells=CELLS) -> list:
    """Small cells (under K) that a sum or difference of up to three shown rows, halved when even, gives exactly.

    Matched against the true cells: arithmetic can give small vectors that are nobody's answers.
    """
    secrets = {(group, tuple(sorted(counts.items()))) for (_p, group), counts in cells.items() if sum(counts.values()) < K}
    found = []
    for group in GROUPS:
        vectors = {tuple(sorted(v[group].items())) for v in seen if group in v}
        vectors = [dict(v) for v in vectors]
        for a, b in itertools.permutations(vectors, 2):
            candidates = [_combine((a, 1), (b, -1))]
            candidates += [_combine((a, 1), (b, 1), (c, -1)) for c in vectors if c is not a and c is not b]
            for result in candidates:
                for divisor in (1, 2):
                    if any(n < 0 or n % divisor for n in result.values()):
                        continue
                    candidate = {v: n // divisor for v, n in result.items() if n}
                    if (group, tuple(sorted(candidate.items()))) in secrets:
                        found.append((group, candidate))
    return found


def _combine(*terms):
    result = {}
    for vector, sign in terms:
        for value, n in vector.items():
            result[value] = result.get(value, 0) + sign * n
    return result


def test_the_attack_is_real_pooling_small_cells_per_filter_gives_away_one_process():
    """The test can fail: the naive filter leaks P1's three representatives."""
    recovered = small_cells_recovered(observations(tiny_db(), naive_figures))
    assert ("representative", {1: 3}) in recovered


def test_no_combination_of_filters_recovers_a_cell_under_k():
    conn = tiny_db()
    assert small_cells_recovered(observations(conn, safe_figures)) == []


def test_filtered_figures_for_management_by_hand():
    """Hand-computed from CELLS: whole cells of at least K, and the batch {P1, P2} only when both are chosen."""
    conn = tiny_db()

    def rows(chosen):
        return {row.group_key: (dict(row.counts), row.suppressed, row.partial) for f in safe_figures(conn, chosen) for row in f.rows}

    # Department a = P1, P3: managers 3+3 and 5 fours; the representatives' batch spans P2: left out.
    department_a = rows(ProcessFilter(department="a"))
    assert department_a["manager"] == ({4: 8, 5: 3}, False, False)
    assert department_a["representative"][1:] == (True, True)
    # 2018 = P1, P2: the whole released batch joins.
    year_2018 = rows(ProcessFilter(year="2018"))
    assert year_2018["manager"] == ({2: 5, 3: 1, 4: 3, 5: 3}, False, False)
    assert year_2018["representative"] == ({1: 3, 5: 3}, False, False)
    # Managers' posts = P1 and P4 (collecting: not counted for management, and the row says some are left out).
    assert rows(ProcessFilter(post_level="manager"))["manager"] == ({4: 3, 5: 3}, False, True)
    # Not recorded = P5.
    assert rows(ProcessFilter(post_level="unknown"))["manager"] == ({3: 2, 4: 4}, False, False)
    # Department b in 2019 = P4 (collecting) and P5.
    assert rows(ProcessFilter(department="b", year="2019"))["manager"] == ({3: 2, 4: 4}, False, True)
    # A filter that chooses nothing shows nothing.
    assert safe_figures(conn, ProcessFilter(department="a", year="2019", post_level="manager")) == []


def test_evaluators_see_every_cell_of_the_chosen_processes():
    conn = tiny_db()
    figures = safe_figures(conn, ProcessFilter(department="b"), suppress=False)
    assert shown(figures) == {"manager": {1: 6, 2: 5, 3: 3, 4: 4}, "representative": {5: 3}}
    figures = safe_figures(conn, ProcessFilter(year="2019", post_level="manager"), suppress=False)
    assert shown(figures) == {"manager": {1: 6}}


def test_filter_values_not_offered_are_dropped_and_named():
    conn = tiny_db()
    choices = process_filters.options(conn, process_filters.listed_processes(conn), "sv")
    assert choices["years"] == ["2018", "2019"]
    assert [key for key, _ in choices["post_levels"]] == ["manager", "social_worker", "unknown"]
    chosen, ignored = process_filters.from_args({"department": "a", "year": "1999", "post_level": "<script>"}, choices)
    assert chosen == ProcessFilter(department="a") and sorted(ignored) == ["post_level", "year"]
    # A coordinator's scope offers their own department only.
    scoped = scope.visible(process_filters.listed_processes(conn), "a")
    assert process_filters.options(conn, scoped, "sv")["departments"] == [("a", "Avdelning A")]


cell_strategy = st.dictionaries(
    st.tuples(st.integers(1, 5), st.sampled_from(GROUPS)),
    st.dictionaries(st.sampled_from([1, 2, 3, 4, 5, 9]), st.integers(1, 4), min_size=1, max_size=3),
    max_size=12,
)


@settings(max_examples=60, deadline=None)
@given(cells=cell_strategy, k=st.integers(2, 7))
def test_with_every_process_chosen_the_units_give_the_unfiltered_figures(cells, k):
    """The units reproduce the page's own figures (same batches, same suppression) when nothing is filtered out."""
    conn = tiny_db(cells)
    processes = process_filters.listed_processes(conn)
    everything = [p["id"] for p in processes]
    for suppress in (True, False):
        units = process_filters.item_units(conn, lang="sv", scope_ids=None, k=k, suppress=suppress)
        ours = process_filters.figures(units, aggregates.groups(conn, "sv"), everything, k=k, suppress=suppress)
        theirs = aggregates.attitude_figures(conn, k=k, suppress=suppress)

        def summary(figures):
            return {
                (row.group_key, tuple(sorted(row.counts.items())) if not row.suppressed else None, row.suppressed, row.partial, row.n)
                for f in figures for row in f.rows
            }

        assert summary(ours) == summary([f for f in theirs if f.rows])
        # A department (coordinator scope) as well: the page's per-department pooling.
        department_ids = [p["id"] for p in processes if p["department"] == "b"]
        units = process_filters.item_units(conn, lang="sv", scope_ids=department_ids, k=k, suppress=suppress)
        ours = process_filters.figures(units, aggregates.groups(conn, "sv"), department_ids, k=k, suppress=suppress)
        theirs = aggregates.attitude_figures(conn, process_ids=department_ids, k=k, suppress=suppress)

        def counted(figures):  # the department path drops collecting processes without marking the row
            return {(g, counts, hidden, n) for g, counts, hidden, _partial, n in summary(figures) if n}

        assert counted(ours) == counted([f for f in theirs if f.rows])
