"""Statistics SQL functions, registered for Datasette and for the collector.

Aggregates (all ignore NULL; Likert ones also ignore 9, "don't know"):

* ``likert_median(value[, n])``, ``likert_mean(value[, n])``,
  ``likert_agree_share(value[, n])`` — the optional ``n`` weights a row, so
  they run on ``answer_counts`` as well as on ``answers``;
* ``krippendorff_alpha(unit, rater, value[, level])`` — level nominal
  (default), ordinal or interval;
* ``fleiss_kappa(unit, rater, value)``, ``percent_agreement(unit, rater, value)``
  — units with fewer than two values are left out (agreement.py);
* ``kendall_w(rater, item, rank)`` — every item anyone ranked counts; a
  rater's unranked items share the last ranks (docs/statistics.md);
* ``mann_whitney(value, in_first_group[, method])`` — JSON with u, p, method,
  n1, n2, rank_biserial and r; read parts with ``json_extract``. method is
  "auto" (default: the exact p when n1 * n2 <= 400, ties included, else the
  normal approximation), "exact" or "asymptotic"; the JSON says which was used.

Scalar: ``small_cell_k()`` — the configured suppression threshold, so
canned queries for management suppress small cells in SQL;
``protected_distribution(v1, v2, v3, v4, v5, dont_know, k)`` — a cell's
value counts merged by disclosure.py's rule, as text.
"""

from __future__ import annotations

import json
import sqlite3

from pluggy import HookimplMarker

from datasette_plugins import agreement
from datasette_plugins import config
from datasette_plugins import disclosure
from datasette_plugins import stats
from datasette_plugins import unreadable

# Datasette's own marker (``datasette.hookimpl`` is this object's twin), made
# here so the collector can import these functions without loading Datasette.
hookimpl = HookimplMarker("datasette")


class _Collect:
    """Base aggregate: keeps the rows, computes at the end (errors become NULL)."""

    def __init__(self):
        self.rows = []

    def step(self, *args):
        self.rows.append(args)

    def finalize(self):
        try:
            return self.compute(self.rows)
        except (ValueError, TypeError, ZeroDivisionError):
            return None


def _pairs(rows):
    return [(row[0], row[1] if len(row) > 1 else 1) for row in rows]


class LikertMedian(_Collect):
    def compute(self, rows):
        return stats.weighted_median(_pairs(rows))


class LikertMean(_Collect):
    def compute(self, rows):
        return stats.weighted_mean(_pairs(rows))


class LikertAgreeShare(_Collect):
    def compute(self, rows):
        return stats.agree_share(_pairs(rows))


class KrippendorffAlpha(_Collect):
    def compute(self, rows):
        level = next((row[3] for row in rows if len(row) > 3 and row[3]), "nominal")
        return stats.krippendorff_alpha([row[:3] for row in rows], str(level).lower())


class FleissKappa(_Collect):
    def compute(self, rows):
        return agreement.fleiss_kappa([row[:3] for row in rows])


class PercentAgreement(_Collect):
    def compute(self, rows):
        return agreement.percent_agreement([row[:3] for row in rows])


class KendallW(_Collect):
    def compute(self, rows):
        return stats.kendall_w(rows)


class MannWhitney(_Collect):
    def compute(self, rows):
        first = [r[0] for r in rows if r[0] is not None and r[1]]
        second = [r[0] for r in rows if r[0] is not None and not r[1]]
        method = next((str(row[2]).lower() for row in rows if len(row) > 2 and row[2]), "auto")
        result = stats.mann_whitney(first, second, method)
        return json.dumps(result) if result else None


AGGREGATES = {
    "likert_median": LikertMedian,
    "likert_mean": LikertMean,
    "likert_agree_share": LikertAgreeShare,
    "krippendorff_alpha": KrippendorffAlpha,
    "fleiss_kappa": FleissKappa,
    "percent_agreement": PercentAgreement,
    "kendall_w": KendallW,
    "mann_whitney": MannWhitney,
}


def register_functions(conn) -> None:
    """Register Medverkan's SQL functions on a sqlite3 connection."""
    for name, aggregate in AGGREGATES.items():
        conn.create_aggregate(name, -1, aggregate)
    conn.create_function("small_cell_k", 0, config.small_cell_k)
    conn.create_function("protected_distribution", 7, disclosure.distribution_text, deterministic=True)


# Longest string or blob any Datasette query may build (bytes). The longest
# value the served database holds is a free-text answer of at most 5000
# characters (forms.builder.TEXT_MAX_LENGTH); without this,
# ``select randomblob(1000000000)`` makes a 1 GB value and a 1.3 GB
# response (issue 10, part 9). The collector's connections are not limited.
MAX_VALUE_BYTES = 100_000


class ResultTooLarge(sqlite3.DatabaseError):
    """Raised while rows are fetched, so Datasette shows it as a query error (400)."""


def _budgeted_rows(limit: int):
    """A row factory (on top of Datasette's sqlite3.Row) that stops a query past ``limit`` bytes.

    The length limit bounds one value, not rows times columns: a query of
    many wide rows could still fill memory before any response is sent.
    Each cursor (one query) gets its own tally.
    """
    import weakref

    spent = weakref.WeakKeyDictionary()

    def factory(cursor, row):
        size = sum(len(v) if isinstance(v, (str, bytes)) else 8 for v in row)
        spent[cursor] = spent.get(cursor, 0) + size
        if spent[cursor] > limit:
            raise ResultTooLarge(
                f"Svaret blev för stort (mer än {limit // 1048576} MB) / The result is too large (more than {limit // 1048576} MB)"
            )
        return sqlite3.Row(cursor, row)

    return factory


@hookimpl
def prepare_connection(conn):
    register_functions(conn)
    unreadable.guard(conn)
    conn.setlimit(sqlite3.SQLITE_LIMIT_LENGTH, MAX_VALUE_BYTES)
    conn.row_factory = _budgeted_rows(config.max_response_bytes())
