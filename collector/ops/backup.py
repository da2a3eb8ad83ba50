"""``medverkan backup DIR`` and ``medverkan restore DIR``.

Backups are online: submissions continue while they run. Both databases are
copied with SQLite's backup API from one consistent moment:

1. the contacts database is write-locked (``BEGIN IMMEDIATE``, on a
   connection of its own) so no submission can change an invitation's status;
2. while that lock is held, read transactions are opened on both databases:
   their snapshots are the state at that one moment; the lock is released
   (it is held for microseconds);
3. both copies are made from the held snapshots without blocking anyone (WAL).

A submission in flight at that moment has its reservation (response id and
receipt code) in the contacts database, and the served copy either has that
response or not: both are states the submission protocol recovers from (see
``collector.respondent.submission``), so a restored pair never loses an acknowledged
submission and never lets one invitation answer twice.

Each copy is checked with ``PRAGMA integrity_check`` and described in
``backup.json`` (sizes, SHA-256, row counts).

Restore refuses while a server may be writing: every collector process that
has served a request holds a shared ``flock`` on ``<DATABASE>.serving``
(:func:`mark_serving`), released by the kernel when the process exits, even
on SIGKILL. Restore needs the exclusive lock (or ``--force``). Each database
file is replaced atomically (``os.replace`` after verifying the copy); the
previous file is kept next to it as ``*.before-restore-<time>``.
"""

from __future__ import annotations

import datetime
import fcntl
import hashlib
import json
import os
import sqlite3
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from collector.db import connect
from collector.db import immediate_transaction

SERVED_NAME = "medverkan.db"
CONTACTS_NAME = "contacts.db"
MANIFEST_NAME = "backup.json"

# Open file descriptors holding the shared "serving" lock, per database path.
_serving_locks: dict[str, int] = {}


class BackupError(click.ClickException):
    """A backup or restore that must stop, with a message for the operator."""


# --- the serving marker -------------------------------------------------------


def serving_lock_path(database_path: str) -> str:
    return database_path + ".serving"


