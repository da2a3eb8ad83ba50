"""``medverkan backup`` / ``medverkan restore`` (collector/ops/backup.py), under load.

The writers below follow the three-transaction submission of
docs/ARCHITECTURE.md with plain SQL (contacts: open -> submitting + pending
row; served: response + 30 answers; contacts: answered + receipt), so the
test checks the property that matters: a backup taken mid-load never holds an
answered invitation whose response is missing, nor a response no invitation
can account for.
"""

from __future__ import annotations

import json
import secrets
import sqlite3
import threading
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from collector.db import connect
from collector.db import immediate_transaction
from collector.ops.backup import check_integrity
from collector.ops.backup import restore_databases
from collector.ops.backup import server_is_running
from collector.ops.cli import cli

QUESTIONS = 30


def _seed(served_path: str) -> tuple[int, int, list[int]]:
    """A process and a 30-question instrument of the test's own; returns their ids."""
    db = connect(served_path)
    with immediate_transaction(db):
        process_id = db.execute(
            "INSERT INTO processes (code, post_title, status) VALUES ('BACKUP-1', 'Socialsekreterare', 'collecting')"
        ).lastrowid
        instrument_id = db.execute(
            "INSERT INTO instruments (key, version, group_key, title_sv, title_en, definition_json) "
            "VALUES ('backup_test', 1, 'representative', 'T', 'T', '{}')"
        ).lastrowid
        question_ids = [
            db.execute(
                "INSERT INTO questions (instrument_id, key, position, type, text_sv, text_en) "
                "VALUES (?, ?, ?, 'likert', 'F', 'Q')",
                [instrument_id, f"q{position}", position],
            ).lastrowid
            for position in range(QUESTIONS)
        ]
    db.conn.close()
    return process_id, instrument_id, question_ids


def _submit_once(served, contacts, ids) -> None:
    """One submission in the three short transactions of collector.respondent.submission."""
    process_id, instrument_id, question_ids = ids
    response_id = secrets.randbelow(2**62) + 1
    with immediate_transaction(contacts):
        invitation_id = contacts.execute(
            "INSERT INTO invitations (process_id, group_key, token_hash, status, expires_on) "
            "VALUES (?, 'representative', ?, 'submitting', '2099-01-01')",
            [process_id, secrets.token_hex(32)],
        ).lastrowid
        contacts.execute(
            "INSERT INTO pending_submissions (invitation_id, response_id) VALUES (?, ?)", [invitation_id, response_id]
        )
    with immediate_transaction(served):
        served.execute(
            "INSERT INTO responses (id, process_id, group_key, instrument_id, language, submitted_on) "
            "VALUES (?, ?, 'representative', ?, 'sv', '2026-11-22')",
            [response_id, process_id, instrument_id],
        )
        served.conn.executemany(
            "INSERT INTO answers (response_id, question_id, item, value_int, process_id, group_key) "
            "VALUES (?, ?, '', ?, ?, 'representative')",
            [(response_id, qid, 1 + qid % 5, process_id) for qid in question_ids],
        )
    with immediate_transaction(contacts):
        contacts.execute("UPDATE invitations SET status = 'answered', answered_on = '2026-11-22' WHERE id = ?", [invitation_id])
        contacts.execute("DELETE FROM pending_submissions WHERE invitation_id = ?", [invitation_id])
        contacts.execute(
            "INSERT INTO receipts (receipt_hash, response_id, process_id, group_key) VALUES (?, ?, ?, 'representative')",
            [secrets.token_hex(32), response_id, process_id],
        )


class Writers:
    """Background threads submitting until stopped."""

    def __init__(self, served_path, contacts_path, ids, threads=2):
        self.stop_event = threading.Event()
        self.errors: list[BaseException] = []
        self.done = 0
        self.lock = threading.Lock()
        self.threads = [
            threading.Thread(target=self._run, args=(served_path, contacts_path, ids), daemon=True)
            for _ in range(threads)
        ]

    def _run(self, served_path, contacts_path, ids):
        served = connect(served_path)
        contacts = connect(contacts_path)
        try:
            while not self.stop_event.is_set():
                _submit_once(served, contacts, ids)
                with self.lock:
                    self.done += 1
        except BaseException as error:  # reported by the test
            self.errors.append(error)
        finally:
            served.conn.close()
            contacts.conn.close()

    def __enter__(self):
        for thread in self.threads:
            thread.start()
        return self

    def wait_for(self, count, timeout=20):
        import time

        deadline = time.monotonic() + timeout
        while self.done < count and time.monotonic() < deadline and not self.errors:
            time.sleep(0.01)

    def __exit__(self, *exc):
        self.stop_event.set()
        for thread in self.threads:
            thread.join(timeout=20)
        assert not self.errors, self.errors


