"""Small-cell protection for management: adversarial checks from the outside
and a property test of the aggregation (no figure can be differenced back to
a suppressed cell)."""

import re
import sqlite3

import pytest
import sqlite_utils
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from collector.migrations_served import m003_core_summaries
from datasette_plugins import aggregates
from tests.fixtures.datasette import GROUP_SIZES
from tests.fixtures.datasette import actor_cookie


def _row(html, label):
    """The table row of a group (its <th> label) on the attitudes page."""
    match = re.search(r"<tr><th scope=\"row\">" + re.escape(label) + r"\*?</th>(.*?)</tr>", html, re.S)
    return match.group(1) if match else None


def _first_cell(row_html):
    return re.search(r"<td[^>]*>(.*?)</td>", row_html, re.S).group(1).strip()


@pytest.mark.asyncio
async def test_management_sees_fewer_than_k_for_a_small_group_in_a_process(ds):
    response = await ds.client.get("/-/medverkan/attitudes?process=1", cookies=actor_cookie(ds, "chef", "management"))
    html = response.text
    assert response.status_code == 200
    assert _first_cell(_row(html, "Brukarrepresentant")) == "färre än 5"
    assert _first_cell(_row(html, "Sökande")) == "6"
    assert _first_cell(_row(html, "Chef eller tjänsteperson")) == "8"
    # The total is of the groups shown: 6 + 8, never 17 (which would give 3 back).
    total = _row(html, "Summa för visade grupper")
    assert _first_cell(total) == "14"
    assert ">17<" not in html


@pytest.mark.asyncio
async def test_over_all_processes_a_lone_small_cell_stays_out_of_every_figure(ds):
    html = (await ds.client.get("/-/medverkan/attitudes", cookies=actor_cookie(ds, "chef", "management"))).text
    # representative: only process 2's 7 (process 1's 3, alone under k, left out);
    # candidate: only process 1's 6 (process 2's 4 left out).
    assert _first_cell(_row(html, "Brukarrepresentant")) == "7"
    assert _first_cell(_row(html, "Sökande")) == "6"
    assert _first_cell(_row(html, "Chef eller tjänsteperson")) == "13"
    assert _first_cell(_row(html, "Summa för visade grupper")) == "26"
    for leak in (">10<", ">30<", ">33<"):  # 7+3, 6+4 and the true total would each recover a small cell
        assert leak not in html


@pytest.mark.asyncio
async def test_evaluators_see_every_cell(ds):
    html = (await ds.client.get("/-/medverkan/attitudes?process=1", cookies=actor_cookie(ds, "eva", "evaluator"))).text
    assert _first_cell(_row(html, "Brukarrepresentant")) == "3"
    assert _first_cell(_row(html, "Totalt")) == "17"
    assert "färre än" not in html


@pytest.mark.asyncio
async def test_k_is_configurable(ds, monkeypatch):
    monkeypatch.setenv("MEDVERKAN_DS_K", "3")
    html = (await ds.client.get("/-/medverkan/attitudes?process=1", cookies=actor_cookie(ds, "chef", "management"))).text
    assert _first_cell(_row(html, "Brukarrepresentant")) == "3"
    monkeypatch.setenv("MEDVERKAN_DS_K", "7")
    html = (await ds.client.get("/-/medverkan/attitudes?process=1&lang=en", cookies=actor_cookie(ds, "chef", "management"))).text
    assert _first_cell(_row(html, "Candidate")) == "fewer than 7"
    assert _first_cell(_row(html, "Manager or official")) == "8"


@pytest.mark.asyncio
async def test_vetted_canned_queries_suppress_small_cells(ds):
    cookies = actor_cookie(ds, "chef", "management")
    rows = (await ds.client.get("/medverkan/core_items_by_group.json?process_id=1&_shape=objects", cookies=cookies)).json()["rows"]
    assert {r["group_key"] for r in rows} == {"candidate", "manager"}
    assert all(r["answered"] >= 5 for r in rows)
    counts = (await ds.client.get("/medverkan/responses_by_group.json?process_id=1&_shape=objects", cookies=cookies)).json()["rows"]
    by_group = {r["group_key"]: r for r in counts}
    assert by_group["representative"]["responses"] is None
    assert by_group["representative"]["note"] == "färre än 5 / fewer than 5"
    assert by_group["manager"]["responses"] == 8


