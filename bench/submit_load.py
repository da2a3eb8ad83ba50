"""Submission throughput and latency: Medverkan vs a naive Flask + WTForms app,
side by side in one run, both under the production gunicorn configuration
(collector/ops/gunicorn_conf.py: sync workers, one per core). Run by hand:

    python bench/submit_load.py --connections 16 64 --submissions 3000
    python bench/submit_load.py weight

One timed request = one stored response:

* Medverkan: ``POST /svar/skicka`` of a respondent whose answers are in a
  saved draft (session cookie + CSRF token obtained beforehand, untimed).
  The request checks CSRF and the invitation, runs the three-step
  submission (contacts, served with answers + answer_counts +
  response_counts, contacts with receipt) and redirects to the receipt.
* naive: ``POST /submit`` of a 30-question Flask-WTF form (CSRF checked)
  stored as 1 + 30 rows in one transaction (bench/naive_app.py).

The load generator is bounded (a fixed number of submissions per cell,
keep-alive connections driven by one asyncio loop with pre-encoded
requests) and runs on the same machine.
After each cell, rows stored are compared with acknowledgements (HTTP 303).

``weight`` prints a respondent page's HTML + CSS + JS bytes and the
server's render time for it (median of 200 GETs).
"""

from __future__ import annotations

import argparse
import http.client
import json
import re
import sqlite3
import statistics
import sys
import tempfile
import time
import urllib.parse
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from collector.db import connect  # noqa: E402
from collector.demo.case import CASE_CODE  # noqa: E402
from collector.demo.case import run_demo  # noqa: E402
from collector.invitations import create_invitation  # noqa: E402
from collector.respondent.submission import reserve  # noqa: E402
from tests.fixtures.servers import start_gunicorn  # noqa: E402
from tests.fixtures.servers import wait_until_up  # noqa: E402
from tests.http_respondent import Respondent  # noqa: E402

CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


class Session:
    __slots__ = ("cookie", "csrf", "body")

    def __init__(self, cookie, csrf, body=None):
        self.cookie, self.csrf, self.body = cookie, csrf, body


def _request(conn, method, path, body=None, cookie=None):
    headers = {}
    if cookie:
        headers["Cookie"] = cookie
    if body is not None:
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    conn.request(method, path, body=body, headers=headers)
    response = conn.getresponse()
    data = response.read()
    set_cookie = response.getheader("Set-Cookie")
    if set_cookie:
        cookie = set_cookie.split(";", 1)[0]
    return response.status, response.getheader("Location") or "", data.decode("utf-8", "replace"), cookie


def _conn(url):
    parsed = urllib.parse.urlparse(url)
    return http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=60)


# --- Medverkan ------------------------------------------------------------------


def medverkan_sessions(server_url, served, contacts, count):
    """Invitations with a complete saved draft, each opened once (cookie + CSRF)."""
    served_db = connect(served)
    process_id = served_db.execute("select id from processes where code = ?", [CASE_CODE]).fetchone()[0]
    served_db.conn.close()
    contacts_db = connect(contacts)
    # One real respondent answers every page, so the draft has the flow's own shape.
    token = create_invitation(contacts_db, process_id, "representative")
    template = Respondent(server_url, f"/s/{token}")
    template.answer_all_pages()
    template.close()
    invitation_id = contacts_db.execute(
        "select id from invitations where token_hash = (select token_hash from invitations order by id desc limit 1)"
    ).fetchone()[0]
    page, data_json, language = contacts_db.execute(
        "select page, data_json, language from drafts where invitation_id = ?", [invitation_id]
    ).fetchone()
    answers = len(json.loads(data_json).get("answers", {})) if data_json.startswith("{") else None
    tokens = []
    with contacts_db.conn:
        pass
    contacts_db.conn.execute("BEGIN IMMEDIATE")
    for _ in range(count):
        token = create_invitation(contacts_db, process_id, "representative")
        new_id = contacts_db.conn.execute("select last_insert_rowid()").fetchone()[0]
        contacts_db.conn.execute(
            "insert into drafts (invitation_id, page, data_json, language, updated_on) values (?, ?, ?, ?, date('now'))",
            [new_id, page, data_json, language],
        )
        reserve(contacts_db, new_id)  # as saving the draft in the flow does
        tokens.append(token)
    contacts_db.conn.execute("COMMIT")
    contacts_db.conn.close()

    def open_one(token):
        conn = _conn(server_url)
        _, _, _, cookie = _request(conn, "GET", f"/s/{token}")
        _, _, html, cookie2 = _request(conn, "GET", "/svar/granska", cookie=cookie)
        conn.close()
        csrf = CSRF.search(html).group(1)
        return Session(cookie2 or cookie, csrf, urllib.parse.urlencode({"csrf_token": csrf}))

    with ThreadPoolExecutor(16) as pool:
        sessions = list(pool.map(open_one, tokens))
    return sessions, answers


