"""Cost of erasing a withdrawal's residue (issue 10 part 1), run by hand.

    python bench/withdrawal_erasure.py /tmp/erase.db --responses 20000

Builds a served database with the real migrations, loads ``--responses``
synthetic responses with three free-text answers of 20 words each (a
vocabulary of 20,000 made-up words, indexed by the real FTS5 triggers),
then withdraws 10 responses as ``collector.respondent.submission.withdraw``
does (delete, FTS 'optimize', WAL checkpoint+truncate, secure_delete on)
and, for comparison, 10 with the delete alone. Prints the median time of
each and the size of the full-text index; then times 10 submissions with
free text with and without the index merge of issue 10 part 2, and
``--batched`` submissions through the real ``store_response`` with the
batched release (``collector.respondent.search_release``): every one
released at once (``full_text_batch=1``, the per-submission merge) against
``FULL_TEXT_BATCH`` (the median, the submissions that released a batch,
and a ``medverkan release-search`` of what is left).
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench import free_text_db  # noqa: E402
from collector import settings  # noqa: E402
from collector.db import connect  # noqa: E402
from collector.respondent import erasure  # noqa: E402
from collector.respondent import search_release  # noqa: E402
from collector.respondent.submission import store_response  # noqa: E402


def _word(rng: random.Random) -> str:
    return "".join(rng.choice("abcdefghijklmnoprstuvyåäö") for _ in range(rng.randint(3, 11)))


def generate(path: str, responses: int, seed: int = 10) -> None:
    free_text_db.generate(path, responses, lambda rng: [_word(rng) for _ in range(20000)], seed=seed)


def _withdraw(conn, response_id: int, erase: bool) -> float:
    started = time.perf_counter()
    conn.execute("BEGIN IMMEDIATE")
    conn.execute("delete from answers where response_id = ?", [response_id])
    conn.execute("delete from responses where id = ?", [response_id])
    if erase:
        erasure.merge_full_text_index(conn)
    conn.execute("COMMIT")
    if erase:
        erasure.truncate_wal(conn)
    return time.perf_counter() - started


def _submit_text(conn, response_id: int, merge: bool) -> float:
    return free_text_db.submit_text(conn, response_id, "ett nytt svar med några ord", merge=merge)


def _store(db, batch: int) -> tuple[float, int]:
    """One real submission with one free-text answer; (seconds, answers it released)."""
    conn = db.conn
    instrument_id, group_key = conn.execute("select instrument_id, group_key from responses limit 1").fetchone()
    key = conn.execute("select key from questions where instrument_id = ? and type = 'text' limit 1", [instrument_id]).fetchone()[0]
    waiting = conn.execute("select count(*) from free_text_waiting").fetchone()[0]
    started = time.perf_counter()
    store_response(
        db, process_id=1, group_key=group_key, instrument_id=instrument_id, answers={key: "ett nytt svar med några ord"},
        language="sv", submitted_on="2026-12-01", full_text_batch=batch,
    )
    elapsed = time.perf_counter() - started
    left = conn.execute("select count(*) from free_text_waiting").fetchone()[0]
    return elapsed, (waiting + 1 - left)


def _batched(path: str, submissions: int, batch: int) -> None:
    db = connect(path)
    _store(db, 1)  # warm the instrument caches
    every = [_store(db, 1)[0] for _ in range(10)]
    print(f"store_response, each answer released at once (FULL_TEXT_BATCH=1): median {statistics.median(every) * 1000:.0f} ms")
    timed = [_store(db, batch) for _ in range(submissions)]
    waited = [t for t, released in timed if not released]
    released = [t for t, moved in timed if moved]
    median_ms = statistics.median(t for t, _ in timed) * 1000
    print(f"store_response, FULL_TEXT_BATCH={batch}, {submissions} submissions: median {median_ms:.1f} ms")
    print(f"  {len(waited)} waited: median {statistics.median(waited) * 1000:.1f} ms, max {max(waited) * 1000:.1f} ms")
    if released:
        print(f"  {len(released)} released a batch: median {statistics.median(released) * 1000:.0f} ms, max {max(released) * 1000:.0f} ms")
    left = db.conn.execute("select count(*) from free_text_waiting").fetchone()[0]
    started = time.perf_counter()
    search_release.release_now(db)
    print(f"release-search of the {left} left waiting: {(time.perf_counter() - started) * 1000:.0f} ms")
    db.conn.close()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("path")
    parser.add_argument("--responses", type=int, default=20000)
    parser.add_argument("--batched", type=int, default=35, help="submissions through store_response with FULL_TEXT_BATCH")
    args = parser.parse_args()
    if not os.path.exists(args.path):
        generate(args.path, args.responses)
    conn = connect(args.path).conn
    fts_bytes = conn.execute("select sum(length(block)) from answers_fts_data").fetchone()[0]
    responses = conn.execute("select count(*) from responses").fetchone()[0]
    print(f"{responses:,} responses, {os.path.getsize(args.path) / 1e6:.1f} MB file, FTS data {fts_bytes / 1e6:.1f} MB")
    ids = [row[0] for row in conn.execute("select id from responses order by random() limit 20")]
    erased = [_withdraw(conn, response_id, True) for response_id in ids[:10]]
    plain = [_withdraw(conn, response_id, False) for response_id in ids[10:]]
    print(f"withdrawal with erasure: median {statistics.median(erased) * 1000:.0f} ms, max {max(erased) * 1000:.0f} ms")
    print(f"delete only (old code):  median {statistics.median(plain) * 1000:.1f} ms")
    merged = [_submit_text(conn, 10**12 + n, True) for n in range(10)]
    unmerged = [_submit_text(conn, 2 * 10**12 + n, False) for n in range(10)]
    print(f"submission with free text, index merged: median {statistics.median(merged) * 1000:.0f} ms")
    print(f"submission with free text, not merged (old code): median {statistics.median(unmerged) * 1000:.1f} ms")
    conn.close()
    _batched(args.path, args.batched, settings.FULL_TEXT_BATCH)


if __name__ == "__main__":
    main()
