"""Research-scale database generator and aggregate timings (run by hand).

    python bench/research_scale.py generate /tmp/m1.db --answers 1000000
    python bench/research_scale.py generate /tmp/m20.db --answers 20000000
    python bench/research_scale.py time /tmp/m1.db /tmp/m20.db

``generate`` builds a served database with the real migrations and built-in
instruments, 500+ processes and every respondent group that has an
instrument, and bulk-loads synthetic responses (about 30 answers each).
``answer_counts`` and ``response_counts`` are then derived from the raw
answers with one GROUP BY (the triggers of migration m003 build
``core_answer_totals`` and ``core_answer_cells`` from it, as they do at every
submission), and ``time`` checks that all three summaries match the raw
answers exactly, both ways, before timing anything.

``time`` measures (best of 5, after one warm-up):

* the management attitudes page's figures
  (``datasette_plugins.aggregates.attitude_figures`` with small-cell
  suppression),
* the evaluator's core distribution (the same without suppression, i.e.
  every process x group x value cell of the core Likert items),
* for comparison, the naive distribution straight from ``answers``.
"""

from __future__ import annotations

import argparse
import os
import random
import sqlite3
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from collector.db import connect  # noqa: E402
from collector.migrations import migrate_served  # noqa: E402

ANSWERS_PER_RESPONSE = 30
PROCESSES = 520


def _questions_by_group(conn) -> dict[str, tuple[int, list[tuple[int, str]]]]:
    """group -> (instrument id, [(question id, type)]) for coded, single-row question types."""
    result = {}
    for group_key, instrument_id in conn.execute(
        "select group_key, max(id) from instruments where department is null group by group_key"
    ):
        questions = conn.execute(
            "select id, type from questions where instrument_id = ? and type in ('likert', 'yesno', 'single', 'integer') "
            "order by position",
            [instrument_id],
        ).fetchall()
        if questions:
            result[group_key] = (instrument_id, questions)
    return result


def _value(rng: random.Random, question_type: str) -> int:
    if question_type == "likert":
        return rng.choice((1, 2, 3, 3, 4, 4, 4, 5, 5, 9))
    if question_type == "yesno":
        return rng.choice((1, 1, 2, 9))
    if question_type == "single":
        return rng.randint(1, 3)
    return rng.randint(0, 20)


# --realistic: group shares like a recruitment's (many candidates and
# managers, three representatives, one union representative, one hired
# person), so most processes have small representative, union and follow-up
# cells: the worst case for small-cell suppression.
REALISTIC_WEIGHTS = {"candidate": 45, "manager": 30, "representative": 12, "union": 5, "hired_followup": 8}


def generate(path: str, answers: int, seed: int = 2017, realistic: bool = False) -> None:
    if os.path.exists(path):
        raise SystemExit(f"{path} exists")
    db = connect(path)
    migrate_served(db)
    from collector.instruments.registry import sync_builtin_instruments

    sync_builtin_instruments(db)
    conn = db.conn
    conn.execute("PRAGMA synchronous = OFF")
    by_group = _questions_by_group(conn)
    groups = sorted(by_group)
    print(f"groups with instruments: {groups}", flush=True)
    conn.execute("BEGIN")
    conn.executemany(
        "insert into processes (id, code, post_title, status, is_synthetic) values (?, ?, ?, 'closed', 1)",
        [(i, f"BENCH-{i:04d}", f"Tjänst {i}") for i in range(1, PROCESSES + 1)],
    )
    conn.execute("COMMIT")
    rng = random.Random(seed)
    response_id = 0
    written = 0
    started = time.monotonic()
    while written < answers:
        conn.execute("BEGIN")
        responses, rows = [], []
        for _ in range(2000):
            response_id += 1
            if realistic:
                group_key = rng.choices(groups, weights=[REALISTIC_WEIGHTS.get(g, 1) for g in groups])[0]
            else:
                group_key = groups[response_id % len(groups)]
            process_id = rng.randint(1, PROCESSES)
            instrument_id, questions = by_group[group_key]
            responses.append((response_id, process_id, group_key, instrument_id, "sv", "2026-01-01", 1))
            for question_id, question_type in questions[:ANSWERS_PER_RESPONSE]:
                rows.append((response_id, question_id, "", _value(rng, question_type), process_id, group_key))
        conn.executemany(
            "insert into responses (id, process_id, group_key, instrument_id, language, submitted_on, is_synthetic) "
            "values (?, ?, ?, ?, ?, ?, ?)",
            responses,
        )
        conn.executemany(
            "insert into answers (response_id, question_id, item, value_int, process_id, group_key) values (?, ?, ?, ?, ?, ?)",
            rows,
        )
        conn.execute("COMMIT")
        written += len(rows)
        if response_id % 100000 == 0:
            print(f"{written:,} answers, {time.monotonic() - started:.0f} s", flush=True)
    print("building the summaries", flush=True)
    conn.execute("BEGIN")
    conn.execute("delete from answer_counts")
    conn.execute(
        "insert into answer_counts (process_id, group_key, question_id, item, value_int, n) "
        "select process_id, group_key, question_id, item, value_int, count(*) from answers "
        "where value_int is not null group by process_id, group_key, question_id, item, value_int"
    )
    conn.execute("delete from response_counts")
    conn.execute(
        "insert into response_counts (process_id, group_key, n) select process_id, group_key, count(*) from responses group by 1, 2"
    )
    conn.execute("COMMIT")
    conn.execute("ANALYZE")
    print(f"done: {written:,} answers, {response_id:,} responses in {time.monotonic() - started:.0f} s", flush=True)


