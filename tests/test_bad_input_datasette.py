"""Stored HTML/JS payloads in free-text answers are never rendered unescaped
by Datasette: the plugin's search page, the table and view pages, and the
exports (in-process Datasette with the plugin, as launch.py configures it)."""

from __future__ import annotations

import sqlite3

import pytest

from tests.fixtures.databases import migrated_copy
from tests.fixtures.datasette import actor_cookie
from tests.fixtures.datasette import fill_served
from tests.fixtures.datasette import make_datasette

pytestmark = pytest.mark.asyncio

PAYLOADS = ["<script>alert('zq1')</script>", '"><img src=x onerror=alert(1)>zq2', "zq3</textarea><svg onload=alert(1)>"]
RAW_MARKERS = ["<script>alert('zq1')", "<img src=x onerror", "<svg onload"]


@pytest.fixture
def hostile_ds(tmp_path, monkeypatch):
    for name in ("MEDVERKAN_DS_K", "MEDVERKAN_DS_CONTACTS", "MEDVERKAN_DS_DEMO"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("MEDVERKAN_DS_LOGIN_URL", "http://collector.test/staff/login")
    served, contacts = str(tmp_path / "medverkan.db"), str(tmp_path / "contacts.db")
    migrated_copy(served, contacts)
    fill_served(served)
    conn = sqlite3.connect(served)
    with conn:
        rid, pid, group = conn.execute("select id, process_id, group_key from responses limit 1").fetchone()
        qid = conn.execute("select id from questions where type = 'text' limit 1").fetchone()[0]
        for index, payload in enumerate(PAYLOADS):
            conn.execute(
                "insert into answers (response_id, question_id, item, value_text, process_id, group_key) values (?, ?, ?, ?, ?, ?)",
                [rid, qid, f"x{index}", payload, pid, group],
            )
    conn.close()
    return make_datasette(served)


async def test_payloads_are_escaped_on_every_datasette_page(hostile_ds):
    ds = hostile_ds
    cookies = actor_cookie(ds, "eva", "evaluator")
    databases = (await ds.client.get("/-/databases.json", cookies=cookies)).json()
    name = databases[0]["name"]
    pages = [f"/-/medverkan/search?q=zq{i}" for i in (1, 2, 3)]
    pages += [f"/{name}/answers?value_text__contains=zq", f"/{name}/answers.json?value_text__contains=zq"]
    found_somewhere = False
    for path in pages:
        response = await ds.client.get(path, cookies=cookies)
        assert response.status_code < 500, path
        text = response.text
        for marker in RAW_MARKERS:
            if path.endswith(".json") or ".json?" in path:
                continue  # JSON is data, not markup (served as application/json)
            assert marker not in text, f"{path} renders {marker!r} unescaped"
        if "zq" in text:
            found_somewhere = True
    assert found_somewhere, "the payloads were not shown anywhere: the test checked nothing"
    exports = await ds.client.get("/-/medverkan/exports", cookies=cookies)
    assert exports.status_code < 500
    for marker in RAW_MARKERS:
        assert marker not in exports.text
