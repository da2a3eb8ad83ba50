"""Every file of one questionnaire version, as (file name, bytes) for a download link.

Datasette's exports page (``datasette_plugins.pages``) offers per version
the data (codes or value labels; plain CSV for R/pandas or Swedish Excel),
the statistics files (.sav, .dta), the codebook (Markdown, CSV, HTML) and
the SPSS syntax and R script that read the CSV. They are built here, from the
same :mod:`research.source` rows as ``medverkan research export``, so a file
from the page and one from the command agree column by column, and every
one carries the export's random text ``response_key`` instead of the stored
62-bit response id (which R, SPSS, Stata and Excel cannot hold exactly, and
which two downloads would share). The SPSS syntax and R script name the data
file exactly as this module names it, so the two downloaded side by side run
as they are.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from research import codebook
from research import scripts
from research import source
from research.identifiers import ExportKeys
from research.safe_csv import csv_bytes
from research.wide import write_one

# Kind (the last part of the URL) -> what it is. "excel" marks the
# Swedish-Excel dialect (BOM, ';', decimal comma).
KINDS = {
    "sav": "application/x-spss-sav",
    "dta": "application/x-stata-dta",
    "csv": "text/csv; charset=utf-8",
    "excel.csv": "text/csv; charset=utf-8",
    "labelled.csv": "text/csv; charset=utf-8",
    "labelled.excel.csv": "text/csv; charset=utf-8",
    "codebook.csv": "text/csv; charset=utf-8",
    "codebook.excel.csv": "text/csv; charset=utf-8",
    "codebook.md": "text/markdown; charset=utf-8",
    "codebook.html": "text/html; charset=utf-8",
    "sps": "text/plain; charset=utf-8",
    "excel.sps": "text/plain; charset=utf-8",
    "R": "text/plain; charset=utf-8",
    "excel.R": "text/plain; charset=utf-8",
}


def labelled(variables: list[source.Variable], rows: list[dict], lang: str) -> list[list]:
    """Rows with each coded answer replaced by its value label in ``lang`` (missing codes included)."""
    index = 1 if lang == "en" else 0
    out = []
    for row in rows:
        cells = []
        for v in variables:
            value = row[v.name]
            if v.labels and value in v.labels:
                value = v.labels[value][index]
            cells.append(value)
        out.append(cells)
    return out


def instrument_download(
    served_path: str, instrument_id: int, kind: str, *, lang: str = "sv", include_synthetic: bool = False
) -> tuple[str, bytes] | None:
    """(file name, bytes) of ``kind`` for one questionnaire version; None if unknown.

    A version without (real) responses gives its files with no rows: the
    columns and labels are there, so a script written against it still runs.

    Synthetic (demo) responses only with ``include_synthetic`` (the exports
    page's ``?synthetic=1``, the default in demo mode only); the codebook says
    which.
    """
    if kind not in KINDS:
        return None
    conn = source.open_served(served_path)
    try:
        try:
            info = source.instrument(conn, instrument_id)
        except LookupError:
            return None
        stem = f"{info['key']}_v{info['version']}"
        variables = source.wide_variables(conn, instrument_id)
        excel = kind.startswith("excel.") or ".excel." in kind
        data_name = f"{stem}.excel.csv" if excel else f"{stem}.csv"
        if kind.startswith("codebook."):
            return _codebook(info, variables, stem, kind, excel, include_synthetic)
        if kind in ("sps", "excel.sps"):
            return f"{stem}{'.excel' if excel else ''}.sps", scripts.spss_syntax(
                variables, data_name, excel=excel, lang=lang
            ).encode("utf-8")
        if kind in ("R", "excel.R"):
            return f"{stem}{'.excel' if excel else ''}.R", scripts.r_script(
                variables, data_name, excel=excel, lang=lang
            ).encode("utf-8")
        # Keys drawn anew for every download: two downloads cannot be joined on them.
        rows = source.wide_rows(conn, instrument_id, variables, ExportKeys(), include_synthetic=include_synthetic)
        if kind.startswith("labelled."):
            body = csv_bytes([v.name for v in variables], labelled(variables, rows, lang), excel=excel)
            return f"{stem}.labelled{'.excel' if excel else ''}.csv", body
        title = info["title_en"] if lang == "en" else info["title_sv"]
        fmt = "csv" if kind in ("csv", "excel.csv") else kind
        with tempfile.TemporaryDirectory(prefix="medverkan-export-") as folder:  # pyreadstat writes only to paths
            (path,) = write_one(Path(folder), stem, variables, rows, formats=(fmt,), excel=excel, lang=lang, title=title)
            return path.name, path.read_bytes()
    finally:
        conn.close()


def _codebook(info: dict, variables, stem: str, kind: str, excel: bool, include_synthetic: bool) -> tuple[str, bytes]:
    if kind == "codebook.md":
        return f"{stem}.codebook.md", codebook.markdown(info, variables, include_synthetic).encode("utf-8")
    if kind == "codebook.html":
        return f"{stem}.codebook.html", codebook.html_page(info, variables, include_synthetic).encode("utf-8")
    rows = codebook.codebook_rows(variables)
    body = csv_bytes(codebook.CODEBOOK_FIELDS, ([row[f] for f in codebook.CODEBOOK_FIELDS] for row in rows), excel=excel)
    return f"{stem}.codebook{'.excel' if excel else ''}.csv", body