def _best(fn, repeat=5) -> float:
    fn()
    timings = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        timings.append(time.perf_counter() - t0)
    return min(timings) * 1000, statistics.median(timings) * 1000


CORE = "question_id in (select id from questions where core = 1)"
# Each summary and the GROUP BY over the raw answers it must equal exactly.
SUMMARY_CHECKS = [
    (
        "select process_id, group_key, question_id, item, value_int, n from answer_counts where n > 0",
        "select process_id, group_key, question_id, item, value_int, count(*) from answers "
        "where value_int is not null group by 1, 2, 3, 4, 5",
    ),
    (
        "select question_id, group_key, item, value_int, n from core_answer_totals",
        "select question_id, group_key, item, value_int, count(*) from answers where value_int is not null "
        f"and {CORE} group by 1, 2, 3, 4",
    ),
    (
        "select process_id, group_key, question_id, item, n from core_answer_cells",
        "select process_id, group_key, question_id, item, count(*) from answers where value_int is not null "
        f"and {CORE} group by 1, 2, 3, 4",
    ),
]


def _mismatches(conn, summary: str, raw: str) -> int:
    """Rows in one and not the other, both ways."""
    return conn.execute(
        f"select (select count(*) from ({summary} except {raw})) + (select count(*) from ({raw} except {summary}))"
    ).fetchone()[0]


def time_database(path: str) -> None:
    from datasette_plugins.aggregates import attitude_figures

    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    from datasette_plugins.sql_functions import register_functions

    register_functions(conn)
    answers = conn.execute("select count(*) from answers").fetchone()[0]
    cells = conn.execute("select count(*) from answer_counts").fetchone()[0]
    mismatch = sum(_mismatches(conn, summary, raw) for summary, raw in SUMMARY_CHECKS)
    print(f"{path}: {answers:,} answers, {cells:,} answer_counts rows, summary mismatches: {mismatch}")
    management = _best(lambda: attitude_figures(conn, lang="sv", suppress=True, k=5))
    evaluator = _best(lambda: attitude_figures(conn, lang="sv", suppress=False))
    naive = _best(
        lambda: conn.execute(
            "select a.question_id, r.group_key, a.value_int, count(*) from answers a join responses r on r.id = a.response_id "
            "join questions q on q.id = a.question_id where q.core = 1 and q.type = 'likert' group by 1, 2, 3"
        ).fetchall(),
        repeat=1,
    )
    print(f"  management attitudes (suppressed):  best {management[0]:.1f} ms, median {management[1]:.1f} ms")
    print(f"  evaluator core distribution (all):  best {evaluator[0]:.1f} ms, median {evaluator[1]:.1f} ms")
    print(f"  naive GROUP BY over answers (ref.): {naive[0]:.0f} ms")
    for role, page in (("management", "/-/medverkan/attitudes"), ("evaluator", "/-/medverkan/attitudes")):
        best, median = _page_timing(path, role, page)
        print(f"  {role} GET {page} (whole page, in-process Datasette): best {best:.1f} ms, median {median:.1f} ms")


def _page_timing(path: str, role: str, page: str, repeat: int = 20) -> tuple[float, float]:
    """Render a plugin page as a signed-in user through ``datasette.client``."""
    import asyncio

    from tests.fixtures.datasette import actor_cookie
    from tests.fixtures.datasette import make_datasette

    datasette = make_datasette(path)
    cookies = actor_cookie(datasette, f"bench-{role}", role)

    async def measure():
        timings = []
        for _ in range(repeat + 1):
            t0 = time.perf_counter()
            response = await datasette.client.get(page, cookies=cookies)
            timings.append(time.perf_counter() - t0)
            assert response.status_code == 200, response.status_code
        timings = timings[1:]  # the first one warms up
        return min(timings) * 1000, statistics.median(timings) * 1000

    return asyncio.run(measure())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    gen = sub.add_parser("generate")
    gen.add_argument("path")
    gen.add_argument("--answers", type=int, default=1_000_000)
    gen.add_argument("--realistic", action="store_true", help="recruitment-like group shares: many small cells")
    timing = sub.add_parser("time")
    timing.add_argument("paths", nargs="+")
    args = parser.parse_args()
    if args.command == "generate":
        generate(args.path, args.answers, realistic=args.realistic)
    else:
        for path in args.paths:
            time_database(path)


if __name__ == "__main__":
    main()