# --- naive ---------------------------------------------------------------------------


def naive_sessions(server_url, count):
    def open_one(_):
        conn = _conn(server_url)
        _, _, html, cookie = _request(conn, "GET", "/form")
        conn.close()
        csrf = CSRF.search(html).group(1)
        fields = [("csrf_token", csrf)] + [(f"q{i}", str(1 + i % 5)) for i in range(30)]
        return Session(cookie, csrf, urllib.parse.urlencode(fields))

    with ThreadPoolExecutor(16) as pool:
        return list(pool.map(open_one, range(count)))


def start_naive(directory):
    import os
    import subprocess

    from tests.fixtures.servers import REPO
    from tests.fixtures.servers import ServerProcess
    from tests.fixtures.servers import free_port

    port = free_port()
    env = dict(os.environ, NAIVE_DB=str(directory / "naive.db"), MEDVERKAN_BIND=f"127.0.0.1:{port}", MEDVERKAN_ACCESS_LOG="/dev/null")
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "python:collector.ops.gunicorn_conf", "bench.naive_app:create_app()"],
        cwd=REPO,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    server = ServerProcess(process, f"http://127.0.0.1:{port}")
    wait_until_up(server.url + "/thanks", process)
    return server


# --- the load ------------------------------------------------------------------------


def _raw_request(url, path, session) -> bytes:
    """The whole POST as bytes, built before the clock starts."""
    host = urllib.parse.urlparse(url).netloc
    body = session.body.encode()
    cookie = f"Cookie: {session.cookie}\r\n" if session.cookie else ""
    return (
        f"POST {path} HTTP/1.1\r\nHost: {host}\r\n{cookie}"
        f"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {len(body)}\r\n\r\n"
    ).encode() + body


async def _read_response(reader) -> tuple[int, bool]:
    """(status, whether the server keeps the connection open)."""
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head[9:12])
    length, keep_alive = 0, True
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        name = name.strip().lower()
        if name == b"content-length":
            length = int(value)
        elif name == b"connection" and value.strip().lower() == b"close":
            keep_alive = False
    if length:
        await reader.readexactly(length)
    return status, keep_alive


def run_load(server_url, path, sessions, connections):
    """POST every prepared session once over ``connections`` keep-alive connections.

    An asyncio client with pre-encoded requests: it runs on the same two
    cores as the servers, so it must cost them as little CPU as possible
    (a thread per connection with ``http.client`` took a third of it).
    """
    import asyncio

    parsed = urllib.parse.urlparse(server_url)
    queue = [_raw_request(server_url, path, session) for session in sessions]
    latencies, counts = [], {"acks": 0, "errors": 0}

    async def worker():
        writer = None
        while queue:
            request = queue.pop()
            started = time.perf_counter()
            try:
                if writer is None:
                    # gunicorn's sync workers close after each response, as
                    # a browser's submit would find them: connecting is timed.
                    reader, writer = await asyncio.open_connection(parsed.hostname, parsed.port)
                writer.write(request)
                status, keep_alive = await _read_response(reader)
                if not keep_alive:
                    writer.close()
                    writer = None
            except (OSError, asyncio.IncompleteReadError, ValueError):
                counts["errors"] += 1
                if writer is not None:
                    writer.close()
                writer = None
                continue
            latencies.append(time.perf_counter() - started)
            counts["acks" if status == 303 else "errors"] += 1
        if writer is not None:
            writer.close()

    async def main():
        await asyncio.gather(*(worker() for _ in range(connections)))

    started = time.perf_counter()
    asyncio.run(main())
    elapsed = time.perf_counter() - started
    latencies.sort()

    def pct(p):
        return latencies[min(len(latencies) - 1, int(p * len(latencies)))] * 1000

    return {
        "rps": counts["acks"] / elapsed, "p50": pct(0.50), "p99": pct(0.99),
        "acks": counts["acks"], "errors": counts["errors"], "seconds": elapsed,
    }


def count_rows(path, table):
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return conn.execute(f"select count(*) from {table}").fetchone()[0]
    finally:
        conn.close()


