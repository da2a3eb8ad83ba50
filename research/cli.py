"""The ``research`` click group: ``export`` and ``pool``.

Runnable now as ``python -m research ...``; the ``medverkan`` CLI can add it
with one line (``cli.add_command(research.cli.export)`` / ``pool``, or the
whole group). Commands take the served database path explicitly (default
``instance/medverkan.db``, or ``MEDVERKAN_DATABASE``) because this package
does not read the collector's configuration.
"""

from __future__ import annotations

import os

import click

DEFAULT_DATABASE = os.environ.get("MEDVERKAN_DATABASE", "instance/medverkan.db")


@click.group()
def research():
    """Research data out: SPSS, Stata, Excel CSV, codebooks, SND bundle, pooling."""


def _configured_database(ctx: click.Context, param, value):
    """The served database: the option, else the host CLI's configuration.

    Under ``medverkan research`` the root context object is Flask's
    ``ScriptInfo``, whose app knows the configured ``DATABASE`` (instance
    config or ``MEDVERKAN_DATABASE``); duck-typed so that this package still
    imports nothing of the collector. Standalone (``python -m research``) the
    default is ``MEDVERKAN_DATABASE`` or ``instance/medverkan.db``.
    """
    if value is None:
        load_app = getattr(ctx.find_root().obj, "load_app", None)
        if load_app is not None:
            try:
                value = load_app().config.get("DATABASE")
            except Exception as error:  # no usable configuration: say so, no traceback
                raise click.UsageError(f"{error} (or name the file with --database)") from error
        value = value or DEFAULT_DATABASE
    if not os.path.isfile(value):
        raise click.BadParameter(f"no database at {value!r} (run `medverkan init`, or name it with --database)")
    return value


def _database_option(function):
    return click.option(
        "--database",
        "database",
        default=None,
        callback=_configured_database,
        type=click.Path(dir_okay=False),
        help="The served database to read (never the contacts database); default: the configured DATABASE.",
    )(function)


@research.command("export")
@_database_option
@click.option("--out", "out_dir", type=click.Path(file_okay=False), help="Folder for the wide files and codebooks.")
@click.option("--format", "formats", multiple=True, type=click.Choice(["sav", "dta", "csv"]),
              help="Wide formats (repeatable; default all three).")
@click.option("--excel", is_flag=True, help="CSV for Swedish Excel: UTF-8 with BOM, ';', decimal comma.")
@click.option("--no-per-process", is_flag=True, help="Only one file per instrument version, not one per process too.")
@click.option("--codebook/--no-codebook", default=True, show_default=True,
              help="Codebook (Markdown, CSV, HTML), SPSS syntax and R script per instrument version.")
@click.option("--lang", type=click.Choice(["sv", "en"]), default="sv", show_default=True, help="Label language.")
@click.option("--municipality", default="", help="Municipality name put on every row.")
@click.option("--snd", "snd_dir", type=click.Path(file_okay=False), help="Write an SND deposit bundle to this folder.")
@click.option("--k", "k", default=5, show_default=True, type=click.IntRange(2), help="Smallest cell in the SND bundle.")
@click.option("--include-synthetic", is_flag=True,
              help="Include the demo's synthetic (invented) rows, flagged is_synthetic = 1; left out by default.")
def export(database, out_dir, formats, excel, no_per_process, codebook, lang, municipality, snd_dir, k, include_synthetic):
    """Write research files from DATABASE (wide files and codebooks to --out, a deposit to --snd).

    Synthetic (demo) responses, ratings, rankings and invented processes are
    left out unless --include-synthetic; the codebooks say which. The SND
    bundle cannot leave rows out, so it is refused on a database holding
    synthetic responses unless --include-synthetic.
    """
    if not out_dir and not snd_dir:
        raise click.UsageError("Ange --out och/eller --snd. / Give --out and/or --snd.")
    if out_dir:
        from research.wide import export_wide

        written = export_wide(
            database, out_dir, formats=formats or ("sav", "dta", "csv"), per_process=not no_per_process,
            excel=excel, lang=lang, municipality=municipality, include_synthetic=include_synthetic,
        )
        from research.process_tables import export_process_tables

        written += export_process_tables(
            database, out_dir, formats=formats or ("sav", "dta", "csv"), excel=excel, lang=lang,
            include_synthetic=include_synthetic,
        )
        if codebook:
            from research.codebook import write_codebooks

            written += write_codebooks(database, out_dir, excel=excel, lang=lang, include_synthetic=include_synthetic)
        for path in written:
            click.echo(str(path))
    if snd_dir:
        from research.disclosure import DisclosureError
        from research.snd import write_bundle

        if not municipality:
            raise click.UsageError("--snd kräver --municipality. / --snd needs --municipality.")
        if not include_synthetic and _holds_synthetic(database):
            raise click.UsageError(
                "Databasen innehåller syntetiska demosvar; ett SND-paket kan inte utelämna dem. Använd "
                "--include-synthetic om paketet ska innehålla dem. / The database holds synthetic demo responses; "
                "an SND bundle cannot leave them out. Use --include-synthetic if the bundle should hold them."
            )
        try:
            report = write_bundle(database, snd_dir, municipality=municipality, k=k)
        except (DisclosureError, FileExistsError) as error:
            raise click.ClickException(str(error)) from error
        click.echo(f"{snd_dir}: {report['responses']} responses, level {report['level']}, "
                   f"{report['suppressed']} suppressed")


def _holds_synthetic(database: str) -> bool:
    from research import source

    conn = source.open_served(database)
    try:
        return conn.execute("select 1 from responses where is_synthetic = 1 limit 1").fetchone() is not None
    finally:
        conn.close()


@research.command("pool")
@click.argument("bundles", nargs=-1, required=True, type=click.Path(exists=True, file_okay=False))
@click.option("--output", required=True, type=click.Path(dir_okay=False), help="The pooled served-format database.")
@click.option("--k", "k", default=5, show_default=True, type=click.IntRange(2), help="Small-cell threshold to check.")
def pool(bundles, output, k):
    """Merge SND bundles from several municipalities into one served-format database."""
    from research.pool import PoolError
    from research.pool import pool_bundles

    try:
        summary = pool_bundles(list(bundles), output, k=k)
    except PoolError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"{output}: {summary['responses']} responses from {summary['municipalities']} municipalities")
