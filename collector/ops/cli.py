"""The ``medverkan`` command line.

``cli`` is a Flask group: each command runs with the collector app (and so
its configuration) available through ``current_app`` when decorated with
``flask.cli.with_appcontext``. Commands live next to the code they drive;
each module below exposes a ``commands`` list and is added here, so no two
areas edit the same file.

Listing and ``--help`` never load the app (every command is registered
here, none comes from the app), so they work on a fresh machine without a
secret key. A command that needs the app, run before ``medverkan init``,
stops with one line saying to run ``init`` (``collector.ops.first_run``).
"""

from __future__ import annotations

import click
from flask.cli import FlaskGroup

from collector import create_app
from collector.brukarbank import commands as brukarbank_commands
from collector.coordinator import commands as coordinator_commands
from collector.coordinator import department_commands
from collector.demo import case as demo
from collector.instruments import commands as instrument_commands
from collector.ops import backup
from collector.ops import commands as ops_commands
from collector.ops import first_run
from research.cli import research as research_group

# Modules whose ``commands`` list is added to the group, in this order.
COMMAND_MODULES = [
    ops_commands,
    demo,
    coordinator_commands,
    department_commands,
    backup,
    instrument_commands,
    brukarbank_commands,
]


def _create_app():
    try:
        app = create_app()
    except RuntimeError as error:
        # No SECRET_KEY yet: one clear line instead of a traceback.
        raise first_run.NoSecretKey(str(error)) from error
    command = click.get_current_context().find_root().invoked_subcommand
    if command not in first_run.RUNS_BEFORE_INIT and not first_run.databases_ready(
        app.config["DATABASE"], app.config["CONTACTS_DATABASE"]
    ):
        raise click.ClickException(first_run.NOT_INITIALISED.format(path=app.config["DATABASE"]))
    return app


class MedverkanGroup(FlaskGroup):
    """Flask's group without loading the app to list or find commands.

    ``FlaskGroup`` loads the app to look for commands the app itself
    registers; Medverkan registers none there, and loading needs a secret
    key, so ``medverkan --help`` failed on a fresh machine.
    """

    def get_command(self, ctx, name):
        return click.Group.get_command(self, ctx, name)

    def list_commands(self, ctx):
        return click.Group.list_commands(self, ctx)


@click.group(cls=MedverkanGroup, create_app=_create_app, add_default_commands=False, add_version_option=False)
def cli():
    """Medverkan: evaluate service-user involvement in recruitment.

    On a new machine run `medverkan init` first: it creates the databases and
    a private configuration, and prints the next steps.
    """


for _module in COMMAND_MODULES:
    for _command in _module.commands:
        cli.add_command(_command)

# Research files (SPSS, Stata, Excel CSV, codebooks, SND bundle, pooling):
# `medverkan research export|pool`, reading the configured served database.
cli.add_command(research_group)
