"""What Datasette's pages keep between requests, and that a change is seen on the next one.

Datasette asks the ``get_metadata`` hook about thirty times a page and checks
a permission for every table it lists; each answer used to open a database
file and query it. described.py (wide views' descriptions) and access.py
(staff accounts) now keep what they read while ``os.stat`` of the file and
its -wal is unchanged (file_state.py); the process page keeps Table 2's
agreement figures per set of ratings (agreement.py). These tests play what
the caches must survive: a new instrument version registered while
Datasette runs, an account deactivated or signed out while its row is kept,
a write that leaves size and modification time as they were (a coarse
clock), changed ratings; and they count the connections a page costs.
"""

from __future__ import annotations

import dataclasses
import os
import sqlite3
import sys
import time

import pytest

from datasette_plugins import agreement
from datasette_plugins import described
from datasette_plugins import file_state
from tests.fixtures.databases import migrated_copy
from tests.fixtures.datasette import TABLE_2
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


def change_account(contacts: str, sql: str, params=()) -> None:
    """A write to the contacts database, as the collector makes it (deactivation, sign-out, role change)."""
    conn = sqlite3.connect(contacts)
    with conn:
        conn.execute(sql, params)
    conn.close()


@pytest.fixture
def staff_ds(private_ds, tmp_path, monkeypatch):
    """private_ds with the contacts database configured and an active evaluator, eva, in it."""
    ds, _served = private_ds
    contacts = str(tmp_path / "contacts.db")
    change_account(
        contacts, "insert into users (username, role, is_active, password_hash, session_stamp) values ('eva', 'evaluator', 1, 'x', 's1')"
    )
    monkeypatch.setenv("MEDVERKAN_DS_CONTACTS", contacts)
    return ds, contacts


async def status(ds, path: str, cookie: dict) -> int:
    return (await ds.client.get(path, cookies=cookie)).status_code


def signed_in_cookie(ds, stamp: str = "s1") -> dict:
    from datasette.utils import baseconv

    expires = baseconv.base62.encode(int(time.time()) + 3600)
    return {"ds_actor": ds.sign({"a": {"id": "eva", "role": "evaluator", "stamp": stamp}, "e": expires}, "actor")}


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


@pytest.mark.asyncio
async def test_a_deactivated_account_loses_access_on_the_next_request_though_its_row_was_kept(staff_ds, monkeypatch):
    ds, contacts = staff_ds
    cookie = signed_in_cookie(ds)
    assert await status(ds, "/medverkan/answers", cookie) == 200
    age(contacts)
    assert await status(ds, "/medverkan/answers", cookie) == 200
    opened = OpenedBy(monkeypatch)
    assert await status(ds, "/medverkan", cookie) == 200
    assert "datasette_plugins.access" not in opened.ours(), "a settled contacts file is not read for every table"

    change_account(contacts, "update users set is_active = 0 where username = 'eva'")

    assert await status(ds, "/medverkan/answers", cookie) == 302
    assert await status(ds, "/-/medverkan/attitudes", cookie) == 302


@pytest.mark.asyncio
async def test_a_signed_out_session_is_refused_on_the_next_request_though_its_row_was_kept(staff_ds):
    ds, contacts = staff_ds
    cookie = signed_in_cookie(ds, stamp="s1")
    assert await status(ds, "/medverkan/answers", cookie) == 200
    age(contacts)
    assert await status(ds, "/medverkan/answers", cookie) == 200

    change_account(contacts, "update users set session_stamp = 's2' where username = 'eva'")  # sign-out rotates it

    assert await status(ds, "/medverkan/answers", cookie) == 302
    assert await status(ds, "/medverkan/answers", signed_in_cookie(ds, stamp="s2")) == 200


def test_table_2_agreement_is_computed_once_per_set_of_ratings_and_again_when_one_changes(monkeypatch):
    triples = [(applicant, rater, rating) for rater, ratings in TABLE_2.items() for applicant, rating in ratings.items()]
    agreement._screening_agreement_of.cache_clear()
    runs = []
    compute = agreement._screening_agreement
    monkeypatch.setattr(agreement, "_screening_agreement", lambda t: runs.append(1) or compute(t))

    first = agreement.screening_agreement(triples)
    first["alphas"]["ordinal"] = "changed by a caller"
    again = agreement.screening_agreement(list(triples))
    assert len(runs) == 1
    assert again == compute(triples), "the kept figures are the ones computed afresh (a caller's change not kept)"

    changed = [(a, r, 2 if (a, r) == ("Sökande A", "Brukare A") else v) for a, r, v in triples]
    assert agreement.screening_agreement(changed) == compute(changed)
    assert len(runs) == 2


def test_the_empty_wal_a_first_reader_creates_is_not_a_change_but_a_written_one_is(tmp_path):
    path = str(tmp_path / "f.db")
    with open(path, "w") as f:
        f.write("a")
    before = file_state.signature(path)
    open(path + "-wal", "w").close()
    assert file_state.signature(path) == before
    with open(path + "-wal", "w") as f:
        f.write("frame")
    assert file_state.signature(path) != before
