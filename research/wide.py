"""Wide research files: one row per response, per instrument version and per process.

One call writes every requested format from the same rows, with one
:class:`~research.identifiers.ExportKeys` for the whole export, so the
``response_key`` of a response is the same in its ``.sav``, ``.dta`` and
CSV, and files of different versions and processes stack on the shared meta
columns (``process_code``, ``department``, ``year``, ``instrument_version``...).
"""

from __future__ import annotations

import re
from pathlib import Path

from research import source
from research.identifiers import ExportKeys
from research.safe_csv import write_csv

FORMATS = ("sav", "dta", "csv")


def _safe(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", text).strip("_") or "x"


def _csv_cell(value):
    return "" if value is None else value


def write_one(folder: Path, stem: str, variables, rows, *, formats, excel: bool, lang: str, title: str) -> list[Path]:
    from research import statfiles

    written = []
    if "sav" in formats:
        path = folder / f"{stem}.sav"
        statfiles.write_sav(path, variables, rows, lang=lang, file_label=title)
        written.append(path)
    if "dta" in formats:
        path = folder / f"{stem}.dta"
        statfiles.write_dta(path, variables, rows, lang=lang, file_label=title)
        written.append(path)
    if "csv" in formats:
        path = folder / (f"{stem}.excel.csv" if excel else f"{stem}.csv")
        header = [v.name for v in variables]
        write_csv(path, header, ([_csv_cell(row[v.name]) for v in variables] for row in rows), excel=excel)
        written.append(path)
    return written


def export_wide(
    served_path: str,
    out_dir,
    *,
    formats=FORMATS,
    per_process: bool = True,
    excel: bool = False,
    lang: str = "sv",
    municipality: str = "",
    include_synthetic: bool = False,
) -> list[Path]:
    """Write the wide files of every answered instrument version (and each process's share).

    Synthetic (demo) responses are left out unless ``include_synthetic``.
    """
    folder = Path(out_dir)
    folder.mkdir(parents=True, exist_ok=True)
    keys = ExportKeys()
    written: list[Path] = []
    conn = source.open_served(served_path)
    try:
        process_info = source.processes(conn)
        for info in source.instruments(conn):
            answered = [
                row[0]
                for row in conn.execute(
                    "select distinct process_id from responses where instrument_id = ?"
                    + ("" if include_synthetic else " and coalesce(is_synthetic, 0) = 0")
                    + " order by process_id",
                    [info["id"]],
                )
            ]
            if not answered:
                continue
            stem = f"{info['key']}_v{info['version']}"
            title = info["title_en"] if lang == "en" else info["title_sv"]
            variables = source.wide_variables(conn, info["id"])
            rows = source.wide_rows(
                conn, info["id"], variables, keys, municipality=municipality, include_synthetic=include_synthetic
            )
            written += write_one(folder, stem, variables, rows, formats=formats, excel=excel, lang=lang, title=title)
            if not per_process:
                continue
            for process_id in answered:
                code = process_info[process_id]["code"]
                # Applicant columns only for this process's own applicants.
                variables = source.wide_variables(conn, info["id"], process_id)
                rows = source.wide_rows(
                    conn, info["id"], variables, keys, process_id=process_id, municipality=municipality,
                    include_synthetic=include_synthetic,
                )
                written += write_one(
                    folder, f"{stem}__{_safe(code)}", variables, rows, formats=formats, excel=excel, lang=lang, title=title
                )
    finally:
        conn.close()
    return written
