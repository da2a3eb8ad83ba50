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


def write_csv(path, header: list[str], rows: Iterable[Iterable], *, excel: bool = False) -> None:
    """Write ``rows`` under ``header``; ``excel=True`` gives the Swedish-Excel dialect."""
    encoding = "utf-8-sig" if excel else "utf-8"
    with open(path, "w", encoding=encoding, newline="") as out:
        writer = csv.writer(out, delimiter=";" if excel else ",", lineterminator="\r\n")
        writer.writerow([neutralise(h) for h in header])
        for row in rows:
            cells = [neutralise(cell) for cell in row]
            writer.writerow([excel_cell(cell) for cell in cells] if excel else cells)
