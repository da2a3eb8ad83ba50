"""A fresh machine: the private instance configuration, and telling a new
user what to do instead of showing a traceback.

``medverkan init`` is the one command a new installation needs before any
other: it writes ``config.py`` in the instance folder with a random
``SECRET_KEY`` when none is configured (mode 0600: the key signs staff
sessions and Datasette's sign-in cookie, so only the owner may read it),
creates the databases and prints the next steps. Every other command that
needs the app or the databases, run before ``init``, stops with one line
saying to run it.
"""

from __future__ import annotations

import os
import secrets
import sqlite3

import click

from collector.migrations import DATABASE_READY_TABLE

CONFIG_FILE = "config.py"

# Commands that make their own databases, so they may run before ``init``.
RUNS_BEFORE_INIT = frozenset({"init", "demo", "restore"})

NOT_INITIALISED = (
    "Medverkan has no databases at {path} yet: run `medverkan init` first "
    "(it creates them and prints the next steps)."
)


class NoSecretKey(click.ClickException):
    """No ``SECRET_KEY`` is configured: ``medverkan init`` writes one."""


def config_path(instance_path: str) -> str:
    return os.path.join(instance_path, CONFIG_FILE)


def write_secret_key(instance_path: str) -> str:
    """Add a random ``SECRET_KEY`` to the instance ``config.py`` (created with mode 0600).

    An existing file is kept and the key appended, and its mode narrowed to
    0600 too. Returns the file's path.
    """
    os.makedirs(instance_path, exist_ok=True)
    path = config_path(instance_path)
    line = f"SECRET_KEY = {secrets.token_hex(32)!r}\n"
    header = (
        "# Medverkan's private instance configuration, written by `medverkan init`.\n"
        "# Every key and its meaning: collector/settings.py. Keep this file private (mode 0600).\n"
    )
    # O_EXCL|0600: the file never exists, even for an instant, with a wider mode.
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        os.chmod(path, 0o600)
        with open(path, "a", encoding="utf-8") as existing:
            existing.write("\n" + line)
        return path
    with os.fdopen(descriptor, "w", encoding="utf-8") as created:
        created.write(header + line)
    return path


def databases_ready(served_path: str, contacts_path: str) -> bool:
    """True when both database files exist and have been migrated."""
    for path in (served_path, contacts_path):
        if not os.path.exists(path):
            return False
    for path in (served_path, contacts_path):
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            found = conn.execute(
                "select 1 from sqlite_master where type = 'table' and name = ?", [DATABASE_READY_TABLE]
            ).fetchone()
        finally:
            conn.close()
        if not found:
            return False
    return True


def next_steps(base_url: str) -> list[str]:
    """What a new user does after ``init``, as lines to print."""
    return [
        "",
        "Next steps:",
        "  1. Create the first administrator (you will be asked for a password of at least 12 characters):",
        "       medverkan user add admin --role admin",
        "  2. Start the collector and Datasette:",
        "       medverkan serve",
        f"  3. Sign in at {base_url.rstrip('/')}/staff/login; under Förvaltningar (Departments) set the",
        "     municipality's name and add its departments, which every process needs (or:",
        "     medverkan municipality set NAME; medverkan department add KEY --name-sv NAMN --name-en NAME);",
        "     under Konton (Accounts) create the coordinators' accounts.",
        "  4. Schedule `medverkan send-due && medverkan purge; medverkan release-search` daily (cron)",
        "     for follow-ups, deletion and the day's free text into the search.",
    ]