def mark_serving(database_path: str) -> None:
    """Hold a shared lock saying "a server process uses this database" until exit."""
    if database_path in _serving_locks:
        return
    fd = os.open(serving_lock_path(database_path), os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except OSError:
        # A restore holds the exclusive lock right now; serve anyway (the
        # restore replaces files atomically) but do not block on it.
        os.close(fd)
        return
    _serving_locks[database_path] = fd


def server_is_running(database_path: str) -> bool:
    """True if some live process holds the serving lock for ``database_path``."""
    path = serving_lock_path(database_path)
    if not os.path.exists(path):
        return False
    fd = os.open(path, os.O_RDWR)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return True
    else:
        fcntl.flock(fd, fcntl.LOCK_UN)
        return False
    finally:
        os.close(fd)


def init_app(app) -> None:
    """Mark this process as serving on its first request (CLI commands never do)."""

    @app.before_request
    def _mark_serving():
        if not app.config.get("TESTING"):
            mark_serving(app.config["DATABASE"])


# --- backup ---------------------------------------------------------------------


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def check_integrity(path: Path) -> str:
    """Return ``"ok"`` or SQLite's description of what is wrong with ``path``."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        rows = conn.execute("PRAGMA integrity_check").fetchall()
        fk_problems = conn.execute("PRAGMA foreign_key_check").fetchall()
    finally:
        conn.close()
    result = "; ".join(row[0] for row in rows)
    if result == "ok" and fk_problems:
        return f"{len(fk_problems)} foreign key violations"
    return result


def _row_counts(path: Path) -> dict[str, int]:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        tables = [
            row[0]
            for row in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
            )
        ]
        return {table: conn.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0] for table in tables}
    finally:
        conn.close()


def _copy(source: sqlite3.Connection, target_path: Path) -> None:
    target = sqlite3.connect(target_path)
    try:
        source.backup(target)  # all pages in one step: the source's snapshot
        target.execute("PRAGMA journal_mode = DELETE")  # a self-contained single file
    finally:
        target.close()


def backup_databases(served_path: str, contacts_path: str, directory: str) -> dict:
    """Copy both databases into ``directory`` consistently; return the manifest."""
    out = Path(directory)
    out.mkdir(parents=True, exist_ok=True)
    targets = {"served": out / SERVED_NAME, "contacts": out / CONTACTS_NAME}
    existing = [str(path) for path in [*targets.values(), out / MANIFEST_NAME] if path.exists()]
    if existing:
        raise BackupError(f"{directory} already holds a backup ({', '.join(existing)}); choose an empty directory.")
    partial = {name: path.with_suffix(".db.partial") for name, path in targets.items()}

    served = connect(served_path, register_functions=False)
    contacts = connect(contacts_path, register_functions=False)
    contacts_lock = connect(contacts_path, register_functions=False)
    try:
        # Hold the contacts write lock only while both read snapshots are
        # pinned (microseconds); the copies are then made without any lock
        # that could delay a submission. The backup API cannot copy from a
        # connection that holds a write transaction, hence a separate one.
        with immediate_transaction(contacts_lock):
            for db in (contacts, served):
                db.conn.execute("BEGIN")
                db.conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        try:
            _copy(contacts.conn, partial["contacts"])
            _copy(served.conn, partial["served"])
        finally:
            contacts.conn.execute("COMMIT")
            served.conn.execute("COMMIT")
    except Exception:
        for path in partial.values():
            path.unlink(missing_ok=True)
        raise
    finally:
        for db in (served, contacts, contacts_lock):
            db.conn.close()

    manifest = {
        "created": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "sqlite_version": sqlite3.sqlite_version,
        "files": {},
    }
    for name, path in partial.items():
        integrity = check_integrity(path)
        if integrity != "ok":
            raise BackupError(f"The copy of the {name} database failed its integrity check: {integrity}")
        os.replace(path, targets[name])
        manifest["files"][name] = {
            "file": targets[name].name,
            "bytes": targets[name].stat().st_size,
            "sha256": _sha256(targets[name]),
            "integrity_check": integrity,
            "rows": _row_counts(targets[name]),
        }
    with open(out / MANIFEST_NAME, "w", encoding="utf-8") as handle:
        json.dump(manifest, handle, indent=2)
    return manifest


# --- restore --------------------------------------------------------------------


def _verify_backup(directory: Path) -> dict:
    manifest_path = directory / MANIFEST_NAME
    if not manifest_path.exists():
        raise BackupError(f"{directory} has no {MANIFEST_NAME}: not a Medverkan backup.")
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    for entry in manifest["files"].values():
        path = directory / entry["file"]
        if not path.exists():
            raise BackupError(f"The backup is missing {entry['file']}.")
        if _sha256(path) != entry["sha256"]:
            raise BackupError(f"{entry['file']} has changed since the backup was made (checksum differs).")
    return manifest


def _install(source: Path, live_path: str, stamp: str) -> None:
    """Replace ``live_path`` by a verified copy of ``source`` in one rename."""
    live = Path(live_path)
    staging = live.with_name(live.name + ".restoring")
    staging.unlink(missing_ok=True)
    source_conn = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    target = sqlite3.connect(staging)
    try:
        source_conn.backup(target)
        target.execute("PRAGMA journal_mode = WAL")
    finally:
        target.close()
        source_conn.close()
    integrity = check_integrity(staging)
    if integrity != "ok":
        staging.unlink(missing_ok=True)
        raise BackupError(f"The restored copy of {source.name} failed its integrity check: {integrity}")
    # Fold the WAL file away in the staging copy so it stands alone.
    conn = sqlite3.connect(staging)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    for suffix in ("-wal", "-shm"):
        Path(str(staging) + suffix).unlink(missing_ok=True)
    if live.exists():
        # Fold the live WAL into the live file, keep it, and remove the WAL
        # so it can never be replayed onto the restored file.
        conn = sqlite3.connect(live)
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        conn.close()
        os.link(live, live.with_name(f"{live.name}.before-restore-{stamp}"))
    for suffix in ("-wal", "-shm"):
        Path(live_path + suffix).unlink(missing_ok=True)
    with open(staging, "rb") as handle:
        os.fsync(handle.fileno())
    os.replace(staging, live)
    directory_fd = os.open(live.parent, os.O_RDONLY)
    try:
        os.fsync(directory_fd)
    finally:
        os.close(directory_fd)


def restore_databases(directory: str, served_path: str, contacts_path: str, *, force: bool = False) -> dict:
    """Bring both databases back from a backup made by :func:`backup_databases`."""
    source = Path(directory)
    manifest = _verify_backup(source)
    lock_path = serving_lock_path(served_path)
    lock_fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        try:
            fcntl.flock(lock_fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            if not force:
                raise BackupError(
                    "A Medverkan server is running on these databases. Stop it first, "
                    "or pass --force if you are sure nothing is writing."
                ) from None
        stamp = datetime.datetime.now(datetime.timezone.utc).strftime("%Y%m%dT%H%M%S.%fZ")
        _install(source / manifest["files"]["served"]["file"], served_path, stamp)
        _install(source / manifest["files"]["contacts"]["file"], contacts_path, stamp)
    finally:
        os.close(lock_fd)  # releases the lock
    return manifest


# --- commands ---------------------------------------------------------------------


@click.command("backup")
@click.argument("directory", type=click.Path(file_okay=False))
@with_appcontext
def backup_command(directory):
    """Copy both databases into DIRECTORY while the server keeps running."""
    manifest = backup_databases(current_app.config["DATABASE"], current_app.config["CONTACTS_DATABASE"], directory)
    for name, entry in manifest["files"].items():
        click.echo(f"{name}: {entry['file']} {entry['bytes']} bytes, integrity_check {entry['integrity_check']}")
    click.echo(f"Backup written to {directory}")


@click.command("restore")
@click.argument("directory", type=click.Path(exists=True, file_okay=False))
@click.option("--force", is_flag=True, help="Restore even if a server seems to be running.")
@with_appcontext
def restore_command(directory, force):
    """Replace both databases with the backup in DIRECTORY (stop the server first)."""
    restore_databases(directory, current_app.config["DATABASE"], current_app.config["CONTACTS_DATABASE"], force=force)
    click.echo(f"Restored {current_app.config['DATABASE']} and {current_app.config['CONTACTS_DATABASE']} from {directory}")


commands = [backup_command, restore_command]