@pytest.mark.asyncio
async def test_management_cannot_bypass_suppression_with_parameters_or_sql(ds):
    cookies = actor_cookie(ds, "chef", "management")
    for path in (
        "/medverkan/core_items_by_group.json?process_id=1&sql=select+*+from+answer_counts",
        "/medverkan/core_items_by_group.json?process_id=1+or+1=1",
        "/medverkan/answer_counts.json",
        "/medverkan/response_counts.json",
        "/medverkan.json?sql=select+*+from+response_counts",
    ):
        response = await ds.client.get(path, cookies=cookies)
        if response.status_code == 200:
            rows = response.json()["rows"]
            assert all(r[5] >= 5 for r in rows), path  # the canned query ran with its own SQL
        else:
            assert response.status_code == 403, path


@pytest.mark.asyncio
@pytest.mark.parametrize("process", ["abc", "-1", "99999999999999999999999", "1%27"])
async def test_bad_process_parameter_never_errors(ds, process):
    response = await ds.client.get("/-/medverkan/attitudes", params={"process": process}, cookies=actor_cookie(ds, "chef", "management"))
    assert response.status_code == 200


# --- the aggregation itself --------------------------------------------------

GROUPS = ["representative", "candidate", "manager"]


def tiny_db(cells):
    """``cells``: (process, group, value) -> n, or (process, group, question id, value) -> n.

    Questions 1 and 2 are two versions of one core item (same key). The
    summaries are built by the real migration's triggers.
    """
    conn = sqlite3.connect(":memory:")
    conn.executescript(
        """
        create table respondent_groups (key, label_sv, label_en, position);
        create table questions (id, key, text_sv, text_en, theme, type, core, position, instrument_id);
        create table instruments (id, reading);
        insert into instruments values (1, null);
        create table answer_counts (process_id, group_key, question_id, item, value_int, n);
        create table processes (id, status, closed_on);
        insert into processes values (1, 'closed', '2026-01-01'), (2, 'closed', '2026-02-01'),
                                     (3, 'closed', '2026-03-01'), (4, 'closed', '2026-04-01');
        insert into questions values (1, 'q', 'Fråga', 'Question', 'attitude', 'likert', 1, 1, 1);
        insert into questions values (2, 'q', 'Fråga', 'Question', 'attitude', 'likert', 1, 1, 1);
        """
    )
    m003_core_summaries(sqlite_utils.Database(conn))
    for i, g in enumerate(GROUPS):
        conn.execute("insert into respondent_groups values (?, ?, ?, ?)", [g, g, g, i])
    for key, n in cells.items():
        process, group, *question, value = key
        conn.execute("insert into answer_counts values (?, ?, ?, '', ?, ?)", [process, group, (question or [1])[0], value, n])
    return conn


def reference_overall(cells, k):
    """The over-all rule written out from per-process cells: group -> (counts, suppressed)."""
    per_process = {}
    for (process, group, _question, value), n in cells.items():
        cell = per_process.setdefault((group, process), {})
        cell[value] = cell.get(value, 0) + n
    result = {}
    for group in GROUPS:
        cells_of_group = [c for (g, _p), c in sorted(per_process.items(), key=lambda item: item[0][1]) if g == group]
        small = [c for c in cells_of_group if sum(c.values()) < k]
        # Small cells are released in closing order (here process order),
        # in batches that reach k (issue 10 part 3).
        released, pending = [], []
        for cell in small:
            pending.append(cell)
            if sum(sum(c.values()) for c in pending) >= k:
                released, pending = released + pending, []
        counts = {}
        for cell in cells_of_group:
            if any(cell is r for r in released) or not any(cell is c for c in small):
                for value, n in cell.items():
                    counts[value] = counts.get(value, 0) + n
        if counts or small:
            result[group] = (counts, sum(counts.values()) < k)
    return result


cell_counts = st.dictionaries(
    st.tuples(st.integers(1, 3), st.sampled_from(GROUPS), st.sampled_from([1, 2, 3, 4, 5, 9])),
    st.integers(1, 6),
    max_size=30,
)