def _pair_is_consistent(served_path: Path, contacts_path: Path) -> tuple[int, int]:
    """Assert the backup pair could be served again without loss or double answers."""
    served = sqlite3.connect(served_path)
    contacts = sqlite3.connect(contacts_path)
    responses = {row[0] for row in served.execute("SELECT id FROM responses")}
    partial = served.execute(
        "SELECT count(*) FROM responses r WHERE (SELECT count(*) FROM answers a WHERE a.response_id = r.id) != ?",
        [QUESTIONS],
    ).fetchone()[0]
    assert partial == 0, "a response without all its answers"
    receipted = {row[0] for row in contacts.execute("SELECT response_id FROM receipts")}
    pending = {row[0] for row in contacts.execute("SELECT response_id FROM pending_submissions")}
    answered = contacts.execute("SELECT count(*) FROM invitations WHERE status = 'answered'").fetchone()[0]
    # Every acknowledged (receipted) submission is in the served copy.
    assert receipted <= responses, f"{len(receipted - responses)} acknowledged responses missing"
    assert answered == len(receipted)
    # Every stored response is accounted for: acknowledged, or pending and recoverable.
    assert responses <= receipted | pending, f"{len(responses - receipted - pending)} responses no invitation explains"
    served.close()
    contacts.close()
    return len(responses), len(receipted)


@pytest.fixture
def seeded(db_paths):
    return db_paths, _seed(db_paths[0])


def test_backup_during_submissions_is_consistent_and_restorable(seeded, runner, tmp_path):
    (served_path, contacts_path), ids = seeded
    backup_dir = tmp_path / "backup-1"
    with Writers(served_path, contacts_path, ids) as writers:
        writers.wait_for(30)
        result = runner.invoke(cli, ["backup", str(backup_dir)])
        done_at_backup = writers.done
        writers.wait_for(done_at_backup + 30)
    assert result.exit_code == 0, result.output
    assert "integrity_check ok" in result.output

    manifest = json.loads((backup_dir / "backup.json").read_text())
    assert set(manifest["files"]) == {"served", "contacts"}
    for entry in manifest["files"].values():
        assert check_integrity(backup_dir / entry["file"]) == "ok"
    copied_responses, copied_receipts = _pair_is_consistent(backup_dir / "medverkan.db", backup_dir / "contacts.db")
    assert copied_receipts >= 30
    live = sqlite3.connect(served_path)
    live_count = live.execute("SELECT count(*) FROM responses").fetchone()[0]
    live.close()
    assert live_count > copied_responses, "writes continued after the backup"

    result = runner.invoke(cli, ["restore", str(backup_dir)])
    assert result.exit_code == 0, result.output
    restored_responses, _ = _pair_is_consistent(Path(served_path), Path(contacts_path))
    assert restored_responses == copied_responses
    assert check_integrity(Path(served_path)) == "ok"
    assert list(Path(served_path).parent.glob("medverkan.db.before-restore-*")), "previous file kept"
    # The restored files are live databases again: WAL mode and writable.
    db = connect(served_path)
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    contacts = connect(contacts_path)
    _submit_once(db, contacts, ids)
    assert db.execute("SELECT count(*) FROM responses").fetchone()[0] == restored_responses + 1
    db.conn.close()
    contacts.conn.close()


def test_backup_refuses_a_directory_that_already_holds_one(db_paths, runner, tmp_path):
    target = tmp_path / "b"
    assert runner.invoke(cli, ["backup", str(target)]).exit_code == 0
    again = runner.invoke(cli, ["backup", str(target)])
    assert again.exit_code != 0
    assert "already holds a backup" in again.output


def test_restore_refuses_a_tampered_backup(db_paths, runner, tmp_path):
    target = tmp_path / "b"
    assert runner.invoke(cli, ["backup", str(target)]).exit_code == 0
    with open(target / "medverkan.db", "r+b") as handle:
        handle.seek(5000)
        handle.write(b"\xff" * 16)
    result = runner.invoke(cli, ["restore", str(target)])
    assert result.exit_code != 0
    assert "checksum differs" in result.output


def test_restore_refuses_while_a_server_is_running(gunicorn_server, live_databases, tmp_path):
    served_path, contacts_path = live_databases
    from collector.ops.backup import backup_databases

    backup_databases(served_path, contacts_path, str(tmp_path / "b"))
    for _ in range(50):  # any answer means a worker has handled a request
        try:
            urllib.request.urlopen(gunicorn_server.url + "/", timeout=10).close()
        except urllib.error.HTTPError:
            pass
        if server_is_running(served_path):
            break
    assert server_is_running(served_path)
    with pytest.raises(Exception, match="server is running"):
        restore_databases(str(tmp_path / "b"), served_path, contacts_path)
    restore_databases(str(tmp_path / "b"), served_path, contacts_path, force=True)
    gunicorn_server.stop()
    assert not server_is_running(served_path)
    restore_databases(str(tmp_path / "b"), served_path, contacts_path)
