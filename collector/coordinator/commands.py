"""CLI commands of the coordinator workspace (see collector/ops/cli.py).

``medverkan user add/list/disable/set-password/set-email`` manage staff accounts;
``medverkan send-due`` sends follow-up invitations that are due and
``medverkan purge`` deletes expired contact data. Both are idempotent and
meant for cron, e.g. daily::

    15 6 * * *  medverkan send-due && medverkan purge
"""

from __future__ import annotations

import datetime

import click
from flask import current_app
from flask.cli import with_appcontext

from collector import clock
from collector.coordinator import audit
from collector.coordinator import outreach
from collector.coordinator import retention
from collector.coordinator import users as user_store
from collector.coordinator.participants import valid_email
from collector.db import connect
from collector.settings import apply_defaults


def _databases():
    apply_defaults(current_app)
    return connect(current_app.config["DATABASE"]), connect(current_app.config["CONTACTS_DATABASE"])


def _contacts():
    return connect(current_app.config["CONTACTS_DATABASE"])


def _today(value: str | None) -> datetime.date:
    return datetime.date.fromisoformat(value) if value else clock.today()


@click.group("user")
def user_group():
    """Manage staff accounts."""


@user_group.command("add")
@click.argument("username")
@click.option("--role", type=click.Choice(user_store.ROLES), required=True)
@click.option("--department", default=None, help="Department key (coordinators see only its processes).")
@click.option("--name", "display_name", default=None)
@click.option("--email", default=None, help="The account's own address (\"send a test to myself\" goes there).")
@click.password_option(help="At least 12 characters (prompted if not given).")
@with_appcontext
def user_add(username, role, department, display_name, email, password):
    """Create an account."""
    email = (email or "").strip().lower() or None
    if email and not valid_email(email):
        raise click.BadParameter("enter an address like name@example.se.", param_hint="--email")
    contacts = _contacts()
    try:
        user_store.add_user(contacts, username, password, role, department=department, display_name=display_name,
                            email=email)
    except user_store.UserError as error:
        raise click.ClickException(str(error)) from error
    audit.record(contacts, "cli", "user_add", None, f"{username.lower()} ({role})")
    click.echo(f"Created {username.lower()} ({role}).")


@user_group.command("list")
@with_appcontext
def user_list():
    """List accounts."""
    for user in user_store.list_users(_contacts()):
        state = "active" if user["is_active"] else "disabled"
        click.echo(f"{user['username']}\t{user['role']}\t{user['department'] or '-'}\t{state}")


def _existing(contacts, username):
    user = user_store.get_user_by_username(contacts, username)
    if user is None:
        raise click.ClickException(f"No account named {username}.")
    return user


@user_group.command("disable")
@click.argument("username")
@with_appcontext
def user_disable(username):
    """Disable an account (it can no longer sign in)."""
    contacts = _contacts()
    user = _existing(contacts, username)
    user_store.set_active(contacts, user["id"], False)
    audit.record(contacts, "cli", "user_disable", None, user["username"])
    click.echo(f"Disabled {user['username']}.")


@user_group.command("set-password")
@click.argument("username")
@click.password_option(help="At least 12 characters (prompted if not given).")
@with_appcontext
def user_set_password(username, password):
    """Set a new password (signs the account out everywhere)."""
    contacts = _contacts()
    user = _existing(contacts, username)
    try:
        user_store.set_password(contacts, user["id"], password)
    except user_store.UserError as error:
        raise click.ClickException(str(error)) from error
    audit.record(contacts, "cli", "user_password", None, user["username"])
    click.echo(f"Password set for {user['username']}.")


@user_group.command("set-email")
@click.argument("username")
@click.argument("email", required=False, default="")
@with_appcontext
def user_set_email(username, email):
    """Set the account's email address (leave EMAIL out to remove it)."""
    contacts = _contacts()
    user = _existing(contacts, username)
    try:
        email = user_store.set_email(contacts, user["id"], email)
    except user_store.UserError as error:
        raise click.ClickException(str(error)) from error
    audit.record(contacts, "cli", "user_email", None, user["username"])
    click.echo(f"Email address of {user['username']} {'set' if email else 'removed'}.")


@click.command("send-due")
@click.option("--today", default=None, help="Pretend today is this ISO date (for testing).")
@with_appcontext
def send_due_command(today):
    """Send follow-up invitations and follow-up reminders that are due (safe to run repeatedly)."""
    served, contacts = _databases()
    outcome = outreach.send_due(served, contacts, current_app.config, _today(today))
    click.echo(
        f"Follow-up invitations sent: {outcome.sent}; reminders sent: {outcome.reminded}; "
        f"failed: {len(outcome.failed)}; without email: {outcome.skipped}."
    )
    if outcome.failed:
        raise SystemExit(1)


@click.command("purge")
@click.option("--today", default=None, help="Pretend today is this ISO date (for testing).")
@with_appcontext
def purge_command(today):
    """Delete contact data of processes closed more than RETENTION_DAYS ago (a pending follow-up's excepted)."""
    served, contacts = _databases()
    purged = retention.purge(served, contacts, current_app.config, _today(today))
    click.echo(f"Processes purged: {len(purged)}" + (f" ({', '.join(map(str, purged))})" if purged else "") + ".")


commands = [user_group, send_due_command, purge_command]
