"""The metadata hook reads the served file once per change, and a change is seen on the next page.

Datasette asks the ``get_metadata`` hook about thirty times a page; each
answer used to open the served file and query it. described.py now keeps
the wide views' descriptions while ``os.stat`` of the file and its -wal is
unchanged (file_state.py). These tests play what the cache must survive:
a new instrument version registered while Datasette runs, a write that
leaves size and modification time as they were (a coarse clock), and
count the connections and descriptions a page costs.
"""

from __future__ import annotations

import dataclasses
import os
import sqlite3
import sys
import time

import pytest

from datasette_plugins import described
from datasette_plugins import file_state
from tests.fixtures.databases import migrated_copy
from tests.fixtures.datasette import actor_cookie
from tests.fixtures.datasette import fill_served
from tests.fixtures.datasette import make_datasette


def age(path: str, seconds: float = 10.0) -> None:
    """Make the file and its -wal look last changed ``seconds`` ago (settled: file_state.SETTLED_AFTER_NS)."""
    past = time.time_ns() - int(seconds * 1e9)
    for name in (path, path + "-wal"):
        if os.path.exists(name):
            os.utime(name, ns=(past, past))


class OpenedBy:
    """Counts sqlite3.connect calls by the module that made them, and wide-view descriptions made."""

    def __init__(self, monkeypatch):
        self.modules: list[str] = []
        self.descriptions = 0
        connect = sqlite3.connect
        describe = described._describe_wide_views

        def counting_connect(*args, **kwargs):
            self.modules.append(sys._getframe(1).f_globals.get("__name__", "?"))
            return connect(*args, **kwargs)

        def counting_describe(conn):
            self.descriptions += 1
            return describe(conn)

        monkeypatch.setattr(sqlite3, "connect", counting_connect)
        monkeypatch.setattr(described, "_describe_wide_views", counting_describe)

    def ours(self) -> list[str]:
        return [name for name in self.modules if name.startswith("datasette_plugins")]

    def reset(self) -> None:
        self.modules.clear()
        self.descriptions = 0


def register_newer_version(served: str, step: int) -> tuple[str, int]:
    """Register a copy of instrument 1 as a newer version; return its wide view's name and version."""
    from collector.db import connect
    from collector.instruments.registry import load_registered
    from collector.instruments.registry import register_instrument

    db = connect(served)
    try:
        instrument = load_registered(db, 1)
        newer = dataclasses.replace(instrument, version=instrument.version + step)
        register_instrument(db, newer)
    finally:
        db.conn.close()
    return f"wide_{instrument.key}_v{newer.version}", newer.version


@pytest.fixture
def private_ds(tmp_path, monkeypatch):
    """Datasette on a private copy of the evaluation database (these tests change the file)."""
    for name in ("MEDVERKAN_DS_K", "MEDVERKAN_DS_CONTACTS", "MEDVERKAN_DS_DEMO"):
        monkeypatch.delenv(name, raising=False)
    served, _contacts = migrated_copy(str(tmp_path / "medverkan.db"), str(tmp_path / "contacts.db"))
    fill_served(served)
    return make_datasette(served), served


@pytest.mark.asyncio
async def test_a_version_registered_while_datasette_runs_is_described_on_the_next_page(private_ds):
    ds, served = private_ds
    cookies = actor_cookie(ds, "eva", "evaluator")
    assert (await ds.client.get("/medverkan/questions", cookies=cookies)).status_code == 200
    age(served)  # what was read is now trusted until the file changes
    assert (await ds.client.get("/medverkan/questions", cookies=cookies)).status_code == 200

    view, version = register_newer_version(served, step=50)

    page = await ds.client.get(f"/medverkan/{view}", cookies=cookies)
    assert page.status_code == 200
    assert f"version {version}, en rad per svar" in page.text
    database_page = await ds.client.get("/medverkan", cookies=cookies)
    assert f"(v{version}) – en rad per svar" in database_page.text


@pytest.mark.asyncio
async def test_a_page_opens_the_served_file_for_metadata_at_most_once_per_change(private_ds, monkeypatch):
    ds, served = private_ds
    cookies = actor_cookie(ds, "eva", "evaluator")
    for _ in range(2):  # Datasette's own connections opened, templates compiled
        assert (await ds.client.get("/medverkan/questions", cookies=cookies)).status_code == 200
    age(served)
    opened = OpenedBy(monkeypatch)

    assert (await ds.client.get("/medverkan/questions", cookies=cookies)).status_code == 200
    assert opened.ours().count("datasette_plugins.file_state") == 0
    assert opened.ours().count("datasette_plugins.described") == 1, "read once: the first check after ageing"
    assert opened.descriptions == 0, "the schema did not change: nothing described again"

    opened.reset()
    assert (await ds.client.get("/medverkan/questions", cookies=cookies)).status_code == 200
    assert opened.ours() == [], "unchanged and settled: no connection of ours at all"

    view, _version = register_newer_version(served, step=60)
    opened.reset()
    assert (await ds.client.get(f"/medverkan/{view}", cookies=cookies)).status_code == 200
    assert opened.descriptions == 1, "one description for one change, however often Datasette asks"
    age(served)
    opened.reset()
    for _ in range(3):
        assert (await ds.client.get(f"/medverkan/{view}", cookies=cookies)).status_code == 200
    assert opened.descriptions == 0
    assert opened.ours().count("datasette_plugins.described") == 1


def test_a_write_that_keeps_size_and_modification_time_is_still_seen(tmp_path):
    """A coarse clock: the second write lands in the same tick as the first and the file keeps its size."""
    path = str(tmp_path / "f.db")
    cache = file_state.FileCache()
    with open(path, "w") as f:
        f.write("a")
    before = os.stat(path).st_mtime_ns
    seen = file_state.signature(path)
    assert cache.get(path, "k", lambda: open(path).read()) == "a"
    with open(path, "w") as f:
        f.write("b")
    os.utime(path, ns=(before, before))
    assert file_state.signature(path) == seen, "the write is invisible to os.stat"
    assert cache.get(path, "k", lambda: open(path).read()) == "b", "changed less than a second ago: read again"


def test_a_settled_file_is_read_once_and_again_after_it_changes(tmp_path):
    path = str(tmp_path / "f.db")
    reads = []

    def read():
        reads.append(1)
        return open(path).read()

    cache = file_state.FileCache()
    with open(path, "w") as f:
        f.write("a")
    age(path)
    assert [cache.get(path, "k", read) for _ in range(3)] == ["a"] * 3
    assert len(reads) == 1
    with open(path, "a") as f:
        f.write("b")
    assert cache.get(path, "k", read) == "ab"
    assert len(reads) == 2
