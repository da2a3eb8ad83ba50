"""A fresh machine: help without a secret key, `medverkan init` writing a
private configuration, and clear words for commands run before it.

Checked twice: through click's CliRunner (instance folder chosen with
``MEDVERKAN_INSTANCE_PATH``) and as a new user would, with the real
``medverkan`` program in a subprocess, a clean environment (no
``MEDVERKAN_*`` variable) and a fresh copy of the source, so the instance
folder is Flask's default next to the package.
"""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from collector.ops.cli import cli

ROOT = Path(__file__).resolve().parent.parent
SOURCE_PACKAGES = ("collector", "forms", "datasette_plugins", "research")
ADMIN_PASSWORD = "a long admin password"


@pytest.fixture
def fresh(monkeypatch, tmp_path):
    """No MEDVERKAN_* variable but an empty instance folder; returns that folder."""
    for key in list(os.environ):
        if key.startswith("MEDVERKAN_"):
            monkeypatch.delenv(key)
    instance = tmp_path / "instance"
    monkeypatch.setenv("MEDVERKAN_INSTANCE_PATH", str(instance))
    return instance


def _every_command_path(group: click.Group, prefix=()):
    for name, command in group.commands.items():
        yield (*prefix, name)
        if isinstance(command, click.Group):
            yield from _every_command_path(command, (*prefix, name))


def test_help_of_every_command_works_without_a_secret_key(fresh):
    runner = CliRunner()
    top = runner.invoke(cli, ["--help"])
    assert top.exit_code == 0, top.output
    assert "Error" not in top.output
    for name in cli.commands:
        assert f"  {name} " in top.output, name
    assert "  user " in top.output
    for path in _every_command_path(cli):
        result = runner.invoke(cli, [*path, "--help"])
        assert result.exit_code == 0, (path, result.output)
        assert "Usage: " in result.output and "Error" not in result.output, path
    assert not (fresh / "config.py").exists()  # help writes nothing


@pytest.mark.parametrize("args", [["user", "list"], ["send-due"], ["purge"], ["export", "--process", "X"], ["backup", "b"]])
def test_commands_before_init_say_to_run_init(fresh, args):
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 1, result.output
    assert "medverkan init" in result.output
    assert isinstance(result.exception, SystemExit)  # a message, not a traceback


def test_commands_with_a_key_but_no_databases_say_to_run_init(fresh, monkeypatch):
    monkeypatch.setenv("MEDVERKAN_SECRET_KEY", "k" * 40)
    result = CliRunner().invoke(cli, ["user", "list"])
    assert result.exit_code == 1
    assert "run `medverkan init` first" in result.output
    assert not (fresh / "config.py").exists()


def test_init_writes_a_private_key_creates_databases_and_prints_next_steps(fresh):
    runner = CliRunner()
    result = runner.invoke(cli, ["init"])
    assert result.exit_code == 0, result.output
    config = fresh / "config.py"
    assert stat.S_IMODE(config.stat().st_mode) == 0o600
    key_line = [line for line in config.read_text().splitlines() if line.startswith("SECRET_KEY")]
    assert len(key_line) == 1 and len(key_line[0]) > 60
    assert (fresh / "medverkan.db").exists() and (fresh / "contacts.db").exists()
    assert "medverkan user add admin --role admin" in result.output
    assert "medverkan serve" in result.output

    # Running init again (an upgrade) keeps the key.
    again = runner.invoke(cli, ["init"])
    assert again.exit_code == 0 and "Configuration:" not in again.output
    assert [line for line in config.read_text().splitlines() if line.startswith("SECRET_KEY")] == key_line

    added = runner.invoke(cli, ["user", "add", "admin", "--role", "admin", "--password", ADMIN_PASSWORD])
    assert added.exit_code == 0, added.output
    assert "admin\tadmin" in runner.invoke(cli, ["user", "list"]).output


def test_init_keeps_a_key_from_the_environment(fresh, monkeypatch):
    monkeypatch.setenv("MEDVERKAN_SECRET_KEY", "k" * 40)
    result = CliRunner().invoke(cli, ["init"])
    assert result.exit_code == 0, result.output
    assert not (fresh / "config.py").exists()


def _medverkan_program() -> str:
    return shutil.which("medverkan") or os.path.join(os.path.dirname(sys.executable), "medverkan")


def test_a_new_user_in_an_empty_directory_with_a_clean_environment(tmp_path):
    clone = tmp_path / "clone"
    for package in SOURCE_PACKAGES:
        shutil.copytree(ROOT / package, clone / package, ignore=shutil.ignore_patterns("__pycache__", "*.mo"))
    workdir = tmp_path / "empty"
    workdir.mkdir()
    env = {"PATH": os.environ["PATH"], "HOME": str(workdir), "PYTHONPATH": str(clone), "LANG": "C.UTF-8"}

    def medverkan(*args):
        return subprocess.run(
            [_medverkan_program(), *args], cwd=workdir, env=env, capture_output=True, text=True, timeout=120
        )

    listed = medverkan("--help")
    assert listed.returncode == 0, listed.stderr
    assert "Error" not in listed.stderr
    for name in ("init", "user", "serve", "send-due", "purge"):
        assert f"  {name} " in listed.stdout
    assert medverkan("user", "add", "--help").returncode == 0

    early = medverkan("user", "list")
    assert early.returncode == 1
    assert "medverkan init" in early.stderr and "Traceback" not in early.stderr

    init = medverkan("init")
    assert init.returncode == 0, init.stderr
    config = clone / "instance" / "config.py"
    assert stat.S_IMODE(config.stat().st_mode) == 0o600
    assert "medverkan user add admin --role admin" in init.stdout

    added = medverkan("user", "add", "admin", "--role", "admin", "--password", ADMIN_PASSWORD)
    assert added.returncode == 0, added.stderr
    assert "admin\tadmin" in medverkan("user", "list").stdout
    assert list(workdir.iterdir()) == []  # nothing written where the user happened to stand
