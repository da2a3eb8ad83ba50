"""Core commands: init, invite, serve, export."""

from __future__ import annotations

import os
import secrets
import sys

import click
from flask import current_app
from flask.cli import ScriptInfo
from flask.cli import with_appcontext

from collector import create_app
from collector import instance_folder
from collector.db import connect
from collector.demo.case import DEMO_STAFF_USERNAME
from collector.demo.case import print_links
from collector.demo.case import run_demo
from collector.invitations import create_invitation
from collector.invitations import invitation_url
from collector.migrations import init_databases
from collector.ops import first_run
from collector.ops.csv_export import export_rows
from collector.ops.csv_export import write_csv
from collector.ops.serve import ServerPair
from collector.ops.serve import ServeSettings
from collector.ops.serve import env_setting
from collector.respondent import search_release
from forms.vocabulary import GROUP_KEYS


@click.command("init")
def init_command():
    """Set up this machine, or upgrade it: create or migrate both databases.

    When no SECRET_KEY is configured, first writes a private config.py with a
    random key in the instance folder (mode 0600). Safe to run again.
    """
    info = click.get_current_context().ensure_object(ScriptInfo)
    written = None
    try:
        app = info.load_app()
    except first_run.NoSecretKey:
        written = first_run.write_secret_key(instance_folder())
        app = info.load_app()
    init_databases(app.config["DATABASE"], app.config["CONTACTS_DATABASE"])
    if written:
        click.echo(f"Configuration:     {written} (new random SECRET_KEY, readable only by you)")
    click.echo(f"Served database:   {app.config['DATABASE']}")
    click.echo(f"Contacts database: {app.config['CONTACTS_DATABASE']}")
    for line in first_run.next_steps(app.config["PUBLIC_BASE_URL"]):
        click.echo(line)


def _process_id_or_fail(served, code: str) -> int:
    row = served.execute("select id from processes where code = ?", [code]).fetchone()
    if row is None:
        known = [r[0] for r in served.execute("select code from processes order by code")]
        hint = f" Known codes: {', '.join(known)}." if known else " There are no processes yet."
        raise click.BadParameter(f"no process with code {code!r}.{hint}", param_hint="--process")
    return row[0]


@click.command("invite")
@click.option("--process", "process_code", required=True, help="The process code, e.g. HBG-2017-GR.")
@click.option("--group", "group_key", required=True, type=click.Choice(GROUP_KEYS), help="Respondent group.")
@click.option("--count", default=1, show_default=True, type=click.IntRange(1, 1000), help="How many links.")
@click.option("--language", default="sv", show_default=True, type=click.Choice(["sv", "en"]))
@with_appcontext
def invite_command(process_code, group_key, count, language):
    """Create personal links for a process and group and print them, one a line.

    Each link is shown once only (the database keeps just a hash of it):
    hand it out or print it now.
    """
    served = connect(current_app.config["DATABASE"])
    contacts = connect(current_app.config["CONTACTS_DATABASE"])
    try:
        process_id = _process_id_or_fail(served, process_code)
        for _ in range(count):
            token = create_invitation(contacts, process_id, group_key, language=language)
            click.echo(invitation_url(token))
    finally:
        served.conn.close()
        contacts.conn.close()
    days = current_app.config["INVITATION_VALID_DAYS"]
    click.echo(f"{count} link(s) for {group_key} in {process_code}, valid for {days} days.", err=True)


@click.command("export")
@click.option("--process", "process_code", required=True, help="The process code.")
@click.option(
    "--output",
    type=click.Path(dir_okay=False, writable=True, allow_dash=True),
    default="-",
    show_default=True,
    help="CSV file to write ('-' for standard output).",
)
@click.option("--excel", is_flag=True, help="Swedish Excel: UTF-8 with BOM, semicolons, decimal comma.")
@with_appcontext
def export_command(process_code, output, excel):
    """Write a process's answers as CSV (long format, value labels included, random response keys)."""
    served = connect(current_app.config["DATABASE"])
    try:
        process_id = _process_id_or_fail(served, process_code)
        search_release.release_now(served)  # the export includes the newest free text
        if output == "-":
            stream = click.get_text_stream("stdout", encoding="utf-8-sig" if excel else None)
            count = write_csv(stream, export_rows(served, process_id), excel=excel)
        else:
            try:
                with open(output, "w", encoding="utf-8-sig" if excel else "utf-8", newline="") as out:
                    count = write_csv(out, export_rows(served, process_id), excel=excel)
            except OSError as error:
                raise click.ClickException(f"could not write {output}: {error.strerror}") from error
    finally:
        served.conn.close()
    click.echo(f"{count} answer rows of {process_code} written to {output}.", err=True)


