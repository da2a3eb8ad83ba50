"""CSV export of one process's answers, for ``medverkan export``.

Long format, one row per stored answer (as in the ``answers`` table), with
the question's key, theme and wording and the value's label in both
languages, so the file can be read without the codebook.

Spreadsheet programs execute cells that start with ``=``, ``+``, ``-``,
``@`` (or a tab/carriage return before one of them): a free-text answer like
``=HYPERLINK(...)`` would run when an evaluator opens the file (CSV
injection, OWASP). Every text cell that starts with one of those characters
is prefixed with a single quote, which spreadsheets show as text (the one
rule, ``research.safe_csv.neutralise``, that every export applies).

The stored response id is not written: it is a 62-bit number that R, SPSS,
Stata and Excel round, and the contacts database's receipts hold it. Each
export draws its own random text ``response_key``
(:class:`research.identifiers.ExportKeys`), the same for every answer row
of one response. ``--excel`` writes the Swedish-Excel dialect (BOM, ``;``,
decimal comma).
"""

from __future__ import annotations

from collections.abc import Iterable
from collections.abc import Iterator
from typing import TextIO

from research.identifiers import ExportKeys
from research.safe_csv import neutralise  # one CSV-injection guard for every export
from research.safe_csv import write_rows

COLUMNS = [
    "process_code",
    "response_key",
    "group_key",
    "group_label_sv",
    "instrument_key",
    "instrument_version",
    "language",
    "submitted_on",
    "is_synthetic",
    "question_key",
    "question_type",
    "question_theme",
    "question_text_sv",
    "item",
    "value",
    "value_label_sv",
    "value_label_en",
    "value_text",
]

_QUERY = """
select
  p.code as process_code,
  r.id as stored_response_id,
  r.group_key,
  g.label_sv as group_label_sv,
  i.key as instrument_key,
  i.version as instrument_version,
  r.language,
  r.submitted_on,
  r.is_synthetic,
  q.key as question_key,
  q.type as question_type,
  q.theme as question_theme,
  q.text_sv as question_text_sv,
  a.item,
  a.value_int as value,
  c.label_sv as value_label_sv,
  c.label_en as value_label_en,
  a.value_text
from answers a
join responses r on r.id = a.response_id
join processes p on p.id = r.process_id
join instruments i on i.id = r.instrument_id
join questions q on q.id = a.question_id
left join respondent_groups g on g.key = r.group_key
left join question_choices c on c.question_id = a.question_id and c.value = a.value_int
where r.process_id = ?
order by g.position, r.submitted_on, r.id, q.position, a.item
"""


def export_rows(served_db, process_id: int, keys: ExportKeys | None = None) -> Iterator[list]:
    """Yield the CSV rows (without header) of one process, neutralised, with this export's response keys."""
    keys = keys or ExportKeys()
    for row in served_db.execute(_QUERY, [process_id]):
        row = list(row)
        row[1] = keys.key(row[1])
        yield [neutralise(value) for value in row]


def write_csv(out: TextIO, rows: Iterable[list], *, excel: bool = False) -> int:
    """Write the header and ``rows`` to ``out``; return the number of rows.

    ``excel``: the Swedish-Excel dialect (the caller opens ``out`` as
    ``utf-8-sig`` for the byte-order mark).
    """
    return write_rows(out, COLUMNS, rows, excel=excel)
