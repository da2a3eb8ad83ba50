"""Neutralise formulas in every CSV Datasette sends, while it streams.

Datasette writes the CSV of tables, rows, canned queries and ad-hoc SQL
itself (``.csv``, ``?_format=csv``, ``_stream=1``), cell by cell as the
text the database holds: a respondent's ``=HYPERLINK(...)`` reaches an
evaluator's spreadsheet as a live formula. Rather than replace Datasette's
renderer (and chase every path that reaches it), the ASGI wrapper in
:mod:`datasette_plugins.hardening` passes each CSV body through
:class:`CsvNeutraliser`, which re-parses it with the csv module record by
record and applies the project's one rule, :func:`research.safe_csv.neutralise`, to
every cell, header row included.

Swedish Excel: every CSV link also comes with ``_excel=1`` (the table and
query templates offer it). The wrapper takes the argument out before
Datasette sees it (a table page would read an unknown argument as a column
filter) and the neutraliser writes the Swedish-Excel dialect of
:mod:`research.safe_csv`: a byte-order mark, ``;`` between fields and a
decimal comma in numbers.

Streaming: a chunk may end inside a record, even inside a quoted field
holding a line break. A record is complete at a newline outside quotes
(Datasette's csv.writer doubles quotes inside fields, so counting quote
characters tells inside from outside); the incomplete tail waits for the
next chunk.
"""

from __future__ import annotations

import codecs
import csv
import io
from urllib.parse import parse_qsl
from urllib.parse import urlencode

from research.safe_csv import write_rows

EXCEL_ARG = "_excel"

# Any value Datasette can send fits (SQLite's length limit on Datasette's
# connections is 1 MB, sql_functions.MAX_VALUE_BYTES); the csv module's
# default of 128 KiB would refuse a long free-text answer or a hex() column.
FIELD_LIMIT = 64 * 1024 * 1024
csv.field_size_limit(max(csv.field_size_limit(), FIELD_LIMIT))
UNREADABLE = "\r\nAvbrutet: kunde inte kontrolleras / Truncated: could not be checked\r\n"


def complete_end(text: str) -> int:
    """Index just after the last newline that ends a record (0 if none)."""
    in_quotes = False
    end = 0
    for index, char in enumerate(text):
        if char == '"':
            in_quotes = not in_quotes
        elif char == "\n" and not in_quotes:
            end = index + 1
    return end


def neutralise_records(text: str, excel: bool = False) -> str:
    """Re-write complete CSV records with every cell neutralised (in the Swedish-Excel dialect if asked)."""
    if not text:
        return ""
    out = io.StringIO()
    write_rows(out, None, csv.reader(io.StringIO(text, newline="")), excel=excel)
    if not text.endswith("\n"):  # the final record of a body without a last newline
        value = out.getvalue()
        return value[:-2] if value.endswith("\r\n") else value
    return out.getvalue()


class CsvNeutraliser:
    """Feed it the body's byte chunks; it returns the neutralised bytes ready so far."""

    def __init__(self, excel: bool = False):
        self._decoder = codecs.getincrementaldecoder("utf-8")("replace")
        self._pending = ""
        self._broken = False
        self._excel = excel
        self._started = False

    def feed(self, chunk: bytes, final: bool = False) -> bytes:
        """Fails closed: a body the csv module cannot read is cut, never passed on unchecked."""
        if self._broken:
            return b""
        text = self._pending + self._decoder.decode(chunk, final)
        cut = len(text) if final else complete_end(text)
        ready, self._pending = text[:cut], text[cut:]
        try:
            out = neutralise_records(ready, self._excel)
        except csv.Error:
            self._broken = True
            out = UNREADABLE
        if self._excel and not self._started:  # Swedish Excel reads UTF-8 only after a byte-order mark
            out = "\ufeff" + out
        self._started = True
        return out.encode("utf-8")


# Medverkan's own download routes write their files with research.safe_csv
# (neutralised at the source, possibly in the ';' dialect this guard's
# comma parser would misread): they are not re-parsed here.
OWN_DOWNLOADS = ("/-/medverkan/export/", "/-/medverkan/research/")


def is_csv_request(scope) -> bool:
    """Datasette's CSV URLs: ``….csv`` (tables, rows, queries) or ``?_format=csv``."""
    path = scope.get("path", "")
    if path.startswith(OWN_DOWNLOADS):
        return False
    query = scope.get("query_string", b"").decode("latin-1")
    return path.endswith(".csv") or "_format=csv" in query


def excel_requested(scope) -> bool:
    """``_excel=1`` (a link) or ``_excel=on`` (the checkbox of the table's CSV form)."""
    query = scope.get("query_string", b"").decode("latin-1")
    return any(key == EXCEL_ARG and value in ("1", "on") for key, value in parse_qsl(query))


def without_excel_arg(scope) -> dict:
    """The request as Datasette should see it: ``_excel`` is ours, not a column filter."""
    query = scope.get("query_string", b"").decode("latin-1")
    kept = [(key, value) for key, value in parse_qsl(query, keep_blank_values=True) if key != EXCEL_ARG]
    return dict(scope, query_string=urlencode(kept).encode("latin-1"))


def is_csv_response(headers: list) -> bool:
    """Datasette sends its CSV as text/plain unless ``_dl`` asks for text/csv."""
    for name, value in headers:
        if name.lower() == b"content-type":
            kind = value.split(b";")[0].strip().lower()
            return kind in (b"text/csv", b"text/plain")
    return False
