"""Time the pool's served-count refresh (collector.brukarbank.profile.refresh).

Every pick, undo, edit, training change and removal rebuilds
``representative_profile`` from the whole pool in one served transaction, so
its cost grows with the pool. This builds a pool of MEMBERS members with
random areas and training, spread over PROCESSES processes (ASSIGNMENTS
assignments), then times refresh() a few times.

    python bench/brukarbank_refresh.py --members 2000 --processes 500 --assignments 3 --runs 5
"""

from __future__ import annotations

import argparse
import datetime
import random
import statistics
import tempfile
import time
from pathlib import Path

from collector.brukarbank import profile
from collector.brukarbank.vocabulary import AREA_KEYS
from collector.db import connect
from collector.db import immediate_transaction
from collector.migrations import init_databases


def build(served, contacts, members: int, processes: int, per_process: int, seed: int = 7) -> None:
    rng = random.Random(seed)
    today = datetime.date(2026, 1, 1).isoformat()
    served["departments"].insert({"key": "d", "name_sv": "D", "name_en": "D"}, ignore=True)
    with immediate_transaction(served):
        served["processes"].insert_all(
            {"id": i, "code": f"P{i}", "post_title": "Post", "department": "d", "status": rng.choice(["collecting", "closed"])}
            for i in range(1, processes + 1)
        )
    with immediate_transaction(contacts):
        contacts["pool_members"].insert_all(
            {"id": i, "department": "d", "name": f"N{i}", "email": f"m{i}@example.se", "language": "sv",
             "registered_on": today, "updated_on": today}
            for i in range(1, members + 1)
        )
        contacts["pool_member_areas"].insert_all(
            {"member_id": i, "area_key": key}
            for i in range(1, members + 1) for key in rng.sample(AREA_KEYS, rng.randint(1, 3))
        )
        contacts["pool_trainings"].insert_all(
            {"member_id": i, "course": "Intro", "recorded_on": today} for i in range(1, members + 1) if rng.random() < 0.6
        )
        contacts["pool_assignments"].insert_all(
            {"member_id": member, "process_id": p, "assigned_on": today}
            for p in range(1, processes + 1) for member in rng.sample(range(1, members + 1), per_process)
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--members", type=int, default=2000)
    parser.add_argument("--processes", type=int, default=500)
    parser.add_argument("--assignments", type=int, default=3, help="pool representatives per process")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as work:
        served_path, contacts_path = str(Path(work) / "s.db"), str(Path(work) / "c.db")
        init_databases(served_path, contacts_path)
        served, contacts = connect(served_path), connect(contacts_path)
        build(served, contacts, args.members, args.processes, args.assignments)
        timings = []
        for _ in range(args.runs):
            start = time.perf_counter()
            rows = profile.refresh(served, contacts, 5)
            timings.append((time.perf_counter() - start) * 1000)
        shown = served.execute("select count(*) from representative_profile where suppressed = 0").fetchone()[0]
        print(f"{args.members} members, {args.processes} processes x {args.assignments} representatives: "
              f"{rows} rows ({shown} shown); refresh median {statistics.median(timings):.1f} ms, "
              f"max {max(timings):.1f} ms over {args.runs} runs")


if __name__ == "__main__":
    main()
