"""Small-cell control for published research tables.

A published table about respondents must not single anyone out: every
combination of the columns an outsider could know (municipality,
department, year, respondent group: the *quasi-identifiers*) must hold at
least ``k`` responses (k = 5 by default, as on the Datasette pages).

Two steps, kept apart on purpose:

* :func:`choose_level` *generalises*: it picks the finest stratum of
  (department, year) -> year -> department -> municipality only at which
  every group's cell has ``k`` or more responses; the same level for the
  whole bundle (global recoding), so one group cannot be told from another
  by comparing levels. Responses in cells still under ``k`` at the coarsest
  level are *suppressed* (left out) and counted in the report.
* :func:`check_cells` is the gate every writer calls just before writing:
  it refuses (``DisclosureError``) any table with a cell under ``k``,
  whatever built it. A bug in the first step cannot publish a small cell.

What this does not do (see docs/research-data.md): value-level disclosure
inside a cell (one "Nej" among five known union representatives) and
differencing between two deposits over time.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

# From finest to coarsest; municipality is always part of the stratum.
LEVELS: list[tuple[str, ...]] = [("department", "year"), ("year",), ("department",), ()]


class DisclosureError(ValueError):
    """A table would publish a cell under k; the message names table and cell (sv + en)."""


def cell_counts(rows: Iterable[dict], columns: tuple[str, ...]) -> Counter:
    return Counter(tuple(row.get(column) for column in columns) for row in rows)


def choose_level(responses: list[dict], k: int) -> tuple[tuple[str, ...], list[dict], int]:
    """(level, kept responses, number suppressed) for rows with the quasi-identifier fields.

    Each row has ``group_key`` and the fields of :data:`LEVELS`.
    """
    for level in LEVELS:
        counts = cell_counts(responses, ("group_key",) + level)
        if all(n >= k for n in counts.values()):
            return level, responses, 0
    level = LEVELS[-1]
    counts = cell_counts(responses, ("group_key",))
    kept = [row for row in responses if counts[(row["group_key"],)] >= k]
    return level, kept, len(responses) - len(kept)


def check_cells(table: str, rows: Iterable[dict], columns: tuple[str, ...], k: int) -> None:
    """Refuse to publish ``table`` if any combination of ``columns`` has fewer than ``k`` rows."""
    small = sorted(((cell, n) for cell, n in cell_counts(rows, columns).items() if n < k), key=str)
    if small:
        cell, n = small[0]
        described = ", ".join(f"{c}={v}" for c, v in zip(columns, cell))
        raise DisclosureError(
            f"Tabellen {table} skulle visa en cell med {n} svar (under k={k}): {described}. Inget skrevs. / "
            f"Table {table} would publish a cell of {n} responses (under k={k}): {described}. Nothing was written."
        )
