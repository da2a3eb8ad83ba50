"""Time Datasette's pages in-process: median milliseconds per page kind and role.

Every browser test (the axe crawls visit ~200 Datasette pages) and every
evaluator or manager pays a page's server time, so this measures it without a
network or a browser in the way: the test evaluation database
(tests/fixtures/datasette.py: migrated, Table 2 of the 2017 report, small and
large groups), Datasette configured as launch.py configures it, the contacts
database configured (so every permission check re-reads the account, as in
production), and ``datasette.client`` requests signed in as an evaluator and
as management. It reports the median CPU time of the process per request
(threads included: Datasette runs queries in a thread pool), which a loaded
machine moves far less than the wall time it also prints. Besides the time it
counts the SQLite connections a page opens
(Datasette's own are opened once and kept; ours are not), a figure the shared
machine's noise does not move.

    python bench/datasette_pages.py --runs 20
    python bench/datasette_pages.py --runs 5 --profile /medverkan/questions   # cProfile one page
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import os
import pstats
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.fixtures.databases import migrated_copy  # noqa: E402
from tests.fixtures.datasette import actor_cookie  # noqa: E402
from tests.fixtures.datasette import fill_served  # noqa: E402
from tests.fixtures.datasette import make_datasette  # noqa: E402

# (role, page kind, path): one of each kind of page a role reaches.
PAGES = [
    ("evaluator", "index", "/"),
    ("evaluator", "database", "/medverkan"),
    ("evaluator", "table", "/medverkan/questions"),
    ("evaluator", "table with facets", "/medverkan/answers?_facet=group_key&_facet=process_id"),
    ("evaluator", "row", "/medverkan/processes/1"),
    ("evaluator", "?sql= query", "/medverkan?sql=select+key%2C+label_sv+from+respondent_groups"),
    ("evaluator", "canned query", "/medverkan/responses_by_group?process_id=1"),
    ("evaluator", "attitudes", "/-/medverkan/attitudes?process=1"),
    ("evaluator", "trends", "/-/medverkan/trends"),
    ("evaluator", "process", "/-/medverkan/process/1"),
    ("evaluator", "search", "/-/medverkan/search?q=samtalen"),
    ("evaluator", "not found (404)", "/medverkan/no_such_table"),
    ("management", "index", "/"),
    ("management", "canned query", "/medverkan/core_items_by_group?process_id=1"),
    ("management", "attitudes", "/-/medverkan/attitudes?process=1"),
    ("management", "trends", "/-/medverkan/trends"),
]
ACCOUNTS = {"evaluator": "eva", "management": "mia"}


def build(folder: str):
    """The evaluation database, accounts in the contacts database, Datasette on the served file."""
    served, contacts = folder + "/medverkan.db", folder + "/contacts.db"
    migrated_copy(served, contacts)
    fill_served(served)
    conn = sqlite3.connect(contacts)
    with conn:
        for role, username in ACCOUNTS.items():
            conn.execute(
                "insert into users (username, role, is_active, password_hash) values (?, ?, 1, 'x')", [username, role]
            )
    conn.close()
    os.environ["MEDVERKAN_DS_CONTACTS"] = contacts
    os.environ.pop("MEDVERKAN_DS_DEMO", None)
    ds = make_datasette(served)
    cookies = {role: actor_cookie(ds, username, role) for role, username in ACCOUNTS.items()}
    # Steady state: a file changed within the last second is read again on
    # every call (datasette_plugins/file_state.py), as right after a write.
    time.sleep(1.2)
    return ds, cookies


class ConnectionCounter:
    """Counts sqlite3.connect calls (each of ours opens, queries and closes a file)."""

    def __init__(self):
        self.count = 0
        self._connect = sqlite3.connect

    def __enter__(self):
        def counting(*args, **kwargs):
            self.count += 1
            return self._connect(*args, **kwargs)

        sqlite3.connect = counting
        return self

    def __exit__(self, *exc):
        sqlite3.connect = self._connect


async def get(ds, path: str, cookies: dict) -> None:
    response = await ds.client.get(path, cookies=cookies)
    expected = 404 if "no_such" in path else 200
    if response.status_code != expected:
        raise SystemExit(f"{path}: HTTP {response.status_code}")


async def measure(ds, cookies: dict, runs: int) -> list[tuple]:
    rows = []
    for role, kind, path in PAGES:
        for _ in range(2):  # warm: templates compiled, Datasette's connections open
            await get(ds, path, cookies[role])
        with ConnectionCounter() as counter:
            await get(ds, path, cookies[role])
        wall, cpu = [], []
        for _ in range(runs):
            started, started_cpu = time.perf_counter(), time.process_time()
            await get(ds, path, cookies[role])
            wall.append((time.perf_counter() - started) * 1000)
            cpu.append((time.process_time() - started_cpu) * 1000)
        rows.append((role, kind, path, statistics.median(cpu), statistics.median(wall), counter.count))
    return rows


async def profile(ds, cookies: dict, path: str, role: str, runs: int) -> None:
    for _ in range(2):
        await get(ds, path, cookies[role])
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(runs):
        await get(ds, path, cookies[role])
    profiler.disable()
    pstats.Stats(profiler).sort_stats("cumulative").print_stats(40)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=20, help="timed requests per page (after two to warm up)")
    parser.add_argument("--profile", metavar="PATH", help="cProfile this page instead of timing the list")
    parser.add_argument("--role", default="evaluator", choices=sorted(ACCOUNTS))
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        ds, cookies = build(folder)
        if args.profile:
            asyncio.run(profile(ds, cookies, args.profile, args.role, args.runs))
            return
        rows = asyncio.run(measure(ds, cookies, args.runs))
    print(f"| role | page kind | path | CPU ms (median) | wall ms (median) | connections opened |  ({args.runs} runs)")
    print("|---|---|---|---:|---:|---:|")
    for role, kind, path, cpu, wall, connections in rows:
        print(f"| {role} | {kind} | `{path}` | {cpu:.1f} | {wall:.1f} | {connections} |")


if __name__ == "__main__":
    main()
