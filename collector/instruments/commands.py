"""`medverkan instruments import|export|diff|list|publish` (see collector/ops/cli.py).

An instrument is named either by a file (.xlsx/.csv/.md XLSForm or .yaml
definition) or by ``key@version`` of a registered instrument (``key`` alone
means its latest default-set version).
"""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from collector.db import connect
from collector.instruments.registry import InstrumentFrozenError
from collector.instruments.registry import load_registered
from collector.instruments.registry import register_instrument
from collector.speech.publish import after_publish
from collector.speech.publish import speak_all
from collector.speech.store import clip_namer
from forms.definitions import DefinitionError
from forms.definitions import load_instrument
from forms.model import Instrument
from forms.versions import CORE_DECISIONS
from forms.versions import apply_core_decisions
from forms.versions import diff
from forms.versions import reworded_core
from forms.xlsform import XLSFormError
from forms.xlsform import read_xlsform
from forms.xlsform import write_xlsform


def _db():
    return connect(current_app.config["DATABASE"])


def _registered(db, spec: str) -> Instrument:
    key, _, version = spec.partition("@")
    if version:
        row = db.execute("select id from instruments where key = ? and version = ?", [key, version]).fetchone()
    else:
        row = db.execute("select id from instruments where key = ? order by version desc limit 1", [key]).fetchone()
    if row is None:
        raise click.ClickException(f"no registered instrument {spec!r}")
    return load_registered(db, row[0])


def _load(spec: str, db=None) -> Instrument:
    """A file or ``key@version`` of a registered instrument."""
    path = Path(spec)
    if path.suffix.lower() in (".yaml", ".yml"):
        try:
            return load_instrument(path)
        except DefinitionError as error:
            raise click.ClickException(str(error)) from None
    if path.suffix.lower() in (".xlsx", ".csv", ".md", ".xls"):
        if not path.exists():
            raise click.ClickException(f"no such file: {spec}")
        try:
            return read_xlsform(path)
        except XLSFormError as error:
            raise click.ClickException("the XLSForm has problems:\n" + str(error)) from None
    return _registered(db if db is not None else _db(), spec)


def _latest(db, instrument: Instrument) -> Instrument | None:
    row = db.execute(
        "select id from instruments where key = ? and department is ? order by version desc limit 1",
        [instrument.key, instrument.department],
    ).fetchone()
    if row is None:
        return None

    return load_registered(db, row[0])


@click.group("instruments")
def instruments_group():
    """Author questionnaires as XLSForm spreadsheets: check, compare, publish."""


@instruments_group.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
def import_command(path):
    """Check an XLSForm file and print a summary of the instrument (nothing is stored)."""
    instrument = _load(path)
    click.echo(f"{instrument.key}@{instrument.version}: group {instrument.group}, "
               f"department {instrument.department or '-'}, {len(instrument.pages)} pages, "
               f"{len(instrument.questions)} questions")


@instruments_group.command("export")
@click.argument("spec")
@click.argument("out", type=click.Path(dir_okay=False, writable=True))
@with_appcontext
def export_command(spec, out):
    """Write an instrument (file or key@version) as an .xlsx XLSForm (media::audio columns name its speech)."""
    write_xlsform(_load(spec), out, audio=clip_namer(current_app.config["AUDIO_FOLDER"]))
    click.echo(f"written {out}")


@instruments_group.command("diff")
@click.argument("old")
@click.argument("new")
@with_appcontext
def diff_command(old, new):
    """Show added, removed and reworded items and changed types/choices from OLD to NEW."""
    changes = diff(_load(old), _load(new))
    for change in changes:
        click.echo(str(change))
    if not changes:
        click.echo("no differences")


@instruments_group.command("list")
@with_appcontext
def list_command():
    """Registered instruments with version, group, department and whether answered."""
    db = _db()
    for key, version, group, department, frozen in db.execute(
        "select key, version, group_key, department, frozen_on from instruments order by key, department, version"
    ):
        click.echo(f"{key}@{version}\t{group}\t{department or '-'}\t{'answered' if frozen else 'open'}")


@instruments_group.command("publish")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--core-reworded", type=click.Choice(CORE_DECISIONS), default=None,
              help="For reworded common-core items: keep their key or break it (asked when omitted).")
@with_appcontext
def publish_command(path, core_reworded):
    """Register an XLSForm (a new version when it changed; answered versions never change)."""
    db = _db()
    instrument = _load(path, db)
    previous = _latest(db, instrument)
    if previous is not None and previous.version < instrument.version:
        decisions = {}
        for key in reworded_core(previous, instrument):
            decision = core_reworded or click.prompt(
                f"Common-core item {key!r} was reworded. Keep its key (same meaning) or break it (new key)?",
                type=click.Choice(CORE_DECISIONS),
            )
            decisions[key] = decision
        instrument = apply_core_decisions(instrument, decisions)
    try:
        instrument_id = register_instrument(db, instrument)
    except (InstrumentFrozenError, ValueError) as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"published {instrument.key}@{instrument.version} (id {instrument_id})")
    spoken = after_publish(db, instrument_id, current_app.config)
    if spoken is not None:
        _echo_speech(spoken)


def _echo_speech(result, label: str = "speech") -> None:
    if result.missing_tool is not None:
        click.echo(f"{label}: not made, {result.missing_tool} is not installed (the pages show no players)")
    else:
        click.echo(f"{label}: {result.made} clips made, {result.reused} already there, {result.failed} failed")


@instruments_group.command("audio")
@click.argument("keys", nargs=-1)
@with_appcontext
def audio_command(keys):
    """Make the spoken questions and options of every published version (or of KEYS) that lack them.

    Publishing makes them; this is for versions published before, or while
    espeak-ng was missing. Clips already made are kept as they are.
    """
    db = _db()
    done = speak_all(db, current_app.config, tuple(keys))
    if not done:
        raise click.ClickException("no registered instrument" + (f" named {', '.join(keys)}" if keys else ""))
    for key, version, result in done:
        _echo_speech(result, f"{key}@{version}")
    if any(result.missing_tool is not None or result.failed for _key, _version, result in done):
        raise click.ClickException("some speech was not made (see above)")


commands = [instruments_group]
