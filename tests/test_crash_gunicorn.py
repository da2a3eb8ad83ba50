"""Crash and concurrency through a real gunicorn (production config) on loopback.

Clients answer the demo questionnaire over HTTP while a read-only reader
(as Datasette would) scans the served database; the server's whole process
group is SIGKILLed mid-load and restarted. Then: every acknowledged
submission is stored exactly once, no response is partial, the summaries
match the raw answers, both databases pass integrity_check, and links that
were in flight at the kill finish cleanly. A double click and two tabs on one
link give one response.
"""

from __future__ import annotations

import sqlite3
import threading
import time

import httpx
import pytest

from collector.db import connect
from collector.demo.case import CASE_CODE
from collector.invitations import create_invitation
from collector.tokens import hash_receipt
from collector.tokens import hash_secret
from tests.fixtures.databases import demo_copy
from tests.fixtures.servers import start_gunicorn
from tests.http_respondent import Respondent

CLIENTS = 8
GROUPS = ("representative", "candidate", "manager", "union")


@pytest.fixture
def demo_databases(tmp_path):
    served = str(tmp_path / "medverkan.db")
    contacts = str(tmp_path / "contacts.db")
    demo_copy(served, contacts)
    db = connect(served)
    process_id = db.execute("select id from processes where code = ?", [CASE_CODE]).fetchone()[0]
    db.conn.close()
    return served, contacts, process_id


def _mint(contacts_path, process_id, count):
    contacts = connect(contacts_path)
    try:
        return [f"/s/{create_invitation(contacts, process_id, GROUPS[i % len(GROUPS)])}" for i in range(count)]
    finally:
        contacts.conn.close()


def _scalar(path, sql, params=()):
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return conn.execute(sql, params).fetchone()[0]
    finally:
        conn.close()


def _response_ids(path):
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return {row[0] for row in conn.execute("select id from responses")}
    finally:
        conn.close()


