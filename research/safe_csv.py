"""CSV that spreadsheets open safely, in the plain or the Swedish-Excel dialect.

``neutralise`` is the project's CSV-injection guard: a text cell starting
with ``= + - @``, a tab or a carriage return is run as a formula by Excel and
LibreOffice (OWASP "CSV injection"), so it gets a leading ``'``. It is
defined only here, in the bottom layer, and every other CSV writer
(``datasette_plugins.exports``, its streaming ``csv_guard``, the collector's
``medverkan export``) imports it, so there is one rule.

Swedish Excel opens a CSV correctly only as UTF-8 *with* a byte-order mark,
with ``;`` between fields (``,`` is the decimal sign in the Swedish locale),
and reads ``2,5`` as a number: :func:`write_csv` with ``excel=True`` does all
three. The plain dialect is UTF-8 without BOM, ``,`` and ``.`` for R/pandas.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable

DANGEROUS_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def neutralise(cell):
    """Stop spreadsheets from running a text cell as a formula (CSV injection)."""
    if isinstance(cell, str) and cell.startswith(DANGEROUS_PREFIXES):
        return "'" + cell
    return cell


def _excel_cell(cell):
    if isinstance(cell, float):
        text = repr(cell) if not cell.is_integer() else str(int(cell))
        return text.replace(".", ",")
    return cell


def write_csv(path, header: list[str], rows: Iterable[Iterable], *, excel: bool = False) -> None:
    """Write ``rows`` under ``header``; ``excel=True`` gives the Swedish-Excel dialect."""
    encoding = "utf-8-sig" if excel else "utf-8"
    with open(path, "w", encoding=encoding, newline="") as out:
        writer = csv.writer(out, delimiter=";" if excel else ",", lineterminator="\r\n")
        writer.writerow([neutralise(h) for h in header])
        for row in rows:
            cells = [neutralise(cell) for cell in row]
            writer.writerow([_excel_cell(cell) for cell in cells] if excel else cells)
