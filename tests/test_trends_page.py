"""Trends across the scale-up on the demo (issue 12 part 7): per year as SQL says, small cells
suppressed for management, filters on the attitudes page, links from the start pages, the third
department in the demo."""

from __future__ import annotations

import re
import sqlite3

import pytest

from datasette_plugins import aggregates
from datasette_plugins import process_filters
from datasette_plugins import trends
from datasette_plugins.process_filters import ProcessFilter
from tests.fixtures.datasette import actor_cookie
from tests.fixtures.datasette import make_datasette
from tests.research_fixtures import demo_served_master  # noqa: F401

K = 5
SCHOOL = "skola_och_fritid"


@pytest.fixture
def demo_conn(demo_served_master):  # noqa: F811
    conn = sqlite3.connect(f"file:{demo_served_master}?mode=ro", uri=True)
    yield conn
    conn.close()


# The demo's processes are synthetic: figure pages leave them out unless asked (issue 12 part 2).
SYNTHETIC = {"synthetic": "1"}


@pytest.fixture
def demo_ds(demo_served_master, monkeypatch):  # noqa: F811
    for name in ("MEDVERKAN_DS_K", "MEDVERKAN_DS_CONTACTS", "MEDVERKAN_DS_DEMO"):
        monkeypatch.delenv(name, raising=False)
    return make_datasette(demo_served_master)


def compute(conn, chosen=ProcessFilter(), *, suppress):
    processes = process_filters.listed_processes(conn)
    units = process_filters.item_units(conn, lang="sv", scope_ids=None, k=K, suppress=suppress)
    return trends.item_trends(units, aggregates.groups(conn, "sv"), processes, chosen, k=K, suppress=suppress)


def sql_share(conn, key, group, year, *, department=None, post_level=None, closed_only=False):
    """Share who agree (4-5 of 1-5) and respondents, straight from the answers."""
    row = conn.execute(
        """
        select sum(a.value_int in (4, 5)), sum(a.value_int between 1 and 5), count(*)
        from answers a join questions q on q.id = a.question_id join processes p on p.id = a.process_id
        where q.key = ? and q.core = 1 and a.group_key = ? and substr(p.opened_on, 1, 4) = ?
          and (? is null or p.department = ?) and (? is null or p.post_level = ?)
          and (not ? or p.status = 'closed')
        """,
        [key, group, year, department, department, post_level, post_level, closed_only],
    ).fetchone()
    agree, scale_n, n = row
    return (agree / scale_n if scale_n else None), n


def test_the_demo_has_a_third_department_with_recruitments_over_several_years(demo_conn):
    name = demo_conn.execute("select name_sv, name_en from departments where key = ?", [SCHOOL]).fetchone()
    assert name == ("Skola och fritid", "School and leisure")
    rows = demo_conn.execute(
        "select substr(opened_on, 1, 4), post_level, is_synthetic from processes where department = ?", [SCHOOL]
    ).fetchall()
    assert len({year for year, _, _ in rows}) >= 2
    assert {level for _, level, _ in rows} == {"manager", "social_worker"}
    assert all(synthetic == 1 for _, _, synthetic in rows)
    # Every demo process records its post level; the 2017 case (a verksamhetschef) is a manager post.
    assert demo_conn.execute("select count(*) from processes where post_level is null").fetchone()[0] == 0
    assert demo_conn.execute("select post_level from processes where code = 'HBG-2017-GR'").fetchone() == ("manager",)
    answered = demo_conn.execute(
        "select count(*) from responses r join processes p on p.id = r.process_id where p.department = ?", [SCHOOL]
    ).fetchone()[0]
    assert answered > 0


@pytest.mark.parametrize("chosen", [ProcessFilter(), ProcessFilter(department=SCHOOL), ProcessFilter(post_level="social_worker")])
def test_evaluators_trend_per_year_matches_a_direct_sql_computation(demo_conn, chosen):
    years, items = compute(demo_conn, chosen, suppress=False)
    assert years == sorted({y for (y,) in demo_conn.execute(
        "select distinct substr(opened_on, 1, 4) from processes where (? is null or department = ?) and (? is null or post_level = ?)",
        [chosen.department, chosen.department, chosen.post_level, chosen.post_level],
    )})
    checked = 0
    for item in items:
        for series in item.series:
            for point in series.points:
                share, n = sql_share(demo_conn, item.key, series.group_key, point.year,
                                     department=chosen.department, post_level=chosen.post_level)
                if n == 0:
                    assert point.reason == "none"
                    continue
                assert point.n == n
                assert point.share == pytest.approx(share) if share is not None else point.share is None
                checked += 1
    assert checked > 20


def test_management_sees_a_year_only_where_the_group_reaches_k(demo_conn):
    years, items = compute(demo_conn, suppress=True)
    closed_years = {y for (y,) in demo_conn.execute("select substr(opened_on, 1, 4) from processes where status = 'closed'")}
    assert set(years) == closed_years  # the collecting 2017 case adds no empty year
    shown = 0
    for item in items:
        for series in item.series:
            for point in series.points:
                if point.share is None:
                    continue
                shown += 1
                assert point.n >= K
                share, n = sql_share(demo_conn, item.key, series.group_key, point.year, closed_only=True)
                assert point.n <= n
                if not point.partial:
                    assert point.n == n and point.share == pytest.approx(share)
    assert shown > 0, "the demo shows management some trend"
    # School and leisure's representatives' panels reach k in every year: their line is there.
    _years, school = compute(demo_conn, ProcessFilter(department=SCHOOL), suppress=True)
    organised = next(i for i in school if i.key == "process_well_organised")
    representatives = next(s for s in organised.series if s.group_key == "representative")
    assert all(point.n is None or point.n >= K for point in representatives.points)
    assert any(point.share is not None for point in representatives.points)