@settings(max_examples=80, deadline=None)
@given(cells=cell_counts, k=st.integers(2, 8))
def test_no_shown_figure_can_be_differenced_back_to_a_suppressed_cell(cells, k):
    conn = tiny_db(cells)
    overall = aggregates.attitude_figures(conn, k=k, suppress=True)
    per_process = {p: aggregates.attitude_figures(conn, process_id=p, k=k, suppress=True) for p in (1, 2, 3)}

    def shown(figures):
        return {r.group_key: dict(r.counts) for f in figures for r in f.rows if not r.suppressed}

    # Every shown per-process row has at least k answers.
    for figures in per_process.values():
        for f in figures:
            for r in f.rows:
                assert r.suppressed or r.n >= k
    # Overall minus the sum of the shown per-process figures is, per group,
    # either nothing or a pool of at least k answers from at least two processes.
    summed = {}
    for figures in per_process.values():
        for group, counts in shown(figures).items():
            target = summed.setdefault(group, {})
            for value, n in counts.items():
                target[value] = target.get(value, 0) + n
    for group, counts in shown(overall).items():
        difference = {v: n - summed.get(group, {}).get(v, 0) for v, n in counts.items()}
        assert all(n >= 0 for n in difference.values())
        pooled = sum(difference.values())
        if pooled:
            assert pooled >= k
            small_processes = [
                p for p in (1, 2, 3)
                if 0 < sum(n for (pp, g, _v), n in cells.items() if pp == p and g == group) < k
            ]
            assert len(small_processes) >= 2
    # Totals are the sum of the shown rows only.
    for f in overall + [f for fs in per_process.values() for f in fs]:
        if f.total:
            expected = sum(r.n for r in f.rows if not r.suppressed)
            assert f.total.n == expected


versioned_cells = st.dictionaries(
    st.tuples(st.integers(1, 4), st.sampled_from(GROUPS), st.sampled_from([1, 2]), st.sampled_from([1, 2, 3, 4, 5, 9])),
    st.integers(1, 4),
    max_size=40,
)


@settings(max_examples=120, deadline=None)
@given(cells=versioned_cells, k=st.integers(2, 8))
def test_figures_from_the_summaries_equal_the_rule_applied_to_every_process_cell(cells, k):
    conn = tiny_db(cells)
    figures = aggregates.attitude_figures(conn, k=k, suppress=True)
    got = {r.group_key: (dict(r.counts) if not r.suppressed else None, r.suppressed) for f in figures for r in f.rows}
    expected = {
        group: (counts if not suppressed else None, suppressed)
        for group, (counts, suppressed) in reference_overall(cells, k).items()
    }
    assert got == expected
    # And without suppression the figure is simply everything.
    (everything,) = aggregates.attitude_figures(conn, k=k, suppress=False) or [None]
    if everything:
        assert everything.total.n == sum(cells.values())


def test_without_suppression_everything_counts():
    conn = tiny_db({(1, "representative", 1): 1, (1, "candidate", 4): 2})
    (figure,) = aggregates.attitude_figures(conn, k=5, suppress=False)
    assert figure.total.n == 3
    assert not any(r.suppressed for r in figure.rows)


def test_fixture_group_sizes_straddle_k():
    assert min(len(v) for v in GROUP_SIZES.values()) < 5 <= max(len(v) for v in GROUP_SIZES.values())


def test_small_cells_of_one_group_pool_over_processes_only_when_the_pool_reaches_k():
    conn = tiny_db({(1, "candidate", 4): 3, (2, "candidate", 5): 3, (1, "manager", 2): 4})
    (overall,) = aggregates.attitude_figures(conn, k=5, suppress=True)
    rows = {r.group_key: r for r in overall.rows}
    assert rows["candidate"].n == 6 and not rows["candidate"].suppressed  # 3 + 3 pooled
    assert rows["manager"].suppressed  # a lone 4 never shows
    for process in (1, 2):
        (figure,) = aggregates.attitude_figures(conn, process_id=process, k=5, suppress=True)
        assert all(r.suppressed for r in figure.rows)
        assert figure.total is None
