"""CLI commands (see collector/cli.py)."""

commands = []
