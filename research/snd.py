"""Write an SND deposit bundle: CSV + Parquet per table, datapackage.json, DDI-Codebook.

Layout of the bundle folder::

    datapackage.json        Frictionless Data Package (v2 field-level missingValues)
    ddi-codebook.xml        DDI-Codebook 2.5: study description, files, variables
    data/<table>.csv        UTF-8, comma, the archival copy the datapackage describes
    parquet/<table>.parquet the same table for fast loading (pyarrow, DuckDB, R arrow)
    bundle.json             level, k, counts, applied migrations (no personal data)
    served-schema.sql       the served database's schema (DDL only), for ``pool``

Every table about respondents passes :func:`research.disclosure.check_cells`
before anything is written; the bundle is assembled in a temporary folder
beside the target and renamed into place, so a refused or failed bundle
leaves nothing behind.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from research.bundle_tables import Table
from research.bundle_tables import build_tables
from research.disclosure import check_cells
from research.safe_csv import write_csv

ARROW_TYPES = {"integer": pa.int64(), "string": pa.string()}
BUNDLE_FORMAT = 1


def disclosure_gate(tables: list[Table], k: int) -> None:
    """Refuse the bundle if any table about respondents has a (stratum, group) cell under k."""
    for table in tables:
        if not table.about_respondents:
            continue
        per_response = {row["response_key"]: row for row in table.rows}
        check_cells(table.name, per_response.values(), ("stratum_id", "group_key"), k)


def _write_table(folder: Path, table: Table) -> None:
    names = [name for name, _, _ in table.fields]
    write_csv(folder / "data" / f"{table.name}.csv", names,
              ([("" if row.get(n) is None else row.get(n)) for n in names] for row in table.rows))
    schema = pa.schema([(name, ARROW_TYPES[kind]) for name, kind, _ in table.fields])
    columns = {name: [row.get(name) for row in table.rows] for name in names}
    pq.write_table(pa.table(columns, schema=schema), folder / "parquet" / f"{table.name}.parquet")


def datapackage(tables: list[Table], report: dict) -> dict:
    resources = []
    for table in tables:
        fields = []
        for name, kind, description in table.fields:
            field = {"name": name, "type": kind, "description": description}
            if name in table.missing_codes:
                field["missingValues"] = [""] + [str(code) for code in table.missing_codes[name]]
            fields.append(field)
        schema = {"fields": fields, "missingValues": [""], "primaryKey": table.primary_key}
        if table.foreign_keys:
            schema["foreignKeys"] = table.foreign_keys
        resources.append({
            "name": table.name, "title": table.title, "path": f"data/{table.name}.csv", "format": "csv",
            "mediatype": "text/csv", "encoding": "utf-8", "schema": schema,
            "parquet": f"parquet/{table.name}.parquet",
        })
    return {
        "name": "medverkan-" + _slug(report["municipality"]),
        "title": f"Medverkan: service-user involvement in recruitment, {report['municipality']}",
        "description": (
            "Questionnaire answers from recruitments in Swedish social services where service users took part. "
            f"De-identified: strata ({report['level']}) instead of processes, random keys, coded answers only, "
            f"no cell under k={report['k']}."
        ),
        "licenses": [{"name": "CC-BY-4.0", "path": "https://creativecommons.org/licenses/by/4.0/"}],
        "resources": resources,
    }


def _slug(text: str) -> str:
    import re
    import unicodedata

    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-") or "municipality"


def served_schema(served_path: str) -> tuple[str, list[list[str]]]:
    """The served schema as DDL (in creation order) and the applied migration steps.

    ``wide_*`` views are left out (their SQL embeds this database's question
    ids; ``pool`` recreates them), and so are FTS5 shadow tables (the
    virtual table creates them).
    """
    from research.source import open_served

    conn = open_served(served_path)
    try:
        objects = conn.execute(
            "select type, name, sql from sqlite_master where sql is not null and name not like 'sqlite_%' order by rowid"
        ).fetchall()
        virtual = [name for kind, name, sql in objects if sql.upper().startswith("CREATE VIRTUAL TABLE")]
        statements = [
            sql
            for kind, name, sql in objects
            if not name.startswith("wide_") and not any(name.startswith(v + "_") for v in virtual)
        ]
        migrations = [list(row) for row in conn.execute("select migration_set, name from _sqlite_migrations order by id")]
    finally:
        conn.close()
    return ";\n".join(statements) + ";\n", migrations


def write_bundle(served_path: str, out_dir, *, municipality: str, k: int = 5) -> dict:
    """Build, check and write the bundle; return the report (raises DisclosureError)."""
    from research.ddi import ddi_codebook

    tables, report = build_tables(served_path, municipality=municipality, k=k)
    disclosure_gate(tables, k)
    target = Path(out_dir)
    if target.exists() and any(target.iterdir()):
        raise FileExistsError(f"{target} finns och är inte tom. / {target} exists and is not empty.")
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".bundle-", dir=target.parent))
    try:
        (staging / "data").mkdir()
        (staging / "parquet").mkdir()
        for table in tables:
            _write_table(staging, table)
        package = datapackage(tables, report)
        (staging / "datapackage.json").write_text(json.dumps(package, ensure_ascii=False, indent=2), encoding="utf-8")
        (staging / "ddi-codebook.xml").write_bytes(ddi_codebook(tables, report))
        schema_sql, migrations = served_schema(served_path)
        (staging / "served-schema.sql").write_text(schema_sql, encoding="utf-8")
        (staging / "bundle.json").write_text(
            json.dumps({"format": BUNDLE_FORMAT, **report, "migrations": migrations}, ensure_ascii=False, indent=2),
            encoding="utf-8",
        )
        if target.exists():
            target.rmdir()
        staging.rename(target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return report