@click.command("release-search")
@with_appcontext
def release_search_command():
    """Let free-text answers still waiting for the search into it (daily, from cron; idempotent)."""
    served = connect(current_app.config["DATABASE"])
    try:
        released = search_release.release_now(served)
    finally:
        served.conn.close()
    click.echo(f"{released} free-text answers released to the search.", err=True)


def default_demo_dir() -> str:
    """``instance/demo`` next to the collector package (Flask's instance folder)."""
    return os.path.join(instance_folder(), "demo")


@click.command("serve")
@click.option("--demo", is_flag=True, help="Serve the demo database (created if missing), open read-only.")
@click.option("--port", default=5000, show_default=True, type=click.IntRange(1, 65535), help="Collector port.")
@click.option("--datasette-port", default=8001, show_default=True, type=click.IntRange(1, 65535))
@click.option(
    "--demo-dir",
    type=click.Path(file_okay=False),
    default=None,
    help="Where --demo keeps its databases (default: instance/demo).",
)
def serve_command(demo, port, datasette_port, demo_dir):
    """Start the collector (gunicorn) and Datasette together on 127.0.0.1.

    Both bind to loopback only. Ctrl-C stops both.
    """
    if port == datasette_port:
        raise click.BadParameter("the collector and Datasette need different ports.", param_hint="--datasette-port")
    base_url = f"http://127.0.0.1:{port}"
    links = {}
    if demo:
        demo_dir = demo_dir or default_demo_dir()
        os.makedirs(demo_dir, exist_ok=True)
        served_path = os.path.join(demo_dir, "medverkan.db")
        contacts_path = os.path.join(demo_dir, "contacts.db")
        click.echo(f"Preparing the demo databases in {demo_dir} …")
        result = run_demo(served_path, contacts_path, base_url=base_url, staff=True)
        links = result.links
        secret = secrets.token_urlsafe(32)
        collector_env = {
            "MEDVERKAN_DEMO": True,
            "MEDVERKAN_SECRET_KEY": secret,
            "MEDVERKAN_DATABASE": served_path,
            "MEDVERKAN_CONTACTS_DATABASE": contacts_path,
            "MEDVERKAN_PUBLIC_BASE_URL": base_url,
            "MEDVERKAN_DATASETTE_URL": f"http://127.0.0.1:{datasette_port}",
        }
    else:
        try:
            app = create_app()
        except RuntimeError as error:
            raise click.ClickException(str(error)) from error
        served_path = app.config["DATABASE"]
        contacts_path = app.config["CONTACTS_DATABASE"]
        secret = app.config["SECRET_KEY"]
        init_databases(served_path, contacts_path)
        collector_env = {}

    settings = ServeSettings(
        served_path=served_path,
        contacts_path=contacts_path,
        secret=secret,
        port=port,
        datasette_port=datasette_port,
        demo=demo,
        collector_env={key: env_setting(value) for key, value in collector_env.items()},
    )
    pair = ServerPair(settings, echo=click.echo)
    try:
        pair.start()
        if not pair.wait_until_answering():
            click.echo("A server did not start (is the port in use?); stopping.", err=True)
            pair.stop()
            sys.exit(1)
    except KeyboardInterrupt:
        pair.stop()
        sys.exit(0)
    click.echo("")
    click.echo(f"Collector (respondents, coordinators): {pair.collector_url}/")
    click.echo(f"Datasette (evaluators):                {pair.datasette_url}/")
    if demo:
        click.echo(
            "Demo mode: Datasette is open read-only, without sign-in, on this machine only (127.0.0.1). "
            "The data are the 2017 case and synthetic answers."
        )

        print_links(links)
        click.echo(
            f"Staff sign-in: {pair.collector_url}/staff/login  user {DEMO_STAFF_USERNAME}, "
            f"password {result.staff_password} (new on every start)"
        )
    click.echo("Press Ctrl-C to stop both.")
    sys.exit(pair.run_until_stopped())


commands = [init_command, invite_command, serve_command, export_command, release_search_command]
