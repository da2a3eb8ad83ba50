"""The ``medverkan`` command line.

``cli`` is a Flask group: each command runs with the collector app (and so
its configuration) available through ``current_app`` when decorated with
``flask.cli.with_appcontext``. Commands live next to the code they drive;
each module below exposes a ``commands`` list and is added here, so no two
areas edit the same file.
"""

from __future__ import annotations

import importlib

import click
from flask.cli import FlaskGroup
from flask.cli import NoAppException

COMMAND_MODULES = [
    "collector.ops.commands",
    "collector.demo.case",
    "collector.coordinator.commands",
    "collector.ops.backup",
    "collector.instruments.commands",
]


def _create_app():
    from collector import create_app

    try:
        return create_app()
    except RuntimeError as error:
        # A missing SECRET_KEY: one clear line instead of a traceback.
        raise NoAppException(str(error)) from error


@click.group(cls=FlaskGroup, create_app=_create_app, add_default_commands=False, add_version_option=False)
def cli():
    """Medverkan: evaluate service-user involvement in recruitment."""


for _module_name in COMMAND_MODULES:
    for _command in importlib.import_module(_module_name).commands:
        cli.add_command(_command)
