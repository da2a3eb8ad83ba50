"""Core commands: init, invite, serve, export."""

import click
from flask import current_app
from flask.cli import with_appcontext

from collector.db import init_databases


@click.command("init")
@with_appcontext
def init_command():
    """Create or migrate both databases."""
    init_databases(current_app.config["DATABASE"], current_app.config["CONTACTS_DATABASE"])
    click.echo(f"Served database:   {current_app.config['DATABASE']}")
    click.echo(f"Contacts database: {current_app.config['CONTACTS_DATABASE']}")


commands = [init_command]
