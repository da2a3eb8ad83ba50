"""What one completed questionnaire costs the server, end to end (issue 15 part 5).

``submit_load.py`` times only the final POST of a draft that is already
saved. A respondent's real cost is every request: open the personal link,
every page (each a POST that saves the draft, then the redirected GET of the
next page: post/redirect/get), the review page, the submission and the
receipt. This script has respondents do exactly that against Medverkan and
the naive one-page Flask-WTF form (``naive_app.py``: GET the form, POST 30
answers, GET the thank-you page), both under the production gunicorn
configuration, and reports per completed questionnaire:

* requests (counted on the client),
* server CPU: user + system time of the gunicorn workers (``/proc``) over the
  run, divided by the questionnaires completed,
* completed questionnaires per second with ``--clients`` respondents at once,
* stored = acknowledged (every receipt's response is in the served DB).

    python bench/whole_questionnaire.py --questionnaires 300 --clients 4

Server CPU is what the two systems are compared on: wall-clock rates on a
shared 2-core machine include the load generator (httpx, same machine).
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.submit_load import start_naive  # noqa: E402
from collector.db import connect  # noqa: E402
from collector.demo.case import CASE_CODE  # noqa: E402
from collector.demo.case import run_demo  # noqa: E402
from collector.invitations import create_invitation  # noqa: E402
from tests.fixtures.servers import start_gunicorn  # noqa: E402
from tests.http_respondent import Respondent  # noqa: E402
from tests.http_respondent import read_form  # noqa: E402

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def worker_cpu_seconds(master_pid: int) -> float:
    """User + system CPU of the gunicorn master's children (the workers), from /proc."""
    total = 0
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == master_pid:  # ppid
            total += int(fields[11]) if os.environ.get("ONLY")=="u" else (int(fields[12]) if os.environ.get("ONLY")=="s" else int(fields[11])+int(fields[12]))
    return total / CLOCK_TICKS


class Counted(Respondent):
    """A Respondent that counts every HTTP request it makes (redirects included)."""

    def __init__(self, base_url, link_path):
        super().__init__(base_url, link_path)
        self.requests = 0
        self.client.event_hooks["request"] = [self._count]

    def _count(self, _request):
        self.requests += 1


def medverkan_one(url, token) -> tuple[int, str | None]:
    respondent = Counted(url, f"/s/{token}")
    try:
        code = respondent.complete()
        return respondent.requests, code
    finally:
        respondent.close()


def naive_one(url, _index) -> tuple[int, str | None]:
    counted = {"n": 0}

    def count(_request):
        counted["n"] += 1

    with httpx.Client(base_url=url, follow_redirects=True, event_hooks={"request": [count]}) as client:
        form = client.get("/form")
        reader = read_form(form.text, "/submit")
        data = [(f.get("name"), f.get("value", "")) for f in reader.fields if f.get("type") == "hidden"]
        data += [(f"q{i}", str(1 + i % 5)) for i in range(30)]
        thanks = client.post("/submit", data=dict(data))
        return counted["n"], "ok" if thanks.status_code == 200 else None


def run(name, url, master_pid, jobs, clients, one):
    cpu_before = worker_cpu_seconds(master_pid)
    started = time.perf_counter()
    with ThreadPoolExecutor(clients) as pool:
        results = list(pool.map(lambda job: one(url, job), jobs))
    elapsed = time.perf_counter() - started
    cpu = worker_cpu_seconds(master_pid) - cpu_before
    done = [r for r in results if r[1]]
    return {
        "system": name,
        "completed": len(done),
        "requests": sum(r[0] for r in done) / max(len(done), 1),
        "cpu_ms": cpu * 1000 / max(len(done), 1),
        "per_second": len(done) / elapsed,
        "receipts": [r[1] for r in done],
    }


def count_rows(path, sql, params=()):
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as conn:
        return conn.execute(sql, params).fetchone()[0]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--questionnaires", type=int, default=300)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--warmup", type=int, default=20)
    args = parser.parse_args()

    directory = Path(tempfile.mkdtemp(prefix="medverkan-whole-"))
    served, contacts = str(directory / "medverkan.db"), str(directory / "contacts.db")
    run_demo(served, contacts, base_url="http://127.0.0.1")
    served_db = connect(served)
    process_id = served_db.execute("select id from processes where code = ?", [CASE_CODE]).fetchone()[0]
    served_db.conn.close()
    contacts_db = connect(contacts)
    tokens = [create_invitation(contacts_db, process_id, "representative") for _ in range(args.questionnaires + args.warmup)]
    contacts_db.conn.close()

    medverkan = start_gunicorn(served, contacts, env={"MEDVERKAN_ACCESS_LOG": "/dev/null"})
    naive = start_naive(directory)
    try:
        run("warm-up", medverkan.url, medverkan.process.pid, tokens[: args.warmup], args.clients, medverkan_one)
        run("warm-up", naive.url, naive.process.pid, range(args.warmup), args.clients, naive_one)
        before = count_rows(served, "select count(*) from responses")
        rows = [
            run("naive", naive.url, naive.process.pid, range(args.questionnaires), args.clients, naive_one),
            run("Medverkan", medverkan.url, medverkan.process.pid, tokens[args.warmup :], args.clients, medverkan_one),
        ]
        stored = count_rows(served, "select count(*) from responses") - before
    finally:
        medverkan.stop()
        naive.stop()
    print(f"{'system':10s} {'completed':>9s} {'requests':>9s} {'server CPU ms':>14s} {'per second':>11s}")
    for row in rows:
        print(
            f"{row['system']:10s} {row['completed']:9d} {row['requests']:9.1f} {row['cpu_ms']:14.1f} {row['per_second']:11.1f}"
        )
    ratio = rows[1]["cpu_ms"] / rows[0]["cpu_ms"]
    print(f"server CPU per completed questionnaire, Medverkan / naive: {ratio:.2f}x")
    print(f"Medverkan stored {stored} responses for {rows[1]['completed']} receipts")
    assert stored == rows[1]["completed"], "a receipt without its stored response"


if __name__ == "__main__":
    main()
