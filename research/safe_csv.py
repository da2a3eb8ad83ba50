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
import io
import re
from collections.abc import Iterable

DANGEROUS_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
# A plain decimal number ("-0.08", "12", "1.5e-3"): a spreadsheet reads it as a
# number and can run nothing from it, so it keeps its sign. Anything more
# ("-2+3", "-1 cmd") is not a number and is defused.
PLAIN_NUMBER = re.compile(r"-?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")
DECIMAL = re.compile(r"-?\d*\.\d+(?:[eE][+-]?\d+)?|-?\d+[eE][+-]?\d+")

def neutralise(cell):
    """Stop spreadsheets from running a text cell as a formula (CSV injection).

    A text cell starting with ``= + - @``, a tab or a carriage return gets a
    leading ``'`` unless it is a plain number: Datasette's CSV reaches the
    guard as text, and a negative coefficient (``-0.08``) must stay a number.
    """
    if isinstance(cell, str) and cell.startswith(DANGEROUS_PREFIXES) and not PLAIN_NUMBER.fullmatch(cell):
        return "'" + cell
    return cell

def excel_cell(cell):
    """A cell for Swedish Excel: decimal numbers (floats, or text that is one) with a decimal comma."""
    if isinstance(cell, float):
        text = repr(cell) if not cell.is_integer() else str(int(cell))
        return text.replace(".", ",")
    if isinstance(cell, str) and DECIMAL.fullmatch(cell):
        return cell.replace(".", ",")
    return cell


def write_rows(out, header: list[str] | None, rows: Iterable[Iterable], *, excel: bool = False) -> int:
    """Write ``header`` (if any) and ``rows`` to the text stream ``out``, neutralised; return the rows written.

    ``excel=True``: ``;`` between fields and a decimal comma (the byte-order
    mark is the stream's encoding, ``utf-8-sig``: see :func:`write_csv`).
    The one CSV writer of the project: research files, the exports page,
    ``medverkan export``, the participant list and Datasette's CSV guard.
    """
    writer = csv.writer(out, delimiter=";" if excel else ",", lineterminator="\r\n")
    if header is not None:
        writer.writerow([neutralise(h) for h in header])
    count = 0
    for row in rows:
        cells = [neutralise(cell) for cell in row]
        writer.writerow([excel_cell(cell) for cell in cells] if excel else cells)
        count += 1
    return count


def csv_bytes(header: list[str], rows: Iterable[Iterable], *, excel: bool = False) -> bytes:
    """The CSV as bytes for a download: UTF-8, with a byte-order mark for Swedish Excel."""
    out = io.StringIO()
    write_rows(out, header, rows, excel=excel)
    return out.getvalue().encode("utf-8-sig" if excel else "utf-8")


def write_csv(path, header: list[str], rows: Iterable[Iterable], *, excel: bool = False) -> None:
    """Write ``rows`` under ``header`` to ``path``; ``excel=True`` gives the Swedish-Excel dialect."""
    with open(path, "w", encoding="utf-8-sig" if excel else "utf-8", newline="") as out:
        write_rows(out, header, rows, excel=excel)
