"""Figures for the attitude and process pages, with small-cell protection.

Nothing here reads the raw answers. A process's figures come from
``answer_counts`` (kept exact by the collector); figures over all processes
come from ``core_answer_totals`` and ``core_answer_cells`` (kept exact by triggers on
``answer_counts``), so their cost depends on the number of questions and
of small cells, not on the number of answers or processes.

Small cells: a (process, group, question) cell with fewer than k answers is
never shown to management, and totals are of the shown rows only. Over all
processes, a group's small cells are pooled into its figure only when the
pool reaches k (it then spans at least two processes), otherwise left out:
so the difference between any shown figures is either nothing or a pool of
at least k answers, never one process's small group. Evaluators see every
cell.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass
from dataclasses import field

from datasette_plugins import agreement
from datasette_plugins import disclosure
from datasette_plugins import stats

SCALE = (1, 2, 3, 4, 5)


@dataclass
class GroupRow:
    group_key: str
    label: str
    counts: dict = field(default_factory=dict)  # value -> n, including 9
    suppressed: bool = False
    partial: bool = False  # some process cells left out (management)
    partition: disclosure.Partition = disclosure.FINEST  # how value counts are merged for display

    def segments(self) -> list:
        """(block of values, share) as management may see them (disclosure.py)."""
        return disclosure.segments(self.counts, self.partition)

    @property
    def n(self) -> int:
        return sum(self.counts.values())

    @property
    def scale_n(self) -> int:
        return sum(self.counts.get(v, 0) for v in SCALE)

    def shares(self) -> dict:
        total = self.scale_n
        return {v: (self.counts.get(v, 0) / total if total else 0.0) for v in SCALE}

    def mean(self):
        return stats.weighted_mean(self.counts.items())

    def median(self):
        return stats.weighted_median(self.counts.items())

    def agree(self):
        return stats.agree_share(self.counts.items())


@dataclass
class ItemFigures:
    key: str
    item: str
    text: str
    theme: str | None
    rows: list  # GroupRow per respondent group (in group order)
    total: GroupRow | None


def groups(conn, lang: str) -> list[tuple[str, str]]:
    column = "label_en" if lang == "en" else "label_sv"
    return [tuple(r) for r in conn.execute(f"select key, {column} from respondent_groups order by position")]


def scale_labels(conn, lang: str) -> list[tuple[int, str]]:
    """The agreement scale's points 1-5 as respondents read them, from the database.

    The labels are defined once (``forms.model.AGREEMENT_SCALE``) and written
    to ``question_choices`` with each registered questionnaire; the legend
    takes them from the newest Likert question of a standard questionnaire
    (the easy-to-read variants, ``instruments.reading``, word the same codes
    more simply), so it says what the people answering the current
    questionnaires read.
    """
    column = "label_en" if lang == "en" else "label_sv"
    return [
        tuple(row)
        for row in conn.execute(
            f"select value, {column} from question_choices where value between 1 and 5 and question_id = "
            "(select max(q.id) from questions q join instruments i on i.id = q.instrument_id "
            "where q.type = 'likert' and i.reading is null) order by value"
        )
    ]


# An item is named in its standard wording; its easy-to-read rewording (same key and codes) is counted with it.
_STANDARD = ("coalesce((select s.{0} from questions s join instruments i on i.id = s.instrument_id "
             "where s.key = q.key and i.reading is null order by s.id desc limit 1), min(q.{0}))")
_TEXTS = f"{_STANDARD.format('text_sv')}, {_STANDARD.format('text_en')}"


def processes(conn) -> list[dict]:
    cursor = conn.execute("select id, code, post_title, department from processes order by id")
    return [dict(zip(("id", "code", "post_title", "department"), row)) for row in cursor]


def closing_order(conn) -> dict[int, int]:
    """process id -> position in the order processes closed, for closed processes only.

    Management and coordinators see a process's answers only once its
    collection has closed (issue 10 part 3): while it collects, a figure
    taken before and after one named participant's status flips to
    "answered" would differ by exactly that person's answers.
    """
    cursor = conn.execute("select id from processes where status = 'closed' order by coalesce(closed_on, ''), id")
    return {row[0]: position for position, row in enumerate(cursor)}


def released_small_cells(cells: list[tuple[int, dict]], k: int) -> list[dict]:
    """The small cells of one group that may join a figure, released in batches of at least k.

    ``cells`` are (closing position, value counts), each under k answers.
    In closing order they wait until together they reach k, then are
    released together: every change of a figure over time adds at least k
    answers from at least two processes, never one process's small cell.
    """
    released, pending = [], []
    for _position, counts in sorted(cells, key=lambda cell: cell[0]):
        pending.append(counts)
        if sum(sum(c.values()) for c in pending) >= k:
            released += pending
            pending = []
    return released


def likert_cells(conn, process_id=None, process_ids=None):
    """(key, item, text_sv, text_en, theme, process_id, group_key, value, n) for core Likert items.

    ``process_id`` limits to one process, ``process_ids`` to a list (a
    coordinator's department).
    """
    sql = """
        select q.key, ac.item, {texts}, min(q.theme),
               ac.process_id, ac.group_key, ac.value_int, sum(ac.n)
        from answer_counts ac join questions q on q.id = ac.question_id
        where q.type = 'likert' and q.core = 1 and ac.n > 0
          {process_filter}
        group by q.key, ac.item, ac.process_id, ac.group_key, ac.value_int
        order by min(q.position), q.key, ac.item
    """
    params = []
    process_filter = ""
    if process_id is not None:
        process_filter = "and ac.process_id = ?"
        params.append(process_id)
    elif process_ids is not None:
        process_filter = "and ac.process_id in (select value from json_each(?))"
        params.append(json.dumps([int(i) for i in process_ids]))
    return conn.execute(sql.format(process_filter=process_filter, texts=_TEXTS), params).fetchall()


def total_cells(conn):
    """(key, item, text_sv, text_en, theme, group_key, value, n) over all processes."""
    return conn.execute(
        f"""
        select q.key, t.item, {_TEXTS}, min(q.theme), t.group_key, t.value_int, sum(t.n)
        from core_answer_totals t join questions q on q.id = t.question_id
        where q.type = 'likert' and q.core = 1 and t.n > 0
        group by q.key, t.item, t.group_key, t.value_int
        order by min(q.position), q.key, t.item
        """
    ).fetchall()


def small_cells(conn, k: int) -> dict:
    """(key, item, process_id, group_key) -> {value: n} for core Likert cells under ``k`` answers.

    A cell is what management would see for one process and group: all
    versions of a question (same key) together. ``core_answer_cells`` counts per
    question id, so any cell under k has every version under k: those are
    the candidates, and the full value counts of each candidate are summed
    before the size is checked again.
    """
    rows = conn.execute(
        """
        with candidates as (
          select distinct c.process_id, c.group_key, q.key, c.item
          from core_answer_cells c join questions q on q.id = c.question_id
          where c.n < :k and q.type = 'likert' and q.core = 1
        )
        select s.key, s.item, s.process_id, s.group_key, ac.value_int, sum(ac.n)
        from candidates s
        join questions q on q.key = s.key and q.type = 'likert' and q.core = 1
        join answer_counts ac on ac.process_id = s.process_id and ac.group_key = s.group_key
          and ac.question_id = q.id and coalesce(ac.item, '') = s.item
        where ac.n > 0
        group by 1, 2, 3, 4, 5
        """,
        {"k": k},
    ).fetchall()
    cells = defaultdict(dict)
    for key, item, process_id, group_key, value, n in rows:
        cells[(key, item, process_id, group_key)][value] = n
    return {cell: counts for cell, counts in cells.items() if sum(counts.values()) < k}


def attitude_figures(conn, *, lang="sv", process_id=None, process_ids=None, k=5, suppress=True) -> list[ItemFigures]:
    """Per core Likert item, one row per group, small cells excluded when ``suppress``.

    ``process_ids`` (a coordinator's department) totals those processes
    only, with the same pooling of small cells as one process's figures.
    """
    if process_id is None and process_ids is None:
        return _figures_over_all_processes(conn, lang=lang, k=k, suppress=suppress)
    closed = closing_order(conn) if suppress else {}
    if suppress and process_id is not None and process_id not in closed:
        return []  # still collecting: nothing until it closes
    if suppress and process_ids is not None:
        process_ids = [pid for pid in process_ids if pid in closed]
    cells = defaultdict(lambda: defaultdict(int))  # (key, item, process, group) -> value -> n
    texts, order = {}, []
    for key, item, text_sv, text_en, theme, pid, group_key, value, n in likert_cells(conn, process_id, process_ids):
        if (key, item) not in texts:
            texts[(key, item)] = (text_en if lang == "en" else text_sv, theme)
            order.append((key, item))
        cells[(key, item, pid, group_key)][value] += n
    by_item = defaultdict(list)
    for (key, item, pid, group_key), counts in cells.items():
        by_item[(key, item)].append((pid, group_key, counts))
    group_list = groups(conn, lang)
    figures = []
    for key, item in order:
        rows = {g: GroupRow(g, label) for g, label in group_list}
        small = defaultdict(list)  # group -> suppressed process cells
        for pid, group_key, counts in by_item[(key, item)]:
            if group_key not in rows:
                continue
            if suppress and sum(counts.values()) < k:
                small[group_key].append((closed.get(pid, 0), counts))
                continue
            _add(rows[group_key].counts, counts)
        _pool_small_cells(rows, small, k)
        figures.append(_item_figures(key, item, texts[(key, item)], rows, suppress, k))
    return figures


def _figures_over_all_processes(conn, *, lang, k, suppress) -> list[ItemFigures]:
    """The same figures as summing every process's cells, read from the summaries.

    A group's figure is its total minus its small cells, unless those small
    cells pool to at least k (then the total is shown): exactly what adding
    the shown cells and the qualifying pool gives.
    """
    totals = defaultdict(lambda: defaultdict(dict))  # (key, item) -> group -> value -> n
    texts, order = {}, []
    for key, item, text_sv, text_en, theme, group_key, value, n in total_cells(conn):
        if (key, item) not in texts:
            texts[(key, item)] = (text_en if lang == "en" else text_sv, theme)
            order.append((key, item))
        totals[(key, item)][group_key][value] = n
    small = defaultdict(lambda: defaultdict(list))  # (key, item) -> group -> [(closing position, counts)]
    withheld = defaultdict(lambda: defaultdict(list))  # (key, item) -> group -> [counts] left out
    if suppress:
        closed = closing_order(conn)
        collecting = [row[0] for row in conn.execute("select id from processes where status != 'closed'")]
        for key, item, _t1, _t2, _theme, _pid, group_key, value, n in likert_cells(conn, process_ids=collecting):
            withheld[(key, item)][group_key].append({value: n})
        for (key, item, pid, group_key), counts in small_cells(conn, k).items():
            if pid in closed:
                small[(key, item)][group_key].append((closed[pid], counts))
        for (key, item), by_group in small.items():
            for group_key, cells in by_group.items():
                released = released_small_cells(cells, k)
                unreleased = [counts for _position, counts in cells if not any(counts is r for r in released)]
                withheld[(key, item)][group_key] += unreleased
    group_list = groups(conn, lang)
    figures = []
    for key, item in order:
        rows = {g: GroupRow(g, label) for g, label in group_list}
        for group_key, counts in totals[(key, item)].items():
            if group_key in rows:
                rows[group_key].counts = dict(counts)
        for group_key, cells in withheld[(key, item)].items():
            if group_key not in rows or not cells:
                continue
            row = rows[group_key]
            for counts in cells:
                for value, n in counts.items():
                    row.counts[value] = row.counts.get(value, 0) - n
            row.counts = {value: n for value, n in row.counts.items() if n > 0}
            row.partial = True
        figures.append(_item_figures(key, item, texts[(key, item)], rows, suppress, k))
    return figures


def _pool_small_cells(rows: dict, small: dict, k: int) -> None:
    for group_key, suppressed_cells in small.items():
        # Small cells of one group over several processes join the group's
        # figure only in released batches of at least k (secondary
        # suppression that also holds over time): the difference from
        # the per-process figures, or from yesterday's figure, is then a
        # batch of at least k, never one process's cell.
        released = released_small_cells(suppressed_cells, k)
        for counts in released:
            _add(rows[group_key].counts, counts)
        if len(released) < len(suppressed_cells):
            rows[group_key].partial = True


def _item_figures(key, item, text_theme, rows: dict, suppress: bool, k: int) -> ItemFigures:
    shown = []
    for row in rows.values():
        if not row.counts and not row.partial:
            continue
        if suppress and row.n < k:
            row.suppressed = True
        elif suppress:
            row.partition = disclosure.choose(row.counts, k)
        shown.append(row)
    total = GroupRow("total", "")
    in_total = [row for row in shown if not row.suppressed]
    for row in in_total:
        _add(total.counts, row.counts)
    total.partial = any(r.partial or r.suppressed for r in shown)
    if suppress and total.counts:
        total.partition = disclosure.choose_total([row.counts for row in in_total], [row.partition for row in in_total], k)
    text, theme = text_theme
    label = text if not item else f"{text} – {item}"
    return ItemFigures(key, item, label, theme, shown, total if total.counts else None)


def _add(target: dict, counts: dict) -> None:
    for value, n in counts.items():
        target[value] = target.get(value, 0) + n


def theme_index(figures: list[ItemFigures]) -> dict:
    """theme -> group_key -> share who agree (4–5), 0-100, of everyone who answered the
    theme's statements ("don't know" included), from shown rows only.

    A share who agree, not a mean: a mean needs every value's count, and small
    groups are shown with merged values (disclosure.py), which left the theme
    view (management's start page) empty on real-sized groups. Every rung of the
    ladder but "withheld" keeps 4–5 apart from the rest, so the agreeing count of
    each shown row is already on the page and summing them reveals nothing new.
    """
    sums = defaultdict(lambda: defaultdict(lambda: [0, 0]))
    for figure in figures:
        for row in figure.rows:
            if row.suppressed or row.partition.withheld:
                continue
            acc = sums[figure.theme or "-"][row.group_key]
            acc[0] += row.counts.get(4, 0) + row.counts.get(5, 0)
            acc[1] += row.n
    return {
        theme: {g: 100 * agree / n for g, (agree, n) in by_group.items() if n}
        for theme, by_group in sums.items()
    }


def screening_table(conn, process_id, real_only=False):
    """Table 2: (raters, applicants, {(applicant, rater): rating}, agreement.screening_agreement(...)).

    ``real_only`` leaves out synthetic ratings (synthetic.py).
    """
    rows = conn.execute(
        "select rater, applicant, rating from screening_ratings where process_id = ?"
        + (" and coalesce(is_synthetic, 0) = 0" if real_only else "") + " order by applicant, rater",
        [process_id],
    ).fetchall()
    raters = sorted({r for r, _, _ in rows})
    applicants = sorted({a for _, a, _ in rows})
    ratings = {(a, r): v for r, a, v in rows}
    triples = [(a, r, v) for r, a, v in rows]
    return raters, applicants, ratings, agreement.screening_agreement(triples)


def ranking_table(conn, process_id, real_only=False):
    rows = conn.execute(
        "select party, applicant, rank from rankings where process_id = ?"
        + (" and coalesce(is_synthetic, 0) = 0" if real_only else "") + " order by party, rank",
        [process_id],
    ).fetchall()
    parties = list(dict.fromkeys(p for p, _, _ in rows))
    applicants = sorted({a for _, a, _ in rows})
    ranks = {(p, a): r for p, a, r in rows}
    return parties, applicants, ranks, stats.kendall_w_detail(rows)


def response_counts(conn, process_id, lang="sv"):
    column = "label_en" if lang == "en" else "label_sv"
    return conn.execute(
        f"""select g.key, g.{column}, coalesce(rc.n, 0) from respondent_groups g
            left join response_counts rc on rc.group_key = g.key and rc.process_id = ?
            order by g.position""",
        [process_id],
    ).fetchall()
