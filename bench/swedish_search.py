"""Swedish search at 20,000 responses (issue 13 part 4), run by hand.

    python bench/swedish_search.py /tmp/search20k.db --responses 20000
    python bench/swedish_search.py /tmp/search20k.db --search-only

Builds a served database with the real migrations and ``--responses``
responses with three free-text answers of 20 words each, drawn from Swedish
words with their inflections and compounds (plus made-up words, so the
vocabulary is as large as real answers'), indexed by the real triggers.
Then, in the same run:

* indexing cost per submission with free text: one response with one
  free-text answer stored and the index merged in its transaction, as
  ``store_response`` does (collector/respondent/erasure.py), with the word
  index this code uses (unchanged: ``answers_fts``, unicode61) and, for
  comparison, with a trigram index (the alternative not taken);
* the size of each index;
* the search page's work (vocabulary lookup, count, first page of hits) for
  a few Swedish queries, through ``search_page._search``.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench import free_text_db  # noqa: E402
from collector.db import connect  # noqa: E402
from datasette_plugins import search_page  # noqa: E402

BASES = (
    "återkoppling rekrytering intervju kandidat representant brukare möte fråga arbetsgivare organisation "
    "chef sökande erfarenhet förberedelse inflytande delaktighet tjänst beslut samtal utbildning förtroende "
    "process bedömning referens enhet förvaltning handläggare socialtjänst ungdom familj stöd boende missbruk "
    "behandling grupp roll ansvar tid information underlag kompetens perspektiv trygghet"
).split()
SUFFIXES = ("", "en", "et", "ar", "arna", "or", "orna", "na", "er", "erna", "s")
QUERIES = ("återkopplingen", "representant", "kandidaterna", "mötet", "brukarrepresentanterna", "trygghet förvaltningen")


class _Request:
    """What ``search_page._search`` reads of a request: its arguments."""

    def __init__(self, **args):
        self.args = args


def _vocabulary(rng: random.Random) -> list[str]:
    words = [base + suffix for base in BASES for suffix in SUFFIXES]
    words += [rng.choice(BASES) + rng.choice(BASES) + rng.choice(SUFFIXES) for _ in range(3000)]  # compounds
    words += ["".join(rng.choice("abdefghijklmnoprstuvyåäö") for _ in range(rng.randint(3, 11))) for _ in range(15000)]
    return words


def generate(path: str, responses: int, seed: int = 13) -> None:
    free_text_db.generate(path, responses, _vocabulary, seed=seed, capitalise=True)


def to_trigram(path: str) -> None:
    """The same database with ``answers_fts`` as a trigram index (triggers unchanged)."""
    conn = connect(path).conn
    conn.execute("drop table answers_fts")
    conn.execute(
        "create virtual table answers_fts using fts5(value_text, content='answers', content_rowid='rowid', tokenize='trigram')"
    )
    conn.execute("insert into answers_fts(answers_fts) values ('rebuild')")
    conn.execute("insert into answers_fts(answers_fts) values ('optimize')")
    conn.execute("VACUUM")
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()


def _submit_text(conn, response_id: int) -> float:
    """One response with one free-text answer and the merge, as store_response wrote it before the batches."""
    return free_text_db.submit_text(conn, response_id, "Återkopplingen till brukarrepresentanterna kom sent", merge=True)


def _fts_megabytes(conn) -> float:
    return conn.execute("select sum(length(block)) from answers_fts_data").fetchone()[0] / 1e6


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("path")
    parser.add_argument("--responses", type=int, default=20000)
    parser.add_argument("--submissions", type=int, default=10)
    parser.add_argument("--search-only", action="store_true", help="time the searches only (no submissions, no trigram copy)")
    args = parser.parse_args()
    if not os.path.exists(args.path):
        generate(args.path, args.responses)
    conn = connect(args.path).conn
    responses = conn.execute("select count(*) from responses").fetchone()[0]
    texts = conn.execute("select count(*) from answers where value_text is not null").fetchone()[0]
    print(f"{responses:,} responses, {texts:,} free-text answers, {os.path.getsize(args.path) / 1e6:.1f} MB file")
    for query in QUERIES:
        timings, result = [], None
        for _ in range(5):
            started = time.perf_counter()
            result = search_page._search(conn, _Request(q=query), "sv", query)
            timings.append(time.perf_counter() - started)
        forms = ", ".join(f"{w.typed}: {len(w.terms)} word forms" for w in result["plan"].words)
        print(f"search {query!r}: {result['total']:,} answers, median {statistics.median(timings) * 1000:.0f} ms ({forms})")

    if args.search_only:
        return
    trigram_path = args.path + ".trigram.db"
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # the copy is the whole database
    shutil.copyfile(args.path, trigram_path)
    to_trigram(trigram_path)
    trigram = connect(trigram_path).conn
    print(f"index size: words (unicode61) {_fts_megabytes(conn):.1f} MB, trigram {_fts_megabytes(trigram):.1f} MB")
    words = [_submit_text(conn, 10**12 + random.getrandbits(48)) for _ in range(args.submissions)]
    trigrams = [_submit_text(trigram, 10**12 + random.getrandbits(48)) for _ in range(args.submissions)]
    print(f"submission with free text + merge, word index (this code): median {statistics.median(words) * 1000:.0f} ms")
    print(f"submission with free text + merge, trigram index (not taken): median {statistics.median(trigrams) * 1000:.0f} ms")
    trigram.close()
    os.remove(trigram_path)
    for suffix in ("-wal", "-shm"):
        if os.path.exists(trigram_path + suffix):
            os.remove(trigram_path + suffix)


if __name__ == "__main__":
    main()
