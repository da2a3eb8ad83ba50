"""The ``medverkan`` command line.

``cli`` is a Flask group: each command runs with the collector app (and so
its configuration) available through ``current_app`` when decorated with
``flask.cli.with_appcontext``. Commands live next to the code they drive;
each module below exposes a ``commands`` list and is added here, so no two
areas edit the same file.
"""

from __future__ import annotations

import click
from flask.cli import FlaskGroup
from flask.cli import NoAppException

from collector import create_app
from collector.brukarbank import commands as brukarbank_commands
from collector.coordinator import commands as coordinator_commands
from collector.demo import case as demo
from collector.instruments import commands as instrument_commands
from collector.ops import backup
from collector.ops import commands as ops_commands
from research.cli import research as research_group

# Modules whose ``commands`` list is added to the group, in this order.
COMMAND_MODULES = [ops_commands, demo, coordinator_commands, backup, instrument_commands, brukarbank_commands]


def _create_app():
    try:
        return create_app()
    except RuntimeError as error:
        # A missing SECRET_KEY: one clear line instead of a traceback.
        raise NoAppException(str(error)) from error


@click.group(cls=FlaskGroup, create_app=_create_app, add_default_commands=False, add_version_option=False)
def cli():
    """Medverkan: evaluate service-user involvement in recruitment."""


for _module in COMMAND_MODULES:
    for _command in _module.commands:
        cli.add_command(_command)

# Research files (SPSS, Stata, Excel CSV, codebooks, SND bundle, pooling):
# `medverkan research export|pool`, reading the configured served database.
cli.add_command(research_group)