def test_sigkill_mid_load_loses_nothing_acknowledged(demo_databases, tmp_path):
    served, contacts, process_id = demo_databases
    links = _mint(contacts, process_id, 400)
    baseline = _response_ids(served)
    acknowledged: dict[str, str] = {}  # link -> receipt
    attempted: set[str] = set()
    statuses: list[int] = []
    lock = threading.Lock()
    stop = threading.Event()
    queue = list(links)

    server = start_gunicorn(served, contacts, log_path=tmp_path / "gunicorn-1.log")

    def client():
        while not stop.is_set():
            with lock:
                if not queue:
                    return
                link = queue.pop()
                attempted.add(link)
            respondent = Respondent(server.url, link, timeout=10)
            try:
                respondent.client.event_hooks["response"] = [lambda r: statuses.append(r.status_code)]
                receipt = respondent.complete()
                if receipt:
                    with lock:
                        acknowledged[link] = receipt
            except httpx.HTTPError:
                return  # the server died under us
            finally:
                respondent.close()

    reader_errors: list[BaseException] = []
    reads = [0]

    def reader():
        """A read-only scanner, as Datasette is: it must never make a write wait too long."""
        conn = sqlite3.connect(f"file:{served}?mode=ro", uri=True)
        try:
            while not stop.is_set():
                conn.execute("begin")
                conn.execute("select group_key, value_int, count(*) from answers group by 1, 2").fetchall()
                time.sleep(0.02)  # hold the read snapshot a while
                conn.execute("commit")
                reads[0] += 1
        except BaseException as error:
            reader_errors.append(error)
        finally:
            conn.close()

    threads = [threading.Thread(target=client, daemon=True) for _ in range(CLIENTS)]
    reader_thread = threading.Thread(target=reader, daemon=True)
    reader_thread.start()
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + 30
    while len(acknowledged) < 25 and time.monotonic() < deadline:
        time.sleep(0.02)
    server.kill()  # SIGKILL master and workers, mid-load
    stop.set()
    for thread in threads:
        thread.join(timeout=30)
    reader_thread.join(timeout=10)
    assert len(acknowledged) >= 25, "load never got going"
    assert not reader_errors, reader_errors
    assert reads[0] > 0
    assert all(status < 500 for status in statuses), sorted(set(statuses))

    for path in (served, contacts):
        assert _scalar(path, "pragma integrity_check") == "ok"

    # Restart on the same files; links that were in flight are opened again.
    server = start_gunicorn(served, contacts, log_path=tmp_path / "gunicorn-2.log")
    try:
        for link in sorted(attempted - set(acknowledged)):
            respondent = Respondent(server.url, link)
            try:
                receipt = respondent.complete()
            finally:
                respondent.close()
            if receipt:
                acknowledged[link] = receipt
        # Every acknowledged link now says "already answered" and cannot answer twice.
        for link in list(acknowledged)[:5]:
            respondent = Respondent(server.url, link)
            try:
                assert respondent.complete() is None
            finally:
                respondent.close()
    finally:
        server.stop()

    new_ids = _response_ids(served) - baseline
    conn = sqlite3.connect(contacts)
    try:
        statuses_by_link = {
            link: conn.execute(
                "select status from invitations where token_hash = ?", [hash_secret(link.removeprefix("/s/"))]
            ).fetchone()[0]
            for link in attempted
        }
        answered = [link for link, status in statuses_by_link.items() if status == "answered"]
        assert set(acknowledged) <= set(answered)
        assert len(new_ids) == len(answered), "exactly one response per answered invitation, none twice"
        for receipt in acknowledged.values():
            row = conn.execute("select response_id from receipts where receipt_hash = ?", [hash_receipt(receipt)]).fetchone()
            assert row and row[0] in new_ids, f"receipt {receipt} has no stored response"
        assert conn.execute("select count(*) from pending_submissions").fetchone()[0] == 0
        assert conn.execute("select count(*) from invitations where status = 'submitting'").fetchone()[0] == 0
    finally:
        conn.close()

    conn = sqlite3.connect(served)
    try:
        # No partial response: every new response of a group has as many answers as its siblings.
        per_group = {}
        placeholders = ",".join("?" * len(new_ids))
        for group_key, answers in conn.execute(
            # free text waiting for its batch to enter the search is stored there (search_release.py)
            f"select r.group_key, (select count(*) from answers a where a.response_id = r.id) "
            f"+ (select count(*) from free_text_waiting w where w.response_id = r.id) "
            f"from responses r where r.id in ({placeholders})",
            list(new_ids),
        ):
            per_group.setdefault(group_key, set()).add(answers)
        assert per_group and all(len(counts) == 1 and min(counts) > 0 for counts in per_group.values()), per_group
        # The summaries equal the raw answers exactly.
        mismatches = conn.execute(
            """
            select count(*) from (
              select process_id, group_key, question_id, item, value_int, count(*) from answers
              where value_int is not null group by 1, 2, 3, 4, 5
              except select process_id, group_key, question_id, item, value_int, n from answer_counts where n > 0
            )
            """
        ).fetchone()[0]
        assert mismatches == 0
        responses_total = conn.execute("select sum(n) from response_counts").fetchone()[0]
        assert responses_total == conn.execute("select count(*) from responses").fetchone()[0]
    finally:
        conn.close()


def test_double_click_and_two_tabs_give_one_response(demo_databases, tmp_path):
    served, contacts, process_id = demo_databases
    (link,) = _mint(contacts, process_id, 1)
    before = _response_ids(served)
    server = start_gunicorn(served, contacts, log_path=tmp_path / "gunicorn.log")
    try:
        first_tab = Respondent(server.url, link)
        review = first_tab.answer_all_pages()
        # A second tab on the same link, same browser (same cookies).
        second_tab = Respondent(server.url, link)
        second_tab.client.cookies = first_tab.client.cookies
        second_review = second_tab.client.get("/svar/granska")
        results = []

        def send(respondent, page):
            results.append(respondent.send(page))

        clicks = [
            threading.Thread(target=send, args=(first_tab, review)),
            threading.Thread(target=send, args=(first_tab, review)),
            threading.Thread(target=send, args=(second_tab, second_review)),
        ]
        for thread in clicks:
            thread.start()
        for thread in clicks:
            thread.join(timeout=30)
        assert len(results) == 3
        assert all(result.status_code < 500 for result in results), [r.status_code for r in results]
        # A fresh browser on the same link afterwards cannot answer again.
        again = Respondent(server.url, link)
        assert again.complete() is None
        again.close()
        first_tab.close()
        second_tab.close()
    finally:
        server.stop()
    assert len(_response_ids(served) - before) == 1
