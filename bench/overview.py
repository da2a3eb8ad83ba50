"""Time the coordinator's overview (GET /coordinator/) over many processes.

The overview asks, per visible process, the same questions the process page
asks (stages, response rates, reminder candidates, feedback recipients,
follow-ups): a handful of indexed queries each, so its cost grows with the
number of processes an account sees. This builds PROCESSES processes in one
department with PARTICIPANTS invited participants each (a third answered),
stages and some scheduled follow-ups, then times the whole page (signed in
as an admin, through the Flask test client: rendering included) and the
query alone.

    python bench/overview.py --processes 500 --participants 20 --runs 5
"""

from __future__ import annotations

import argparse
import datetime
import random
import statistics
import tempfile
import time
from pathlib import Path

from collector import create_app
from collector.coordinator import overview
from collector.coordinator import users
from collector.db import connect
from collector.db import immediate_transaction
from collector.migrations import init_databases

PASSWORD = "benchmark password"
TODAY = datetime.date(2026, 6, 1)
GROUPS = ("representative", "candidate", "manager", "union")


def build(served, contacts, processes: int, participants: int, seed: int = 11) -> None:
    rng = random.Random(seed)
    served["departments"].insert({"key": "d", "name_sv": "D", "name_en": "D"}, ignore=True)
    with immediate_transaction(served):
        served["processes"].insert_all(
            {"id": i, "code": f"P{i}", "post_title": f"Enhetschef {i}", "department": "d",
             "status": rng.choice(["planning", "collecting", "closed"]), "opened_on": f"{rng.choice([2024, 2025, 2026])}-03-01"}
            for i in range(1, processes + 1)
        )
        served["process_stages"].insert_all(
            {"process_id": i, "position": n, "label_sv": f"Steg {n}",
             "starts_on": (TODAY + datetime.timedelta(days=20 * n - 40)).isoformat()}
            for i in range(1, processes + 1) for n in range(1, 5)
        )
    sent_on = (TODAY - datetime.timedelta(days=10)).isoformat()
    expires_on = (TODAY + datetime.timedelta(days=50)).isoformat()
    with immediate_transaction(contacts):
        contacts["participants"].insert_all(
            {"id": (p - 1) * participants + n, "process_id": p, "group_key": GROUPS[n % 4], "name": f"N{p}-{n}",
             "email": f"p{p}-{n}@example.se", "language": "sv", "created_on": sent_on}
            for p in range(1, processes + 1) for n in range(1, participants + 1)
        )
        contacts["invitations"].insert_all(
            {"process_id": p, "group_key": GROUPS[n % 4], "participant_id": (p - 1) * participants + n,
             "token_hash": f"h{p}-{n}", "language": "sv", "status": "answered" if n % 3 == 0 else "open",
             "created_on": sent_on, "sent_on": sent_on, "expires_on": expires_on, "reminders_sent": 0, "is_followup": 0}
            for p in range(1, processes + 1) for n in range(1, participants + 1)
        )
        contacts["scheduled_followups"].insert_all(
            {"process_id": p, "participant_id": (p - 1) * participants + 1, "due_on": TODAY.isoformat()}
            for p in range(1, processes + 1, 7)
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--processes", type=int, default=500)
    parser.add_argument("--participants", type=int, default=20)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as directory:
        served_path, contacts_path = str(Path(directory) / "m.db"), str(Path(directory) / "c.db")
        init_databases(served_path, contacts_path)
        served, contacts = connect(served_path), connect(contacts_path)
        build(served, contacts, args.processes, args.participants)
        users.add_user(contacts, "admin", PASSWORD, "admin")
        app = create_app({"SECRET_KEY": "bench", "DATABASE": served_path, "CONTACTS_DATABASE": contacts_path,
                          "TODAY": TODAY.isoformat(), "WTF_CSRF_ENABLED": False, "RATELIMIT_ENABLED": False},
                         instance_path=str(Path(directory) / "instance"))
        client = app.test_client()
        client.post("/staff/login", data={"username": "admin", "password": PASSWORD})
        client.get("/coordinator/")  # warm-up: first request compiles templates and catalogues
        page_times, query_times = [], []
        for _ in range(args.runs):
            started = time.perf_counter()
            response = client.get("/coordinator/")
            page_times.append(time.perf_counter() - started)
            assert response.status_code == 200 and f"P{args.processes}" in response.get_data(as_text=True)
        with app.test_request_context():
            admin = users.get_user_by_username(contacts, "admin")
            for _ in range(args.runs):
                started = time.perf_counter()
                rows, _years = overview.overview(served, contacts, admin, app.config, TODAY, overview.Filters())
                query_times.append(time.perf_counter() - started)
        needs = sum(len(row.needs) for row in rows)
        print(f"{args.processes} processes x {args.participants} participants, {needs} needs-action items")
        print(f"page  GET /coordinator/: median {statistics.median(page_times):.3f} s (min {min(page_times):.3f})")
        print(f"query overview():        median {statistics.median(query_times):.3f} s (min {min(query_times):.3f})")


if __name__ == "__main__":
    main()
