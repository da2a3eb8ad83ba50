"""``medverkan brukarbank purge|refresh`` (added to the CLI in collector/ops/cli.py).

``purge`` removes pool members inactive for ``POOL_INACTIVE_DAYS`` (their
assignments kept only as counts) and rebuilds the served counts; it is
idempotent and belongs in the same daily cron line as ``medverkan purge``.
``refresh`` only rebuilds ``representative_profile`` (for instance after a
process closes, which moves its suppressed cells into the pooled rows).
"""

from __future__ import annotations

import datetime

import click
from flask import current_app
from flask.cli import with_appcontext

from collector.brukarbank import profile
from collector.brukarbank import retention
from collector.coordinator import audit
from collector.db import connect


def _refresh(served, contacts) -> int:
    return profile.refresh(served, contacts, current_app.config.get("SMALL_CELL_K", profile.DEFAULT_K))


@click.group("brukarbank")
def brukarbank_group():
    """The pool of service-user representatives."""


@brukarbank_group.command("purge")
@click.option("--today", "today_text", default=None, help="Date to purge as of (YYYY-MM-DD); default today.")
@with_appcontext
def purge_command(today_text):
    """Remove members inactive for POOL_INACTIVE_DAYS; keep their assignments as counts."""
    today = datetime.date.fromisoformat(today_text) if today_text else datetime.date.today()
    served = connect(current_app.config["DATABASE"])
    contacts = connect(current_app.config["CONTACTS_DATABASE"])
    try:
        removed = retention.purge_inactive(contacts, today, current_app.config.get("POOL_INACTIVE_DAYS", 730))
        for member_id in removed:
            audit.record(contacts, "purge", "pool_remove", None, f"member {member_id} (inactive)")
        _refresh(served, contacts)
    finally:
        served.conn.close()
        contacts.conn.close()
    click.echo(f"Removed {len(removed)} inactive pool members.")


@brukarbank_group.command("refresh")
@with_appcontext
def refresh_command():
    """Rebuild the served representative_profile counts."""
    served = connect(current_app.config["DATABASE"])
    contacts = connect(current_app.config["CONTACTS_DATABASE"])
    try:
        rows = _refresh(served, contacts)
    finally:
        served.conn.close()
        contacts.conn.close()
    click.echo(f"representative_profile: {rows} rows.")


commands = [brukarbank_group]