def _counts(html):
    return [int(n.replace("\u202f", "")) for n in re.findall(r"\(n = ([\d\u202f]+)\)", html)]


@pytest.mark.asyncio
async def test_trends_page_draws_a_chart_and_a_table_per_item_and_hides_small_cells(demo_ds, demo_conn):
    management = await demo_ds.client.get("/-/medverkan/trends", params=SYNTHETIC, cookies=actor_cookie(demo_ds, "chef", "management"))
    assert management.status_code == 200
    html = management.text
    assert "Utveckling över åren" in html and html.count("class=\"medverkan-chart\"") == html.count("<table") > 3
    assert _counts(html) and min(_counts(html)) >= K
    assert "färre än 5" in html
    evaluator = await demo_ds.client.get(
        "/-/medverkan/trends",
        params={"department": SCHOOL, "post_level": "manager", **SYNTHETIC},
        cookies=actor_cookie(demo_ds, "eva", "evaluator"),
    )
    assert evaluator.status_code == 200
    assert '<option value="skola_och_fritid" selected>' in evaluator.text and '<option value="manager" selected>' in evaluator.text
    assert min(_counts(evaluator.text)) < K  # evaluators see every cell
    anonymous = await demo_ds.client.get("/-/medverkan/trends")
    assert anonymous.status_code == 302 and "medverkan-login" in anonymous.headers["location"]


@pytest.mark.asyncio
async def test_attitudes_page_filters_change_the_figures_and_bad_values_are_named(demo_ds, demo_conn):
    cookies = actor_cookie(demo_ds, "eva", "evaluator")
    everything = await demo_ds.client.get("/-/medverkan/attitudes", params=SYNTHETIC, cookies=cookies)
    school = await demo_ds.client.get("/-/medverkan/attitudes", params={"department": SCHOOL, "year": "2019", **SYNTHETIC}, cookies=cookies)
    assert school.status_code == 200
    assert '<option value="2019" selected>' in school.text
    # The representatives' respondents in the first statement's table: SQL for school and leisure in 2019.
    first = process_filters.item_units(demo_conn, lang="sv", scope_ids=None, k=K, suppress=False)[0].key
    _share, expected = sql_share(demo_conn, first, "representative", "2019", department=SCHOOL)

    def respondents(html):
        row = re.search(r'<tr><th scope="row">Brukarrepresentant\*?</th>\s*<td[^>]*>([^<]+)</td>', html)
        return int(row.group(1).replace("\u202f", ""))

    assert respondents(school.text) == expected
    assert respondents(everything.text) > expected
    bad = await demo_ds.client.get("/-/medverkan/attitudes", params={"year": "tjugo", "post_level": "\"><b>", **SYNTHETIC}, cookies=cookies)
    assert bad.status_code == 200
    assert "Ett filtervärde som inte finns att välja utelämnades" in bad.text and "<b>" not in bad.text


@pytest.mark.asyncio
@pytest.mark.parametrize("role", ["management", "evaluator"])
async def test_start_pages_link_to_the_trends(demo_ds, role):
    home = await demo_ds.client.get("/", cookies=actor_cookie(demo_ds, "someone", role))
    assert home.status_code == 200 and 'href="/-/medverkan/trends"' in home.text


def test_the_trend_chart_breaks_the_line_at_a_missing_year_and_says_why():
    from datasette_plugins import trend_chart

    svg = str(trend_chart.line_chart(
        ["2018", "2019", "2020"], [("Chef", [0.5, None, 0.75]), ("Brukare", [0.2, 0.4, 0.6])],
        title="Påstående", chart_id="t", number=lambda v: f"{round(v)} %", missing={("Chef", "2019"): "färre än 5"},
    ))
    assert svg.count("<polyline") == 1  # Chef's two points are not joined across the gap; Brukare's line is one
    assert "Chef: 2018: 50 %, 2019: färre än 5, 2020: 75 %" in svg
    assert 'role="img"' in svg and "<title id=\"t-title\">Påstående</title>" in svg and "style=" not in svg


@pytest.mark.asyncio
async def test_trends_leave_synthetic_processes_out_unless_asked_and_mark_them(demo_ds):
    """Every demo process is synthetic: by default (not demo mode) the trends have nothing to show;
    with ``?synthetic=1`` they show the years and each chart says its values are invented."""
    cookies = actor_cookie(demo_ds, "eva", "evaluator")
    default = await demo_ds.client.get("/-/medverkan/trends", cookies=cookies)
    included = await demo_ds.client.get("/-/medverkan/trends", params=SYNTHETIC, cookies=cookies)
    assert default.text.count("<table") == 0 and "Syntetiska data" not in default.text
    charts = included.text.count('class="medverkan-chart"')
    assert charts > 3 and included.text.count("Syntetiska data: figuren") == charts