def throughput(connections_list, submissions):
    directory = Path(tempfile.mkdtemp(prefix="medverkan-bench-"))
    served, contacts = str(directory / "medverkan.db"), str(directory / "contacts.db")
    run_demo(served, contacts, base_url="http://127.0.0.1")
    medverkan = start_gunicorn(served, contacts, env={"MEDVERKAN_ACCESS_LOG": "/dev/null"})
    naive = start_naive(directory)
    rows = []
    try:
        for connections in connections_list:
            for name in ("naive", "medverkan"):
                if name == "naive":
                    sessions = naive_sessions(naive.url, submissions)
                    before = count_rows(directory / "naive.db", "responses")
                    result = run_load(naive.url, "/submit", sessions, connections)
                    stored = count_rows(directory / "naive.db", "responses") - before
                    answers = 30
                else:
                    sessions, _ = medverkan_sessions(medverkan.url, served, contacts, submissions)
                    before = count_rows(served, "responses")
                    answers_before = count_rows(served, "answers")
                    result = run_load(medverkan.url, "/svar/skicka", sessions, connections)
                    stored = count_rows(served, "responses") - before
                    answers = round((count_rows(served, "answers") - answers_before) / max(stored, 1), 1)
                result.update(system=name, connections=connections, stored=stored, answers_per_response=answers)
                rows.append(result)
                print(
                    f"{name:10s} c={connections:3d}  {result['rps']:7.0f} subm/s  p50 {result['p50']:6.1f} ms  "
                    f"p99 {result['p99']:6.1f} ms  acks {result['acks']}  stored {stored}  errors {result['errors']}  "
                    f"answers/response {answers}",
                    flush=True,
                )
                assert stored == result["acks"], f"{name}: stored {stored} != acknowledged {result['acks']}"
    finally:
        medverkan.stop()
        naive.stop()
    return rows


def weight():
    directory = Path(tempfile.mkdtemp(prefix="medverkan-weight-"))
    served, contacts = str(directory / "medverkan.db"), str(directory / "contacts.db")
    run_demo(served, contacts, base_url="http://127.0.0.1")
    server = start_gunicorn(served, contacts, env={"MEDVERKAN_ACCESS_LOG": "/dev/null"})
    try:
        served_db = connect(served)
        process_id = served_db.execute("select id from processes where code = ?", [CASE_CODE]).fetchone()[0]
        contacts_db = connect(contacts)
        token = create_invitation(contacts_db, process_id, "representative")
        conn = _conn(server.url)
        _, _, _, cookie = _request(conn, "GET", f"/s/{token}")
        for path in ("/svar", "/svar/sida/1", "/svar/sida/2"):
            status, _, html, cookie = _request(conn, "GET", path, cookie=cookie)
            if status != 200:
                break
            assets = re.findall(r'<link[^>]+href="([^"]+\.css[^"]*)"', html) + re.findall(r'<script[^>]+src="([^"]+)"', html)
            asset_bytes = sum(len(_request(conn, "GET", asset)[2].encode()) for asset in assets)
            timings = []
            for _ in range(200):
                t0 = time.perf_counter()
                _request(conn, "GET", path, cookie=cookie)
                timings.append(time.perf_counter() - t0)
            html_bytes = len(html.encode())
            print(
                f"{path:14s} HTML {html_bytes / 1024:5.1f} KB + CSS/JS {asset_bytes / 1024:5.1f} KB = "
                f"{(html_bytes + asset_bytes) / 1024:5.1f} KB uncompressed; render median "
                f"{statistics.median(timings) * 1000:.1f} ms, p99 {sorted(timings)[197] * 1000:.1f} ms"
            )
            # Answer page 1 so that page 2 can be fetched.
            if path == "/svar/sida/1":
                respondent_page = html
                fields = re.findall(r'<input[^>]*type="radio"[^>]*name="([^"]+)"[^>]*value="([^"]+)"', respondent_page)
                seen, body = set(), [("csrf_token", CSRF.search(respondent_page).group(1)), ("action", "next")]
                for name, value in fields:
                    if name not in seen:
                        seen.add(name)
                        body.append((name, value))
                _request(conn, "POST", path, body=urllib.parse.urlencode(body), cookie=cookie)
    finally:
        server.stop()


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("mode", nargs="?", default="throughput", choices=["throughput", "weight"])
    parser.add_argument("--connections", type=int, nargs="+", default=[16, 64])
    parser.add_argument("--submissions", type=int, default=3000)
    args = parser.parse_args()
    if args.mode == "weight":
        weight()
    else:
        throughput(args.connections, args.submissions)


if __name__ == "__main__":
    main()
