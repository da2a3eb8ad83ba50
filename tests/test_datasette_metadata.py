"""Every table, view and column of the served database is described, in both languages."""

import sqlite3

import pytest

from tests.fixtures.datasette import actor_cookie

pytestmark = pytest.mark.asyncio

FTS_SHADOW_SUFFIXES = ("_data", "_idx", "_docsize", "_config", "_content")


def served_objects(path):
    conn = sqlite3.connect(path)
    names = [r[0] for r in conn.execute("select name from sqlite_master where type in ('table', 'view') and name not like 'sqlite_%'")]
    fts = {r[0] for r in conn.execute("select name from sqlite_master where sql like 'CREATE VIRTUAL TABLE%'")}
    objects = {}
    for name in names:
        if any(name == f + s for f in fts for s in FTS_SHADOW_SUFFIXES):
            continue  # FTS5's own storage, hidden by Datasette
        objects[name] = [r[1] for r in conn.execute(f'pragma table_info("{name}")')]
    conn.close()
    return objects


async def test_every_table_view_and_column_is_described(ds, evaluation_db):
    metadata = (await ds.client.get("/-/metadata.json", cookies=actor_cookie(ds, "eva", "evaluator"))).json()
    # Datasette shows /-/metadata.json from metadata.yml; the plugin's run-time part is read per table.
    objects = served_objects(evaluation_db[0])
    assert any(name.startswith("wide_") for name in objects)
    missing = []
    for name, columns in objects.items():
        table = ds.metadata(database="medverkan", table=name, fallback=False) or {}
        if " / " not in (table.get("description") or ""):
            missing.append(f"{name}: description (sv / en)")
        if not table.get("title"):
            missing.append(f"{name}: title")
        described = table.get("columns") or {}
        missing += [f"{name}.{c}" for c in columns if " / " not in (described.get(c) or "")]
    assert not missing, missing
    assert metadata["title"]


async def test_canned_queries_are_described_in_both_languages(ds):
    queries = ds.metadata("queries", database="medverkan", fallback=False)
    assert {"responses_by_group", "core_items_by_group", "screening_table_2", "rankings_by_party"} <= set(queries)
    for name, query in queries.items():
        assert " / " in query["title"] and " / " in query["description"], name


async def test_a_new_instrument_version_is_described_without_a_restart(ds, evaluation_db):
    from collector.db import connect
    from collector.instruments.registry import load_registered
    from collector.instruments.registry import register_instrument

    db = connect(evaluation_db[0])
    instrument = load_registered(db, 1)
    import dataclasses

    newer = dataclasses.replace(instrument, version=instrument.version + 50)
    register_instrument(db, newer)
    db.conn.close()
    view = f"wide_{instrument.key}_v{instrument.version + 50}"
    table = ds.metadata(database="medverkan", table=view, fallback=False)
    assert table and " / " in table["description"]
    page = await ds.client.get(f"/medverkan/{view}", cookies=actor_cookie(ds, "eva", "evaluator"))
    assert page.status_code == 200
    assert "en rad per svar" in page.text


async def test_metadata_also_applies_when_the_file_has_another_name(tmp_path, monkeypatch):


    from collector.migrations import init_databases
    from tests.fixtures.datasette import make_datasette

    served = str(tmp_path / "evaluation2024.db")
    init_databases(served, str(tmp_path / "c.db"))
    ds = make_datasette(served)
    table = ds.metadata(database="evaluation2024", table="answers", fallback=False)
    assert table["title"].startswith("Svar per fråga")
    assert "core_items_by_group" in ds.metadata("queries", database="evaluation2024", fallback=False)
    response = await ds.client.get(
        "/evaluation2024/core_items_by_group.json?process_id=1", cookies=actor_cookie(ds, "chef", "management")
    )
    assert response.status_code == 200
