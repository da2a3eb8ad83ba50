"""Pooling two municipalities' SND bundles into one database the Datasette plugins serve."""

from __future__ import annotations

import re
import shutil
import sqlite3

import pytest
from click.testing import CliRunner

from research.cli import research
from research.pool import PoolError
from research.pool import pool_bundles
from research.pool_checks import SummaryMismatch
from research.pool_checks import check_summaries
from research.snd import write_bundle
from tests.fixtures.datasette import actor_cookie
from tests.fixtures.datasette import make_datasette
from tests.research_fixtures import demo_served_master  # noqa: F401


@pytest.fixture(scope="module")
def bundles(demo_served_master, tmp_path_factory):  # noqa: F811
    folder = tmp_path_factory.mktemp("bundles")
    for name in ("Helsingborg", "Karlstad"):
        write_bundle(demo_served_master, folder / name, municipality=name)
    return [str(folder / "Helsingborg"), str(folder / "Karlstad")]


@pytest.fixture(scope="module")
def pooled(bundles, tmp_path_factory):
    output = str(tmp_path_factory.mktemp("pooled") / "pooled.db")
    result = CliRunner().invoke(research, ["pool", *bundles, "--output", output])
    assert result.exit_code == 0, result.output
    return output


def _rows(path, sql):
    connection = sqlite3.connect(path)
    try:
        return connection.execute(sql).fetchall()
    finally:
        connection.close()


def test_every_row_names_its_municipality_and_ids_are_unique(pooled, demo_served_master):  # noqa: F811
    demo_count = _rows(demo_served_master, "select count(*) from responses")[0][0]
    assert _rows(pooled, "select count(*), count(distinct id) from responses")[0] == (2 * demo_count, 2 * demo_count)
    for table in ("processes", "responses", "answers"):
        assert _rows(pooled, f"select count(*) from {table} where municipality is null")[0][0] == 0, table
        assert {r[0] for r in _rows(pooled, f"select distinct municipality from {table}")} == {"Helsingborg", "Karlstad"}
    stored = {r[0] for r in _rows(demo_served_master, "select id from responses")}
    assert not stored & {r[0] for r in _rows(pooled, "select id from responses")}
    assert _rows(pooled, "select count(*) from instruments")[0][0] == _rows(demo_served_master, "select count(*) from instruments")[0][0]


def test_summaries_are_rebuilt_and_a_wrong_one_is_caught(pooled, tmp_path):
    connection = sqlite3.connect(pooled)
    check_summaries(connection)
    assert connection.execute("select count(*) from core_answer_totals").fetchone()[0] > 0
    connection.close()
    copy = str(tmp_path / "copy.db")
    shutil.copyfile(pooled, copy)
    connection = sqlite3.connect(copy)
    connection.execute("update answer_counts set n = n + 1 where rowid = (select min(rowid) from answer_counts)")
    with pytest.raises(SummaryMismatch, match="answer_counts"):
        check_summaries(connection)
    connection.close()


def test_pooled_database_is_current_for_the_collectors_migrations(pooled, tmp_path):
    from collector.db import connect
    from collector.migrations import migrate_served

    copy = str(tmp_path / "copy.db")
    shutil.copyfile(pooled, copy)
    before = _rows(copy, "select count(*) from _sqlite_migrations")[0][0]
    db = connect(copy)
    migrate_served(db)
    db.conn.close()
    assert _rows(copy, "select count(*) from _sqlite_migrations")[0][0] == before


@pytest.mark.asyncio
async def test_every_plugin_page_answers_200_on_the_pooled_database(pooled, monkeypatch):
    for name in ("MEDVERKAN_DS_K", "MEDVERKAN_DS_CONTACTS", "MEDVERKAN_DS_DEMO"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("MEDVERKAN_DS_LOGIN_URL", "http://collector.test/staff/login")
    ds = make_datasette(pooled)
    cookies = actor_cookie(ds, "eva", "evaluator")
    exports = await ds.client.get("/-/medverkan/exports", cookies=cookies)
    assert exports.status_code == 200
    links = sorted(set(re.findall(r'href="(/-/medverkan/export/[^"]+)"', exports.text)))
    assert links, "the exports page lists the pooled instruments"
    pages = ["/-/medverkan/attitudes", "/-/medverkan/attitudes?process=1", "/-/medverkan/attitudes?process=2",
             "/-/medverkan/process/1", "/-/medverkan/process/2", "/-/medverkan/search?q=test"]
    for path in pages + links:
        response = await ds.client.get(path.replace("&amp;", "&"), cookies=cookies)
        assert response.status_code == 200, path
    assert (await ds.client.get("/-/medverkan-login")).status_code == 200  # signed out
    management = await ds.client.get("/-/medverkan/attitudes", cookies=actor_cookie(ds, "m", "management"))
    assert management.status_code == 200
    assert "Karlstad" in (await ds.client.get("/-/medverkan/process/2", cookies=cookies)).text


def test_the_same_municipality_twice_is_refused(bundles, tmp_path):
    with pytest.raises(PoolError, match="same municipality twice"):
        pool_bundles([bundles[0], bundles[0]], str(tmp_path / "x.db"))
    assert not (tmp_path / "x.db").exists()


def test_small_cells_over_the_pooled_data_are_refused(bundles, demo_served_master, tmp_path):  # noqa: F811
    # Each municipality has one hired person per demo process: under k = that + 1 in every pooled process.
    hired = _rows(demo_served_master, "select count(*) from responses where group_key = 'hired_followup'")[0][0]
    with pytest.raises(PoolError, match=f"under k={hired + 1}"):
        pool_bundles(bundles, str(tmp_path / "x.db"), k=hired + 1)
    assert not (tmp_path / "x.db").exists()
