"""``medverkan municipality set|show`` and ``medverkan department add|list|rename|remove``.

The same rules as the admin pages (``collector.coordinator.departments``):
the key never changes, and a department that processes, staff accounts or
questionnaire variants refer to is not removed.
"""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext

from collector.coordinator import audit
from collector.coordinator import departments as store
from collector.db import connect


def _databases():
    return connect(current_app.config["DATABASE"]), connect(current_app.config["CONTACTS_DATABASE"])


def _refused(error: store.DepartmentError):
    return click.ClickException(str(error))


@click.group("municipality")
def municipality_group():
    """The municipality's name (shown to staff and in Datasette)."""


@municipality_group.command("set")
@click.argument("name")
@with_appcontext
def municipality_set(name):
    """Set the municipality's name, e.g. "Helsingborgs stad"."""
    served, contacts = _databases()
    try:
        store.set_municipality_name(served, name)
    except store.DepartmentError as error:
        raise _refused(error) from error
    audit.record(contacts, "cli", "municipality_set", None, name.strip())
    click.echo(f"Municipality: {name.strip()}")


@municipality_group.command("show")
@with_appcontext
def municipality_show():
    """Print the municipality's name."""
    served, _contacts = _databases()
    click.echo(store.municipality_name(served) or "(not set: medverkan municipality set NAME)")


@click.group("department")
def department_group():
    """The municipality's departments (förvaltningar): processes and coordinators belong to one."""


@department_group.command("add")
@click.argument("key")
@click.option("--name-sv", required=True, help="Swedish name, e.g. Socialförvaltningen.")
@click.option("--name-en", default=None, help="English name (default: the Swedish one).")
@with_appcontext
def department_add(key, name_sv, name_en):
    """Add a department. KEY (e.g. socialforvaltningen) never changes; the names can."""
    served, contacts = _databases()
    try:
        key = store.add_department(served, key, name_sv, name_en)
    except store.DepartmentError as error:
        raise _refused(error) from error
    audit.record(contacts, "cli", "department_add", None, key)
    click.echo(f"Added department {key}.")


@department_group.command("list")
@with_appcontext
def department_list():
    """List departments: key, Swedish and English name, processes, staff accounts, own questionnaires."""
    served, contacts = _databases()
    rows = store.list_departments(served, contacts)
    if not rows:
        click.echo("No departments yet: medverkan department add KEY --name-sv NAMN --name-en NAME", err=True)
    for row in rows:
        click.echo(
            f"{row['key']}\t{row['name_sv']}\t{row['name_en']}\t"
            f"{row['processes']} processes\t{row['coordinators']} accounts\t{row['variants']} own questionnaires"
        )


@department_group.command("rename")
@click.argument("key")
@click.option("--name-sv", default=None, help="New Swedish name (default: unchanged).")
@click.option("--name-en", default=None, help="New English name (default: unchanged).")
@with_appcontext
def department_rename(key, name_sv, name_en):
    """Change a department's Swedish and/or English name (the key stays)."""
    served, contacts = _databases()
    current = store.get_department(served, key)
    if current is None:
        raise click.ClickException(f"There is no department with the key {key}.")
    try:
        store.rename_department(served, key, name_sv or current["name_sv"], name_en or current["name_en"])
    except store.DepartmentError as error:
        raise _refused(error) from error
    audit.record(contacts, "cli", "department_rename", None, key)
    click.echo(f"Renamed department {key}.")


@department_group.command("remove")
@click.argument("key")
@with_appcontext
def department_remove(key):
    """Remove a department that no process, staff account or questionnaire refers to."""
    served, contacts = _databases()
    try:
        store.remove_department(served, contacts, key)
    except store.DepartmentError as error:
        raise _refused(error) from error
    audit.record(contacts, "cli", "department_remove", None, key)
    click.echo(f"Removed department {key}.")


commands = [municipality_group, department_group]
