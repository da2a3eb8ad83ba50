"""Filters by department, year and post level, with figures no combination of filters can split.

The attitudes page and the trends page total the processes a filter
chooses. Filtering is where small cells leak: if each filter pooled its own
small cells (as one department's figures do), three filters choosing
{P1, P2}, {P2, P3} and {P1, P3} would give s1 + s2, s2 + s3 and s1 + s3,
and (first + third - second) / 2 is P1's small cell alone. So under a
filter a figure is built only from *units* that are already safe to show
one by one:

* a process's cell of at least k answers (management can open that process
  on the attitudes page anyway), and
* a batch of small cells exactly as the unfiltered figure releases it
  (``aggregates.released_small_cells``: closing order, at least k answers,
  from at least two processes), taken only when *every* process in the
  batch is chosen.

Any sum or difference of filtered figures is then a sum of such units,
never part of one: no filter, nor any combination of filters, separates a
cell under k (tests/test_trends_privacy.py plays the attack). Small cells
not in a released batch of the chosen processes are left out and the row
is marked partial. Evaluators (no suppression) get every cell.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from urllib.parse import urlencode

from datasette_plugins import aggregates
from datasette_plugins import scope

UNKNOWN_LEVEL = "unknown"  # processes made before the post level was recorded (NULL)


@dataclass(frozen=True)
class ProcessFilter:
    """What a reader chose; ``None`` = every value. ``post_level`` may be ``UNKNOWN_LEVEL``."""

    department: str | None = None
    year: str | None = None
    post_level: str | None = None

    @property
    def active(self) -> bool:
        return any((self.department, self.year, self.post_level))

    def matches(self, process: dict) -> bool:
        level = process.get("post_level") or UNKNOWN_LEVEL
        return (
            (self.department is None or process.get("department") == self.department)
            and (self.year is None or process.get("year") == self.year)
            and (self.post_level is None or level == self.post_level)
        )

    def args(self) -> list[tuple[str, str]]:
        """The filter as GET parameters (links between the attitudes and trends pages)."""
        pairs = (("department", self.department), ("year", self.year), ("post_level", self.post_level))
        return [(name, value) for name, value in pairs if value]


def listed_processes(conn) -> list[dict]:
    """Every process with what the filters read: department, year opened, post level, status."""
    rows = conn.execute(
        "select id, code, post_title, department, substr(opened_on, 1, 4), post_level, status from processes order by id"
    ).fetchall()
    keys = ("id", "code", "post_title", "department", "year", "post_level", "status")
    processes = [dict(zip(keys, row)) for row in rows]
    for process in processes:
        if not (process["year"] or "").isdigit():
            process["year"] = None
    return processes


def options(conn, processes: list[dict], lang: str) -> dict:
    """The values a reader can choose, from the processes they may see (never other departments')."""
    column = "name_en" if lang == "en" else "name_sv"
    names = dict(conn.execute(f"select key, {column} from departments").fetchall())
    departments = sorted({p["department"] for p in processes if p["department"]}, key=lambda d: names.get(d, d))
    years = sorted({p["year"] for p in processes if p["year"]})
    levels = {p.get("post_level") or UNKNOWN_LEVEL for p in processes}
    return {
        "departments": [(d, names.get(d, d)) for d in departments],
        "years": years,
        "post_levels": [(key, post_level_label(key, lang)) for key in _level_order() if key in levels],
    }


def post_level_label(key: str | None, lang: str) -> str:
    """Labels from ``forms.vocabulary.POST_LEVELS`` (imported on first use: this package loads no ``forms`` at import)."""
    from forms.vocabulary import POST_LEVELS

    for level, sv, en in POST_LEVELS:
        if level == key:
            return en if lang == "en" else sv
    return "Not recorded" if lang == "en" else "Inte angiven"


def _level_order() -> list[str]:
    from forms.vocabulary import POST_LEVEL_KEYS

    return [*POST_LEVEL_KEYS, UNKNOWN_LEVEL]


def from_args(args, choices: dict) -> tuple[ProcessFilter, list[str]]:
    """The filter from GET arguments; values that are not offered are dropped and named."""
    offered = {
        "department": {key for key, _label in choices["departments"]},
        "year": set(choices["years"]),
        "post_level": {key for key, _label in choices["post_levels"]},
    }
    values, ignored = {}, []
    for name, allowed in offered.items():
        value = (args.get(name) or "").strip()[:40]
        if not value:
            continue
        if value in allowed:
            values[name] = value
        else:
            ignored.append(name)
    return ProcessFilter(**values), ignored


@dataclass
class Unit:
    """Answers that may be shown together or not at all: one process's cell, or a released batch."""

    process_ids: frozenset
    counts: dict


@dataclass
class ItemUnits:
    key: str
    item: str
    text: str
    theme: str | None
    by_group: dict  # group -> [Unit] that may be shown
    held_back: dict  # group -> process ids whose cell is left out (collecting, or small and not yet released)


def item_units(conn, *, lang: str, scope_ids: list[int] | None, k: int, suppress: bool) -> list[ItemUnits]:
    """Every core Likert item cut into units, over the processes in scope (None = all).

    With ``suppress`` only closed processes count (as for the unfiltered
    figures: a collecting process's cells are held back) and small cells are
    released in the same batches as there.
    """
    if scope_ids is None:
        scope_ids = [row[0] for row in conn.execute("select id from processes")]
    closed = aggregates.closing_order(conn) if suppress else {}
    cells = defaultdict(lambda: defaultdict(lambda: defaultdict(int)))  # (key, item) -> (pid, group) -> value -> n
    texts, order = {}, []
    for key, item, text_sv, text_en, theme, pid, group_key, value, n in aggregates.likert_cells(conn, process_ids=scope_ids):
        if (key, item) not in texts:
            texts[(key, item)] = (text_en if lang == "en" else text_sv, theme)
            order.append((key, item))
        cells[(key, item)][(pid, group_key)][value] += n
    result = []
    for key, item in order:
        by_group, small, held_back = defaultdict(list), defaultdict(list), defaultdict(set)
        for (pid, group_key), counts in cells[(key, item)].items():
            counts = dict(counts)
            if suppress and pid not in closed:  # still collecting: left out, and the row says so
                held_back[group_key].add(pid)
            elif suppress and sum(counts.values()) < k:
                small[group_key].append((closed[pid], pid, counts))
            else:
                by_group[group_key].append(Unit(frozenset([pid]), counts))
        for group_key, group_cells in small.items():
            batches, leftover = released_batches(group_cells, k)
            by_group[group_key] += batches
            held_back[group_key] |= leftover
        text, theme = texts[(key, item)]
        result.append(ItemUnits(key, item, text, theme, dict(by_group), dict(held_back)))
    return result


def released_batches(cells: list[tuple[int, int, dict]], k: int) -> tuple[list[Unit], set]:
    """``aggregates.released_small_cells`` keeping the batches apart: (batches, process ids left pending).

    ``cells`` are (closing position, process id, counts). The same rule, so
    the unfiltered figure contains exactly these batches.
    """
    batches, pending = [], []
    for _position, pid, counts in sorted(cells, key=lambda cell: cell[0]):
        pending.append((pid, counts))
        if sum(sum(c.values()) for _pid, c in pending) >= k:
            total = {}
            for _pid, c in pending:
                _add(total, c)
            batches.append(Unit(frozenset(p for p, _c in pending), total))
            pending = []
    return batches, {pid for pid, _counts in pending}


def figures(units: list[ItemUnits], group_list, chosen_ids, *, k: int, suppress: bool) -> list[aggregates.ItemFigures]:
    """The attitude figures of the chosen processes, built from whole units only (see the module docstring)."""
    chosen = set(chosen_ids)
    result = []
    for entry in units:
        rows = {g: aggregates.GroupRow(g, label) for g, label in group_list}
        for group_key, group_units in entry.by_group.items():
            if group_key not in rows:
                continue
            row = rows[group_key]
            for unit in group_units:
                if unit.process_ids <= chosen:
                    _add(row.counts, unit.counts)
                elif unit.process_ids & chosen:
                    row.partial = True  # a batch only partly chosen stays out whole
        for group_key, pids in entry.held_back.items():
            if group_key in rows and pids & chosen:
                rows[group_key].partial = True
        if any(row.counts or row.partial for row in rows.values()):
            result.append(aggregates._item_figures(entry.key, entry.item, (entry.text, entry.theme), rows, suppress, k))
    return result


def filter_context(chosen: ProcessFilter, choices: dict, ignored: list[str]) -> dict:
    """What the filter form needs: the choices, the chosen values and any value that was not offered."""
    return {"choices": choices, "chosen": chosen, "ignored": ignored, "query": urlencode(chosen.args())}

def filtered_attitudes(conn, request, *, lang, department, k, suppress, only_ids=None):
    """(filter context, figures or None) for the attitudes page; figures only when a filter is chosen.

    ``department`` is the reader's scope (None = every process); ``only_ids``
    narrows it further (None = no narrowing): the real processes when
    synthetic answers are left out (``synthetic.answer_scope``).
    """
    processes = scope.visible(listed_processes(conn), department)
    narrowed = only_ids is not None
    if narrowed:
        allowed = set(only_ids)
        processes = [p for p in processes if p["id"] in allowed]
    choices = options(conn, processes, lang)
    chosen, ignored = from_args(request.args, choices)
    context = filter_context(chosen, choices, ignored)
    if not chosen.active:
        return context, None
    scope_ids = None if department is None and not narrowed else [p["id"] for p in processes]
    units = item_units(conn, lang=lang, scope_ids=scope_ids, k=k, suppress=suppress)
    ids = [p["id"] for p in processes if chosen.matches(p)]
    return context, figures(units, aggregates.groups(conn, lang), ids, k=k, suppress=suppress)



def _add(target: dict, counts: dict) -> None:
    for value, n in counts.items():
        target[value] = target.get(value, 0) + n
